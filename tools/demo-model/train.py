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
VISION_SEED = 4321
REG_WEIGHT = 0.1
IMAGE_SIZE = 96
PATCH = 32
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
AUX_TEXTS = ["none"] + [str(d) for d in range(10)] + scenes.WORDS  # what a text item says: a digit or a word


def patch_labels(sc):
    """Per patch: shape and colour of the object, or what the text item says, whose centre lies in it ("none"
    elsewhere).

    Training-only deep supervision of the vision tower (a linear head that is not exported): trained only
    through the decoder, the tower sat for 700+ steps on a plateau where every image token carried the
    background colour and nothing else; these per-patch targets make its tokens describe what is where."""
    lab = np.zeros((GRID * GRID, 3), dtype=np.int64)
    items = [(o, o["shape"], o["colour"], None) for o in sc["objects"]]
    if sc["text"] is not None:
        items.append((sc["text"], None, None, sc["text"]["text"]))
    for it, shape, colour, text in items:
        k = patch_of(it)
        if shape is not None:
            lab[k, 0] = AUX_SHAPES.index(shape)
            lab[k, 1] = AUX_COLOURS.index(colour)
        else:
            lab[k, 2] = AUX_TEXTS.index(text)
    return lab


def patch_of(item):
    """The patch (row-major on the grid) that holds the centre of a scene object or text item."""
    fx, fy = scenes.SLOTS[item["slot"]]
    col = min(GRID - 1, max(0, int((fx + item["dx"]) * GRID)))
    row = min(GRID - 1, max(0, int((fy + item["dy"]) * GRID)))
    return row * GRID + col


def token_finder(ids, tok):
    """Maps a character of the text of `ids` (ASCII; specials as their text) to the index of the token holding it
    (a leading space belongs to the word's token)."""
    starts, at = [], 0
    for t in ids:
        starts.append(at)
        at += len(tok.decode([t]))
    return lambda c: max(i for i, st in enumerate(starts) if st <= c)


def named_object(sc, kind, question):
    """The object a one-object question is about, named by its shape (colour and position questions) or by its
    colour (shape questions); None for other questions."""
    words = question.rstrip("?").split()
    if kind in ("colour", "position"):
        return next(o for o in sc["objects"] if o["shape"] in words)
    if kind == "shape":
        return next(o for o in sc["objects"] if o["colour"] in words)
    return None


def question_word(sc, kind, question, turn_ids, tok):
    """Index in `turn_ids` (the user turn, before the image is expanded) of the word that names the object a
    one-object question is about (its shape, or its colour for a shape question); None for other questions."""
    obj = named_object(sc, kind, question)
    if obj is None:
        return None
    word = obj["colour"] if kind == "shape" else obj["shape"]
    return token_finder(turn_ids, tok)(tok.decode(turn_ids).index(" " + word) + 1)


# Attention heads of decoder layer LOOK_LAYER taught to find an object, one per way of naming it: by its shape,
# by its colour, or by its place in the description's order (heads 0 and 1 share keys under GQA).
BY_SHAPE, BY_COLOUR, BY_ORDER = 0, 1, 2


def answer_looks(sc, kind, question, answer, answer_ids, tok):
    """Where an answer needs to look: (index of an answer token, patch that holds what it names, head). A one-word
    answer about one object looks at it from its first token: named by its shape (colour and position questions)
    or by its colour (shape questions), or the text item (number and word questions). A description names each
    object as "a <colour> <shape> <where>", in slot order: its colour word looks at the next object in that order,
    its shape word at the object of the colour just said, the word after the shape (at/on/in, which depends on the
    slot) at the object of that shape; and the number or word at the text item."""
    obj = named_object(sc, kind, question)
    if obj is not None:
        return [(0, patch_of(obj), BY_COLOUR if kind == "shape" else BY_SHAPE)]
    if kind in ("number", "word"):
        return [(0, patch_of(sc["text"]), BY_ORDER)]
    if kind != "describe":
        return []
    token_at = token_finder(answer_ids, tok)

    looks, at = [], 0
    for o in sorted(sc["objects"], key=lambda o: scenes.SLOT_ORDER.index(o["slot"])):
        at = answer.index(f"{o['colour']} {o['shape']}", at)
        colour = token_at(at)
        shape = token_at(at + len(o["colour"]) + 1)
        looks += [(colour, patch_of(o), BY_ORDER), (shape, patch_of(o), BY_COLOUR), (shape + 1, patch_of(o), BY_SHAPE)]
    t = sc["text"]
    if t is not None:
        looks.append((token_at(answer.index(f"{t['kind']} {t['text']}") + len(t["kind"]) + 1), patch_of(t), BY_ORDER))
    return looks


def make_sample(rng, tok):
    """One training sequence: an image and 4-8 question/answer turns about it, loss on the answers; and attention
    targets (position, target position, head, layer): in layer 0, where a one-object answer starts looks at the
    question's word that names the object; in layer LOOK_LAYER, the positions of `answer_looks` look at the image
    token that holds what they name."""
    sc = scenes.sample_scene(rng, text_prob=0.5)
    img = scenes.render(sc, rng)
    pairs = scenes.qa_pairs(sc, rng)
    rng.shuffle(pairs)
    k = rng.randint(4, 8)
    # Every shape question the scene has is asked ("What shape is red?" finds an object by its colour, the rarer
    # and harder lookup: a scene has at most one per object against two that name a shape), then others up to k.
    chosen = [p for p in pairs if p[0] == "shape"]
    chosen += [p for p in pairs if p[0] != "shape"][:max(0, k - len(chosen))]
    rng.shuffle(chosen)
    ids, labels, looks = [], [], []
    img_id = tok.vocab["<image>"]
    image_start = 0
    for turn, (kind, q, a) in enumerate(chosen):
        p = tok.encode(user_turn(q, turn == 0))
        word = question_word(sc, kind, q, p, tok)
        if turn == 0:
            j = p.index(img_id)
            p = p[:j] + [img_id] * IMAGE_TOKENS + p[j + 1:]
            image_start = len(ids) + j
            if word is not None and word > j:
                word += IMAGE_TOKENS - 1
        if word is not None:  # layer 0 brings the word that names the object to where the answer starts
            looks.append((len(ids) + len(p) - 1, len(ids) + word, MOVE_HEAD, 0))
        ans = tok.encode(a + "<|end|>")
        for at, patch, head in answer_looks(sc, kind, q, a, ans, tok):
            looks.append((len(ids) + len(p) + at - 1, image_start + patch, head, LOOK_LAYER))
        ids += p + ans
        labels += [-100] * len(p) + ans
        nl = tok.encode("\n")
        ids += nl
        labels += [-100] * len(nl)
    return preprocess(img), ids, labels, patch_labels(sc), looks


def make_batch(step, batch_size, tok):
    rng = random.Random(SEED * 1_000_003 + step)
    samples = [make_sample(rng, tok) for _ in range(batch_size)]
    n = max(len(s[1]) for s in samples)
    pad = tok.vocab["<|pad|>"]
    ids = torch.full((batch_size, n), pad, dtype=torch.long)
    labels = torch.full((batch_size, n), -100, dtype=torch.long)
    mask = torch.zeros((batch_size, n), dtype=torch.long)
    for i, (_, s, l, _, _) in enumerate(samples):
        ids[i, :len(s)] = torch.tensor(s)
        labels[i, :len(l)] = torch.tensor(l)
        mask[i, :len(s)] = 1
    pixels = torch.from_numpy(np.stack([s[0] for s in samples]))
    aux = torch.from_numpy(np.stack([s[3] for s in samples]))
    looks = torch.tensor([(i, pos, key, head, layer) for i, s in enumerate(samples) for pos, key, head, layer in s[4]],
                         dtype=torch.long).reshape(-1, 5)
    return ids, pixels, mask, labels, aux, looks


_worker_tok = None


def _produce(kind, step, batch_size):
    """Runs in the data worker: one batch as NumPy arrays (rendering overlaps the training step)."""
    if kind == "vision":
        return tuple(t.numpy() for t in make_vision_batch(step, batch_size))
    return tuple(t.numpy() for t in make_batch(step, batch_size, _worker_tok))


class Prefetcher:
    """Builds the batch of step k+1 in a forked worker process while step k trains. The batch of a step depends
    only on its seed, so the data (and the run) is the same with or without it."""

    def __init__(self, tok):
        global _worker_tok
        import multiprocessing
        _worker_tok = tok
        self.pool = multiprocessing.get_context("fork").Pool(1)
        self.pending = None

    def get(self, kind, step, batch_size, next_step):
        key = (kind, step, batch_size)
        if self.pending is not None and self.pending[0] == key:
            arrays = self.pending[1].get()
        else:
            arrays = _produce(kind, step, batch_size)
        self.pending = None
        if next_step is not None:
            nkind, nstep, nbatch = next_step
            self.pending = ((nkind, nstep, nbatch), self.pool.apply_async(_produce, (nkind, nstep, nbatch)))
        return tuple(torch.from_numpy(a) for a in arrays)


def make_vision_batch(step, batch_size):
    """Stage 1 data: images and their per-patch targets only (no questions), from the same kind of scenes but with
    more of them carrying a text item (digits and words are the slowest per-patch classes to learn)."""
    rng = random.Random(VISION_SEED * 1_000_003 + step)
    pixels, aux = [], []
    for _ in range(batch_size):
        sc = scenes.sample_scene(rng, text_prob=0.8)
        pixels.append(preprocess(scenes.render(sc, rng)))
        aux.append(patch_labels(sc))
    return torch.from_numpy(np.stack(pixels)), torch.from_numpy(np.stack(aux))


def aux_losses(aux_head, feats, aux):
    """Cross-entropy of the per-patch heads: shape, colour, text (digit or word), and which patch of the grid the
    token is (the tower's learnt position embeddings are otherwise free to fade: trained on what is in each patch only,
    its features said too little about where, and the decoder of the next stage could not learn positions).
    Accuracies: shape and colour on patches that hold an object, digit and word on patches with one, position on
    all."""
    a = aux_head(feats)
    ns, nc, nd = len(AUX_SHAPES), len(AUX_COLOURS), len(AUX_TEXTS)
    where = torch.arange(GRID * GRID).expand(aux.shape[:-1])
    heads = [(a[..., :ns], aux[..., 0]), (a[..., ns:ns + nc], aux[..., 1]), (a[..., ns + nc:ns + nc + nd], aux[..., 2]),
             (a[..., ns + nc + nd:], where)]
    loss = sum(torch.nn.functional.cross_entropy(x.reshape(-1, x.shape[-1]), y.reshape(-1)) for x, y in heads)
    acc = []
    with torch.no_grad():
        first_word = AUX_TEXTS.index(scenes.WORDS[0])  # text classes from here on are words
        (shape, ys), (colour, yc), (text, yt), (cell, yw) = heads
        for x, y, m in [(shape, ys, ys > 0), (colour, yc, yc > 0), (text, yt, (yt > 0) & (yt < first_word)),
                        (text, yt, yt >= first_word), (cell, yw, torch.ones_like(yw, dtype=torch.bool))]:
            acc.append(((x.argmax(-1) == y) & m).sum().item() / max(1, m.sum().item()))
    return loss, acc  # shape, colour, digit, word, where


# Patch index (row-major on the 3x3 grid) -> the slot a scene object there is in; corners hold no slot.
PATCH_SLOT = {1: "top", 3: "left", 4: "centre", 5: "right", 7: "bottom"}


class WordTargets:
    """Token ids of the one-word answers, indexed like the per-patch labels (index 0, "none", is ignored)."""

    def __init__(self, tok):
        def word(w):
            ids = tok.encode(w)
            assert len(ids) == 1, f"answer word {w!r} is not one token: {ids}"
            return ids[0]
        self.shape = torch.tensor([-100] + [word(w) for w in scenes.SHAPES])
        self.colour = torch.tensor([-100] + [word(w) for w in scenes.COLOURS])
        self.text = torch.tensor([-100] + [word(t) for t in AUX_TEXTS[1:]])
        self.slot = torch.tensor([word(PATCH_SLOT[k]) if k in PATCH_SLOT else -100 for k in range(GRID * GRID)])


def align_loss(model, words, proj, aux):
    """Training-only grounding term of stage 2: each projected image token that holds an object or a text item,
    read through the decoder's final norm and LM head as if it were an answer position, predicts the words that answer
    questions about it (its shape and colour, or the digit or word written, and its slot). The decoder then only
    has to find the right image token and copy it, instead of also learning to decode the tower's features: without
    it, 300 steps taught it nothing about single objects (colour 11-35%), with it the colour of a lone object was
    at 97%."""
    lm = model.language_model
    logits = lm.lm_head(lm.model.norm(proj))
    v = logits.shape[-1]
    held = (aux[..., 0] > 0) | (aux[..., 2] > 0)
    slot = torch.where(held, words.slot[None].expand_as(held), torch.tensor(-100))
    loss = 0.0
    for target in (words.shape[aux[..., 0]], words.colour[aux[..., 1]], words.text[aux[..., 2]], slot):
        n = int((target != -100).sum())
        if n:
            loss = loss + torch.nn.functional.cross_entropy(logits.reshape(-1, v), target.reshape(-1),
                                                            ignore_index=-100, reduction="sum") / n
    return loss


LOOK_LAYER = 1  # the decoder layer (0-based) whose heads are taught to look at the asked object
MOVE_HEAD = 0  # the head of layer 0 taught to bring the word that names the object to where the answer starts


def lookup_loss(model, looks):
    """Training-only guidance of stage 2: attention targets (see `make_sample`), each row (sequence, position,
    target position, head, layer); the term is -log of the attention weight on the target, averaged per layer.
    Left to find objects alone, the decoder answered questions about lone objects perfectly after 400 steps but
    stayed at chance between two or three objects (colour 42-46%, shape 36-45% from step 400 to 800); with
    targets in layer 1 only, questions that name the object by its colour stayed at chance until layer 0 was
    taught to bring that word to where the answer starts."""
    loss = 0.0
    for layer in (0, LOOK_LAYER):
        sel = looks[looks[:, 4] == layer]
        if sel.shape[0]:
            probs = model.language_model.model.layers[layer].self_attn.probs
            p = probs[sel[:, 0], sel[:, 3], sel[:, 1], sel[:, 2]]
            loss = loss + -torch.log(p.clamp_min(1e-6)).mean()
    return loss


def vision_holdout(n=256):
    """Fixed held-out renders for stage 1's accuracy (a seed no training batch uses)."""
    rng = random.Random(SEED + 7)
    pixels, aux = [], []
    for _ in range(n):
        sc = scenes.sample_scene(rng, text_prob=0.5)
        pixels.append(preprocess(scenes.render(sc, rng)))
        aux.append(patch_labels(sc))
    return torch.from_numpy(np.stack(pixels)), torch.from_numpy(np.stack(aux))


def turn_weights(labels):
    """Per-token loss weights that give every answer the same weight, 1/len(answer) on each of its tokens: with a
    plain token mean the long descriptions (~25 tokens, mostly predictable wording) outweigh the one-word answers
    that need the model to find one object in the image (colour, shape, position), and the decoder sat for 500+
    steps on a plateau where it read only how many objects there are and the background."""
    w = torch.zeros(labels.shape, dtype=torch.float32)
    lab = (labels != -100).tolist()
    for i, row in enumerate(lab):
        j = 0
        while j < len(row):
            if row[j]:
                k = j
                while k < len(row) and row[k]:
                    k += 1
                w[i, j:k] = 1.0 / (k - j)
                j = k
            else:
                j += 1
    return w


def lr_at(step, total, peak, warmup=100):
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--vision-steps", type=int, default=1500, help="most steps of stage 1 (vision tower alone)")
    ap.add_argument("--vision-batch", type=int, default=128)
    ap.add_argument("--vision-lr", type=float, default=2e-3)
    ap.add_argument("--vision-target", type=float, default=0.99,
                    help="stage 1 ends early once held-out per-patch shape, colour and position accuracy reach this")
    ap.add_argument("--text-target", type=float, default=0.9,
                    help="... and held-out per-patch digit and word accuracy reach this")
    ap.add_argument("--steps", type=int, default=2000, help="steps of stage 2 (projector and decoder on questions)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--turn-weighted-from", type=int, default=0,
                    help="stage 2 step from which every answer weighs the same in the loss (before: every token)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--align-weight", type=float, default=0.5, help="weight of stage 2's grounding term")
    ap.add_argument("--lookup-weight", type=float, default=1.0, help="weight of stage 2's attention guidance")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--stop-after", type=int, default=None,
                    help="end (and export) after this many steps of the stage 2 schedule")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    os.makedirs(args.out, exist_ok=True)

    tok = build_tokenizer()
    prefetch = Prefetcher(tok)  # forked before torch starts its thread pool
    config = build_config(len(tok.vocab), tok)
    model = Llava(config)
    init_weights(model, SEED)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"vocab {len(tok.vocab)} params {n_params}", flush=True)
    aux_head = torch.nn.Linear(config["vision_config"]["hidden_size"], len(AUX_SHAPES) + len(AUX_COLOURS) + len(AUX_TEXTS)
                                + GRID * GRID)
    with torch.no_grad():
        aux_head.weight.copy_(torch.randn(aux_head.weight.shape, generator=torch.Generator().manual_seed(SEED + 1)) * 0.02)
        aux_head.bias.zero_()
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embedding" not in n and "embed_tokens" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embedding" not in n and "embed_tokens" not in n)]
    rest += list(aux_head.parameters())
    # One optimizer for both stages: in stage 1 only the tower and the aux head have gradients, and AdamW skips
    # parameters without one.
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": rest, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-8)
    ckpt = os.path.join(args.out, "ckpt.pt")
    # state: stage 1 steps done (vision_done), whether stage 1 is over, stage 2 steps done (step)
    st = {"vision_done": 0, "vision_over": False, "step": 0, "elapsed": 0.0, "busy": 0.0, "cpu": 0.0,
          "history": [], "vision_history": []}
    if os.path.exists(ckpt):
        saved = torch.load(ckpt)
        model.load_state_dict(saved["model"])
        aux_head.load_state_dict(saved["aux_head"])
        opt.load_state_dict(saved["opt"])
        st = saved["state"]
        print(f"resumed at stage 1 step {st['vision_done']} (over: {st['vision_over']}), stage 2 step {st['step']}",
              flush=True)
    model.train()
    tower = model.vision_tower.vision_model

    def save():
        torch.save({"model": model.state_dict(), "aux_head": aux_head.state_dict(), "opt": opt.state_dict(),
                    "state": st}, ckpt + ".tmp")
        os.replace(ckpt + ".tmp", ckpt)

    # Time accounting. `busy` sums the step times, a step that took more than 5x the median of the last ones
    # (the process was stopped, or the machine was taken by something else for a while) counting as the median.
    recent = []

    def account(t_start, c_start):
        dt = time.time() - t_start
        med = sorted(recent)[len(recent) // 2] if len(recent) >= 5 else dt
        recent.append(dt)
        del recent[:-50]
        st["elapsed"] += dt
        st["busy"] += dt if dt <= 5 * med else med
        st["cpu"] += time.process_time() - c_start

    def reg_term(x):
        # LLaVA reads the vision tower before any final norm, so nothing bounds the scale of its features.
        # Without this penalty Adam let the CLIP residual stream drift to norms of ~500 (projected ~1000 vs
        # text embeddings ~0.3): image tokens became one huge common vector, vision gradients vanished
        # (~1e-5) and the model only ever learnt the background colour. Keep per-token mean squares <= 1
        # (of the tower's features in stage 1, of the projected image tokens in stage 2).
        return torch.relu(x.pow(2).mean(-1) - 1).mean()

    # Stage 1: the vision tower and the per-patch head alone, on large batches (10 tokens per image, no decoder).
    if not st["vision_over"]:
        hold_pixels, hold_aux = vision_holdout()
        vparams = list(tower.parameters()) + list(aux_head.parameters())
        data_s = comp_s = 0.0
        while st["vision_done"] < args.vision_steps:
            step = st["vision_done"]
            t_start, c_start = time.time(), time.process_time()
            nxt = ("vision", step + 1, args.vision_batch) if step + 1 < args.vision_steps else ("joint", 0, args.batch)
            pixels, aux = prefetch.get("vision", step, args.vision_batch, nxt)
            t_data = time.time()
            for g in opt.param_groups:
                g["lr"] = lr_at(step, args.vision_steps, args.vision_lr, warmup=50)
            feats = tower.hidden_states(pixels)[config["vision_feature_layer"]][:, 1:]
            aux_loss, acc = aux_losses(aux_head, feats, aux)
            reg = reg_term(feats)
            loss = aux_loss + REG_WEIGHT * reg
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(vparams, 1.0)
            opt.step()
            data_s += t_data - t_start
            comp_s += time.time() - t_data
            account(t_start, c_start)
            st["vision_done"] = step + 1
            st["vision_history"].append(aux_loss.item())
            if step % 10 == 0:
                print(f"vision step {step} aux {aux_loss.item():.4f} acc shape/colour/digit/word/where "
                      f"{acc[0]:.3f}/{acc[1]:.3f}/{acc[2]:.3f}/{acc[3]:.3f}/{acc[4]:.3f} reg {reg.item():.4f} "
                      f"lr {lr_at(step, args.vision_steps, args.vision_lr, warmup=50):.2e} "
                      f"data {data_s:.0f}s compute {comp_s:.0f}s busy {st['busy']:.0f}s", flush=True)
            if (step + 1) % args.ckpt_every == 0 or step + 1 == args.vision_steps:
                tower.eval()
                with torch.no_grad():
                    hf = tower.hidden_states(hold_pixels)[config["vision_feature_layer"]][:, 1:]
                    _, hacc = aux_losses(aux_head, hf, hold_aux)
                tower.train()
                print(f"vision held-out step {step + 1}: shape {hacc[0]:.4f} colour {hacc[1]:.4f} digit {hacc[2]:.4f} "
                      f"word {hacc[3]:.4f} where {hacc[4]:.4f}",
                      flush=True)
                st["vision_heldout"] = hacc
                if min(hacc[0], hacc[1], hacc[4]) >= args.vision_target and min(hacc[2], hacc[3]) >= args.text_target:
                    break
                save()
        st["vision_over"] = True
        save()
        print(f"stage 1 done after {st['vision_done']} steps, busy {st['busy']:.0f}s", flush=True)

    # Stage 2: the projector and the decoder on question/answer turns; the tower stays as stage 1 left it (training
    # it on the answers too made each step 30% slower and the decoder learnt more slowly), with the grounding term
    # and the scale bound on the projected tokens.
    for p in tower.parameters():
        p.requires_grad_(False)
    words = WordTargets(tok)
    for layer in (0, LOOK_LAYER):
        model.language_model.model.layers[layer].self_attn.keep_probs = True
    ema = None
    end = args.steps if args.stop_after is None else min(args.steps, args.stop_after)
    history = st["history"]
    while st["step"] < end:
        step = st["step"]
        t_start, c_start = time.time(), time.process_time()
        ids, pixels, mask, labels, aux, looks = prefetch.get("joint", step, args.batch,
                                                      ("joint", step + 1, args.batch) if step + 1 < end else None)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args.steps, args.lr)
        logits, _, proj = model(ids, pixels, mask, return_features=True)
        tok_ce = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]),
                                                   labels[:, 1:].reshape(-1), ignore_index=-100, reduction="none")
        tgt = labels[:, 1:].reshape(-1)
        ce = tok_ce.sum() / (tgt != -100).sum()  # the answer loss per token (what the log reports)
        w = turn_weights(labels)[:, 1:].reshape(-1) if step >= args.turn_weighted_from else (tgt != -100).float()
        answer_loss = (tok_ce * w).sum() / w.sum()
        reg = reg_term(proj)
        align = align_loss(model, words, proj, aux)
        lookup = lookup_loss(model, looks)
        loss = answer_loss + REG_WEIGHT * reg + args.align_weight * align + args.lookup_weight * lookup
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        account(t_start, c_start)
        st["step"] = step + 1
        lv = ce.item()
        ema = lv if ema is None else 0.95 * ema + 0.05 * lv
        history.append(lv)
        if step % 10 == 0 or step == end - 1:
            print(f"step {step} loss {lv:.4f} ema {ema:.4f} align {float(align):.4f} lookup {float(lookup):.4f} reg {reg.item():.4f} "
                  f"proj_rms {proj.pow(2).mean().sqrt().item():.2f} lr {lr_at(step, args.steps, args.lr):.2e} "
                  f"busy {st['busy']:.0f}s elapsed {st['elapsed']:.0f}s", flush=True)
        if (step + 1) % args.ckpt_every == 0 or step == end - 1:
            save()
    final = float(np.mean(history[-50:])) if history else float("nan")
    stats = {"vision_steps": st["vision_done"], "vision_batch": args.vision_batch,
             "vision_heldout_shape_colour_digit_word_where": [round(x, 4) for x in st.get("vision_heldout", [])],
             "steps": end, "schedule_steps": args.steps, "batch": args.batch, "params": n_params,
             "train_seconds": round(st["busy"], 1), "train_seconds_wall": round(st["elapsed"], 1),
             "train_cpu_seconds": round(st["cpu"], 1),
             "final_loss_mean_last_50": round(final, 4), "threads": args.threads, "seed": SEED,
             "torch": torch.__version__}
    print(json.dumps(stats), flush=True)
    for layer in (0, LOOK_LAYER):
        model.language_model.model.layers[layer].self_attn.keep_probs = False
    model.eval()
    export.export(model, config, tok, args.out, stats, preprocess, user_turn, IMAGE_TOKENS, MEAN, STD)


if __name__ == "__main__":
    main()
