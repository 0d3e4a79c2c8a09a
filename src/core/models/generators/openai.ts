/**
 * A TextGenerator over any OpenAI-compatible chat-completions endpoint: vLLM, Ollama (…/v1),
 * llama.cpp server, LM Studio, hosted APIs. Streams by default (SSE), retries rate limits, 5xx and
 * dropped connections with exponential back-off and full jitter (a server's Retry-After wins), and
 * turns every other failure into a GenerationError that names the URL and the status.
 *
 * The API key only ever goes into the Authorization header: it is never part of a message, an id or
 * a label, and URLs are shown without user-info.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ChatMessage } from '../../rewards/types';
import { GenerationError, type GenerationRequest, type GenerationResult, type TextGenerator, type TokenUsage } from '../generation';

export interface OpenAiOptions {
  /** API root, e.g. http://127.0.0.1:8000/v1 (a URL ending in /chat/completions is accepted too). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Server-sent events (default) or one JSON response. */
  stream?: boolean;
  /** Per attempt, for the whole response. */
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  /** Longest wait between attempts; a Retry-After above it fails instead of stalling a run. */
  retryMaxMs?: number;
  headers?: Record<string, string>;
}

const DEFAULTS = { stream: true, timeoutMs: 120_000, maxRetries: 4, retryBaseMs: 500, retryMaxMs: 30_000 };
const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504]);
const MAX_ERROR_BODY = 64 * 1024;

/** Rough token count for servers that report no usage (≈ 4 characters per token for English and code). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function estimatePromptTokens(messages: ChatMessage[]): number {
  return messages.reduce((n, m) => n + 4 + estimateTokens(m.content), 2);
}

/** The base URL without user-info, trailing slashes or a trailing /chat/completions. */
export function normalizeBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new GenerationError(`judge URL "${raw}" is not a URL (expected e.g. http://127.0.0.1:8000/v1)`, 'bad-url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GenerationError(`judge URL ${url.protocol}//${url.host} must be http or https`, 'bad-url');
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/chat\/completions$/, '');
  return url;
}

class AttemptError extends GenerationError {
  constructor(
    message: string,
    code: number | string | undefined,
    retryable: boolean,
    /** Milliseconds the server asked us to wait (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message, code, retryable);
  }
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The server's own words from an error body: {"error": {"message"}} (OpenAI, vLLM), {"error": "…"} (Ollama), {"detail"}, or the text. */
function serverMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = j.error;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
    if (typeof j.message === 'string') return j.message;
    if (typeof j.detail === 'string') return j.detail;
  } catch {
    // not JSON: fall through to the text
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 300);
}

const looksLikeHtml = (body: string, contentType: string | null) =>
  /text\/html/i.test(contentType ?? '') || /^\s*<(!doctype|html|head|body)/i.test(body);

function connectionFailure(err: unknown): { code: string; detail: string } {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code ?? 'ECONNECTION';
  return { code, detail: cause?.message ?? (err as Error).message };
}

interface Attempt {
  text: string;
  usage?: TokenUsage;
  finishReason: GenerationResult['finishReason'];
  model: string;
}

export class OpenAiChatGenerator implements TextGenerator {
  readonly id: string;
  readonly label: string;
  private readonly endpoint: string;
  private readonly opts: Required<Omit<OpenAiOptions, 'apiKey' | 'headers'>> & Pick<OpenAiOptions, 'apiKey' | 'headers'>;

  constructor(options: OpenAiOptions) {
    if (!options.model?.trim()) throw new GenerationError('no judge model given (the model name the server serves, e.g. "qwen2.5:7b")', 'bad-model');
    const base = normalizeBaseUrl(options.baseUrl);
    this.opts = { ...DEFAULTS, ...options, baseUrl: base.toString().replace(/\/$/, '') };
    this.endpoint = `${this.opts.baseUrl}/chat/completions`;
    this.id = `openai:${this.opts.baseUrl}#${options.model}`;
    this.label = `${options.model} @ ${base.host}`;
  }

  /** Model ids the server lists (GET /models), for a "test connection" button. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const url = `${this.opts.baseUrl}/models`;
    let res: Response;
    try {
      res = await fetch(url, { headers: this.headers(), signal: signal ?? AbortSignal.timeout(this.opts.timeoutMs) });
    } catch (err) {
      const { code, detail } = connectionFailure(err);
      throw new GenerationError(`GET ${url}: cannot connect (${code}: ${detail}); is the server running?`, code, true);
    }
    const body = await res.text();
    if (!res.ok) throw this.statusError('GET', url, res, body);
    try {
      const data = (JSON.parse(body) as { data?: { id?: unknown }[] }).data ?? [];
      return data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
    } catch {
      throw new GenerationError(`GET ${url}: the answer is not JSON: ${body.slice(0, 200)}`, res.status);
    }
  }

  async generate(caller: GenerationRequest): Promise<GenerationResult> {
    // Many requests share one caller's signal (k judgements in flight under one Cancel); each attempt
    // listens to a signal of its own that follows it, so the caller's signal never collects a listener
    // per request (past 10 Node warns of a leak).
    const request = caller.signal ? { ...caller, signal: AbortSignal.any([caller.signal]) } : caller;
    const started = Date.now();
    const streamed = { text: '' };
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.attempt(request, streamed);
        return {
          text: r.text,
          usage: r.usage ?? this.estimate(request, r.text),
          finishReason: r.finishReason,
          model: r.model,
          latencyMs: Date.now() - started,
          attempts: attempt,
        };
      } catch (err) {
        if (request.signal?.aborted) return this.cancelled(request, streamed.text, started, attempt);
        if (!(err instanceof GenerationError)) throw err;
        const retryAfter = err instanceof AttemptError ? err.retryAfterMs : undefined;
        // Text already handed to onText cannot be taken back, so a broken stream is not replayed.
        if (!err.retryable || attempt > this.opts.maxRetries || streamed.text) {
          throw new GenerationError(attempt > 1 ? `${err.message} (after ${attempt} attempts)` : err.message, err.code, err.retryable);
        }
        if (retryAfter !== undefined && retryAfter > this.opts.retryMaxMs) {
          throw new GenerationError(
            `${err.message}; the server asks to retry after ${(retryAfter / 1000).toFixed(1)} s, longer than the ${(this.opts.retryMaxMs / 1000).toFixed(1)} s allowed (retryMaxMs)`,
            err.code,
            true,
          );
        }
        const backoff = Math.random() * Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (attempt - 1));
        if (!(await sleep(retryAfter ?? backoff, request.signal))) return this.cancelled(request, streamed.text, started, attempt);
      }
    }
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json, text/event-stream', ...this.opts.headers };
    if (this.opts.apiKey) h.authorization = `Bearer ${this.opts.apiKey}`;
    return h;
  }

  private estimate(request: GenerationRequest, text: string): TokenUsage {
    return { promptTokens: estimatePromptTokens(request.messages), completionTokens: estimateTokens(text), estimated: true };
  }

  private cancelled(request: GenerationRequest, text: string, started: number, attempts: number): GenerationResult {
    return { text, usage: this.estimate(request, text), finishReason: 'cancelled', model: this.opts.model, latencyMs: Date.now() - started, attempts };
  }

  private statusError(method: string, url: string, res: Response, body: string): AttemptError {
    const where = `${method} ${url}: ${res.status}${res.statusText ? ' ' + res.statusText : ''}`;
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
    if (looksLikeHtml(body, res.headers.get('content-type'))) {
      const retryable = RETRYABLE_STATUS.has(res.status) || res.status >= 500;
      return new AttemptError(
        `${where}: the server returned an HTML page, not JSON; is the base URL the API root (usually ending in /v1)?`,
        res.status,
        retryable,
        retryAfter,
      );
    }
    const said = serverMessage(body);
    if (res.status === 401 || res.status === 403) {
      return new AttemptError(`${where}: the server refused the API key${this.opts.apiKey ? '' : ' (none was given)'}: ${said}`, res.status, false);
    }
    const modelProblem = /model/i.test(said) && /(not found|does not exist|unknown|no such|not loaded|invalid model)/i.test(said);
    if (res.status === 404 || (res.status === 400 && modelProblem)) {
      if (modelProblem) return new AttemptError(`${where}: model "${this.opts.model}" is not served here: ${said}`, res.status, false);
      return new AttemptError(`${where}: no chat-completions endpoint here; is the base URL the API root (usually ending in /v1)? ${said}`, res.status, false);
    }
    const retryable = RETRYABLE_STATUS.has(res.status) || res.status >= 500;
    return new AttemptError(`${where}: ${said || '(empty body)'}`, res.status, retryable, retryAfter);
  }

  private async attempt(request: GenerationRequest, streamed: { text: string }): Promise<Attempt> {
    const { opts } = this;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, opts.timeoutMs);
    const onAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    const body: Record<string, unknown> = {
      model: opts.model,
      messages: request.messages,
      max_tokens: request.maxTokens,
      temperature: request.temperature,
      stream: opts.stream,
    };
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.seed !== undefined) body.seed = request.seed;
    if (opts.stream) body.stream_options = { include_usage: true };

    const fail = (err: unknown, phase: string): never => {
      if (err instanceof GenerationError) throw err;
      if (timedOut) throw new AttemptError(`POST ${this.endpoint}: no complete answer within ${opts.timeoutMs} ms (timeoutMs)`, 'timeout', false);
      if (request.signal?.aborted) throw new AttemptError('cancelled', 'cancelled', false);
      const { code, detail } = connectionFailure(err);
      const hint = phase === 'connect' ? '; is the server running?' : '';
      throw new AttemptError(`POST ${this.endpoint}: ${phase === 'connect' ? 'cannot connect' : 'connection lost while reading the answer'} (${code}: ${detail})${hint}`, code, code !== 'ENOTFOUND');
    };

    try {
      let res: Response;
      try {
        res = await fetch(this.endpoint, {
          method: 'POST',
          headers: { ...this.headers(), 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
      } catch (err) {
        return fail(err, 'connect');
      }
      if (!res.ok) {
        const text = await readCapped(res).catch((err) => fail(err, 'read'));
        throw this.statusError('POST', this.endpoint, res, text);
      }
      const type = res.headers.get('content-type') ?? '';
      if (/text\/event-stream/i.test(type)) return await this.readStream(res, request, streamed).catch((err) => fail(err, 'read'));
      const text = await res.text().catch((err) => fail(err, 'read'));
      if (looksLikeHtml(text, type)) {
        throw new AttemptError(`POST ${this.endpoint}: ${res.status}: the server returned an HTML page, not JSON; is the base URL the API root (usually ending in /v1)?`, res.status, false);
      }
      const result = this.readCompletion(text);
      if (result.text) request.onText?.(result.text);
      return result;
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  private readCompletion(body: string): Attempt {
    let j: {
      model?: unknown;
      choices?: { message?: { content?: unknown }; finish_reason?: unknown }[];
      usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
      error?: unknown;
    };
    try {
      j = JSON.parse(body);
    } catch {
      throw new AttemptError(`POST ${this.endpoint}: the answer is not JSON: ${body.slice(0, 200)}`, 'bad-json', false);
    }
    if (j.error) throw new AttemptError(`POST ${this.endpoint}: ${serverMessage(body)}`, 'server-error', false);
    const choice = j.choices?.[0];
    const content = choice?.message?.content;
    if (typeof content !== 'string') {
      throw new AttemptError(`POST ${this.endpoint}: the answer has no choices[0].message.content string: ${body.slice(0, 200)}`, 'bad-json', false);
    }
    return {
      text: content,
      usage: readUsage(j.usage),
      finishReason: choice?.finish_reason === 'length' ? 'length' : 'stop',
      model: typeof j.model === 'string' ? j.model : this.opts.model,
    };
  }

  private async readStream(res: Response, request: GenerationRequest, streamed: { text: string }): Promise<Attempt> {
    const out: Attempt = { text: '', finishReason: 'stop', model: this.opts.model };
    let done = false;
    let finished = false;
    let problem: AttemptError | undefined;
    const onEvent = (event: EventSourceMessage) => {
      if (done || problem) return;
      const data = event.data.trim();
      if (data === '[DONE]') {
        done = true;
        return;
      }
      let chunk: {
        model?: unknown;
        choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
        usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
        error?: unknown;
      };
      try {
        chunk = JSON.parse(data);
      } catch {
        problem = new AttemptError(`POST ${this.endpoint}: a streamed event is not JSON: ${data.slice(0, 200)}`, 'bad-json', false);
        return;
      }
      if (chunk.error) {
        problem = new AttemptError(`POST ${this.endpoint}: the server reported an error mid-stream: ${serverMessage(data)}`, 'server-error', false);
        return;
      }
      if (typeof chunk.model === 'string') out.model = chunk.model;
      const usage = readUsage(chunk.usage);
      if (usage) out.usage = usage;
      const choice = chunk.choices?.[0];
      const delta = choice?.delta?.content;
      if (typeof delta === 'string' && delta) {
        out.text += delta;
        streamed.text += delta;
        request.onText?.(delta);
      }
      if (typeof choice?.finish_reason === 'string') {
        finished = true;
        out.finishReason = choice.finish_reason === 'length' ? 'length' : 'stop';
      }
    };
    const parser = createParser({ onEvent });
    const decoder = new TextDecoder();
    const reader = res.body!.getReader();
    try {
      for (;;) {
        const { value, done: eof } = await reader.read();
        if (eof) break;
        parser.feed(decoder.decode(value, { stream: true }));
        if (problem) throw problem;
        if (done) break;
      }
      parser.feed(decoder.decode() + '\n\n');
      if (problem) throw problem;
    } finally {
      reader.cancel().catch(() => undefined);
    }
    if (!done && !finished) {
      throw new AttemptError(`POST ${this.endpoint}: the stream ended before [DONE] (connection dropped?) after ${out.text.length} characters`, 'stream-cut', true);
    }
    return out;
  }
}

function readUsage(u: { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined): TokenUsage | undefined {
  if (!u || typeof u.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return undefined;
  return { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens };
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.length > MAX_ERROR_BODY) break;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text.slice(0, MAX_ERROR_BODY);
}
