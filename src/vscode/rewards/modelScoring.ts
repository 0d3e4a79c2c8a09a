/**
 * What Score File needs from the model layer (the reward model and the judge), declared here on the
 * rewards side so the editor's rewards never import the models adapter: src/vscode/models implements it.
 */
import type * as vscode from 'vscode';
import type { GrmJudgementView, GrmScoreView, RmScoreView } from '../../contracts/breakdown';
import type { ModelScore, RewardRecord, RewardSpec } from '../../core/rewards/types';

export interface ModelPlan {
  rmDir?: string;
  /** The spec has an rm component but no model folder is set (the component says so). */
  rm: boolean;
  grm: boolean;
  /** Changes when a setting that changes the models' answers changes (cache key). */
  key: string;
}

export interface ModelOutcome {
  rm?: { score: ModelScore; view: RmScoreView | { error: string } };
  grm?: { score: ModelScore; view: GrmScoreView | { error: string } };
}

export interface ModelProgress {
  running: string;
  judgements?: GrmJudgementView[];
}

/** The piece of ScoredDocuments that runs models (kept out of it so scoring without models stays synchronous). */
export interface ModelScoring {
  plan(spec: RewardSpec, uri: vscode.Uri): ModelPlan | undefined;
  run(
    record: RewardRecord,
    plan: ModelPlan,
    spec: RewardSpec,
    uri: vscode.Uri,
    options: { signal: AbortSignal; judge: boolean; onProgress(p: ModelProgress): void },
  ): Promise<ModelOutcome>;
}
