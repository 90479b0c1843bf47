"""Command line: ``analysis run --period 2021``, ``analysis check --period 2021``,
``analysis template --out DIR`` (also ``python -m analysis``).

Examples::

    analysis template --out /path/county --county 某县 --period 2022   # blank input workbooks

    analysis check --period 2021                    # validate the workbooks only (fast)
    analysis import-stats 综合查询.xlsx 基层表/ --period 2021 --out data/raw/我县   # the statistics → workbooks

    analysis run --all-periods                      # every period of the demo data
    analysis run --period 2021 --period 2020        # two periods
    analysis run --period 2021 --data /path/county --out /path/reports --notebook indicators

    analysis region --counties /path/各县 --out /path/地区汇总        # every county side by side
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from analysis import paths
from analysis.errors import ConfigError, RawDataError
from analysis.ingest import checks, stats_import, template
from analysis.pipeline import runner
from analysis.region import run_region
from analysis.settings import configure_pandas

ENV_NOTEBOOKS_DIR = "ANALYSIS_NOTEBOOKS_DIR"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="县域义务教育优质均衡发展分析：运行笔记本并导出 HTML 报告。 / "
        "Run the analysis notebooks and export the HTML reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="运行笔记本，写出 reports/<period>/ / run the notebooks, write reports/<period>/",
        description="按文件名顺序运行 notebooks/NN_*.py，写出 <out>/<period>/<name>.ipynb 与 .html。 / "
        "Execute notebooks/NN_*.py in order; write <out>/<period>/<name>.ipynb and .html.",
    )
    run.add_argument("--period", action="append", default=[], metavar="YYYY",
                     help="报告期（可重复） / reporting period, repeatable, e.g. 2021")
    run.add_argument("--all-periods", action="store_true",
                     help="数据目录下每个四位数字子目录 / every 4-digit subfolder of the data folder")
    run.add_argument("--data", metavar="DIR",
                     help="县的原始数据目录（默认 data/raw/demo） / the county's raw data folder (default data/raw/demo)")
    run.add_argument("--processed", metavar="DIR",
                     help="处理后数据目录（默认 data/processed） / processed tables folder (default data/processed)")
    run.add_argument("--out", metavar="DIR",
                     help="报告根目录，每期写入 DIR/<period>/（默认 reports） / reports root; each period goes to DIR/<period>/ (default reports)")
    run.add_argument("--notebook", metavar="NAME",
                     help="只运行一个笔记本，如 indicators 或 02_indicators / run one notebook only")
    run.add_argument("--standards", metavar="FILE",
                     help="用另一份完整的评估标准文件代替国家标准（county.yaml 的 overrides 仍在其上生效） / "
                     "another whole standards file instead of the national one (county.yaml overrides still apply)")
    run.add_argument("--target-year", metavar="YYYY",
                     help="目标年份（默认取 county.yaml 的 target_year，再默认 2022） / target year (default: "
                     "county.yaml target_year, else 2022)")
    run.add_argument("--scenarios", metavar="DIR",
                     help="情景文件夹（*.yaml，默认内置的基准情景与县规划情景） / folder of scenario files "
                     "(default: the bundled baseline and county plan)")
    run.add_argument("--notebooks-dir", metavar="DIR",
                     help="用同一运行器运行另一目录中的笔记本 NN_*.py（不运行内置计算步骤；也可用环境变量 "
                     f"{ENV_NOTEBOOKS_DIR}） / run another folder of NN_*.py notebooks with the same runner "
                     "(the built-in steps are not run)")
    run.add_argument("--jobs", type=int, metavar="N",
                     help="每期同时运行几个笔记本（默认：内置笔记本在双核及以上的电脑上 2 个，其他目录的笔记本 1 个，"
                     "按顺序） / notebooks of a period run at the same time (default: 2 for the bundled ones on 2+ "
                     "cores; 1, in order, for another folder's)")
    run.add_argument("--force", action="store_true",
                     help="重新计算全部步骤、重新运行全部笔记本（默认跳过输入未变的部分） / recompute every step "
                     "and rerun every notebook (by default unchanged ones are skipped)")

    check = sub.add_parser(
        "check",
        help="只检查数据，写出数据质量问题清单 / check the data only, write the data-quality list",
        description="读取并校验各工作簿（不运行笔记本、不写整理后的数据），写出 <out>/<period>/数据质量问题清单.xlsx。"
        "退出码：0 无需更正的问题；1 有数据被隔离或记为缺失；2 无法使用的输入。 / Read and validate the "
        "workbooks only (no notebook, no processed table); write <out>/<period>/数据质量问题清单.xlsx. "
        "Exit codes: 0 nothing to correct; 1 rows kept aside or inputs missing; 2 unusable input.",
    )
    check.add_argument("--period", action="append", default=[], metavar="YYYY",
                       help="报告期（可重复） / reporting period, repeatable")
    check.add_argument("--all-periods", action="store_true",
                       help="数据目录下每个四位数字子目录 / every 4-digit subfolder of the data folder")
    check.add_argument("--data", metavar="DIR",
                       help="县的原始数据目录（默认 data/raw/demo） / the county's raw data folder")
    check.add_argument("--out", metavar="DIR",
                       help="清单写入 DIR/<period>/（默认 reports） / the list goes to DIR/<period>/ (default reports)")

    imp = sub.add_parser(
        "import-stats",
        help="导入教育事业统计数据，写出原始工作簿 / import the education statistics into the raw workbooks",
        description="读取综合查询导出（按表头路径）和逐校基层表（教基NNNN、基础基NNN，按工作表代码），写出或合并 "
        "<out>/<period>/ 中的 学校基本情况、教职工花名册（专任教师数）、办学条件 工作簿，并写出 统计导入报告.xlsx。"
        "退出码：0 无需补填；1 有需补填或更正的数据；2 无法使用的输入（版式不同、文件无法打开）。 / Read the "
        "综合查询 export (by header path) and per-school workbooks (by sheet code); write or merge the "
        "contract workbooks in <out>/<period>/ and 统计导入报告.xlsx. Exit codes: 0 nothing to fill in; "
        "1 data to fill in or correct; 2 unusable input.",
    )
    imp.add_argument("sources", nargs="+", metavar="SOURCE",
                     help="统计数据文件或文件夹（.xlsx） / statistics files or folders (.xlsx)")
    imp.add_argument("--period", required=True, metavar="YYYY", help="报告期 / reporting period")
    imp.add_argument("--out", required=True, metavar="DIR",
                     help="县的原始数据目录，写入 DIR/<period>/ / the county's raw data folder; writes DIR/<period>/")
    reg = sub.add_parser(
        "region",
        help="地区汇总：各县并列比较，写出 index.html 与 region_tables.xlsx / every county of a region side by side",
        description="对 --counties 中每个县的文件夹（county.yaml 与各期原始工作簿，或各期处理后的数据表）用同一引擎清洗、"
        "计算，写出 <out>/index.html（各县32项指标、差异系数、每校达标、距达标排名、共同未达标指标、各期变化、各县报告链接）"
        "和 <out>/region_tables.xlsx。某县数据有误时列出其错误，其余各县照常汇总。退出码：0 全部计算；1 有县或期次"
        "未能计算（已列出）；2 用法错误，什么也没写。 / Clean and evaluate every county folder of --counties "
        "with the same engine and write <out>/index.html and <out>/region_tables.xlsx. A county with broken "
        "data is listed with its errors; the others are reported. Exit codes: 0 all computed; 1 some county "
        "or period could not be (listed); 2 usage error, nothing written.",
    )
    reg.add_argument("--counties", required=True, metavar="DIR",
                     help="地区文件夹，每县一个子文件夹 / the region's folder, one sub-folder per county")
    reg.add_argument("--period", action="append", default=[], metavar="YYYY",
                     help="报告期（可重复；汇总表用最后一期，各期变化用全部；默认各县的全部期次） / periods, "
                     "repeatable (tables of the last, trends of all; default: every period found)")
    reg.add_argument("--out", required=True, metavar="DIR",
                     help="汇总输出文件夹（不能在 --counties 之内） / output folder (not inside --counties)")
    reg.add_argument("--jobs", type=int, default=1, metavar="N",
                     help="同时计算的县数（进程数，默认 1） / counties computed at once (processes, default 1)")
    reg.add_argument("--workbooks", action="store_true",
                     help="同时为原始数据的各县各期写出申报表（application_tables.xlsx）和数据质量问题清单，放在 "
                     "<out>/counties/<县>/<期>/，并写出处理后数据表的 CSV 副本（较慢；默认不写，各县自己运行 analysis run "
                     "时写出） / also write each raw county's application workbook and data-quality list into "
                     "<out>/counties/<county>/<period>/ and the processed tables' CSV copies (slower; by default "
                     "left to the county's own run)")
    tmpl = sub.add_parser(
        "template",
        help="写出空白填报模板（county.yaml 与该期的工作簿） / write the blank input workbooks",
        description="在 <out>/<period>/ 写出该期全部原始工作簿的空白模板（每个工作簿有“填表说明”，表头有填写提示，"
        "取值有下拉列表和范围检查），并在 <out> 写出 county.yaml（已有则不改动）。不会覆盖已有的工作簿。 / "
        "Write the blank workbooks of the raw-data contract into <out>/<period>/ (each with a 填表说明 "
        "sheet, input messages and data validation) and <out>/county.yaml (kept when present). "
        "Existing workbooks are never overwritten (exit 2).",
    )
    tmpl.add_argument("--out", required=True, metavar="DIR",
                      help="县的数据文件夹（模板写入 DIR/<period>/） / the county's data folder")
    tmpl.add_argument("--county", metavar="NAME", help="县名，写入 county.yaml / the county's name")
    tmpl.add_argument("--period", metavar="YYYY",
                      help="报告期（默认今年） / reporting period (default: this year)")
    return parser


def _template(args) -> int:
    """``analysis template``: exit 0 written, 2 refused (nothing written)."""
    result = template.write_template(args.out, args.period, args.county)  # ConfigError: exit 2 (_guarded)
    for line in template.summary_lines(result, args.county):
        print(line, flush=True)
    return 0


def _all_periods(data_dir: Path) -> list[str]:
    periods = runner.discover_periods(data_dir)
    unlisted = runner.unlisted_periods(data_dir, periods)
    if unlisted:
        _stderr(f"提示 / NOTE: 文件夹 {'、'.join(unlisted)} 不在 county.yaml 的 periods 中，未处理 / "
                f"folder(s) {', '.join(unlisted)} not listed in county.yaml periods, skipped")
    return periods


def _year_option(value: str | None) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if not (text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100):
        raise runner.RunnerError(f"--target-year 应为四位年份，如 2022；现为 {value!r} / --target-year must be "
                                 f"a year such as 2022, got {value!r}")
    return int(text)


def _existing(value: str | None, option: str, kind: str) -> Path | None:
    if value is None:
        return None
    path = Path(value).resolve()
    ok = path.is_dir() if kind == "dir" else path.is_file()
    if not ok:
        what = ("文件夹", "folder") if kind == "dir" else ("文件", "file")
        raise runner.RunnerError(f"{option}：找不到{what[0]} {path} / {option}: {what[1]} not found: {path}")
    return path


def _import_stats(args) -> int:
    """``analysis import-stats``: exit 0 nothing to fill in, 1 data to fill in, 2 unusable input."""
    out = Path(args.out).resolve()
    if out == Path(paths.DEMO_RAW_DIR).resolve() or Path(paths.DEMO_RAW_DIR).resolve() in out.parents:
        _stderr(f"错误 / ERROR: 不能写入内置示例数据目录 {out}；请用 --out 另选县的数据目录。 / the bundled demo data "
                "folder is not written; choose the county's folder with --out.")
        return 2
    if out.name == args.period:
        _stderr(f"错误 / ERROR: --out 应为县的数据目录（其下有各期文件夹），不是期文件夹 {out}；将写入 --out/{args.period}/ / "
                "--out is the county's folder holding the period folders, not a period folder")
        return 2
    if not runner.PERIOD_PATTERN.match(args.period):
        _stderr(f"错误 / ERROR: 报告期应为四位年份（如 2021），收到 {args.period!r} / period must be a 4-digit year")
        return 2
    for src in args.sources:
        if Path(src).resolve() == (out / args.period).resolve():
            _stderr(f"错误 / ERROR: 统计数据不能放在要写入的报告期文件夹 {src} 中 / the sources cannot be the period "
                    "folder being written")
            return 2
    try:  # the folder is created only once the statistics are read
        result = stats_import.import_stats([Path(s) for s in args.sources], out, args.period)
    except RawDataError as exc:
        _stderr("错误 / ERROR: " + " ".join(str(exc).split()))
        return 2
    except OSError as exc:
        _stderr(f"错误 / ERROR: 无法写入 {out / args.period}（{exc.strerror or type(exc).__name__}）；请用 --out 另选 / "
                "cannot write there; choose another folder with --out")
        return 2
    for line in stats_import.summary_lines(result):
        print(line, flush=True)
    return result.exit_code


def _check(args) -> int:
    """``analysis check``: exit 0 nothing to correct, 1 problems to correct, 2 unusable input."""

    given = {"--data": args.data, "--out": args.out}
    data_dir = Path(args.data or paths.DEMO_RAW_DIR).resolve()
    out_root = Path(args.out or paths.REPORTS_DIR).resolve()
    runner.check_separate_folders({"--data": data_dir, "--out": out_root},
                                  defaults=[k for k, v in given.items() if not v])
    periods = list(dict.fromkeys(args.period))
    if args.all_periods:
        periods = list(dict.fromkeys(periods + _all_periods(data_dir)))
    if not periods:
        _stderr("请指定 --period YYYY 或 --all-periods。 / give --period YYYY or --all-periods.")
        return checks.EXIT_UNUSABLE
    periods = runner.check_periods(data_dir, periods)
    meta = runner.county_meta(data_dir)
    for period in periods:
        runner.check_writable(out_root / period, "--out")
    code = checks.EXIT_OK
    for period in periods:
        try:
            result = checks.check_period(data_dir, period, out_root / period,
                                         county=str(meta.get("county") or ""), demo=bool(meta.get("demo")))
        except RawDataError as exc:
            _stderr(f"错误 / ERROR {period}: " + " ".join(str(exc).split()))
            code = checks.EXIT_UNUSABLE
            continue
        for line in checks.summary_lines(result):
            print(line, flush=True)
        code = max(code, result.exit_code)
    return code


def _region(args) -> int:
    """``analysis region``: exit 0 every county computed, 1 some listed with errors, 2 usage error."""
    periods = list(dict.fromkeys(args.period))
    bad = [p for p in periods if not runner.PERIOD_PATTERN.match(p)]
    if bad or args.jobs < 1:
        _stderr("错误 / ERROR: 报告期应为四位年份（如 2021），--jobs 至少为 1 / periods are 4-digit years, --jobs >= 1")
        return 2
    result = run_region(args.counties, periods or None, Path(args.out), jobs=args.jobs,
                        log=lambda line: print(line, flush=True), workbooks=args.workbooks)
    for c in result.counties:
        for period, msg in c.errors:
            _stderr(f"错误 / ERROR {c.name}{' ' + period if period else ''}: {msg}")
    ranked = result.tables.ranking
    n_pass = int((ranked["结论"] == "达标").sum()) if len(ranked) else 0
    print(f"{result.tables.period} 年：{len(ranked)} 个县有结果，{n_pass} 个县全部达标 / {len(ranked)} counties "
          f"computed, {n_pass} pass; {len(result.tables.errors)} 处问题 / problem(s)", flush=True)
    return result.exit_code


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _guarded(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a sub-command: a usage or configuration error (``ConfigError``, of which the runner's
    ``RunnerError`` is one) → one line on stderr and exit 2; Ctrl-C → exit 130."""
    try:
        return command(args)
    except ConfigError as exc:
        _stderr(f"错误 / ERROR: {exc}")
        return 2
    except KeyboardInterrupt:
        _stderr("已中断 / interrupted")
        return 130


def main(argv: list[str] | None = None) -> int:
    """Exit codes: 0 all done; 1 a notebook failed (data or code; the reason is on stderr, at most
    two lines per failure); 2 usage or configuration error (options, folders, county.yaml, period)."""
    args = _parser().parse_args(argv)
    configure_pandas()

    command = {"import-stats": _import_stats, "template": _template, "region": _region, "check": _check}.get(args.command)
    if command is not None:
        return _guarded(command, args)
    try:
        data_dir = Path(args.data).resolve() if args.data else None
        periods = list(dict.fromkeys(args.period))
        if args.all_periods:
            periods = list(dict.fromkeys(periods + _all_periods(data_dir or paths.DEMO_RAW_DIR)))
        if not periods:
            _stderr("请指定 --period YYYY 或 --all-periods。 / give --period YYYY or --all-periods.")
            return 2
        notebooks_dir = args.notebooks_dir or os.environ.get(ENV_NOTEBOOKS_DIR) or None
        result = runner.run(
            periods,
            data_dir=data_dir,
            processed_dir=Path(args.processed).resolve() if args.processed else None,
            reports_dir=Path(args.out).resolve() if args.out else None,
            notebooks_dir=Path(notebooks_dir).resolve() if notebooks_dir else None,
            notebook=args.notebook,
            force=args.force,
            jobs=args.jobs,
            target_year=_year_option(args.target_year),
            scenario_dir=_existing(args.scenarios, "--scenarios", "dir"),
            standards_file=_existing(args.standards, "--standards", "file"),
            log=lambda line: print(line, flush=True),
            log_error=_stderr,
        )
    except runner.RunnerError as exc:
        _stderr(f"错误 / ERROR: {exc}")
        return 2
    except KeyboardInterrupt:
        _stderr("已中断；下次运行会清理留下的临时文件。 / interrupted; the next run removes the temporary files.")
        return 130
    failed = [r for r in result.results if not r.ok]
    if failed:
        print(
            f"{len(failed)} 个笔记本失败 / {len(failed)} notebook(s) failed: "
            + ", ".join(f"{r.period}/{r.notebook}" for r in failed),
            flush=True,
        )
        return 1
    total = sum(r.seconds for r in result.results)
    print(f"全部完成 / all done: {len(result.results)} 个笔记本 / notebooks, {total:.1f} s", flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
