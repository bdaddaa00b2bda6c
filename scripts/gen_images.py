#!/usr/bin/env python3
"""Adds photo-like JPEGs to a corpus made by gen_corpus.py, for the image benchmarks.

    python3 -m pip install pillow numpy          # the only dependencies
    python3 ../shared/bench/gen_corpus.py --entries 10000 --out W/corpus --seed 1
    python3 scripts/gen_images.py W/corpus [--every 10] [--seed 1] [--count N]

One entry in every tenth (`--every`), taken in sorted path order, gets a JPEG of 2 to 4
megapixels beside it, named after the entry (`places/eylisan-valley.md` gets
`places/eylisan-valley.jpg`), and its body ends with a reference to it:

    ![Photograph for Eylisan valley](eylisan-valley.jpg)

The pictures are smooth colour gradients and blobs at three scales, a horizon-like band,
and sensor-like noise, so that a JPEG of them at quality 85 is about as large as a
photograph of the same size (roughly 0.2 to 0.4 bytes a pixel) rather than the few
kilobytes a flat test pattern would take. Same corpus and --seed give byte-identical
files (numpy's PCG64 stream, Pillow's encoder at fixed settings). Running the script
twice on one corpus adds nothing the second time: an entry that already has its picture
is left alone.
"""
import argparse
import os
import sys

try:
    import numpy as np
    from PIL import Image
except ImportError:
    sys.exit("gen_images.py needs Pillow and numpy: python3 -m pip install pillow numpy")

# (width, height) of 2 to 4 megapixels, in the aspect ratios cameras use.
SIZES = [
    (1920, 1080), (2048, 1365), (2000, 1500), (1600, 1200), (2304, 1536),
    (2400, 1600), (1500, 2000), (1365, 2048), (2250, 1500), (2048, 1536),
]
QUALITY = 85


def field(rng, h, w, cells_y, cells_x, channels):
    """Smooth random values in [0, 1): a coarse grid upsampled bicubically."""
    coarse = rng.random((cells_y, cells_x, channels), dtype=np.float32)
    coarse = (coarse * 255).astype(np.uint8)
    img = Image.fromarray(coarse.squeeze() if channels == 1 else coarse)
    return np.asarray(img.resize((w, h), Image.BICUBIC), dtype=np.float32) / 255.0


def picture(rng, w, h):
    """An RGB picture that compresses like a photograph."""
    base = field(rng, h, w, 3, 4, 3) * 0.55
    mid = field(rng, h, w, 14, 18, 3) * 0.30
    detail = field(rng, h, w, 90, 120, 1)[..., None] * 0.15
    img = base + mid + detail
    # A horizon: a brighter sky above a line that wanders across the picture.
    horizon = int(h * rng.uniform(0.3, 0.7))
    wobble = (np.sin(np.linspace(0, rng.uniform(2, 9), w)) * h * 0.04).astype(int)
    rows = np.arange(h)[:, None]
    sky = rows < (horizon + wobble)[None, :]
    img = np.where(sky[..., None], img * 0.6 + 0.4 * np.array([0.55, 0.7, 0.9]), img * 0.85)
    img += rng.normal(0.0, 0.05, (h, w, 3)).astype(np.float32)
    return Image.fromarray((np.clip(img, 0.0, 1.0) * 255).astype(np.uint8), "RGB")


def entries(corpus):
    """Every entry of the corpus (not the sections' `_index.md`), in sorted path order."""
    found = []
    for folder, dirs, files in os.walk(corpus):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".md") and name != "_index.md":
                found.append(os.path.join(folder, name))
    return sorted(found)


def title_of(text):
    for line in text.split("\n")[1:]:
        if line.startswith("title: "):
            return line[len("title: "):].strip().strip('"')
        if line == "---":
            break
    return "the entry"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", help="a folder written by gen_corpus.py")
    ap.add_argument("--every", type=int, default=10, help="one entry in EVERY gets a picture")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=None, help="stop after this many pictures")
    args = ap.parse_args(argv)
    if args.every < 1:
        ap.error("--every must be >= 1")
    chosen = entries(args.corpus)[:: args.every]
    if args.count is not None:
        chosen = chosen[: args.count]
    made = pixels = size = 0
    for n, path in enumerate(chosen):
        # One stream per picture, so that --count and a second run change nothing else.
        rng = np.random.Generator(np.random.PCG64([args.seed, n]))
        w, h = SIZES[int(rng.integers(len(SIZES)))]
        stem = os.path.splitext(os.path.basename(path))[0]
        jpg = os.path.join(os.path.dirname(path), stem + ".jpg")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        reference = "![Photograph for %s](%s.jpg)" % (title_of(text).replace("]", ""), stem)
        if reference in text and os.path.exists(jpg):
            continue
        picture(rng, w, h).save(jpg, "JPEG", quality=QUALITY, optimize=False, progressive=False)
        if reference not in text:
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text.rstrip("\n") + "\n\n" + reference + "\n")
        made += 1
        pixels += w * h
        size += os.path.getsize(jpg)
    if made:
        print("%d pictures, %.1f MP on average, %.0f MB in all (%.2f bytes a pixel)"
              % (made, pixels / made / 1e6, size / 1e6, size / pixels), file=sys.stderr)
    else:
        print("nothing to add", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
