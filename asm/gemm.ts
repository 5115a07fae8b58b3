// GEMM (see kernels.ts for conventions). Layout: C[M,N] = op(A)[M,K] * op(B)[K,N], row-major, dense.
//  - Row-major B is read in place: a micro-tile reads 8 columns per k at a stride of N floats (a
//    last partial panel reads past the row; those columns are discarded). B^T is packed, one K
//    block at a time, into panels of NR = 8 columns: panel p holds, for each k of the block, the 8
//    values op(B)[k, 8p..8p+7] (zero beyond N), via 4x4 SIMD transposes. K is split into blocks
//    whose B fits in L2; their partial products are summed into C.
//  - A is read in place: row-major (lda = K floats) or, for transA, stored K x M so that the rows
//    a micro-tile needs at step k are contiguous. Either way no transpose is materialised.
//  - A rows x 8 micro-tile (rows = 5, or 6 with relaxed madd; rows x 4 for a last panel of <= 4
//    columns) keeps its accumulators in v128
//    registers over the K block. The micro-kernels are separate functions that only store: inlined
//    into one big driver, or loading C after the K loop, V8 hoisted the A broadcasts to the loop top
//    and spilled accumulators, halving throughput. Edge tiles (fewer rows or columns) are computed
//    whole into a spill tile and only the valid part is copied to C.

/** Largest tile height: 6 with relaxed madd (12 accumulators + 3 of V8's 15 xmm registers); 5 with
 * mul+add, which needs one more register for the product. */
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
const NR: i32 = 8;
/** Packed-B block budget in floats (512 KB, a quarter of this machine's 2 MB L2). */
const PACK_FLOATS: i32 = 131072;

/** An MR x 8 tile for edge tiles (row stride 32 bytes). */
const spill: usize = memory.data(6 * 32, 16);

/** a * b + c: fused with relaxed SIMD, else a multiply and an add. */
@inline export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * Packs rows k0..k0+kc-1 of op(B) = B^T (B stored N x K) into 8-column panels at pP (layout above):
 * row j of B becomes column j of its panel.
 */
function packBT(N: i32, K: i32, k0: i32, kc: i32, pB: usize, pP: usize): void {
  const zero = f32x4.splat(0);
  const ld = <usize>K << 2;
  for (let j0 = 0; j0 < N; j0 += NR) {
    const nc = min(NR, N - j0);
    const row0 = pB + (<usize>j0 * <usize>K + <usize>k0) * 4;
    let k = 0;
    if (nc == NR) {
      for (; k + 4 <= kc; k += 4) {
        const s = row0 + (<usize>k << 2);
        transpose4(s, ld, pP);
        transpose4(s + 4 * ld, ld, pP + 16);
        pP += 128;
      }
    }
    for (; k < kc; k++) {
      v128.store(pP, zero);
      v128.store(pP, zero, 16);
      let src = row0 + (<usize>k << 2);
      for (let c = 0; c < nc; c++) {
        store<f32>(pP + (<usize>c << 2), load<f32>(src));
        src += ld;
      }
      pP += 32;
    }
  }
}

/** Reads 4 floats from each of 4 rows (stride ld bytes) and stores the transposed 4x4 block as four
 * v128 at dst, dst+32, dst+64, dst+96 (consecutive k of one half panel). */
@inline function transpose4(src: usize, ld: usize, dst: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + ld);
  const r2 = v128.load(src + 2 * ld);
  const r3 = v128.load(src + 3 * ld);
  const a = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
  const b = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
  const c = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
  const d = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i32>(a, b, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<i32>(a, b, 2, 3, 6, 7), 32);
  v128.store(dst, v128.shuffle<i32>(c, d, 0, 1, 4, 5), 64);
  v128.store(dst, v128.shuffle<i32>(c, d, 2, 3, 6, 7), 96);
}

/**
 * The rows x 8 micro-kernel (rows = 5 or 6; wide = false: rows x 4 for a last panel of at most 4
 * columns; both constants at each use) over kc steps of k, storing the tile at pc (row stride ldc bytes). trans: A[k, r] at pa + k*lda + 4r (one pointer, constant
 * offsets); else A row r at pa + r*lda, stepping 4 bytes per k (one pointer per row).
 */
@inline function tile(
  rows: i32, wide: bool, trans: bool, kc: i32, pa: usize, lda: usize, pb: usize, ldb: usize, pc: usize, ldc: usize,
): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  let a0 = pa, a1 = pa + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = wide ? v128.load(pb, 16) : b0;
    let a = v128.load32_splat(a0);
    c00 = fma(a, b0, c00);
    if (wide) c01 = fma(a, b1, c01);
    a = trans ? v128.load32_splat(a0, 4) : v128.load32_splat(a1);
    c10 = fma(a, b0, c10);
    if (wide) c11 = fma(a, b1, c11);
    a = trans ? v128.load32_splat(a0, 8) : v128.load32_splat(a2);
    c20 = fma(a, b0, c20);
    if (wide) c21 = fma(a, b1, c21);
    a = trans ? v128.load32_splat(a0, 12) : v128.load32_splat(a3);
    c30 = fma(a, b0, c30);
    if (wide) c31 = fma(a, b1, c31);
    a = trans ? v128.load32_splat(a0, 16) : v128.load32_splat(a4);
    c40 = fma(a, b0, c40);
    if (wide) c41 = fma(a, b1, c41);
    if (rows > 5) {
      a = trans ? v128.load32_splat(a0, 20) : v128.load32_splat(a5);
      c50 = fma(a, b0, c50);
      if (wide) c51 = fma(a, b1, c51);
    }
    pb += ldb;
    if (trans) {
      a0 += lda;
    } else {
      a0 += 4;
      a1 += 4;
      a2 += 4;
      a3 += 4;
      a4 += 4;
      if (rows > 5) a5 += 4;
    }
  }
  v128.store(pc, c00);
  if (wide) v128.store(pc, c01, 16);
  v128.store(pc + ldc, c10);
  if (wide) v128.store(pc + ldc, c11, 16);
  v128.store(pc + 2 * ldc, c20);
  if (wide) v128.store(pc + 2 * ldc, c21, 16);
  v128.store(pc + 3 * ldc, c30);
  if (wide) v128.store(pc + 3 * ldc, c31, 16);
  v128.store(pc + 4 * ldc, c40);
  if (wide) v128.store(pc + 4 * ldc, c41, 16);
  if (rows > 5) {
    v128.store(pc + 5 * ldc, c50);
    if (wide) v128.store(pc + 5 * ldc, c51, 16);
  }
}

function tile5RowMajorA(kc: i32, pa: usize, lda: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  tile(5, true, false, kc, pa, lda, pb, ldb, pc, ldc);
}
function tile5TransA(kc: i32, pa: usize, lda: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  tile(5, true, true, kc, pa, lda, pb, ldb, pc, ldc);
}
function tile5NarrowRowMajorA(kc: i32, pa: usize, lda: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  tile(5, false, false, kc, pa, lda, pb, ldb, pc, ldc);
}
function tile5NarrowTransA(kc: i32, pa: usize, lda: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  tile(5, false, true, kc, pa, lda, pb, ldb, pc, ldc);
}
function tile6RowMajorA(kc: i32, pa: usize, lda: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  tile(6, true, false, kc, pa, lda, pb, ldb, pc, ldc);
}
function tile6TransA(kc: i32, pa: usize, lda: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  tile(6, true, true, kc, pa, lda, pb, ldb, pc, ldc);
}
function tile6NarrowRowMajorA(kc: i32, pa: usize, lda: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  tile(6, false, false, kc, pa, lda, pb, ldb, pc, ldc);
}
function tile6NarrowTransA(kc: i32, pa: usize, lda: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  tile(6, false, true, kc, pa, lda, pb, ldb, pc, ldc);
}

@inline function runTile(
  h: i32, wide: bool, trans: bool, kc: i32, pa: usize, lda: usize, pb: usize, ldb: usize, pc: usize, ldc: usize,
): void {
  if (MR > 5 && h == 6) {
    if (wide) {
      if (trans) tile6TransA(kc, pa, lda, pb, ldb, pc, ldc);
      else tile6RowMajorA(kc, pa, lda, pb, ldb, pc, ldc);
    } else {
      if (trans) tile6NarrowTransA(kc, pa, lda, pb, ldb, pc, ldc);
      else tile6NarrowRowMajorA(kc, pa, lda, pb, ldb, pc, ldc);
    }
  } else {
    if (wide) {
      if (trans) tile5TransA(kc, pa, lda, pb, ldb, pc, ldc);
      else tile5RowMajorA(kc, pa, lda, pb, ldb, pc, ldc);
    } else {
      if (trans) tile5NarrowTransA(kc, pa, lda, pb, ldb, pc, ldc);
      else tile5NarrowRowMajorA(kc, pa, lda, pb, ldb, pc, ldc);
    }
  }
}

/** Copies rows x nc of the spill tile into C. */
function mergeSpill(rows: i32, nc: i32, pc: usize, ldc: usize): void {
  for (let r = 0; r < rows; r++) {
    const src = spill + (<usize>r << 5);
    const dst = pc + <usize>r * ldc;
    for (let c = 0; c < nc; c++) store<f32>(dst + (<usize>c << 2), load<f32>(src + (<usize>c << 2)));
  }
}

/** dst[i] += src[i] for i < n (K blocks, and accumulating GEMM: kept out of the micro-kernel). */
export function addTo(n: i32, src: usize, dst: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** Rows of op(B) per K block: as many as keep a packed block within PACK_FLOATS, balanced. */
function blockK(N: i32, K: i32): i32 {
  if (K <= 0) return 0;
  const padded = ((N + NR - 1) / NR) * NR;
  const most = max(16, PACK_FLOATS / padded);
  const blocks = (K + most - 1) / most;
  return (K + blocks - 1) / blocks;
}

/** Scratch gemm needs at pS: a packed B^T block (reserved whether or not B is transposed), an MR-row
 * edge block of A, and C's partial sums when K is split. */
export function gemmScratchBytes(M: i32, N: i32, K: i32): usize {
  const kc = blockK(N, K);
  const partial: usize = kc < K ? <usize>M * <usize>N * 4 : 0;
  return <usize>((N + NR - 1) / NR) * <usize>kc * (NR << 2) + <usize>MR * <usize>kc * 4 + partial;
}

/**
 * C[M,N] = op(A) op(B). A at pA (M x K, or K x M if transA), B at pB (K x N, or N x K if transB),
 * C at pC (M x N); pS is gemmScratchBytes(M, N, K) bytes of scratch. Edge tiles may read up to 7 floats
 * past the end of A or B (results discarded): neither may end linear memory.
 */
export function gemm(
  M: i32, N: i32, K: i32, pA: usize, transA: bool, pB: usize, transB: bool, pC: usize, pS: usize,
): void {
  const panels = (N + NR - 1) / NR;
  const kcb = blockK(N, K);
  const pP = pS;
  const edgeA = pP + <usize>panels * <usize>kcb * (NR << 2);
  const pT = edgeA + <usize>MR * <usize>kcb * 4;
  const ldc = <usize>N << 2;
  const lda: usize = transA ? <usize>M << 2 : <usize>K << 2;
  // With 6-row tiles, lead with enough 5-row blocks that the 6-row blocks end exactly at M.
  let n5 = MR > 5 ? (6 - M % 6) % 6 : 0;
  if (5 * n5 > M) n5 = 0;
  let k0 = 0;
  do {
    const kc = min(kcb, K - k0);
    // Row-major B is read in place (8 columns at a stride of N floats); B^T is packed.
    if (transB) packBT(N, K, k0, kc, pB, pP);
    const dst = k0 == 0 ? pC : pT;
    const pAk = transA ? pA + <usize>k0 * lda : pA + (<usize>k0 << 2);
    const panelBytes: usize = transB ? <usize>kc * (NR << 2) : NR << 2;
    const ldb: usize = transB ? NR << 2 : <usize>N << 2;
    for (let i0 = 0; i0 < M; ) {
      const h = i0 < 5 * n5 ? 5 : MR;
      const rows = min(h, M - i0);
      let pa = transA ? pAk + (<usize>i0 << 2) : pAk + <usize>i0 * lda;
      let ldaTile = lda;
      if (!transA && rows < h) {
        // Row-major edge block: copy its rows so the missing rows read scratch, not foreign memory.
        for (let r = 0; r < rows; r++) memory.copy(edgeA + <usize>r * <usize>kc * 4, pa + <usize>r * lda, <usize>kc * 4);
        pa = edgeA;
        ldaTile = <usize>kc * 4;
      }
      let pb = transB ? pP : pB + <usize>k0 * ldb;
      let pc = dst + <usize>i0 * ldc;
      for (let j0 = 0; j0 < N; j0 += NR) {
        const nc = min(NR, N - j0);
        const wide = nc > 4;
        if (rows == h && (nc == NR || nc == 4)) {
          runTile(h, wide, transA, kc, pa, ldaTile, pb, ldb, pc, ldc);
        } else {
          runTile(h, wide, transA, kc, pa, ldaTile, pb, ldb, spill, 32);
          mergeSpill(rows, nc, pc, ldc);
        }
        pb += panelBytes;
        pc += NR << 2;
      }
      i0 += h;
    }
    if (k0 > 0) addTo(M * N, pT, pC);
    k0 += kc;
  } while (k0 < K);
}

/**
 * Strided batched GEMM: for i < batch, C_i = op(A_i) op(B_i) with X_i at pX + i*sX (byte strides;
 * 0 reuses one operand). sC = 0 sums all products into C (partials via pT, M*N floats of scratch);
 * pS as for gemm.
 */
export function gemmBatched(
  batch: i32, M: i32, N: i32, K: i32, pA: usize, sA: usize, transA: bool, pB: usize, sB: usize, transB: bool,
  pC: usize, sC: usize, pS: usize, pT: usize,
): void {
  for (let i = 0; i < batch; i++) {
    const sum = sC == 0 && i > 0;
    const dst = sum ? pT : pC + <usize>i * sC;
    gemm(M, N, K, pA + <usize>i * sA, transA, pB + <usize>i * sB, transB, dst, pS);
    if (sum) addTo(M * N, pT, pC);
  }
}
