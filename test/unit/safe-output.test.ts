// The one output helper every writing command uses (src/core/shared/safeOutput.ts): an existing file is
// never changed without `replace`, a file that appears while the output is written is kept, a symlink
// planted at the temporary name does not redirect the write, and nothing is left behind on any way out.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mock, test } from 'node:test';
import { OutputExistsError, SafeOutput, writeFileSafely, writeStreamSafely } from '../../src/core/shared/safeOutput';

const CHILD = path.join(__dirname, 'helpers', 'safeOutputChild.ts');

function folder(): string {
  return mkdtempSync(path.join(tmpdir(), 'rl-safe-output-'));
}

test('writes the output in place and leaves nothing else in the folder', async () => {
  const dir = folder();
  try {
    const target = path.join(dir, 'out.jsonl');
    writeFileSafely(target, 'one\n');
    assert.equal(readFileSync(target, 'utf8'), 'one\n');
    const streamed = path.join(dir, 'streamed.jsonl');
    await writeStreamSafely(streamed, {}, async (stream) => {
      for (let i = 0; i < 1000; i++) stream.write(`line ${i}\n`);
    });
    assert.equal(readFileSync(streamed, 'utf8').split('\n').length, 1001);
    assert.deepEqual(readdirSync(dir).sort(), ['out.jsonl', 'streamed.jsonl']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an existing target is never changed without replace, and is replaced with it', () => {
  const dir = folder();
  try {
    const target = path.join(dir, 'checkpoint.json');
    writeFileSync(target, 'the user’s file');
    assert.throws(() => writeFileSafely(target, 'new'), (e: unknown) => e instanceof OutputExistsError && !e.appeared && e.file === target);
    assert.throws(() => SafeOutput.open(target), OutputExistsError);
    assert.equal(readFileSync(target, 'utf8'), 'the user’s file');
    assert.deepEqual(readdirSync(dir), ['checkpoint.json'], 'no temporary file is created for a refused output');

    // a dangling symlink at the target is something there too: neither followed nor replaced
    const link = path.join(dir, 'link.json');
    symlinkSync(path.join(dir, 'nowhere.json'), link);
    assert.throws(() => writeFileSafely(link, 'x'), OutputExistsError);
    assert.equal(existsSync(path.join(dir, 'nowhere.json')), false);

    writeFileSafely(target, 'new', { replace: true });
    assert.equal(readFileSync(target, 'utf8'), 'new');
    // replacing a symlink replaces the link itself, never the file it points to
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, path.join(dir, 'via-link.txt'));
    writeFileSafely(path.join(dir, 'via-link.txt'), 'output', { replace: true });
    assert.equal(readFileSync(victim, 'utf8'), 'keep me');
    assert.equal(lstatSync(path.join(dir, 'via-link.txt')).isFile(), true);
    assert.deepEqual(readdirSync(dir).sort(), ['checkpoint.json', 'link.json', 'via-link.txt', 'victim.txt']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file created at the target while the output is written is kept (not replaced without replace)', async () => {
  const dir = folder();
  try {
    const target = path.join(dir, 'scores.jsonl');
    const out = SafeOutput.open(target);
    out.stream.write('{"id": 1}\n');
    writeFileSync(target, 'written by someone else meanwhile');
    await assert.rejects(out.commit(), (e: unknown) => e instanceof OutputExistsError && e.appeared && /appeared while the output was being written/.test(e.message));
    assert.equal(readFileSync(target, 'utf8'), 'written by someone else meanwhile');
    assert.deepEqual(readdirSync(dir), ['scores.jsonl'], 'the temporary file is removed');

    const forced = SafeOutput.open(target, { replace: true });
    forced.write('{"id": 2}\n');
    rmSync(target);
    writeFileSync(target, 'again');
    await forced.commit();
    assert.equal(readFileSync(target, 'utf8'), '{"id": 2}\n', 'replace: the output wins');
    assert.deepEqual(readdirSync(dir), ['scores.jsonl']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a symlink planted at the temporary name does not redirect the write', () => {
  const dir = folder();
  try {
    const target = path.join(dir, 'out.jsonl');
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    // the old, predictable name (.NAME.<pid>.tmp) and the exact next name the helper would draw
    const fixed = Buffer.alloc(8, 0xab);
    symlinkSync(victim, path.join(dir, `.out.jsonl.${process.pid}.tmp`));
    const planted = path.join(dir, `.out.jsonl.${process.pid}.${fixed.toString('hex')}.tmp`);
    symlinkSync(victim, planted);
    const random = mock.method(crypto, 'randomBytes', () => fixed, { times: 1 });
    try {
      writeFileSafely(target, 'the output\n');
    } finally {
      random.mock.restore();
    }
    assert.equal(random.mock.callCount(), 1, 'the first name drawn was the planted one (then a fresh one was drawn)');
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.equal(readFileSync(target, 'utf8'), 'the output\n');
    assert.equal(lstatSync(planted).isSymbolicLink(), true, 'the planted link is left as it was');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nothing is left behind after an error, an abandon, or a writer that wants nothing kept', async () => {
  const dir = folder();
  try {
    const target = path.join(dir, 'export.jsonl');
    await assert.rejects(
      writeStreamSafely(target, {}, async (stream) => {
        stream.write('half');
        throw new Error('the trace file is corrupt');
      }),
      /corrupt/,
    );
    const cancelled = await writeStreamSafely(target, {}, async (stream) => (stream.write('x'), { cancelled: true }), (r) => !r.cancelled);
    assert.equal(cancelled.cancelled, true);
    const out = SafeOutput.open(target);
    out.write('some');
    await out.abandon();
    assert.deepEqual(readdirSync(dir), []);
    // a folder that does not exist is an error naming the path, with nothing created
    assert.throws(() => writeFileSafely(path.join(dir, 'missing', 'x.json'), 'x'), /^Error: cannot write .*missing\/x\.json: ENOENT/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Starts a process that is writing `target`; resolves with it and its temporary file once it is mid-write. */
function writerProcess(target: string): Promise<{ child: ReturnType<typeof spawn>; temp: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d) => {
      text += d;
      if (text.includes('\n')) resolve({ child, temp: text.trim() });
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => reject(new Error(`the writer exited early (${code ?? signal})`)));
  });
}

const exited = (child: ReturnType<typeof spawn>) => new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} while writing removes the temporary file and still ends the process`, async () => {
    const dir = folder();
    try {
      const target = path.join(dir, 'out.jsonl');
      const { child, temp } = await writerProcess(target);
      assert.equal(existsSync(temp), true);
      const done = exited(child);
      child.kill(signal);
      assert.equal(await done, signal, 'the process ends by the signal, as it would without the helper');
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a temporary file left by a killed writer (SIGKILL) is removed the next time the target is written', async () => {
  const dir = folder();
  try {
    const target = path.join(dir, 'out.jsonl');
    const { child, temp } = await writerProcess(target);
    const done = exited(child);
    child.kill('SIGKILL');
    await done;
    assert.deepEqual(readdirSync(dir), [path.basename(temp)], 'SIGKILL cannot be caught: the file is left');
    const unrelated = path.join(dir, '.other.jsonl.1.0123456789abcdef.tmp');
    writeFileSync(unrelated, 'not this target’s');
    writeFileSafely(target, 'fresh');
    assert.deepEqual(readdirSync(dir).sort(), ['.other.jsonl.1.0123456789abcdef.tmp', 'out.jsonl']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
