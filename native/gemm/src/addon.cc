// Node-API bindings of the AVX2 GEMM. Compiled without -mavx2, so that loading the module and
// calling available() are safe on any x86-64 CPU; the GEMM itself runs only once the CPU has
// been checked. No global mutable state: the module can be loaded by several worker_threads.
#include <math.h>
#include <node_api.h>
#include <stdio.h>

#include "adamw.h"
#include "sgemm.h"

namespace {

bool CpuHasAvx2Fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// Throws a JS error unless one is pending already (a failed Node-API call may have thrown).
void Throw(napi_env env, bool rangeError, const char* message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  if (rangeError) {
    napi_throw_range_error(env, nullptr, message);
  } else {
    napi_throw_type_error(env, nullptr, message);
  }
}

bool ReadDimension(napi_env env, napi_value value, const char* name, ptrdiff_t* out) {
  char message[128];
  double number = 0;
  if (napi_get_value_double(env, value, &number) != napi_ok || !(number >= 0) ||
      number > 9007199254740991.0 || floor(number) != number) {
    snprintf(message, sizeof message, "%s must be a non-negative integer", name);
    Throw(env, false, message);
    return false;
  }
  *out = static_cast<ptrdiff_t>(number);
  return true;
}

struct FloatArray {
  float* data;
  size_t length;
};

// A Float32Array's elements where they are (a view into wasm memory stays a view: no copy).
bool ReadFloat32Array(napi_env env, napi_value value, const char* name, FloatArray* out) {
  char message[128];
  bool isTypedArray = false;
  napi_typedarray_type type = napi_int8_array;
  void* data = nullptr;
  if (napi_is_typedarray(env, value, &isTypedArray) != napi_ok || !isTypedArray ||
      napi_get_typedarray_info(env, value, &type, &out->length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array) {
    snprintf(message, sizeof message, "%s must be a Float32Array", name);
    Throw(env, false, message);
    return false;
  }
  out->data = static_cast<float*>(data);
  return true;
}

bool ReadBooleanOption(napi_env env, napi_value options, const char* name, bool* out) {
  bool has = false;
  napi_value value;
  if (napi_has_named_property(env, options, name, &has) != napi_ok) return false;
  *out = false;
  if (!has) return true;
  if (napi_get_named_property(env, options, name, &value) != napi_ok) return false;
  napi_valuetype type;
  napi_typeof(env, value, &type);
  if (type == napi_undefined) return true;
  if (type != napi_boolean || napi_get_value_bool(env, value, out) != napi_ok) {
    char message[128];
    snprintf(message, sizeof message, "options.%s must be a boolean", name);
    Throw(env, false, message);
    return false;
  }
  return true;
}

struct Options {
  bool transposeA = false;
  bool transposeB = false;
  FloatArray bias = {nullptr, 0};
};

bool ReadOptions(napi_env env, napi_value value, Options* out) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return false;
  if (type == napi_undefined) return true;
  if (type != napi_object) {
    Throw(env, false, "options must be an object");
    return false;
  }
  if (!ReadBooleanOption(env, value, "transposeA", &out->transposeA) ||
      !ReadBooleanOption(env, value, "transposeB", &out->transposeB)) {
    return false;
  }
  bool hasBias = false;
  if (napi_has_named_property(env, value, "bias", &hasBias) != napi_ok) return false;
  if (!hasBias) return true;
  napi_value bias;
  if (napi_get_named_property(env, value, "bias", &bias) != napi_ok ||
      napi_typeof(env, bias, &type) != napi_ok) {
    return false;
  }
  return type == napi_undefined || ReadFloat32Array(env, bias, "options.bias", &out->bias);
}

// How far apart consecutive matrices of an operand are: `size` when it holds `batch` of them,
// 0 when it holds one that every batch shares; -1 (and a thrown RangeError) otherwise.
ptrdiff_t BatchStride(napi_env env, const char* name, const FloatArray& array, size_t size,
                      size_t batch, const char* sizeName) {
  size_t total = 0;
  const bool overflow = __builtin_mul_overflow(size, batch, &total);
  if (!overflow && array.length == total) return static_cast<ptrdiff_t>(size);
  if (array.length == size) return 0;
  char message[192];
  snprintf(message, sizeof message, "%s has %zu elements: expected %s = %zu, or batch times that", name,
           array.length, sizeName, size);
  Throw(env, true, message);
  return -1;
}

// c[batch, m, n] = a[batch or 1, m, k] . b[batch or 1, k, n] (+ bias[n]), a and b read
// transposed ([k, m], [n, k]) when asked. Returns false with a JS exception pending on bad input.
bool Multiply(napi_env env, ptrdiff_t batch, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const FloatArray& a,
              const FloatArray& b, const FloatArray& c, const Options& options) {
  if (!CpuHasAvx2Fma()) {
    Throw(env, false, "this CPU lacks AVX2 or FMA: check available() before calling");
    return false;
  }
  size_t aSize = 0, bSize = 0, cSize = 0, cTotal = 0;
  if (__builtin_mul_overflow(static_cast<size_t>(m), static_cast<size_t>(k), &aSize) ||
      __builtin_mul_overflow(static_cast<size_t>(k), static_cast<size_t>(n), &bSize) ||
      __builtin_mul_overflow(static_cast<size_t>(m), static_cast<size_t>(n), &cSize) ||
      __builtin_mul_overflow(cSize, static_cast<size_t>(batch), &cTotal) || c.length != cTotal) {
    char message[128];
    snprintf(message, sizeof message, "c has %zu elements: expected batch * m * n", c.length);
    Throw(env, true, message);
    return false;
  }
  const ptrdiff_t aStride = BatchStride(env, "a", a, aSize, batch, "m * k");
  const ptrdiff_t bStride = BatchStride(env, "b", b, bSize, batch, "k * n");
  if (aStride < 0 || bStride < 0) return false;
  if (options.bias.data != nullptr && options.bias.length != static_cast<size_t>(n)) {
    Throw(env, true, "options.bias must have n elements");
    return false;
  }
  const SgemmOperand aOperand = options.transposeA ? SgemmOperand{a.data, 1, m} : SgemmOperand{a.data, k, 1};
  const SgemmOperand bOperand = options.transposeB ? SgemmOperand{b.data, 1, k} : SgemmOperand{b.data, n, 1};
  // A shared b under row-major a matrices is one product with batch * m rows: b is packed once.
  const bool foldBatchIntoRows = bStride == 0 && aStride != 0 && !options.transposeA;
  const ptrdiff_t products = foldBatchIntoRows ? 1 : batch;
  const ptrdiff_t rows = foldBatchIntoRows ? batch * m : m;
  for (ptrdiff_t i = 0; i < products; ++i) {
    const SgemmOperand aMatrix = {aOperand.data + i * aStride, aOperand.rowStride, aOperand.colStride};
    const SgemmOperand bMatrix = {bOperand.data + i * bStride, bOperand.rowStride, bOperand.colStride};
    if (!SgemmAvx2(rows, n, k, aMatrix, bMatrix, c.data + i * static_cast<ptrdiff_t>(cSize), n,
                   options.bias.data)) {
      napi_throw_error(env, nullptr, "sgemm: out of memory for the packing buffers");
      return false;
    }
  }
  return true;
}

// sgemmBatched(batch, m, n, k, a, b, c, options?): c[batch, m, n] = a . b per batch, where a
// holds batch matrices [m, k] or one shared by all (likewise b, [k, n]); options.transposeA and
// transposeB read them as [k, m] and [n, k]; options.bias (n floats) is added to every row.
napi_value SgemmBatched(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc < 7) {
    Throw(env, false, "sgemmBatched(batch, m, n, k, a, b, c, options?) takes 7 or 8 arguments");
    return nullptr;
  }
  ptrdiff_t batch, m, n, k;
  FloatArray a, b, c;
  Options options;
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  if (ReadDimension(env, argv[0], "batch", &batch) && ReadDimension(env, argv[1], "m", &m) &&
      ReadDimension(env, argv[2], "n", &n) && ReadDimension(env, argv[3], "k", &k) &&
      ReadFloat32Array(env, argv[4], "a", &a) && ReadFloat32Array(env, argv[5], "b", &b) &&
      ReadFloat32Array(env, argv[6], "c", &c) && ReadOptions(env, argc > 7 ? argv[7] : undefined, &options)) {
    Multiply(env, batch, m, n, k, a, b, c, options);
  }
  return nullptr;
}

bool ReadFloat(napi_env env, napi_value value, const char* name, float* out) {
  double number = 0;
  if (napi_get_value_double(env, value, &number) != napi_ok || !isfinite(number)) {
    char message[128];
    snprintf(message, sizeof message, "%s must be a finite number", name);
    Throw(env, false, message);
    return false;
  }
  *out = static_cast<float>(number);
  return true;
}

// adamw(weight, m, v, gradient, beta1, beta2, epsilon, shrink, stepSize, correction2): one AdamW
// update in place, over four Float32Arrays of one length (see adamw.h).
napi_value AdamW(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc != 10) {
    Throw(env, false, "adamw(weight, m, v, gradient, beta1, beta2, epsilon, shrink, stepSize, correction2) takes 10 arguments");
    return nullptr;
  }
  if (!CpuHasAvx2Fma()) {
    Throw(env, false, "this CPU lacks AVX2 or FMA: check available() before calling");
    return nullptr;
  }
  FloatArray weight, m, v, gradient;
  AdamWStep step;
  if (!ReadFloat32Array(env, argv[0], "weight", &weight) || !ReadFloat32Array(env, argv[1], "m", &m) ||
      !ReadFloat32Array(env, argv[2], "v", &v) || !ReadFloat32Array(env, argv[3], "gradient", &gradient) ||
      !ReadFloat(env, argv[4], "beta1", &step.beta1) || !ReadFloat(env, argv[5], "beta2", &step.beta2) ||
      !ReadFloat(env, argv[6], "epsilon", &step.epsilon) || !ReadFloat(env, argv[7], "shrink", &step.shrink) ||
      !ReadFloat(env, argv[8], "stepSize", &step.stepSize) || !ReadFloat(env, argv[9], "correction2", &step.correction2)) {
    return nullptr;
  }
  if (m.length != weight.length || v.length != weight.length || gradient.length != weight.length) {
    Throw(env, true, "weight, m, v and gradient must have the same length");
    return nullptr;
  }
  AdamWAvx2(weight.data, m.data, v.data, gradient.data, weight.length, step);
  return nullptr;
}

napi_value Available(napi_env env, napi_callback_info) {
  napi_value result;
  napi_get_boolean(env, CpuHasAvx2Fma(), &result);
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
  const napi_property_descriptor properties[] = {
      {"available", nullptr, Available, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sgemmBatched", nullptr, SgemmBatched, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"adamw", nullptr, AdamW, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok) {
    return nullptr;
  }
  return exports;
}
