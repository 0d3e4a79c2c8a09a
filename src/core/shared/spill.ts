/**
 * Spill files: what a reader must put on disk to read a file at random (a gzipped rollout log is
 * decompressed once into one, then read in ranges). All of them live in one folder, the spill folder:
 * `<temp dir>/reasoning-lab-<user>/` (REASONING_LAB_SPILL_DIR names another), made for its user only.
 *
 * A spill file's name is removed from the folder as soon as the file is open (where the system allows
 * it, as Linux and macOS do): its space comes back when it is closed, or when the process ends in any
 * way, kill -9 included, and nothing is ever left behind. Where the name must stay while the file is
 * open (some Windows file systems), it is removed on close, when the process exits or is ended by a
 * signal, and, if a killed process left one, the next time a spill file is made.
 *
 * A spill file is bounded: it takes at most `maxBytes`, and never leaves less than `minFreeBytes` free
 * on its disk; `append` stops at either with a SpillFullError that says which.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatBytes } from './readLimits';
import { removeOnExit, settledOnExit } from './exitCleanup';
import { isRunning } from './safeOutput';

/** The spill folder (see the module comment). */
export function spillDir(): string {
  const chosen = process.env.REASONING_LAB_SPILL_DIR;
  if (chosen) return path.resolve(chosen);
  let user: string;
  try {
    user = os.userInfo().username.replace(/[^\w.-]/g, '_') || String(process.getuid?.() ?? 'user');
  } catch {
    user = String(process.getuid?.() ?? 'user');
  }
  return path.join(os.tmpdir(), `reasoning-lab-${user}`);
}

/** The spill folder, made if missing: a folder of ours, not a link and not writable by others. */
async function ensureSpillDir(): Promise<string> {
  const dir = spillDir();
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await fsp.lstat(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory()) throw new Error(`the spill folder ${dir} is not a folder (a link or a file is in its place); remove it or set REASONING_LAB_SPILL_DIR`);
  if (uid !== undefined && st.uid !== uid) throw new Error(`the spill folder ${dir} belongs to another user; remove it or set REASONING_LAB_SPILL_DIR`);
  if (process.platform !== 'win32' && (st.mode & 0o022) !== 0) await fsp.chmod(dir, 0o700);
  return dir;
}

/** `<pid>-<16 hex digits>-<label>.spill`: the pid tells a live process's file from one a killed process left. */
const SPILL_NAME = /^(\d+)-[0-9a-f]{16}-.*\.spill$/;
const MAX_LABEL = 80;

/** Removes spill files whose process is gone (only ever there where names cannot be removed while open). */
async function removeAbandoned(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = SPILL_NAME.exec(name);
    if (!m || Number(m[1]) === process.pid || isRunning(Number(m[1]))) continue;
    await fsp.unlink(path.join(dir, name)).catch(() => undefined);
  }
}

/** The spill file reached its bound; what was written so far stays readable. */
export class SpillFullError extends Error {
  constructor(
    message: string,
    readonly reason: 'size' | 'disk',
  ) {
    super(message);
  }
}

const CREATE = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);
/** Free space is checked again after this many bytes written. */
const FREE_CHECK_BYTES = 64 * 1024 * 1024;

export interface SpillBounds {
  /** The most the file may hold. */
  maxBytes: number;
  /** Stop before the disk has less than this free. */
  minFreeBytes: number;
}

export class SpillFile {
  /** Bytes written. */
  size = 0;
  private checkedAt = -Infinity;
  private closed = false;

  private constructor(
    /** Where the file was made (no longer there once unlinked). */
    readonly path: string,
    readonly fh: fsp.FileHandle,
    /** Its name is still in the folder (the system would not remove it while open). */
    private readonly isNamed: boolean,
    private readonly bounds: SpillBounds,
  ) {}

  /** A new, empty spill file; `label` (a file name) only helps a person who finds a named one. */
  static async create(label: string, bounds: SpillBounds): Promise<SpillFile> {
    const dir = await ensureSpillDir();
    await removeAbandoned(dir);
    const safeLabel = path.basename(label).replace(/[^\w.-]/g, '_').slice(0, MAX_LABEL);
    const file = path.join(dir, `${process.pid}-${randomBytes(8).toString('hex')}-${safeLabel}.spill`);
    const fh = await fsp.open(file, CREATE, 0o600);
    let isNamed = false;
    try {
      await fsp.unlink(file);
    } catch {
      isNamed = true;
      removeOnExit(file);
    }
    return new SpillFile(file, fh, isNamed, bounds);
  }

  /** Appends `chunk`, or as much of it as the bounds allow and then throws SpillFullError. */
  async append(chunk: Buffer): Promise<void> {
    const room = this.bounds.maxBytes - this.size;
    const free = await this.freeRoom();
    const fits = Math.min(room, free);
    const part = chunk.length > fits ? chunk.subarray(0, Math.max(0, fits)) : chunk;
    for (let done = 0; done < part.length; ) {
      const { bytesWritten } = await this.fh.write(part, done, part.length - done, this.size + done);
      done += bytesWritten;
    }
    this.size += part.length;
    if (part.length < chunk.length) {
      if (free < room) {
        throw new SpillFullError(`stopped at ${formatBytes(this.size)} to leave ${formatBytes(this.bounds.minFreeBytes)} free on the disk of the spill folder ${path.dirname(this.path)} (free some space, or set REASONING_LAB_SPILL_DIR to a folder on a larger disk)`, 'disk');
      }
      throw new SpillFullError(`more than ${formatBytes(this.bounds.maxBytes)}`, 'size');
    }
  }

  /** Bytes that may still be written before the disk's free space falls to minFreeBytes (checked every 64 MiB). */
  private freeRoomCache = Infinity;
  private async freeRoom(): Promise<number> {
    if (this.size - this.checkedAt < FREE_CHECK_BYTES) return this.freeRoomCache - (this.size - this.checkedAt);
    this.checkedAt = this.size;
    try {
      const st = await fsp.statfs(path.dirname(this.path));
      this.freeRoomCache = Math.max(0, st.bavail * st.bsize - this.bounds.minFreeBytes);
    } catch {
      this.freeRoomCache = Infinity; // a file system that cannot say: the size bound still holds
    }
    return this.freeRoomCache;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => undefined);
    if (this.isNamed) {
      await fsp.unlink(this.path).catch(() => undefined);
      settledOnExit(this.path);
    }
  }
}
