"""Starts a sandbox worker: `python3 -I -c <this file>`. The first message on stdin (a 4-byte length, then
JSON) carries the sandbox's Python modules (pyvalues, harness, rewardfn, forkserver) and the worker's
config, so nothing is read from disk and the working directory is never on sys.path (-I). Then the
fork server takes the streams as raw descriptors: nothing here reads ahead into the jobs."""
import json
import os
import struct
import sys
import types

inp = os.dup(0)
out = os.dup(1)
os.dup2(os.open(os.devnull, os.O_RDWR), 0)
os.dup2(2, 1)  # a stray print goes to stderr, never into the protocol


def read_exact(fd, n):
    parts = []
    while n > 0:
        part = os.read(fd, n)
        if not part:
            raise EOFError('the sandbox parent closed the stream')
        parts.append(part)
        n -= len(part)
    return b''.join(parts)


message = json.loads(read_exact(inp, struct.unpack('>I', read_exact(inp, 4))[0]))
for name, source in message['modules']:
    module = types.ModuleType(name)
    module.__file__ = name + '.py'
    sys.modules[name] = module
    exec(compile(source, name + '.py', 'exec'), module.__dict__)
sys.modules['forkserver'].main(inp, out, message['config'])
