/**
 * Inspect AI `.eval` logs: a zip with `header.json`, `samples/<id>_epoch_<n>.json`, summaries and a
 * journal. Only the zip's central directory is read at open (yauzl, lazily); each sample member is
 * inflated when it is read. Entries are the sample members in (id, epoch) order; `line` is 1-based.
 */
import * as fsp from 'node:fs/promises';
import * as yauzl from 'yauzl';
import { parseEntryBytes, type EntrySource, type RawEntry } from './source';
import { WholeFileSource } from './wholeFileSource';

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

export class InspectEvalSource extends WholeFileSource implements EntrySource {
  readonly container = 'inspect-eval' as const;

  private constructor(
    file: string,
    private zip: yauzl.ZipFile,
    private members: yauzl.Entry[],
    private headerMember: yauzl.Entry | undefined,
    size: number,
    mtimeMs: number,
  ) {
    super(file, size, mtimeMs, 'open it again to see the new samples');
  }

  static async open(file: string): Promise<InspectEvalSource> {
    const st = await fsp.stat(file);
    let zip: yauzl.ZipFile;
    try {
      zip = await openZip(file);
    } catch (e) {
      throw new Error(`${file}: not a readable Inspect .eval log (zip): ${(e as Error).message}`);
    }
    const all = await listEntries(zip);
    const members = all.filter((e) => /^samples\/[^/]+\.json$/.test(e.fileName)).sort((a, b) => natural(a.fileName, b.fileName));
    return new InspectEvalSource(file, zip, members, all.find((e) => e.fileName === 'header.json'), st.size, st.mtimeMs);
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

  private inflate(e: yauzl.Entry): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.zip.openReadStream(e, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error('cannot read member'));
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => resolve(Buffer.concat(chunks)));
      });
    });
  }

  /** header.json: the eval's task, model, scorers, results and stats. */
  async header(): Promise<unknown> {
    if (!this.headerMember) return undefined;
    return parseEntryBytes(await this.inflate(this.headerMember)).value;
  }

  async read(i: number): Promise<RawEntry> {
    if (!(i >= 0 && i < this.members.length)) throw new RangeError(`sample ${i} is out of range (0..${this.members.length - 1})`);
    const e = this.members[i];
    try {
      const buf = await this.inflate(e);
      const r = parseEntryBytes(buf);
      return { index: i, line: i + 1, bytes: e.uncompressedSize, ...r, error: r.error && `${e.fileName}: ${r.error}` };
    } catch (err) {
      return { index: i, line: i + 1, bytes: e.uncompressedSize, error: `${e.fileName}: ${(err as Error).message}` };
    }
  }

  async close(): Promise<void> {
    this.zip.close();
  }
}
