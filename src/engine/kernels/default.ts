/**
 * The process's default backend: what modules run on, and what compile() and the optimizers use when not handed one.
 * An entry point chooses it once (the kernel build: pinKernelVariant or PAIRNET_KERNELS; the backend: pinBackend or
 * PAIRNET_BACKEND) before the first kernel call, so one config gives the same bits through the CLI, the library and
 * worker threads.
 */
import type { Backend } from './backend.js';
import { NativeBackend, nativeStatus } from './native.js';
import { relaxedSimdSupported, type KernelVariant } from './wasm/instance.js';
import { WasmBackend } from './wasm-backend.js';

/** wasm: WebAssembly alone (the default); native: GEMM in the native addon (an error where it is not built); auto: native where it loads, else wasm, saying so in one line. */
export type BackendChoice = 'wasm' | 'native' | 'auto';

let shared: WasmBackend | undefined;
let pinned: KernelVariant | undefined;
let chosen: Backend | undefined;
let pinnedBackend: BackendChoice | undefined;
/** defaultNativeKernels()'s answer, once given. */
let nativeKernels: { name: string | undefined } | undefined;

/**
 * Node 20 keeps relaxed SIMD behind a V8 flag. Setting it here, before the first kernel is compiled, makes every
 * entry point choose the same build. Browsers with relaxed SIMD (Chromium >= 114) need nothing; elsewhere a no-op.
 */
function enableRelaxedSimd(): void {
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = node?.getBuiltinModule?.('v8') as { setFlagsFromString?: (flag: string) => void } | undefined;
  v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
}

function envVariant(): KernelVariant | undefined {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.PAIRNET_KERNELS;
  if (v === undefined || v === '' || v === 'auto') return undefined;
  if (v !== 'relaxed' && v !== 'simd') throw new Error(`PAIRNET_KERNELS must be relaxed, simd or auto, got "${v}"`);
  return v;
}

/**
 * Pins the kernel build for this process ('simd' gives the same bits on every CPU; 'relaxed' fused multiply-adds
 * may round differently across CPUs). Must come before the first kernel call. PAIRNET_KERNELS=simd|relaxed does the
 * same from the environment (and reaches worker threads).
 */
export function pinKernelVariant(variant: KernelVariant): void {
  if (shared && shared.variant !== variant) throw new Error(`kernels: the ${shared.variant} build is already in use; pin the variant before the first kernel call`);
  pinned = variant;
}

/** The build the default backend uses: the pinned one, else relaxed SIMD where the runtime has it, else plain SIMD. */
export function kernelVariant(): KernelVariant {
  if (shared) return shared.variant;
  const wanted = pinned ?? envVariant();
  if (wanted === 'simd') return 'simd';
  enableRelaxedSimd();
  if (relaxedSimdSupported()) return 'relaxed';
  if (wanted === 'relaxed') throw new Error('kernels: relaxed SIMD was asked for but this runtime does not support it');
  return 'simd';
}

/** The process's shared WebAssembly backend, built on first use with kernelVariant()'s build; never disposed. */
export function wasmKernels(): WasmBackend {
  shared ??= new WasmBackend(kernelVariant());
  return shared;
}

/** Checks a backend choice (a CLI flag's or PAIRNET_BACKEND's value); `what` names it in the error. */
export function backendChoice(v: string, what: string): BackendChoice {
  if (v !== 'wasm' && v !== 'native' && v !== 'auto') throw new Error(`${what} must be wasm, native or auto, got "${v}"`);
  return v;
}

/** Pins the default backend for this process; must come before the first kernel call (PAIRNET_BACKEND does the same). */
export function pinBackend(choice: BackendChoice): void {
  if (chosen || nativeKernels) throw new Error('kernels: the default backend is already chosen; pin it before the first kernel call');
  pinnedBackend = choice;
}

/**
 * The native kernels the default backend uses (e.g. 'native-avx512'), or undefined on WebAssembly alone: what
 * PAIRNET_BACKEND (pinBackend) asks for and the addon gives. Creates no backend (run ids name it before any run).
 */
export function defaultNativeKernels(): string | undefined {
  if (nativeKernels) return nativeKernels.name;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.PAIRNET_BACKEND;
  const choice = pinnedBackend ?? (env ? backendChoice(env, 'PAIRNET_BACKEND') : 'wasm');
  let name: string | undefined;
  if (choice !== 'wasm') {
    const status = nativeStatus();
    if (status.available) name = `native-${status.isa}`;
    else if (choice === 'native') throw new Error(`native backend: ${status.reason}`);
    else console.warn(`pairnet: native backend unavailable (${status.reason}); using WebAssembly`);
  }
  nativeKernels = { name };
  return name;
}

/**
 * The backend modules run on (and compile() and the optimizers default to): the shared WebAssembly backend, or with
 * PAIRNET_BACKEND=native|auto (pinBackend) one whose GEMM is native. Never disposed.
 */
export function defaultBackend(): Backend {
  chosen ??= defaultNativeKernels() ? new NativeBackend(kernelVariant()) : wasmKernels();
  return chosen;
}
