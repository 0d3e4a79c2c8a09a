// The chunked training loop that `train cartpole` and the Train Agent worker share
// (src/core/agents/trainingLoop.ts): chunks, pause / resume and stop change nothing in what is learned
// (the same bits as one straight run), and each hook fires when it should.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CartPoleTrainer, DQN_CARTPOLE, type CartPoleAlgo } from '../../src/core/agents/cartpoleTrain';
import { CHUNK_STEPS, TrainingControl, trainCartPoleInChunks } from '../../src/core/agents/trainingLoop';

const TARGET = 2 * CHUNK_STEPS + 700;
const create = (algo: CartPoleAlgo) => CartPoleTrainer.create({ algo, seed: 4, totalTimesteps: TARGET, dqn: DQN_CARTPOLE });
const straight = (algo: CartPoleAlgo) => {
  const t = create(algo);
  t.run(TARGET);
  return t.toCheckpoint();
};

for (const algo of ['ppo', 'dqn'] as const) {
  test(`${algo}: chunks with a pause and a resume end on the same bits as one straight run`, async () => {
    const trainer = create(algo);
    const control = new TrainingControl();
    const calls: string[] = [];
    let episodes = 0;
    let updates = 0;
    const { done } = await trainCartPoleInChunks(trainer, TARGET, control, {
      onEpisode: () => {
        if (++episodes === 30) control.pause();
      },
      onUpdate: () => updates++,
      onChunk: () => calls.push(`chunk@${trainer.globalStep}`),
      onPaused: () => {
        calls.push(`paused@${trainer.globalStep}`);
        setImmediate(() => control.resume());
      },
      onResumed: () => calls.push('resumed'),
    });
    assert.equal(done, true);
    assert.ok(trainer.globalStep >= TARGET && trainer.globalStep < TARGET + 4);
    assert.equal(episodes, trainer.curve.length);
    assert.ok(updates > 0);
    assert.equal(calls.filter((c) => c.startsWith('paused')).length, 1, calls.join(' '));
    assert.equal(calls[calls.indexOf(calls.find((c) => c.startsWith('paused'))!) + 1], 'resumed');
    // the pause took effect inside its chunk: the run stopped short of the chunk's end, then went on
    const pausedAt = Number(calls.find((c) => c.startsWith('paused'))!.split('@')[1]);
    assert.ok(pausedAt % CHUNK_STEPS !== 0, `paused mid-chunk at ${pausedAt}`);
    assert.deepEqual(trainer.toCheckpoint(), straight(algo));
  });
}

test('stop ends the run short of its target, also while paused; a later call continues it exactly', async () => {
  const trainer = create('ppo');
  const control = new TrainingControl();
  const first = await trainCartPoleInChunks(trainer, TARGET, control, { onChunk: () => control.stop() });
  assert.equal(first.done, false);
  assert.equal(trainer.globalStep, CHUNK_STEPS, 'one chunk, then the stop');

  const paused = new TrainingControl();
  let resumed = 0;
  const second = await trainCartPoleInChunks(trainer, TARGET, paused, {
    onChunk: () => paused.pause(),
    onPaused: () => setImmediate(() => paused.stop()),
    onResumed: () => resumed++,
  });
  assert.equal(second.done, false);
  assert.equal(resumed, 0, 'a stop during a pause does not resume');
  assert.equal(trainer.globalStep, 2 * CHUNK_STEPS);

  const third = await trainCartPoleInChunks(trainer, TARGET, new TrainingControl());
  assert.equal(third.done, true);
  assert.deepEqual(trainer.toCheckpoint(), straight('ppo'));
});

test('the control: pause and stop abort the signal of the current call; a new call gets a fresh one', async () => {
  const control = new TrainingControl();
  const a = control.fresh();
  control.pause();
  assert.equal(a.aborted, true);
  const b = control.fresh();
  assert.equal(b.aborted, false);
  const waiting = control.waitWhilePaused();
  control.resume();
  await waiting;
  assert.equal(control.paused, false);
  control.stop();
  assert.equal(b.aborted, true);
  await control.waitWhilePaused(); // a stopped run never waits
});
