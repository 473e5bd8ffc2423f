"""Whoosh's per-document ID columns as small integer codes, one table per segment.

Whoosh's own column iterator reads value by value (seconds for 10^5 documents), and coding every
document's value (np.unique) takes over a second at 10^6 paragraphs. So each segment's table
(its sorted distinct values and each document's code) is worked out once, when a writer has
committed the segment (`save_tables`), and kept beside it as ``<segment id>.codes``. Segments are
never modified, so the file stays true for every generation that links the segment, and Whoosh
deletes it with its segment (it removes each ``<segment id>.*`` file of a segment it no longer
lists). Opening a generation joins its segments' tables; a segment without one (an index written
before these files) is coded then, as it always was.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from whoosh.reading import SegmentReader

CODED = ("lang", "committee_code", "year", "session_key", "doctype", "unit", "symbol", "day")
SUFFIX = ".codes"


@dataclass(frozen=True)
class Table:
    """One column of one segment: each document's code, and the values the codes stand for."""

    codes: np.ndarray  # unsigned integers, one per document (deleted ones included)
    values: np.ndarray  # distinct values in ascending byte order, fixed-width bytes


class Codes:
    """A column's value for every document of a generation, as integer codes into `values`
    (codes follow the sorted values)."""

    def __init__(self, codes: np.ndarray, raw_values: np.ndarray) -> None:
        self.codes = codes.astype(np.int32)
        self.size = len(raw_values)
        self._raw = raw_values

    @cached_property
    def values(self) -> list[str]:
        """The distinct values (decoded on first use: the unit column has one per paragraph)."""
        return [v.decode("utf-8") for v in self._raw.tolist()]


def coded_columns(reader, folder: Path) -> dict[str, Codes]:
    """Every CODED column of the generation that `reader` reads from `folder`."""
    tables = [segment_tables(segment, folder) for segment, _ in reader.leaf_readers()]
    return {name: _joined([t[name] for t in tables]) for name in CODED}


def segment_tables(segment, folder: Path) -> dict[str, Table]:
    """A segment reader's tables: from its file, or coded from its columns if it has none.

    ValueError if the file does not fit the segment (the index is damaged).
    """
    path = table_path(segment, folder)
    if not path.exists():
        return {name: _table(_column(segment, name)) for name in CODED}
    tables = _load(path)
    count = segment.doc_count_all()
    for name, table in tables.items():
        if len(table.codes) != count or (count and int(table.codes.max()) >= len(table.values)):
            raise ValueError(f"{path.name} does not fit its segment (column {name})")
    return tables


def save_tables(reader, folder: Path) -> None:
    """Write the table file of every segment of `reader` that has none (after a commit)."""
    for segment, _ in reader.leaf_readers():
        if not isinstance(segment, SegmentReader):  # an index without segments
            continue
        path = table_path(segment, folder)
        if path.exists():
            continue
        arrays = {}
        for name in CODED:
            table = _table(_column(segment, name))
            arrays[f"{name}.codes"] = table.codes
            arrays[f"{name}.values"] = table.values
        partial = path.with_name(f".{path.name}.partial")  # `.`: never taken for a segment file
        with open(partial, "wb") as handle:
            np.savez(handle, allow_pickle=False, **arrays)
        os.replace(partial, path)


def table_path(segment, folder: Path) -> Path:
    return folder / f"{segment.segment().segment_id()}{SUFFIX}"


def _load(path: Path) -> dict[str, Table]:
    try:
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as arrays:
            return {
                name: Table(arrays[f"{name}.codes"], arrays[f"{name}.values"]) for name in CODED
            }
    except (zipfile.BadZipFile, KeyError) as err:
        raise ValueError(f"{path.name} cannot be read ({err})") from err


def _table(raw: np.ndarray) -> Table:
    values, codes = np.unique(raw, return_inverse=True)
    return Table(codes.astype(np.min_scalar_type(max(0, len(values) - 1))), values)


def _joined(tables: list[Table]) -> Codes:
    """One generation-wide column from its segments' tables (documents in segment order),
    coded as np.unique would code all the values at once."""
    if len(tables) == 1:
        return Codes(tables[0].codes, tables[0].values)
    width = max(1, *(t.values.itemsize for t in tables))
    every = np.concatenate([t.values.astype(f"S{width}") for t in tables])
    order = np.argsort(every, kind="stable")  # sorted runs: timsort merges them in linear time
    ordered = every[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    code_of = np.empty(len(every), dtype=np.int64)
    code_of[order] = np.cumsum(first) - 1
    starts = np.cumsum([0, *(len(t.values) for t in tables[:-1])])
    codes = np.concatenate(
        [code_of[start + t.codes.astype(np.int64)] for t, start in zip(tables, starts, strict=True)]
    )
    return Codes(codes, ordered[first])


def _column(segment, fieldname: str) -> np.ndarray:
    """A segment's values of an ID column as a fixed-width bytes array."""
    column = segment.column_reader(fieldname, translate=False)
    lengths = getattr(column, "_lengths", None)
    if lengths is None:  # no column file in this segment: every value is the default
        return np.array(list(column), dtype=bytes)
    lengths = np.asarray(lengths, dtype=np.int64)
    data = np.frombuffer(column._dbfile.get(column._basepos, int(lengths.sum())), np.uint8)
    width = max(1, int(lengths.max(initial=0)))
    spread = np.arange(width)
    inside = spread < lengths[:, None]  # each value's bytes, padded with NULs to one width
    table = np.zeros((len(lengths), width), dtype=np.uint8)
    table[inside] = data[((np.cumsum(lengths) - lengths)[:, None] + spread)[inside]]
    return table.view(f"S{width}").ravel()
