#!/usr/bin/python3
# Copied unchanged (apart from this header) from the project's shared folder, shared/models/make_tiny_models.py,
# written for Reasoning Lab; kept here so the tiny models in examples/models/ are reproducible from the repo:
#   /usr/bin/python3 scripts/models/make_tiny_models.py OUTDIR [--bench]
"""Build tiny but architecturally real HF/Optimum-layout ONNX models without transformers/tokenizers.

Needs only Debian bookworm packages: python3-torch (1.13) python3-onnx (1.12) python3-regex (run with /usr/bin/python3).
Usage: /usr/bin/python3 make_tiny_models.py OUTDIR [--bench]   (deterministic: fixed seeds)
Produces:
  OUTDIR/tiny-bert-rm/   model.onnx config.json tokenizer.json tokenizer_config.json special_tokens_map.json
  OUTDIR/tiny-gpt2-rm/   same, GPT-2 style, last-token pooling (like Llama-RM / GPT2ForSequenceClassification)
  OUTDIR/tiny-gpt2-lm/   model.onnx with past_key_values.* inputs / present.* outputs + generation_config.json
  --bench: OUTDIR/bench-minilm-rm/ (6L/384H) and OUTDIR/bench-bertbase-rm/ (12L/768H), random weights
"""
import json, math, os, random, sys, time
from collections import Counter

import regex
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)  # OpenMP oversubscription is catastrophic on small shared VMs
OPSET = 14

# ---------------------------------------------------------------- synthetic corpus (good vs bad "assistant" answers)
TOPICS = ["python", "typescript", "rust", "sorting", "recursion", "databases", "networking", "testing", "caching",
          "compilers", "linear algebra", "probability", "git", "docker", "regular expressions", "unicode", "threads",
          "memory", "http", "json", "the event loop", "promises", "closures", "binary search", "hash maps"]
GOOD = ["Thanks for the question. {T} is easier once you see the core idea: break the problem into small steps and check each one.",
        "Here is a clear explanation of {T}. First, define the inputs. Second, handle the edge cases. Finally, test the result.",
        "Good question! In {T}, the key point is correctness first, then performance. Here is a short example with comments.",
        "Let me explain {T} step by step, with a small example and a note on common mistakes to avoid.",
        "Sure. {T} works like this: the function returns a value, and you can verify it with a unit test. I hope this helps!",
        "To summarize {T}: keep functions small, name things clearly, and measure before you optimize."]
BAD = ["I don't know anything about {T}, figure it out yourself.",
       "{T} {T} {T} is is is the the the.",
       "Whatever. {T} is stupid and you should not ask about it.",
       "asdf qwer {T} zxcv lorem ipsum random words here 12345 !!!",
       "No. {T}? Just google it, I won't help.",
       "{T} is always wrong and never works, trust me, no explanation needed."]


def make_corpus(n, rng):
    data = []
    for _ in range(n):
        t = rng.choice(TOPICS)
        good = rng.random() < 0.5
        s = rng.choice(GOOD if good else BAD).replace("{T}", t)
        if good and rng.random() < 0.5:
            s += " " + rng.choice(GOOD).replace("{T}", rng.choice(TOPICS))
        data.append((s, 1.0 if good else -1.0))
    return data


# ---------------------------------------------------------------- WordPiece (BERT) tokenizer.json
def build_wordpiece(texts, vocab_size=1200):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = Counter()
    for t in texts:
        for w in regex.findall(r"\w+|[^\w\s]", t.lower()):
            words[w] += 1
    chars = sorted({c for w in words for c in w})
    vocab = specials + chars + ["##" + c for c in chars]
    for w, _ in words.most_common():
        if len(vocab) >= vocab_size * 0.7:
            break
        if w not in vocab:
            vocab.append(w)
    subs = Counter()
    for w, c in words.items():
        for i in range(1, len(w)):
            for j in range(i + 2, min(len(w), i + 6) + 1):
                subs["##" + w[i:j]] += c
    for s, _ in subs.most_common():
        if len(vocab) >= vocab_size:
            break
        if s not in vocab:
            vocab.append(s)
    vocab = {t: i for i, t in enumerate(dict.fromkeys(vocab))}
    added = [{"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for s in specials]
    cls, sep = vocab["[CLS]"], vocab["[SEP]"]
    tok = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [cls], "tokens": ["[CLS]"]},
                                              "[SEP]": {"id": "[SEP]", "ids": [sep], "tokens": ["[SEP]"]}}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }
    cfg = {"tokenizer_class": "BertTokenizer", "do_lower_case": True, "model_max_length": 512,
           "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]",
           "mask_token": "[MASK]", "clean_up_tokenization_spaces": True, "padding_side": "right"}
    stm = {"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]"}
    return tok, cfg, stm, vocab


def wp_encode(vocab, text, max_len):
    """Python reference WordPiece encode (lowercase, split on \\w+/punct, greedy longest match)."""
    import unicodedata  # BertNormalizer(lowercase=True, strip_accents=None) => lowercase + strip accents
    text = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")
    ids = [vocab["[CLS]"]]
    for w in regex.findall(r"\w+|[^\w\s]", text):
        start, pieces = 0, []
        while start < len(w):
            end, cur = len(w), None
            while start < end:
                s = w[start:end] if start == 0 else "##" + w[start:end]
                if s in vocab:
                    cur = vocab[s]; break
                end -= 1
            if cur is None:
                pieces = [vocab["[UNK]"]]; break
            pieces.append(cur); start = end
        ids += pieces
    return (ids[:max_len - 1] + [vocab["[SEP]"]])


# ---------------------------------------------------------------- byte-level BPE (GPT-2) tokenizer.json
GPT2_PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return dict(zip(bs, map(chr, cs)))


def train_bpe(texts, num_merges=600):
    be = bytes_to_unicode()
    wf = Counter()
    for t in texts:
        for tok in GPT2_PAT.findall(t):
            wf["".join(be[b] for b in tok.encode("utf-8"))] += 1
    vocab = {be[b]: i for i, b in enumerate(sorted(be))}
    splits = {w: list(w) for w in wf}
    merges = []
    for _ in range(num_merges):
        pc = Counter()
        for w, f in wf.items():
            s = splits[w]
            for a, b in zip(s, s[1:]):
                pc[(a, b)] += f
        if not pc:
            break
        best = max(pc.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        new = best[0] + best[1]
        vocab.setdefault(new, len(vocab))
        for w in wf:
            s = splits[w]
            if len(s) < 2:
                continue
            out, i = [], 0
            while i < len(s):
                if i < len(s) - 1 and s[i] == best[0] and s[i + 1] == best[1]:
                    out.append(new); i += 2
                else:
                    out.append(s[i]); i += 1
            splits[w] = out
    eos_id = len(vocab)
    tok = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": eos_id, "content": "<|endoftext|>", "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": True, "special": True}],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }
    cfg = {"tokenizer_class": "GPT2Tokenizer", "model_max_length": 512, "bos_token": "<|endoftext|>",
           "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
           "add_prefix_space": False, "clean_up_tokenization_spaces": False, "padding_side": "right"}
    stm = {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}
    ranks = {m: i for i, m in enumerate(merges)}
    return tok, cfg, stm, vocab, eos_id, ranks


def bpe_encode(vocab, ranks, text):
    be = bytes_to_unicode()
    ids = []
    for t in GPT2_PAT.findall(text):
        s = list("".join(be[b] for b in t.encode("utf-8")))
        while len(s) > 1:
            pairs = [(ranks.get((a, b), 1e9), i) for i, (a, b) in enumerate(zip(s, s[1:]))]
            r, i = min(pairs)
            if r == 1e9:
                break
            s = s[:i] + [s[i] + s[i + 1]] + s[i + 2:]
        ids += [vocab[x] for x in s]
    return ids


# ---------------------------------------------------------------- models
NEG = torch.finfo(torch.float32).min


class MHA(nn.Module):
    def __init__(s, h, nh):
        super().__init__(); s.nh, s.hd = nh, h // nh
        s.q, s.k, s.v, s.o = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)

    def split(s, x):
        b, t, _ = x.shape
        return x.view(b, t, s.nh, s.hd).transpose(1, 2)

    def forward(s, x, add_mask, past_k=None, past_v=None):
        q, k, v = s.split(s.q(x)), s.split(s.k(x)), s.split(s.v(x))
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2); v = torch.cat([past_v, v], dim=2)
        a = (q @ k.transpose(-1, -2)) / math.sqrt(s.hd) + add_mask
        y = torch.softmax(a, dim=-1) @ v
        b, _, t, _ = y.shape
        return s.o(y.transpose(1, 2).reshape(b, t, s.nh * s.hd)), k, v


class BertLayer(nn.Module):  # post-LN like BERT
    def __init__(s, h, nh, ff):
        super().__init__(); s.att = MHA(h, nh); s.ln1 = nn.LayerNorm(h, eps=1e-12)
        s.f1, s.f2 = nn.Linear(h, ff), nn.Linear(ff, h); s.ln2 = nn.LayerNorm(h, eps=1e-12)

    def forward(s, x, m):
        x = s.ln1(x + s.att(x, m)[0])
        return s.ln2(x + s.f2(F.gelu(s.f1(x))))


class TinyBertRM(nn.Module):
    def __init__(s, V, h=128, L=4, nh=4, ff=512, P=512):
        super().__init__()
        s.we, s.pe, s.te = nn.Embedding(V, h), nn.Embedding(P, h), nn.Embedding(2, h)
        s.ln = nn.LayerNorm(h, eps=1e-12); s.layers = nn.ModuleList([BertLayer(h, nh, ff) for _ in range(L)])
        s.pool, s.cls = nn.Linear(h, h), nn.Linear(h, 1)

    def forward(s, input_ids, attention_mask, token_type_ids):
        T = input_ids.shape[1]
        pos = torch.arange(T, dtype=torch.long).unsqueeze(0)
        x = s.ln(s.we(input_ids) + s.pe(pos) + s.te(token_type_ids))
        m = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * NEG
        for l in s.layers:
            x = l(x, m)
        return s.cls(torch.tanh(s.pool(x[:, 0])))  # logits [B,1]


class GPTBlock(nn.Module):  # pre-LN like GPT-2/Llama
    def __init__(s, h, nh):
        super().__init__(); s.ln1, s.ln2 = nn.LayerNorm(h), nn.LayerNorm(h); s.att = MHA(h, nh)
        s.f1, s.f2 = nn.Linear(h, 4 * h), nn.Linear(4 * h, h)

    def forward(s, x, m, pk=None, pv=None):
        a, k, v = s.att(s.ln1(x), m, pk, pv)
        x = x + a
        return x + s.f2(F.gelu(s.f1(s.ln2(x)), approximate="tanh")), k, v


class TinyGPT(nn.Module):
    def __init__(s, V, h=128, L=4, nh=4, P=512, head="lm"):
        super().__init__(); s.L, s.nh, s.hd, s.head_kind = L, nh, h // nh, head
        s.wte, s.wpe = nn.Embedding(V, h), nn.Embedding(P, h)
        s.blocks = nn.ModuleList([GPTBlock(h, nh) for _ in range(L)]); s.lnf = nn.LayerNorm(h)
        if head == "score":
            s.score = nn.Linear(h, 1, bias=False)

    def core(s, input_ids, attention_mask, position_ids, past):
        T = input_ids.shape[1]
        total = attention_mask.shape[1]
        x = s.wte(input_ids) + s.wpe(position_ids)
        qpos = torch.arange(T).unsqueeze(1) + (total - T)
        causal = torch.arange(total).unsqueeze(0) <= qpos  # [T,total]
        allowed = causal[None, None] & attention_mask[:, None, None, :].bool()
        m = torch.zeros(allowed.shape, dtype=torch.float32).masked_fill(~allowed, NEG)
        presents = []
        for i, b in enumerate(s.blocks):
            pk, pv = (past[2 * i], past[2 * i + 1]) if past is not None else (None, None)
            x, k, v = b(x, m, pk, pv)
            presents += [k, v]
        return s.lnf(x), presents

    def forward(s, input_ids, attention_mask, position_ids, *past):
        x, presents = s.core(input_ids, attention_mask, position_ids, list(past) if past else None)
        if s.head_kind == "score":  # pool last non-pad token (right padding), like *ForSequenceClassification
            last = attention_mask.sum(dim=1) - 1
            return s.score(x[torch.arange(x.shape[0]), last])
        return (x @ s.wte.weight.t(), *presents)


# ---------------------------------------------------------------- helpers
def pad(batch, pad_id, max_len):
    T = min(max(len(b) for b in batch), max_len)
    ids = torch.full((len(batch), T), pad_id, dtype=torch.long)
    am = torch.zeros((len(batch), T), dtype=torch.long)
    for i, b in enumerate(batch):
        b = b[:T]; ids[i, :len(b)] = torch.tensor(b); am[i, :len(b)] = 1
    return ids, am


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)


def export(model, args, path, input_names, output_names, dyn):
    model.eval()
    torch.onnx.export(model, args, path, input_names=input_names, output_names=output_names,
                      dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))


def train(model, step_fn, steps, lr=1e-3):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for i in range(steps):
        loss = step_fn(i)
        opt.zero_grad(); loss.backward(); opt.step()
    return float(loss)


# ---------------------------------------------------------------- main
def main():
    out = sys.argv[1]
    bench = "--bench" in sys.argv
    rng = random.Random(1234); torch.manual_seed(1234)
    data = make_corpus(4000, rng)
    texts = [t for t, _ in data]
    t0 = time.time()

    # ---- BERT-style reward model
    tok, tcfg, stm, vocab = build_wordpiece(texts)
    d = os.path.join(out, "tiny-bert-rm"); os.makedirs(d, exist_ok=True)
    V = len(vocab)
    rm = TinyBertRM(V)
    enc = [wp_encode(vocab, t, 64) for t in texts]
    ys = torch.tensor([y for _, y in data])

    def bert_step(i):
        idx = [rng.randrange(len(enc)) for _ in range(16)]
        ids, am = pad([enc[j] for j in idx], 0, 64)
        return F.mse_loss(rm(ids, am, torch.zeros_like(ids)).squeeze(-1), ys[idx])
    loss = train(rm, bert_step, 120)
    print(f"bert-rm trained loss={loss:.4f} ({time.time()-t0:.1f}s)")
    ids, am = pad([enc[0], enc[1][:5]], 0, 64)
    export(rm, (ids, am, torch.zeros_like(ids)), os.path.join(d, "model.onnx"),
           ["input_ids", "attention_mask", "token_type_ids"], ["logits"],
           {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
            "token_type_ids": {0: "batch_size", 1: "sequence_length"}, "logits": {0: "batch_size"}})
    write_json(os.path.join(d, "config.json"), {
        "_name_or_path": "tiny-bert-rm", "architectures": ["BertForSequenceClassification"], "model_type": "bert",
        "vocab_size": V, "hidden_size": 128, "num_hidden_layers": 4, "num_attention_heads": 4, "intermediate_size": 512,
        "hidden_act": "gelu", "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
        "pad_token_id": 0, "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}, "problem_type": "regression",
        "torch_dtype": "float32", "transformers_version": "4.46.0"})
    write_json(os.path.join(d, "tokenizer.json"), tok); write_json(os.path.join(d, "tokenizer_config.json"), tcfg)
    write_json(os.path.join(d, "special_tokens_map.json"), stm)
    # reference scores for cross-checking the JS side
    samples = ["Here is a clear explanation of caching. First, define the inputs. Second, handle the edge cases.",
               "Whatever. caching is stupid and you should not ask about it.", "héllo wörld, ünïcode 123!"]
    rm.eval()
    with torch.no_grad():
        sids = [wp_encode(vocab, s, 512) for s in samples]
        ids, am = pad(sids, 0, 512)
        ref = rm(ids, am, torch.zeros_like(ids)).squeeze(-1).tolist()
    write_json(os.path.join(d, "reference.json"), {"samples": samples, "input_ids": sids, "logits": ref})
    print("bert-rm ref", ref)

    # ---- GPT-2-style tokenizer + LM with KV cache + RM with last-token pooling
    tok, tcfg, stm, bvocab, eos, ranks = train_bpe(texts)
    print(f"bpe vocab={len(bvocab)+1} ({time.time()-t0:.1f}s)")
    V = eos + 1
    L, NH, H = 4, 4, 128
    lm = TinyGPT(V, H, L, NH)
    genc = [bpe_encode(bvocab, ranks, t) + [eos] for t in texts]

    def lm_step(i):
        idx = [rng.randrange(len(genc)) for _ in range(16)]
        ids, am = pad([genc[j] for j in idx], eos, 64)
        pos = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
        logits = lm(ids, am, pos)[0]
        tgt = ids[:, 1:].masked_fill(am[:, 1:] == 0, -100)
        return F.cross_entropy(logits[:, :-1].reshape(-1, V), tgt.reshape(-1), ignore_index=-100)
    loss = train(lm, lm_step, 300)
    print(f"gpt2-lm trained loss={loss:.4f} ({time.time()-t0:.1f}s)")
    d = os.path.join(out, "tiny-gpt2-lm"); os.makedirs(d, exist_ok=True)
    ids = torch.tensor([genc[0][:6], genc[1][:6]]); am = torch.ones(2, 9, dtype=torch.long)
    pos = torch.arange(3, 9).unsqueeze(0).expand(2, 6)
    past = tuple(torch.randn(2, NH, 3, H // NH) for _ in range(2 * L))
    pin = [f"past_key_values.{i}.{kv}" for i in range(L) for kv in ("key", "value")]
    pout = [f"present.{i}.{kv}" for i in range(L) for kv in ("key", "value")]
    dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
           "position_ids": {0: "batch_size", 1: "sequence_length"}, "logits": {0: "batch_size", 1: "sequence_length"}}
    for n in pin:
        dyn[n] = {0: "batch_size", 2: "past_sequence_length"}
    for n in pout:
        dyn[n] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
    export(lm, (ids, am, pos, *past), os.path.join(d, "model.onnx"),
           ["input_ids", "attention_mask", "position_ids", *pin], ["logits", *pout], dyn)
    gcfg = {"_name_or_path": "tiny-gpt2-lm", "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
            "vocab_size": V, "n_embd": H, "n_layer": L, "n_head": NH, "n_positions": 512, "n_ctx": 512, "n_inner": None,
            "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "bos_token_id": eos, "eos_token_id": eos,
            "pad_token_id": eos, "use_cache": True, "tie_word_embeddings": True, "torch_dtype": "float32",
            "transformers_version": "4.46.0"}
    write_json(os.path.join(d, "config.json"), gcfg)
    write_json(os.path.join(d, "generation_config.json"), {"bos_token_id": eos, "eos_token_id": eos, "max_length": 64})
    write_json(os.path.join(d, "tokenizer.json"), tok); write_json(os.path.join(d, "tokenizer_config.json"), tcfg)
    write_json(os.path.join(d, "special_tokens_map.json"), stm)
    # greedy reference continuation (no cache) for cross-check
    lm.eval()
    prompt = "Here is a clear explanation of"
    p = bpe_encode(bvocab, ranks, prompt)
    seq = list(p)
    with torch.no_grad():
        for _ in range(12):
            x = torch.tensor([seq]); a = torch.ones_like(x); pz = torch.arange(len(seq)).unsqueeze(0)
            seq.append(int(lm(x, a, pz)[0][0, -1].argmax()))
    write_json(os.path.join(d, "reference.json"), {"prompt": prompt, "prompt_ids": p, "greedy_ids": seq[len(p):]})
    print("gpt2-lm greedy ref", seq[len(p):])

    # ---- GPT-style RM (Llama-RM-like I/O: input_ids, attention_mask, position_ids -> logits[B,1])
    grm = TinyGPT(V, H, L, NH, head="score")
    grm.load_state_dict(lm.state_dict(), strict=False)

    def grm_step(i):
        idx = [rng.randrange(len(genc)) for _ in range(16)]
        ids, am = pad([genc[j] for j in idx], eos, 64)
        pos = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
        return F.mse_loss(grm(ids, am, pos).squeeze(-1), ys[idx])
    loss = train(grm, grm_step, 120)
    print(f"gpt2-rm trained loss={loss:.4f} ({time.time()-t0:.1f}s)")
    d = os.path.join(out, "tiny-gpt2-rm"); os.makedirs(d, exist_ok=True)
    ids, am = pad([genc[0], genc[1][:5]], eos, 64)
    pos = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
    export(grm, (ids, am, pos), os.path.join(d, "model.onnx"), ["input_ids", "attention_mask", "position_ids"], ["logits"],
           {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"}, "logits": {0: "batch_size"}})
    c = dict(gcfg, _name_or_path="tiny-gpt2-rm", architectures=["GPT2ForSequenceClassification"],
             id2label={"0": "LABEL_0"}, label2id={"LABEL_0": 0}, problem_type="regression", use_cache=False)
    write_json(os.path.join(d, "config.json"), c)
    write_json(os.path.join(d, "tokenizer.json"), tok); write_json(os.path.join(d, "tokenizer_config.json"), tcfg)
    write_json(os.path.join(d, "special_tokens_map.json"), stm)
    grm.eval()
    with torch.no_grad():
        sids = [bpe_encode(bvocab, ranks, s) + [eos] for s in samples]
        ids, am = pad(sids, eos, 512)
        pos = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
        ref = grm(ids, am, pos).squeeze(-1).tolist()
    write_json(os.path.join(d, "reference.json"), {"samples": samples, "input_ids": sids, "logits": ref})
    print("gpt2-rm ref", ref)

    if bench:  # random-weight size-representative models for throughput numbers
        for name, h, L_, nh, ff in [("bench-minilm-rm", 384, 6, 12, 1536), ("bench-bertbase-rm", 768, 12, 12, 3072)]:
            d = os.path.join(out, name); os.makedirs(d, exist_ok=True)
            m = TinyBertRM(30522, h, L_, nh, ff)
            ids = torch.randint(5, 30522, (2, 16)); am = torch.ones_like(ids)
            export(m, (ids, am, torch.zeros_like(ids)), os.path.join(d, "model.onnx"),
                   ["input_ids", "attention_mask", "token_type_ids"], ["logits"],
                   {k: {0: "batch_size", 1: "sequence_length"} for k in ["input_ids", "attention_mask", "token_type_ids"]}
                   | {"logits": {0: "batch_size"}})
            print(name, "exported", f"({time.time()-t0:.1f}s)")


if __name__ == "__main__":
    main()
