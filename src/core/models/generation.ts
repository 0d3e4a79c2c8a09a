/**
 * Text generation, whatever produces it: VS Code's Language Model API (adapter in src/vscode), an
 * OpenAI-compatible HTTP endpoint (vLLM, Ollama, llama.cpp server, LM Studio) or a local ONNX causal
 * LM. The generative reward model only sees this interface, so every judge works with every provider.
 */
import type { ChatMessage } from '../rewards/types';

export interface GenerationRequest {
  messages: ChatMessage[];
  maxTokens: number;
  /** 0 = greedy. Judgements sampled for inference-time scaling use > 0 so they differ. */
  temperature: number;
  topP?: number;
  /** Providers that support it (local LM, some servers) make sampling reproducible with it. */
  seed?: number;
  signal?: AbortSignal;
  /** Streamed text as it arrives (a delta), for progress; providers that cannot stream call it once. */
  onText?: (delta: string) => void;
  /**
   * The problem and the kind of text asked for. Live providers ignore it (the messages say it all); the
   * replay generator serves that problem's recorded solutions or test generations by it.
   */
  task?: { id: string; kind: 'solution' | 'tests' };
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** True when the provider did not report usage and the numbers are a local estimate. */
  estimated?: boolean;
}

export interface GenerationResult {
  text: string;
  usage: TokenUsage;
  finishReason: 'stop' | 'length' | 'cancelled' | 'error';
  /** The model that answered, as the provider names it. */
  model: string;
  latencyMs: number;
  /** Attempts made (1 without retries), for the accounting shown with each judgement. */
  attempts: number;
}

export interface TextGenerator {
  /** Stable id for settings and logs, e.g. "openai:http://127.0.0.1:8000/v1#qwen", "vscode-lm:copilot/gpt-4o", "onnx:/path". */
  readonly id: string;
  /** Shown to the user. */
  readonly label: string;
  generate(request: GenerationRequest): Promise<GenerationResult>;
  dispose?(): void | Promise<void>;
}

/** Thrown by providers for failures a user must fix (bad URL, auth, unknown model), with the provider's words. */
export class GenerationError extends Error {
  constructor(
    message: string,
    /** HTTP status or provider code when there is one. */
    readonly code?: number | string,
    /** True for failures worth retrying (rate limit, 5xx, connection reset). */
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'GenerationError';
  }
}
