"""Reasoning Lab's sandbox fork server: one per worker, pre-started, forks a fresh world per program.

The parent (the extension or the CLI, in Node) starts it, on Linux inside bubblewrap (which gives it
a filesystem that holds only the interpreters, no network and no view of the host's processes),
as an ordinary user: the user's own, or a dedicated uid when the parent is root. Protocol: JSON
lines. The bootstrap hands main() the config; then one job per line in, one result per line out.

Per program (Linux, where the kernel allows it):

    server --fork--> C: unshare(user, mount, pid, ipc, uts) -> fresh tmpfs on /tmp, /dev/shm, /run,
                        /var/tmp; hostname; rlimits (the process count is counted per user
                        namespace, so it covers the program's whole tree)
                     C --fork--> P: pid 1 of the new pid namespace; its own /proc; no capabilities,
                        no_new_privs, a seccomp filter; then the program (Python in P itself,
                        JavaScript by exec of node)

When P ends, the kernel kills everything left in its pid namespace, and its mount and IPC
namespaces (with their tmpfs, SysV and POSIX IPC objects) disappear with it: nothing is left for
the next program. The server watches the tree's memory and CPU while it runs and kills it when
they go over the limits. Setup failures before the program runs are reported as infrastructure
errors (on a channel the program never holds); everything after that is the program's.
"""
import ctypes
import errno
import fcntl
import json
import os
import platform
import resource
import select
import shutil
import signal
import sys
import tempfile
import time

import harness

LINUX = sys.platform.startswith('linux')
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 0x4000, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 4, 22, 24, 38
INSIDE_ID = 1000
PRIVATE_DIRS = ('/tmp', '/dev/shm', '/run', '/var/tmp')
WATCH_EVERY = 0.02
RESULT_FD = harness.RESULT_FD

try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:
    _libc = None


def libc_call(name, *args):
    """None on success, else the error text."""
    fn = getattr(_libc, name, None) if _libc is not None else None
    if fn is None:
        return 'unavailable'
    if fn(*args) != 0:
        return os.strerror(ctypes.get_errno())
    return None


def prctl(option, arg=0):
    return libc_call('prctl', ctypes.c_int(option), ctypes.c_ulong(arg), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))


# ---------------------------------------------------------------------------------------------
# Dropping what the program must not have


class _CapHeader(ctypes.Structure):
    _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]


def drop_capabilities():
    for cap in range(64):
        if prctl(PR_CAPBSET_DROP, cap) is not None:
            break
    header = _CapHeader(0x20080522, 0)
    data = (_CapData * 2)()
    return libc_call('capset', ctypes.byref(header), data)


class _SockFilter(ctypes.Structure):
    _fields_ = [('code', ctypes.c_uint16), ('jt', ctypes.c_uint8), ('jf', ctypes.c_uint8), ('k', ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [('len', ctypes.c_uint16), ('filter', ctypes.POINTER(_SockFilter))]


# Refused with EPERM: keyrings (they outlive the program: state for the next one), setsid (each new
# session is a new scheduling autogroup, a way to take CPU from a neighbouring program), and
# kernel interfaces no test needs (io_uring, bpf, perf events, userfaultfd).
SECCOMP_BLOCKED = {
    'x86_64': (0xC000003E, {'setsid': 112, 'add_key': 248, 'request_key': 249, 'keyctl': 250, 'perf_event_open': 298, 'bpf': 321, 'userfaultfd': 323, 'io_uring_setup': 425, 'io_uring_enter': 426, 'io_uring_register': 427}),
    'aarch64': (0xC00000B7, {'setsid': 157, 'add_key': 217, 'request_key': 218, 'keyctl': 219, 'perf_event_open': 241, 'bpf': 280, 'userfaultfd': 282, 'io_uring_setup': 425, 'io_uring_enter': 426, 'io_uring_register': 427}),
}


def seccomp_program():
    machine = platform.machine()
    if machine not in SECCOMP_BLOCKED:
        return None
    arch, calls = SECCOMP_BLOCKED[machine]
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | errno.EPERM
    nrs = sorted(calls.values())
    prog = [(ld, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, deny), (ld, 0, 0, 0)]
    if machine == 'x86_64':
        prog.append((jge, len(nrs) + 1, 0, 0x40000000))  # x32 system calls: refused
    for i, nr in enumerate(nrs):
        prog.append((jeq, len(nrs) - i, 0, nr))
    prog += [(ret, 0, 0, allow), (ret, 0, 0, deny)]
    return prog, sorted(calls)


def install_seccomp(prog):
    filters = (_SockFilter * len(prog))(*[_SockFilter(*p) for p in prog])
    fprog = _SockFprog(len(prog), filters)
    return libc_call('prctl', ctypes.c_int(PR_SET_SECCOMP), ctypes.c_ulong(2), ctypes.byref(fprog), ctypes.c_ulong(0), ctypes.c_ulong(0))


# ---------------------------------------------------------------------------------------------
# The worker: set up once


class Worker:
    def __init__(self, config):
        self.config = config
        self.features = {}
        self.notes = []
        self.nproc_base = 0
        self.seccomp = seccomp_program() if LINUX else None
        self.page = os.sysconf('SC_PAGE_SIZE') if hasattr(os, 'sysconf') else 4096
        self.ticks = os.sysconf('SC_CLK_TCK') if hasattr(os, 'sysconf') else 100

    def isolate_network(self):
        """Without bubblewrap: a network namespace of our own (bubblewrap gives the worker one)."""
        if not LINUX or self.config.get('networkIsolated') or self.config.get('allowNetwork'):
            return bool(self.config.get('networkIsolated'))
        uid, gid = os.geteuid(), os.getegid()
        if uid == 0:
            return libc_call('unshare', CLONE_NEWNET) is None
        err = libc_call('unshare', CLONE_NEWUSER | CLONE_NEWNET)
        if err is not None:
            self.notes.append('network namespace: ' + err)
            return False
        try:
            write_id_maps(uid, gid, uid, gid)
        except OSError as e:
            self.notes.append('network namespace id maps: %s' % e)
        return True


def write_id_maps(inside_uid, inside_gid, outside_uid, outside_gid):
    with open('/proc/self/setgroups', 'w') as f:
        f.write('deny')
    with open('/proc/self/uid_map', 'w') as f:
        f.write('%d %d 1' % (inside_uid, outside_uid))
    with open('/proc/self/gid_map', 'w') as f:
        f.write('%d %d 1' % (inside_gid, outside_gid))


def mount_tmpfs(path, size):
    return libc_call('mount', b'tmpfs', path.encode(), b'tmpfs', ctypes.c_ulong(MS_NOSUID | MS_NODEV), ('size=%d,mode=1777' % size).encode())


# ---------------------------------------------------------------------------------------------
# One program


def close_all_but(keep):
    top = 4096
    try:
        top = int(resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    except (OSError, ValueError):
        pass
    last = -1
    for fd in sorted(keep) + [min(top, 65536)]:
        if fd > last + 1:
            os.closerange(last + 1, fd)
        last = fd


def in_c(worker, job, fds):
    """The forked child C: enters the program's namespaces, forks P, waits for it, exits as it did."""
    feats = worker.features
    outw, resw, ctlw = fds
    lim = job['limits']
    uid, gid = os.geteuid(), os.getegid()
    tmpfs_size = int(lim.get('tmpfsBytes', 64 << 20))

    def fail(what):
        os.write(ctlw, ('E %s\n' % what).encode('utf-8', 'replace')[:4000])
        os._exit(113)

    try:
        os.setpgid(0, 0)
        if feats.get('userns'):
            # our /proc files must be ours to write the id maps, then private again (see main())
            prctl(PR_SET_DUMPABLE, 1)
            flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | (CLONE_NEWPID if feats.get('pidns') else 0)
            err = libc_call('unshare', flags)
            if err:
                fail('unshare: ' + err)
            write_id_maps(INSIDE_ID, INSIDE_ID, uid, gid)
            prctl(PR_SET_DUMPABLE, 0)
            err = libc_call('mount', None, b'/', None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None)
            if err:
                fail('mount propagation: ' + err)
            for d in feats.get('privateDirs', []):
                err = mount_tmpfs(d, tmpfs_size)
                if err:
                    fail('tmpfs on %s: %s' % (d, err))
            libc_call('sethostname', b'sandbox', ctypes.c_size_t(7))
            # counted per user namespace: this limit covers C, P and everything P starts, nothing else
            n = int(lim.get('processes', 16)) + 1
            resource.setrlimit(resource.RLIMIT_NPROC, (n, n))
        pid = os.fork()
    except OSError as e:
        fail('sandbox setup: %s' % e)
    if pid == 0:
        in_p(worker, job, fds)
    os.write(ctlw, ('P %d\n' % pid).encode())
    os.close(outw)
    os.close(resw)
    os.close(ctlw)
    while True:
        try:
            _, st = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(112)
    if os.WIFSIGNALED(st):
        sig = os.WTERMSIG(st)
        try:
            signal.signal(sig, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        except (OSError, ValueError):
            pass
        os.kill(os.getpid(), sig)
    os._exit(os.WEXITSTATUS(st) if os.WIFEXITED(st) else 112)


def in_p(worker, job, fds):
    """The program's first process: finishes its world, gives up every privilege, runs the program."""
    feats = worker.features
    outw, resw, ctlw = fds
    lim = job['limits']
    try:
        ctl = fcntl.fcntl(ctlw, fcntl.F_DUPFD, 10)
        if feats.get('freshProc'):
            err = libc_call('mount', b'proc', b'/proc', b'proc', ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_NOEXEC), None)
            if err:
                raise OSError('mount /proc: ' + err)
        work = '/tmp' if '/tmp' in feats.get('privateDirs', []) else job['workDir']
        os.chdir(work)
        for name, text in (job.get('files') or {}).items():
            with open(os.path.join(work, name), 'w') as f:
                f.write(text)
        os.setsid()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu = int(lim['cpuSeconds'])
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        mem = int(lim['memoryBytes'])
        # V8 reserves address space it never uses: for node, cap the data segment instead
        resource.setrlimit(resource.RLIMIT_DATA if job.get('argv') else resource.RLIMIT_AS, (mem, mem))
        fsize = int(lim.get('fileBytes', 16 << 20))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        if not feats.get('userns') and feats.get('nproc'):
            n = worker.nproc_base + int(lim.get('processes', 16))
            resource.setrlimit(resource.RLIMIT_NPROC, (n, n))
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(outw, 1)
        os.dup2(outw, 2)
        os.dup2(resw, RESULT_FD)
        close_all_but({0, 1, 2, RESULT_FD, ctl})
        if LINUX:
            prctl(PR_SET_NO_NEW_PRIVS, 1)
            if feats.get('userns'):
                err = drop_capabilities()
                if err:
                    raise OSError('capset: ' + err)
            if feats.get('seccomp') and worker.seccomp:
                err = install_seccomp(worker.seccomp[0])
                if err:
                    raise OSError('seccomp: ' + err)
            prctl(PR_SET_DUMPABLE, 1)
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        for s in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(s, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails with EFBIG instead of killing
        os.umask(0o077)
        os.environ.clear()
        os.environ.update({'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': work, 'TMPDIR': work, 'LANG': 'C.UTF-8', 'PYTHONHASHSEED': '0'})
        os.write(ctl, b'R\n')
        os.close(ctl)
    except BaseException as e:
        try:
            os.write(ctlw, ('E program setup: %r\n' % (e,)).encode('utf-8', 'replace')[:4000])
        finally:
            os._exit(113)
    # From here on, whatever happens is the program's doing.
    if job.get('argv'):
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        try:
            os.execve(job['argv'][0], job['argv'], dict(os.environ))
        except OSError as e:
            os.write(2, ('cannot start %s: %s\n' % (job['argv'][0], e)).encode())
            os._exit(127)
    import io
    sys.argv = ['solution.py']
    sys.stdin = io.TextIOWrapper(io.BytesIO(b''))
    sys.stdout = os.fdopen(1, 'w', buffering=1, errors='backslashreplace')
    sys.stderr = os.fdopen(2, 'w', buffering=1, errors='backslashreplace')
    harness.run(job)
    os._exit(0)


# ---------------------------------------------------------------------------------------------
# The server side of one program: wait, read, watch, kill


def kill(pids):
    for pid in pids:
        if not pid:
            continue
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except OSError:
                pass


def tree_of(root):
    """root and its descendants, from /proc/<pid>/task/<tid>/children."""
    seen, todo = [], [root]
    while todo and len(seen) < 4096:
        pid = todo.pop()
        seen.append(pid)
        try:
            tids = os.listdir('/proc/%d/task' % pid)
        except OSError:
            continue
        for tid in tids:
            try:
                with open('/proc/%d/task/%s/children' % (pid, tid)) as f:
                    todo.extend(int(x) for x in f.read().split())
            except (OSError, ValueError):
                pass
    return seen


def proportional_bytes(pids):
    """The tree's memory with pages shared between its processes counted once (Pss), or None."""
    total = 0
    for pid in pids:
        try:
            with open('/proc/%d/smaps_rollup' % pid) as f:
                for line in f:
                    if line.startswith('Pss:'):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError):
            return None
    return total


def tree_usage(worker, root, dirs, cap):
    """(bytes of memory, seconds of CPU) of the program's tree, tmpfs contents included.

    Resident sizes are summed first (cheap); forked processes share pages, so a sum over the cap is
    checked again with proportional sizes before it counts."""
    mem = 0
    ticks = 0
    pids = tree_of(root)
    for pid in pids:
        try:
            with open('/proc/%d/statm' % pid) as f:
                mem += int(f.read().split()[1]) * worker.page
            with open('/proc/%d/stat' % pid) as f:
                fields = f.read().rsplit(')', 1)[1].split()
            ticks += sum(int(x) for x in fields[11:15])
        except (OSError, ValueError, IndexError):
            pass
    for d in dirs:
        try:
            st = os.statvfs('/proc/%d/root%s' % (root, d))
            mem += (st.f_blocks - st.f_bfree) * st.f_frsize
        except OSError:
            pass
    if mem > cap and len(pids) > 1:
        pss = proportional_bytes(pids)
        if pss is not None:
            mem = mem - sum_rss(worker, pids) + pss
    return mem, ticks / float(worker.ticks)


def sum_rss(worker, pids):
    total = 0
    for pid in pids:
        try:
            with open('/proc/%d/statm' % pid) as f:
                total += int(f.read().split()[1]) * worker.page
        except (OSError, ValueError, IndexError):
            pass
    return total


def run_job(worker, job):
    work = None
    if not worker.features.get('privateDirs'):
        # no private /tmp: a fresh directory of ours, removed afterwards as well as can be
        try:
            work = job['workDir'] = tempfile.mkdtemp(prefix='rl-program-')
        except OSError as e:
            return {'infra': 'cannot make a working directory: %s' % e}
    try:
        return run_in_world(worker, job)
    finally:
        if work:
            try:
                shutil.rmtree(work, ignore_errors=True)
            except BaseException:
                pass  # whatever a program left behind is not a reason to fail the next one


def run_in_world(worker, job):
    t0 = time.monotonic()
    lim = job['limits']
    outr, outw = os.pipe()
    resr, resw = os.pipe()
    ctlr, ctlw = os.pipe()
    try:
        cpid = os.fork()
    except OSError as e:
        for fd in (outr, outw, resr, resw, ctlr, ctlw):
            os.close(fd)
        return {'infra': 'fork failed: %s' % e}
    if cpid == 0:
        try:
            os.close(outr)
            os.close(resr)
            os.close(ctlr)
            in_c(worker, job, (outw, resw, ctlw))
        finally:
            os._exit(113)
    for fd in (outw, resw, ctlw):
        os.close(fd)
    deadline = t0 + lim['timeoutMs'] / 1000.0
    out_cap = int(lim.get('outputBytes', 1 << 20))
    res_cap = int(lim.get('reportBytes', 64 << 20))
    keep = 16384
    head, res, ctl = bytearray(), bytearray(), bytearray()
    total = 0
    status = 'exited'
    ppid = None
    ready = False
    setup_error = None
    exited = None
    open_fds = {outr, resr, ctlr}
    pidfd = None
    try:
        pidfd = os.pidfd_open(cpid)
    except (AttributeError, OSError):
        pidfd = None
    next_watch = t0 + WATCH_EVERY
    dirs = worker.features.get('privateDirs', [])
    mem_cap, cpu_cap = int(lim['memoryBytes']), float(lim['cpuSeconds'])
    peak = 0
    while True:
        now = time.monotonic()
        if exited is None and pidfd is None:
            try:
                w, st = os.waitpid(cpid, os.WNOHANG)
            except ChildProcessError:
                w, st = cpid, 0
            if w == cpid:
                exited = st
        if exited is not None and not open_fds:
            break
        if status == 'exited' and exited is None and now >= deadline:
            status = 'timeout'
            kill((ppid, cpid))
            deadline = now + 2.0
        elif now >= deadline and status != 'exited':
            break  # killed, yet the pipes stay open: something outside our reach holds them
        if status == 'exited' and ready and ppid and exited is None and now >= next_watch:
            next_watch = now + WATCH_EVERY
            mem, cpu = tree_usage(worker, ppid, dirs, mem_cap)
            peak = max(peak, mem)
            if mem > mem_cap:
                status = 'memory_limit'
                kill((ppid, cpid))
            elif cpu > cpu_cap:
                status = 'cpu_limit'
                kill((ppid, cpid))
        wait = max(0.0, min(deadline, next_watch) - now) if exited is None else max(0.0, min(deadline - now, 0.2))
        if pidfd is None and exited is None:
            wait = min(wait, 0.005)
        if exited is not None and (open_fds - {ctlr}):
            # the program ended; whatever still holds its pipes (children outside a pid namespace) is killed
            kill((ppid, cpid))
        fds = list(open_fds) + ([pidfd] if pidfd is not None and exited is None else [])
        try:
            readable, _, _ = select.select(fds, [], [], wait)
        except InterruptedError:
            continue
        if exited is not None and not readable and open_fds:
            break
        for fd in readable:
            if fd == pidfd:
                _, exited = os.waitpid(cpid, 0)
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
                continue
            if fd == outr:
                total += len(chunk)
                if len(head) < keep:
                    head += chunk[:keep - len(head)]
                if total > out_cap and status == 'exited':
                    status = 'output_limit'
                    kill((ppid, cpid))
            elif fd == resr:
                if len(res) + len(chunk) > res_cap:
                    if status == 'exited':
                        status = 'report_limit'
                        kill((ppid, cpid))
                else:
                    res += chunk
            else:
                ctl += chunk
                while b'\n' in ctl:
                    line, _, rest = bytes(ctl).partition(b'\n')
                    ctl = bytearray(rest)
                    text = line.decode('utf-8', 'replace')
                    if text.startswith('P ') and ppid is None:
                        try:
                            ppid = int(text[2:])
                        except ValueError:
                            pass
                    elif text == 'R':
                        ready = True
                    elif text.startswith('E ') and not ready and setup_error is None:
                        setup_error = text[2:]
                    if len(ctl) > 65536:
                        ctl = bytearray()
    if exited is None:
        kill((ppid, cpid))
        try:
            _, exited = os.waitpid(cpid, 0)
        except ChildProcessError:
            exited = 0
    kill((ppid,) if not worker.features.get('pidns') else ())
    for fd in (outr, resr, ctlr):
        os.close(fd)
    if pidfd is not None:
        os.close(pidfd)
    wall = (time.monotonic() - t0) * 1000.0
    if setup_error is not None or not ready:
        if status == 'timeout':
            return {'infra': 'the sandbox did not start the program within %d ms' % lim['timeoutMs']}
        return {'infra': setup_error or 'the sandbox ended before the program started'}
    out = {'status': status, 'wallMs': round(wall, 3), 'outputBytes': total,
           'output': bytes(head).decode('utf-8', 'replace'), 'report': bytes(res).decode('utf-8', 'replace'),
           'peakTreeBytes': peak}
    if os.WIFSIGNALED(exited):
        out['signal'] = os.WTERMSIG(exited)
    elif os.WIFEXITED(exited):
        out['exitCode'] = os.WEXITSTATUS(exited)
    return out


# ---------------------------------------------------------------------------------------------
# Learning what this machine allows, once per worker


def probe(worker):
    """Tries each protection on a trivial program; keeps the ones that work and says why others do not."""
    feats = worker.features
    if not LINUX:
        worker.notes.append('not Linux: no namespaces, no seccomp; rlimits per process only')
        feats['nproc'] = os.geteuid() != 0
        return
    feats.update({'userns': True, 'pidns': True, 'freshProc': True, 'privateDirs': [d for d in PRIVATE_DIRS if os.path.isdir(d)], 'seccomp': worker.seccomp is not None})
    job = {'mode': 'calls', 'code': 'def f():\n    return 1\n', 'entry': 'f', 'cases': [{'args': []}], 'args': 'json',
           'limits': {'timeoutMs': 5000, 'cpuSeconds': 5, 'memoryBytes': 256 << 20, 'processes': 4}}
    attempts = [
        ('seccomp', lambda: feats.update(seccomp=False), 'seccomp filter'),
        ('freshProc', lambda: feats.update(freshProc=False), 'a /proc of its own'),
        ('privateDirs', lambda: feats.update(privateDirs=[]), 'fresh /tmp, /dev/shm, /run'),
        ('pidns', lambda: feats.update(pidns=False, freshProc=False), 'pid namespace'),
        ('userns', lambda: feats.update(userns=False, pidns=False, freshProc=False, privateDirs=[]), 'user namespace per program'),
    ]
    for _ in range(len(attempts) + 1):
        r = run_job(worker, job)
        if 'infra' not in r and r.get('report', '').startswith('{"i":0,"v":1}'):
            break
        why = r.get('infra') or ('probe program: %s %s' % (r.get('status'), (r.get('output') or r.get('report') or '')[:300]))
        for key, off, label in attempts:
            if feats.get(key):
                off()
                worker.notes.append('%s unavailable (%s)' % (label, why))
                break
        else:
            raise RuntimeError('the sandbox cannot run even an unisolated program: ' + why)
    if not feats.get('userns'):
        uid = os.geteuid()
        feats['nproc'] = uid != 0
        if uid != 0:
            try:
                worker.nproc_base = sum(1 for p in os.listdir('/proc') if p.isdigit() and os.stat('/proc/' + p).st_uid == uid)
            except OSError:
                worker.nproc_base = 256


def main(inp, out, config):
    if LINUX:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    worker = Worker(config)
    network = worker.isolate_network()
    if LINUX:
        # not dumpable: a program of the same uid cannot open our /proc files or descriptors
        prctl(PR_SET_DUMPABLE, 0)
    for m in config.get('preimport', []):
        try:
            __import__(m)
        except Exception:
            pass
    import gc
    gc.collect()
    if hasattr(gc, 'freeze'):
        gc.freeze()
    if config.get('features'):
        worker.features = config['features']
        worker.nproc_base = config.get('nprocBase', 0)
    else:
        probe(worker)

    def send(obj):
        out.write((json.dumps(obj) + '\n').encode())
        out.flush()

    feats = worker.features
    send({'hello': True, 'python': sys.version.split()[0], 'pid': os.getpid(), 'uid': os.geteuid(), 'network': network,
          'features': feats, 'nprocBase': worker.nproc_base, 'notes': worker.notes,
          'seccomp': worker.seccomp[1] if worker.seccomp and feats.get('seccomp') else []})
    once = config.get('once')
    while True:
        line = inp.readline()
        if not line:
            break
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            r = run_job(worker, job)
        except Exception as e:
            r = {'infra': 'fork server: %r' % (e,)}
        r['id'] = job.get('id')
        send(r)
        if once:
            break
