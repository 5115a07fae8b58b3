/**
 * The run cache. A run is a pure function of its resolved config and of the code that trains it, so a run id (hash
 * of the config and the engine build: pairnet version, git commit of the checkout, kernel binary) names its record
 * wherever and whenever it was trained: a local directory of records (this file) and a queue's finished jobs
 * (queue-executor.ts) are both keyed by it. Uncommitted changes do not change the id (the commit reads "-dirty"),
 * hence `--no-cache` while editing engine code.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultNativeKernels, kernelVariant, kernelBinary, type KernelVariant } from '../engine/kernels/index.js';
import type { RunConfig } from '../training/config.js';
import type { RunRecord } from '../training/record.js';
import { nodeEnvironment } from '../training/environment.js';
import { PAIRNET_VERSION } from '../training/version.js';
import type { Executor, RunHooks, RunJob } from './executor.js';
import { canonicalJson } from './plan.js';
import { writeFileAtomic } from '../io/atomic-write.js';

const buildIds = new Map<KernelVariant, string>();

/**
 * What a record depends on besides its config: "pairnet 0.1.0 (commit <sha>), wasm-relaxed <hash of the binary>", with
 * the native kernels named too where the default backend uses them (PAIRNET_BACKEND).
 */
export function engineBuild(kernels: KernelVariant): string {
  let id = buildIds.get(kernels);
  if (id === undefined) {
    const commit = nodeEnvironment().commit;
    const binary = createHash('sha256').update(kernelBinary(kernels)).digest('hex').slice(0, 12);
    const native = defaultNativeKernels() ? `${defaultNativeKernels()} + ` : '';
    id = `pairnet ${PAIRNET_VERSION}${commit ? ` (commit ${commit})` : ''}, ${native}wasm-${kernels} ${binary}`;
    buildIds.set(kernels, id);
  }
  return id;
}

export function runId(config: RunConfig, kernels: KernelVariant): string {
  return createHash('sha256').update(`${engineBuild(kernels)}\n${canonicalJson(config)}`).digest('hex').slice(0, 32);
}

/** $PAIRNET_CACHE, else $XDG_CACHE_HOME/pairnet/runs, else ~/.cache/pairnet/runs. */
export function defaultCacheDir(): string {
  if (process.env.PAIRNET_CACHE) return process.env.PAIRNET_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pairnet', 'runs');
}

/** One JSON file per run id: <dir>/<id>.json, written whole (temp file + rename). */
export class RunCache {
  constructor(readonly dir: string) {}

  private file(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  /** The cached record, or undefined (also for an unreadable file or a record of another config: both retrain). */
  get(id: string, config: RunConfig): RunRecord | undefined {
    const file = this.file(id);
    if (!existsSync(file)) return undefined;
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
      return typeof record.final?.testAccuracy === 'number' && canonicalJson(record.config) === canonicalJson(config) ? record : undefined;
    } catch {
      return undefined;
    }
  }

  put(id: string, record: RunRecord): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(this.file(id), JSON.stringify(record));
  }
}

/**
 * Wraps an executor: a run whose id is in the cache is returned from it (unless `reuse` is false: --no-cache), and
 * every run the inner executor trains is added to it. Jobs without a kernel build get the runtime's default, pinned.
 */
export class CachingExecutor implements Executor {
  /** Runs answered from the cache. */
  hits = 0;

  constructor(
    private readonly inner: Executor,
    private readonly cache: RunCache,
    private readonly reuse = true,
  ) {}

  get slots(): number {
    return this.inner.slots;
  }

  get remote(): boolean {
    return this.inner.remote === true;
  }

  async run(job: RunJob, slot: number, hooks: RunHooks = {}): Promise<RunRecord> {
    const kernels = job.kernels ?? kernelVariant();
    const id = runId(job.config, kernels);
    const cached = this.reuse ? this.cache.get(id, job.config) : undefined;
    if (cached) {
      this.hits++;
      hooks.onStart?.('cache');
      return cached;
    }
    const record = await this.inner.run({ ...job, kernels }, slot, hooks);
    this.cache.put(id, record);
    return record;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
