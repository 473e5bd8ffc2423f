"""Every error a user can act on derives from DocsearchError; str() is one sentence.

The CLI turns any of them into that sentence and exit code 1 (in one place), the web app into
its error page or the API's JSON error; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class DocsearchError(Exception):
    """A problem the user can act on; str() is one clear sentence."""


class SettingError(DocsearchError):
    """A flag or environment variable with a value docsearch cannot use."""


class QueryTooLong(DocsearchError, ValueError):
    """The query exceeds the longest query accepted."""


class SymbolError(DocsearchError, ValueError):
    """A string that is not a document symbol."""


class SourceError(DocsearchError, ValueError):
    """A problem with one input file; ``err.path`` is the path."""

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class IngestError(DocsearchError, ValueError):
    """A corpus file that cannot be indexed; str() names the file."""


class StoreError(DocsearchError):
    """A problem with the index itself."""


class IndexMissing(StoreError):
    """No index has been built at this location yet."""


class IndexOutdated(StoreError):
    """The index was built by a version with another schema, analysis or glossary."""


class IndexDamaged(StoreError):
    """The live index generation is unreadable or disagrees with its manifest."""


class LockTimeout(StoreError):
    """Another writer held the index for longer than the lock timeout."""
