/**
 * Output files that never lose data: every command that writes a file (score --out, traces
 * --export-best, eval run files, solve --write, train --out, the editor's exports) goes through here.
 *
 * The output is written into a temporary file beside the target, created exclusively (O_CREAT|O_EXCL,
 * O_NOFOLLOW) under an unpredictable name, so neither a file nor a symlink planted at that name can
 * receive the write. At the end it is moved into place in one step: hard-linked to the target, which
 * fails rather than replace a file that appeared there meanwhile, or renamed over the target when
 * replacing is allowed (`replace`, the CLI's --force). An existing target is otherwise never changed.
 *
 * The temporary file is removed on every other way out: an error, `abandon`, the process exiting, and
 * the signals that end it (SIGINT, SIGTERM, SIGHUP; through signal-exit, which re-raises the signal
 * when nobody else handles it). One left behind by a process killed outright (SIGKILL) is removed
 * the next time the same target is written.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from './errors';
import { removeOnExit, settledOnExit } from './exitCleanup';

export interface OutputOptions {
  /** Replace an existing target (the CLI's --force). By default an existing target is never changed. */
  replace?: boolean;
}

/** The target exists, or appeared while the output was written, and replacing it was not allowed. */
export class OutputExistsError extends Error {
  constructor(
    readonly file: string,
    /** The target appeared while the output was being written (it was kept; the output was dropped). */
    readonly appeared = false,
  ) {
    super(appeared ? `${file} appeared while the output was being written; it was kept and the output was not written` : `${file} exists and is not replaced`);
  }
}

/** link(2) errors of file systems without hard links (FAT, some network mounts): fall back to a checked rename. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);
const CREATE_EXCLUSIVE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
/** `.<target name>.<pid>.<16 hex digits>.tmp`; the pid tells a live writer's file from one a killed process left. */
const TEMP_NAME = /^\.(.*)\.(\d+)\.[0-9a-f]{16}\.tmp$/;

/** The target's name as it appears in its temporary files (cut so the temporary name stays within NAME_MAX). */
const stem = (target: string) => path.basename(target).slice(0, 120);

function exists(file: string): boolean {
  try {
    fs.lstatSync(file); // a dangling symlink is something there too
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Whether process `pid` still runs (EPERM: it does, as another user's). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporary files of this target whose writer is gone (killed before it could clean up). */
function removeAbandonedTemps(target: string): void {
  const dir = path.dirname(target);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // opening the temporary file says what is wrong with the folder
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || m[1] !== stem(target)) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isRunning(pid)) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** One output being written: write to it (`write` or `stream`), then `commit` it into place or `abandon` it. */
export class SafeOutput {
  private fd: number | undefined;
  private writer?: fs.WriteStream;
  /** Committed or abandoned: the temporary name is no longer ours. */
  private settled = false;

  private constructor(
    /** The target as given (for messages). */
    readonly file: string,
    private readonly target: string,
    /** The temporary file being written (for tests and messages). */
    readonly temp: string,
    fd: number,
    private readonly replace: boolean,
  ) {
    this.fd = fd;
  }

  /**
   * Creates the temporary file beside `file`. Throws OutputExistsError at once when the target exists
   * and may not be replaced, so no long work starts for an output that could not be kept.
   */
  static open(file: string, options: OutputOptions = {}): SafeOutput {
    const target = path.resolve(file);
    const replace = !!options.replace;
    if (!replace && exists(target)) throw new OutputExistsError(file);
    removeAbandonedTemps(target);
    for (let attempt = 1; ; attempt++) {
      const temp = path.join(path.dirname(target), `.${stem(target)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
      let fd: number;
      try {
        fd = fs.openSync(temp, CREATE_EXCLUSIVE, 0o666);
      } catch (err) {
        // something is already at that name (planted, or a one-in-2^64 collision): never write through it
        if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 8) continue;
        throw new Error(`cannot write ${file}: ${errorMessage(err)}`, { cause: err });
      }
      removeOnExit(temp);
      return new SafeOutput(file, target, temp, fd, replace);
    }
  }

  /** Appends to the output (synchronously). */
  write(data: string | Uint8Array): void {
    const fd = this.openFd();
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
  }

  /** A stream over the output, for writers that honour back-pressure. */
  get stream(): fs.WriteStream {
    this.writer ??= fs.createWriteStream(this.temp, { fd: this.openFd(), autoClose: false });
    return this.writer;
  }

  /**
   * Moves the output into place and closes it. Throws OutputExistsError (after removing the temporary
   * file) when the target appeared meanwhile and may not be replaced.
   */
  async commit(): Promise<void> {
    try {
      await this.endStream();
    } catch (err) {
      await this.abandon();
      throw err;
    }
    this.commitSync();
  }

  /** commit() for outputs written with write() only. */
  commitSync(): void {
    const fd = this.publish();
    fs.closeSync(fd);
  }

  /**
   * Moves the output into place and hands over its file descriptor, still open for appending (a run
   * file keeps growing after its header is in place). The caller closes it.
   */
  publish(): number {
    const fd = this.openFd();
    try {
      fs.fsyncSync(fd);
      this.place();
    } catch (err) {
      this.abandonSync();
      throw err;
    }
    this.fd = undefined;
    this.settled = true;
    settledOnExit(this.temp);
    return fd;
  }

  /** Drops the output: the temporary file is closed and removed; the target is untouched. */
  async abandon(): Promise<void> {
    if (this.settled) return;
    if (this.writer && !this.writer.destroyed) {
      const closed = new Promise<void>((resolve) => this.writer!.once('close', () => resolve()));
      this.writer.destroy(); // waits for a write in flight before it lets go of the descriptor
      await closed;
    }
    this.abandonSync();
  }

  /** abandon() for outputs written with write() only. */
  abandonSync(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = undefined;
    }
    try {
      fs.unlinkSync(this.temp);
    } catch {
      // already gone (placed by rename, or removed)
    }
    settledOnExit(this.temp);
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`${this.file}: the output was already committed or abandoned`);
    return this.fd;
  }

  private async endStream(): Promise<void> {
    const w = this.writer;
    if (!w || w.writableFinished) return;
    await new Promise<void>((resolve, reject) => {
      w.once('error', reject);
      w.end(() => resolve());
    });
  }

  private place(): void {
    if (this.replace) {
      fs.renameSync(this.temp, this.target); // atomic; replaces a symlink at the target, never what it points to
      return;
    }
    try {
      fs.linkSync(this.temp, this.target); // atomic, and fails with EEXIST rather than replace
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') throw new OutputExistsError(this.file, true);
      if (!NO_HARD_LINKS.has(code)) throw err;
      if (exists(this.target)) throw new OutputExistsError(this.file, true);
      fs.renameSync(this.temp, this.target);
      return;
    }
    fs.unlinkSync(this.temp);
  }
}

/** Writes a whole file through a SafeOutput (checkpoints, solution files, exported models). */
export function writeFileSafely(file: string, data: string | Uint8Array, options: OutputOptions = {}): void {
  const out = SafeOutput.open(file, options);
  try {
    out.write(data);
  } catch (err) {
    out.abandonSync();
    throw err;
  }
  out.commitSync();
}

/**
 * Writes a file through a SafeOutput's stream: `write` fills it; the output is committed when `write`
 * resolves and `keep` (default: always) says to keep it, else abandoned; an error abandons it too.
 */
export async function writeStreamSafely<T>(
  file: string,
  options: OutputOptions,
  write: (stream: fs.WriteStream) => Promise<T>,
  keep: (result: T) => boolean = () => true,
): Promise<T> {
  const out = SafeOutput.open(file, options);
  let result: T;
  try {
    result = await write(out.stream);
  } catch (err) {
    await out.abandon();
    throw err;
  }
  if (keep(result)) await out.commit();
  else await out.abandon();
  return result;
}
