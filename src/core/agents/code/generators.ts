/**
 * The code agent's generator from its spec (the CLI's --generator, the editor's pick): recorded
 * generations, an OpenAI-compatible endpoint, or a local ONNX causal LM through the model worker.
 * (VS Code's language models are opened on the extension host; the agent worker reaches them by message.)
 */
import type { CodeGeneratorSpec } from '../../../contracts/agentWorker';
import type { TextGenerator } from '../../models/generation';
import { OpenAiChatGenerator } from '../../models/generators/openai';
import { ReplayGenerator } from '../../models/generators/replay';
import { ModelHost } from '../../models/modelHost';

export interface OpenedGenerator {
  generator: TextGenerator;
  /** Lines the replay file's reader skipped, each naming its line. */
  warnings: string[];
  dispose(): Promise<void>;
}

/** Opens the generator; one that cannot be opened is an error naming it. `modelWorker`: dist/modelWorker.js (local LMs). */
export async function openCodeGenerator(spec: Exclude<CodeGeneratorSpec, { kind: 'host' }>, modelWorker: string): Promise<OpenedGenerator> {
  if (spec.kind === 'replay') {
    const g = ReplayGenerator.load(spec.file);
    return { generator: g, warnings: g.warnings, dispose: async () => undefined };
  }
  if (spec.kind === 'openai') {
    return { generator: new OpenAiChatGenerator({ baseUrl: spec.url, model: spec.model, ...(spec.apiKey ? { apiKey: spec.apiKey } : {}) }), warnings: [], dispose: async () => undefined };
  }
  const host = new ModelHost(modelWorker);
  try {
    return { generator: await host.openLocalLm(spec.dir), warnings: [], dispose: () => host.dispose() };
  } catch (err) {
    await host.dispose();
    throw err;
  }
}
