/**
 * The envelope every webview message travels in. Webviews ask with a request (an id, a method, its
 * params) and the host answers with a response that carries the same id; the host pushes state with
 * events. Webviews only render what arrives here: they never read files or compute scores.
 */
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
