/**
 * Execution providers. onnxruntime does not fall back by itself (`['webgpu', 'cpu']` throws when
 * WebGPU has no adapter), so a session is created with one provider at a time, in order of
 * preference, ending with CPU; each failure is kept with its reason for the status bar.
 *
 * `auto` tries, by platform:
 *   linux:  cuda → webgpu → cpu
 *   win32:  cuda → dml → webgpu → cpu
 *   darwin: coreml → webgpu → cpu
 * TensorRT is used only when forced: it builds an engine per input shape (minutes on first use, again
 * for every new batch shape), which dynamic batching would keep triggering.
 * A forced provider gets no fallback: if it cannot start, that is the error.
 *
 * Generic over what is created (an onnxruntime session here; the RL agents can reuse it for their
 * exported policies).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelError } from './errors';
import { errorMessage } from '../shared/errors';

export const PROVIDER_NAMES = ['cpu', 'cuda', 'tensorrt', 'dml', 'coreml', 'webgpu'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
export type ProviderChoice = 'auto' | ProviderName;

export interface ProviderAttempt {
  name: ProviderName;
  error: string;
}

/** Which provider runs the model, and why the ones before it did not: shown in the status bar. */
export interface ProviderStatus {
  provider: ProviderName;
  requested: ProviderChoice;
  tried: ProviderAttempt[];
}

export function isProviderChoice(v: unknown): v is ProviderChoice {
  return v === 'auto' || (PROVIDER_NAMES as readonly unknown[]).includes(v);
}

/** The order `auto` tries providers in on `platform`. */
export function providerCandidates(platform: NodeJS.Platform = process.platform): ProviderName[] {
  if (platform === 'win32') return ['cuda', 'dml', 'webgpu', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'webgpu', 'cpu'];
  return ['cuda', 'webgpu', 'cpu'];
}

/** What the user can do about a provider that failed, appended to onnxruntime's reason. */
const HINTS: Partial<Record<ProviderName, string>> = {
  cuda: 'install the NVIDIA driver, CUDA 12 and cuDNN 9 and the onnxruntime-node CUDA binaries (README "GPU")',
  tensorrt: 'install TensorRT 10 beside CUDA 12 (README "GPU")',
  webgpu: 'no usable GPU adapter (Vulkan/D3D12/Metal)',
  dml: 'DirectML needs Windows 10+ with a DirectX 12 GPU',
  coreml: 'CoreML needs macOS',
};

/** onnxruntime's long failure text cut to the part that says what went wrong. */
export function shortProviderError(name: ProviderName, err: unknown): string {
  const text = errorMessage(err);
  const m = /(Failed to get a WebGPU adapter[^\n]*|Failed to load shared library[^\n]*|backend not found[^\n]*|not supported[^\n]*)/i.exec(text);
  const reason = (m ? m[1] : text.split('\n')[0]).replace(/^.*?was false\.\s*/, '').trim().slice(0, 240);
  const hint = HINTS[name];
  return hint ? `${reason} (${hint})` : reason;
}

/** Errors that are the model's fault, not the provider's: no other provider would do better. */
const MODEL_FAULT = /Protobuf parsing failed|File doesn't exist|No such file|ModelProto|Load model from .* failed/i;

/**
 * Create with each provider in turn (or only the forced one). Throws a ModelError
 * 'provider-unavailable' when a forced provider (or, with auto, every provider) fails, and the
 * model's own error when the model itself is at fault.
 */
export async function createWithFallback<T>(
  create: (provider: ProviderName) => Promise<T>,
  requested: ProviderChoice = 'auto',
  platform: NodeJS.Platform = process.platform,
  /** A reason not to try `provider` at all (a library known to be missing), else undefined. */
  precheck?: (provider: ProviderName) => string | undefined,
): Promise<{ value: T; status: ProviderStatus }> {
  const order = requested === 'auto' ? providerCandidates(platform) : [requested];
  const tried: ProviderAttempt[] = [];
  for (const name of order) {
    const missing = requested === 'auto' ? precheck?.(name) : undefined;
    if (missing) {
      tried.push({ name, error: missing });
      continue;
    }
    try {
      const value = await create(name);
      return { value, status: { provider: name, requested, tried } };
    } catch (err) {
      if (err instanceof ModelError || MODEL_FAULT.test(errorMessage(err))) throw err;
      tried.push({ name, error: shortProviderError(name, err) });
    }
  }
  if (requested !== 'auto') {
    throw new ModelError(
      `execution provider "${requested}" cannot start: ${tried[0]?.error}. It was forced (setting reasoningLab.models.executionProvider / --provider), so there is no fallback; choose "auto" to fall back to the CPU`,
      'provider-unavailable',
    );
  }
  throw new ModelError(`no execution provider could start: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`, 'provider-unavailable');
}

/**
 * WebGPU on Linux runs on Vulkan: without the Vulkan loader, trying it only prints a native warning
 * ("Couldn't load Vulkan") on stderr before failing, so auto skips it with that reason.
 */
export function missingLibrary(provider: ProviderName, platform: NodeJS.Platform = process.platform): string | undefined {
  if (provider !== 'webgpu' || platform !== 'linux') return undefined;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':'), '/usr/lib', '/usr/lib64', '/lib', '/lib64', `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, `/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, '/usr/local/lib'];
  if (dirs.some((d) => d && fs.existsSync(path.join(d, 'libvulkan.so.1')))) return undefined;
  return `no Vulkan loader (libvulkan.so.1) found (${HINTS.webgpu}; install the GPU driver's Vulkan support, e.g. apt install libvulkan1 mesa-vulkan-drivers)`;
}

/** One line for logs and tooltips: "cpu (cuda: Failed to load shared library …; webgpu: …)". */
export function describeProviderStatus(s: ProviderStatus): string {
  const why = s.tried.map((t) => `${t.name}: ${t.error}`).join('; ');
  return why ? `${s.provider} (${why})` : s.provider;
}
