/**
 * A ConvChain's forward in evaluation: nothing is kept for a backward pass, so the batch goes through every block in
 * chunks of images in the backend's scratch area (bounded memory for a 2000-image evaluation batch; a chunk's
 * activations stay in cache), each chunk's input copied in and its output out.
 */
import { convReluPlane, type Backend } from '../kernels/index.js';
import { numel, type Tensor } from '../tensor.js';
import { blockForwardAt, type ConvBlock, type Geometry } from './conv-chain-blocks.js';

/** Floats of a chunk's largest activation (1 MB). */
const CHUNK_FLOATS = 1 << 18;

/**
 * out = the blocks' output for x in evaluation mode (geometry: chainGeometry for x), then + x (ReLU'd when
 * `residual` is true) when `residual` is given: a Residual with the chain as its body and the identity shortcut.
 */
export function evaluateChain(
  backend: Backend, blocks: ConvBlock[], geometry: Geometry[], x: Tensor, out: Tensor, residual: boolean | undefined,
): void {
  const N = x.shape[0];
  if (N === 0) return;
  const inImage = numel(x.shape) / N;
  const outImages = geometry.map((g) => g.s.Cout * convReluPlane(g.s, g.pool));
  const outImage = outImages[outImages.length - 1];
  const chunk = Math.max(1, Math.min(N, Math.floor(CHUNK_FLOATS / Math.max(inImage, ...outImages))));
  const most = chunk * Math.max(...outImages);
  // Activations alternate between slots a and b; arg, pre and xhat are each block's scratch.
  const [input, a, b, arg, pre, xhat, from] = backend.layout([chunk * inImage, most, most, most, most, most]);
  for (let first = 0; first < N; first += chunk) {
    const n = Math.min(chunk, N - first);
    backend.heap.set(x.data.subarray(first * inImage, (first + n) * inImage), input >> 2);
    let at = input;
    geometry.forEach((g, i) => {
      const to = i % 2 === 0 ? a : b;
      const norm = g.norm && { shape: { ...g.norm, N: n }, xhat };
      blockForwardAt(backend, blocks[i], { ...g, s: { ...g.s, N: n }, x: at, out: to, arg: g.pool ? arg : 0, norm }, { pre, from }, false);
      at = to;
    });
    const floats = n * outImage;
    if (residual !== undefined) backend.addReluAt(residual, floats, at, input, at);
    out.data.set(backend.heap.subarray(at >> 2, (at >> 2) + floats), first * outImage);
  }
}
