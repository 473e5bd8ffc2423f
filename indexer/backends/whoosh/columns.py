"""Whoosh's per-document columns read in one piece per segment (its own iterator reads value
by value: seconds for 10^5 documents)."""

from __future__ import annotations

import numpy as np


class Codes:
    """A column's value for every document, as small integer codes (read once per generation)."""

    def __init__(self, reader, fieldname: str) -> None:
        raw = np.concatenate([_column(segment, fieldname) for segment, _ in reader.leaf_readers()])
        values, codes = np.unique(raw, return_inverse=True)
        self.codes = codes.astype(np.int32)
        self.values = [v.decode("utf-8") for v in values.tolist()]


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
