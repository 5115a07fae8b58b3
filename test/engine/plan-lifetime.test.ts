import { describe, expect, it } from 'vitest';
import { kernelVariant, WasmBackend, type GemmOptions } from '../../src/engine/kernels/index.js';
import { Linear } from '../../src/engine/modules/linear.js';
import { Dropout } from '../../src/engine/modules/dropout.js';
import { BatchNorm2d } from '../../src/engine/modules/batchnorm.js';
import { ReLU } from '../../src/engine/modules/activations.js';
import { Residual, Sequential } from '../../src/engine/modules/containers.js';
import { Conv2d } from '../../src/engine/modules/conv.js';
import { Adam } from '../../src/engine/optim/adam.js';
import { compile } from '../../src/engine/plan/index.js';
import { Rng } from '../../src/engine/rng.js';
import { zeros } from '../../src/engine/tensor.js';

/** A ResNet block: its chain keeps activations, x_hat and the residual sum resident in the kernels' memory. */
function block(rng: Rng): Residual {
  const body = Sequential.named([
    ['conv1', new Conv2d(4, 4, 3, rng, { padding: 1 })], ['bn1', new BatchNorm2d(4)], ['relu', new ReLU()],
    ['conv2', new Conv2d(4, 4, 3, rng, { padding: 1 })], ['bn2', new BatchNorm2d(4)],
  ]);
  return new Residual(body, { after: new ReLU() });
}

describe('plan and optimizer lifetime', () => {
  it('run on the kernel instance they are given and give its memory back on dispose', () => {
    const kernels = new WasmBackend('simd');
    const x = zeros([8, 4, 10, 10]);
    x.data.forEach((_, i) => (x.data[i] = Math.sin(i)));
    const cycle = (): void => {
      const net = block(new Rng(1));
      const plan = compile(net, { backend: kernels });
      const adam = new Adam(net.params(), { backend: kernels });
      const y = plan.forward(x, true);
      plan.backward(y);
      adam.step();
      plan.dispose();
      adam.dispose();
    };
    // The scratch area starts above every long-lived region ever taken: it moves up unless released ones are reused.
    const scratchStart = (): number => kernels.layout([])[0];
    const start = scratchStart();
    cycle();
    const afterOne = scratchStart();
    expect(afterOne).toBeGreaterThan(start);
    for (let i = 0; i < 5; i++) cycle();
    expect(scratchStart()).toBe(afterOne);
  });

  it('a disposed backend gives its memory up: every later call says so', () => {
    const backend = new WasmBackend('simd');
    const y = new Float32Array(4);
    backend.relu(Float32Array.of(-1, 2, -3, 4), y);
    expect(Array.from(y)).toEqual([0, 2, 0, 4]);
    backend.dispose();
    expect(backend.heap.length).toBe(0);
    expect(() => backend.relu(Float32Array.of(1), y)).toThrow(/wasm-simd\): used after dispose\(\)/);
    expect(() => backend.allocate(4)).toThrow(/used after dispose/);
  });

  it('runs every module on its own backend: a Linear layer the plan does not fuse calls that backend, same values', () => {
    class Counting extends WasmBackend {
      gemms = 0;
      override gemm(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, opts?: GemmOptions): void {
        this.gemms++;
        super.gemm(M, N, K, A, B, C, opts);
      }
    }
    const backend = new Counting(kernelVariant()); // the default's build: the same bits as the modules' own pass
    const net = Sequential.named([['fc', new Linear(30, 20, new Rng(3))], ['relu', new ReLU()], ['drop', new Dropout(0.5, new Rng(4))]]);
    const x = zeros([8, 30]);
    x.data.forEach((_, i) => (x.data[i] = Math.cos(i)));
    const plan = compile(net, { backend });
    const y = plan.forward(x, true).data.slice();
    plan.backward(zeros([8, 20]));
    expect(backend.gemms).toBe(3);
    (net.namedChildren()[2][1] as Dropout).rng = new Rng(4);
    expect(Array.from(net.forward(x, true).data)).toEqual(Array.from(y));
    plan.dispose();
  });
});
