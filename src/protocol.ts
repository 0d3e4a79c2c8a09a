/**
 * Every message between the extension host and the webviews, typed, in one place.
 *
 * Webviews ask with a request (an id, a method, its params) and the host answers with a response that
 * carries the same id; the host pushes state with events. Webviews only render what arrives here:
 * they never read files or compute scores.
 */
import type { CompositeScore } from './core/rewards/types';

// ---------------------------------------------------------------------------------------------
// Reward Breakdown panel
// ---------------------------------------------------------------------------------------------

/** What the Reward Breakdown panel shows: one scored completion. */
export interface BreakdownView {
  score: CompositeScore;
  /** The document the completion came from, for the header. */
  document: { label: string; uri: string; version: number };
  /** The completion text the score's highlight offsets refer to. */
  completion: string;
  /** True when the completion is the editor's selection rather than the whole file. */
  fromSelection: boolean;
  /** Where the reference answer came from, shown next to the accuracy component. */
  answerSource: 'front-matter' | 'comment' | 'prompted' | 'none';
  /** Completions above this many characters are sent cut to it; highlights past it are dropped. */
  truncatedAt?: number;
  scoredAt: string;
}

// Request and event maps are type aliases (not interfaces) so they satisfy RequestMap's index signature.
export type BreakdownRequests = {
  /** The webview finished loading; answers with the current view, if there is one. */
  ready: { params: Record<string, never>; result: BreakdownView | null };
  /** Score the same document (or selection) again with the current settings. */
  rescore: { params: Record<string, never>; result: BreakdownView | null };
  /** Select a span of the completion in its editor (offsets into `BreakdownView.completion`). */
  revealRange: { params: { start: number; end: number }; result: boolean };
  /** Open the reward spec in use: the workspace spec file, or the setting for presets. */
  openSpec: { params: Record<string, never>; result: void };
};

export type BreakdownEvents = {
  /** A new or updated score (after Score File/Selection, or an edit of the scored document). */
  breakdown: BreakdownView;
  /** Scoring failed (invalid spec, document closed); the last view stays with this banner above it. */
  error: { message: string };
};

// ---------------------------------------------------------------------------------------------
// Envelope shared by every panel
// ---------------------------------------------------------------------------------------------

export type RequestMap = Record<string, { params: unknown; result: unknown }>;
export type EventMap = Record<string, unknown>;

export interface RequestMessage<R extends RequestMap, M extends keyof R & string = keyof R & string> {
  kind: 'request';
  id: number;
  method: M;
  params: R[M]['params'];
}

export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

export interface EventMessage<E extends EventMap, K extends keyof E & string = keyof E & string> {
  kind: 'event';
  event: K;
  payload: E[K];
}

/** Messages a webview sends to the host. */
export type WebviewToHost<R extends RequestMap> = RequestMessage<R>;
/** Messages the host sends to a webview. */
export type HostToWebview<E extends EventMap> = ResponseMessage | EventMessage<E>;

export function isRequestMessage(value: unknown): value is RequestMessage<RequestMap> {
  const m = value as RequestMessage<RequestMap> | null;
  return !!m && m.kind === 'request' && typeof m.id === 'number' && typeof m.method === 'string';
}
