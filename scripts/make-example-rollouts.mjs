#!/usr/bin/env node
// Builds examples/rollouts/ from real public traces (a one-off; the outputs are committed).
//   node scripts/make-example-rollouts.mjs <dir with the shared data files>
// Sources and licenses: examples/README.md.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';

const data = process.argv[2] ?? '../shared/data';
const out = path.join('examples', 'rollouts');
mkdirSync(out, { recursive: true });

// DeepSeek-R1 on MisguidedAttention (CC0): 3 samples per prompt, R1's reasoning_content wrapped in R1's
// <think> template before the final output. One record per sample, grouped by prompt_id.
const r1 = JSON.parse(readFileSync(path.join(data, 'misguided_attention_deepseek-r1_thinking.json'), 'utf8')).results;
const r1Lines = [];
for (const row of r1) {
  row.output.forEach((output, i) => {
    r1Lines.push(JSON.stringify({
      id: `${row.prompt_id}#${i}`,
      prompt_id: row.prompt_id,
      prompt: row.prompt,
      completion: `<think>\n${row.thinking[i]}\n</think>\n\n${output}`,
      model: row.llm,
    }));
  });
}
writeFileSync(path.join(out, 'r1-misguided-attention.jsonl'), r1Lines.join('\n') + '\n');

// GPT-4 naive chain-of-thought on Game of 24 (Tree of Thoughts logs, MIT): 0/1 rewards from the log.
// The puzzle's four numbers are not in the log; we recover them from each sample's first step
// ("10 - 4 = 6 (left: 5 6 6)": the two operands plus what is left, minus the result).
const g24 = JSON.parse(gunzipSync(readFileSync(path.join(data, 'tot_game24_gpt-4_naive_cot_sample_100.json.gz'))).toString('utf8'));
const numbersOf = (ys) => {
  for (const y of ys) {
    const m = /^\s*(\d+)\s*[-+*/]\s*(\d+)\s*=\s*(\d+)\s*\(left:\s*([\d ]+)\)/m.exec(y);
    if (!m) continue;
    const left = m[4].trim().split(/\s+/);
    const i = left.indexOf(m[3]);
    if (i === -1) continue;
    left.splice(i, 1);
    return [m[1], m[2], ...left].map(Number).sort((a, b) => a - b).join(' ');
  }
  return undefined;
};
const gLines = [];
// Per puzzle (the first 10): the first 2 correct samples (when there are any) and the first 6 wrong ones,
// in log order, so groups show both a learning signal and GRPO's all-wrong (zero-advantage) case.
for (const puzzle of g24.slice(0, 10)) {
  const numbers = numbersOf(puzzle.ys);
  const prompt = `Use the numbers ${numbers} and basic arithmetic operations (+ - * /) to obtain 24. Show your steps, then the answer.`;
  let right = 0;
  let wrong = 0;
  puzzle.ys.forEach((y, i) => {
    const r = puzzle.infos[i].r;
    if (r ? right++ >= 2 : wrong++ >= 6) return;
    gLines.push(JSON.stringify({ id: `game24-${puzzle.idx}#${i}`, prompt_id: `game24-${puzzle.idx}`, prompt, completion: y, reward: r }));
  });
}
writeFileSync(path.join(out, 'game24-gpt4-cot.jsonl'), gLines.join('\n') + '\n');
console.log(`wrote ${r1Lines.length} + ${gLines.length} records to ${out}`);
