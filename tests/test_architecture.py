"""The package's structure (issue #11): grouped by stage, no import cycles, one of each helper,
the public API stable, the notebooks thin."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import analysis
from analysis import paths

PKG = paths.PACKAGE_DIR
#: the one lazy import of the package, for speed (not a cycle): a notebook reading up-to-date
#: results never loads the engine, the solver and the workbook reader that computing steps needs
LAZY_PACKAGE_IMPORTS = {("analysis.pipeline.results", "analysis.pipeline.steps")}
PUBLIC_API = ["clean_period", "load_period", "evaluate", "load_standards", "write_demo", "weighted_cv",
              "stage_shares", "cv_table", "build_units", "evaluate_resources", "is_demo_data"]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PKG.rglob("*.py"))}


def _top_level_imports(tree: ast.Module) -> set[str]:
    out = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("analysis"))
    return out


def test_no_import_cycles_between_modules():
    mods = _modules()
    graph = {m: {d for d in _top_level_imports(t) if d in mods and d != m} for m, t in mods.items()}
    # the lazy import is an edge too: it is there for speed, and would hide a cycle if the module
    # it loads imported back (pipeline.steps once imported pipeline.results for the school pages)
    for a, b in LAZY_PACKAGE_IMPORTS:
        graph[a].add(b)
    # a package's __init__ imported by a submodule is fine only if the __init__ does not import back
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in graph[m]:
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " → ".join(stack[stack.index(d):] + [d]))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m)


def test_no_function_level_import_of_the_package():
    """Function-level imports may load a heavy library only where it is needed (speed: matplotlib,
    papermill, openpyxl …), never a module of the package: that would be an import cycle dodged."""
    offenders = []
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    mod = inner.module
                elif isinstance(inner, ast.Import):
                    mod = inner.names[0].name
                else:
                    continue
                if mod.startswith("analysis") and (name, mod) not in LAZY_PACKAGE_IMPORTS:
                    offenders.append(f"{name}.{node.name}: import {mod}")
    assert not offenders, offenders


def test_layout_groups_the_package_by_stage():
    subpackages = {p.name for p in PKG.iterdir() if (p / "__init__.py").is_file()}
    assert {"config", "ingest", "engine", "planning", "reporting", "pipeline"} <= subpackages


def test_one_of_each_helper():
    src = {p: p.read_text(encoding="utf-8") for p in PKG.rglob("*.py")}
    # one atomic writer, one half-up rounding, one grade → stage mapping
    assert [p.name for p, s in src.items() if "tempfile.mkstemp" in s and "os.replace" in s] == ["files.py"]
    assert [p.name for p, s in src.items() if "ROUND_HALF_UP" in s] == ["numbers.py"]
    grade_maps = [p.name for p, s in src.items() if re.search(r"(<=|<) ?6\b.*小学|\"小学\" for g in range\(1, 7\)", s)]
    assert grade_maps == ["schemas.py"], grade_maps
    # no literal L1…L7 lists: the codes come from the standards file
    literal = [p.name for p, s in src.items() if re.search(r'\[f"L\{k\}" for k in range\(1, 8\)\]', s)]
    assert not literal, literal
    # no literal stage lists in the report code
    assert not [p.name for p, s in src.items() if "reporting" in p.parts and '["小学", "初中"]' in s]


def test_public_api_names_resolve():
    for name in PUBLIC_API:
        assert callable(getattr(analysis, name)), name
    # the engine's evaluate is the public one; the optimiser has no function of the same name
    from analysis.planning import optimise

    assert not hasattr(optimise, "evaluate")


def test_notebooks_are_thin():
    """A notebook reads the persisted results and shows them: no engine call, no step recomputed,
    at most about 15 lines of logic (assignments, loops, calls that are not display)."""
    for nb in sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py")):
        text = nb.read_text(encoding="utf-8")
        code = "\n".join(line for line in text.splitlines() if line and not line.startswith("#"))
        for forbidden in ("evaluate(", "clean_period(", "optimise(", "project(", "monte_carlo(", "load_period("):
            assert forbidden not in code, (nb.name, forbidden)
        tree = ast.parse(text)
        logic = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))
                 and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)
                          and getattr(n.value.func, "id", "") == "display")]
        params = [n for n in logic if isinstance(n, ast.Assign) and n.lineno < 60
                  and isinstance(n.value, ast.Constant)]
        assert len(logic) - len(params) <= 15, (nb.name, len(logic) - len(params))
