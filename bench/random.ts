/** The benchmarks' deterministic PRNG lives with the agents' seeded generators (src/core/agents/rng.ts). */
export { mulberry32 } from '../src/core/shared/rng';
