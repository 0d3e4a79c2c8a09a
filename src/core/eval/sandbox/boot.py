"""Starts a sandbox worker: `python3 -I -c <this file>`. The first line on stdin carries the
sandbox's Python modules (pyvalues, harness, rewardfn, forkserver) and the worker's config, so nothing is
read from disk and the working directory is never on sys.path (-I)."""
import json
import os
import sys
import types

inp = os.fdopen(os.dup(0), 'rb')
out = os.fdopen(os.dup(1), 'wb')
os.dup2(os.open(os.devnull, os.O_RDWR), 0)
os.dup2(2, 1)  # a stray print goes to stderr, never into the protocol
message = json.loads(inp.readline())
for name, source in message['modules']:
    module = types.ModuleType(name)
    module.__file__ = name + '.py'
    sys.modules[name] = module
    exec(compile(source, name + '.py', 'exec'), module.__dict__)
sys.modules['forkserver'].main(inp, out, message['config'])
