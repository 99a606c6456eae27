{
  # Two targets so that only the kernels (GEMM, AdamW) are compiled for AVX2 + FMA: the module
  # itself, and its available() check, must load and run on any x86-64 CPU.
  "targets": [
    {
      "target_name": "sgemm_avx2",
      "type": "static_library",
      "sources": ["src/sgemm_avx2.cc", "src/adamw_avx2.cc"],
      "cflags": ["-fPIC", "-O3", "-mavx2", "-mfma", "-fno-math-errno"],
      "xcode_settings": {"OTHER_CFLAGS": ["-O3", "-mavx2", "-mfma", "-fno-math-errno"]}
    },
    {
      "target_name": "headroom_native_gemm",
      "sources": ["src/addon.cc"],
      "dependencies": ["sgemm_avx2"]
    }
  ]
}
