#!/usr/bin/python3
"""Draws the picture of the main README's quick start, `example.png`, with `scenes.py`'s shapes, colours, slots and
font: a green triangle at the top, a red star on the left, a blue circle on the right and the word CAT at the bottom,
on white; 128 px, 4x supersampled, no jitter, blur or noise (a clean picture, unlike the training renders).

    /usr/bin/python3 tools/demo-model/example.py [OUT.png]
"""
import os
import sys

from PIL import Image, ImageDraw

import scenes

SIZE, SS = 128, 4
OBJECTS = [("triangle", "green", "top"), ("star", "red", "left"), ("circle", "blue", "right")]
TEXT = ("CAT", "black", "bottom")
OBJECT_SIZE = 0.24  # diameter as a fraction of the image, mid-range of the recipe's 0.20-0.28


def draw():
    s = SIZE * SS
    img = Image.new("RGB", (s, s), scenes.BACKGROUNDS["white"])
    d = ImageDraw.Draw(img)
    for shape, colour, slot in OBJECTS:
        fx, fy = scenes.SLOTS[slot]
        cx, cy, r = fx * s, fy * s, OBJECT_SIZE * s / 2
        poly = scenes.shape_polygon(shape, cx, cy, r, 0)
        if poly is None:
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=scenes.COLOURS[colour])
        else:
            d.polygon(poly, fill=scenes.COLOURS[colour])
    word, colour, slot = TEXT
    fx, fy = scenes.SLOTS[slot]
    px = int(OBJECT_SIZE * s * scenes.WORD_SCALE)
    d.text((fx * s, fy * s), word, fill=scenes.COLOURS[colour], font=scenes._font(px), anchor="mm")
    return img.resize((SIZE, SIZE), Image.BOX)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "example.png")
    draw().save(out)
    print(f"wrote {out}")
