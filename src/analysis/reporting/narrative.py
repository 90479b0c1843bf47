"""The county's own sections of the self-assessment report (县教育局撰写的章节).

A filed 自评报告 is not only tables: it opens with 基本情况 and 主要做法和成效 and closes with 存在问题
and 下一步打算, written by the bureau. The county folder may hold them as Markdown files::

    data/raw/<县>/narrative/基本情况.md
    data/raw/<县>/narrative/主要做法和成效.md
    data/raw/<县>/narrative/存在问题.md
    data/raw/<县>/narrative/下一步打算.md

A section may cite the period's computed figures by name, ``{{ 在校生总数 }}`` or
``{{ L3.小学.差异系数 }}`` (:func:`name_catalogue` lists every name; ``python -m
analysis.reporting.narrative`` writes the list to docs/narrative.md). Each period fills in its own
values. A name that is not in the list stops the run with the file and line (:class:`RawDataError`);
a figure whose inputs are missing is written "（无数据）", never 0. Substitution is the only
template feature: there are no loops, conditions or expressions.

The text is escaped like every input (HTML in it shows as text; links show their text; images are
left out, so the page stays offline), Chinese lines of a paragraph are joined without a space, and
a heading inside a section becomes a sub-heading of it. A missing section shows the marked
placeholder "（此节由县教育局填写）", never an empty heading.

The files are inputs of the ``evaluate`` step (their bytes are in its fingerprint): the step renders
them once per period into ``narrative.json``, so an unknown name fails the step, and an edited
section reruns the reports.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path
from typing import Any, Mapping

import mistune
import pandas as pd

from analysis.config.county import NARRATIVE_DIR, narrative_files  # noqa: F401  (re-exported)
from analysis.config.standards import load_standards
from analysis.engine.cv import composite_cv
from analysis.engine.figures import figure_catalogue
from analysis.errors import RawDataError, err
from analysis.files import atomic_write
from analysis.numbers import half_up
from analysis.paths import ROOT
from analysis.reporting.formats import is_missing
from analysis.reporting.html import esc, join_cjk_lines, result_table, tidy_cjk_spaces

#: the sections a county may write, in the order a filed report has them
SECTIONS = ("基本情况", "主要做法和成效", "存在问题", "下一步打算")
PLACEHOLDER = "（此节由县教育局填写）"
NO_DATA = "（无数据）"
#: the file the evaluate step writes into the period's processed folder
NARRATIVE_FILE = "narrative.json"
#: the generated list of names (a test checks it is in step)
DOCS_FILE = ROOT / "docs" / "narrative.md"
_NAME = re.compile(r"\{\{\s*(.*?)\s*\}\}")


# ---------------------------------------------------------------------------- the names
def name_catalogue(standards: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every name a section may cite, with its meaning: the engine's figures, the resource
    indicators' county means, CVs and units meeting the standard per stage, the composite CV, each
    indicator's result, and the county, period and compiling body."""
    out = [("县名", "县（市、区）名称（county.yaml）"), ("报告期", "报告期（年）"), ("编制单位", "编制单位（county.yaml）"),
           ("达标指标数", "32 项指标中达标的项数"), ("指标总数", "评估指标总数（32）")]
    out += [(name, f.doc + {"ratio": "；写作百分数，一位小数，如 96.3%", "money": "；整数元",
                            "count": ""}[f.kind])
            for name, f in figure_catalogue(standards).items()]
    stages = list(standards["stages"])
    for code, spec in standards["resources"]["indicators"].items():
        for st in stages:
            out += [(f"{code}.{st}.全县平均值", f"{st}{spec['name']}全县平均值（按学生数加权，两位小数）"),
                    (f"{code}.{st}.差异系数", f"{st}{spec['name']}差异系数（三位小数）"),
                    (f"{code}.{st}.达标学校数", f"{st}{spec['name']}达到标准的评估单位数")]
    for st in stages:
        out += [(f"综合.{st}.差异系数", f"{st}七项差异系数的平均值（三位小数，仅供参考）"),
                (f"{st}.参评单位数", f"纳入资源配置评估的{st}评估单位数"),
                (f"{st}.每校达标单位数", f"达到每校标准（至少6项达标、余项不低于85%）的{st}评估单位数")]
    out += [(f"{code}.结果", f"指标 {code} 的评估结果（达标/未达标/无数据/未提供）") for code in _codes(standards)]
    return out


def _codes(standards: Mapping[str, Any]) -> list[str]:
    from_std = [*standards["resources"]["indicators"], *standards["guarantee"],
                *(k for k in standards["quality"] if re.fullmatch(r"Q\d+", k)), "S1"]
    return from_std


def _fmt(value: Any, kind: str) -> str:
    if is_missing(value):
        return NO_DATA
    if kind == "ratio":
        return f"{half_up(float(value) * 100, 1):f}%"
    if kind in ("count", "money", "int"):
        return f"{half_up(value, 0):f}"
    decimals = {"mean": 2, "cv": 3}[kind]
    return f"{half_up(value, decimals):f}"


def narrative_values(results: Any, standards: Mapping[str, Any], meta: Mapping[str, Any] | None = None,
                     period: str = "") -> dict[str, str]:
    """The text of every name of :func:`name_catalogue` for one period (the engine's results)."""
    meta = dict(meta or {})
    values: dict[str, str] = {"县名": str(meta.get("county") or NO_DATA), "报告期": f"{period}年" if period else NO_DATA,
                              "编制单位": str(meta.get("organization") or NO_DATA)}
    verdict = result_table(results, "verdict")
    values["达标指标数"] = str(int(verdict["status"].eq("达标").sum()))
    values["指标总数"] = str(len(verdict))
    values.update({f"{c}.结果": str(s) for c, s in zip(verdict["code"], verdict["status"])})
    try:
        figures = result_table(results, "figures")
    except (KeyError, AttributeError):
        figures = None
    cat = figure_catalogue(standards)
    got = {} if figures is None else dict(zip(figures["name"], figures["value"]))
    values.update({name: _fmt(got.get(name), f.kind) for name, f in cat.items()})
    cv = result_table(results, "cv")
    by = cv.set_index(["indicator", "stage"])
    units = result_table(results, "units")
    inc = units[units["included"].fillna(False).astype(bool)]
    for code in standards["resources"]["indicators"]:
        for st in standards["stages"]:
            values[f"{code}.{st}.全县平均值"] = _fmt(by["mean"].get((code, st)), "mean")
            values[f"{code}.{st}.差异系数"] = _fmt(by["cv_shown"].get((code, st)), "cv")
            met = inc.loc[inc["stage"] == st, f"{code}_met"].astype("boolean")
            values[f"{code}.{st}.达标学校数"] = str(int(met.fillna(False).sum()))
    comp = composite_cv(cv).set_index("stage")["composite_cv"] if len(cv) else pd.Series(dtype=float)
    for st in standards["stages"]:
        values[f"综合.{st}.差异系数"] = _fmt(comp.get(st), "cv")
        s = inc[inc["stage"] == st]
        values[f"{st}.参评单位数"] = str(len(s))
        values[f"{st}.每校达标单位数"] = str(int(s["unit_pass"].astype("boolean").fillna(False).sum()))
    return values


# ---------------------------------------------------------------------------- the sections
def _read(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")  # Windows line ends
    except UnicodeDecodeError:
        raise RawDataError(err(
            f"叙述章节 {path} 不是 UTF-8 编码的文本：请在编辑器中另存为 UTF-8 的 .md 文件",
            f"narrative section {path} is not UTF-8 text: save it as a UTF-8 .md file")) from None


def fill(text: str, values: Mapping[str, str], path: Path | str) -> str:
    """``text`` with each ``{{ 名称 }}`` replaced by its value; an unknown name raises
    :class:`RawDataError` naming the file, the line and the name."""
    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            line = text.count("\n", 0, match.start()) + 1
            near = difflib.get_close_matches(name, list(values), n=3, cutoff=0.6)
            hint = f"（相近的名称：{'、'.join(near)}）" if near else ""
            raise RawDataError(err(
                f"叙述章节 {path} 第 {line} 行：未知的名称“{{{{ {name} }}}}”{hint}；可用的名称见 docs/narrative.md",
                f"narrative section {path}, line {line}: unknown name {{{{ {name} }}}}; the names are listed in "
                "docs/narrative.md"))
        return values[name]

    out = _NAME.sub(one, text)
    for m in re.finditer(r"\{\{|\}\}", _NAME.sub("", text)):  # a brace pair left open: a typo, not text
        line = _NAME.sub("", text).count("\n", 0, m.start()) + 1
        raise RawDataError(err(
            f"叙述章节 {path} 第 {line} 行：“{m.group(0)}”没有配对（引用名称写作 {{{{ 名称 }}}}）",
            f"narrative section {path}, line {line}: unmatched {m.group(0)} (a name is cited as {{{{ name }}}})"))
    return out


def render_narrative(data_dir: str | Path, values: Mapping[str, str]) -> dict[str, str | None]:
    """Each section's Markdown with the period's values filled in (None: the county has not written
    it). A file that is not a known section (a typo such as 主要做法.md) stops the run naming it."""
    out: dict[str, str | None] = {s: None for s in SECTIONS}
    for path in narrative_files(data_dir):
        if path.name.startswith("~$"):  # an editor's lock file beside an open document
            continue
        if path.suffix.lower() != ".md" or path.stem not in SECTIONS:
            raise RawDataError(err(
                f"叙述章节文件夹中的 {path.name} 不是已知的章节；文件名应为：" + "、".join(f"{s}.md" for s in SECTIONS),
                f"{path}: not a known section file; expected one of " + ", ".join(f"{s}.md" for s in SECTIONS)))
        out[path.stem] = fill(_read(path), values, path)
    return out


def write_narrative(data_dir: str | Path, values: Mapping[str, str], path: str | Path) -> Path:
    """Render the sections and write them (JSON) to ``path``, atomically."""
    return atomic_write(path, json.dumps(render_narrative(data_dir, values), ensure_ascii=False, indent=1))


def read_narrative(path: str | Path) -> dict[str, str | None]:
    """The rendered sections a step wrote (every section None when the file is missing)."""
    try:
        return {**dict.fromkeys(SECTIONS), **json.loads(Path(path).read_text(encoding="utf-8"))}
    except (OSError, ValueError):
        return dict.fromkeys(SECTIONS)


class _SafeRenderer(mistune.HTMLRenderer):
    """Escaped HTML of a county's text: no raw HTML, links as their text, images as their
    description (nothing is loaded from elsewhere), headings as sub-headings of the section."""

    def __init__(self) -> None:
        super().__init__(escape=True)

    def link(self, text: str, url: str, title: str | None = None) -> str:
        return text

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return f"〔图：{text}〕" if text else ""

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        return f"<h4>{text}</h4>\n"


_MARKDOWN = mistune.create_markdown(renderer=_SafeRenderer(), plugins=["table", "strikethrough"])


def section_html(text: str | None) -> str:
    """A section's HTML: the county's text (escaped) or the marked placeholder."""
    if text is None or not text.strip():
        return f'<p class="narrative-placeholder">{esc(PLACEHOLDER)}</p>'
    return f'<div class="narrative">{_MARKDOWN(tidy_cjk_spaces(join_cjk_lines(text)))}</div>'


def catalogue_markdown(standards: Mapping[str, Any]) -> str:
    """docs/narrative.md: how to write the sections, and every name with its meaning."""
    lines = [
        "# 自评报告中县教育局撰写的章节 / The county's own sections",
        "",
        "<!-- 本文件由 `python -m analysis.reporting.narrative` 生成，请勿手改 / generated, do not edit -->",
        "",
        "自评报告的“基本情况”“主要做法和成效”“存在问题”“下一步打算”由县教育局撰写。把每节写成一个 Markdown 文件，",
        "放在本县数据文件夹的 `narrative/` 中（与 county.yaml 同级），文件名即章节名：",
        "",
        "```",
        *(f"narrative/{s}.md" for s in SECTIONS),
        "```",
        "",
        "- 以 UTF-8 编码保存；段落之间空一行；可用 `**加粗**`、列表（`- ` 开头）和表格；章节内的标题显示为小标题。",
        "- 文中可引用本期计算出的数：写 `{{ 名称 }}`，如 `全县义务教育在校生 {{ 在校生总数 }} 人`。每期报告填入该期的数；"
        "缺少输入的数写作“（无数据）”，不按 0 计。",
        "- 名称必须是下表中的一个；写错的名称使运行停止，并指出文件和行号。除名称替换外没有其他模板语法。",
        "- 没有的章节在报告中显示“（此节由县教育局填写）”。文中的 HTML 按文字显示，链接只显示文字，不显示图片。",
        "- 修改章节后重新运行 `analysis run`，报告随之更新。",
        "",
        "| 名称 | 含义 |",
        "|---|---|",
        *(f"| `{name}` | {doc} |" for name, doc in name_catalogue(standards)),
        "",
    ]
    return "\n".join(lines)


def main() -> None:  # python -m analysis.reporting.narrative → docs/narrative.md
    target = DOCS_FILE
    atomic_write(target, catalogue_markdown(load_standards()))
    print(f"已更新 / updated {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
