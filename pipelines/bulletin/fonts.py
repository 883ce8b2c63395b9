"""The bulletin's Chinese font, carried in the page: Noto Sans CJK SC (Debian's fonts-noto-cjk, SIL Open Font
License 1.1), cut down to the characters the bulletin uses and embedded as @font-face rules.

Two reasons. The page then renders Chinese on any machine, whatever fonts it has. And the PDF stays
searchable: Chromium writes each glyph's text as the lowest code point the font maps to it, and the full
font maps its CJK radicals (⻚ U+2EDA, ⼴ U+2F34) to the same glyphs as 页 and 广, so "广东" could not be
found in, or copied out of, the PDF. The cut-down font maps only the characters the page holds.
"""

from __future__ import annotations

import base64
import io
import re
import subprocess

from indicators.errors import BilingualError

FAMILY = "Noto Sans CJK SC"
EMBEDDED = "Bulletin Noto CJK"  # the subset's own family name in the page: an installed full font is left alone
WEIGHTS = {400: "Regular", 700: "Bold"}
INSTALL = "apt-get install fonts-noto-cjk"


def font_faces(text: str) -> str:
    """@font-face rules for the regular and bold faces, holding exactly the characters of `text` (JSON
    escapes such as \\u4e2d included: plotly writes its figures' text so)."""
    characters = set(text) | {chr(int(code, 16)) for code in re.findall(r"\\u([0-9a-fA-F]{4})", text)}
    codepoints = sorted(ord(c) for c in characters if c.isprintable())
    rules = []
    for weight, style in WEIGHTS.items():
        data = base64.b64encode(_subset(*_installed(style), codepoints)).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{EMBEDDED}"; font-weight: {weight}; font-style: normal;'
                     f' src: url(data:font/otf;base64,{data}) format("opentype"); }}')
    return "\n".join(rules)


def _installed(style: str) -> tuple[str, int]:
    """The font file and its index within the collection, as fontconfig finds them."""
    try:
        found = subprocess.run(["fc-list", "-f", "%{file}|%{index}\n", f"{FAMILY}:style={style}"],
                               capture_output=True, text=True, timeout=60).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        found = []
    if not found:
        raise BilingualError(f"找不到中文字体 {FAMILY} {style}（{INSTALL}）",
                             f"the Chinese font {FAMILY} {style} is not installed ({INSTALL})")
    path, index = found[0].rsplit("|", 1)
    return path, int(index)


def _subset(path: str, index: int, codepoints: list[int]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]  # keep the font's own spacing and punctuation forms
    options.hinting = False  # screens and print scale outlines themselves; hints only add bytes
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # The head and hhea tables keep the full font's extents (a superset of the subset's: nothing is clipped);
    # recomputing them would draw every kept glyph, a third of the subsetting time.
    with TTFont(path, fontNumber=index, lazy=True, recalcBBoxes=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()
