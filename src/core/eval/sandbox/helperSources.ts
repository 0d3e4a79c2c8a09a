/**
 * The sandbox's two helper programs, kept as source strings so the bundled CLI and extension need no
 * extra files: they are written to a private temp dir when a pool starts.
 *
 * FORK_SERVER (Python): one per core. It isolates itself once (network, mount namespaces), pre-imports
 * the common modules, then for every program forks a child that enters a new pid namespace, applies
 * rlimits, drops to a dedicated uid (when root), chdirs into a fresh directory and runs the program —
 * Python in the forked child itself, other languages by exec (node + DRIVER_JS). Results come back on
 * a separate fd, marked with a per-program nonce.
 *
 * This file is the source of truth (there is no separate .py/.js file).
 */

export const FORK_SERVER_PY = String.raw`# Reasoning Lab sandbox fork server. One per core. Protocol: one JSON config line, then one JSON job
# per line on stdin; one JSON line per job on stdout. Children never hold our stdin/stdout.
import os, sys, json, ctypes, signal, select, resource, shutil, tempfile, time, errno

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x10000000, 0x20000000, 0x40000000
PR_SET_PDEATHSIG = 1
_libc = None
try:
    _libc = ctypes.CDLL(None, use_errno=True)
except Exception:
    _libc = None

def _call(name, *args):
    if _libc is None or not hasattr(_libc, name):
        return 'unavailable'
    if getattr(_libc, name)(*args) != 0:
        return os.strerror(ctypes.get_errno())
    return None

PROTO_OUT = os.fdopen(os.dup(1), 'w', buffering=1)
PROTO_IN = os.fdopen(os.dup(0), 'r')
os.dup2(os.open(os.devnull, os.O_RDWR), 0)
os.dup2(2, 1)  # stray prints of ours go to stderr, never into the protocol

def send(obj):
    PROTO_OUT.write(json.dumps(obj) + '\n')
    PROTO_OUT.flush()

config = json.loads(PROTO_IN.readline())
once = '--once' in sys.argv
prot = {'linux': sys.platform.startswith('linux'), 'netns': False, 'pidns': False, 'uidDrop': False,
        'rlimitCpu': True, 'rlimitAs': True, 'rlimitNproc': False, 'rlimitFsize': True, 'notes': []}
if sys.platform.startswith('linux'):
    _call('prctl', PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

is_root = os.geteuid() == 0
if config.get('network') is not False and sys.platform.startswith('linux'):
    if is_root:
        err = _call('unshare', CLONE_NEWNET)
        if err is None:
            prot['netns'] = 'netns'
        else:
            prot['notes'].append('unshare(CLONE_NEWNET): ' + err)
    else:
        uid, gid = os.getuid(), os.getgid()
        err = _call('unshare', CLONE_NEWUSER | CLONE_NEWNET)
        if err is None:
            try:
                with open('/proc/self/setgroups', 'w') as f: f.write('deny')
                with open('/proc/self/uid_map', 'w') as f: f.write('%d %d 1' % (uid, uid))
                with open('/proc/self/gid_map', 'w') as f: f.write('%d %d 1' % (gid, gid))
                prot['netns'] = 'userns+netns'
            except OSError as e:
                prot['notes'].append('uid_map: ' + str(e))
                prot['netns'] = 'userns+netns'
        else:
            prot['notes'].append('unshare(CLONE_NEWUSER|CLONE_NEWNET): ' + err)

# A private mount namespace: /tmp, /var/tmp and /dev/shm become empty tmpfs that only this worker
# sees, wiped after every program, so a write "outside its directory" lands nowhere that matters.
MASKED = []
if sys.platform.startswith('linux') and config.get('mounts') is not False and (is_root or prot['netns']):
    MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 16384, 1 << 18
    err = _call('unshare', CLONE_NEWNS)
    if err is None:
        err = _call('mount', b'none', b'/', None, MS_REC | MS_PRIVATE, None)
    if err is None:
        for d in ('/tmp', '/var/tmp', '/dev/shm'):
            if os.path.isdir(d):
                e2 = _call('mount', b'tmpfs', d.encode(), b'tmpfs', MS_NOSUID | MS_NODEV, b'size=512m,mode=1777')
                if e2 is None:
                    MASKED.append(d)
                else:
                    prot['notes'].append('mount tmpfs on %s: %s' % (d, e2))
    else:
        prot['notes'].append('mount namespace: ' + err)
prot['privateTmp'] = MASKED

def wipe_masked(keep):
    for d in MASKED:
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for n in names:
            p = os.path.join(d, n)
            if p == keep:
                continue
            try:
                if os.path.isdir(p) and not os.path.islink(p):
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    os.unlink(p)
            except OSError:
                pass

PIDNS_FD = None
if sys.platform.startswith('linux') and config.get('pidns') is not False:
    try:
        fd = os.open('/proc/self/ns/pid', os.O_RDONLY)
        err = _call('unshare', CLONE_NEWPID)
        if err is None:
            err = _call('setns', fd, CLONE_NEWPID)
        if err is None:
            PIDNS_FD = fd
            prot['pidns'] = True
        else:
            prot['notes'].append('pid namespace: ' + err)
            os.close(fd)
    except OSError as e:
        prot['notes'].append('pid namespace: ' + str(e))

SANDBOX_UID = config.get('uid') if is_root else None
BASE = tempfile.mkdtemp(prefix='rl-sandbox-', dir=config.get('tmp') or None)
os.chmod(BASE, 0o711)

def drop_privileges():
    os.setgroups([])
    os.setgid(SANDBOX_UID)
    os.setuid(SANDBOX_UID)

if SANDBOX_UID is not None:
    # the interpreter's own files must stay readable after the drop, or imports would fail for
    # reasons that are ours, not the program's
    pid = os.fork()
    if pid == 0:
        try:
            drop_privileges()
            os.listdir(os.path.dirname(os.__file__))
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, st = os.waitpid(pid, 0)
    if os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0:
        prot['uidDrop'] = SANDBOX_UID
    else:
        prot['notes'].append('cannot drop to uid %d: the interpreter is not readable by it' % SANDBOX_UID)
        SANDBOX_UID = None
# RLIMIT_NPROC counts every process of the real uid, and root ignores it: it only means something
# for a dedicated uid (root mode) or an unprivileged user (then it is set above the current count).
if SANDBOX_UID is not None:
    prot['rlimitNproc'] = True
    NPROC_BASE = 0
elif not is_root:
    prot['rlimitNproc'] = True
    try:
        NPROC_BASE = sum(1 for p in os.listdir('/proc') if p.isdigit() and os.stat('/proc/' + p).st_uid == os.getuid())
    except OSError:
        NPROC_BASE = 256
else:
    NPROC_BASE = 0
    prot['notes'].append('running as root without a sandbox uid: RLIMIT_NPROC does not apply to root')

for m in config.get('preimport', []):
    try:
        __import__(m)
    except Exception:
        pass
import gc, traceback, ast, linecache, copy, builtins, io
gc.collect()
if hasattr(gc, 'freeze'):
    gc.freeze()

# ---------------------------------------------------------------------------------------------
# In the child: the harness that runs a Python program and reports through the result fd.

class _AssertRewriter(ast.NodeTransformer):
    """assert L == R  ->  assert __rl_eq(L, R, lineno): same truth value, but a failure carries got/expected."""
    def visit_Assert(self, node):
        t = node.test
        if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq):
            call = ast.Call(func=ast.Name('__rl_eq', ast.Load()), args=[t.left, t.comparators[0], ast.Constant(node.lineno)], keywords=[])
            node.test = ast.copy_location(call, t)
        return node

def child_python(job, rfd, nonce):
    write = os.write
    dumps = json.dumps
    def report(payload):
        data = (nonce + ' ' + dumps(payload) + '\n').encode()
        while data:
            n = write(rfd, data)
            data = data[n:]
    def tb_text(e, limit=6000):
        s = ''.join(traceback.format_exception(type(e), e, e.__traceback__))
        return s if len(s) <= limit else s[:1000] + '\n...\n' + s[-(limit - 1000):]
    def finish(payload):
        report(payload)
        try:
            sys.stdout.flush(); sys.stderr.flush()
        except BaseException:
            pass
        os._exit(0)
    mismatches = {}
    def rl_eq(left, right, lineno):
        ok = left == right
        if not ok:
            try:
                mismatches[lineno] = (repr(left)[:500], repr(right)[:500])
            except BaseException:
                pass
        return ok
    src, test = job['code'], job.get('test')
    for name, text in (('solution.py', src), ('test.py', test or '')):
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
    try:
        code = compile(src, 'solution.py', 'exec', dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        finish({'verdict': 'syntax_error', 'line': getattr(e, 'lineno', None), 'message': str(e), 'traceback': tb_text(e)})
    tcode = None
    if test is not None:
        try:
            tree = _AssertRewriter().visit(ast.parse(test, 'test.py'))
            ast.fix_missing_locations(tree)
            tcode = compile(tree, 'test.py', 'exec', dont_inherit=True)
        except (SyntaxError, ValueError) as e:
            finish({'verdict': 'harness_error', 'message': 'the test code does not compile: ' + str(e)})
    g = {'__name__': '__main__', '__builtins__': builtins}
    stage = 'solution'
    try:
        exec(code, g)
        if job['kind'] == 'calls':
            stage = 'entry'
            entry = job['entry']
            fn = g.get(entry)
            if fn is None and isinstance(g.get('Solution'), type):
                fn = getattr(g['Solution'](), entry, None)
            if not callable(fn):
                finish({'verdict': 'runtime_error', 'message': 'the solution defines no function ' + entry})
            outs = []
            for i, args in enumerate(job['inputs']):
                stage = 'case'
                try:
                    got = fn(*copy.deepcopy(args))
                except MemoryError:
                    raise
                except BaseException as e:
                    msg = ('the program called exit(%r) before the tests finished' % (e.code,)) if isinstance(e, SystemExit) else type(e).__name__ + ': ' + str(e)[:500]
                    finish({'verdict': 'runtime_error', 'case': i, 'message': msg, 'traceback': tb_text(e), 'outputs': outs})
                try:
                    outs.append(dumps(got))
                except BaseException as e:
                    finish({'verdict': 'failed', 'case': i, 'message': 'the result is not a JSON value: ' + type(got).__name__, 'outputs': outs})
            finish({'verdict': 'ran', 'outputs': outs})
        else:
            g['__rl_eq'] = rl_eq
            stage = 'test'
            exec(tcode, g)
            if job.get('call'):
                stage = 'check'
                exec(compile(job['call'], 'check', 'exec'), g)
            finish({'verdict': 'passed'})
    except MemoryError as e:
        finish({'verdict': 'memory', 'message': 'MemoryError', 'traceback': tb_text(e)})
    except SystemExit as e:
        finish({'verdict': 'runtime_error', 'message': 'the program called exit(%r) before the tests finished' % (e.code,)})
    except AssertionError as e:
        frames = traceback.extract_tb(e.__traceback__)
        in_test = [f for f in frames if f.filename == 'test.py']
        if in_test and frames[-1].filename == 'test.py':
            f = in_test[-1]
            payload = {'verdict': 'failed', 'line': f.lineno, 'assertion': (f.line or '').strip()[:1000]}
            if f.lineno in mismatches:
                payload['got'], payload['expected'] = mismatches[f.lineno]
            finish(payload)
        finish({'verdict': 'runtime_error', 'message': 'AssertionError: ' + str(e)[:500], 'traceback': tb_text(e)})
    except RecursionError as e:
        finish({'verdict': 'runtime_error', 'message': 'RecursionError: ' + str(e)[:300], 'traceback': tb_text(e)})
    except BaseException as e:
        if isinstance(e, SyntaxError) and stage == 'solution':
            finish({'verdict': 'syntax_error', 'line': getattr(e, 'lineno', None), 'message': str(e), 'traceback': tb_text(e)})
        finish({'verdict': 'runtime_error', 'message': type(e).__name__ + ': ' + str(e)[:500], 'traceback': tb_text(e)})

def child_main(job, d, outw, resw, nonce):
    try:
        os.setsid()
        rfd = 200 + (int(nonce[:4], 16) % 700)
        os.dup2(resw, rfd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(outw, 1)
        os.dup2(outw, 2)
        os.closerange(3, rfd)
        os.closerange(rfd + 1, 4096)
        lim = job['limits']
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu = int(lim['cpuSeconds'])
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        mem = int(lim['memoryBytes'])
        if job.get('argv'):
            resource.setrlimit(resource.RLIMIT_DATA, (mem, mem))  # V8 reserves address space; cap the data instead
        else:
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        fs = int(lim.get('fileBytes', 16 << 20))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fs, fs))
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        if prot['rlimitNproc']:
            n = NPROC_BASE + int(lim.get('processes', 16))
            resource.setrlimit(resource.RLIMIT_NPROC, (n, n))
        for s in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM):
            signal.signal(s, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails with EFBIG instead of killing
        os.chdir(d)
        os.umask(0o077)
        if SANDBOX_UID is not None:
            drop_privileges()
        _call('prctl', PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # after the uid change, which clears it
        os.environ.clear()
        os.environ.update({'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': d, 'TMPDIR': d, 'LANG': 'C.UTF-8', 'PYTHONHASHSEED': '0'})
        sys.argv = ['solution.py']
        sys.stdin = io.TextIOWrapper(io.BytesIO(b''))
        sys.stdout = os.fdopen(1, 'w', buffering=1, errors='backslashreplace')
        sys.stderr = os.fdopen(2, 'w', buffering=1, errors='backslashreplace')
    except BaseException as e:
        try:
            os.write(resw, (nonce + ' ' + json.dumps({'verdict': 'harness_error', 'message': 'sandbox setup: %r' % (e,)}) + '\n').encode())
        finally:
            os._exit(113)
    if job.get('argv'):
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        env = dict(os.environ)
        env['RL_RESULT_FD'] = str(rfd)
        nr, nw = os.pipe()
        os.write(nw, nonce.encode())
        os.close(nw)
        os.set_inheritable(nr, True)
        env['RL_NONCE_FD'] = str(nr)
        try:
            os.execve(job['argv'][0], job['argv'], env)
        except OSError as e:
            os.write(rfd, (nonce + ' ' + json.dumps({'verdict': 'harness_error', 'message': 'exec %s: %s' % (job['argv'][0], e)}) + '\n').encode())
            os._exit(113)
    child_python(job, rfd, nonce)
    os._exit(0)

# ---------------------------------------------------------------------------------------------
# In the server: one job.

def kill_tree(pid):
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass

def run_job(job):
    t0 = time.monotonic()
    try:
        d = tempfile.mkdtemp(prefix='p', dir=BASE)
        for name, text in (job.get('files') or {}).items():
            p = os.path.join(d, name)
            with open(p, 'w') as f:
                f.write(text)
            if SANDBOX_UID is not None:
                os.chown(p, SANDBOX_UID, SANDBOX_UID)
        if SANDBOX_UID is not None:
            os.chown(d, SANDBOX_UID, SANDBOX_UID)
        os.chmod(d, 0o700)
    except OSError as e:
        return {'infra': 'cannot prepare the working directory: %s' % e}
    nonce = os.urandom(16).hex()
    outr, outw = os.pipe()
    resr, resw = os.pipe()
    try:
        if PIDNS_FD is not None:
            err = _call('unshare', CLONE_NEWPID)
            if err is not None:
                raise OSError(err)
        try:
            pid = os.fork()
        finally:
            if PIDNS_FD is not None:
                _call('setns', PIDNS_FD, CLONE_NEWPID)
    except OSError as e:
        for fd in (outr, outw, resr, resw):
            os.close(fd)
        shutil.rmtree(d, ignore_errors=True)
        return {'infra': 'fork failed: %s' % e}
    if pid == 0:
        os.close(outr); os.close(resr)
        child_main(job, d, outw, resw, nonce)
    os.close(outw); os.close(resw)
    lim = job['limits']
    deadline = t0 + lim['timeoutMs'] / 1000.0
    cap = int(lim.get('outputBytes', 1 << 20))
    keep = 16384
    head = bytearray(); total = 0; res = bytearray()
    status = 'exited'
    pidfd = None
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    open_fds = {outr, resr}
    exited = None
    while True:
        now = time.monotonic()
        if exited is None:
            try:
                w, st = os.waitpid(pid, os.WNOHANG) if pidfd is None else (0, 0)
            except ChildProcessError:
                w, st = pid, 0
            if w == pid:
                exited = st
        if exited is not None and not open_fds:
            break
        if now >= deadline and status == 'exited':
            status = 'timeout'
            kill_tree(pid)
            deadline = now + 2.0
        elif now >= deadline:
            break  # killed, yet the pipes stay open: grandchildren outside our reach hold them
        wait = max(0.0, deadline - now)
        if pidfd is None and exited is None:
            wait = min(wait, 0.005)
        if exited is not None and open_fds:
            # the program ended; whatever still holds the pipes (background children) is killed
            kill_tree(pid)
            wait = min(wait, 0.2)
        fds = list(open_fds) + ([pidfd] if pidfd is not None and exited is None else [])
        try:
            ready, _, _ = select.select(fds, [], [], wait)
        except InterruptedError:
            continue
        if exited is not None and not ready and open_fds:
            break
        for fd in ready:
            if fd == pidfd:
                _, st = os.waitpid(pid, 0)
                exited = st
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
                continue
            if fd == outr:
                total += len(chunk)
                if len(head) < keep:
                    head += chunk[:keep - len(head)]
                if total > cap and status == 'exited':
                    status = 'output_limit'
                    kill_tree(pid)
            elif len(res) < (4 << 20):
                res += chunk
    if exited is None:
        kill_tree(pid)
        try:
            _, exited = os.waitpid(pid, 0)
        except ChildProcessError:
            exited = 0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    kill_tree(pid)
    for fd in (outr, resr):
        os.close(fd)
    if pidfd is not None:
        os.close(pidfd)
    wall = (time.monotonic() - t0) * 1000.0
    shutil.rmtree(d, ignore_errors=True)
    wipe_masked(BASE)
    result = None
    prefix = nonce + ' '
    for line in bytes(res).decode('utf-8', 'replace').split('\n'):
        if line.startswith(prefix):
            try:
                result = json.loads(line[len(prefix):])
            except ValueError:
                pass
            break
    out = {'status': status, 'wallMs': round(wall, 3), 'outputBytes': total,
           'output': bytes(head).decode('utf-8', 'replace'), 'result': result, 'maxRssKb': ru.ru_maxrss}
    if os.WIFSIGNALED(exited):
        out['signal'] = os.WTERMSIG(exited)
    elif os.WIFEXITED(exited):
        out['exitCode'] = os.WEXITSTATUS(exited)
    return out

send({'hello': True, 'protections': prot, 'python': sys.version.split()[0], 'pid': os.getpid()})
try:
    while True:
        line = PROTO_IN.readline()
        if not line:
            break
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            r = run_job(job)
        except Exception as e:
            r = {'infra': 'fork server: %r' % (e,)}
        r['id'] = job.get('id')
        send(r)
        if once:
            break
finally:
    shutil.rmtree(BASE, ignore_errors=True)
`;

export const DRIVER_JS = String.raw`'use strict';
// Reasoning Lab sandbox driver for JavaScript/TypeScript samples: loads solution.js, calls the entry
// function with each case's arguments, and reports the outputs (never compared here) through the
// result fd, marked with a nonce read from a pipe that is closed before any solution code runs.
const fs = require('fs');
const writeSync = fs.writeSync;
const stringify = JSON.stringify;
const exit = process.reallyExit ? process.reallyExit.bind(process) : process.exit.bind(process);
const rfd = Number(process.env.RL_RESULT_FD);
const nfd = Number(process.env.RL_NONCE_FD);
const buf = Buffer.alloc(64);
const nonce = buf.toString('utf8', 0, fs.readSync(nfd, buf, 0, 64, null)).trim();
fs.closeSync(nfd);
delete process.env.RL_RESULT_FD;
delete process.env.RL_NONCE_FD;
const job = JSON.parse(fs.readFileSync('job.json', 'utf8'));
fs.unlinkSync('job.json');
const src = fs.readFileSync('solution.js', 'utf8');
function finish(payload) {
  let s = nonce + ' ' + stringify(payload) + '\n';
  let b = Buffer.from(s);
  let off = 0;
  while (off < b.length) off += writeSync(rfd, b, off);
  exit(0);
}
const stackOf = (e) => String((e && e.stack) || e).slice(0, 6000);
const entry = job.entry;
let found;
try {
  const factory = new Function('module', 'exports', 'require',
    src + '\n;return [typeof ' + entry + ' === "function" ? ' + entry + ' : undefined, typeof Solution === "function" ? Solution : undefined];');
  const mod = { exports: {} };
  const [fn, Solution] = factory(mod, mod.exports, require);
  const ex = mod.exports;
  found = (ex && typeof ex[entry] === 'function' && ex[entry]) || (typeof ex === 'function' && ex) || fn;
  if (!found && Solution) {
    const inst = new Solution();
    if (typeof inst[entry] === 'function') found = inst[entry].bind(inst);
  }
} catch (e) {
  if (e instanceof SyntaxError) finish({ verdict: 'syntax_error', message: String(e.message), traceback: stackOf(e) });
  finish({ verdict: 'runtime_error', message: (e && e.name) + ': ' + (e && e.message), traceback: stackOf(e) });
}
if (typeof found !== 'function') finish({ verdict: 'runtime_error', message: 'the solution defines no function ' + entry });
const outs = [];
for (let i = 0; i < job.inputs.length; i++) {
  let got;
  try {
    got = found(...structuredClone(job.inputs[i]));
  } catch (e) {
    finish({ verdict: 'runtime_error', case: i, message: (e && e.name) + ': ' + String(e && e.message).slice(0, 500), traceback: stackOf(e), outputs: outs });
  }
  let text;
  try {
    text = got === undefined ? 'undefined' : stringify(got);
  } catch (e) {
    finish({ verdict: 'failed', case: i, message: 'the result is not a JSON value', outputs: outs });
  }
  outs.push(text);
}
finish({ verdict: 'ran', outputs: outs });
`;
