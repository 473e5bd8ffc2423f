"""The project's analysis as Whoosh analyzers (Whoosh pickles these into the index's schema).

They hold no jieba object and look their term function up by field name, so a pickled schema
stays small and opens fast.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Analyzer, Token

from indexer.analysis.terms import FIELD_TERMS, Term


class TermAnalyzer(Analyzer):
    """Adapts a field's term function to Whoosh's analyzer protocol (positions and chars)."""

    field = "words"

    def terms(self, value: str) -> Iterator[Term]:
        return FIELD_TERMS[self.field](value)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos, start, end in self.terms(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self).__name__)


class WordAnalyzer(TermAnalyzer):
    """jieba words + whole compounds: the precise field."""

    field = "words"


class CharAnalyzer(TermAnalyzer):
    """CJK unigrams + bigrams + whole compounds: the recall field."""

    field = "chars"


class EnglishAnalyzer(TermAnalyzer):
    """Stemmed English words without stop words; compounds whole."""

    field = "en"
