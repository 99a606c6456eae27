#!/usr/bin/env bash
# Every benchmark BENCHMARKS.md reports, in the order it reports them. Results go to bench/out/
# (ignored by git). Run from the repository root after `npm run build`; takes under an hour on
# 2 cores. Needs ../shared/datasets and, for the speed comparison, Debian's python3-torch.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/datasets}
OUT=bench/out
mkdir -p "$OUT"
headroom() { node dist/src/cli.js "$@"; }

for seed in 0 1 2; do
  headroom bench base --data "$DATA/clinc150.csv" --exclude-label oos --seed "$seed" --json "$OUT/base-clinc150-seed$seed.json"
  headroom bench base --data "$DATA/snips.csv" --seed "$seed" --json "$OUT/base-snips-seed$seed.json"
done
for dataset in clinc150 snips; do
  exclude=(); [ "$dataset" = clinc150 ] && exclude=(--exclude-label oos)
  for scenario in s1 s2 s3; do
    headroom bench "$scenario" --data "$DATA/$dataset.csv" "${exclude[@]}" --json "$OUT/$scenario-$dataset.json" > "$OUT/$scenario-$dataset.txt"
  done
done
headroom bench torch --data "$DATA/clinc150.csv" --exclude-label oos --out "$OUT/features" --json "$OUT/torch-clinc150.json" > "$OUT/torch-clinc150.txt"
