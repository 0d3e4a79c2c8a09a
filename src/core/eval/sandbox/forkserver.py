"""Reasoning Lab's sandbox fork server: one per worker, pre-started, forks a fresh world per program.

The parent (the extension or the CLI, in Node) starts it, on Linux inside bubblewrap (which gives it
a filesystem that holds only the interpreters, no network and no view of the host's processes),
as an ordinary user: the user's own, or a dedicated uid when the parent is root. The bootstrap hands
main() the config and the two streams.

The server never holds a program's data, so no program forked after it can find an earlier one's
code, inputs or outputs in the memory it was forked with. A job comes in as a fixed 8-byte header
(two lengths), a small JSON part the server reads (its id, limits and, for JavaScript, the command:
nothing of the sample) and a body (the code, the cases, the files) that only the forked child reads
from the stream; the server reads the next header only after the child said it took its body. What a
program writes reaches the parent as frames (a kind byte, a 4-byte length, the bytes), moved from
the program's pipes to the parent's stream by splice(2) in the kernel, never copied into the server;
the server's own messages (hello, each program's status) are frames of JSON.

At start (Linux, where the kernel allows it) the worker enters a user and pid namespace of its own
(and a network namespace without bubblewrap) and forks once: the server S is pid 1 there and holds
the capabilities of that user namespace only, which is what lets it give every program fresh
namespaces with a single fork:

    S: unshare(pid) --fork--> P: pid 1 of a new pid namespace; S: setns back to its own
    P: unshare(mount, ipc, uts) -> fresh tmpfs on /tmp, /dev/shm, /run, /var/tmp; its own /proc;
       hostname; then unshare(user): a user namespace of its own (the process count is counted per
       user namespace, so it covers the program's whole tree), no capabilities, no_new_privs, a
       seccomp filter, rlimits; then the program (Python in P itself, JavaScript by exec of node)

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
import struct
import sys
import tempfile
import termios
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
JOB_HEADER = struct.Struct('>II')  # the lengths of the job's server part and of its body
FRAME_HEADER = struct.Struct('>cI')  # kind (b'J' a message of the server's, b'O' output, b'R' report) and length
OUTPUT_HEAD = 16384  # what reaches the parent of a program's stdout and stderr; the rest is only counted
MOVE_MAX = 1 << 20

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


def compile_seccomp(prog):
    """The filter as the kernel reads it, built once per worker (each program only installs it)."""
    filters = (_SockFilter * len(prog))(*[_SockFilter(*p) for p in prog])
    return filters, _SockFprog(len(prog), filters)


def install_seccomp(compiled):
    return libc_call('prctl', ctypes.c_int(PR_SET_SECCOMP), ctypes.c_ulong(2), ctypes.byref(compiled[1]), ctypes.c_ulong(0), ctypes.c_ulong(0))


# ---------------------------------------------------------------------------------------------
# The worker: set up once


class Worker:
    def __init__(self, config):
        self.config = config
        self.features = {}
        self.notes = []
        self.nproc_base = 0
        self.seccomp = seccomp_program() if LINUX else None
        self.seccomp_filter = compile_seccomp(self.seccomp[0]) if self.seccomp else None
        # the worker's own user namespace (its capabilities there set up each program's world) and
        # its own pid namespace (an fd to go back to after each program's new one)
        self.userns = False
        self.own_pidns = None
        # a worker that runs one program (the benchmark's classic way) makes that program's pid
        # namespace at start: its one child is pid 1 there, and nothing else is ever forked
        self.next_pidns = False
        self.page = os.sysconf('SC_PAGE_SIZE') if hasattr(os, 'sysconf') else 4096
        self.jobs = self.out = None  # the parent's streams (see main)
        self.sink = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
        # without splice(2) (not Linux) bytes pass through this one buffer, zeroed after every move
        self.scratch = None if hasattr(os, 'splice') else bytearray(MOVE_MAX)
        self.ticks = os.sysconf('SC_CLK_TCK') if hasattr(os, 'sysconf') else 100

    def enter_namespaces(self):
        """Linux: a user namespace of the worker's own, a pid namespace, and a network namespace
        unless bubblewrap gave one or the network is allowed. Returns whether the network is isolated.

        The pid namespace's first process is the server: this process forks once and then only
        waits for it (see become_pid1). Where user namespaces are refused, programs get none either
        (see probe) and the network is isolated only when we are root."""
        isolated = bool(self.config.get('networkIsolated'))
        if not LINUX:
            return isolated
        net = 0 if isolated or self.config.get('allowNetwork') else CLONE_NEWNET
        uid, gid = os.geteuid(), os.getegid()
        # without pidfds that say a process's /proc number (older kernels) the server, in a pid namespace of
        # its own, could not find its programs in /proc to watch their memory (see proc_pid)
        pid = CLONE_NEWPID if pidfds_work() else 0
        err = libc_call('unshare', CLONE_NEWUSER | pid | net)
        if err is not None:
            self.notes.append('a user namespace for the worker: ' + err)
            if net and uid == 0:
                return libc_call('unshare', CLONE_NEWNET) is None
            return isolated
        try:
            write_id_maps(uid, gid, uid, gid)
        except OSError as e:
            self.notes.append('the worker\'s user namespace id maps: %s' % e)
            return isolated or bool(net)
        self.userns = True
        if pid and self.config.get('once') and self.config.get('features'):
            self.next_pidns = True
        elif pid:
            become_pid1()
            self.own_pidns = os.open('/proc/self/ns/pid', os.O_RDONLY | os.O_CLOEXEC)
        return isolated or bool(net)

    def allowed(self, feats):
        """The per-program protections this worker can give, of those asked for (or learned by another worker)."""
        feats = dict(feats)
        if not self.userns:
            feats.update(userns=False, pidns=False, freshProc=False, privateDirs=[])
        if self.own_pidns is None and not self.next_pidns:
            feats.update(pidns=False, freshProc=False)
        if not self.seccomp_filter:
            feats.update(seccomp=False)
        return feats


def pidfds_work():
    """Whether a pidfd's fdinfo names its process as /proc numbers it (see proc_pid)."""
    try:
        fd = os.pidfd_open(os.getpid())
    except (AttributeError, OSError):
        return False
    try:
        with open('/proc/self/fdinfo/%d' % fd) as f:
            return any(line.startswith('Pid:') for line in f)
    except OSError:
        return False
    finally:
        os.close(fd)


def become_pid1():
    """Forks the first process of the pid namespace just made; this process waits and exits as it does."""
    pid = os.fork()
    if pid == 0:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        return
    while True:
        try:
            _, st = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    os._exit(os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st))


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


def in_program(worker, job, fds):
    """The forked child P (pid 1 of its own pid namespace): makes its world, gives up every privilege, runs the program."""
    feats = worker.features
    outw, resw, ctlw = fds
    lim = job['limits']
    try:
        if 'bodyBytes' in job:
            # the sample's code and inputs: read here, into the program's own memory, never the server's
            job.update(json.loads(read_exact(worker.jobs, job.pop('bodyBytes'))))
            os.write(ctlw, b'B\n')
        ctl = fcntl.fcntl(ctlw, fcntl.F_DUPFD, 10)
        os.setsid()
        private = feats.get('privateDirs', []) if feats.get('userns') else []
        if feats.get('userns'):
            # made with the worker's capabilities, owned by its user namespace: the program, in a
            # user namespace of its own below, holds none of them
            err = libc_call('unshare', CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS)
            if err:
                raise OSError('unshare: ' + err)
            err = libc_call('mount', None, b'/', None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None)
            if err:
                raise OSError('mount propagation: ' + err)
            size = int(lim.get('tmpfsBytes', 64 << 20))
            for d in private:
                err = mount_tmpfs(d, size)
                if err:
                    raise OSError('tmpfs on %s: %s' % (d, err))
            if feats.get('freshProc'):
                err = libc_call('mount', b'proc', b'/proc', b'proc', ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_NOEXEC), None)
                if err:
                    raise OSError('mount /proc: ' + err)
            libc_call('sethostname', b'sandbox', ctypes.c_size_t(7))
            uid, gid = os.geteuid(), os.getegid()
            # our /proc files must be ours to write the id maps, then private again (see main())
            prctl(PR_SET_DUMPABLE, 1)
            err = libc_call('unshare', CLONE_NEWUSER)
            if err:
                raise OSError('unshare(user): ' + err)
            write_id_maps(INSIDE_ID, INSIDE_ID, uid, gid)
            prctl(PR_SET_DUMPABLE, 0)
            # counted per user namespace: this limit covers P and everything it starts, nothing else
            n = int(lim.get('processes', 16))
            resource.setrlimit(resource.RLIMIT_NPROC, (n, n))
        elif feats.get('nproc'):
            n = worker.nproc_base + int(lim.get('processes', 16))
            resource.setrlimit(resource.RLIMIT_NPROC, (n, n))
        work = '/tmp' if '/tmp' in private else job['workDir']
        os.chdir(work)
        for name, text in (job.get('files') or {}).items():
            with open(os.path.join(work, name), 'w') as f:
                f.write(text)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu = int(lim['cpuSeconds'])
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        mem = int(lim['memoryBytes'])
        # V8 reserves address space it never uses: for node, cap the data segment instead
        resource.setrlimit(resource.RLIMIT_DATA if job.get('argv') else resource.RLIMIT_AS, (mem, mem))
        fsize = int(lim.get('fileBytes', 16 << 20))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
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
            if feats.get('seccomp') and worker.seccomp_filter:
                err = install_seccomp(worker.seccomp_filter)
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
            os.write(ctlw, ('E program setup: %s\n' % (e,)).encode('utf-8', 'replace')[:4000])
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
# The streams to the parent


def read_exact(fd, n):
    parts = []
    while n > 0:
        part = os.read(fd, n)
        if not part:
            raise EOFError('the sandbox parent closed the stream')
        parts.append(part)
        n -= len(part)
    return b''.join(parts)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def send(worker, obj):
    data = json.dumps(obj).encode()
    write_all(worker.out, FRAME_HEADER.pack(b'J', len(data)) + data)


def waiting(fd):
    """Bytes waiting in a pipe (0 once select said readable: its writers are gone)."""
    return struct.unpack('i', fcntl.ioctl(fd, termios.FIONREAD, b'\0\0\0\0'))[0]


def transfer(worker, src, dst, n):
    """Moves n bytes that are waiting in the pipe src to dst without their passing through this
    process's memory: splice(2) on Linux; elsewhere through one buffer, zeroed after each move."""
    while n > 0:
        if worker.scratch is None:
            moved = os.splice(src, dst, n)
        else:
            view = memoryview(worker.scratch)[:n]
            moved = os.readv(src, [view])
            write_all(dst, view[:moved])
            view[:moved] = bytes(moved)
        if not moved:
            raise WorkerBroken('a program\'s pipe ended before the bytes it held were moved')
        n -= moved


def forward(worker, src, kind, n, kept):
    """n bytes of a program's pipe to the parent, as a frame; into `kept` instead for the server's own
    probe program (see probe), the only one whose bytes the server reads."""
    if kept is not None:
        kept[kind] = kept.get(kind, b'') + read_exact(src, n)
        return
    write_all(worker.out, FRAME_HEADER.pack(kind, n))
    transfer(worker, src, worker.out, n)


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


def run_job(worker, job, kept=None):
    work = None
    if not worker.features.get('privateDirs'):
        # no private /tmp: a fresh directory of ours, removed afterwards as well as can be
        try:
            work = job['workDir'] = tempfile.mkdtemp(prefix='rl-program-')
        except OSError as e:
            return {'infra': 'cannot make a working directory: %s' % e}
    try:
        return run_in_world(worker, job, kept)
    finally:
        if work:
            try:
                shutil.rmtree(work, ignore_errors=True)
            except BaseException:
                pass  # whatever a program left behind is not a reason to fail the next one


class WorkerBroken(Exception):
    """The server can no longer make programs' worlds: it answers this job and exits (the parent starts another)."""


def back_to_own_pidns(worker):
    err = libc_call('setns', worker.own_pidns, CLONE_NEWPID)
    if err:
        raise WorkerBroken('setns(pid): ' + err)


def fork_program(worker, job, fds):
    """Forks P, the program's first process: pid 1 of a new pid namespace when the worker can make one."""
    outr, outw, resr, resw, ctlr, ctlw = fds
    newpid = worker.own_pidns is not None and worker.features.get('pidns')
    if newpid:
        err = libc_call('unshare', CLONE_NEWPID)
        if err:
            raise OSError('unshare(pid): ' + err)
    try:
        pid = os.fork()
    except OSError:
        if newpid:
            back_to_own_pidns(worker)
        raise
    if pid == 0:
        try:
            os.close(outr)
            os.close(resr)
            os.close(ctlr)
            in_program(worker, job, (outw, resw, ctlw))
        finally:
            os._exit(113)
    if newpid:
        # the server's next child goes to a new pid namespace again, never into this program's
        try:
            back_to_own_pidns(worker)
        except WorkerBroken:
            kill((pid,))
            os.waitpid(pid, 0)
            raise
    return pid


def proc_pid(worker, pid, pidfd):
    """P's pid as /proc shows it. /proc belongs to the pid namespace above the worker's own (bubblewrap's
    or the host's), where the numbers differ from the ones fork() gives the server; a pidfd's
    fdinfo translates. None when P is gone."""
    if worker.own_pidns is None:
        return pid  # the server's numbers are /proc's
    if pidfd is None:
        return None
    try:
        with open('/proc/self/fdinfo/%d' % pidfd) as f:
            for line in f:
                if line.startswith('Pid:'):
                    n = int(line.split()[1])
                    return n if n > 0 else None
    except (OSError, ValueError, IndexError):
        pass
    return None


def run_in_world(worker, job, kept=None):
    t0 = time.monotonic()
    lim = job['limits']
    outr, outw = os.pipe()
    resr, resw = os.pipe()
    ctlr, ctlw = os.pipe()
    try:
        pid = fork_program(worker, job, (outr, outw, resr, resw, ctlr, ctlw))
    except (OSError, WorkerBroken) as e:
        for fd in (outr, outw, resr, resw, ctlr, ctlw):
            os.close(fd)
        if isinstance(e, WorkerBroken):
            raise
        return {'infra': 'fork failed: %s' % e}
    for fd in (outw, resw, ctlw):
        os.close(fd)
    deadline = t0 + lim['timeoutMs'] / 1000.0
    out_cap = int(lim.get('outputBytes', 1 << 20))
    res_cap = int(lim.get('reportBytes', 64 << 20))
    ctl = bytearray()
    total = res_total = 0
    status = 'exited'
    ready = False
    setup_error = None
    exited = None
    open_fds = {outr, resr, ctlr}
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    watched = None  # P in /proc, found on the first watch
    next_watch = t0 + WATCH_EVERY
    dirs = worker.features.get('privateDirs', []) if worker.features.get('userns') else []
    mem_cap, cpu_cap = int(lim['memoryBytes']), float(lim['cpuSeconds'])
    peak = 0
    while True:
        now = time.monotonic()
        if exited is None and pidfd is None:
            try:
                w, st = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                w, st = pid, 0
            if w == pid:
                exited = st
        if exited is not None and not open_fds:
            break
        if status == 'exited' and exited is None and now >= deadline:
            status = 'timeout'
            kill((pid,))
            deadline = now + 2.0
        elif now >= deadline and status != 'exited':
            break  # killed, yet the pipes stay open: something outside our reach holds them
        if now >= next_watch:
            next_watch = now + WATCH_EVERY
            if status == 'exited' and ready and exited is None:
                watched = watched or proc_pid(worker, pid, pidfd)
                if watched:
                    mem, cpu = tree_usage(worker, watched, dirs, mem_cap)
                    peak = max(peak, mem)
                    if mem > mem_cap:
                        status = 'memory_limit'
                        kill((pid,))
                    elif cpu > cpu_cap:
                        status = 'cpu_limit'
                        kill((pid,))
        wait = max(0.0, min(deadline, next_watch) - now) if exited is None else max(0.0, min(deadline - now, 0.2))
        if pidfd is None and exited is None:
            wait = min(wait, 0.005)
        if exited is not None and (open_fds - {ctlr}):
            # the program ended; whatever still holds its pipes (children outside a pid namespace) is killed
            kill((pid,))
        fds = list(open_fds) + ([pidfd] if pidfd is not None and exited is None else [])
        try:
            readable, _, _ = select.select(fds, [], [], wait)
        except InterruptedError:
            continue
        if exited is not None and not readable and open_fds:
            break
        for fd in readable:
            if fd == pidfd:
                _, exited = os.waitpid(pid, 0)
                continue
            if fd == ctlr:
                chunk = os.read(fd, 65536)
                if not chunk:
                    open_fds.discard(fd)
                    continue
                ctl += chunk
                while b'\n' in ctl:
                    line, _, rest = bytes(ctl).partition(b'\n')
                    ctl = bytearray(rest)
                    text = line.decode('utf-8', 'replace')
                    if text == 'B':
                        job['taken'] = True
                    elif text == 'R':
                        ready = True
                    elif text.startswith('E ') and not ready and setup_error is None:
                        setup_error = text[2:]
                    if len(ctl) > 65536:
                        ctl = bytearray()
                continue
            n = min(waiting(fd), MOVE_MAX)
            if not n:
                open_fds.discard(fd)
            elif fd == outr:
                head = max(0, min(n, OUTPUT_HEAD - total))
                total += n
                if head:
                    forward(worker, fd, b'O', head, kept)
                transfer(worker, fd, worker.sink, n - head)
                if total > out_cap and status == 'exited':
                    status = 'output_limit'
                    kill((pid,))
            elif status == 'report_limit' or res_total + n > res_cap:
                transfer(worker, fd, worker.sink, n)
                if status == 'exited':
                    status = 'report_limit'
                    kill((pid,))
            else:
                forward(worker, fd, b'R', n, kept)
                res_total += n
    if exited is None:
        kill((pid,))
        try:
            _, exited = os.waitpid(pid, 0)
        except ChildProcessError:
            exited = 0
    if not worker.features.get('pidns'):
        kill((pid,))  # its process group: no pid namespace ends the rest with it
    for fd in (outr, resr, ctlr):
        os.close(fd)
    if pidfd is not None:
        os.close(pidfd)
    wall = (time.monotonic() - t0) * 1000.0
    if setup_error is not None or not ready:
        if status == 'timeout':
            return {'infra': 'the sandbox did not start the program within %d ms' % lim['timeoutMs']}
        return {'infra': setup_error or 'the sandbox ended before the program started'}
    out = {'status': status, 'wallMs': round(wall, 3), 'outputBytes': total, 'peakTreeBytes': peak}
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
    feats.update(worker.allowed({'userns': True, 'pidns': True, 'freshProc': True, 'privateDirs': [d for d in PRIVATE_DIRS if os.path.isdir(d)], 'seccomp': True}))
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
        kept = {}
        r = run_job(worker, job, kept)
        report = kept.get(b'R', b'').decode('utf-8', 'replace')
        if 'infra' not in r and report.startswith('{"i":0,"v":1}'):
            break
        why = r.get('infra') or ('probe program: %s %s' % (r.get('status'), (kept.get(b'O', b'').decode('utf-8', 'replace') or report)[:300]))
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
    network = worker.enter_namespaces()
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
        worker.features = worker.allowed(config['features'])
        worker.nproc_base = config.get('nprocBase', 0)
    else:
        probe(worker)

    worker.jobs, worker.out = inp, out
    feats = worker.features
    send(worker, {'hello': True, 'python': sys.version.split()[0], 'pid': os.getpid(), 'uid': os.geteuid(), 'network': network,
                  'features': feats, 'nprocBase': worker.nproc_base, 'notes': worker.notes,
                  'seccomp': worker.seccomp[1] if worker.seccomp and feats.get('seccomp') else []})
    once = config.get('once')
    while True:
        try:
            part, body = JOB_HEADER.unpack(read_exact(inp, JOB_HEADER.size))
        except EOFError:
            break
        job = json.loads(read_exact(inp, part))
        job['bodyBytes'] = body
        broken = False
        try:
            r = run_job(worker, job)
        except WorkerBroken as e:
            r, broken = {'infra': 'fork server: %s' % e}, True
        except Exception as e:
            r = {'infra': 'fork server: %r' % (e,)}
        if not job.get('taken'):
            # its body is still in the stream, where the next job's header should be
            r, broken = {'infra': r.get('infra') or 'the program ended before it took its job'}, True
        r['id'] = job.get('id')
        send(worker, r)
        if once or broken:
            break
