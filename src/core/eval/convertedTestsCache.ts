/**
 * A problem's assert-style tests, once turned into input/output cases (prepareTests.ts), are a pure
 * function of its test code, its reference, the harness that records them and the Python that runs
 * it: judging checkpoint after checkpoint on the same problem set converts them again each time for
 * nothing. Conversions are kept here, one file per problem, named by the hash of all those inputs, so
 * a changed problem, harness or interpreter is simply a miss.
 *
 * The files hold expected values, so they are trusted like the problem set itself: they are used only
 * where no sample can write them (prepareTests decides), kept private to the user (0700 / 0600), and
 * a file that does not read back as cases is ignored and written again.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../shared/errors';
import { cacheDir } from '../shared/cacheDir';
import { sandboxSource } from './sandbox/sources';
import type { Protections, PyCase } from './types';

/** Where the CLI and the editor keep converted tests unless told otherwise. */
export const defaultConvertedTestsDir = () => cacheDir('converted-tests');

const FORMAT = 1;

export interface ConvertedTests {
  cases: PyCase[];
  setup?: string;
}

/** What a conversion depends on: change any of it and the key changes. */
export interface ConversionInputs {
  pythonVersion: string;
  reference: string;
  test: string;
  call?: string;
  candidate?: string;
}

export function conversionKey(inputs: ConversionInputs): string {
  const h = crypto.createHash('sha256');
  for (const part of [`format ${FORMAT}`, sandboxSource('harness.py'), sandboxSource('pyvalues.py'), inputs.pythonVersion, inputs.reference, inputs.test, inputs.call ?? '', inputs.candidate ?? '']) {
    h.update(String(part.length)).update(':').update(part);
  }
  return h.digest('hex');
}

export class ConvertedTestsCache {
  private warned = false;

  constructor(
    readonly dir: string,
    private readonly onWarning?: (message: string) => void,
  ) {}

  /**
   * This cache when no sample can have written it: the samples do not see the host's files
   * (bubblewrap), or run as a uid of their own that cannot write a folder private to this user.
   */
  safeFrom(protections: Protections): ConvertedTestsCache | undefined {
    if (protections.filesystem !== 'interpreters-only' && !protections.dedicatedUid) return undefined;
    try {
      const st = fs.statSync(this.dir);
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) {
        if (!this.warned) this.onWarning?.(`the converted-tests cache ${this.dir} is not a folder only you can write: it is not used`);
        this.warned = true;
        return undefined;
      }
    } catch {
      // not there yet: put() makes it, private
    }
    return this;
  }

  get(key: string): ConvertedTests | undefined {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.dir, `${key}.json`), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const v = JSON.parse(text) as { format?: unknown; cases?: unknown; setup?: unknown };
      const cases = v.cases;
      if (v.format !== FORMAT || !Array.isArray(cases) || !cases.length || !cases.every(isCase)) return undefined;
      if (v.setup !== undefined && typeof v.setup !== 'string') return undefined;
      return { cases: cases as PyCase[], setup: v.setup as string | undefined };
    } catch {
      return undefined;
    }
  }

  /** Writes atomically (a temp file renamed into place); a cache that cannot be written is said once, then left alone. */
  put(key: string, value: ConvertedTests): void {
    const file = path.join(this.dir, `${key}.json`);
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(tmp, JSON.stringify({ format: FORMAT, ...value }), { mode: 0o600, flag: 'wx' });
      fs.renameSync(tmp, file);
    } catch (err) {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // the folder itself is what failed: there is no temp file to remove
      }
      if (!this.warned) this.onWarning?.(`the converted-tests cache ${this.dir} could not be written (${errorMessage(err)}): tests are converted again on every run`);
      this.warned = true;
    }
  }
}

function isCase(c: unknown): boolean {
  return !!c && typeof c === 'object' && Array.isArray((c as { args?: unknown }).args) && typeof (c as { check?: unknown }).check === 'string';
}
