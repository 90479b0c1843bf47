"""Reading and validating the configuration files (county.yaml, standards, scenarios, costs).

Every configuration file is read by :func:`read_yaml` (UTF-8, with or without BOM; a GBK file or
broken YAML is refused with the line) and checked against its pydantic model by
:func:`validate`. A problem raises :class:`analysis.errors.ConfigError` (exit code 2) whose
message names the file, the key path, the value found and what is allowed, in Chinese and
English, one line per problem::

    配置文件 standards.yaml 有 1 处错误 / standards.yaml has 1 error:
      resources.min_met = '六'：应为整数 / expected an integer

The models themselves live next to what they describe (``config/models.py`` for the standards
and county.yaml, ``planning/costs.py`` and ``planning/projection.py`` for costs and scenarios).
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from analysis.errors import ConfigError, one_line

M = TypeVar("M", bound=BaseModel)

#: what the patterns of the models mean, for bureau staff
PATTERN_TEXT = {
    r"^\d{4}$": ("应为四位年份，如 \"2021\"", "expected a 4-digit year such as \"2021\""),
    r"^\d{4}-\d{2}$": ("应为“年-月”，如 \"2022-06\"", "expected year-month such as \"2022-06\""),
    r"^[LGQ]\d{1,2}$|^S1$": ("应为指标代码，如 L3、G8、Q2、S1", "expected an indicator code such as L3, G8, Q2, S1"),
    r"^L\d$": ("应为资源配置指标代码 L1–L7", "expected a resource indicator code L1–L7"),
    r"^[a-z0-9_]+\.[a-z0-9_]+$": ("应为“组.成本项”，如 teachers.hire_per_year",
                                   "expected group.item such as teachers.hire_per_year"),
    r"^[^.\s]+(\.[^.\s]+)*$": ("应为以点分隔的键路径，如 resources.indicators.L3.standard.小学",
                                 "expected a dotted key path such as resources.indicators.L3.standard.小学"),
}

#: problems listed in one message (the rest are counted)
MAX_LISTED = 12


def read_yaml(path: str | Path, what: str = "配置文件 configuration file") -> Any:
    """The YAML document of ``path``; unreadable, non-UTF-8 or invalid YAML raises ConfigError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"找不到{what.split(' ')[0]} {path} / {what.split(' ', 1)[-1]} not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"无法读取 {path}：{exc.strerror or exc} / cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")  # Notepad's "UTF-8 with BOM" is fine too
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path} 第 {line} 行不是 UTF-8 编码（可能以 GBK/ANSI 保存）：请用记事本打开，“另存为”时编码选 UTF-8。\n"
            f"  {path} is not UTF-8 (line {line}; saved as GBK/ANSI?): please save it again as UTF-8."
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行 / line {mark.line + 1}: " if mark is not None else ""
        problem = one_line(getattr(exc, "problem", None) or exc, 200)
        raise ConfigError(
            f"{path} 不是有效的 YAML（应为“键: 值”，如 county: 某县）/ {path} is not valid YAML — {where}{problem}"
        ) from None


def validate(model: type[M], data: Any, source: str | Path) -> M:
    """``data`` checked against ``model``; every problem in one ConfigError naming ``source``."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise ConfigError(format_errors(exc, source, model)) from None


def format_errors(exc: ValidationError, source: str | Path, model: type[BaseModel] | None = None) -> str:
    """One line per problem: key path = value: what is allowed (Chinese / English)."""
    errors = _merge_union_members(exc.errors(include_url=False))
    name = str(source)
    problems = []
    for e in errors[:MAX_LISTED]:
        path = key_path(e["loc"])
        zh, en = _expected(e, model)
        if e["type"] == "missing" or isinstance(e.get("input"), dict):  # a section's rule: no value
            problems.append((f"{path}：{zh}", f"{path}: {en}"))
        else:
            value = _shown(e.get("input"))
            problems.append((f"{path} = {value}：{zh}", f"{path} = {value}: {en}"))
    if len(errors) == 1:  # one problem: one line
        zh, en = problems[0]
        return f"配置文件 {name}：{zh} / {name}: {en}"
    lines = [f"配置文件 {name} 有 {len(errors)} 处错误 / {name} has {len(errors)} errors:"]
    lines += [f"  {zh} / {en}" for zh, en in problems]
    if len(errors) > MAX_LISTED:
        lines.append(f"  ……另有 {len(errors) - MAX_LISTED} 处 / … and {len(errors) - MAX_LISTED} more")
    return "\n".join(lines)


#: the last element of an error's location when pydantic tried one member of a union
_UNION_TAG = re.compile(r"^(int|float|str|bool|none|list\[.*\]|dict\[.*\]|literal\[.*\]|function-.*|"
                        r"constrained-.*|json-or-python\[.*\])$")


def _merge_union_members(errors: list[dict]) -> list[dict]:
    """``x: str | list[str]`` fails once per member (``x.str``, ``x.list[str]``): one problem at
    ``x`` whose expectation lists the members' expectations."""
    out: list[dict] = []
    seen: dict[tuple, dict] = {}
    for e in errors:
        loc = tuple(e["loc"])
        if loc and isinstance(loc[-1], str) and _UNION_TAG.match(loc[-1]):
            key = loc[:-1]
            if key in seen:
                seen[key]["members"].append(e)
                continue
            merged = {**e, "loc": key, "type": "union", "members": [e]}
            seen[key] = merged
            out.append(merged)
        else:
            out.append(e)
    return out


def key_path(loc: tuple) -> str:
    """``("teachers", "hires", 0, "year")`` → ``teachers.hires[0].year``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "（顶层 top level）"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _expected(e: dict, model: type[BaseModel] | None) -> tuple[str, str]:
    """What the key allows, in Chinese and English."""
    t, ctx = e["type"], e.get("ctx") or {}
    if t == "union":
        parts = [_expected(m, model) for m in e["members"]]
        return ("；或".join(dict.fromkeys(zh for zh, _ in parts)), "; or ".join(dict.fromkeys(en for _, en in parts)))
    if t == "missing":
        return "缺少此项（必填）", "missing (required)"
    if t == "extra_forbidden":
        allowed = _allowed_keys(model, e["loc"][:-1]) if model is not None else []
        listed = "、".join(allowed)
        return (f"不认识的键（可用的键：{listed}）" if listed else "不认识的键",
                f"unknown key (allowed: {', '.join(allowed)})" if allowed else "unknown key")
    if t in ("int_parsing", "int_type", "int_from_float"):
        return "应为整数", "expected an integer"
    if t in ("float_parsing", "float_type", "finite_number"):
        return "应为数字", "expected a number"
    if t in ("bool_parsing", "bool_type"):
        return "应为 true 或 false（是/否）", "expected true or false"
    if t in ("string_type", "string_too_short"):
        return "应为非空文字", "expected non-empty text"
    if t in ("dict_type", "model_type", "model_attributes_type"):
        return "应为“键: 值”的映射", "expected a mapping (key: value)"
    if t in ("list_type", "tuple_type"):
        return "应为列表，如 [a, b]", "expected a list such as [a, b]"
    if t == "greater_than":
        return f"应大于 {ctx['gt']}", f"must be greater than {ctx['gt']}"
    if t == "greater_than_equal":
        return f"应不小于 {ctx['ge']}", f"must be at least {ctx['ge']}"
    if t == "less_than":
        return f"应小于 {ctx['lt']}", f"must be less than {ctx['lt']}"
    if t == "less_than_equal":
        return f"应不大于 {ctx['le']}", f"must be at most {ctx['le']}"
    if t == "literal_error":
        return f"应为以下之一：{ctx['expected']}", f"expected one of: {ctx['expected']}"
    if t == "string_pattern_mismatch":
        zh, en = PATTERN_TEXT.get(ctx.get("pattern"), (f"应符合格式 {ctx.get('pattern')}",
                                                       f"must match {ctx.get('pattern')}"))
        return zh, en
    if t == "too_short":
        return f"至少应有 {ctx.get('min_length')} 项", f"needs at least {ctx.get('min_length')} item(s)"
    if t == "value_error":  # our own validators: the message is already "中文 / English"
        text = str(ctx.get("error", e["msg"]))
        zh, _, en = text.partition(" / ")
        return zh, en or zh
    return e["msg"], e["msg"]


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys the model accepts at ``loc`` (for an unknown-key message)."""
    node: Any = model
    for part in loc:
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(str(part)) or next(
                (f for f in node.model_fields.values() if f.alias == str(part)), None)
            if field is None:
                return []
            node = field.annotation
        elif typing.get_origin(node) in (dict, list, typing.Union, types.UnionType) or node is Any:
            args = typing.get_args(node)
            node = args[-1] if args else Any
        else:
            return []
    node = _unwrap(node)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return [f.alias or k for k, f in node.model_fields.items()]
    return []


def _unwrap(node: Any) -> Any:
    """``Optional[X]`` / ``X | None`` / ``Annotated[X, …]`` → X."""
    while True:
        origin = typing.get_origin(node)
        if origin is typing.Annotated:
            node = typing.get_args(node)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(node) if a is not type(None)]
            if len(args) != 1:
                return node
            node = args[0]
        else:
            return node
