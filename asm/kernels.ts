// WebAssembly SIMD kernels of the pairnet engine. Pointers are byte offsets into linear memory;
// the JS wrapper (src/engine/kernels/wasm-gemm.ts) copies operands in, calls, and copies results out.
// Built twice by tools/build-wasm.mjs: plain SIMD, and with relaxed SIMD (fused multiply-add).
//
// GEMM layout: C[M,N] (+)= op(A)[M,K] * op(B)[K,N], row-major, dense.
//  - B is packed into panels of NR = 8 columns: panel p holds, for k = 0..K-1, the 8 values
//    op(B)[k, 8p..8p+7] (zero beyond N). Packing absorbs transB.
//  - A is read in place: row-major (lda = K floats) or, for transA, stored K x M so that the MR
//    values a micro-tile needs at step k are contiguous. Either way no transpose is materialised.
//  - An MR x 8 micro-tile keeps its accumulators in 2*MR v128 registers over the whole K loop.
//    The micro-kernels are separate (non-inlined) functions: inlined into one big driver, V8's
//    register allocator spilled accumulators and throughput halved. Edge tiles (fewer than MR rows
//    or 8 columns) are computed whole into a spill tile and only the valid part is written to C.

/** Rows per micro-tile: 6 with relaxed madd (15 of 16 xmm registers), 5 with mul+add. */
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
const NR: i32 = 8;

/** An MR x 8 tile for edge tiles (row stride 32 bytes). */
const spill: usize = memory.data(6 * 32, 16);

/** Start of the region the JS wrapper may use (everything above is free). */
export function scratchBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Packs op(B)[K,N] into 8-column panels at pP (see layout above). */
function packB(N: i32, K: i32, pB: usize, transB: bool, pP: usize): void {
  for (let j0 = 0; j0 < N; j0 += NR) {
    const nc = min(NR, N - j0);
    if (!transB && nc == NR) {
      let src = pB + (<usize>j0 << 2);
      const ld = <usize>N << 2;
      for (let k = 0; k < K; k++) {
        v128.store(pP, v128.load(src));
        v128.store(pP, v128.load(src, 16), 16);
        src += ld;
        pP += 32;
      }
    } else if (!transB) {
      let src = pB + (<usize>j0 << 2);
      const ld = <usize>N << 2;
      for (let k = 0; k < K; k++) {
        v128.store(pP, f32x4.splat(0));
        v128.store(pP, f32x4.splat(0), 16);
        for (let c = 0; c < nc; c++) store<f32>(pP + (<usize>c << 2), load<f32>(src + (<usize>c << 2)));
        src += ld;
        pP += 32;
      }
    } else {
      // op(B)[k, j] = B[j, k]: gather one element from each of nc rows of B.
      const ld = <usize>K << 2;
      const row0 = pB + <usize>j0 * ld;
      for (let k = 0; k < K; k++) {
        v128.store(pP, f32x4.splat(0));
        v128.store(pP, f32x4.splat(0), 16);
        let src = row0 + (<usize>k << 2);
        for (let c = 0; c < nc; c++) {
          store<f32>(pP + (<usize>c << 2), load<f32>(src));
          src += ld;
        }
        pP += 32;
      }
    }
  }
}


/**
 * The MR x 8 micro-kernel over the full K. trans: A[k, r] at pa + k*lda + 4r (one pointer, constant
 * offsets); else A row r at pa + r*lda, stepping 4 bytes per k (one pointer per row).
 */
@inline function tile(trans: bool, K: i32, pa: usize, lda: usize, pb: usize, pc: usize, ldc: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  let a0 = pa, a1 = pa + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(a0);
    c00 = fma(a, b0, c00);
    c01 = fma(a, b1, c01);
    a = trans ? v128.load32_splat(a0, 4) : v128.load32_splat(a1);
    c10 = fma(a, b0, c10);
    c11 = fma(a, b1, c11);
    a = trans ? v128.load32_splat(a0, 8) : v128.load32_splat(a2);
    c20 = fma(a, b0, c20);
    c21 = fma(a, b1, c21);
    a = trans ? v128.load32_splat(a0, 12) : v128.load32_splat(a3);
    c30 = fma(a, b0, c30);
    c31 = fma(a, b1, c31);
    a = trans ? v128.load32_splat(a0, 16) : v128.load32_splat(a4);
    c40 = fma(a, b0, c40);
    c41 = fma(a, b1, c41);
    if (MR > 5) {
      a = trans ? v128.load32_splat(a0, 20) : v128.load32_splat(a5);
      c50 = fma(a, b0, c50);
      c51 = fma(a, b1, c51);
    }
    pb += 32;
    if (trans) {
      a0 += lda;
    } else {
      a0 += 4;
      a1 += 4;
      a2 += 4;
      a3 += 4;
      a4 += 4;
      if (MR > 5) a5 += 4;
    }
  }
  v128.store(pc, c00);
  v128.store(pc, c01, 16);
  v128.store(pc + ldc, c10);
  v128.store(pc + ldc, c11, 16);
  v128.store(pc + 2 * ldc, c20);
  v128.store(pc + 2 * ldc, c21, 16);
  v128.store(pc + 3 * ldc, c30);
  v128.store(pc + 3 * ldc, c31, 16);
  v128.store(pc + 4 * ldc, c40);
  v128.store(pc + 4 * ldc, c41, 16);
  if (MR > 5) {
    v128.store(pc + 5 * ldc, c50);
    v128.store(pc + 5 * ldc, c51, 16);
  }
}

function tileRowMajorA(K: i32, pa: usize, lda: usize, pb: usize, pc: usize, ldc: usize): void {
  tile(false, K, pa, lda, pb, pc, ldc);
}

function tileTransA(K: i32, pa: usize, lda: usize, pb: usize, pc: usize, ldc: usize): void {
  tile(true, K, pa, lda, pb, pc, ldc);
}

@inline function packedBBytes(N: i32, K: i32): usize {
  return <usize>((N + NR - 1) / NR) * <usize>K * (NR << 2);
}

/** Bytes of scratch gemm needs (packed B, then one MR x K edge block of A). */
export function packedBytes(N: i32, K: i32): usize {
  return packedBBytes(N, K) + <usize>MR * <usize>K * 4;
}

/** Copies rows x nc of the spill tile into C. */
function mergeSpill(rows: i32, nc: i32, pc: usize, ldc: usize): void {
  for (let r = 0; r < rows; r++) {
    const src = spill + (<usize>r << 5);
    const dst = pc + <usize>r * ldc;
    for (let c = 0; c < nc; c++) {
      store<f32>(dst + (<usize>c << 2), load<f32>(src + (<usize>c << 2)));
    }
  }
}

/** dst[i] += src[i] for i < n (accumulating GEMM: kept out of the micro-kernel, where loading C
 * after the K loop made V8 hoist all A broadcasts to the loop top and spill accumulators). */
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

/**
 * C[M,N] = op(A) op(B). A at pA (M x K, or K x M if transA), B at pB (K x N, or N x K if transB),
 * C at pC (M x N); pP is scratch of packedBytes(N, K) bytes for packed B. Edge tiles may read up to
 * MR-1 floats past the end of A (results discarded), so A must not end at the end of memory.
 */
export function gemm(
  M: i32, N: i32, K: i32, pA: usize, transA: bool, pB: usize, transB: bool, pC: usize, pP: usize,
): void {
  packB(N, K, pB, transB, pP);
  // A row-major edge block (< MR rows) is copied into MR full rows so the tile reads nothing foreign.
  const edgeA = pP + packedBBytes(N, K);
  const ldc = <usize>N << 2;
  const lda: usize = transA ? <usize>M << 2 : <usize>K << 2;
  const panelBytes = <usize>K * (NR << 2);
  for (let i0 = 0; i0 < M; i0 += MR) {
    const rows = min(MR, M - i0);
    const pa = transA ? pA + (<usize>i0 << 2) : pA + <usize>i0 * lda;
    if (!transA && rows < MR) memory.copy(edgeA, pa, <usize>rows * lda);
    let pb = pP;
    let pc = pC + <usize>i0 * ldc;
    for (let j0 = 0; j0 < N; j0 += NR) {
      const nc = min(NR, N - j0);
      if (rows == MR && nc == NR) {
        if (transA) tileTransA(K, pa, lda, pb, pc, ldc);
        else tileRowMajorA(K, pa, lda, pb, pc, ldc);
      } else {
        if (transA) tileTransA(K, pa, lda, pb, spill, 32);
        else tileRowMajorA(K, rows == MR ? pa : edgeA, lda, pb, spill, 32);
        mergeSpill(rows, nc, pc, ldc);
      }
      pb += panelBytes;
      pc += NR << 2;
    }
  }
}
