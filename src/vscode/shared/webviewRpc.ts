import * as vscode from 'vscode';
import { isRequestMessage, type EventMap, type HostToWebview, type RequestMap } from '../../contracts/rpc';
import { errorMessage } from '../../core/shared/errors';

export type RequestHandlers<R extends RequestMap> = {
  [M in keyof R]: (params: R[M]['params']) => R[M]['result'] | Promise<R[M]['result']>;
};

/**
 * The host's end of a panel's protocol: answers the webview's requests by id with the handlers given,
 * and pushes typed events. A handler that throws becomes an error response, never an unanswered request.
 */
export class WebviewRpc<R extends RequestMap, E extends EventMap> implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(private readonly webview: vscode.Webview, handlers: RequestHandlers<R>, log: (message: string) => void) {
    this.subscription = webview.onDidReceiveMessage(async (message: unknown) => {
      if (!isRequestMessage(message)) {
        log(`webview sent a message that is not a request: ${JSON.stringify(message)?.slice(0, 200)}`);
        return;
      }
      const handler = (handlers as Record<string, ((p: unknown) => unknown) | undefined>)[message.method];
      let reply: HostToWebview<E>;
      try {
        if (!handler) throw new Error(`unknown method "${message.method}"`);
        reply = { kind: 'response', id: message.id, ok: true, result: await handler(message.params) };
      } catch (err) {
        const error = errorMessage(err);
        log(`request ${message.method} failed: ${error}`);
        reply = { kind: 'response', id: message.id, ok: false, error };
      }
      void this.webview.postMessage(reply);
    });
  }

  emit<K extends keyof E & string>(event: K, payload: E[K]): Thenable<boolean> {
    const message: HostToWebview<E> = { kind: 'event', event, payload };
    return this.webview.postMessage(message);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
