"""A field's whole term list with document frequencies, read in bulk from Whoosh's terms files.

Whoosh iterates a field's terms one file read at a time (seconds for a field of 100,000 terms);
here each segment's key/value records are read in one piece and walked with `struct`, from the
field's first key to its last (keys are sorted, prefixed with the field's number).
"""

from __future__ import annotations

import struct

from whoosh.searching import Searcher

_LENGTHS = struct.Struct("!ii")  # key length, value length (whoosh.filedb.filetables)
_FIELD = struct.Struct("!H")  # the field number before each key (whoosh.codec.whoosh3)
_DOC_FREQUENCY = struct.Struct("!I")  # in a term info, after the flags byte and the weight
_DOC_FREQUENCY_AT = 5


def field_terms(searcher: Searcher, fieldname: str) -> dict[str, int]:
    """Every term of `fieldname` in every segment, and the number of documents holding it
    (deleted documents included, as Whoosh's own statistics count them)."""
    found: dict[str, int] = {}
    for segment, _ in searcher.reader().leaf_readers():
        terms = segment._terms
        number = terms._fieldmap.get(fieldname)
        if number is None:
            continue
        index = terms._tindex
        prefix = _FIELD.pack(number)
        start = index.closest_key_pos(prefix)
        if start is None:
            continue
        raw = index.dbfile.get(start, index.endofdata - start)
        at, end = 0, len(raw)
        while at < end:
            keylen, datalen = _LENGTHS.unpack_from(raw, at)
            key_at = at + _LENGTHS.size
            if raw[key_at : key_at + 2] != prefix:
                break
            text = raw[key_at + 2 : key_at + keylen].decode("utf-8")
            (df,) = _DOC_FREQUENCY.unpack_from(raw, key_at + keylen + _DOC_FREQUENCY_AT)
            found[text] = found.get(text, 0) + df
            at = key_at + keylen + datalen
    return found
