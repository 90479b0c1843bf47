"""The statistics import's report (统计导入报告.xlsx in the period folder): its name, its sheets,
and its problems and conflicts as data-quality lines for the cleaning (a light module: the
cleaning reads it without loading the importer)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

IMPORT_REPORT = "统计导入报告.xlsx"
REPORT_ISSUES, REPORT_CONFLICTS, REPORT_CAMPUSES = "导入问题", "数据冲突", "不计校数校区"


def report_lines(folder: Path) -> list[dict]:
    """The import report's problems and conflicts as data-quality lines (file, sheet, row, column
    = header path, value, problem, action, school_code) for the cleaning; [] when there is none."""
    path = Path(folder) / IMPORT_REPORT
    if not path.is_file():
        return []
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        out = []
        for title, kind in ((REPORT_ISSUES, "issue"), (REPORT_CONFLICTS, "conflict")):
            if title not in wb.sheetnames:
                continue
            it = wb[title].iter_rows(values_only=True)
            header = next(it, None)
            if header is None:
                continue
            for rec in it:
                r = dict(zip(header, rec))
                if kind == "issue":
                    out.append(dict(file=r.get("来源文件") or IMPORT_REPORT, sheet=r.get("工作表"),
                                    row=r.get("行"), column=r.get("表头路径") or r.get("单元格"),
                                    value=r.get("值"), problem=f"统计导入：{r.get('问题')}",
                                    action=str(r.get("处理") or ""), school_code=r.get("学校标识码")))
                else:
                    out.append(dict(file=r.get("文件"), sheet=r.get("工作表"), row=r.get("行"), column=r.get("列"),
                                    value=r.get("原值"),
                                    problem=f"统计导入：与统计数据不同（统计数据为“{r.get('统计数据的值')}”，来源 "
                                            f"{r.get('统计数据来源')}）/ differed from the statistics",
                                    action="已采用统计数据，原文件见导入前备份（请核对）/ the statistics' value was "
                                           "written", school_code=r.get("学校标识码")))
        wb.close()
        return out
    except Exception:  # noqa: BLE001 - a damaged report is not data: it is named instead
        return [dict(file=IMPORT_REPORT, sheet=None, row=None, column=None, value=None,
                     problem="统计导入报告无法读取 / the import report cannot be read",
                     action="已忽略；请重新运行 analysis import-stats（请核对）/ ignored", school_code=None)]

