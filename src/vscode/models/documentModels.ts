import * as vscode from 'vscode';
import { judgePointwise, toModelScore } from '../../core/models/grm/judge';
import { rmModelScore } from '../../core/models/rewardModel';
import type { RewardRecord, RewardSpec } from '../../core/rewards/types';
import type { GrmJudgementView } from '../../contracts/breakdown';
import { judgeFromSettings } from './grmJudge';
import { grmSettings, grmWanted, loadOptions, rewardModelFolder } from './modelSettings';
import { type ModelService } from './modelService';
import { grmView, judgementView, rmView } from './modelViews';
import { errorMessage } from '../../core/shared/errors';
import type { ModelOutcome, ModelPlan, ModelProgress, ModelScoring } from '../rewards/modelScoring';

/** Which models a document's score needs under a spec and the settings. */
/** Scores a document's record with the reward model (in the model worker) and the judge (HTTP / vscode.lm / local LM). */
export class DocumentModels implements ModelScoring {
  constructor(
    private readonly models: ModelService,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  plan(spec: RewardSpec, uri: vscode.Uri): ModelPlan | undefined {
    const rmDir = rewardModelFolder(spec, uri);
    const rm = !!rmDir || !!spec.components.rm;
    const g = grmSettings(uri);
    const grm = grmWanted(g) || !!spec.components.grm;
    if (!rm && !grm) return undefined;
    const key = JSON.stringify([rmDir, loadOptions(uri), grm && g, spec.components.grm?.options?.k]);
    return { rmDir, rm, grm, key };
  }

  async run(
    record: RewardRecord,
    plan: ModelPlan,
    spec: RewardSpec,
    uri: vscode.Uri,
    o: { signal: AbortSignal; judge: boolean; onProgress(p: ModelProgress): void },
  ): Promise<ModelOutcome> {
    const out: ModelOutcome = {};
    // the reward model and the judge run at the same time: one is a worker thread, the other HTTP
    const rmJob = plan.rmDir ? this.rewardModel(record, plan.rmDir, uri, o.signal).then((r) => (out.rm = r)) : undefined;
    const grmJob = plan.grm && o.judge ? this.judge(record, spec, uri, o).then((r) => (out.grm = r)) : undefined;
    if (rmJob && !grmJob) o.onProgress({ running: 'reward model…' });
    await Promise.all([rmJob, grmJob]);
    return out;
  }

  private async rewardModel(record: RewardRecord, dir: string, uri: vscode.Uri, signal: AbortSignal): Promise<NonNullable<ModelOutcome['rm']>> {
    try {
      const rm = await this.models.rewardModel(dir, loadOptions(uri));
      const [s] = await rm.score([{ prompt: record.prompt, completion: record.completion }], { signal });
      return { score: rmModelScore(s, rm.info), view: rmView(s, rm.info) };
    } catch (err) {
      const message = signal.aborted ? 'cancelled' : errorMessage(err);
      return { score: { value: null, detail: `reward model: ${message}` }, view: { error: message } };
    }
  }

  private async judge(
    record: RewardRecord,
    spec: RewardSpec,
    uri: vscode.Uri,
    o: { signal: AbortSignal; onProgress(p: ModelProgress): void },
  ): Promise<NonNullable<ModelOutcome['grm']>> {
    try {
      const options = await judgeFromSettings(this.models, this.secrets, spec, uri);
      const k = options.k ?? 4;
      const done: GrmJudgementView[] = [];
      o.onProgress({ running: `judge ${options.generator.label}: 0 of ${k} judgements…`, judgements: [] });
      const result = await judgePointwise(record.prompt, record.completion, {
        ...options,
        signal: o.signal,
        onJudgement: (j) => {
          done.push(judgementView(j));
          done.sort((a, b) => a.index - b.index);
          o.onProgress({ running: `judge ${options.generator.label}: ${done.length} of ${k} judgements…`, judgements: [...done] });
        },
      });
      return { score: toModelScore(result), view: grmView(result) };
    } catch (err) {
      const message = errorMessage(err);
      return { score: { value: null, detail: `generative reward model: ${message}` }, view: { error: message } };
    }
  }
}
