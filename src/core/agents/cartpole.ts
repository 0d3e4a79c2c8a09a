/**
 * CartPole-v1 with Gymnasium's exact dynamics (gymnasium/envs/classic_control/cartpole.py): Euler
 * integration, termination when |x| > 2.4 or |θ| > 12°, reward 1 on every step (the terminating one
 * included), truncation by the TimeLimit wrapper at 500 steps, reset state uniform(−0.05, 0.05).
 * The state is float64 as in Gymnasium; observations are rounded to float32 as Gymnasium returns them.
 *
 * `CartPoleVec` steps several envs at once and resets finished ones in the same step (the final
 * observation of the finished episode is kept in `finalObs`, as gym's vector envs did for CleanRL).
 */
import { decodeInto, encodeTyped } from './binary';
import { Rng, type RngState } from '../shared/rng';

export const CARTPOLE = {
  gravity: 9.8,
  masscart: 1.0,
  masspole: 0.1,
  /** Half the pole's length. */
  length: 0.5,
  forceMag: 10.0,
  tau: 0.02,
  xThreshold: 2.4,
  thetaThresholdRadians: (12 * 2 * Math.PI) / 360,
  maxEpisodeSteps: 500,
  obsSize: 4,
  numActions: 2,
} as const;

const TOTAL_MASS = CARTPOLE.masspole + CARTPOLE.masscart;
const POLEMASS_LENGTH = CARTPOLE.masspole * CARTPOLE.length;

/**
 * One step of the physics on state[offset..offset+4] = (x, ẋ, θ, θ̇), in place. Action 1 pushes right,
 * 0 left. Returns whether the new state is terminal.
 */
export function cartPolePhysics(state: Float64Array, offset: number, action: number): boolean {
  const x = state[offset];
  const xDot = state[offset + 1];
  const theta = state[offset + 2];
  const thetaDot = state[offset + 3];
  const force = action === 1 ? CARTPOLE.forceMag : -CARTPOLE.forceMag;
  const costheta = Math.cos(theta);
  const sintheta = Math.sin(theta);
  const temp = (force + POLEMASS_LENGTH * thetaDot ** 2 * sintheta) / TOTAL_MASS;
  const thetaacc = (CARTPOLE.gravity * sintheta - costheta * temp) / (CARTPOLE.length * (4.0 / 3.0 - (CARTPOLE.masspole * costheta ** 2) / TOTAL_MASS));
  const xacc = temp - (POLEMASS_LENGTH * thetaacc * costheta) / TOTAL_MASS;
  // euler
  const nx = x + CARTPOLE.tau * xDot;
  const nxDot = xDot + CARTPOLE.tau * xacc;
  const ntheta = theta + CARTPOLE.tau * thetaDot;
  const nthetaDot = thetaDot + CARTPOLE.tau * thetaacc;
  state[offset] = nx;
  state[offset + 1] = nxDot;
  state[offset + 2] = ntheta;
  state[offset + 3] = nthetaDot;
  return nx < -CARTPOLE.xThreshold || nx > CARTPOLE.xThreshold || ntheta < -CARTPOLE.thetaThresholdRadians || ntheta > CARTPOLE.thetaThresholdRadians;
}

export interface FinishedEpisode {
  env: number;
  return: number;
  length: number;
}

export interface CartPoleVecJson {
  numEnvs: number;
  rng: RngState;
  state: string;
  elapsed: string;
  episodeReturn: string;
}

export class CartPoleVec {
  readonly obsSize = CARTPOLE.obsSize;
  readonly numActions = CARTPOLE.numActions;
  /** Physics state per env [numEnvs × 4], float64. */
  readonly state: Float64Array;
  /** Current observation per env [numEnvs × 4] (float32 values), after autoreset. */
  readonly obs: Float64Array;
  /** Observation at which each env's episode ended this step (valid where terminated or truncated). */
  readonly finalObs: Float64Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly elapsed: Int32Array;
  readonly episodeReturn: Float64Array;
  /** Episodes that ended in the last step() (reused array). */
  readonly finished: FinishedEpisode[] = [];

  constructor(
    readonly numEnvs: number,
    readonly rng: Rng,
  ) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new Error(`CartPoleVec: numEnvs must be a positive integer, got ${numEnvs}`);
    this.state = new Float64Array(numEnvs * 4);
    this.obs = new Float64Array(numEnvs * 4);
    this.finalObs = new Float64Array(numEnvs * 4);
    this.rewards = new Float64Array(numEnvs);
    this.terminated = new Uint8Array(numEnvs);
    this.truncated = new Uint8Array(numEnvs);
    this.elapsed = new Int32Array(numEnvs);
    this.episodeReturn = new Float64Array(numEnvs);
    for (let e = 0; e < numEnvs; e++) this.resetEnv(e);
  }

  private resetEnv(e: number): void {
    for (let k = 0; k < 4; k++) this.state[e * 4 + k] = this.rng.range(-0.05, 0.05);
    this.elapsed[e] = 0;
    this.episodeReturn[e] = 0;
    this.writeObs(this.obs, e);
  }

  private writeObs(target: Float64Array, e: number): void {
    for (let k = 0; k < 4; k++) target[e * 4 + k] = Math.fround(this.state[e * 4 + k]);
  }

  /** The observation of env e (a view into `obs`). */
  observation(e: number): Float64Array {
    return this.obs.subarray(e * 4, e * 4 + 4);
  }

  /** Steps every env with its action; finished envs are reset (their last observation is in finalObs). */
  step(actions: ArrayLike<number>): void {
    this.finished.length = 0;
    for (let e = 0; e < this.numEnvs; e++) {
      const a = actions[e];
      if (a !== 0 && a !== 1) throw new RangeError(`CartPole: action must be 0 or 1, got ${a} for env ${e}`);
      const term = cartPolePhysics(this.state, e * 4, a);
      this.elapsed[e]++;
      this.rewards[e] = 1;
      this.episodeReturn[e] += 1;
      const trunc = !term && this.elapsed[e] >= CARTPOLE.maxEpisodeSteps;
      this.terminated[e] = term ? 1 : 0;
      this.truncated[e] = trunc ? 1 : 0;
      if (term || trunc) {
        this.writeObs(this.finalObs, e);
        this.finished.push({ env: e, return: this.episodeReturn[e], length: this.elapsed[e] });
        this.resetEnv(e);
      } else {
        this.writeObs(this.obs, e);
      }
    }
  }

  toJSON(): CartPoleVecJson {
    return { numEnvs: this.numEnvs, rng: this.rng.save(), state: encodeTyped(this.state), elapsed: encodeTyped(this.elapsed), episodeReturn: encodeTyped(this.episodeReturn) };
  }

  static fromJSON(json: CartPoleVecJson, where = 'env'): CartPoleVec {
    if (!json || !Number.isInteger(json.numEnvs) || json.numEnvs < 1) throw new Error(`${where}.numEnvs: expected a positive integer`);
    const env = new CartPoleVec(json.numEnvs, new Rng(0));
    env.rng.restore(json.rng);
    decodeInto(json.state, env.state, `${where}.state`);
    decodeInto(json.elapsed, env.elapsed, `${where}.elapsed`);
    decodeInto(json.episodeReturn, env.episodeReturn, `${where}.episodeReturn`);
    for (let e = 0; e < env.numEnvs; e++) {
      if (env.elapsed[e] < 0 || env.elapsed[e] >= CARTPOLE.maxEpisodeSteps) throw new Error(`${where}.elapsed: env ${e} has ${env.elapsed[e]} steps, outside [0, ${CARTPOLE.maxEpisodeSteps})`);
      env.writeObs(env.obs, e);
    }
    return env;
  }
}
