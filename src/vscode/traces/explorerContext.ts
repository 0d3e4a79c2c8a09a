import type { RewardSpecSource } from '../rewards/rewardSpecSource';
import type { TraceGroupPanel } from './traceGroupPanel';
import type { TraceSession } from './traceSession';
import type { TraceStepperPanel } from './traceStepperPanel';
import type { TrainingStepsPanel } from './trainingStepsPanel';
import type { TracesWorker } from './tracesWorkerClient';

/** What the Trace Explorer's command groups work with (TraceExplorer is the one implementation). */
export interface ExplorerContext {
  /** The open trace file, if any. */
  readonly session: TraceSession | undefined;
  /** The open trace file; throws a message that says to open one when there is none. */
  need(): TraceSession;
  /** Show `next` (or nothing) in the tree; the session shown before is closed. */
  replaceSession(next: TraceSession | undefined): void;
  readonly specs: RewardSpecSource;
  readonly stepper: TraceStepperPanel;
  readonly groupPanel: TraceGroupPanel;
  readonly stepsPanel: TrainingStepsPanel;
  readonly log: (m: string) => void;
  /** Where passes over whole files and word diffs run. */
  readonly worker: TracesWorker;
}
