#!/usr/bin/python3
"""Trains the jnim demo VLM from scratch on procedural scenes and exports a Hugging Face LLaVA directory.

    /usr/bin/python3 tools/demo-model/train.py --out /tmp/demo-vlm            # full recipe
    /usr/bin/python3 tools/demo-model/train.py --out /tmp/t --steps 20        # smoke run

Everything is seeded (Python, NumPy and torch RNGs; data for step k comes from a generator seeded with k),
so re-running reproduces the model; the run resumes from <out>/ckpt.pt when present.
"""
import argparse
import json
import math
import os
import random
import sys
import time

# On a shared 2-core machine, OpenMP threads that spin while waiting for each other make every small op
# ~10x slower; passive waiting and single-threaded BLAS calls (torch parallelises around them) avoid it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
if os.path.isdir(OPENBLAS) and OPENBLAS not in os.environ.get("LD_LIBRARY_PATH", "") and __name__ == "__main__":
    # Debian's torch uses the reference BLAS by default (~1.5 GFLOPS here); OpenBLAS is ~6x faster.
    os.environ["LD_LIBRARY_PATH"] = OPENBLAS + ":" + os.environ.get("LD_LIBRARY_PATH", "")
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402
import export  # noqa: E402
import scenes  # noqa: E402
from model import Llava, init_weights  # noqa: E402

SEED = 1234
REG_WEIGHT = 0.1
AUX_WEIGHT = 0.5
IMAGE_SIZE = 64
PATCH = 16
IMAGE_TOKENS = (IMAGE_SIZE // PATCH) ** 2
SPECIALS = ["<|pad|>", "<|end|>", "<|user|>", "<|assistant|>", "<image>"]
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]


def build_config(vocab_size, tok):
    return {
        "architectures": ["LlavaForConditionalGeneration"],
        "model_type": "llava",
        "ignore_index": -100,
        "image_token_index": tok.vocab["<image>"],
        "image_seq_length": IMAGE_TOKENS,
        "pad_token_id": tok.vocab["<|pad|>"],
        "projector_hidden_act": "gelu",
        "vision_feature_layer": -1,
        "vision_feature_select_strategy": "default",
        "tie_word_embeddings": False,
        "torch_dtype": "float32",
        "vision_config": {
            "model_type": "clip_vision_model",
            "hidden_size": 192,
            "intermediate_size": 512,
            "num_hidden_layers": 4,
            "num_attention_heads": 4,
            "image_size": IMAGE_SIZE,
            "patch_size": PATCH,
            "hidden_act": "quick_gelu",
            "layer_norm_eps": 1e-5,
            "projection_dim": 192,
        },
        "text_config": {
            "model_type": "llama",
            "hidden_size": 128,
            "intermediate_size": 384,
            "num_hidden_layers": 3,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 32,
            "hidden_act": "silu",
            "rms_norm_eps": 1e-5,
            "rope_theta": 10000.0,
            "max_position_embeddings": 512,
            "vocab_size": vocab_size,
            "tie_word_embeddings": False,
            "eos_token_id": tok.vocab["<|end|>"],
            "pad_token_id": tok.vocab["<|pad|>"],
        },
    }


def build_tokenizer():
    rng = random.Random(SEED)
    lines = scenes.corpus_lines(rng)
    # Chat scaffolding and spaces between words are in every sample; let them merge too.
    lines += ["\n", "\n\n"] * 10
    merges = bpe.train(lines, num_merges=600)
    return bpe.Tokenizer(SPECIALS, merges)


def preprocess(img):
    """CLIPImageProcessor with shortest_edge = crop = IMAGE_SIZE, as HF and jnim do it (square input)."""
    from PIL import Image
    w, h = img.size
    if (w, h) != (IMAGE_SIZE, IMAGE_SIZE):
        s = IMAGE_SIZE / min(w, h)
        nw, nh = (IMAGE_SIZE, int(h * s)) if w <= h else (int(w * s), IMAGE_SIZE)
        img = img.resize((nw, nh), Image.BICUBIC)
        left, top = (nw - IMAGE_SIZE) // 2, (nh - IMAGE_SIZE) // 2
        img = img.crop((left, top, left + IMAGE_SIZE, top + IMAGE_SIZE))
    x = (np.asarray(img, dtype=np.uint8).astype(np.float64) * 0.00392156862745098).astype(np.float32)
    x = (x - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return x.transpose(2, 0, 1).astype(np.float32)


def user_turn(q, image):
    return "<|user|>\n" + ("<image>\n" if image else "") + q + "<|end|>\n<|assistant|>\n"


GRID = IMAGE_SIZE // PATCH
AUX_SHAPES = ["none"] + scenes.SHAPES
AUX_COLOURS = ["none"] + list(scenes.COLOURS)
AUX_DIGITS = ["none"] + [str(d) for d in range(10)]


def patch_labels(sc):
    """Per patch: shape, colour and digit of the object whose centre lies in it ("none" elsewhere).

    Training-only deep supervision of the vision tower (a linear head that is not exported): trained only
    through the decoder, the tower sat for 700+ steps on a plateau where every image token carried the
    background colour and nothing else; these per-patch targets make its tokens describe what is where."""
    lab = np.zeros((GRID * GRID, 3), dtype=np.int64)
    items = [(o, o["shape"], o["colour"], None) for o in sc["objects"]]
    if sc["text"] is not None:
        items.append((sc["text"], None, None, sc["text"]["digit"]))
    for it, shape, colour, digit in items:
        fx, fy = scenes.SLOTS[it["slot"]]
        col = min(GRID - 1, max(0, int((fx + it["dx"]) * GRID)))
        row = min(GRID - 1, max(0, int((fy + it["dy"]) * GRID)))
        k = row * GRID + col
        if shape is not None:
            lab[k, 0] = AUX_SHAPES.index(shape)
            lab[k, 1] = AUX_COLOURS.index(colour)
        else:
            lab[k, 2] = AUX_DIGITS.index(digit)
    return lab


def make_sample(rng, tok):
    """One training sequence: an image and 4-8 question/answer turns about it, loss on the answers."""
    sc = scenes.sample_scene(rng)
    img = scenes.render(sc, rng)
    pairs = scenes.qa_pairs(sc, rng)
    rng.shuffle(pairs)
    k = rng.randint(4, 8)
    chosen = pairs[:k]
    ids, labels = [], []
    img_id = tok.vocab["<image>"]
    for i, (_, q, a) in enumerate(chosen):
        p = tok.encode(user_turn(q, i == 0))
        if i == 0:
            j = p.index(img_id)
            p = p[:j] + [img_id] * IMAGE_TOKENS + p[j + 1:]
        ans = tok.encode(a + "<|end|>")
        ids += p + ans
        labels += [-100] * len(p) + ans
        nl = tok.encode("\n")
        ids += nl
        labels += [-100] * len(nl)
    return preprocess(img), ids, labels, patch_labels(sc)


def make_batch(step, batch_size, tok):
    rng = random.Random(SEED * 1_000_003 + step)
    samples = [make_sample(rng, tok) for _ in range(batch_size)]
    n = max(len(s[1]) for s in samples)
    pad = tok.vocab["<|pad|>"]
    ids = torch.full((batch_size, n), pad, dtype=torch.long)
    labels = torch.full((batch_size, n), -100, dtype=torch.long)
    mask = torch.zeros((batch_size, n), dtype=torch.long)
    for i, (_, s, l, _) in enumerate(samples):
        ids[i, :len(s)] = torch.tensor(s)
        labels[i, :len(l)] = torch.tensor(l)
        mask[i, :len(s)] = 1
    pixels = torch.from_numpy(np.stack([s[0] for s in samples]))
    aux = torch.from_numpy(np.stack([s[3] for s in samples]))
    return ids, pixels, mask, labels, aux


def lr_at(step, total, peak, warmup=100):
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=1300)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--stop-after", type=int, default=None,
                    help="end (and export) after this many steps of the --steps schedule")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    os.makedirs(args.out, exist_ok=True)

    tok = build_tokenizer()
    config = build_config(len(tok.vocab), tok)
    model = Llava(config)
    init_weights(model, SEED)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"vocab {len(tok.vocab)} params {n_params}", flush=True)
    aux_head = torch.nn.Linear(config["vision_config"]["hidden_size"], len(AUX_SHAPES) + len(AUX_COLOURS) + len(AUX_DIGITS))
    with torch.no_grad():
        aux_head.weight.copy_(torch.randn(aux_head.weight.shape, generator=torch.Generator().manual_seed(SEED + 1)) * 0.02)
        aux_head.bias.zero_()
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embedding" not in n and "embed_tokens" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embedding" not in n and "embed_tokens" not in n)]
    rest += list(aux_head.parameters())
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": rest, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-8)
    ckpt = os.path.join(args.out, "ckpt.pt")
    start, elapsed, history = 0, 0.0, []
    if os.path.exists(ckpt):
        st = torch.load(ckpt)
        model.load_state_dict(st["model"])
        aux_head.load_state_dict(st["aux_head"])
        opt.load_state_dict(st["opt"])
        start, elapsed, history = st["step"], st["elapsed"], st["history"]
        print(f"resumed at step {start}", flush=True)
    model.train()
    t0 = time.time() - elapsed
    ema = None
    end = args.steps if args.stop_after is None else min(args.steps, args.stop_after)
    for step in range(start, end):
        ids, pixels, mask, labels, aux = make_batch(step, args.batch, tok)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.steps, args.lr)
        logits, feats, proj = model(ids, pixels, mask, return_features=True)
        ce = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]),
                                               labels[:, 1:].reshape(-1), ignore_index=-100)
        # LLaVA reads the vision tower before any final norm, so nothing bounds the scale of its features.
        # Without this penalty Adam let the CLIP residual stream drift to norms of ~500 (projected ~1000 vs
        # text embeddings ~0.3): image tokens became one huge common vector, vision gradients vanished
        # (~1e-5) and the model only ever learnt the background colour. Keep per-token mean squares <= 1.
        reg = (torch.relu(feats.pow(2).mean(-1) - 1).mean() + torch.relu(proj.pow(2).mean(-1) - 1).mean())
        a = aux_head(feats)
        ns, nc = len(AUX_SHAPES), len(AUX_COLOURS)
        aux_loss = (torch.nn.functional.cross_entropy(a[..., :ns].reshape(-1, ns), aux[..., 0].reshape(-1))
                    + torch.nn.functional.cross_entropy(a[..., ns:ns + nc].reshape(-1, nc), aux[..., 1].reshape(-1))
                    + torch.nn.functional.cross_entropy(a[..., ns + nc:].reshape(-1, len(AUX_DIGITS)), aux[..., 2].reshape(-1)))
        loss = ce + REG_WEIGHT * reg + AUX_WEIGHT * aux_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        lv = ce.item()
        ema = lv if ema is None else 0.95 * ema + 0.05 * lv
        history.append(lv)
        if step % 10 == 0 or step == end - 1:
            el = time.time() - t0
            print(f"step {step} loss {lv:.4f} ema {ema:.4f} aux {aux_loss.item():.4f} reg {reg.item():.4f} "
                  f"feat_rms {feats.pow(2).mean().sqrt().item():.2f} lr {lr_at(step, args.steps, args.lr):.2e} "
                  f"elapsed {el:.0f}s {(step + 1 - start) / max(1e-9, el - elapsed):.3f} steps/s", flush=True)
        if (step + 1) % args.ckpt_every == 0 or step == end - 1:
            torch.save({"model": model.state_dict(), "aux_head": aux_head.state_dict(), "opt": opt.state_dict(), "step": step + 1,
                        "elapsed": time.time() - t0, "history": history}, ckpt + ".tmp")
            os.replace(ckpt + ".tmp", ckpt)
    total = time.time() - t0
    final = float(np.mean(history[-50:])) if history else float("nan")
    stats = {"steps": end, "schedule_steps": args.steps, "batch": args.batch, "params": n_params, "train_seconds": round(total, 1),
             "final_loss_mean_last_50": round(final, 4), "threads": args.threads, "seed": SEED,
             "torch": torch.__version__}
    print(json.dumps(stats), flush=True)
    model.eval()
    export.export(model, config, tok, args.out, stats, preprocess, user_turn, IMAGE_TOKENS, MEAN, STD)


if __name__ == "__main__":
    main()
