// The curriculum the editor describes (Train Agent's picker, the Training panel) is the one training runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CURRICULUM_DEFAULTS, describeCurriculum } from '../../src/core/agents/synth/curriculum';
import { MAX_LINES } from '../../src/core/agents/synth/encode';
import { TRAIN_DEFAULTS } from '../../src/core/agents/synth/train';

test('the described curriculum is the one training uses: 1 → MAX_LINES lines at a 15 % solve rate', () => {
  assert.equal(TRAIN_DEFAULTS.curriculum, CURRICULUM_DEFAULTS);
  assert.equal(CURRICULUM_DEFAULTS.maxLength, MAX_LINES);
  assert.equal(describeCurriculum(), `program length 1 → ${MAX_LINES} lines, the next once the solve rate of the last 100 episodes passes 15 %`);
  assert.equal(describeCurriculum({ startLength: 2, maxLength: 4, threshold: 0.5, window: 50 }), 'program length 2 → 4 lines, the next once the solve rate of the last 50 episodes passes 50 %');
});
