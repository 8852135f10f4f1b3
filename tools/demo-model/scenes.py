"""Procedural scenes for the jnim demo VLM: sampling, rendering (PIL) and question/answer pairs.

The scene vocabulary (shapes, colours, slots, geometry) is mirrored in Java by
src/main/java/dev/jnim/eval/Scene*.java, which renders held-out scenes with Java2D for `./jnim eval demo`.
Keep the two in sync: the tables below are the contract.
"""
import io
import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageFilter

SHAPES = ["circle", "square", "triangle", "star", "cross", "diamond"]

# Canonical sRGB of each colour name; rendering jitters them.
COLOURS = {
    "red": (220, 30, 30),
    "orange": (255, 140, 0),
    "yellow": (240, 220, 20),
    "green": (30, 160, 50),
    "blue": (30, 80, 220),
    "purple": (140, 50, 180),
    "pink": (255, 120, 190),
    "brown": (120, 70, 25),
    "black": (20, 20, 20),
    "white": (245, 245, 245),
}

BACKGROUNDS = {
    "white": (250, 250, 250),
    "black": (10, 10, 10),
    "grey": (128, 128, 128),
}

# Slot centres as fractions of the image (x, y), and how a caption names them. They are the centres of the
# cells of a 3x3 grid (1/6, 1/2, 5/6), which is the model's patch grid (96 px in 32 px patches): each object
# lies inside one patch instead of being cut across two to four.
SLOTS = {
    "top": (0.5, 0.16666666666666666),
    "left": (0.16666666666666666, 0.5),
    "centre": (0.5, 0.5),
    "right": (0.8333333333333334, 0.5),
    "bottom": (0.5, 0.8333333333333334),
}
SLOT_ORDER = ["top", "left", "centre", "right", "bottom"]
SLOT_PHRASE = {"top": "at the top", "left": "on the left", "centre": "in the centre",
               "right": "on the right", "bottom": "at the bottom"}

# Short words a scene may have written on it instead of a digit: three capitals, none a shape or colour name.
WORDS = ["SUN", "CAT", "DOG", "BOX", "HAT", "CUP", "KEY", "MAP"]
# A word's font size relative to a digit's, so that its three letters fit in one patch as a digit does.
WORD_SCALE = 0.5

# Text is drawn in DejaVu Sans Bold; a word (40% of renders) also in its regular weight: other renderers draw the
# same font with different stroke weights at small sizes (Java2D's hinted bold glyphs at 12-15 px look close to
# regular), and a model that only ever saw PIL's bold strokes read words drawn by Java2D 85% right.
FONTS = {"bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
         "book": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"}


def sample_scene(rng: random.Random, text_prob=0.3):
    """A scene: background, 1-3 objects with distinct shapes in distinct slots, maybe one text item in another slot:
    a digit or a short word (even odds)."""
    bg = rng.choice(list(BACKGROUNDS))
    n = rng.choice([1, 2, 3])
    slots = rng.sample(SLOT_ORDER, n + 1)
    shapes = rng.sample(SHAPES, n)
    palette = [c for c in COLOURS if c != bg]
    objects = []
    for i in range(n):
        objects.append({
            "shape": shapes[i],
            "colour": rng.choice(palette),
            "slot": slots[i],
            "size": rng.uniform(0.20, 0.28),
            "dx": rng.uniform(-0.03, 0.03),
            "dy": rng.uniform(-0.03, 0.03),
            "angle": rng.uniform(-12, 12),
        })
    text = None
    if rng.random() < text_prob:
        kind = "number" if rng.random() < 0.5 else "word"
        label = str(rng.randrange(10)) if kind == "number" else rng.choice(WORDS)
        text = {"text": label, "kind": kind, "colour": rng.choice(palette), "slot": slots[n],
                "size": rng.uniform(0.20, 0.28), "dx": rng.uniform(-0.03, 0.03), "dy": rng.uniform(-0.03, 0.03)}
    return {"background": bg, "objects": objects, "text": text}


def shape_polygon(shape, cx, cy, r, angle_deg):
    """Vertices of a shape of 'radius' r at (cx, cy), rotated; circle returns None."""
    if shape == "circle":
        return None
    if shape == "square":
        h = 0.85 * r
        pts = [(-h, -h), (h, -h), (h, h), (-h, h)]
    elif shape == "triangle":
        pts = [(r * math.cos(math.radians(a)), r * math.sin(math.radians(a)) + 0.12 * r) for a in (-90, 30, 150)]
    elif shape == "star":
        pts = []
        for k in range(10):
            rad = r if k % 2 == 0 else 0.45 * r
            a = math.radians(-90 + 36 * k)
            pts.append((rad * math.cos(a), rad * math.sin(a) + 0.08 * r))
    elif shape == "cross":
        w = 0.33 * r
        pts = [(-w, -r), (w, -r), (w, -w), (r, -w), (r, w), (w, w), (w, r), (-w, r), (-w, w), (-r, w), (-r, -w), (-w, -w)]
    elif shape == "diamond":
        pts = [(0, -r), (0.7 * r, 0), (0, r), (-0.7 * r, 0)]
    else:
        raise ValueError(shape)
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    return [(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in pts]


def _jitter(rgb, rng, amount):
    return tuple(max(0, min(255, int(round(c + rng.uniform(-amount, amount))))) for c in rgb)


_fonts = {}


def _font(px, weight="bold"):
    if (px, weight) not in _fonts:
        _fonts[px, weight] = ImageFont.truetype(FONTS[weight], px)
    return _fonts[px, weight]


def render(scene, rng: random.Random, size=None):
    """Renders with randomised settings: size, antialiasing, colour jitter, blur, noise, JPEG artefacts."""
    size = size or rng.choice([64, 80, 96, 128, 160, 224, 256])
    aa = rng.random() < 0.6
    # Antialiasing by supersampling, on a canvas of at most 4x and (above 128 px) about 512 px: 4x of 256 px
    # (a 1024 px canvas) cost more than the training step's compute and looks the same after downsizing.
    ss = min(4, max(2, 512 // size)) if aa else 1
    s = size * ss
    img = Image.new("RGB", (s, s), _jitter(BACKGROUNDS[scene["background"]], rng, 18))
    d = ImageDraw.Draw(img)
    for o in scene["objects"]:
        fx, fy = SLOTS[o["slot"]]
        cx, cy = (fx + o["dx"]) * s, (fy + o["dy"]) * s
        r = o["size"] * s / 2
        col = _jitter(COLOURS[o["colour"]], rng, 25)
        poly = shape_polygon(o["shape"], cx, cy, r, o["angle"])
        if poly is None:
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=col)
        else:
            d.polygon(poly, fill=col)
    t = scene["text"]
    if t is not None:
        fx, fy = SLOTS[t["slot"]]
        px = max(6, int(t["size"] * s * (WORD_SCALE if t["kind"] == "word" else 1.0)))
        d.text(((fx + t["dx"]) * s, (fy + t["dy"]) * s), t["text"], fill=_jitter(COLOURS[t["colour"]], rng, 25),
               font=_font(px, "book" if t["kind"] == "word" and rng.random() < 0.4 else "bold"), anchor="mm")
    if ss > 1:
        img = img.resize((size, size), Image.BOX)
    if rng.random() < 0.15:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0) * size / 96))
    if rng.random() < 0.35:
        arr = np.asarray(img).astype(np.float32)
        nrng = np.random.default_rng(rng.randrange(1 << 30))
        arr += nrng.normal(0, rng.uniform(2, 10), arr.shape)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if rng.random() < 0.3:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=rng.randint(30, 95))
        buf.seek(0)
        img = Image.open(buf).convert("RGB")
    return img


def describe(scene):
    parts = []
    for o in sorted(scene["objects"], key=lambda o: SLOT_ORDER.index(o["slot"])):
        parts.append(f"a {o['colour']} {o['shape']} {SLOT_PHRASE[o['slot']]}")
    if len(parts) == 1:
        s = parts[0]
    else:
        s = ", ".join(parts[:-1]) + " and " + parts[-1]
    s = s[0].upper() + s[1:] + "."
    t = scene["text"]
    if t is not None:
        s += f" The {t['kind']} {t['text']} is written {SLOT_PHRASE[t['slot']]}."
    s += f" The background is {scene['background']}."
    return s


COLOUR_Q = ["What colour is the {}?", "What color is the {}?", "Which colour is the {}?"]
SHAPE_Q = ["What shape is {}?", "Which shape is {}?"]
POS_Q = ["Where is the {}?", "Where is the {} located?"]
COUNT_Q = ["How many shapes are there?", "How many objects are there?", "How many shapes are in the image?"]
NUM_Q = ["What number is written?", "Which number is shown?"]
WORD_Q = ["What word is written?", "Which word is written?"]
DESC_Q = ["Describe the image.", "Describe this image.", "What is in the image?"]
BG_Q = ["What colour is the background?", "What color is the background?"]


def qa_pairs(scene, rng: random.Random):
    """All question/answer pairs the scene supports (paraphrases chosen at random)."""
    objs = scene["objects"]
    out = []
    for o in objs:
        out.append(("colour", rng.choice(COLOUR_Q).format(o["shape"]), o["colour"]))
        out.append(("position", rng.choice(POS_Q).format(o["shape"]), o["slot"]))
        if sum(1 for p in objs if p["colour"] == o["colour"]) == 1:
            out.append(("shape", rng.choice(SHAPE_Q).format(o["colour"]), o["shape"]))
    out.append(("count", rng.choice(COUNT_Q), str(len(objs))))
    t = scene["text"]
    if t is not None:
        out.append((t["kind"], rng.choice(NUM_Q if t["kind"] == "number" else WORD_Q), t["text"]))
    out.append(("background", rng.choice(BG_Q), scene["background"]))
    out.append(("describe", rng.choice(DESC_Q), describe(scene)))
    return out


def corpus_lines(rng: random.Random, n=4000):
    """Text used to learn the BPE merges: questions and answers of many scenes."""
    lines = []
    for _ in range(n):
        sc = sample_scene(rng, text_prob=0.5)
        for _, q, a in qa_pairs(sc, rng):
            lines.append(q)
            lines.append(a)
    return lines
