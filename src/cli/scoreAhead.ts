/**
 * `score --model`: the reward model's score of each record, computed in the model worker while the
 * records after it are read, so that up to `window` records are in flight at once and the worker's
 * dynamic batcher can gather them into batches. Items come out in input order, each record's item
 * with the `rm` ModelScore the reward engine reads (record.modelScores.rm).
 */
import type { RecordItem } from '../core/traces/recordSource';
import { ModelError } from '../core/models/errors';
import { rmModelScore } from '../core/models/rewardModel';
import type { RewardScorer } from '../core/models/types';
import type { ModelScore } from '../core/rewards/types';
import { errorMessage } from '../core/shared/errors';

export type ItemWithRm = RecordItem & { rm?: ModelScore };

export async function* scoreAhead(items: AsyncIterable<RecordItem>, rm: RewardScorer, window = 64, signal?: AbortSignal): AsyncGenerator<ItemWithRm> {
  const queue: Array<{ item: RecordItem; rm?: Promise<ModelScore> }> = [];
  const take = async () => {
    const head = queue.shift()!;
    return head.rm ? { ...head.item, rm: await head.rm } : head.item;
  };
  for await (const item of items) {
    const record = item.record;
    // never rejects: a record the model cannot score gets a null rm value with the reason, the others go on
    const pending = record
      ? rm.score([{ prompt: record.prompt, completion: record.completion }], { signal }).then(
          ([s]) => rmModelScore(s, rm.info),
          (err: unknown) => ({ value: null, detail: err instanceof ModelError && err.code === 'cancelled' ? 'cancelled' : `reward model failed: ${errorMessage(err)}` }),
        )
      : undefined;
    queue.push({ item, rm: pending });
    if (queue.length >= window) yield await take();
  }
  while (queue.length) yield await take();
}
