/**
 * Files this process is writing and must not leave behind: removed if the process exits or is ended by
 * a signal before their owner settles them. The exit hook is installed only while there are some, and
 * only on a main thread (a worker's process is not signalled; its files are cleaned up by their own
 * error paths). Used by the safe outputs' temporary files and the readers' spill files.
 */
import * as fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { onExit } from 'signal-exit';

const pending = new Set<string>();
let removeExitHook: (() => void) | undefined;

/** `file` is removed if the process ends before `settledOnExit(file)`. */
export function removeOnExit(file: string): void {
  pending.add(file);
  if (!removeExitHook && isMainThread) {
    removeExitHook = onExit(() => {
      for (const f of pending) {
        try {
          fs.unlinkSync(f);
        } catch {
          // already gone
        }
      }
    });
  }
}

/** The owner has put `file` in place or removed it: the exit hook leaves it alone. */
export function settledOnExit(file: string): void {
  pending.delete(file);
  if (pending.size === 0 && removeExitHook) {
    removeExitHook();
    removeExitHook = undefined;
  }
}
