/**
 * Agreement of the accuracy reward with math-verify (huggingface/Math-Verify, the grader TRL and open-r1
 * use) on its own published test expectations: test/fixtures/math-verify/cases.jsonl, ported from its
 * pytest files by test/fixtures/math-verify/port.py (see test/fixtures/SOURCES.md).
 *
 * The floors are the agreement reached when the cases were ported: a change that makes the reward agree
 * less fails here; one that agrees more should raise them. The cases we disagree on by choice are in the
 * README ("The rewards", agreement with math-verify).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy } from '../../src/core/rewards/accuracy';
import { readJsonlFixture } from './helpers/rewardData';

interface Case {
  id: string;
  test: string;
  category: string;
  completion: string;
  answer: string;
  expected: 0 | 1;
  /** math-verify's float_rounding, when not its default 6: our relative tolerance is 10^-precision. */
  precision?: number;
}

const FLOORS: Record<string, [agree: number, of: number]> = {
  numbers: [25, 25],
  'LaTeX notation': [21, 23],
  percentages: [9, 9],
  'sets and intervals': [6, 7],
  'relations and equations': [30, 30],
  matrices: [6, 8],
  'symbolic equality': [16, 16],
  'MATH solutions': [30, 30],
  'long model outputs': [46, 46],
  'competition answers': [69, 73],
};
const OVERALL_FLOOR = 258;

test('accuracy agrees with math-verify on its published test cases (regression floor per category)', (t) => {
  const cases = readJsonlFixture<Case>('math-verify/cases.jsonl');
  assert.equal(cases.length, 267, 'every ported case is read');
  const byCategory = new Map<string, { agree: number; of: number }>();
  const misses: string[] = [];
  for (const c of cases) {
    const tolerance = c.precision === undefined ? 1e-6 : Math.pow(10, -c.precision);
    const r = accuracy.score({ id: c.id, prompt: '', completion: c.completion, answer: c.answer }, { ...accuracy.defaults, tolerance });
    const got = r.value === 1 ? 1 : 0;
    const row = byCategory.get(c.category) ?? { agree: 0, of: 0 };
    row.of++;
    if (got === c.expected) row.agree++;
    else misses.push(`${c.id} (${c.category}): math-verify ${c.expected}, ours ${r.value} — ${r.detail.slice(0, 160)}`);
    byCategory.set(c.category, row);
  }
  let agree = 0;
  for (const [name, row] of byCategory) {
    agree += row.agree;
    t.diagnostic(`${name}: ${row.agree}/${row.of}`);
  }
  t.diagnostic(`overall: ${agree}/${cases.length} = ${((100 * agree) / cases.length).toFixed(1)}%`);
  for (const m of misses) t.diagnostic(`disagree: ${m}`);
  assert.deepEqual([...byCategory.keys()].sort(), Object.keys(FLOORS).sort(), 'the categories of port.py');
  for (const [name, [floor, of]] of Object.entries(FLOORS)) {
    const row = byCategory.get(name)!;
    assert.equal(row.of, of, `${name}: case count`);
    assert.ok(row.agree >= floor, `${name}: ${row.agree}/${row.of} agree, below the floor ${floor}`);
  }
  assert.ok(agree >= OVERALL_FLOOR, `overall ${agree} below the floor ${OVERALL_FLOOR}`);
});

test('every disagreement still yields a judgement, never a crash or a null on a usable reference', () => {
  const cases = readJsonlFixture<Case>('math-verify/cases.jsonl');
  for (const c of cases) {
    const r = accuracy.score({ id: c.id, prompt: '', completion: c.completion, answer: c.answer }, accuracy.defaults);
    // one gold answer upstream has an unbalanced brace ("\boxed{W(n) = 1 …"): null with the reason
    if (r.value === null) assert.match(r.detail, /unbalanced/, c.id);
    else assert.ok(r.value === 0 || r.value === 1, c.id);
    assert.ok(r.detail.length > 0);
  }
});
