"""The reports' index page (reports/index.html): each period's reports and status, and the key figures across periods."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from markupsafe import Markup

from analysis.files import atomic_write
from analysis.paths import APPLICATION_WORKBOOK, PROCESSED_DIR, QUALITY_WORKBOOK
from analysis.pipeline.status import STALE_DIR_NAME, read_status
from analysis.reporting import plotting  # noqa: F401  (registers the CJK font)
from analysis.reporting.formats import AREAS
from analysis.reporting.html import html_figure, html_table
from analysis.reporting.pages import render_page
from analysis.reporting.texts import read_processed
from analysis.schemas import STAGES

_PERIOD_RE = re.compile(r"^[0-9A-Za-z_.\-]+$")


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
    APPLICATION_WORKBOOK: "申报表（Excel）",
    QUALITY_WORKBOOK: "数据质量问题清单（Excel）",
    "clean.html": "数据清洗与质量检查",
    "indicators.html": "指标计算",
    "projection.html": "达标预测",
    "comparison.html": "与上一期比较",
}
#: the list of the period's per-school pages (reports/<period>/schools/index.html)
SCHOOLS_INDEX = ("schools", "index.html")


def write_index(
    reports_root: str | Path, processed_root: str | Path | None = None, county: str = "", demo: bool = False
) -> Path:
    """Write ``reports/index.html``: links to every period's reports and the trend of the key figures.

    Periods are the sub-folders of ``reports_root`` holding at least one report (or a run status);
    key figures come from ``processed_root/<period>/verdict`` and ``cv`` (default:
    ``data/processed``). A period whose last run failed (``run_status.json``, written by the runner)
    is shown as failed with the one-line reason and a link to the failed notebook; its reports
    from an earlier run are listed apart as 已过期 (stale), and it is left out of the key figures.
    Offline: no external resource; the trend figure is embedded; written atomically.
    ``demo=True`` (the data folder's county.yaml says demo) shows the 示例数据 banner.

    The page is ``templates/pages/index.html.j2`` (autoescaped Jinja2, the report pages' shared
    skeleton); this function only gathers what it shows.
    """
    from urllib.parse import quote

    reports_root = Path(reports_root)
    processed_root = Path(processed_root) if processed_root is not None else PROCESSED_DIR
    reports_root.mkdir(parents=True, exist_ok=True)

    def reports_in(folder: Path) -> list[Path]:
        files = sorted(folder.glob("*.html")) + sorted(folder.glob("*.xlsx"))
        order = list(REPORT_TITLES)
        return sorted(files, key=lambda f: (order.index(f.name) if f.name in order else len(order), f.name))

    def link(href_parts: list[str], text: str) -> dict[str, str]:
        return {"href": "/".join(quote(part) for part in href_parts), "text": text}

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
    shown_periods = []
    for p in periods:
        folder = reports_root / p
        status = statuses[p]
        failed_nb = status.get("failed_ipynb")
        shown_periods.append({
            "name": p,
            "status": status.get("status"),
            "finished": when(status.get("finished")) if status.get("finished") else "",
            "started": when(status.get("started")) if status.get("started") else "",
            "message": str(status.get("message") or "").removeprefix("失败 / FAILED "),
            "failed_notebook": link([p, failed_nb], failed_nb)
            if failed_nb and (folder / failed_nb).is_file() else None,
            "reports": [link([p, f.name], REPORT_TITLES.get(f.name, f.stem)) for f in reports_in(folder)]
            + ([link([p, *SCHOOLS_INDEX], "各校页面")] if folder.joinpath(*SCHOOLS_INDEX).is_file() else []),
            "stale": [link([p, STALE_DIR_NAME, f.name], REPORT_TITLES.get(f.name, f.stem) + "（已过期 / stale）")
                      for f in reports_in(folder / STALE_DIR_NAME)],
        })
    # key figures only for periods whose last run finished: a failed run leaves processed tables
    # that may not match the period's current raw data
    unsure = [p for p in periods if statuses[p].get("status") in ("failed", "running")]
    periods = [p for p in periods if p not in unsure]
    counts, cvs = key_figures(processed_root, periods)
    counts_table = cv_table = trend_figure = None
    if not counts.empty and "达标项数" in counts:
        counts_table = html_table(counts, headers={"period": "期次"},
                                  kinds={"达标项数": "int", "未达标项数": "int", "无数据项数": "int"},
                                  caption="32项指标达标情况")
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
        cv_table = html_table(
            wide, headers={"stage": "学段", "indicator": "指标", "indicator_name": "指标名称"},
            columns=idx + shown, kinds={p: "cv" for p in shown},
            status_of={p: f"{p}_passed" for p in shown if f"{p}_passed" in wide.columns},
            caption="资源配置7项指标校际差异系数（各期；红色为超过上限）")
        if len(periods) >= 2:
            trend_figure = _cv_trend_figure(cvs)
    page = render_page(
        "pages/index.html.j2", title=title, demo=demo, page_class="index-page",
        periods=shown_periods, unsure=unsure,
        # escaped HTML built by html_table / html_figure (every text in it escaped there)
        counts_table=Markup(counts_table) if counts_table else None,
        cv_table=Markup(cv_table) if cv_table else None,
        trend_figure=Markup(trend_figure) if trend_figure else None,
    )
    return atomic_write(reports_root / "index.html", page)


def _cv_trend_figure(cvs: pd.DataFrame) -> str:
    """Line chart of each stage's CVs across periods, with the limit, as an embedded figure."""
    import matplotlib.pyplot as plt  # lazy: the index without periods to compare draws no figure

    stages = [s for s in STAGES if s in set(cvs["stage"])]
    fig, axes = plt.subplots(1, len(stages), figsize=(5.5 * len(stages), 3.6), squeeze=False)
    for ax, stage in zip(axes[0], stages):
        sub = cvs[cvs["stage"].eq(stage)]
        wide = sub.pivot_table(index="period", columns="indicator", values="cv_shown", aggfunc="first")
        # one tick per period, labelled with the period (pandas' own plot of a text index labelled
        # only the first one)
        x = list(range(len(wide.index)))
        for code in wide.columns:
            ax.plot(x, wide[code].to_numpy(dtype=float), marker="o", label=plotting.plain_text(code))
        ax.set_xticks(x, [plotting.plain_text(p) for p in wide.index])
        ax.set_xlim(-0.3, len(x) - 0.7)
        ax.axhline(float(sub["limit"].iloc[0]), color="#B00020", linestyle="--", label="标准上限")
        ax.set_title(f"{stage}校际差异系数")
        ax.set_xlabel("期次")
        ax.set_ylabel("差异系数")
        ax.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False)
    return html_figure(fig, alt="各期校际差异系数趋势")
