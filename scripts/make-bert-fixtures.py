#!/usr/bin/env python3
"""Regenerates test/fixtures/bert/: tiny random BERT classifiers in Hugging Face folders, the texts
to run them on, and the reference's token ids, pooled features and logits for those texts.

  python3 scripts/make-bert-fixtures.py --reference PATH --data PATH

Run it with a Python that has PyTorch and numpy (Debian: apt-get install python3-torch); the
reference script runs under the same interpreter. Relative paths are taken from the project root.
--reference is the PyTorch BERT reference script (commands `make` and `logits`), --data the intent
CSV (text,label,split) the tiny models' vocabulary and the ordinary texts come from. Everything is
seeded, so a rerun rewrites the same files.
"""
import argparse, csv, json, os, random, shutil, struct, subprocess, sys, tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "bert")
SEED = 0
LABELS = 5
MAX_LEN = 24
MAKE_FLAGS = ["--untrained", "--init-std", "0.3", "--hidden", "32", "--layers", "2", "--heads", "4",
              "--intermediate", "64", "--max-len", str(MAX_LEN), "--vocab", "400", "--seed", str(SEED)]
# Generated fixtures only: README.md is written by hand.
GENERATED = ["texts.txt", "tiny", "tiny-cased", "tiny-f16", "tiny-bf16", "tiny-sharded", "tiny-tf-names",
             "tiny.expected.json", "tiny-cased.expected.json", "tiny-f16.expected.json", "tiny-bf16.expected.json"]
# What a model-only folder keeps: the reference reads vocab.txt and do_lower_case from tokenizer_config.json.
MODEL_FOLDER_FILES = ["config.json", "vocab.txt", "tokenizer_config.json"]

# Python's str.isspace(): the reference skips lines made only of these.
PYTHON_WHITESPACE = set("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                        "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")

HARD_TEXTS = [
    # accents
    "café au lait", "naïve façade", "Ångström units", "ÉCOLE ÉLÉMENTAIRE", "crème brûlée", "señor niño",
    "Zoë's résumé", "São Paulo", "Dvořák and Łódź", "e\u0301te\u0301 decomposed", "ÀÉÎÕÜ", "Ça va?",
    # punctuation
    "what's my balance?", "a-b c--d", "wait...", "¿qué? ¡sí!", "«quotes» and „low“", "‘curly’ “double”",
    "em—dash en–dash", "$+<=>^`|~", "100% of $5", "email me@example.com", "http://example.com/a?b=c&d=e",
    "C++ and C#", "(parens) [brackets] {braces}", "semi;colon:colon", "hash#tag @user", "1,000.50",
    "don't won't can't", "¶§•†‡", "…", "。、「」『』", "！？（）", "a/b\\c", '"quoted"', "'single'",
    "under_score", "tilde~test",
    # CJK: only the ideograph ranges get spaces around them
    "我想订机票", "北京是中国的首都", "日本語のテキスト", "ひらがな カタカナ", "한국어 텍스트", "mixed中文english",
    "漢字かな混じり文", "𠀀𠀁 ext b", "豈更 compat", "〇一二三", "中文，标点。",
    # emoji
    "I love it 😀", "👍🏽 thumbs", "👨\u200d👩\u200d👧\u200d👦 family", "🇺🇸🇫🇷 flags", "❤️ heart", "1️⃣ keycap",
    "🏳️\u200d🌈", "🫠 melting", "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f england",
    # format characters, U+FFFD and friends (removed by clean_text)
    "zero\u200bwidth", "join\u200dme", "\ufeffbom start", "soft\u00adhyphen", "bad\ufffdchar", "nul\u0000char",
    "del\u007fchar", "next\u0085line", "bidi\u202eoverride", "word\u2060joiner", "mongolian\u180evowel",
    "arabic\u061cmark",
    # empty after cleaning, yet not Python whitespace, so the reference keeps the line
    "\u200b", "\u200b\u200d\ufeff", "\u0000", "\u0001\u0002", "\u00ad", "\u007f", "\ufffd", "\u202e\u2066", "\ufeff",
    # unusual whitespace
    "tab\there", "nbsp\u00a0here", "em\u2003space", "ideographic\u3000space", "line\u2028separator",
    "para\u2029separator", "  leading and trailing  ", "many     spaces", "\u1680ogham", "narrow\u202fnbsp",
    "\u205fmath space", "vertical\x0btab", "form\x0cfeed", "10\u00a0000",
    # longer than the 24-token limit
    "please tell me how long it will take for my replacement card to arrive because i need it for a trip next week",
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen",
    "book a hotel room in paris for three nights starting on friday with a view of the tower and breakfast included",
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
    # very long words: over 100 code points is one [UNK]
    "a" * 101, "b" * 100, "supercalifragilisticexpialidocious" * 3, "x" * 150 + " ok", "é" * 101, "é" * 100,
    "𝐀" * 60,
    # case, digits
    "HeLLo WoRLD", "NASA and FBI", "iPhone McDonald", "1234567890", "call 555-1234", "3.14159", "２０２４年",
    "½ ¾ ²", "Ⅻ roman", "Ⓐⓑ circled",
    # Greek (final sigma), Turkish, German, ligatures, fullwidth
    "ΣΑΣ", "ΟΔΥΣΣΕΥΣ", "Σ", "ΑΣ.Β", "ΑΣ'Β", "αΣ", "ΣΣ ΣΣ", "Ὀδυσσεύς", "İstanbul", "DİYARBAKIR", "ı dotless",
    "Straße", "STRASSE", "ẞ capital", "ﬁnance ﬂow", "æsthetic Œuvre", "ＨＥＬＬＯ ｗｏｒｌｄ", "ｈｅｌｌｏ！",
    # combining marks, scripts with marks
    "a\u0301\u0302\u0303", "\u0301 alone", "n\u0303", "Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307lgo",
    "\u0300\u0301", "שָׁלוֹם", "مَرْحَبًا", "नमस्ते", "สวัสดี", "Привет МИР", "Բարեւ", "ᲒᲐᲛᲐᲠᲯᲝᲑᲐ", "Ꭰꭰ",
    # astral letters with and without case mappings
    "𝐀𝐁𝐂 math bold", "𝒜 script", "😀😃😄", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𐐀 deseret", "variation\ufe0eselector",
    # words the vocabulary lacks, special-token look-alikes, private use, a noncharacter
    "xylophone quizzical", "antidisestablishmentarianism", "zzzzqqq", "reservationsss", "unbookable",
    "[CLS] text [SEP]", "[UNK] [PAD] [MASK]", "##ing", "\ue000 private", "\uffff nonchar",
]
# Lines the reference skips (Python whitespace only), so a reader of texts.txt must skip them too.
WHITESPACE_LINES = ["\x1c\x1f", "\t  \u3000", "\u2028"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reference", required=True,
                   help="the PyTorch BERT reference script, torch_bert_reference.py (relative to the project root)")
    p.add_argument("--data", required=True,
                   help="intent CSV with header text,label,split, e.g. CLINC150's (relative to the project root)")
    a = p.parse_args()
    for flag in ("reference", "data"):
        path = os.path.join(ROOT, getattr(a, flag))
        if not os.path.isfile(path):
            sys.exit(f"--{flag}: {path} does not exist; pass --{flag} PATH")
        setattr(a, flag, path)
    return a


def reference(script, *args):
    subprocess.run([sys.executable, script, *args], check=True, stdout=subprocess.DEVNULL)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [(r["text"], r["label"], r.get("split", "train")) for r in csv.DictReader(f)]


def write_small_csv(rows, labels, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label", "split"])
        w.writerows(r for r in rows if r[1] in labels)


def ordinary_texts(rows, labels, rng):
    usable = lambda r: r[2] == "test" and "\r" not in r[0] and "\n" not in r[0] and r[0].strip()
    known = [r[0] for r in rows if usable(r) and r[1] in labels]
    other = [r[0] for r in rows if usable(r) and r[1] not in labels]
    return rng.sample(known, 50) + rng.sample(other, 100)


def all_texts(rows, labels):
    rng = random.Random(SEED)
    texts = ordinary_texts(rows, labels, rng)
    texts += [f"stop{chr(cp)}here" for cp in list(range(0x00, 0x20)) + [0x7f] if chr(cp) not in "\r\n"]
    texts += [f"a{c}b" for c in map(chr, range(0x21, 0x7f)) if not c.isalnum()]
    texts += HARD_TEXTS
    for i, line in enumerate(WHITESPACE_LINES):
        texts.insert(40 + 100 * i, line)
    for t in texts:
        assert "\r" not in t and "\n" not in t, repr(t)
    kept = [t for t in texts if not set(t) <= PYTHON_WHITESPACE]
    assert len(kept) >= 320, len(kept)
    return texts


# ---------------------------------------------------------------- safetensors, any dtype

def read_safetensors(path):
    """name -> (dtype, shape, raw bytes), in file order."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop("__metadata__", None)
    return {k: (v["dtype"], v["shape"], data[v["data_offsets"][0]:v["data_offsets"][1]]) for k, v in header.items()}


def write_safetensors(path, tensors):
    """tensors: name -> (dtype, shape, raw bytes). Header as the safetensors library writes it:
    __metadata__ first, compact JSON, padded with spaces to 8 bytes."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def f32(raw):
    return np.frombuffer(raw, dtype="<f4")


def to_f16(raw):
    return f32(raw).astype("<f2").tobytes()


def to_bf16(raw):
    """Round to nearest even on the upper 16 bits (the weights hold no NaN)."""
    bits = f32(raw).view("<u4").astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2").tobytes()


# ---------------------------------------------------------------- folders

def model_folder(source, dest, tensors_writer):
    os.makedirs(dest)
    for name in MODEL_FOLDER_FILES:
        shutil.copy(os.path.join(source, name), dest)
    tensors_writer(dest)


def edit_json(path, edit, indent):
    with open(path, encoding="utf-8") as f:
        value = json.load(f)
    edit(value)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=indent)


def make_cased(tiny, dest):
    """The reference's `make` writes tokenizer_config.json indented and tokenizer.json compact; so does this."""
    shutil.copytree(tiny, dest)
    edit_json(os.path.join(dest, "tokenizer_config.json"), lambda c: c.update(do_lower_case=False), 2)
    edit_json(os.path.join(dest, "tokenizer.json"), lambda t: t["normalizer"].update(lowercase=False), None)


def write_sharded(tensors, dest):
    """Two shards split at half the bytes, and the index transformers writes beside them."""
    names = sorted(tensors)
    total = sum(len(tensors[n][2]) for n in names)
    first, size = [], 0
    for n in names:
        if size + len(tensors[n][2]) > total // 2 and first:
            break
        first.append(n)
        size += len(tensors[n][2])
    shards = {"model-00001-of-00002.safetensors": first,
              "model-00002-of-00002.safetensors": [n for n in names if n not in first]}
    weight_map = {}
    for file, members in shards.items():
        write_safetensors(os.path.join(dest, file), {n: tensors[n] for n in members})
        weight_map.update({n: file for n in members})
    with open(os.path.join(dest, "model.safetensors.index.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2, sort_keys=True) + "\n")
    rejoined = {}
    for file in shards:
        rejoined.update(read_safetensors(os.path.join(dest, file)))
    assert rejoined == tensors, "the shards do not hold the original tensors"


def tf_names(tensors):
    """LayerNorm parameters as gamma/beta, plus the position_ids buffer old checkpoints carry."""
    renamed = {}
    for name, value in tensors.items():
        if ".LayerNorm." in name:
            name = name.replace(".LayerNorm.weight", ".LayerNorm.gamma").replace(".LayerNorm.bias", ".LayerNorm.beta")
        renamed[name] = value
    renamed["bert.embeddings.position_ids"] = ("I64", [1, MAX_LEN], np.arange(MAX_LEN, dtype="<i8").reshape(1, MAX_LEN).tobytes())
    return renamed


# ---------------------------------------------------------------- expected outputs

def logits(script, folder, texts_file, scratch):
    out = os.path.join(scratch, os.path.basename(folder) + ".json")
    reference(script, "logits", "--model", folder, "--texts", texts_file, "--json", out)
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def write_expected(rows, path):
    """Floats to 7 significant digits: float32 needs no more, and the files stay small."""
    round7 = lambda xs: [float(f"{x:.7g}") for x in xs]
    compact = [{"text": r["text"], "ids": r["ids"], "pooled": round7(r["pooled"]), "logits": round7(r["logits"])} for r in rows]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(compact, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def main():
    a = parse_args()
    rows = read_rows(a.data)
    labels = set(random.Random(SEED).sample(sorted({r[1] for r in rows}), LABELS))
    for name in GENERATED:
        path = os.path.join(OUT, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        small_csv = os.path.join(scratch, "small.csv")
        write_small_csv(rows, labels, small_csv)
        tiny = os.path.join(OUT, "tiny")
        reference(a.reference, "make", "--data", small_csv, "--out", tiny, *MAKE_FLAGS)

        texts_file = os.path.join(OUT, "texts.txt")
        with open(texts_file, "w", encoding="utf-8", newline="\n") as f:
            f.write("".join(t + "\n" for t in all_texts(rows, labels)))

        make_cased(tiny, os.path.join(OUT, "tiny-cased"))
        tensors = read_safetensors(os.path.join(tiny, "model.safetensors"))
        assert all(dtype == "F32" for dtype, _, _ in tensors.values())
        for name, convert, dtype in (("tiny-f16", to_f16, "F16"), ("tiny-bf16", to_bf16, "BF16")):
            model_folder(tiny, os.path.join(OUT, name), lambda d: write_safetensors(
                os.path.join(d, "model.safetensors"), {n: (dtype, s, convert(raw)) for n, (_, s, raw) in tensors.items()}))
        model_folder(tiny, os.path.join(OUT, "tiny-sharded"), lambda d: write_sharded(tensors, d))
        model_folder(tiny, os.path.join(OUT, "tiny-tf-names"), lambda d: write_safetensors(
            os.path.join(d, "model.safetensors"), tf_names(tensors)))

        tiny_rows = logits(a.reference, tiny, texts_file, scratch)
        # The reference renames gamma/beta and ignores position_ids: tiny-tf-names must give
        # tiny's outputs exactly, so it has no expected file of its own (nor has tiny-sharded,
        # whose shards were checked above to hold tiny's tensors byte for byte).
        assert logits(a.reference, os.path.join(OUT, "tiny-tf-names"), texts_file, scratch) == tiny_rows, \
            "tiny-tf-names gives other outputs than tiny"
        write_expected(tiny_rows, os.path.join(OUT, "tiny.expected.json"))
        for name in ("tiny-cased", "tiny-f16", "tiny-bf16"):
            write_expected(logits(a.reference, os.path.join(OUT, name), texts_file, scratch),
                           os.path.join(OUT, name + ".expected.json"))
    print(f"wrote {OUT}: {len(tiny_rows)} texts, labels {sorted(labels)}")


if __name__ == "__main__":
    main()
