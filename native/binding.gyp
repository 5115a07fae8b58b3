{
  "targets": [
    {
      "target_name": "pairnet_native",
      "sources": ["src/addon.c", "src/addon-conv.c", "src/addon-norm.c", "src/batchnorm.c", "src/adam.c", "src/conv.c", "src/conv-relu.c", "src/conv-relu-sparse.c", "src/conv-winograd.c", "src/conv-winograd-wgrad.c", "src/dropout.c", "src/elementwise.c", "src/gemm.c", "src/pool.c"],
      "cflags": ["-O3", "-std=gnu11", "-fno-strict-aliasing", "-ffp-contract=off", "-fno-math-errno", "-fopenmp-simd"]
    }
  ]
}
