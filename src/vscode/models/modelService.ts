import * as vscode from 'vscode';
import { ModelHost } from '../../core/models/modelHost';
import type { TextGenerator } from '../../core/models/generation';
import type { LoadOptions, ModelInfo, ProcessRewardScorer, RewardModelOptions, RewardScorer } from '../../core/models/types';
import { affectsModels } from './modelSettings';
import { errorMessage } from '../../core/shared/errors';

type Closable = { dispose?(): void | Promise<void> };

/** What the status bar shows: the reward model in use and its provider, or why it failed to load. */
export type RewardModelState =
  | { kind: 'none' }
  | { kind: 'loading'; dir: string }
  | { kind: 'ready'; info: ModelInfo }
  | { kind: 'failed'; dir: string; message: string };

/**
 * The editor's one door to the model layer: one ModelHost (every ONNX session runs in its worker
 * thread, so the extension host never blocks), and the models opened from it, kept open while their
 * settings stay the same. A settings change closes them; the next use opens them again.
 */
export class ModelService implements vscode.Disposable {
  private host: ModelHost | undefined;
  private readonly open = new Map<string, Promise<Closable>>();
  private readonly changed = new vscode.EventEmitter<RewardModelState>();
  readonly onDidChangeRewardModel = this.changed.event;
  private state: RewardModelState = { kind: 'none' };
  private readonly subscription: vscode.Disposable;

  /** `workerScript`: the model worker's script (dist/modelWorker.js). */
  constructor(private readonly workerScript: string, private readonly log: (message: string) => void) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsModels(e)) void this.closeAll('settings changed');
    });
  }

  get rewardModelState(): RewardModelState {
    return this.state;
  }

  /** The reward model of `dir` with these options (opened once, shared). Failures are not cached. */
  async rewardModel(dir: string, options: RewardModelOptions): Promise<RewardScorer> {
    const key = `reward\0${dir}\0${JSON.stringify(options)}`;
    const fresh = !this.open.has(key);
    if (fresh) this.setState({ kind: 'loading', dir });
    try {
      const rm = (await this.get(key, () => this.ensureHost().openRewardModel(dir, options))) as RewardScorer;
      if (fresh || this.state.kind !== 'ready' || this.state.info.dir !== rm.info.dir) this.setState({ kind: 'ready', info: rm.info });
      return rm;
    } catch (err) {
      this.setState({ kind: 'failed', dir, message: errorMessage(err) });
      throw err;
    }
  }

  async prm(dir: string, options: RewardModelOptions): Promise<ProcessRewardScorer> {
    return (await this.get(`prm\0${dir}\0${JSON.stringify(options)}`, () => this.ensureHost().openPrm(dir, options))) as ProcessRewardScorer;
  }

  async localLm(dir: string, options: LoadOptions): Promise<TextGenerator & { info: ModelInfo }> {
    return (await this.get(`lm\0${dir}\0${JSON.stringify(options)}`, () => this.ensureHost().openLocalLm(dir, options))) as TextGenerator & { info: ModelInfo };
  }

  /** Close every model (the status bar goes back to "none" until a model is used again). */
  async closeAll(why: string): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    if (all.length) this.log(`models: closing ${all.length} model(s): ${why}`);
    this.setState({ kind: 'none' });
    await Promise.all(all.map((p) => p.then((m) => m.dispose?.(), () => undefined).catch(() => undefined)));
  }

  private get<T extends Closable>(key: string, openIt: () => Promise<T>): Promise<T> {
    let p = this.open.get(key) as Promise<T> | undefined;
    if (!p) {
      p = openIt();
      this.open.set(key, p);
      p.then(
        (m) => this.log(`models: opened ${describe((m as unknown as { info?: ModelInfo }).info)}`),
        (err) => {
          if (this.open.get(key) === p) this.open.delete(key);
          this.log(`models: could not open ${key.split('\0')[1]}: ${errorMessage(err)}`);
        },
      );
    }
    return p;
  }

  private ensureHost(): ModelHost {
    this.host ??= new ModelHost(this.workerScript);
    return this.host;
  }

  private setState(s: RewardModelState): void {
    this.state = s;
    this.changed.fire(s);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    void this.closeAll('extension stopped').finally(() => this.host?.dispose());
  }
}

function describe(info: ModelInfo | undefined): string {
  if (!info) return 'a model';
  const tried = info.provider.tried.map((t) => `${t.name}: ${t.error}`).join('; ');
  return `${info.kind} ${info.name} (${info.modelFile}) on ${info.provider.provider}${tried ? ` after trying ${tried}` : ''}`;
}

