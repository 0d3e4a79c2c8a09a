/**
 * Inspect AI `.eval` logs: a zip with `header.json`, `samples/<id>_epoch_<n>.json`, summaries and a
 * journal. Only the zip's central directory is read at open (yauzl, lazily); each sample member is
 * inflated when it is read. Entries are the sample members in (id, epoch) order; `line` is 1-based.
 *
 * A member is inflated streaming and only up to the record limit (readLimits.ts), whatever its header
 * says; members whose data overlap another's (the trick of zip bombs that reuse one compressed stream)
 * are refused. Either way that sample is listed as malformed with the member's name and the others read.
 */
import * as fsp from 'node:fs/promises';
import * as yauzl from 'yauzl';
import { parseEntryBytes, type EntrySource, type RawEntry } from './source';
import { WholeFileSource } from './wholeFileSource';
import { errorMessage } from '../shared/errors';
import { DEFAULT_READ_LIMITS, formatBytes, type ReadLimits } from '../shared/readLimits';

/** The smallest local header (30 bytes before the name). */
const LOCAL_HEADER = 30;

/**
 * Members whose bytes overlap those of another member, by name. The span of a member starts at its
 * local header and takes at least the header, its name and its compressed data.
 */
function overlapping(entries: yauzl.Entry[]): Map<string, string> {
  const byOffset = [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  const out = new Map<string, string>();
  let end = -1;
  let owner: yauzl.Entry | undefined;
  for (const e of byOffset) {
    if (owner && e.relativeOffsetOfLocalHeader < end) {
      out.set(e.fileName, owner.fileName);
      if (!out.has(owner.fileName)) out.set(owner.fileName, e.fileName);
    }
    const eEnd = e.relativeOffsetOfLocalHeader + LOCAL_HEADER + e.fileNameLength + e.compressedSize;
    if (eEnd > end) {
      end = eEnd;
      owner = e;
    }
  }
  return out;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => (err || !zip ? reject(err ?? new Error('cannot open')) : resolve(zip))),
  );
}

function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      out.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** Natural order: "2_epoch_10" after "2_epoch_9", "10_epoch_1" after "9_epoch_1". */
function natural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

class MemberTooBig extends Error {}

export class InspectEvalSource extends WholeFileSource implements EntrySource {
  readonly container = 'inspect-eval' as const;

  private constructor(
    file: string,
    private zip: yauzl.ZipFile,
    private members: yauzl.Entry[],
    private headerMember: yauzl.Entry | undefined,
    size: number,
    mtimeMs: number,
    private readonly limits: ReadLimits,
    /** Members that overlap another: the other's name. */
    private readonly overlaps: Map<string, string>,
  ) {
    super(file, size, mtimeMs, 'open it again to see the new samples');
  }

  static async open(file: string, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<InspectEvalSource> {
    const st = await fsp.stat(file);
    let zip: yauzl.ZipFile;
    try {
      zip = await openZip(file);
    } catch (e) {
      throw new Error(`${file}: not a readable Inspect .eval log (zip): ${(e as Error).message}`);
    }
    let all: yauzl.Entry[];
    try {
      all = await listEntries(zip);
    } catch (e) {
      zip.close();
      throw new Error(`${file}: not a readable Inspect .eval log (zip): ${errorMessage(e)}`);
    }
    const members = all.filter((e) => /^samples\/[^/]+\.json$/.test(e.fileName)).sort((a, b) => natural(a.fileName, b.fileName));
    return new InspectEvalSource(file, zip, members, all.find((e) => e.fileName === 'header.json'), st.size, st.mtimeMs, limits, overlapping(all));
  }

  get count(): number {
    return this.members.length;
  }
  get memoryBytes(): number {
    return this.members.length * 200;
  }

  /** The zip member an entry comes from (`samples/1_epoch_2.json`). */
  memberName(i: number): string {
    return this.members[i].fileName;
  }

  /** header.json: the eval's task, model, scorers, results and stats. */
  async header(): Promise<unknown> {
    if (!this.headerMember) return undefined;
    return parseEntryBytes(await this.inflate(this.headerMember, this.limits.maxRecordBytes), this.limits.maxJsonDepth).value;
  }

  async read(i: number): Promise<RawEntry> {
    if (!(i >= 0 && i < this.members.length)) throw new RangeError(`sample ${i} is out of range (0..${this.members.length - 1})`);
    const e = this.members[i];
    const fail = (reason: string): RawEntry => ({ index: i, line: i + 1, bytes: e.uncompressedSize, error: `${e.fileName}: ${reason}` });
    const other = this.overlaps.get(e.fileName);
    if (other) return fail(`its data overlaps member ${other} (a zip bomb's trick, or a damaged zip): skipped`);
    const max = this.limits.maxRecordBytes;
    const tooBig = (n: number | string) => `inflates to ${typeof n === 'number' ? formatBytes(n) : n}, over the ${formatBytes(max)} limit for one record: skipped (raise it with --limit record=…)`;
    if (e.uncompressedSize > max) return fail(tooBig(e.uncompressedSize));
    let buf: Buffer;
    try {
      buf = await this.inflate(e, max);
    } catch (err) {
      return fail(err instanceof MemberTooBig ? tooBig(`more than ${formatBytes(max)}`) : errorMessage(err));
    }
    const r = parseEntryBytes(buf, this.limits.maxJsonDepth);
    return { index: i, line: i + 1, bytes: e.uncompressedSize, ...r, error: r.error && `${e.fileName}: ${r.error}` };
  }

  /** A member's bytes, inflated streaming; stops with MemberTooBig past `max` bytes, whatever the header claimed. */
  private inflate(e: yauzl.Entry, max: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.zip.openReadStream(e, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error('cannot read member'));
        const chunks: Buffer[] = [];
        let n = 0;
        stream.on('data', (c: Buffer) => {
          n += c.length;
          if (n > max) {
            stream.destroy();
            reject(new MemberTooBig());
            return;
          }
          chunks.push(c);
        });
        stream.on('error', reject);
        stream.on('end', () => resolve(Buffer.concat(chunks)));
      });
    });
  }

  async close(): Promise<void> {
    this.zip.close();
  }
}
