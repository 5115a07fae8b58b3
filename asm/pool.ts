// Max pooling over k x k windows (stride, no padding, floor mode) of `planes` H x W planes.

/**
 * out[plane, oh, ow] = the window's maximum; argmax = its flat input index (plane*H*W + h*W + w).
 * Ties go to the first maximal element in row-major window order and a NaN wins (PyTorch's choice).
 * The choice is integer arithmetic on indices (at += (idx - at) * take): V8 turns an f32 select into a
 * branch, which mispredicts on random activations.
 */
export function maxPool2d(planes: i32, H: i32, W: i32, k: i32, stride: i32, pX: usize, pOut: usize, pArg: usize): void {
  const OH = (H - k) / stride + 1, OW = (W - k) / stride + 1;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      let first = base + oh * stride * W;
      for (let ow = 0; ow < OW; ow++, first += stride) {
        let at = first;
        if (k == 2) {
          // Unrolled: the better of each row pair, then of the two.
          const a = load<f32>(pX + (<usize>first << 2)), c = load<f32>(pX + (<usize>(first + W) << 2));
          const ab = first + (<i32>!(load<f32>(pX + (<usize>first << 2), 4) <= a) & <i32>(a == a));
          const cd = first + W + (<i32>!(load<f32>(pX + (<usize>(first + W) << 2), 4) <= c) & <i32>(c == c));
          const top = load<f32>(pX + (<usize>ab << 2));
          at = ab + (cd - ab) * (<i32>!(load<f32>(pX + (<usize>cd << 2)) <= top) & <i32>(top == top));
        } else {
          for (let kh = 0; kh < k; kh++) {
            const row = first + kh * W;
            for (let kw = 0; kw < k; kw++) {
              const idx = row + kw;
              const best = load<f32>(pX + (<usize>at << 2));
              at += (idx - at) * (<i32>!(load<f32>(pX + (<usize>idx << 2)) <= best) & <i32>(best == best));
            }
          }
        }
        store<f32>(pOut, load<f32>(pX + (<usize>at << 2)));
        store<i32>(pArg, at);
        pOut += 4;
        pArg += 4;
      }
    }
  }
}
