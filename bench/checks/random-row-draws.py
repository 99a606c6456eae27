#!/usr/bin/env python3
"""How much a torch.randn row steals before any training, over many seeds (the PyTorch side).

A check behind BENCHMARKS.md: in the speed comparison the `seed` and `frozen` strategies differ
between PyTorch and Headroom only by their random rows. This draws 300 rows the way
torch_head_reference.py does (torch.manual_seed(s); torch.randn) and reports the share of old-label
test examples each row takes at once, to compare with bench/checks/random-row-draws.ts.
Usage: /usr/bin/python3 bench/checks/random-row-draws.py <export-features folder>
"""
import json, os, sys
import numpy as np
import torch

folder = sys.argv[1]
ld = lambda n: np.load(os.path.join(folder, n))
X = torch.from_numpy(ld("features.npy").astype(np.float32))
y = torch.from_numpy(ld("labels.npy").astype(np.int64))
split = ld("split.npy")
C_old = json.load(open(os.path.join(folder, "meta.json")))["old_labels"]
W_old = torch.from_numpy(ld("head_w.npy").astype(np.float32))
b_old = torch.from_numpy(ld("head_b.npy").astype(np.float32))
test = np.where(split == 2)[0]
old = y[test] < C_old
best_old = (X[test] @ W_old.T + b_old).max(1).values
shares = []
for seed in range(300):
    torch.manual_seed(seed)
    w, b = torch.randn(1, X.shape[1]), torch.randn(1)
    shares.append(float(((X[test] @ w.T + b)[:, 0] > best_old)[old].float().mean()))
shares = np.array(shares)
print("torch random rows, share of old test examples taken at init: mean %.4f sd %.4f (300 seeds)" % (shares.mean(), shares.std(ddof=1)))
