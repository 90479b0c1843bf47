"""Chinese text in matplotlib figures: Noto Sans SC is registered and used, no missing glyphs."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402

from analysis.reporting import plotting  # noqa: E402


def test_font_family_is_a_list_with_noto_first():
    assert list(matplotlib.rcParams["font.family"]) == ["Noto Sans SC", "DejaVu Sans"]
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_cjk_font_file_is_the_static_noto_regular():
    path = Path(plotting.CJK_FONT_PATH)
    assert path.is_file()
    assert path.name == "NotoSansSC-Regular.otf"
    resolved = font_manager.findfont(FontProperties(family=matplotlib.rcParams["font.family"]))
    assert Path(resolved).resolve() == path.resolve()


def test_chinese_figure_has_no_missing_glyph(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.bar(["小学", "初中"], [1.0, -0.5])
        ax.set_title("生均教学及辅助用房面积（平方米）")
        ax.set_xlabel("学段")
        ax.set_ylabel("差异系数 −0.5")
        out = tmp_path / "fig.png"
        fig.savefig(out, dpi=60)
        plt.close(fig)
    glyph_warnings = [str(w.message) for w in caught if "Glyph" in str(w.message) and "missing" in str(w.message)]
    assert glyph_warnings == []
    assert out.stat().st_size > 1000
    # the text objects resolve to the Noto file
    fig, ax = plt.subplots()
    title = ax.set_title("学校")
    resolved = font_manager.findfont(title.get_fontproperties())
    plt.close(fig)
    assert Path(resolved).resolve() == plotting.CJK_FONT_PATH


def test_register_is_idempotent_and_restores_settings():
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    n_before = sum(1 for f in font_manager.fontManager.ttflist if Path(f.fname).resolve() == plotting.CJK_FONT_PATH)
    assert plotting.register_cjk_font() == plotting.CJK_FONT_PATH
    n_after = sum(1 for f in font_manager.fontManager.ttflist if Path(f.fname).resolve() == plotting.CJK_FONT_PATH)
    assert n_before == n_after == 1
    assert list(matplotlib.rcParams["font.family"]) == ["Noto Sans SC", "DejaVu Sans"]
