// Blocked single-precision GEMM for AVX2 + FMA, laid out as in BLIS (Van Zee and van de Geijn,
// "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", 2015):
//   for each NC-wide column block of B, for each KC-deep slice of k:
//     pack B[slice, block] into NR-column panels (row p of a panel is NR consecutive floats);
//     for each MC-tall row block of A:
//       pack A[block, slice] into MR-row panels (column p of a panel is MR consecutive floats);
//       for every MR x NR tile of C: 12 ymm accumulators take kc rank-1 updates.
// Packing reads either layout of an operand through its strides, so transposes cost nothing
// beyond the packing every block gets anyway; it also zero-pads the edge panels, so the micro
// kernel always computes a whole tile and only edge tiles go through a small buffer. With few
// rows of A, row-major B is read in place instead of packed (READ_B_IN_PLACE_MAX_ROWS).
// This file is the only one compiled with -mavx2 -mfma; everything in it is internal except
// SgemmAvx2, which the caller reaches only after checking the CPU.
#include "sgemm.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

namespace {

// 6 rows x 2 vectors of 8 = 12 accumulators, plus 2 B vectors and 1 A broadcast: 15 of the 16
// ymm registers.
constexpr ptrdiff_t MR = 6;
constexpr ptrdiff_t NR = 16;
// A 384 x 16 panel of B (24 KiB) stays in a 32 KiB L1 while the A panels of a block stream past
// it (384 ran a little faster than 256 on BERT's shapes: fewer passes over C).
constexpr ptrdiff_t KC = 384;
// A 144 x 384 block of A (216 KiB) stays in L2.
constexpr ptrdiff_t MC = 144;
// A 384 x 3072 block of B (4.5 MiB) stays in L3 and covers BERT-base's widest layer in one block.
constexpr ptrdiff_t NC = 3072;
// Up to this many rows, each B panel is used by so few tiles that packing it costs more than it
// saves: row-major B is read where it is (measured: m = 16 runs 1.2x faster, m = 32 as fast).
constexpr ptrdiff_t READ_B_IN_PLACE_MAX_ROWS = 4 * MR;
// Transposing packs store 8 floats where a panel line has MR: see PackPanels.
constexpr ptrdiff_t PACK_OVERRUN = 8 - MR;

ptrdiff_t Min(ptrdiff_t x, ptrdiff_t y) { return x < y ? x : y; }

// Splits `size` into blocks of at most `block` that are as even as possible, rounded up to a
// multiple of `unit`: k = 500 gives 250 + 250 rather than 384 + 116, whose second pass over C
// would do little work for its cost.
ptrdiff_t EvenBlock(ptrdiff_t size, ptrdiff_t block, ptrdiff_t unit) {
  const ptrdiff_t blocks = (size + block - 1) / block;
  const ptrdiff_t even = (size + blocks - 1) / blocks;
  return Min(block, (even + unit - 1) / unit * unit);
}

// A 64-byte aligned buffer that grows on demand and is freed when its thread exits.
class PackBuffer {
 public:
  PackBuffer() = default;
  PackBuffer(const PackBuffer&) = delete;
  PackBuffer& operator=(const PackBuffer&) = delete;
  ~PackBuffer() { free(data_); }

  float* Reserve(size_t floats) {
    if (floats > capacity_) {
      free(data_);
      const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
      data_ = static_cast<float*>(aligned_alloc(64, bytes));
      capacity_ = data_ == nullptr ? 0 : bytes / sizeof(float);
    }
    return data_;
  }

 private:
  float* data_ = nullptr;
  size_t capacity_ = 0;
};

thread_local PackBuffer packedA;
thread_local PackBuffer packedB;

// Transposes the 8 x 8 matrix whose rows are r[0..7], in place.
inline void Transpose8x8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]);
  const __m256 t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]);
  const __m256 t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]);
  const __m256 t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]);
  const __m256 t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// Packs panels of `width` lanes: panel i holds lanes [i * width, (i + 1) * width) of every line,
// line after line, zero-padded past `lanes`; element (line q, lane l) of the source is
// src[q * lineStride + l * laneStride]. A's lines are its columns and its lanes its rows (MR-row
// panels); B's lines are its rows and its lanes its columns (NR-column panels).
void PackPanels(const float* src, ptrdiff_t lineStride, ptrdiff_t laneStride, ptrdiff_t lines,
                ptrdiff_t lanes, ptrdiff_t width, float* dst) {
  for (ptrdiff_t first = 0; first < lanes; first += width, dst += width * lines) {
    const ptrdiff_t count = Min(width, lanes - first);
    const float* from = src + first * laneStride;
    ptrdiff_t q = 0;
    if (count == width && laneStride == 1) {
      for (; q < lines; ++q) memcpy(dst + q * width, from + q * lineStride, width * sizeof(float));
    } else if (count == width && lineStride == 1) {
      // The other operand layout: transpose 8 x 8 tiles, zero-filling lanes past the width. A
      // line is stored as 8 floats; with MR = 6 the last two overlap the next line, which is
      // stored after (so the last line of a panel writes PACK_OVERRUN floats past it).
      for (; q + 8 <= lines; q += 8) {
        for (ptrdiff_t group = 0; group < width; group += 8) {
          __m256 r[8];
          for (ptrdiff_t l = 0; l < 8; ++l) {
            r[l] = group + l < width ? _mm256_loadu_ps(from + (group + l) * laneStride + q) : _mm256_setzero_ps();
          }
          Transpose8x8(r);
          for (ptrdiff_t t = 0; t < 8; ++t) _mm256_storeu_ps(dst + (q + t) * width + group, r[t]);
        }
      }
    }
    for (; q < lines; ++q) {
      for (ptrdiff_t l = 0; l < width; ++l) {
        dst[q * width + l] = l < count ? from[q * lineStride + l * laneStride] : 0.0f;
      }
    }
  }
}

// Packs a[0:mc, 0:kc] into MR-row panels, each kc columns of MR floats.
void PackA(SgemmOperand a, ptrdiff_t mc, ptrdiff_t kc, float* dst) {
  PackPanels(a.data, a.colStride, a.rowStride, kc, mc, MR, dst);
}

// Packs b[0:kc, 0:nc] into NR-column panels, each kc rows of NR floats.
void PackB(SgemmOperand b, ptrdiff_t kc, ptrdiff_t nc, float* dst) {
  PackPanels(b.data, b.rowStride, b.colStride, kc, nc, NR, dst);
}

// One row of a tile's accumulators. Named variables, not an array: GCC kept an array of
// accumulators in registers but also stored it to the stack on every step, at half the speed.
struct TileRow {
  __m256 lo, hi;
};

inline TileRow LoadRow(const float* row) { return {_mm256_loadu_ps(row), _mm256_loadu_ps(row + 8)}; }

inline void StoreRow(float* row, TileRow c) {
  _mm256_storeu_ps(row, c.lo);
  _mm256_storeu_ps(row + 8, c.hi);
}

inline void AddProduct(const float* a, __m256 b0, __m256 b1, TileRow& c) {
  const __m256 broadcast = _mm256_broadcast_ss(a);
  c.lo = _mm256_fmadd_ps(broadcast, b0, c.lo);
  c.hi = _mm256_fmadd_ps(broadcast, b1, c.hi);
}

// tile[r, 0:NR] = init[r * initStride, 0:NR] + (packed A panel . B panel)[r, 0:NR] for the MR
// rows r; tile and init have row strides ldc and initStride (0 repeats one row: a bias), the B
// panel has row stride bStride (NR when packed).
inline void MicroKernel(ptrdiff_t kc, const float* __restrict ap, const float* __restrict bp,
                        ptrdiff_t bStride, const float* init, ptrdiff_t initStride, float* tile,
                        ptrdiff_t ldc) {
  static_assert(MR == 6 && NR == 16, "the micro kernel is written out for 6 x 16 tiles");
  TileRow c0 = LoadRow(init), c1 = LoadRow(init + initStride), c2 = LoadRow(init + 2 * initStride);
  TileRow c3 = LoadRow(init + 3 * initStride), c4 = LoadRow(init + 4 * initStride), c5 = LoadRow(init + 5 * initStride);
#pragma GCC unroll 4
  for (ptrdiff_t p = 0; p < kc; ++p, ap += MR, bp += bStride) {
    const __m256 b0 = _mm256_loadu_ps(bp);
    const __m256 b1 = _mm256_loadu_ps(bp + 8);
    AddProduct(ap, b0, b1, c0);
    AddProduct(ap + 1, b0, b1, c1);
    AddProduct(ap + 2, b0, b1, c2);
    AddProduct(ap + 3, b0, b1, c3);
    AddProduct(ap + 4, b0, b1, c4);
    AddProduct(ap + 5, b0, b1, c5);
  }
  StoreRow(tile, c0), StoreRow(tile + ldc, c1), StoreRow(tile + 2 * ldc, c2);
  StoreRow(tile + 3 * ldc, c3), StoreRow(tile + 4 * ldc, c4), StoreRow(tile + 5 * ldc, c5);
}

// Where a tile's running sum starts: c itself after the first depth slice, else the bias (or
// zeros) repeated on every row.
struct TileStart {
  const float* bias;
  bool accumulate;
};

const float kZeroRow[NR] = {};

// c[0:rows, 0:cols] (row stride ldc) gets the product of one A panel and one B panel.
void Tile(ptrdiff_t kc, const float* ap, const float* bp, ptrdiff_t bStride, float* c, ptrdiff_t ldc,
          ptrdiff_t rows, ptrdiff_t cols, TileStart start, ptrdiff_t biasOffset) {
  const float* bias = start.bias == nullptr ? kZeroRow : start.bias + biasOffset;
  if (rows == MR && cols == NR) {
    if (start.accumulate) {
      MicroKernel(kc, ap, bp, bStride, c, ldc, c, ldc);
    } else {
      MicroKernel(kc, ap, bp, bStride, bias, 0, c, ldc);
    }
    return;
  }
  // An edge tile: the zero-padded panels give a whole tile, of which only part is kept.
  alignas(32) float buffer[MR * NR] = {};
  for (ptrdiff_t r = 0; r < rows; ++r) {
    memcpy(buffer + r * NR, start.accumulate ? c + r * ldc : bias, cols * sizeof(float));
  }
  MicroKernel(kc, ap, bp, bStride, buffer, NR, buffer, NR);
  for (ptrdiff_t r = 0; r < rows; ++r) memcpy(c + r * ldc, buffer + r * NR, cols * sizeof(float));
}

}  // namespace

bool SgemmAvx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, SgemmOperand a, SgemmOperand b, float* c,
               ptrdiff_t ldc, const float* bias) {
  if (m == 0 || n == 0) return true;
  if (k == 0) {
    for (ptrdiff_t i = 0; i < m; ++i) {
      for (ptrdiff_t j = 0; j < n; ++j) c[i * ldc + j] = bias == nullptr ? 0.0f : bias[j];
    }
    return true;
  }
  const ptrdiff_t kcMax = EvenBlock(k, KC, 1);
  const ptrdiff_t mcMax = EvenBlock(m, MC, MR);
  const ptrdiff_t ncMax = EvenBlock(n, NC, NR);
  // In place, only a last panel narrower than NR is packed.
  const bool readBInPlace = b.colStride == 1 && m <= READ_B_IN_PLACE_MAX_ROWS;
  float* const bufferA = packedA.Reserve(static_cast<size_t>(mcMax * kcMax + PACK_OVERRUN));
  float* const bufferB = packedB.Reserve(static_cast<size_t>((readBInPlace ? NR : ncMax) * kcMax));
  if (bufferA == nullptr || bufferB == nullptr) return false;

  for (ptrdiff_t jc = 0; jc < n; jc += ncMax) {
    const ptrdiff_t nc = Min(ncMax, n - jc);
    for (ptrdiff_t pc = 0; pc < k; pc += kcMax) {
      const ptrdiff_t kc = Min(kcMax, k - pc);
      const SgemmOperand bBlock = {b.data + pc * b.rowStride + jc * b.colStride, b.rowStride, b.colStride};
      if (!readBInPlace) PackB(bBlock, kc, nc, bufferB);
      const TileStart start = {bias == nullptr ? nullptr : bias + jc, pc > 0};
      for (ptrdiff_t ic = 0; ic < m; ic += mcMax) {
        const ptrdiff_t mc = Min(mcMax, m - ic);
        const SgemmOperand aBlock = {a.data + ic * a.rowStride + pc * a.colStride, a.rowStride, a.colStride};
        PackA(aBlock, mc, kc, bufferA);
        for (ptrdiff_t jr = 0; jr < nc; jr += NR) {
          const ptrdiff_t cols = Min(NR, nc - jr);
          const float* panel = bufferB + jr * kc;
          ptrdiff_t panelStride = NR;
          if (readBInPlace && cols == NR) {
            panel = bBlock.data + jr;
            panelStride = b.rowStride;
          } else if (readBInPlace) {
            const SgemmOperand edge = {bBlock.data + jr, b.rowStride, 1};
            PackB(edge, kc, cols, bufferB);
            panel = bufferB;
          }
          for (ptrdiff_t ir = 0; ir < mc; ir += MR) {
            Tile(kc, bufferA + ir * kc, panel, panelStride, c + (ic + ir) * ldc + jc + jr, ldc,
                 Min(MR, mc - ir), cols, start, jr);
          }
        }
      }
    }
  }
  return true;
}
