"""Load the judged queries of queries.toml (its header documents the format)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

QUERIES_FILE = Path(__file__).with_name("queries.toml")
CLASSES = (
    "word",
    "substring",
    "phrase",
    "symbol",
    "acronym",
    "folding",
    "crosslang",
    "glossary",
    "question",
    "pasted",
    "citation",
    "symbol_variant",
    "typo",
    "inflection",
    "miss",
)
MISS = "miss"
_UNIT = re.compile(r"^\S(?:.*\S)?\|[\w-]+$")


class JudgmentError(ValueError):
    """queries.toml is malformed (the message names the query and the problem)."""


@dataclass(frozen=True)
class JudgedQuery:
    """One query as a user types it, its class, and its graded units ("SYMBOL|LABEL" -> 1..3)."""

    cls: str
    text: str
    grades: dict[str, int] = field(default_factory=dict)
    note: str = ""


def unit_key(symbol: str, label: str) -> str:
    """The key a judgment uses for the bilingual unit (symbol, paragraph label)."""
    return f"{symbol}|{label}"


def load_queries(path: Path = QUERIES_FILE) -> list[JudgedQuery]:
    """Read and check every [[query]] table; raise JudgmentError on the first problem."""
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8")).get("query", [])
    except tomllib.TOMLDecodeError as err:
        raise JudgmentError(f"{path.name} is not valid TOML: {err}") from err
    queries = []
    seen: set[tuple[str, str]] = set()
    for n, table in enumerate(tables, 1):
        where = f"{path.name}, query {n} ({table.get('q', '?')!r})"
        cls, text = table.get("class"), table.get("q")
        grades = table.get("judgments", {})
        if cls not in CLASSES:
            raise JudgmentError(f"{where}: unknown class {cls!r}.")
        if not isinstance(text, str) or not text.strip():
            raise JudgmentError(f"{where}: the query text `q` is missing.")
        if (cls, text) in seen:
            raise JudgmentError(f"{where}: the same query appears twice in class {cls}.")
        seen.add((cls, text))
        if (cls == MISS) != (not grades):
            raise JudgmentError(f"{where}: miss queries have no judgments, all others need some.")
        for unit, grade in grades.items():
            if not _UNIT.match(unit) or grade not in (1, 2, 3):
                raise JudgmentError(f"{where}: bad judgment {unit!r} = {grade!r}.")
        queries.append(JudgedQuery(cls, text, dict(grades), table.get("note", "")))
    return queries
