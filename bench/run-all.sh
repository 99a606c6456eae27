#!/usr/bin/env bash
# Every benchmark BENCHMARKS.md reports, in the order it reports them. Results go to bench/out/
# (ignored by git). Run from the repository root after `npm run build`; takes about two hours on
# 2 cores. Needs DATA (a folder with clinc150.csv and snips.csv), MODELS (a folder with
# clinc135-bert), HEAD_REFERENCE and BERT_REFERENCE (the PyTorch reference scripts) and, for the
# comparisons with PyTorch, Debian's python3-torch (and libopenblas0-pthread, which is what
# PyTorch's speed assumes). Each defaults to where the development machine keeps it.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/datasets}
MODELS=${MODELS:-../shared/models}
HEAD_REFERENCE=${HEAD_REFERENCE:-../shared/bench/torch_head_reference.py}
BERT_REFERENCE=${BERT_REFERENCE:-../shared/bench/torch_bert_reference.py}
for needed in "DATA=$DATA/clinc150.csv" "DATA=$DATA/snips.csv" "MODELS=$MODELS/clinc135-bert" "HEAD_REFERENCE=$HEAD_REFERENCE" "BERT_REFERENCE=$BERT_REFERENCE"; do
  if [ ! -e "${needed#*=}" ]; then
    echo "bench/run-all.sh: ${needed#*=} does not exist; set ${needed%%=*} to where it is" >&2
    exit 2
  fi
done
OUT=bench/out
# The forgetting budget the S1 and S2 recommendations decide for (a share of old-label accuracy).
MAX_FORGETTING=${MAX_FORGETTING:-0.01}
mkdir -p "$OUT"
headroom() { node dist/src/cli.js "$@"; }

for seed in 0 1 2; do
  headroom bench base --data "$DATA/clinc150.csv" --exclude-label oos --seed "$seed" --json "$OUT/base-clinc150-seed$seed.json"
  headroom bench base --data "$DATA/snips.csv" --seed "$seed" --json "$OUT/base-snips-seed$seed.json"
done
for dataset in clinc150 snips; do
  exclude=(); [ "$dataset" = clinc150 ] && exclude=(--exclude-label oos)
  for scenario in s1 s2 s3; do
    headroom bench "$scenario" --data "$DATA/$dataset.csv" "${exclude[@]}" --max-forgetting "$MAX_FORGETTING" --json "$OUT/$scenario-$dataset.json" > "$OUT/$scenario-$dataset.txt"
  done
done
# BENCHMARKS.md, "Ablation": CALIBRATED_REHEARSAL without each of its parts (CLINC150 on one seed, for time).
headroom bench s1 --data "$DATA/snips.csv" --ablate CALIBRATED_REHEARSAL --json "$OUT/ablate-snips.json" > "$OUT/ablate-snips.txt"
headroom bench s1 --data "$DATA/clinc150.csv" --exclude-label oos --ablate CALIBRATED_REHEARSAL --seeds 1 --json "$OUT/ablate-clinc150.json" > "$OUT/ablate-clinc150.txt"
headroom bench torch --data "$DATA/clinc150.csv" --exclude-label oos --reference "$HEAD_REFERENCE" --out "$OUT/features" --json "$OUT/torch-clinc150.json" > "$OUT/torch-clinc150.txt"

# BERT (BENCHMARKS.md, "BERT from Hugging Face"): texts one per line, as the reference reads them.
texts() { /usr/bin/python3 -c 'import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if sys.argv[2] == "all" or (r["split"] == "test" and r["label"] != "oos")]
print("\n".join(r["text"].replace("\n", " ").replace("\r", " ") for r in rows[: int(sys.argv[3])]))' "$@"; }
texts "$DATA/clinc150.csv" all 1000000 > "$OUT/clinc-all.txt"
texts "$DATA/clinc150.csv" test 2000 > "$OUT/clinc-test-2000.txt"
[ -d "$OUT/bert-base" ] || /usr/bin/python3 "$BERT_REFERENCE" make --data "$DATA/clinc150.csv" --out "$OUT/bert-base" --untrained \
  --hidden 768 --layers 12 --heads 12 --intermediate 3072 --vocab 30522
for folder in "$MODELS/clinc135-bert" "$OUT/bert-base"; do
  headroom bench parity --model "$folder" --texts test/fixtures/bert/texts.txt --reference "$BERT_REFERENCE" --json "$OUT/parity-$(basename "$folder").json"
done
headroom bench parity --model "$MODELS/clinc135-bert" --texts "$OUT/clinc-test-2000.txt" --reference "$BERT_REFERENCE" --json "$OUT/parity-clinc135-test.json"
for threads in 1 2; do
  headroom bench encoder --model "$MODELS/clinc135-bert" --texts "$OUT/clinc-all.txt" --threads "$threads" --reference "$BERT_REFERENCE" --json "$OUT/encoder-small-t$threads.json"
  headroom bench encoder --model "$OUT/bert-base" --texts "$OUT/clinc-test-2000.txt" --threads "$threads" --reference "$BERT_REFERENCE" --json "$OUT/encoder-base-t$threads.json"
done
headroom bench s1 --model "$MODELS/clinc135-bert" --data "$DATA/clinc150.csv" --exclude-label oos --max-forgetting "$MAX_FORGETTING" --json "$OUT/s1-clinc135-bert.json" > "$OUT/s1-clinc135-bert.txt"
