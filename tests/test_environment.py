"""pyproject.toml (source of truth) and environment.yml name the same top-level packages."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pandas as pd
import yaml
from packaging.requirements import Requirement

from analysis import cli
from analysis.paths import ROOT

CONDA_ONLY = {"python", "pip"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _conda_name(spec: str) -> str:
    # conda specs: "pandas>=2.2", "python=3.11", "numpy>=1.26,<2.5"
    return _norm(re.split(r"[<>=!~ ]", spec.strip(), maxsplit=1)[0])


def _pyproject_requirements() -> dict[str, Requirement]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    specs = list(project["dependencies"])
    for extra in ("test", "dev"):
        specs += project.get("optional-dependencies", {}).get(extra, [])
    return {_norm(Requirement(s).name): Requirement(s) for s in specs}


def _environment() -> tuple[list[str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = [], []
    for item in env["dependencies"]:
        if isinstance(item, dict):
            pip += [s for s in item.get("pip", []) if not s.startswith("-")]
        else:
            conda.append(item)
    return conda, pip


def test_same_top_level_packages():
    conda, pip = _environment()
    env_names = {_conda_name(s) for s in conda} - CONDA_ONLY
    env_names |= {_norm(Requirement(s).name) for s in pip}
    assert env_names == set(_pyproject_requirements())


def test_python_311_and_exact_pins_agree():
    conda, pip = _environment()
    assert "python=3.11" in conda
    req = _pyproject_requirements()
    # an exact pin (==) in pyproject is the same pin in environment.yml
    pinned = {n: str(r.specifier) for n, r in req.items() if any(s.operator == "==" for s in r.specifier)}
    assert "pylopdf-fonts-zh-cn" in pinned  # the font package must stay pinned (its OTF is embedded)
    env_pins = {_norm(Requirement(s).name): str(Requirement(s).specifier) for s in pip}
    for name, spec in pinned.items():
        assert env_pins.get(name) == spec


def test_no_package_listed_twice():
    conda, pip = _environment()
    names = [_conda_name(s) for s in conda] + [_norm(Requirement(s).name) for s in pip]
    assert len(names) == len(set(names))


def test_python_backed_strings_in_the_projects_processes_only(tmp_path):
    """analysis.settings: the CLI (and the notebooks' results(), the tests) read text columns into
    Python-backed strings; importing the package alone leaves pandas' default (a national-size
    script keeps Arrow-backed strings)."""
    probe = "import analysis, pandas; print(pandas.get_option('mode.string_storage'))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "auto"
    with pd.option_context("mode.string_storage", "auto"):
        assert cli.main(["template", "--out", str(tmp_path / "县"), "--period", "2021"]) == 0
        assert pd.get_option("mode.string_storage") == "python"
        assert pd.Series(["a"], dtype="str").dtype.storage == "python"


def test_validated_text_follows_the_setting_made_after_pandera_is_imported():
    """The ``analysis`` command imports pandera (through the package) before it applies the
    settings; pandera resolves its "string" alias once, at import. The cleaning's validated text
    columns still follow ``mode.string_storage`` (python: the frames the evaluate step takes from
    the clean step of its run are those it would read back from the parquet files)."""
    probe = ("import pandas as pd, pandera.pandas; from analysis.settings import configure_pandas; "
             "configure_pandas(); from analysis import schemas; "
             "df = schemas.validate('quota', pd.DataFrame({'school_code': ['A'], 'graduates': [1], "
             "'allocated_places': [1]})); print(df['school_code'].dtype.storage, df['school_code'].dtype.na_value)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["python", "nan"]


def test_validation_with_pandas_default_setting():
    """``import analysis`` alone (a script, a national-size run) leaves pandas' default "auto":
    validation then gives pandas' own default text (Arrow-backed, pyarrow being installed) instead of
    failing (StringDtype does not take "auto" as a storage)."""
    from analysis import schemas

    with pd.option_context("mode.string_storage", "auto"):
        df = schemas.validate("quota", pd.DataFrame({"school_code": ["A"], "graduates": [1], "allocated_places": [1]}))
    assert df["school_code"].dtype.storage == "pyarrow" and df["graduates"].tolist() == [1]


def test_text_dtype_check_answers_once_for_a_text_column():
    """pandera checks a text column's dtype element by element and then builds a failure-case table
    and a message for every column, passing or not (a tenth of a region's cleaning time). The
    schemas' text dtype answers one ``True`` for a column that already has it; any other column
    is left to pandera's own check, and validation still coerces numbers written in a text column."""
    from pandera.engines import pandas_engine

    from analysis import schemas

    with pd.option_context("mode.string_storage", "python"):
        text = schemas._column_dtype("str", "python")
        typed = pd.Series(["A", None], dtype=text.type)
        assert text.check(text, typed) is True
        floats = pd.Series([1.5, 2.0])  # another dtype: pandera's own answer, element by element
        assert (text.check(text, floats) == pandas_engine.STRING("python").check(text, floats)).all()
        df = schemas.validate("quota", pd.DataFrame({"school_code": [2104210001, "B"], "graduates": [1, 2],
                                                     "allocated_places": [1, 2]}))
    assert df["school_code"].tolist() == ["2104210001", "B"] and df["school_code"].dtype == text.type
