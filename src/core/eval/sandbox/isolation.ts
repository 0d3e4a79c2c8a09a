/**
 * How a sandbox worker is started on this machine: inside bubblewrap (Debian's `bubblewrap`, the
 * tool Flatpak uses) when it is installed, as an ordinary user (a dedicated uid when we are root),
 * with a filesystem that holds only what the interpreters need, read-only.
 *
 * bubblewrap builds the worker's world once; the per-program namespaces, tmpfs and limits are set
 * up by the fork server for every program (bubblewrap runs one command per call, and starting it
 * per program would cost the fork server's speed: see README, "Sandbox throughput").
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Interpreter {
  /** The real executable (a pyenv shim or a symlink resolved). */
  executable: string;
  prefixes: string[];
  version: string;
}

const interpreters = new Map<string, Interpreter | string>();

/** Where a Python's executable and standard library really are (so they can be bound read-only). */
export function pythonInfo(python: string): Interpreter | string {
  let info = interpreters.get(python);
  if (info !== undefined) return info;
  const r = spawnSync(python, ['-I', '-c', 'import json, os, sys; print(json.dumps([os.path.realpath(sys.executable), sys.prefix, sys.base_prefix, sys.exec_prefix, sys.version.split()[0]]))'], {
    encoding: 'utf8',
    timeout: 20000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
  });
  if (r.error || r.status !== 0) {
    info = `cannot start ${python}: ${r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`}`;
  } else {
    try {
      const [executable, ...rest] = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as string[];
      info = { executable, prefixes: [...new Set(rest.slice(0, 3))], version: rest[3] };
    } catch {
      info = `${python} printed something unexpected: ${r.stdout.slice(0, 200)}`;
    }
  }
  interpreters.set(python, info);
  return info;
}

let bwrapFound: { path: string; version: string } | null | undefined;

/** bubblewrap's path and version, or null (REASONING_LAB_BWRAP=0 turns it off, =<path> picks one). */
export function findBubblewrap(): { path: string; version: string } | null {
  if (process.platform !== 'linux') return null;
  if (bwrapFound !== undefined) return bwrapFound;
  const want = process.env.REASONING_LAB_BWRAP;
  if (want === '0') return (bwrapFound = null);
  const candidates = want ? [want] : ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap'];
  bwrapFound = null;
  for (const p of candidates) {
    if (!fs.existsSync(p)) continue;
    const r = spawnSync(p, ['--version'], { encoding: 'utf8', timeout: 10000 });
    if (r.status === 0) {
      bwrapFound = { path: p, version: r.stdout.trim().replace(/^bubblewrap\s*/, '') };
      break;
    }
  }
  return bwrapFound;
}

const under = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : dir + '/');

/**
 * bubblewrap's arguments for a worker: its own user, pid, ipc, uts, cgroup and (unless allowed)
 * network namespaces, and a root of its own holding /usr, the interpreters' folders (read-only), a
 * minimal /dev, its own /proc and empty /tmp, /run, /var/tmp. Nothing of /home, /root, the
 * workspace, the problem set, the tests or the run file is there.
 */
export function bubblewrapArgs(opts: { python: Interpreter; node?: string; allowNetwork?: boolean }): string[] {
  const args = ['--unshare-all', ...(opts.allowNetwork ? ['--share-net'] : []), '--die-with-parent', '--new-session', '--hostname', 'rl-sandbox'];
  const bound: string[] = [];
  const bind = (p: string) => {
    if (!p || bound.some((b) => under(p, b)) || !fs.existsSync(p)) return;
    bound.push(p);
    args.push('--ro-bind', p, p);
  };
  bind('/usr');
  for (const top of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(top);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(top), top);
    else if (st.isDirectory()) bind(top);
  }
  args.push('--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache');
  for (const p of opts.python.prefixes) bind(p);
  bind(path.dirname(opts.python.executable));
  if (opts.node) {
    try {
      bind(path.dirname(fs.realpathSync(opts.node)));
    } catch {
      // no node: JavaScript programs are refused with a clear message (see Sandbox.run)
    }
  }
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--dir', '/run', '--dir', '/var/tmp', '--chdir', '/');
  return args;
}

/** The uid/gid a worker runs as: a dedicated one per worker slot when we are root, else our own. */
export function workerIdentity(slot: number, uidBase: number): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  return { uid: uidBase + slot, gid: uidBase + slot };
}
