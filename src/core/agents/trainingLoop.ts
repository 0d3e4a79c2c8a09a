/**
 * The loop that drives a training run for the CLI (`train cartpole`) and the Train Agent worker:
 * CartPoleTrainer.run() is synchronous, so it trains a chunk of steps at a time and lets the event
 * loop turn between chunks — that is when Ctrl+C, or a pause / stop message from the editor, gets in.
 */
import type { CartPoleTrainer, RunOptions } from './cartpoleTrain';

/** Env steps per chunk: small enough that a pause or stop is seen within a fraction of a second. */
export const CHUNK_STEPS = 2000;

/** Pause / resume / stop requests, as a training loop sees them. */
export class TrainingControl {
  paused = false;
  stopped = false;
  /** Aborts the synthesis trainer's current call (pause or stop). */
  private abort = new AbortController();
  private wake: (() => void) | undefined;

  pause(): void {
    this.paused = true;
    this.abort.abort();
  }
  resume(): void {
    this.paused = false;
    this.wake?.();
  }
  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
  }
  /** Resolves when a paused run is resumed or stopped. */
  waitWhilePaused(): Promise<void> {
    if (!this.paused || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }
  /** A signal for the next call of a trainer that takes one: aborted by the next pause or stop. */
  fresh(): AbortSignal {
    this.abort = new AbortController();
    return this.abort.signal;
  }
}

export interface ChunkedTrainingHooks extends Pick<RunOptions, 'onEpisode' | 'onUpdate'> {
  /** After every chunk (progress lines). */
  onChunk?: () => void;
  /** The run paused (after its current chunk); `onResumed` when it goes on. */
  onPaused?: () => void;
  onResumed?: () => void;
}

/**
 * Trains `trainer` until its global step reaches `target` or `control` stops it; a pause waits
 * in between. Returns whether the target was reached.
 */
export async function trainCartPoleInChunks(trainer: CartPoleTrainer, target: number, control: TrainingControl, hooks: ChunkedTrainingHooks = {}): Promise<{ done: boolean }> {
  const interrupted = () => control.paused || control.stopped;
  while (trainer.globalStep < target && !control.stopped) {
    trainer.run(Math.min(target, trainer.globalStep + CHUNK_STEPS), { shouldStop: interrupted, onUpdate: hooks.onUpdate, onEpisode: hooks.onEpisode });
    hooks.onChunk?.();
    await new Promise((resolve) => setImmediate(resolve));
    if (control.paused && !control.stopped) {
      hooks.onPaused?.();
      await control.waitWhilePaused();
      if (!control.stopped) hooks.onResumed?.();
    }
  }
  return { done: trainer.globalStep >= target };
}
