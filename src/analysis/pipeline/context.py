"""The context of a period's pipeline (分析流程的输入): what each step reads, as fingerprints.

Light on purpose: a notebook reading up-to-date results checks the fingerprints here without
loading the engine, the solver or the workbook reader (see :mod:`analysis.pipeline.results`).
"""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from analysis import paths
from analysis.config.county import county_meta, narrative_files, standards_for
from analysis.config.standards import period_year, teacher_count_rules
from analysis.config.standards import target_year as configured_target_year
from analysis.files import atomic_write
from analysis.planning.costs import load_costs

MANIFEST = "_pipeline.json"
STEPS = ("clean", "evaluate", "narrative", "project", "plan", "tasks", "compare", "pages")
STEP_NAMES = {"clean": "数据清洗", "evaluate": "指标计算", "narrative": "叙述章节", "project": "达标预测",
              "plan": "最低成本方案", "tasks": "整改任务", "compare": "与上一期比较", "pages": "各校页面与比较页面"}
#: Monte Carlo settings of the projection (an assumption, stated in the report)
MC_DRAWS, MC_SD_PER_YEAR = 200, 0.05
#: the county's Excel workbook a step writes into ``out_dir`` (unless ``Period.lean``)
STEP_WORKBOOKS = {"clean": paths.QUALITY_WORKBOOK, "evaluate": paths.APPLICATION_WORKBOOK}
#: the steps a lean run (``Period.lean``) writes in part
LEAN_STEPS = tuple(STEP_WORKBOOKS)
#: the evaluate step's results a lean run writes: what the region view reads
LEAN_RESULTS = ("units", "cv", "verdict")


# ---------------------------------------------------------------- fingerprints
def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
                          .encode("utf-8")).hexdigest()[:20]


def file_digest(files) -> list[tuple[str, str]]:
    """(name, sha256 of the bytes) of each file, in name order."""
    return [(Path(f).name, hashlib.sha256(Path(f).read_bytes()).hexdigest())
            for f in sorted(files, key=lambda p: Path(p).name)]


@lru_cache(maxsize=1)
def code_version() -> str:
    """A fingerprint of the package's code and bundled configuration: a changed rule or formula
    recomputes every step."""
    root = paths.PACKAGE_DIR
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".j2", ".css"))
    return _digest([(str(p.relative_to(root)), hashlib.sha256(p.read_bytes()).hexdigest()) for p in files])


#: the modules the clean step runs (``steps.step_clean``): the cleaning and the quality workbook
CLEAN_ENTRY_MODULES = ("analysis.ingest.checks", "analysis.ingest.cleaning", "analysis.files")


def _module_file(name: str) -> Path | None:
    parts = name.split(".")[1:]
    if not parts:
        return paths.PACKAGE_DIR / "__init__.py"
    rel = Path(*parts)
    for cand in (paths.PACKAGE_DIR / rel.with_suffix(".py"), paths.PACKAGE_DIR / rel / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def module_closure(entries: tuple[str, ...]) -> list[Path]:
    """The package's source files that importing ``entries`` runs: their top-level imports of the
    package, followed transitively, with every parent package's ``__init__`` (the package has no
    function-level imports of itself but one, results → steps, which no step runs; see
    tests/test_architecture.py)."""
    seen: dict[str, Path] = {}
    todo = list(entries) + ["analysis"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        f = _module_file(name)
        if f is None:  # ``from analysis.x import name`` of a non-module name
            continue
        seen[name] = f
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        for node in ast.parse(f.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
                todo.append(node.module)
                todo += [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.startswith("analysis")]
    return sorted(set(seen.values()))


@lru_cache(maxsize=1)
def clean_code_version() -> str:
    """A fingerprint of the code the clean step runs (:func:`module_closure` of
    :data:`CLEAN_ENTRY_MODULES`) — not of the reports, the planning or the engine's rules it
    does not use, so an earlier period's cleaned tables stay valid when those change (a large
    county's raw workbooks take seconds each to read)."""
    root = paths.PACKAGE_DIR
    return _digest([(str(p.relative_to(root)), hashlib.sha256(p.read_bytes()).hexdigest())
                    for p in module_closure(CLEAN_ENTRY_MODULES)])


# ---------------------------------------------------------------- context
@dataclass
class Period:
    """Everything the steps of one period read, resolved once."""

    period: str
    data_dir: Path
    processed_dir: Path
    out_dir: Path
    standards: dict | None = None  # None → the county's: standards_for(data_dir)
    scenario_dir: Path | None = None
    costs: dict = field(default_factory=load_costs)
    target_year: int | None = None
    force: bool = False
    log: Callable[[str], None] = lambda line: None
    meta: dict = field(default_factory=dict)
    #: the region view's run: the clean and evaluate steps write only what the region reads and
    #: the steps after them need — the clean step's parquet tables (no CSV copy, no data-quality
    #: workbook) and the evaluate step's :data:`LEAN_RESULTS` (no indicator details, no form
    #: figures, no CSV copy, no application workbook). A later run that is not lean writes the
    #: clean step's copies from its kept tables (:func:`copies_missing`) and runs the evaluate
    #: step again (:func:`up_to_date`)
    lean: bool = False
    #: the tables the clean step just wrote, for the evaluate step of the same run (instead of
    #: reading them back: the same frames, the parquet files keep the dtypes); None otherwise
    cleaned: dict | None = field(default=None, init=False, repr=False, compare=False)
    #: (period folder, step) recomputed by this run: with ``force`` such a step counts as up to
    #: date for the rest of the run (an earlier period is cleaned once, not by each step that
    #: reads it); shared by :meth:`for_period`
    redone: set = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.period = str(self.period)
        self.data_dir, self.processed_dir = Path(self.data_dir), Path(self.processed_dir)
        self.out_dir = Path(self.out_dir)
        if not self.meta:
            self.meta = county_meta(self.data_dir)
        if self.standards is None:
            self.standards = standards_for(self.data_dir)
        if self.target_year is None:
            self.target_year = configured_target_year(self.standards, self.meta)

    @property
    def folder(self) -> Path:
        return self.processed_dir / self.period

    @property
    def year(self) -> int:
        return period_year(self.period)

    @property
    def horizon(self) -> int:
        """The year judged by the projection: the target year, or the period itself once it is
        at or after the target year (已到目标年)."""
        return max(int(self.target_year), self.year)

    @property
    def county(self) -> str:
        return str(self.meta.get("county") or "")

    @property
    def demo(self) -> bool:
        return bool(self.meta.get("demo"))

    def history_periods(self) -> list[str]:
        """The periods up to this one that have a raw folder or processed tables."""
        def years(folder: Path) -> set[str]:
            if not folder.is_dir():
                return set()
            return {p.name for p in folder.iterdir() if p.is_dir() and p.name[:4].isdigit()
                    and period_year(p.name) <= self.year}
        return sorted(years(self.data_dir) | years(self.processed_dir) | {self.period}, key=period_year)

    def for_period(self, period: str) -> "Period":
        return Period(period, self.data_dir, self.processed_dir, self.out_dir.parent / period,
                      self.standards, self.scenario_dir, self.costs, self.target_year, self.force,
                      self.log, self.meta, self.lean, self.redone)


# ---------------------------------------------------------------- the manifest
def read_manifest(folder: Path) -> dict:
    f = Path(folder) / MANIFEST
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def record(ctx: Period, step: str, fingerprint: str, outputs: list[Path], seconds: float) -> None:
    ctx.redone.add((str(ctx.folder), step))
    manifest = read_manifest(ctx.folder)
    manifest[step] = {"fingerprint": fingerprint, "seconds": round(seconds, 3),
                      "outputs": sorted({str(p) for p in outputs})}
    if step in LEAN_STEPS and ctx.lean:
        manifest[step]["lean"] = True  # written in part (see up_to_date, copies_missing)
    atomic_write(ctx.folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")


def add_copies(ctx: Period, step: str, outputs: list[Path]) -> None:
    """Record the copies written for an up-to-date step (its fingerprint and seconds kept)."""
    manifest = read_manifest(ctx.folder)
    entry = manifest[step]
    entry.pop("lean", None)
    entry["outputs"] = sorted({*entry.get("outputs", []), *(str(p) for p in outputs)})
    atomic_write(ctx.folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")


def up_to_date(ctx: Period, step: str, fingerprint: str) -> bool:
    """The step's recorded run read the same inputs and its outputs are there (an evaluate step
    of a lean run is not up to date for a run that is not: its details and figures were never
    written)."""
    entry = read_manifest(ctx.folder).get(step)
    fresh = not ctx.force or (str(ctx.folder), step) in ctx.redone  # --force: redone once per run
    return (fresh and entry is not None and entry.get("fingerprint") == fingerprint
            and not (step == "evaluate" and entry.get("lean") and not ctx.lean)
            and all(Path(p).exists() for p in entry.get("outputs", [])))


def copies_missing(ctx: Period, step: str) -> bool:
    """This run (not lean) wants copies of an up-to-date ``step`` — the CSV copies of its tables,
    its workbook in this ``out_dir`` — that the run recorded for the step did not write: none at
    all (a lean run), or not the workbook here (a run into another ``out_dir``)."""
    if ctx.lean or step not in STEP_WORKBOOKS:
        return False
    entry = read_manifest(ctx.folder).get(step) or {}
    return bool(entry.get("lean")) or str(ctx.out_dir / STEP_WORKBOOKS[step]) not in entry.get("outputs", [])


def fingerprint(ctx: Period, step: str) -> str:
    """What ``step`` of this period reads, as one fingerprint (see the module docstring)."""
    if step == "clean":
        raw = [p for p in (ctx.data_dir / ctx.period).iterdir() if p.is_file()] \
            if (ctx.data_dir / ctx.period).is_dir() else []
        county = [ctx.data_dir / "county.yaml"] if (ctx.data_dir / "county.yaml").is_file() else []
        return _digest(clean_code_version(), step, file_digest(raw), file_digest(county),
                       teacher_count_rules(ctx.standards))
    if step == "evaluate":  # every later step builds on this one, so on the whole code
        return _digest(fingerprint(ctx, "clean"), code_version(), ctx.standards)
    if step == "narrative":  # the county's own sections: an edited one reruns the reports, not the projection
        return _digest(fingerprint(ctx, "evaluate"), step, file_digest(narrative_files(ctx.data_dir)))
    if step == "project":
        scen = sorted(ctx.scenario_dir.glob("*.yaml")) if ctx.scenario_dir else \
            sorted(paths.SCENARIO_DIR.glob("*.yaml"))
        history = [fingerprint(ctx.for_period(p), "clean") for p in ctx.history_periods()]
        return _digest(fingerprint(ctx, "evaluate"), history, file_digest(scen), ctx.target_year,
                       MC_DRAWS, MC_SD_PER_YEAR)
    if step in ("plan", "tasks"):
        return _digest(fingerprint(ctx, "project"), step, ctx.costs)
    if step == "compare":
        history = [fingerprint(ctx.for_period(p), "clean") for p in ctx.history_periods()]
        return _digest(fingerprint(ctx, "evaluate"), history, step)
    if step == "pages":
        return _digest(*(fingerprint(ctx, s) for s in ("plan", "tasks", "compare")), step, str(ctx.out_dir))
    raise ValueError(f"unknown step {step!r}")


def all_up_to_date(ctx: Period, until: str = "tasks") -> bool:
    """Every step up to ``until`` is up to date (nothing to compute) and has written the
    copies this run wants."""
    return all(up_to_date(ctx, step, fingerprint(ctx, step)) and not copies_missing(ctx, step)
               for step in STEPS[: STEPS.index(until) + 1])


def manifest_fingerprint(folder: Path) -> str:
    """One fingerprint of all the steps' results of a period (for the notebooks' cache)."""
    return _digest({k: v.get("fingerprint") for k, v in read_manifest(folder).items()})
