"""The one-posting shortcut builds the very pickles the general block writer makes."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from indexer.backends.whoosh.postings import pickled_info, pickled_int, pickled_one

DOCNUMS = st.integers(min_value=0, max_value=2**40)
BYTES = st.binary(max_size=40)


@given(DOCNUMS)
def test_ints_as_pickle_writes_them(n):
    assert pickled_int(n) == pickle.dumps(n, 2)[2:-1]


@given(
    DOCNUMS,
    st.one_of(st.none(), st.floats(min_value=1e-30, allow_infinity=False)),
    st.one_of(st.none(), BYTES, st.lists(BYTES, max_size=1).map(tuple)),
)
def test_one_posting_data(docnum, weights, values):
    assert pickled_one(docnum, weights, values) == pickle.dumps(((docnum,), weights, values), 2)


@given(
    DOCNUMS,
    st.one_of(st.just(0), st.floats(min_value=1e-30, allow_infinity=False)),
    st.integers(min_value=0, max_value=9),
    st.integers(min_value=0, max_value=255),
    st.integers(min_value=0, max_value=255),
)
def test_one_posting_info(docnum, maxweight, comp, minbyte, maxbyte):
    expected = pickle.dumps((1, docnum, maxweight, comp, minbyte, maxbyte), 2)
    assert pickled_info(docnum, maxweight, comp, minbyte, maxbyte) == expected
