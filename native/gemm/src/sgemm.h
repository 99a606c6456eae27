// The interface between the N-API glue (compiled for any x86-64) and the GEMM (compiled with
// AVX2 and FMA). Plain structs and one function: an inline function or template shared by the
// two translation units could be linked in its AVX2 build and run before the CPU check.
#ifndef HEADROOM_SGEMM_H
#define HEADROOM_SGEMM_H

#include <stddef.h>

// A read-only matrix: element (i, j) is data[i * rowStride + j * colStride], so a transposed
// operand is the same memory with the strides swapped.
struct SgemmOperand {
  const float* data;
  ptrdiff_t rowStride;
  ptrdiff_t colStride;
};

// c[m, n] (row-major, row stride ldc) = a[m, k] . b[k, n], plus bias[n] on every row when bias is
// not null. c must not overlap a, b or bias. Single-threaded; safe to call from several threads
// at once (the packing buffers are thread-local). Returns false when the packing buffers could
// not be allocated, leaving c unspecified.
bool SgemmAvx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, SgemmOperand a, SgemmOperand b, float* c,
               ptrdiff_t ldc, const float* bias);

#endif  // HEADROOM_SGEMM_H
