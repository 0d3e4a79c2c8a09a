/** Loading the real-data fixtures of test/fixtures (see test/fixtures/SOURCES.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RewardRecord } from '../../../src/core/rewards/types';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures');

export function readJsonlFixture<T = Record<string, unknown>>(name: string): T[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export interface R1Row {
  id: string;
  prompt: string;
  thinking: string;
  output: string;
}

/** DeepSeek-R1 samples in R1's template: <think>\n{thinking}\n</think>\n\n{output}. */
export function r1Records(): RewardRecord[] {
  return readJsonlFixture<R1Row>('r1_misguided_attention.jsonl').map((r) => ({
    id: r.id,
    prompt: r.prompt,
    completion: `<think>\n${r.thinking}\n</think>\n\n${r.output}`,
  }));
}

export interface HermesRow {
  id: string;
  prompt: string;
  completion: string;
  finish_reason: string;
  note: string;
}

export function hermesRows(): HermesRow[] {
  return readJsonlFixture<HermesRow>('deephermes3_outputs.jsonl');
}

export function hermes(id: string): HermesRow {
  const row = hermesRows().find((r) => r.id === id);
  if (!row) throw new Error(`no fixture row ${id}`);
  return row;
}

export function rec(completion: string, extra: Partial<RewardRecord> = {}): RewardRecord {
  return { id: 't', prompt: '', completion, ...extra };
}
