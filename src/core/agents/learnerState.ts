/**
 * Checkpoints of the learners, apart from the algorithms: everything a PPO or DQN learner holds
 * (config, weights, Adam moments, RNG state, update count, rollout or replay buffer) as plain JSON,
 * exact to the bit, and back. A damaged field fails with its path (`where`).
 */
import { type AdamJson, Mlp, type MlpJson } from './nn';
import { Dqn, type DqnConfig } from './dqn';
import { Ppo, type PpoConfig } from './ppo';
import { ReplayBuffer, type ReplayJson } from './replay';
import type { RolloutJson } from './rollout';
import type { RngState } from '../shared/rng';

export interface PpoJson {
  kind: 'ppo';
  config: PpoConfig;
  updates: number;
  rng: RngState;
  actor: MlpJson;
  critic: MlpJson;
  actorOptimizer: AdamJson;
  criticOptimizer: AdamJson;
  rollout: RolloutJson;
}

export interface DqnJson {
  kind: 'dqn';
  config: DqnConfig;
  updates: number;
  rng: RngState;
  qNetwork: MlpJson;
  targetNetwork: MlpJson;
  optimizer: AdamJson;
  replay: ReplayJson;
}

export function ppoToJson(ppo: Ppo): PpoJson {
  return {
    kind: 'ppo',
    config: ppo.config,
    updates: ppo.updates,
    rng: ppo.rng.save(),
    actor: ppo.actor.toJSON(),
    critic: ppo.critic.toJSON(),
    actorOptimizer: ppo.actorOptimizer.toJSON(),
    criticOptimizer: ppo.criticOptimizer.toJSON(),
    rollout: ppo.rollout.toJSON(),
  };
}

export function ppoFromJson(json: PpoJson, where = 'ppo'): Ppo {
  if (!json || json.kind !== 'ppo') throw new Error(`${where}: not a PPO state (kind ${JSON.stringify(json?.kind)})`);
  const ppo = new Ppo(json.config, 0);
  ppo.actor.copyFrom(Mlp.fromJSON(json.actor, `${where}.actor`));
  ppo.critic.copyFrom(Mlp.fromJSON(json.critic, `${where}.critic`));
  ppo.actorOptimizer.restore(json.actorOptimizer, `${where}.actorOptimizer`);
  ppo.criticOptimizer.restore(json.criticOptimizer, `${where}.criticOptimizer`);
  ppo.rng.restore(json.rng);
  ppo.updates = updateCount(json.updates, where);
  ppo.rollout.restore(json.rollout, `${where}.rollout`);
  return ppo;
}

export function dqnToJson(dqn: Dqn): DqnJson {
  return {
    kind: 'dqn',
    config: dqn.config,
    updates: dqn.updates,
    rng: dqn.rng.save(),
    qNetwork: dqn.qNetwork.toJSON(),
    targetNetwork: dqn.targetNetwork.toJSON(),
    optimizer: dqn.optimizer.toJSON(),
    replay: dqn.replay.toJSON(),
  };
}

export function dqnFromJson(json: DqnJson, where = 'dqn'): Dqn {
  if (!json || json.kind !== 'dqn') throw new Error(`${where}: not a DQN state (kind ${JSON.stringify(json?.kind)})`);
  const dqn = new Dqn(json.config, 0);
  dqn.qNetwork.copyFrom(Mlp.fromJSON(json.qNetwork, `${where}.qNetwork`));
  dqn.targetNetwork.copyFrom(Mlp.fromJSON(json.targetNetwork, `${where}.targetNetwork`));
  dqn.optimizer.restore(json.optimizer, `${where}.optimizer`);
  dqn.rng.restore(json.rng);
  dqn.updates = updateCount(json.updates, where);
  const replay = ReplayBuffer.fromJSON(json.replay, `${where}.replay`);
  if (JSON.stringify(replay.config) !== JSON.stringify(dqn.replay.config)) throw new Error(`${where}.replay: its configuration differs from the agent's`);
  dqn.replay = replay;
  return dqn;
}

function updateCount(updates: unknown, where: string): number {
  if (!Number.isInteger(updates) || (updates as number) < 0) throw new Error(`${where}.updates: expected a non-negative integer`);
  return updates as number;
}
