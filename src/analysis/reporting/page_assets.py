"""What every report page shares (报告页面的公共部分): the stylesheet, the demo banner and the
embedded subset of the CJK font — for the notebook exports (:mod:`analysis.reporting.export`) and the
pages built outside nbconvert (:mod:`analysis.reporting.pages`).

Apart from :mod:`analysis.reporting.export` on purpose: nbconvert and nbformat (and through them
jsonschema, whose format checkers take over a second to import) are not loaded by a notebook's
kernel that only shows tables and writes pages.
"""

from __future__ import annotations

import base64
import re
from html import unescape
from html.parser import HTMLParser
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from pylopdf_fonts_zh_cn import sans_path

from analysis.paths import PACKAGE_DIR

TEMPLATES_DIR = PACKAGE_DIR / "reporting" / "templates"
REPORT_CSS_FILE = TEMPLATES_DIR / "shared" / "report.css"
CJK_FONT_PATH = Path(sans_path()).resolve()
#: font-family name of the embedded subset (distinct from an installed "Noto Sans SC", so the
#: embedded glyphs are always the ones used); report.css lists it first.
EMBEDDED_FONT_FAMILY = "Report Noto Sans SC"
DEMO_BANNER = "示例数据，非真实统计（demo data, not real statistics）"

#: stands for the page's @font-face until the page is rendered and its characters are known
FONT_PLACEHOLDER = "/*@@REPORT_FONT_FACE@@*/"


class _PageText(HTMLParser):
    """Collects the characters a browser draws with the page font: text outside style/script,
    including the ``<text>`` of inline SVG figures (drawn with the page font, see report.css)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._skip = 0
        self.chars: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.chars.update(data)


#: what is not text in a page: comments, <!DOCTYPE …> and the like, <style>/<script> elements with
#: their content, and tags (attribute values quoted or not)
_MARKUP = re.compile(
    r"<!--.*?-->"
    r"|<style(?:\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*)?>.*?</style\s*>"
    r"|<script(?:\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*)?>.*?</script\s*>"
    r"|<[!?][^>]*>"
    r"|</?[a-zA-Z][^\s/>]*(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.S | re.I)


def _text_characters(html: str) -> set[str] | None:
    """The characters of the text between the markup (charrefs decoded), by one regular
    expression; None when the page holds anything it does not read exactly as
    :class:`html.parser.HTMLParser` does (a ``<`` that starts no tag, a NUL)."""
    if "\x00" in html:
        return None
    # NUL between the pieces of text: html.unescape never reads a charref across it
    text = "\x00".join(_MARKUP.split(html))
    if "<" in text:
        return None
    chars = set(unescape(text) if "&" in text else text)
    chars.discard("\x00")
    return chars


def page_characters(html: str) -> str:
    """The distinct characters of the page's visible text, sorted. ASCII whitespace is left out;
    other spaces stay in: the ideographic space U+3000 of Chinese text needs its glyph, or a
    machine without a CJK font shows a missing-glyph box for it.

    Read by one regular expression (~30 times faster than ``HTMLParser`` on the 600 pages of a
    large county); a page it cannot read exactly as the parser would is given to the parser.
    """
    chars = _text_characters(html)
    if chars is None:
        parser = _PageText()
        parser.feed(html)
        parser.close()
        chars = parser.chars
    return "".join(sorted(ch for ch in chars if not (ch.isspace() and ch.isascii())))


@lru_cache(maxsize=16)
def font_subset_css(text: str, font_path: str | Path = CJK_FONT_PATH) -> str:
    """``@font-face`` rule embedding a subset of ``font_path`` with exactly the glyphs of ``text``.

    WOFF (zlib), not WOFF2: fontTools compresses WOFF2 with brotli at its highest quality, about
    0.5 s a page (0.07 s for WOFF) for a font about 10 % smaller (94 against 104 KB for a 600-character
    report); a period writes six or seven subsets. Every browser since 2012 reads WOFF. Returns ""
    for empty text.

    The OpenType features kept are fontTools' default set, the ones a browser applies by itself
    (kern, locl, ccmp, vert …); alternates that only ``font-feature-settings`` would request (aalt,
    full/half-width forms, stylistic sets) are left out: about 200 fewer glyphs on a 600-character
    page. The charstrings are desubroutinized (same outlines, ~4 % smaller after compression).
    Hinting is kept (small text on Windows). Loading the 17 MB OTF is lazy (~50 ms of tables per
    call); the time goes to the subsetting (~0.25 s): the rule of a set of characters is kept for
    the process (a rerun, or pages sharing their characters, reuse it).
    """
    from fontTools import subset

    if not text:
        return ""
    options = subset.Options()
    options.flavor = "woff"
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(font_path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    buffer = BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        "@font-face {\n"
        f'  font-family: "{EMBEDDED_FONT_FAMILY}";\n'
        "  font-style: normal;\n  font-weight: 400;\n  font-display: block;\n"
        f'  src: url("data:font/woff;base64,{data}") format("woff");\n'
        "}"
    )


def report_css() -> str:
    """The report stylesheet (templates/shared/report.css), the only CSS of every report page."""
    return REPORT_CSS_FILE.read_text(encoding="utf-8")


def embed_font(html: str) -> str:
    """Replace the page's :data:`FONT_PLACEHOLDER` by the ``@font-face`` subset of its characters."""
    if FONT_PLACEHOLDER not in html:
        raise ValueError("page has no font placeholder / 页面缺少字体占位符")
    return html.replace(FONT_PLACEHOLDER, font_subset_css(page_characters(html)), 1)
