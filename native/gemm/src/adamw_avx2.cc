#include "adamw.h"

#include <math.h>

// A plain loop: at -O3 with AVX2 (and no errno from sqrtf) the compiler turns it into 8-wide
// vector code, which is all an update that reads four floats and writes three per weight needs.
void AdamWAvx2(float* weight, float* m, float* v, const float* gradient, size_t count, AdamWStep step) {
  const float keep1 = 1.0f - step.beta1;
  const float keep2 = 1.0f - step.beta2;
  for (size_t i = 0; i < count; ++i) {
    const float g = gradient[i];
    const float mi = step.beta1 * m[i] + keep1 * g;
    const float vi = step.beta2 * v[i] + keep2 * g * g;
    m[i] = mi;
    v[i] = vi;
    weight[i] = weight[i] * step.shrink - step.stepSize * mi / (sqrtf(vi) / step.correction2 + step.epsilon);
  }
}
