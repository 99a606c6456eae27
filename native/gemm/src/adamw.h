// One AdamW update (torch.optim.AdamW's arithmetic) over a weight, in float32, compiled with AVX2.
// Called only after the CPU check, like the GEMM.
#ifndef HEADROOM_ADAMW_H
#define HEADROOM_ADAMW_H

#include <stddef.h>

struct AdamWStep {
  float beta1;
  float beta2;
  float epsilon;
  // 1 - learning rate * weight decay (1 for weights that do not decay).
  float shrink;
  // learning rate / (1 - beta1^t) and sqrt(1 - beta2^t): the bias corrections of step t.
  float stepSize;
  float correction2;
};

// For each i: w = w * shrink; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// w -= stepSize * m / (sqrt(v) / correction2 + epsilon).
void AdamWAvx2(float* weight, float* m, float* v, const float* gradient, size_t count, AdamWStep step);

#endif  // HEADROOM_ADAMW_H
