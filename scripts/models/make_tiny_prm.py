#!/usr/bin/python3
"""Build a tiny but real process reward model (PRM) in the Hugging Face Optimum layout.

A GPT-2-style causal transformer with a 2-label token-classification head (label 1 = "good"),
read at a step separator token, as Qwen2.5-Math-PRM does: the input is

    problem + "\\n" + step_1 + "<extra_0>" + step_2 + "<extra_0>" + ... + step_n + "<extra_0>"

and the PRM's score of step i is softmax(logits at the i-th "<extra_0>")[good_label].

It is trained briefly on REAL step labels: the PRM800K records in shared/data/prm800k_phase*_examples.jsonl
(human ratings -1 / 0 / 1 of each step; -1 is "bad", 0 and 1 "good", unrated steps are not trained on).
Needs only Debian's python3-torch, python3-onnx and python3-regex (run with /usr/bin/python3); reuses the
byte-level BPE and transformer blocks of make_tiny_models.py beside it. Deterministic (fixed seeds).

Usage: /usr/bin/python3 scripts/models/make_tiny_prm.py OUTDIR [DATA_DIR]
  writes OUTDIR/model.onnx config.json tokenizer.json tokenizer_config.json special_tokens_map.json
  reference.json (PyTorch per-step probabilities for the JS side to reproduce).
DATA_DIR defaults to ../shared/data relative to the repository (where the PRM800K examples live).
"""
import glob, json, os, random, sys, time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_tiny_models import TinyGPT, bpe_encode, export, pad, train, train_bpe, write_json  # noqa: E402

torch.set_num_threads(1)
SEP = "<extra_0>"
MAX_LEN = 512
H, L, NH = 64, 2, 4


def load_records(data_dir):
    files = sorted(glob.glob(os.path.join(data_dir, "prm800k_phase*_examples.jsonl")))
    if not files:
        sys.exit(f"no prm800k_phase*_examples.jsonl in {data_dir}")
    recs = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            recs += [json.loads(line) for line in fh if line.strip()]
    return recs


def rating_label(r):
    return None if r is None else (0 if r < 0 else 1)


def samples_from(rec):
    """(problem, [step texts], [labels or None]) for every rated completion, after the chosen path so far."""
    problem = rec["question"]["problem"]
    prefix, prefix_labels, out = [], [], []
    for step in rec["label"]["steps"]:
        comps = step.get("completions") or []
        for c in comps:
            if c.get("rating") is not None:
                out.append((problem, prefix + [c["text"]], prefix_labels + [rating_label(c["rating"])]))
        chosen = step.get("chosen_completion")
        if chosen is not None and chosen < len(comps):
            prefix = prefix + [comps[chosen]["text"]]
            prefix_labels = prefix_labels + [rating_label(comps[chosen]["rating"])]
        elif step.get("human_completion"):
            hc = step["human_completion"]
            prefix = prefix + [hc["text"] if isinstance(hc, dict) else str(hc)]
            prefix_labels = prefix_labels + [1]
        else:
            break
    return out


def encode(vocab, ranks, sep_id, problem, steps):
    """Token ids of problem + "\\n" + steps each followed by SEP; the SEP token is split out before BPE,
    as the tokenizers library does with an added special token."""
    text = problem + "\n" + "".join(s + SEP for s in steps)
    ids = []
    pieces = text.split(SEP)
    for i, piece in enumerate(pieces):
        if piece:
            ids += bpe_encode(vocab, ranks, piece)
        if i < len(pieces) - 1:
            ids.append(sep_id)
    return ids


class TinyPRM(TinyGPT):
    def __init__(s, V):
        super().__init__(V, H, L, NH)
        s.cls = nn.Linear(H, 2)

    def forward(s, input_ids, attention_mask, position_ids):
        x, _ = s.core(input_ids, attention_mask, position_ids, None)
        return s.cls(x)  # [B, T, 2] token-classification logits


def main():
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    data_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "..", "shared", "data")
    rng = random.Random(4321); torch.manual_seed(4321)
    t0 = time.time()
    recs = load_records(data_dir)
    raw = [s for r in recs for s in samples_from(r)]
    texts = [r["question"]["problem"] for r in recs] + [t for _, steps, _ in raw for t in steps]
    tok, tcfg, stm, vocab, eos, ranks = train_bpe(texts, num_merges=800)
    sep_id = eos + 1
    tok["added_tokens"].append({"id": sep_id, "content": SEP, "single_word": False, "lstrip": False, "rstrip": False,
                                "normalized": False, "special": True})
    V = sep_id + 1
    data = []
    for problem, steps, labels in raw:
        ids = encode(vocab, ranks, sep_id, problem, steps)
        if len(ids) > MAX_LEN:
            continue
        tgt = [-100] * len(ids)
        k = 0
        for j, t in enumerate(ids):
            if t == sep_id:
                if labels[k] is not None:
                    tgt[j] = labels[k]
                k += 1
        data.append((ids, tgt))
    print(f"{len(recs)} PRM800K records, {len(raw)} rated samples, {len(data)} within {MAX_LEN} tokens, vocab {V} "
          f"({time.time()-t0:.1f}s)")

    model = TinyPRM(V)

    def step(i):
        batch = [data[rng.randrange(len(data))] for _ in range(8)]
        ids, am = pad([b[0] for b in batch], eos, MAX_LEN)
        tgt = torch.full(ids.shape, -100, dtype=torch.long)
        for r, (_, t) in enumerate(batch):
            tgt[r, :len(t)] = torch.tensor(t)
        pos = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
        logits = model(ids, am, pos)
        return F.cross_entropy(logits.reshape(-1, 2), tgt.reshape(-1), ignore_index=-100)

    loss = train(model, step, 150, lr=2e-3)
    print(f"prm trained loss={loss:.4f} ({time.time()-t0:.1f}s)")

    os.makedirs(out, exist_ok=True)
    ids, am = pad([data[0][0][:20], data[1][0][:7]], eos, MAX_LEN)
    pos = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
    export(model, (ids, am, pos), os.path.join(out, "model.onnx"), ["input_ids", "attention_mask", "position_ids"], ["logits"],
           {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"}, "logits": {0: "batch_size", 1: "sequence_length"}})
    write_json(os.path.join(out, "config.json"), {
        "_name_or_path": "tiny-prm", "architectures": ["GPT2ForTokenClassification"], "model_type": "gpt2",
        "vocab_size": V, "n_embd": H, "n_layer": L, "n_head": NH, "n_positions": MAX_LEN, "n_ctx": MAX_LEN,
        "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "bos_token_id": eos, "eos_token_id": eos,
        "pad_token_id": eos, "id2label": {"0": "bad", "1": "good"}, "label2id": {"bad": 0, "good": 1},
        "prm": {"step_separator": SEP, "good_label": 1, "format": "problem + \\n + each step followed by the separator"},
        "torch_dtype": "float32", "transformers_version": "4.46.0"})
    tok_cfg = dict(tcfg, additional_special_tokens=[SEP])
    write_json(os.path.join(out, "tokenizer.json"), tok)
    write_json(os.path.join(out, "tokenizer_config.json"), tok_cfg)
    write_json(os.path.join(out, "special_tokens_map.json"), dict(stm, additional_special_tokens=[SEP]))

    # reference: per-step P(good) for real PRM800K paths whose last step was rated bad, then good, and one
    # made-up trace; steps are single paragraphs, so segmentSteps (the trace explorer) finds the same steps
    def plain(steps):
        return all("\n" not in t.strip() and 0 < len(t.strip()) < 500 for t in steps)
    traces = []
    for want in (0, 1):
        for problem, steps, labels in raw:
            if labels[-1] == want and 2 <= len(steps) <= 8 and plain(steps) and \
                    len(encode(vocab, ranks, sep_id, problem, [t.strip() for t in steps])) <= MAX_LEN:
                traces.append({"prompt": problem, "steps": [t.strip() for t in steps], "labels": labels})
                break
    traces.append({"prompt": "What is 12 times 13?",
                   "steps": ["I can write 12 times 13 as 12 times 10 plus 12 times 3.", "That is 120 plus 36, which is 156.",
                             "Wait, 12 times 3 is 35, so the answer is 155."], "labels": [1, 1, 0]})
    model.eval()
    with torch.no_grad():
        for t in traces:
            ids = encode(vocab, ranks, sep_id, t["prompt"], t["steps"])
            x = torch.tensor([ids]); am = torch.ones_like(x); pos = torch.arange(len(ids)).unsqueeze(0)
            probs = torch.softmax(model(x, am, pos)[0], dim=-1)[:, 1]
            t["completion"] = "\n\n".join(t["steps"])
            t["input_ids"] = ids
            t["step_probabilities"] = [float(probs[j]) for j, tid in enumerate(ids) if tid == sep_id]
    write_json(os.path.join(out, "reference.json"), {"separator": SEP, "good_label": 1, "traces": traces})
    print("prm reference", [t["step_probabilities"] for t in traces], f"({time.time()-t0:.1f}s)")


if __name__ == "__main__":
    main()
