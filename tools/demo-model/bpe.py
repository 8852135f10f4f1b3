"""A small byte-level BPE trainer and encoder that writes a Hugging Face `tokenizer.json`.

Same scheme as GPT-2 / HF `ByteLevel` BPE: text is split by the GPT-2 pre-tokenizer regex, each piece's UTF-8
bytes are mapped to printable unicode characters (`bytes_to_unicode`), and merges are learnt greedily from
pair counts. Our corpus is ASCII, so the regex below is the ASCII reading of GPT-2's
`'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+`; the Rust tokenizer uses
the full pattern at run time, which splits ASCII text identically.
"""
import collections
import json
import re

PRETOKEN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


B2U = bytes_to_unicode()


def _pieces(text):
    return ["".join(B2U[b] for b in m.encode("utf-8")) for m in PRETOKEN.findall(text)]


def train(lines, num_merges):
    """Returns the merges, in order, learnt from `lines`."""
    words = collections.Counter()
    for line in lines:
        for p in _pieces(line):
            words[tuple(p)] += 1
    merges = []
    words = dict(words)
    for _ in range(num_merges):
        pairs = collections.Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        # Deterministic: highest count, ties broken by the pair itself.
        best = max(pairs.items(), key=lambda kv: (kv[1], tuple(-ord(ch) for ch in kv[0][0] + "\0" + kv[0][1])))
        (a, b), count = best
        if count < 2:
            break
        merges.append((a, b))
        new_words = {}
        for w, c in words.items():
            out = []
            i = 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + c
        words = new_words
    return merges


class Tokenizer:
    """Encoder for the vocabulary this module builds (special tokens first, then bytes, then merges)."""

    def __init__(self, specials, merges):
        self.specials = list(specials)
        self.merges = list(merges)
        vocab = {}
        for s in self.specials:
            vocab[s] = len(vocab)
        for b in range(256):
            vocab[B2U[b]] = len(vocab)
        for a, b in self.merges:
            vocab[a + b] = len(vocab)
        self.vocab = vocab
        self.inv = {i: t for t, i in vocab.items()}
        self.ranks = {m: i for i, m in enumerate(self.merges)}
        self._cache = {}
        self._special_re = re.compile("(" + "|".join(re.escape(s) for s in self.specials) + ")")
        u2b = {u: b for b, u in B2U.items()}
        self._u2b = u2b

    def _bpe(self, piece):
        if piece in self._cache:
            return self._cache[piece]
        w = list(piece)
        while len(w) > 1:
            best, bi = None, -1
            for i in range(len(w) - 1):
                r = self.ranks.get((w[i], w[i + 1]))
                if r is not None and (best is None or r < best):
                    best, bi = r, i
            if best is None:
                break
            w = w[:bi] + [w[bi] + w[bi + 1]] + w[bi + 2:]
        ids = [self.vocab[t] for t in w]
        self._cache[piece] = ids
        return ids

    def encode(self, text):
        ids = []
        for chunk in self._special_re.split(text):
            if not chunk:
                continue
            if chunk in self.vocab and chunk in self.specials:
                ids.append(self.vocab[chunk])
            else:
                for p in _pieces(chunk):
                    ids.extend(self._bpe(p))
        return ids

    def decode(self, ids):
        out = bytearray()
        for i in ids:
            t = self.inv[i]
            if t in self.specials:
                out.extend(t.encode())
            else:
                out.extend(self._u2b[ch] for ch in t)
        return out.decode("utf-8", errors="replace")

    def to_hf_json(self):
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": self.vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True} for s in self.specials],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": None,
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {
                "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                "vocab": self.vocab,
                "merges": [a + " " + b for a, b in self.merges],
            },
        }


def save(tok, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tok.to_hf_json(), f, ensure_ascii=False, indent=1)
