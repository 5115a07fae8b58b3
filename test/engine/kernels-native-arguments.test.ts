// Which problems the native kernels take (the rest go to WebAssembly), and the lengths their entry points check before
// the addon sees an array: a short array from JavaScript must never reach C.
import { describe, expect, it } from 'vitest';
import { NativeBackend, nativeStatus, type ConvShape } from '../../src/engine/kernels/index.js';
import { nativeConvFits } from '../../src/engine/kernels/native-conv.js';
import { nativeConvReluFits } from '../../src/engine/kernels/native-conv-relu.js';
import { heapElement } from '../../src/engine/kernels/native-addon.js';

const shape = (o: Partial<ConvShape> = {}): ConvShape => ({ N: 2, C: 3, H: 6, W: 5, Cout: 4, k: 3, stride: 1, pad: 1, ...o });

describe('native dispatch', () => {
  it('the native conv takes stride 1 with pad <= k - 1 and at least one value', () => {
    expect(nativeConvFits(shape())).toBe(true);
    expect(nativeConvFits(shape({ pad: 2 }))).toBe(true);
    expect(nativeConvFits(shape({ pad: 3 }))).toBe(false);
    expect(nativeConvFits(shape({ stride: 2 }))).toBe(false);
    for (const empty of ['N', 'C', 'H', 'W'] as const) expect(nativeConvFits(shape({ [empty]: 0 }))).toBe(false);
  });

  it('the fused pass takes those, with a whole pool window that fits the conv output', () => {
    const s = shape({ pad: 0 }); // output 4 x 3
    expect(nativeConvReluFits(s, undefined)).toBe(true);
    expect(nativeConvReluFits(shape({ stride: 2 }), undefined)).toBe(false);
    expect(nativeConvReluFits(s, { k: 3, stride: 3 })).toBe(true);
    expect(nativeConvReluFits(s, { k: 1, stride: 1 })).toBe(true);
    for (const pool of [{ k: 4, stride: 1 }, { k: 0, stride: 1 }, { k: 2, stride: 0 }, { k: 1.5, stride: 1 }, { k: 2, stride: 1.5 }]) {
      expect(nativeConvReluFits(s, pool), JSON.stringify(pool)).toBe(false);
    }
    expect(nativeConvReluFits(shape({ pad: 0, H: 3 }), { k: 1, stride: 1 })).toBe(true);
    expect(nativeConvReluFits(shape({ pad: 0, H: 3 }), { k: 2, stride: 1 })).toBe(false);
  });
});

describe('heap offsets', () => {
  it('are non-negative multiples of 4 bytes, named in the error', () => {
    expect([0, 4, 1024].map((b) => heapElement('op', 'x', b))).toEqual([0, 1, 256]);
    for (const bad of [-4, 2, 1.5, NaN]) expect(() => heapElement('op', 'x', bad)).toThrow(`op: x must be a non-negative multiple of 4 bytes, got ${bad}`);
  });
});

const status = nativeStatus();
describe.skipIf(!status.available)('native entry points check every array', () => {
  const native = (): NativeBackend => new NativeBackend('simd');
  /** Calls `run` once per array with that array one element short; each must fail naming the op and the array. */
  function eachShort(fn: string, arrays: Record<string, number>, run: (a: Record<string, Float32Array>) => void): void {
    const full = (): Record<string, Float32Array> => Object.fromEntries(Object.entries(arrays).map(([k, n]) => [k, new Float32Array(n)]));
    expect(() => run(full())).not.toThrow();
    for (const [name, n] of Object.entries(arrays)) {
      const a = { ...full(), [name]: new Float32Array(n - 1) };
      expect(() => run(a), name).toThrow(`${fn}: ${name} has ${n - 1} elements, needs ${n}`);
    }
  }

  it('conv2d forward and backward', () => {
    const s = shape();
    const b = native();
    const [x, w, y] = [2 * 3 * 6 * 5, 4 * 3 * 9, 2 * 4 * 6 * 5];
    eachShort('conv2dForward', { input: x, weight: w, bias: 4, out: y }, (a) => b.conv2dForward(s, a.input, a.weight, a.bias, a.out));
    eachShort('conv2dBackward', { input: x, gradOut: y, weight: w, gradWeight: w, gradBias: 4, gradInput: x }, (a) =>
      b.conv2dBackward(s, a.input, a.gradOut, a.weight, a.gradWeight, a.gradBias, a.gradInput));
  });

  it('the fused conv -> relu -> pool forward and backward', () => {
    const s = shape({ pad: 0 });
    const pool = { k: 2, stride: 2 };
    const b = native();
    const [x, w, y] = [2 * 3 * 6 * 5, 4 * 3 * 9, 2 * 4 * 2 * 1];
    const arg = new Int32Array(y);
    eachShort('convReluForward', { input: x, weight: w, bias: 4, out: y }, (a) => b.convReluForward(s, pool, a.input, a.weight, a.bias, a.out, arg));
    eachShort('convReluBackward', { input: x, gradOut: y, out: y, weight: w, gradWeight: w, gradBias: 4, gradInput: x }, (a) =>
      b.convReluBackward(s, pool, a.input, a.gradOut, a.out, arg, a.weight, a.gradWeight, a.gradBias, a.gradInput));
  });

  it('the elementwise ops, Adam, dropout and the fused pass\'s argmax', () => {
    const b = native();
    const f = (n = 8): Float32Array => new Float32Array(n);
    eachShort('relu', { y: 8 }, (a) => b.relu(f(), a.y));
    eachShort('reluBackward', { y: 8, dx: 8 }, (a) => b.reluBackward(a.y, f(), a.dx));
    eachShort('addRelu', { b: 8, y: 8 }, (a) => b.addRelu(true, f(), a.b, a.y));
    eachShort('leakyRelu', { y: 8 }, (a) => b.leakyRelu(0.1, f(), a.y));
    eachShort('leakyReluBackward', { x: 8, dx: 8 }, (a) => b.leakyReluBackward(0.1, a.x, f(), a.dx));
    eachShort('multiply', { b: 8, out: 8 }, (a) => b.multiply(f(), a.b, a.out));
    const o = { beta1: 0.9, beta2: 0.999, stepSize: 1e-3, invC2: 1, eps: 1e-8, weightDecay: 0 };
    eachShort('adamStep', { g: 8, m: 8, v: 8 }, (a) => b.adamStep(f(), a.g, a.m, a.v, o));
    const seed = new Int32Array(16);
    eachShort('dropoutForward', { y: 8, mask: 8 }, (a) => b.dropoutForward(seed, 0, 1, f(), a.y, a.mask));
    expect(() => b.dropoutForward(new Int32Array(15), 0, 1, f(), f(), f())).toThrow('dropoutForward: seed has 15 words, needs 16');
    // A parameter's gradient may be longer than its weights (a view of a larger buffer), never shorter.
    const moments = b.adamMoments([5]);
    expect(() => moments.step(0, f(5), f(6), o)).not.toThrow();
    expect(() => moments.step(0, f(5), f(4), o)).toThrow('adamStep: parameter 0 has 5 elements, got w 5, g 4');
    const s = shape({ pad: 0 });
    const pool = { k: 2, stride: 2 };
    const [x, w, y] = [2 * 3 * 6 * 5, 4 * 3 * 9, 2 * 4 * 2 * 1];
    expect(() => b.convReluForward(s, pool, f(x), f(w), f(4), f(y), new Int32Array(y - 1))).toThrow(`convReluForward: argmax has ${y - 1} elements, needs ${y}`);
    expect(() => b.convReluBackward(s, pool, f(x), f(y), f(y), new Int32Array(y - 1), f(w), f(w), f(4), f(x))).toThrow(
      `convReluBackward: argmax has ${y - 1} elements, needs ${y}`);
  });

  it('gemm overwrites C unless asked to accumulate', () => {
    const b = native();
    const [A, B] = [Float32Array.from([1, 2, 3, 4]), Float32Array.from([5, 6, 7, 8])];
    const C = new Float32Array(4).fill(100);
    b.gemm(2, 2, 2, A, B, C);
    expect([...C]).toEqual([19, 22, 43, 50]);
    b.gemm(2, 2, 2, A, B, C, { accumulate: true });
    expect([...C]).toEqual([38, 44, 86, 100]);
  });

  it('batchnorm forward and backward', () => {
    const s = { N: 2, C: 3, S: 4 };
    const b = native();
    const o = { training: true, relu: false, momentum: 0.1, eps: 1e-5 };
    eachShort('batchnormForward', { x: 24, y: 24, xhat: 24, gamma: 3, beta: 3, runningMean: 3, runningVar: 3, invStd: 3 }, (a) =>
      b.batchnormForward(s, o, a.x, a.gamma, a.beta, a.runningMean, a.runningVar, a.xhat, a.y, a.invStd));
    eachShort('batchnormBackward', { gy: 24, dx: 24, xhat: 24, gamma: 3, beta: 3, invStd: 3, dgamma: 3, dbeta: 3 }, (a) =>
      b.batchnormBackward(s, o, a.gy, a.xhat, a.gamma, a.beta, a.invStd, a.dgamma, a.dbeta, a.dx));
  });

  it('the resident (At) ops check the weights and each heap offset', () => {
    const b = native();
    const s = shape();
    const [nx, w, ny] = [2 * 3 * 6 * 5, 4 * 3 * 9, 2 * 4 * 6 * 5];
    const [x, out, gy, dx] = [nx, ny, ny, nx].map((n) => b.allocate(n + 8));
    const weights = { weight: w, bias: 4 };
    eachShort('conv2dForward', weights, (a) => b.conv2dForwardAt(s, { x, out }, a.weight, a.bias));
    eachShort('conv2dBackward', { weight: w, gradWeight: w, gradBias: 4 }, (a) => b.conv2dBackwardAt(s, { x, gy, dx }, a.weight, a.gradWeight, a.gradBias));
    const ok = { weight: new Float32Array(w), bias: new Float32Array(4) };
    for (const [name, at] of [['x', { x: x + 2, out }], ['out', { x, out: out + 1 }]] as const) {
      expect(() => b.conv2dForwardAt(s, at, ok.weight, ok.bias)).toThrow(`conv2dForward: ${name} must be a non-negative multiple of 4 bytes`);
    }
    for (const [name, at] of [['x', { x: x + 2, gy, dx }], ['gy', { x, gy: gy + 2, dx }], ['dx', { x, gy, dx: dx + 2 }]] as const) {
      expect(() => b.conv2dBackwardAt(s, at, ok.weight, new Float32Array(w), ok.bias)).toThrow(`conv2dBackward: ${name} must be a non-negative multiple of 4 bytes`);
    }
  });

  /** Each named offset of `at`, moved 2 bytes off, must fail naming the op and that operand. */
  function eachMisaligned<T extends object>(fn: string, at: T, names: (keyof T & string)[], run: (at: T) => void): void {
    expect(() => run(at)).not.toThrow();
    for (const name of names) {
      const bad = { ...at, [name]: (at[name] as number) + 2 };
      expect(() => run(bad), name).toThrow(`${fn}: ${name} must be a non-negative multiple of 4 bytes, got ${(at[name] as number) + 2}`);
    }
  }

  it('the resident fused conv -> relu -> pool ops check the weights and each heap offset', () => {
    const b = native();
    const s = shape({ pad: 0 });
    const pool = { k: 2, stride: 2 };
    const [nx, w, ny] = [2 * 3 * 6 * 5, 4 * 3 * 9, 2 * 4 * 2 * 1];
    const [x, out, arg, gy, dx] = [nx, ny, ny, ny, nx].map((n) => b.allocate(n + 8));
    eachShort('convReluForward', { weight: w, bias: 4 }, (a) => b.convReluForwardAt(s, pool, { x, out, arg }, a.weight, a.bias));
    eachShort('convReluBackward', { weight: w, gradWeight: w, gradBias: 4 }, (a) =>
      b.convReluBackwardAt(s, pool, { x, gy, y: out, arg, dx }, a.weight, a.gradWeight, a.gradBias));
    const [weight, gradWeight, bias] = [new Float32Array(w), new Float32Array(w), new Float32Array(4)];
    eachMisaligned('convReluForward', { x, out, arg }, ['x', 'out', 'arg'], (at) => b.convReluForwardAt(s, pool, at, weight, bias));
    eachMisaligned('convReluBackward', { x, gy, y: out, arg, dx }, ['x', 'gy', 'y', 'arg', 'dx'], (at) =>
      b.convReluBackwardAt(s, pool, at, weight, gradWeight, bias));
    // Unpooled, the argmax offset is never read.
    const unpooled = [2 * 4 * 4 * 3, 2 * 4 * 4 * 3].map((n) => b.allocate(n));
    expect(() => b.convReluForwardAt(s, undefined, { x, out: unpooled[0], arg: 2 }, weight, bias)).not.toThrow();
    expect(() => b.convReluBackwardAt(s, undefined, { x, gy: unpooled[1], y: unpooled[0], arg: 2, dx }, weight, gradWeight, bias)).not.toThrow();
  });

  it('the resident batchnorm ops check the channels and each heap offset', () => {
    const b = native();
    const s = { N: 2, C: 3, S: 4 };
    const o = { training: true, relu: true, momentum: 0.1, eps: 1e-5 };
    const [x, xhat, y, res, gy, dx] = Array.from({ length: 6 }, () => b.allocate(24));
    const channels = { gamma: 3, beta: 3, runningMean: 3, runningVar: 3, invStd: 3 };
    eachShort('batchnormForward', channels, (a) =>
      b.batchnormForwardAt(s, o, { x, xhat, y, res }, a.gamma, a.beta, a.runningMean, a.runningVar, a.invStd));
    eachShort('batchnormBackward', { gamma: 3, beta: 3, invStd: 3, dgamma: 3, dbeta: 3 }, (a) =>
      b.batchnormBackwardAt(s, o, { gy, xhat, dx }, a.gamma, a.beta, a.invStd, a.dgamma, a.dbeta));
    const c = (): Float32Array => new Float32Array(3).fill(1);
    eachMisaligned('batchnormForward', { x, xhat, y, res }, ['x', 'xhat', 'y', 'res'], (at) =>
      b.batchnormForwardAt(s, o, at, c(), c(), c(), c(), c()));
    eachMisaligned('batchnormBackward', { gy, xhat, dx }, ['gy', 'xhat', 'dx'], (at) => b.batchnormBackwardAt(s, o, at, c(), c(), c(), c(), c()));
    // A resident x_hat with arrays for the rest.
    const arrays = (n: number): Float32Array => new Float32Array(n).fill(0.5);
    expect(() => b.batchnormForward(s, o, arrays(24), c(), c(), c(), c(), xhat + 2, arrays(24), c())).toThrow(
      `batchnormForward: xhat must be a non-negative multiple of 4 bytes, got ${xhat + 2}`);
    expect(() => b.batchnormBackward(s, o, arrays(24), xhat + 2, c(), c(), c(), c(), c(), arrays(24))).toThrow(
      `batchnormBackward: xhat must be a non-negative multiple of 4 bytes, got ${xhat + 2}`);
  });

  it('the resident elementwise ops check each heap offset', () => {
    const b = native();
    const [p, q, r] = [0, 1, 2].map(() => b.allocate(16));
    eachMisaligned('reluBackwardAt', { y: p, dy: q, dx: r }, ['y', 'dy', 'dx'], (at) => b.reluBackwardAt(16, at.y, at.dy, at.dx));
    eachMisaligned('addReluAt', { a: p, b: q, y: r }, ['a', 'b', 'y'], (at) => b.addReluAt(true, 16, at.a, at.b, at.y));
  });
});
