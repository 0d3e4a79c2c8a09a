/**
 * The host's side of a worker thread, for every worker the project runs (models, evaluation jobs,
 * agents): it starts the thread, numbers the calls, hands each message to the call it answers, and
 * when the thread dies — an uncaught error, process.exit, terminate() — fails every call still
 * pending with a message that names the worker, so no caller waits forever.
 *
 * The caller says which script runs (core never locates a worker): a bundled .js, or a .ts source
 * that tsx loads inside the thread (the CLI run from source, tests, benchmarks).
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface WorkerClientOptions<Out> {
  /** Names the worker in its errors: "the model worker stopped: exit code 1". */
  name: string;
  /**
   * The call a message answers. Without it the worker runs one call at a time (a job per thread)
   * and every message it sends belongs to that call.
   */
  callId?: (message: Out) => number;
  /** Lets the process end while no call is pending (a CLI run finishes without dispose()). */
  unrefWhenIdle?: boolean;
  /** The error a failure of the thread becomes (the model layer's are ModelErrors); default Error. */
  error?: (message: string) => Error;
}

/** What a call makes of one of its messages: nothing yet (progress), its value, or its failure. */
export type Reply<T> = undefined | { value: T } | { error: Error };

interface PendingCall<Out> {
  onMessage(message: Out): void;
  fail(err: Error): void;
}

export class WorkerClient<In, Out> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, PendingCall<Out>>();
  private nextId = 1;
  private idleWaiters: Array<() => void> = [];
  private ended = false;
  /** Why the thread is going away when the host ended it (dispose: "cancelled" rather than "stopped"). */
  private endedBy: Error | undefined;
  /** Resolves once the thread is gone. */
  readonly exited: Promise<void>;

  constructor(script: string, private readonly options: WorkerClientOptions<Out>) {
    if (!fs.existsSync(script)) throw this.error(`the ${options.name} worker script is missing (looked for ${script}); rebuild with npm run build`);
    this.worker = script.endsWith('.ts')
      ? // a worker cannot start from a .ts file: register tsx's require hook inside the thread first
        new Worker(`require(require.resolve('tsx/cjs', { paths: [${JSON.stringify(script)}] })); require(${JSON.stringify(script)});`, { eval: true })
      : new Worker(script);
    if (options.unrefWhenIdle) this.worker.unref();
    this.worker.on('message', (m: Out) => this.route(m));
    this.worker.on('error', (err) => this.stop(`the ${options.name} worker failed: ${err.message}`));
    this.exited = new Promise((resolve) =>
      this.worker.on('exit', (code) => {
        this.stop(`the ${options.name} worker stopped (exit code ${code}) before it finished`);
        resolve();
      }),
    );
  }

  /** False once the thread has died or is being terminated. */
  get running(): boolean {
    return !this.ended;
  }

  /** Sends a message that expects no answer (cancel, pause, stop); a stopped worker drops it. */
  post(message: In): void {
    if (!this.ended) this.worker.postMessage(message);
  }

  /**
   * Sends `request(id)` and passes every message that answers it to `onReply` until that returns
   * the call's value or error. Rejects when the thread dies first.
   */
  call<T>(request: (id: number) => In, onReply: (message: Out) => Reply<T>): Promise<T> {
    if (this.ended) return Promise.reject(this.endedBy ?? this.error(`the ${this.options.name} worker has stopped`));
    if (!this.options.callId && this.pending.size) return Promise.reject(new Error(`the ${this.options.name} worker runs one job at a time`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const settle = (fn: () => void) => {
        this.pending.delete(id);
        if (!this.pending.size) {
          if (this.options.unrefWhenIdle) this.worker.unref();
          for (const wake of this.idleWaiters.splice(0)) wake();
        }
        fn();
      };
      this.pending.set(id, {
        onMessage: (m) => {
          let reply: Reply<T>;
          try {
            reply = onReply(m);
          } catch (err) {
            settle(() => reject(err));
            return;
          }
          if (reply && 'error' in reply) settle(() => reject(reply.error));
          else if (reply) settle(() => resolve(reply.value));
        },
        fail: (err) => settle(() => reject(err)),
      });
      this.worker.ref();
      this.worker.postMessage(request(id));
    });
  }

  /** Resolves once no call is pending (at once when none is), or when the thread has gone. */
  idle(): Promise<void> {
    if (!this.pending.size || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends the thread; pending calls fail with `reason` (default: the worker stopped). */
  terminate(reason?: Error): Promise<void> {
    if (!this.ended) {
      this.endedBy = reason;
      this.stop(`the ${this.options.name} worker was ended before it finished`);
      void this.worker.terminate();
    }
    return this.exited;
  }

  private route(m: Out): void {
    const { callId } = this.options;
    if (callId) this.pending.get(callId(m))?.onMessage(m);
    else for (const call of this.pending.values()) call.onMessage(m);
  }

  private stop(message: string): void {
    this.ended = true;
    if (!this.pending.size) return;
    const err = this.endedBy ?? this.error(message);
    for (const call of [...this.pending.values()]) call.fail(err);
  }

  private error(message: string): Error {
    return this.options.error ? this.options.error(message) : new Error(message);
  }
}
