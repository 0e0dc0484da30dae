"""Drawing thermal-printer PDFs (labels, bag labels, manifests): fonts that have Vietnamese and Chinese,
a pen that mixes them in one line, and Code128 barcodes on whole printer dots.

Fonts: a TrueType font that has the Vietnamese letters (DejaVu Sans, Liberation Sans, Noto Sans…) is
embedded for the Latin text, and Chinese runs use a TrueType CJK font when the machine has one. Noto CJK,
which Debian ships as CFF (PostScript outlines), cannot be embedded by reportlab: then Chinese falls back to
reportlab's built-in CID font STSong-Light, and Latin to Helvetica when no TrueType font is found at all.
A missing font never stops a label from printing.
"""

from __future__ import annotations

import functools
import itertools
import logging
import shutil
import subprocess
from dataclasses import dataclass

from reportlab.graphics.barcode import code128
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas  # noqa: F401  (Pen draws on its canvas)

logger = logging.getLogger(__name__)

PAGE_WIDTH = 100 * mm
PAGE_HEIGHT = 150 * mm
MARGIN = 4 * mm
DOT = 25.4 / 203 * mm  # one dot of a 203 dpi thermal head
QUIET_MODULES = 10
NONE = "—"

# Probes: a font is only used when it has every one of these letters.
VIETNAMESE_PROBE = "ĂẮẶÂẦĐÊỆÔỘƠỢƯỮăắặâầđêệôộơợưữ"
CHINESE_PROBE = "集运订单客户重量尺寸快递品名目的仓"

LATIN_CANDIDATES = [
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    ("/Library/Fonts/Arial Unicode.ttf", None),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
]
# TrueType-outline CJK fonts (Noto CJK's .ttc is CFF, which reportlab cannot embed; it is tried last
# in case a later reportlab can).
CJK_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/simhei.ttf",
]


# --- fonts -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelFonts:
    regular: str
    bold: str
    cjk: str
    latin_glyphs: frozenset[int] | None  # code points the Latin font has; None: Helvetica (Latin-1)

    def for_char(self, char: str, *, bold: bool) -> str:
        code = ord(char)
        covered = code < 256 if self.latin_glyphs is None else code in self.latin_glyphs
        if covered or char.isspace():
            return self.bold if bold else self.regular
        return self.cjk


def _load_ttf(name: str, path: str, probe: str) -> TTFont | None:
    """The TrueType font at path (first face of a collection that has every probe letter), or None."""
    for index in range(8 if path.lower().endswith(".ttc") else 1):
        try:
            font = TTFont(name, path, subfontIndex=index)
        except Exception as exc:  # missing file, CFF outlines, no more faces in the collection…
            if index == 0:
                logger.debug("label font %s not usable: %s", path, exc)
            return None
        if all(ord(c) in font.face.charToGlyph for c in probe):
            return font
    return None


def _fc_list(query: str) -> list[str]:
    """Font files fontconfig knows for a query (empty without fontconfig)."""
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{file}\n", query],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.strip() for line in out.splitlines() if line.strip()})


def _fc_files(query: str):
    """Lazily: fontconfig runs only when the caller gets this far."""
    yield from _fc_list(query)


def _fc_pairs(query: str):
    for path in _fc_files(query):
        yield path, None


def _register(font: TTFont) -> str:
    if font.fontName not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(font)
    return font.fontName


@functools.cache
def label_fonts() -> LabelFonts:
    """Find, register and remember the label's fonts. Never raises: the worst case is Helvetica + STSong."""
    regular = bold = None
    candidates = itertools.chain(  # fontconfig is asked only when no known file is there
        LATIN_CANDIDATES,
        _fc_pairs(":lang=vi:fontformat=TrueType:style=Regular"),
    )
    for regular_path, bold_path in candidates:
        regular = _load_ttf("KyGuiLabel", regular_path, VIETNAMESE_PROBE)
        if regular is not None:
            bold = _load_ttf("KyGuiLabel-Bold", bold_path, VIETNAMESE_PROBE) if bold_path else None
            break

    cjk = None
    for path in itertools.chain(CJK_CANDIDATES, _fc_files(":lang=zh-cn:fontformat=TrueType")):
        cjk = _load_ttf("KyGuiLabelCJK", path, CHINESE_PROBE)
        if cjk is not None:
            break

    if cjk is not None:
        cjk_name = _register(cjk)
    else:
        try:
            cjk_name = "STSong-Light"
            if cjk_name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(cjk_name))
        except Exception:  # a reportlab built without its CID data: Chinese shows as blanks
            logger.warning("no font for Chinese text on labels", exc_info=True)
            cjk_name = "Helvetica"

    if regular is None:
        logger.warning("no TrueType font with Vietnamese letters found for labels: using Helvetica")
        return LabelFonts("Helvetica", "Helvetica-Bold", cjk_name, None)
    regular_name = _register(regular)
    bold_name = _register(bold) if bold is not None else regular_name
    return LabelFonts(regular_name, bold_name, cjk_name, frozenset(regular.face.charToGlyph))


# --- drawing helpers -------------------------------------------------------------------------------------


def _runs(text: str, fonts: LabelFonts, bold: bool) -> list[tuple[str, str]]:
    """Split text into (font, chunk) runs: Latin and Vietnamese in the Latin font, the rest in CJK."""
    runs: list[tuple[str, str]] = []
    for char in text:
        font = fonts.for_char(char, bold=bold)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


class Pen:
    """Draws mixed Vietnamese / Chinese text on a canvas, one font per run."""

    def __init__(self, canvas: pdf_canvas.Canvas, fonts: LabelFonts):
        self.c, self.fonts = canvas, fonts

    def width(self, text: str, size: float, *, bold: bool = False, spacing: float = 0) -> float:
        glyphs = sum(
            pdfmetrics.stringWidth(chunk, font, size) for font, chunk in _runs(text, self.fonts, bold)
        )
        return glyphs + spacing * max(len(text) - 1, 0)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        align: str = "left",
        spacing: float = 0,
    ) -> float:
        """Draw text with its baseline at y; align is left, center or right of x; spacing is extra room
        between letters (the text stays one word for copy and search). Returns its width."""
        width = self.width(text, size, bold=bold, spacing=spacing)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        for font, chunk in _runs(text, self.fonts, bold):
            self.c.setFont(font, size)
            self.c.drawString(x, y, chunk, charSpace=spacing)
            x += pdfmetrics.stringWidth(chunk, font, size) + spacing * len(chunk)
        return width

    def fit_size(self, text: str, max_width: float, largest: float, smallest: float, *, bold=True) -> float:
        """The largest font size from largest down to smallest at which text fits max_width."""
        width = self.width(text, largest, bold=bold)
        if width <= max_width:
            return largest
        return max(smallest, largest * max_width / width)

    def wrap(self, text: str, size: float, max_width: float, max_lines: int, *, bold=False) -> list[str]:
        """Greedy line breaking at spaces (anywhere inside CJK), cut with an ellipsis past max_lines."""
        tokens: list[str] = []
        for char in text:
            is_cjk = self.fonts.for_char(char, bold=bold) == self.fonts.cjk
            if (
                char.isspace()
                or is_cjk
                or not tokens
                or tokens[-1].endswith(" ")
                or self._cjk_end(tokens[-1])
            ):
                tokens.append(char)
            else:
                tokens[-1] += char
        lines, line = [], ""
        for token in tokens:
            candidate = line + token
            if line and self.width(candidate.rstrip(), size, bold=bold) > max_width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
            while self.width(line, size, bold=bold) > max_width and len(line) > 1:  # one very long word
                cut = len(line) - 1
                while cut > 1 and self.width(line[:cut], size, bold=bold) > max_width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        if line.strip():
            lines.append(line.rstrip())
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            last = lines[-1]
            while last and self.width(last + "…", size, bold=bold) > max_width:
                last = last[:-1]
            lines[-1] = last.rstrip() + "…"
        return lines

    def _cjk_end(self, token: str) -> bool:
        return self.fonts.for_char(token[-1], bold=False) == self.fonts.cjk


def barcode(value: str, max_width: float, bar_height: float, *, max_dots: int) -> code128.Code128:
    """A Code128 of value with bars of whole printer dots (at most max_dots) that fits max_width.

    max_width includes the quiet zones. When even two dots per module is too wide, the modules are
    scaled down to fit (a very long code on a 100 mm label).
    """
    modules = code128.Code128(value, barWidth=1, barHeight=1, quiet=False, humanReadable=False).width
    total = modules + 2 * QUIET_MODULES
    dots = min(max_dots, int(max_width / (total * DOT)))
    bar_width = dots * DOT if dots >= 2 else max_width / total
    return code128.Code128(value, barWidth=bar_width, barHeight=bar_height, quiet=False, humanReadable=False)


def draw_barcode(
    c, value: str, center_x: float, y: float, max_width: float, bar_height: float, max_dots: int
):
    symbol = barcode(value, max_width, bar_height, max_dots=max_dots)
    symbol.drawOn(c, center_x - symbol.width / 2, y)
    return symbol


# --- formatting ------------------------------------------------------------------------------------------
