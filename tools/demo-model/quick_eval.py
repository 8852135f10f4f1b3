#!/usr/bin/python3
"""Accuracy of a checkpoint per question type on fresh PIL-rendered scenes (greedy, in PyTorch).

    /usr/bin/python3 tools/demo-model/quick_eval.py /work/demo-train/run1/ckpt.pt --scenes 50

A quick look during training; the real measurement is `./jnim eval demo` (Java2D scenes, through jnim).
"""
import argparse
import collections
import os
import random
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenes  # noqa: E402
import train  # noqa: E402
from model import Llava  # noqa: E402


def answer(model, tok, pixels, question, max_new=40):
    ids = tok.encode(train.user_turn(question, True))
    img = tok.vocab["<image>"]
    j = ids.index(img)
    ids = ids[:j] + [img] * train.IMAGE_TOKENS + ids[j + 1:]
    end = tok.vocab["<|end|>"]
    out = []
    with torch.no_grad():
        for _ in range(max_new):
            x = torch.tensor([ids + out])
            nxt = int(model(x, pixels, torch.ones_like(x))[0, -1].argmax())
            if nxt == end:
                break
            out.append(nxt)
    return tok.decode(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--scenes", type=int, default=30)
    ap.add_argument("--seed", type=int, default=99)
    args = ap.parse_args()
    torch.set_num_threads(2)
    tok = train.build_tokenizer()
    model = Llava(train.build_config(len(tok.vocab), tok))
    model.load_state_dict(torch.load(args.ckpt)["model"])
    model.eval()
    rng = random.Random(args.seed)
    right, asked = collections.Counter(), collections.Counter()
    wrong = []
    for _ in range(args.scenes):
        sc = scenes.sample_scene(rng, text_prob=0.5)
        pixels = torch.from_numpy(train.preprocess(scenes.render(sc, rng, size=128)))[None]
        for kind, q, a in scenes.qa_pairs(sc, random.Random(0)):
            got = answer(model, tok, pixels, q)
            if kind == "describe":
                ok = all(f"{o['colour']} {o['shape']}" in got.lower() for o in sc["objects"])
            else:
                ok = got.strip().lower() == a.lower()
            asked[kind] += 1
            right[kind] += ok
            if not ok and len(wrong) < 12:
                wrong.append((q, got, a))
    for k in asked:
        print(f"{k:11s} {right[k]:4d}/{asked[k]:4d} {100 * right[k] / asked[k]:6.1f}%")
    for w in wrong:
        print("  ", w)


if __name__ == "__main__":
    main()
