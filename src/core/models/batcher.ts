/**
 * Dynamic batching: score requests that arrive close together (several records, several callers)
 * are gathered and run as one batch, up to `maxBatch` items or `maxWaitMs` after the first one. The
 * pending items are sorted by length before they are cut into batches, so sequences of similar
 * length are padded together (padding is wasted work). A full batch does not start at once but at
 * the end of the current turn of the event loop, so that everything submitted together (one
 * `score` call's inputs, a burst of worker messages) is sorted as one: starting at the maxBatch-th
 * item would run the first batch unsorted and pad it to its longest. A lone small input still runs
 * after at most `maxWaitMs`. One batch runs at a time: the session is one.
 * Turned off, every item runs alone, in order.
 */
import { cancelledError } from './errors';

export interface BatchingOptions {
  enabled: boolean;
  maxBatch: number;
  maxWaitMs: number;
}

export const DEFAULT_BATCHING: BatchingOptions = { enabled: true, maxBatch: 16, maxWaitMs: 5 };

interface Pending<I, O> {
  item: I;
  length: number;
  signal?: AbortSignal;
  resolve(value: O): void;
  reject(err: unknown): void;
}

export class DynamicBatcher<I, O> {
  private queue: Array<Pending<I, O>> = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private running = false;
  readonly options: BatchingOptions;

  constructor(
    /** Runs one batch; returns one result per item, in order. */
    private readonly runBatch: (items: I[]) => Promise<O[]>,
    options: Partial<BatchingOptions> = {},
  ) {
    const o = { ...DEFAULT_BATCHING, ...options };
    this.options = { enabled: o.enabled, maxBatch: Math.max(1, Math.floor(o.maxBatch)), maxWaitMs: Math.max(0, o.maxWaitMs) };
  }

  /** Queue one item; `length` (tokens) groups it with items of similar length. */
  submit(item: I, length: number, signal?: AbortSignal): Promise<O> {
    if (signal?.aborted) return Promise.reject(cancelledError());
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, length, signal, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting (not yet in a running batch). */
  get pending(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.running || this.immediate) return; // the running batch's end, or the coming drain, takes it
    if (!this.options.enabled) {
      void this.drain();
    } else if (this.queue.length >= this.options.maxBatch || this.options.maxWaitMs === 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        void this.drain();
      });
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.drain();
      }, this.options.maxWaitMs);
    }
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const size = this.options.enabled ? this.options.maxBatch : 1;
        let taken: Array<Pending<I, O>>;
        if (this.options.enabled) {
          // everything that is waiting, sorted by length, then cut into batches: similar lengths pad together
          taken = this.queue.splice(0, this.queue.length).sort((a, b) => a.length - b.length);
        } else {
          taken = this.queue.splice(0, 1);
        }
        for (let i = 0; i < taken.length; i += size) {
          const batch = taken.slice(i, i + size).filter((p) => {
            if (!p.signal?.aborted) return true;
            p.reject(cancelledError());
            return false;
          });
          if (!batch.length) continue;
          try {
            const results = await this.runBatch(batch.map((p) => p.item));
            batch.forEach((p, j) => p.resolve(results[j]));
          } catch (err) {
            for (const p of batch) p.reject(err);
          }
        }
        // with batching on, items that arrived during the run are waited for again only if the batch is not full
        if (this.options.enabled && this.queue.length && this.queue.length < size && this.options.maxWaitMs > 0) {
          await new Promise((r) => setTimeout(r, this.options.maxWaitMs));
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/** Token sequences padded on the right into int64 tensors' data, with the attention mask. */
export interface PaddedBatch {
  batch: number;
  seqLen: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  /** From the mask: 0, 1, 2… over real tokens (what HF computes from attention_mask.cumsum − 1). */
  positionIds: BigInt64Array;
  /** Real tokens per row. */
  lengths: number[];
}

export function padBatch(seqs: Array<{ ids: number[]; typeIds?: number[] }>, padId: number): PaddedBatch {
  const batch = seqs.length;
  const seqLen = Math.max(1, ...seqs.map((s) => s.ids.length));
  const n = batch * seqLen;
  const inputIds = new BigInt64Array(n).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(n);
  const tokenTypeIds = new BigInt64Array(n);
  const positionIds = new BigInt64Array(n).fill(1n);
  seqs.forEach((s, r) => {
    const o = r * seqLen;
    for (let j = 0; j < s.ids.length; j++) {
      inputIds[o + j] = BigInt(s.ids[j]);
      attentionMask[o + j] = 1n;
      positionIds[o + j] = BigInt(j);
      if (s.typeIds) tokenTypeIds[o + j] = BigInt(s.typeIds[j]);
    }
  });
  return { batch, seqLen, inputIds, attentionMask, tokenTypeIds, positionIds, lengths: seqs.map((s) => s.ids.length) };
}
