/**
 * A TextGenerator over VS Code's Language Model API (vscode.lm): whatever chat models the user has
 * (Copilot and other extensions' providers). The `vscode` namespace is passed in rather than imported,
 * so this file loads in plain Node and the stream / cancellation / accounting logic is unit-tested
 * with a stand-in chat model (no chat model exists in the test VS Code).
 *
 * vscode.lm has no max-tokens or seed option that all providers honour: maxTokens is enforced here by
 * stopping the stream (finishReason 'length'), temperature is passed as a model option providers may
 * ignore. Token counts come from the model's own countTokens; when that fails they are estimated
 * (≈ 4 characters per token) and marked so.
 */
import type * as vscodeApi from 'vscode';
import { GenerationError, type GenerationRequest, type GenerationResult, type TextGenerator } from '../../core/models/generation';
import { errorMessage } from '../../core/shared/errors';

type Vscode = Pick<typeof vscodeApi, 'lm' | 'LanguageModelChatMessage' | 'CancellationTokenSource' | 'LanguageModelError'>;

export interface VscodeLmSelector {
  /** Matches the chat model's id, family or name (empty: the first model offered). */
  model?: string;
  vendor?: string;
}

const estimate = (text: string) => Math.ceil(text.length / 4);

/** Pick a chat model; a clear error when there is none (no provider installed, or none matches). */
export async function openVscodeLm(vscode: Vscode, selector: VscodeLmSelector = {}): Promise<VscodeLmGenerator> {
  const all = await vscode.lm.selectChatModels(selector.vendor ? { vendor: selector.vendor } : {});
  if (!all.length) {
    throw new GenerationError(
      'VS Code offers no language model (vscode.lm): install and sign in to a chat model provider such as GitHub Copilot Chat, or set reasoningLab.grm.provider to "openai" or "local"',
      'no-model',
    );
  }
  const want = selector.model?.trim().toLowerCase();
  const model = want ? all.find((m) => [m.id, m.family, m.name].some((v) => v.toLowerCase() === want)) ?? all.find((m) => [m.id, m.family, m.name].some((v) => v.toLowerCase().includes(want))) : all[0];
  if (!model) {
    throw new GenerationError(
      `no VS Code language model matches reasoningLab.grm.model "${selector.model}"; available: ${all.map((m) => `${m.family} (${m.vendor}, id ${m.id})`).join(', ')}`,
      'no-model',
    );
  }
  return new VscodeLmGenerator(vscode, model);
}

export class VscodeLmGenerator implements TextGenerator {
  readonly id: string;
  readonly label: string;

  constructor(
    private readonly vscode: Vscode,
    private readonly model: vscodeApi.LanguageModelChat,
  ) {
    this.id = `vscode-lm:${model.vendor}/${model.id}`;
    this.label = `${model.name} (VS Code language model, ${model.vendor})`;
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    const started = Date.now();
    const { vscode, model } = this;
    // vscode.lm has user and assistant roles only: a system message goes first as a user turn
    const messages = request.messages.map((m) =>
      m.role === 'assistant' ? vscode.LanguageModelChatMessage.Assistant(m.content) : vscode.LanguageModelChatMessage.User(m.role === 'system' ? `${m.content}\n` : m.content),
    );
    const cts = new vscode.CancellationTokenSource();
    const onAbort = () => cts.cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    let text = '';
    let finishReason: GenerationResult['finishReason'] = 'stop';
    try {
      if (request.signal?.aborted) return this.result('', 'cancelled', request, started, true);
      const response = await model.sendRequest(
        messages,
        { justification: 'Reasoning Lab asks the model to judge a completion (generative reward model).', modelOptions: { temperature: request.temperature, max_tokens: request.maxTokens } },
        cts.token,
      );
      for await (const delta of response.text) {
        text += delta;
        request.onText?.(delta);
        if (estimate(text) >= request.maxTokens) {
          finishReason = 'length';
          cts.cancel();
          break;
        }
      }
      if (request.signal?.aborted) finishReason = 'cancelled';
    } catch (err) {
      if (request.signal?.aborted || cts.token.isCancellationRequested) return this.result(text, request.signal?.aborted ? 'cancelled' : finishReason, request, started, true);
      throw this.explain(err);
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cts.dispose();
    }
    return this.result(text, finishReason, request, started, false);
  }

  private async result(text: string, finishReason: GenerationResult['finishReason'], request: GenerationRequest, started: number, skipCount: boolean): Promise<GenerationResult> {
    const prompt = request.messages.map((m) => m.content).join('\n');
    let usage = { promptTokens: estimate(prompt), completionTokens: estimate(text), estimated: true };
    if (!skipCount) {
      try {
        const [p, c] = await Promise.all([this.model.countTokens(prompt), text ? this.model.countTokens(text) : Promise.resolve(0)]);
        usage = { promptTokens: p, completionTokens: c, estimated: false };
      } catch {
        // keep the estimate: some providers cannot count
      }
    }
    return { text, usage, finishReason, model: this.model.id, latencyMs: Date.now() - started, attempts: 1 };
  }

  /** vscode.lm's errors (no consent, blocked, model gone) as messages that say what to do. */
  private explain(err: unknown): GenerationError {
    const message = errorMessage(err);
    const code = err instanceof this.vscode.LanguageModelError ? err.code : undefined;
    const name = this.model.name;
    if (code === this.vscode.LanguageModelError.NoPermissions.name) {
      return new GenerationError(`${name}: Reasoning Lab may not use this language model — allow it when VS Code asks (or in Manage Language Model Access) (${message})`, code);
    }
    if (code === this.vscode.LanguageModelError.Blocked.name) {
      return new GenerationError(`${name}: the request was blocked (quota or rate limit): ${message}`, code, true);
    }
    if (code === this.vscode.LanguageModelError.NotFound.name) {
      return new GenerationError(`${name}: the language model is no longer available (${message})`, code);
    }
    return new GenerationError(`${name}: ${message}`, code);
  }
}
