/**
 * JS side of the fused Conv2d -> ReLU (-> MaxPool2d) kernels (asm/conv-relu.ts): validates, copies the operands into
 * the instance's linear memory, calls, copies the results out. Same contracts as reference-conv-relu.ts.
 */
import type { ConvShape } from './reference.js';
import { convReluPlane, type PoolShape } from './reference-conv-relu.js';
import type { WasmKernels } from './wasm-kernels.js';

function checkArgmax(fn: string, argmax: Int32Array | undefined, pool: PoolShape | undefined, need: number): void {
  if (!pool) return;
  if (!argmax || argmax.length < need) throw new Error(`${fn}: argmax has ${argmax?.length ?? 0} elements, needs ${need}`);
}

/**
 * 3x3 convolutions with stride 1, no padding, pooled 2x2 with stride 2 and a multiple of 4 channels (ConvSepNet's
 * conv2) go by Winograd's F(2x2, 3x3) (asm/winograd.ts): 2.25x fewer multiplications, and each 2x2 output block is a
 * pooling window. Its rounding differs from the direct sum by a few ulps (the reference test uses exact integers).
 */
function winograd(s: ConvShape, pool: PoolShape | undefined): boolean {
  return s.k === 3 && s.stride === 1 && s.pad === 0 && pool?.k === 2 && pool.stride === 2 && s.Cout % 4 === 0;
}

/** out = relu(conv(input) + bias), max pooled with argmax when `pool` is given; as convReluForwardReference. */
export function convReluForwardWasm(
  kernels: WasmKernels, s: ConvShape, pool: PoolShape | undefined, input: Float32Array, weight: Float32Array,
  bias: Float32Array | undefined, out: Float32Array, argmax: Int32Array | undefined,
): void {
  const { N, C, H, W, Cout, k, stride, pad } = s;
  const sizeX = N * C * H * W, sizeOut = N * Cout * convReluPlane(s, pool);
  const [P, ckk] = kernels.checkConv('convReluForward', s, [
    ['input', input, sizeX], ['weight', weight, Cout * C * k * k], ['bias', bias, Cout], ['out', out, sizeOut],
  ]);
  checkArgmax('convReluForward', argmax, pool, sizeOut);
  const sizeW = Cout * ckk;
  if (winograd(s, pool)) {
    const [offX, offW, offB, offOut, offArg, offS] = kernels.layout([
      sizeX, sizeW, Cout, sizeOut, sizeOut, Math.ceil(kernels.exports.winogradScratchBytes(C, Cout, H, W) / 4),
    ]);
    const heap = kernels.heap;
    heap.set(input.subarray(0, sizeX), offX >> 2);
    heap.set(weight.subarray(0, sizeW), offW >> 2);
    if (bias) heap.set(bias.subarray(0, Cout), offB >> 2);
    kernels.exports.convReluPoolWinograd(N, C, H, W, Cout, offX, offW, bias ? offB : 0, offOut, offArg, offS);
    out.set(heap.subarray(offOut >> 2, (offOut >> 2) + sizeOut));
    (argmax as Int32Array).set(new Int32Array(heap.buffer, offArg, sizeOut));
    return;
  }
  const [offX, offW, offB, offOut, offArg, offWT, offCols, offT, offS] = kernels.layout([
    sizeX, sizeW, Cout, sizeOut, pool ? sizeOut : 0, sizeW, P * ckk, P * Cout, kernels.gemmScratch([[P, Cout, ckk], [Cout, P, ckk]]),
  ]);
  const heap = kernels.heap;
  heap.set(input.subarray(0, sizeX), offX >> 2);
  heap.set(weight.subarray(0, sizeW), offW >> 2);
  if (bias) heap.set(bias.subarray(0, Cout), offB >> 2);
  kernels.exports.convReluForward(
    N, C, H, W, Cout, k, stride, pad, pool?.k ?? 0, pool?.stride ?? 0,
    offX, offW, bias ? offB : 0, offOut, offArg, offWT, offCols, offT, offS,
  );
  out.set(heap.subarray(offOut >> 2, (offOut >> 2) + sizeOut));
  if (pool) (argmax as Int32Array).set(new Int32Array(heap.buffer, offArg, sizeOut));
}

/**
 * Gradients of convReluForwardWasm given gradOut and that call's out and argmax (argmax must be as it wrote them):
 * gradWeight +=, gradBias += (if given), gradInput = (if given); as convReluBackwardReference.
 */
export function convReluBackwardWasm(
  kernels: WasmKernels, s: ConvShape, pool: PoolShape | undefined, input: Float32Array, gradOut: Float32Array,
  out: Float32Array, argmax: Int32Array | undefined, weight: Float32Array, gradWeight: Float32Array,
  gradBias: Float32Array | undefined, gradInput: Float32Array | undefined,
): void {
  const { N, C, H, W, Cout, k, stride, pad } = s;
  const sizeX = N * C * H * W, sizeOut = N * Cout * convReluPlane(s, pool), sizeW = Cout * C * k * k;
  const [P, ckk] = kernels.checkConv('convReluBackward', s, [
    ['input', input, sizeX], ['gradOut', gradOut, sizeOut], ['out', out, sizeOut], ['weight', weight, sizeW],
    ['gradWeight', gradWeight, sizeW], ['gradBias', gradBias, Cout], ['gradInput', gradInput, sizeX],
  ]);
  checkArgmax('convReluBackward', argmax, pool, sizeOut);
  // The pooled case is sparse (lists in the G region, no GEMM scratch and weight-gradient parts).
  const dense = pool ? 0 : 1;
  const [offX, offGy, offY, offArg, offW, offDw, offDb, offDx, offG, offDwT, offDwPart, offCols, offDcols, offS] =
    kernels.layout([
      sizeX, sizeOut, sizeOut, pool ? sizeOut : 0, sizeW, sizeW, Cout, gradInput ? sizeX : 0,
      pool ? Math.ceil(kernels.exports.pooledScratchBytes(P, Cout, convReluPlane(s, pool)) / 4) : P * Cout,
      dense * sizeW, dense * sizeW, P * ckk, gradInput ? P * ckk : 0,
      dense * kernels.gemmScratch([[Cout, ckk, P], [P, ckk, Cout]]),
    ]);
  const heap = kernels.heap;
  heap.set(input.subarray(0, sizeX), offX >> 2);
  heap.set(gradOut.subarray(0, sizeOut), offGy >> 2);
  heap.set(out.subarray(0, sizeOut), offY >> 2);
  if (pool) new Int32Array(heap.buffer, offArg, sizeOut).set((argmax as Int32Array).subarray(0, sizeOut));
  heap.set(weight.subarray(0, sizeW), offW >> 2);
  heap.set(gradWeight.subarray(0, sizeW), offDw >> 2);
  if (gradBias) heap.set(gradBias.subarray(0, Cout), offDb >> 2);
  kernels.exports.convReluBackward(
    N, C, H, W, Cout, k, stride, pad, pool?.k ?? 0, pool?.stride ?? 0, offX, offGy, offY, offArg, offW, offDw,
    gradBias ? offDb : 0, gradInput ? offDx : 0, offG, offDwT, offDwPart, offCols, offDcols, offS,
  );
  gradWeight.set(heap.subarray(offDw >> 2, (offDw >> 2) + sizeW));
  if (gradBias) gradBias.set(heap.subarray(offDb >> 2, (offDb >> 2) + Cout));
  if (gradInput) gradInput.set(heap.subarray(offDx >> 2, (offDx >> 2) + sizeX));
}
