"""Figures with Chinese text (图表中文字体).

Importing this module registers Noto Sans SC Regular (a static, OFL-licensed CJK font shipped by the
pinned PyPI package ``pylopdf-fonts-zh-cn``) with matplotlib and makes it the first font family, so
Chinese labels render on machines without any CJK system font (no "Glyph … missing" boxes).

``rcParams["font.family"]`` is set to a *list*: a CJK fallback placed only in ``font.sans-serif``
behind ``font.family = "sans-serif"`` still draws boxes.

Text from the data (school names, scenario names, responsible units) goes into a figure through
``plain_text``: matplotlib reads text between two ``$`` as mathtext, so a school named
``学校$x^2$`` would be drawn as a formula and one named ``$\\foo$`` would stop the chart.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib import font_manager
from pylopdf_fonts_zh_cn import sans_path

CJK_FONT_PATH: Path = Path(sans_path()).resolve()
CJK_FONT_FAMILY = "Noto Sans SC"
FONT_FAMILIES = [CJK_FONT_FAMILY, "DejaVu Sans"]


def register_cjk_font() -> Path:
    """Register the bundled Noto Sans SC with matplotlib and select it; return the font file path.

    Idempotent: calling it again (e.g. after a notebook changed rcParams) restores the settings.
    """
    if not CJK_FONT_PATH.is_file():
        raise FileNotFoundError(
            f"找不到中文字体文件 {CJK_FONT_PATH}（应由 pylopdf-fonts-zh-cn 包提供，请重新安装依赖）。 / "
            f"CJK font file {CJK_FONT_PATH} not found; reinstall the package pylopdf-fonts-zh-cn."
        )
    registered = {Path(f.fname).resolve() for f in font_manager.fontManager.ttflist}
    if CJK_FONT_PATH not in registered:
        font_manager.fontManager.addfont(str(CJK_FONT_PATH))
    matplotlib.rcParams["font.family"] = list(FONT_FAMILIES)
    matplotlib.rcParams["axes.unicode_minus"] = False
    return CJK_FONT_PATH


def plain_text(text: object) -> str:
    """``text`` for a matplotlib label, drawn literally: every ``$`` escaped as ``\\$``.

    Matplotlib shows ``\\$`` as ``$`` and never starts mathtext at an escaped dollar sign.
    """
    return str(text).replace("$", r"\$")


register_cjk_font()

__all__ = ["CJK_FONT_PATH", "CJK_FONT_FAMILY", "FONT_FAMILIES", "register_cjk_font", "plain_text"]
