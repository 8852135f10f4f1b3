#!/usr/bin/python3
"""Copies a trained model into the jnim source tree:

    /usr/bin/python3 tools/demo-model/install.py /work/demo-train/run1

- <run>/demo-vlm/*        -> src/main/resources/dev/jnim/models/demo-vlm/   (the embedded model)
- <run>/golden/ (no weights, config or preprocessor: the test takes those from the model) -> src/test/resources/golden/demo-vlm/
- the built-in manifest's jnim/demo-vlm entry gets revision = first 12 hex digits of the weights' sha256 and the
  weights' sha256 and size pinned, so a cache filled by an older jnim build is never reused for new weights.
"""
import hashlib
import os
import re
import shutil
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODEL = os.path.join(ROOT, "src/main/resources/dev/jnim/models/demo-vlm")
GOLDEN = os.path.join(ROOT, "src/test/resources/golden/demo-vlm")
MANIFEST = os.path.join(ROOT, "src/main/resources/dev/jnim/manifest/model_manifest.yaml")


def main(run):
    shutil.rmtree(MODEL, ignore_errors=True)
    shutil.copytree(os.path.join(run, "demo-vlm"), MODEL)
    shutil.rmtree(GOLDEN, ignore_errors=True)
    shutil.copytree(os.path.join(run, "golden"), GOLDEN,
                    ignore=shutil.ignore_patterns("model.safetensors", "config.json", "preprocessor_config.json"))
    with open(os.path.join(MODEL, "model.safetensors"), "rb") as f:
        data = f.read()
    sha = hashlib.sha256(data).hexdigest()
    text = open(MANIFEST, encoding="utf-8").read()
    start = text.index("  - name: jnim/demo-vlm")
    end = text.index("\n  - name:", start + 1)
    entry = text[start:end]
    entry = re.sub(r"revision: \S+", f"revision: {sha[:12]}", entry, count=1)
    entry = re.sub(r'- \{uri: "classpath:dev/jnim/models/demo-vlm/model.safetensors"[^}]*\}',
                   f'- {{uri: "classpath:dev/jnim/models/demo-vlm/model.safetensors", sha256: {sha}, size: {len(data)}}}',
                   entry)
    with open(MANIFEST, "w", encoding="utf-8") as f:
        f.write(text[:start] + entry + text[end:])
    print(f"installed {run}: weights sha256 {sha}, {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
