import type { EventMap, HostToWebview, RequestMap, WebviewToHost } from '../../src/contracts/rpc';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's end of a panel's protocol: requests that resolve with the host's response, and events. */
export function connect<R extends RequestMap, E extends EventMap>() {
  const api = acquireVsCodeApi();
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<keyof E, Array<(payload: never) => void>>();

  window.addEventListener('message', (ev: MessageEvent<HostToWebview<E>>) => {
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    if (m.kind === 'response') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    } else if (m.kind === 'event') {
      for (const fn of listeners.get(m.event) ?? []) fn(m.payload as never);
    }
  });

  return {
    state: api,
    request<M extends keyof R & string>(method: M, params: R[M]['params']): Promise<R[M]['result']> {
      const id = nextId++;
      const message: WebviewToHost<R> = { kind: 'request', id, method, params };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        api.postMessage(message);
      });
    },
    on<K extends keyof E>(event: K, fn: (payload: E[K]) => void): void {
      const list = listeners.get(event) ?? [];
      list.push(fn as (payload: never) => void);
      listeners.set(event, list);
    },
  };
}
