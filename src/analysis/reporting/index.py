"""The reports' index page (reports/index.html): each period's reports and status, and the key figures across periods."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from analysis.reporting.formats import AREAS
from analysis.reporting.html import esc, html_figure, html_paragraph, html_table
from analysis.reporting.texts import read_processed

_PERIOD_RE = re.compile(r"^[0-9A-Za-z_.\-]+$")
from analysis.files import atomic_write
from analysis.paths import PROCESSED_DIR
from analysis.pipeline.status import STALE_DIR_NAME, read_status
from analysis.reporting import plotting  # noqa: F401  (registers the CJK font)
from analysis.reporting.export import (
    DEMO_BANNER,
    REPORT_CSS_FILE,
    font_subset_css,
    page_characters,
)
from analysis.schemas import STAGES


def key_figures(processed_root: str | Path, periods: Iterable[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Key figures per period from each period's processed verdict and cv tables.

    Returns (per-period counts by area, CV shown per period × stage × indicator). A period without
    a verdict table has missing counts (not zero).
    """
    processed_root = Path(processed_root)
    counts, cvs = [], []
    for p in periods:
        folder = processed_root / p
        v = read_processed(folder, "verdict")
        row: dict[str, Any] = {"period": p}
        if v is not None:
            row["达标项数"] = int(v["status"].eq("达标").sum())
            row["未达标项数"] = int(v["status"].eq("未达标").sum())
            row["无数据项数"] = int(v["status"].isin(["无数据", "未提供"]).sum())
            for a in AREAS:
                sub = v[v["area"].eq(a)]
                row[f"{a}达标"] = f"{int(sub['status'].eq('达标').sum())}/{len(sub)}"
        u = read_processed(folder, "units")
        if u is not None:
            inc = u[u["included"].fillna(False).astype(bool)]
            for stage in STAGES:
                st = inc[inc["stage"].eq(stage)]
                row[f"{stage}每校达标"] = f"{int(st['unit_pass'].fillna(False).astype(bool).sum())}/{len(st)}"
        counts.append(row)
        c = read_processed(folder, "cv")
        if c is not None:
            cvs.append(c.assign(period=p)[["period", "stage", "indicator", "indicator_name", "cv_shown", "limit", "passed"]])
    counts_df = pd.DataFrame(counts)
    cv_df = pd.concat(cvs, ignore_index=True) if cvs else pd.DataFrame(
        columns=["period", "stage", "indicator", "indicator_name", "cv_shown", "limit", "passed"])
    return counts_df, cv_df


REPORT_TITLES = {
    "self_assessment.html": "自评报告",
    "rectification.html": "整改报告",
    "application_tables.xlsx": "申报表（Excel）",
    "数据质量问题清单.xlsx": "数据质量问题清单（Excel）",
    "clean.html": "数据清洗与质量检查",
    "indicators.html": "指标计算",
    "projection.html": "达标预测",
}


def _page(title: str, body: str, demo: bool = False) -> str:
    """A complete offline HTML page with the exporter's CSS and embedded font subset.

    ``demo=True`` puts the exporter's 示例数据 banner above the body, as on every report page.
    """

    if demo:
        body = f'<div class="report-demo-banner" role="note">{esc(DEMO_BANNER)}</div>{body}'

    css = REPORT_CSS_FILE.read_text(encoding="utf-8") if REPORT_CSS_FILE.is_file() else ""
    head = (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
    )
    page_body = f'<body class="report index-page"><main class="jp-RenderedHTMLCommon">{body}</main></body></html>\n'
    font_css = font_subset_css(page_characters(f"<title>{esc(title)}</title>" + page_body))
    return f"{head}<style>{font_css}</style><style>{css}</style></head>{page_body}"


def write_index(
    reports_root: str | Path, processed_root: str | Path | None = None, county: str = "", demo: bool = False
) -> Path:
    """Write ``reports/index.html``: links to every period's reports and the trend of the key figures.

    Periods are the sub-folders of ``reports_root`` holding at least one report (or a run status);
    key figures come from ``processed_root/<period>/verdict`` and ``cv`` (default:
    ``data/processed``). A period whose last run failed (``run_status.json``, written by the runner)
    is shown as failed with the one-line reason and a link to the failed notebook; its reports
    from an earlier run are listed apart as 已过期 (stale), and it is left out of the key figures.
    Offline: no external resource; the trend figure is an embedded PNG, written atomically.
    ``demo=True`` (the data folder's county.yaml says demo) shows the 示例数据 banner.
    """
    from urllib.parse import quote


    reports_root = Path(reports_root)
    processed_root = Path(processed_root) if processed_root is not None else PROCESSED_DIR
    reports_root.mkdir(parents=True, exist_ok=True)

    def reports_in(folder: Path) -> list[Path]:
        files = sorted(folder.glob("*.html")) + sorted(folder.glob("*.xlsx"))
        order = list(REPORT_TITLES)
        return sorted(files, key=lambda f: (order.index(f.name) if f.name in order else len(order), f.name))

    def link(href_parts: list[str], text: str) -> str:
        href = "/".join(quote(part) for part in href_parts)
        return f'<a href="{esc(href)}">{esc(text)}</a>'

    def when(stamp: Any) -> str:
        """An ISO time stamp of run_status.json as 2021-06-30 14:05 (local time of the run)."""
        try:
            return datetime.fromisoformat(str(stamp)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return str(stamp or "")

    periods = sorted(
        d.name for d in reports_root.iterdir()
        if d.is_dir() and _PERIOD_RE.match(d.name)
        and (reports_in(d) or (d / STALE_DIR_NAME).is_dir() or read_status(d) is not None)
    )
    statuses = {p: (read_status(reports_root / p) or {}) for p in periods}
    title = f"{county}义务教育优质均衡发展评估报告索引" if county else "义务教育优质均衡发展评估报告索引"
    body = [f"<h1>{esc(title)}</h1>"]
    body.append("<h2>各期报告</h2>")
    if not periods:
        body.append(html_paragraph("尚无报告。请先运行 `analysis run`。"))
    rows = []
    for p in periods:
        folder = reports_root / p
        status = statuses[p]
        parts = [f"<h3>{esc(p)} 年度</h3>"]
        if status.get("status") == "failed":
            parts.append(html_paragraph(
                f"⚠ 最近一次运行失败 / last run FAILED（{when(status.get('finished'))}）："
                f"{str(status.get('message') or '').removeprefix('失败 / FAILED ')}", "run-status run-failed"))
            failed_nb = status.get("failed_ipynb")
            if failed_nb and (folder / failed_nb).is_file():
                parts.append(f'<p class="run-status">失败的笔记本（含出错单元格）/ failed notebook: '
                             f'{link([p, failed_nb], failed_nb)}</p>')
        elif status.get("status") == "running":
            parts.append(html_paragraph(
                f"⚠ 最近一次运行未完成（{when(status.get('started'))} 开始，可能被中断）/ "
                "last run did not finish (interrupted?)", "run-status run-failed"))
        elif status.get("status") == "ok" and status.get("finished"):
            parts.append(html_paragraph(f"最近一次运行 / last run：{when(status['finished'])}", "run-status"))
        current = reports_in(folder)
        if current:
            parts.append("<ul>" + "".join(
                f"<li>{link([p, f.name], REPORT_TITLES.get(f.name, f.stem))}</li>" for f in current) + "</ul>")
        elif status.get("status") in ("failed", "running"):
            parts.append(html_paragraph("本期没有当前有效的报告 / no current report for this period", "run-status"))
        stale = reports_in(folder / STALE_DIR_NAME)
        if stale:
            parts.append(html_paragraph(
                "已过期的旧报告（此后的运行失败，仅供参考，不反映最新数据）/ stale reports from an earlier "
                "run (a later run failed; for reference only):", "run-status run-stale"))
            parts.append('<ul class="run-stale">' + "".join(
                f"<li>{link([p, STALE_DIR_NAME, f.name], REPORT_TITLES.get(f.name, f.stem) + '（已过期 / stale）')}</li>"
                for f in stale) + "</ul>")
        rows.append("".join(parts))
    body.extend(rows)
    # key figures only for periods whose last run finished: a failed run leaves processed tables
    # that may not match the period's current raw data
    unsure = [p for p in periods if statuses[p].get("status") in ("failed", "running")]
    periods = [p for p in periods if p not in unsure]
    counts, cvs = key_figures(processed_root, periods)
    body.append('<h2>关键指标变化趋势</h2>')
    if unsure:
        body.append(html_paragraph(
            f"{'、'.join(unsure)} 年度最近一次运行未成功，未列入下表 / not shown: the last run of "
            f"{', '.join(unsure)} did not succeed.", "run-status run-failed"))
    if counts.empty or "达标项数" not in counts:
        body.append(html_paragraph("尚无各期指标结果（data/processed/<期>/verdict）。"))
    else:
        ch = {"period": "期次"}
        body.append(html_table(counts, headers=ch, kinds={"达标项数": "int", "未达标项数": "int", "无数据项数": "int"},
                               caption="32项指标达标情况"))
    if not cvs.empty:
        idx = ["stage", "indicator", "indicator_name"]
        wide = cvs.pivot_table(index=idx, columns="period", values="cv_shown", aggfunc="first")
        ok = cvs.assign(passed=cvs["passed"].astype("boolean")).pivot_table(
            index=idx, columns="period", values="passed", aggfunc="first").add_suffix("_passed")
        wide = wide.join(ok).reset_index()
        wide.columns = [str(c) for c in wide.columns]
        order = {s: i for i, s in enumerate(STAGES)}
        wide = wide.sort_values(["stage", "indicator"], key=lambda s: s.map(order) if s.name == "stage" else s)
        shown = [p for p in periods if p in wide.columns]
        body.append(html_table(
            wide, headers={"stage": "学段", "indicator": "指标", "indicator_name": "指标名称"},
            columns=idx + shown, kinds={p: "cv" for p in shown},
            status_of={p: f"{p}_passed" for p in shown if f"{p}_passed" in wide.columns},
            caption="资源配置7项指标校际差异系数（各期；红色为超过上限）"))
        if len(periods) >= 2:
            body.append(_cv_trend_figure(cvs))

    return atomic_write(reports_root / "index.html", _page(title, "".join(body), demo=demo))


def _cv_trend_figure(cvs: pd.DataFrame) -> str:
    """Line chart of each stage's CVs across periods, with the limit, as an embedded PNG."""
    import matplotlib.pyplot as plt  # lazy: the index without periods to compare draws no figure

    stages = [s for s in STAGES if s in set(cvs["stage"])]
    fig, axes = plt.subplots(1, len(stages), figsize=(5.5 * len(stages), 3.6), squeeze=False)
    for ax, stage in zip(axes[0], stages):
        sub = cvs[cvs["stage"].eq(stage)]
        wide = sub.pivot_table(index="period", columns="indicator", values="cv_shown", aggfunc="first")
        wide.plot(ax=ax, marker="o")
        ax.axhline(float(sub["limit"].iloc[0]), color="#B00020", linestyle="--", label="标准上限")
        ax.set_title(f"{stage}校际差异系数")
        ax.set_xlabel("期次")
        ax.set_ylabel("差异系数")
        ax.legend(fontsize=7, ncol=2)
    return html_figure(fig, alt="各期校际差异系数趋势")
