/**
 * onnxruntime-node sessions as this project opens them (see shared/models/README.md for the
 * measurements behind each choice): loaded by path so external weights resolve, one provider at a
 * time with fallback (providers.ts), CPU threads that do not spin (spinning threads were 2–3× slower
 * on small shared machines), and onnxruntime's errors translated into messages about the file.
 *
 * `session.run` blocks the calling thread: the editor and the CLI reach these sessions only through
 * the model worker (modelHost.ts); tests and benchmarks may call them directly.
 */
import * as os from 'node:os';
import type * as Ort from 'onnxruntime-node';
import { ModelError, explainOrtError } from './errors';
import { createWithFallback, missingLibrary, type ProviderChoice, type ProviderName, type ProviderStatus } from './providers';

let ortModule: typeof Ort | undefined;

/** onnxruntime-node, loaded on first use (a native module: nothing loads it until a model is opened). */
export function loadOrt(): typeof Ort {
  if (!ortModule) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ortModule = require('onnxruntime-node') as typeof Ort;
      // providers that fail to start log long native errors on stderr; their reasons are reported instead
      ortModule.env.logLevel = 'fatal';
    } catch (err) {
      throw new ModelError(`onnxruntime-node cannot be loaded on ${process.platform}-${process.arch}: ${(err as Error).message}`, 'provider-unavailable');
    }
  }
  return ortModule;
}

export interface SessionOptions {
  provider?: ProviderChoice;
  /** CPU intra-op threads; default min(4, cores). */
  threads?: number;
}

export interface OpenedSession {
  session: Ort.InferenceSession;
  status: ProviderStatus;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

export interface TensorInfo {
  name: string;
  type: string;
  /** Dimensions: a number, or a symbolic name ("batch_size"); [] when unknown. */
  shape: Array<number | string>;
}

export async function openSession(modelFile: string, options: SessionOptions = {}): Promise<OpenedSession> {
  const ort = loadOrt();
  const threads = options.threads && options.threads > 0 ? options.threads : Math.max(1, Math.min(4, os.availableParallelism()));
  const make = (provider: ProviderName) =>
    ort.InferenceSession.create(modelFile, {
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      // onnxruntime's own error log would repeat, on stderr, the errors translated and reported here
      logSeverityLevel: 4,
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
  let opened: { value: Ort.InferenceSession; status: ProviderStatus };
  try {
    opened = await createWithFallback(make, options.provider ?? 'auto', process.platform, (p) => missingLibrary(p));
  } catch (err) {
    throw explainOrtError(err, modelFile);
  }
  const session = opened.value;
  const info = (m: Ort.InferenceSession.ValueMetadata): TensorInfo =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] };
  return { session, status: opened.status, inputs: session.inputMetadata.map(info), outputs: session.outputMetadata.map(info) };
}

/** `session.run` with onnxruntime's errors translated (a missing feed, an id outside the embedding…). */
export async function runSession(
  session: Ort.InferenceSession,
  feeds: Record<string, Ort.Tensor>,
  modelFile: string,
): Promise<Record<string, Ort.Tensor>> {
  try {
    return (await session.run(feeds)) as Record<string, Ort.Tensor>;
  } catch (err) {
    throw explainOrtError(err, modelFile);
  }
}

export function int64Tensor(data: BigInt64Array, dims: number[]): Ort.Tensor {
  return new (loadOrt().Tensor)('int64', data, dims);
}

/** Output data as float32 (fp16 models return Float16Array or Uint16 bits: converted here). */
export function floatData(t: Ort.Tensor): Float32Array {
  const d = t.data as unknown;
  if (d instanceof Float32Array) return d;
  if (t.type === 'float16' && d instanceof Uint16Array) return Float32Array.from(d, halfToFloat);
  if (ArrayBuffer.isView(d)) return Float32Array.from(d as unknown as ArrayLike<number>);
  throw new ModelError(`unexpected output type ${t.type}`, 'not-a-classifier');
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
