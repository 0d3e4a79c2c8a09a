/**
 * Opening a file a user named, as every reader does before it reads: what is not a regular file (a
 * folder, a named pipe with nobody writing, /dev/zero, a socket) is refused at once with a message that
 * says what it is, instead of a read that blocks or never ends; a file read whole is read only up to
 * the limit, and a file that grows past it while being read is refused too.
 *
 * Streaming readers (score, rm-eval) may read a named pipe, as they read stdin (`<(zcat log.gz)`).
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { errorMessage } from './errors';
import { DEFAULT_READ_LIMITS, formatBytes } from './readLimits';

/** What a non-regular file is, for messages; undefined for a regular file. */
export function notARegularFile(st: fs.Stats, allowPipe = false): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'is a folder, not a file';
  if (st.isFIFO()) return allowPipe ? undefined : 'is a named pipe (FIFO), not a file: it cannot be read at random; save what it gives to a file first';
  if (st.isCharacterDevice()) return 'is a device (such as /dev/zero or a terminal), not a file';
  if (st.isBlockDevice()) return 'is a block device, not a file';
  if (st.isSocket()) return 'is a socket, not a file';
  return 'is not a regular file';
}

function openError(file: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'is a folder, not a file' : errorMessage(err);
  return new Error(`${file}: ${why}`, { cause: err });
}

/** The file's stats when it is a regular file (or, with allowPipe, a named pipe); else an error naming it and what it is. */
export async function statInputFile(file: string, allowPipe = false): Promise<fs.Stats> {
  let st: fs.Stats;
  try {
    st = await fsp.stat(file);
  } catch (err) {
    throw openError(file, err);
  }
  const not = notARegularFile(st, allowPipe);
  if (not) throw new Error(`${file} ${not}`);
  return st;
}

/** statInputFile, synchronously. */
export function statInputFileSync(file: string, allowPipe = false): fs.Stats {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    throw openError(file, err);
  }
  const not = notARegularFile(st, allowPipe);
  if (not) throw new Error(`${file} ${not}`);
  return st;
}

/**
 * A regular file's bytes, read whole, at most `maxBytes` (default: the whole-file limit). It is opened
 * without blocking (a named pipe put in its place between a check and the open cannot hang the read)
 * and checked on the open descriptor.
 */
export function readFileBounded(file: string, what: string, maxBytes: number = DEFAULT_READ_LIMITS.maxWholeFileBytes): Buffer {
  let fd: number;
  // an error opening it is Node's own (ENOENT, EACCES…): callers put their own words around it
  fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const st = fs.fstatSync(fd);
    const not = notARegularFile(st);
    if (not) throw new Error(`${file} ${not}`);
    const tooBig = () => new Error(`${file}: ${what} larger than ${formatBytes(maxBytes)} (the limit for a file read whole)`);
    if (st.size > maxBytes) throw tooBig();
    // a byte more than the size, so a file that grew since fstat is seen; it may grow up to the limit
    const cap = maxBytes + 1;
    let buf = Buffer.allocUnsafe(Math.min(cap, st.size + 1));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (buf.length >= cap) throw tooBig();
        const more = Buffer.allocUnsafe(Math.min(cap, buf.length * 2));
        buf.copy(more, 0, 0, n);
        buf = more;
      }
      const got = fs.readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) return buf.subarray(0, n);
      n += got;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** readFileBounded as UTF-8 text, without a leading BOM. */
export function readTextBounded(file: string, what: string, maxBytes?: number): string {
  const text = readFileBounded(file, what, maxBytes).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A read stream over a file a streaming reader reads from start to end: a regular file or a named pipe
 * (process substitution), never a folder or a device. Checked before it is opened.
 */
export function openInputStream(file: string): fs.ReadStream {
  statInputFileSync(file, true);
  return fs.createReadStream(file);
}
