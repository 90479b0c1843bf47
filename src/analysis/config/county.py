"""The county's configuration file ``county.yaml`` (in the county's data folder).

``county_meta(data_dir)`` reads ``<data_dir>/county.yaml`` as a dict (``county``: the name,
``demo``: bool, ``target_year``, ``periods``…); problems (not UTF-8, not YAML, not a mapping, a bad
value) raise :class:`analysis.errors.ConfigError` with a message of at most two lines naming the
file and the key.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis.errors import ConfigError, one_line

#: ``demo:`` in county.yaml — accepted spellings (compared case-insensitively)
DEMO_TRUE = ("true", "yes", "on", "是")
DEMO_FALSE = ("false", "no", "off", "否")
#: the configuration file's name in the county's data folder
COUNTY_FILE = "county.yaml"


def demo_flag(value: object, source: str | Path = "county.yaml") -> bool:
    """The ``demo:`` value of county.yaml as a bool.

    true/false in the usual YAML spellings (true, yes, on / false, no, off, any case, also quoted
    as text) and 是/否; missing or empty means not demo. Anything else is refused (ConfigError).
    """
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in DEMO_TRUE:
            return True
        if word in DEMO_FALSE or word == "":
            return False
    raise ConfigError(
        f"{source} 中 demo 的值 {value!r} 无效，应为 true 或 false（或 是/否） / "
        f"invalid value {value!r} for key demo in {source}: expected true or false (是/否)"
    )


def county_meta(data_dir: str | Path) -> dict:
    """``<data_dir>/county.yaml`` as a dict (``county``: name, ``demo``: bool); {} when missing.

    Problems (not UTF-8, not YAML, not a mapping, a bad ``demo`` value) raise ``ConfigError`` with a
    message of at most two lines naming the file.
    """
    county = Path(data_dir) / "county.yaml"
    if not county.is_file():
        return {}
    try:
        raw = county.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"无法读取 {county}：{exc.strerror or exc} / cannot read {county}: {exc.strerror or exc}"
        ) from exc
    try:
        text = raw.decode("utf-8-sig")  # Notepad's "UTF-8 with BOM" is fine too
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{county} 第 {line} 行不是 UTF-8 编码（可能以 GBK/ANSI 保存）：请用记事本打开，“另存为”时编码选 UTF-8。\n"
            f"  {county} is not UTF-8 (line {line}; saved as GBK/ANSI?): please save it again as UTF-8."
        ) from None
    try:
        meta = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行 / line {mark.line + 1}: " if mark is not None else ""
        problem = one_line(getattr(exc, "problem", None) or exc, 200)
        raise ConfigError(
            f"{county} 不是有效的 YAML（应为“键: 值”，如 county: 某县）/ {county} is not valid YAML — "
            f"{where}{problem}"
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ConfigError(
            f"{county} 应为键值表（如 county: 某县, demo: true） / {county} must be a mapping "
            f"(e.g. county: name, demo: true), got {type(meta).__name__}"
        )
    name = meta.get("county")
    if isinstance(name, (dict, list)):
        raise ConfigError(
            f"{county} 中 county 应为县名文本，收到 {name!r} / key county in {county} must be the "
            f"county's name as text, got {name!r}"
        )
    meta = dict(meta)
    if name is not None:
        meta["county"] = str(name)
    meta["demo"] = demo_flag(meta.get("demo"), county)
    return meta


def is_demo_data(data_dir: str | Path) -> bool:
    """True when ``<data_dir>/county.yaml`` says ``demo: true``; a missing file means not demo."""
    return bool(county_meta(data_dir).get("demo"))


