/**
 * The trace file of one Solve with Agent episode, written while the episode runs so that the Trace
 * Explorer can follow it: after each decision it holds the episode so far as one whole record, replaced
 * in one step (a reader never sees half a line, and an episode that is cancelled or fails leaves what
 * happened); when the episode ends it holds the same records as a finished search writes (the episode,
 * then its candidates as one group).
 */
import { writeFileSafely } from '../../shared/safeOutput';
import type { CodeDecision, CodeEpisodeRecord } from './agent';
import { candidateTraces, codeEpisodeTrace, unfinishedEpisodeTrace, type UnfinishedState } from './traces';

export class EpisodeFile {
  private readonly decisions: CodeDecision[] = [];
  private started = false;

  constructor(
    readonly file: string,
    private readonly run: { id: string; problemId: string; budget: number },
  ) {}

  /** The episode before its first decision; a file already there is never replaced. */
  start(): void {
    this.write([unfinishedEpisodeTrace(this.run, [], { kind: 'running' })]);
  }

  /** One more decision: the record now ends with it. */
  decide(d: CodeDecision): void {
    this.decisions.push(d);
    this.write([unfinishedEpisodeTrace(this.run, this.decisions, { kind: 'running' })]);
  }

  /** The episode ended without an outcome: its record says so after the decisions it made (nothing when the file was never written). */
  stop(state: Exclude<UnfinishedState, { kind: 'running' }>): void {
    if (this.started) this.write([unfinishedEpisodeTrace(this.run, this.decisions, state)]);
  }

  /** The episode ended: its record and its candidates', as a finished search writes them. */
  finish(rec: CodeEpisodeRecord): void {
    this.write([codeEpisodeTrace(rec, { id: this.run.id, mode: 'solve' }), ...candidateTraces(rec, this.run.id)]);
  }

  private write(records: object[]): void {
    // only the first write may not replace: later ones replace this episode's own file
    writeFileSafely(this.file, records.map((r) => JSON.stringify(r) + '\n').join(''), { replace: this.started });
    this.started = true;
  }
}
