"""Document symbols (CDIP/19/6, WO/PBC/33/5, A/RES/72/279, CDIP/19/6 Rev.): parse and normalise.

A symbol is matched case- and width-insensitively everywhere: `cdip 19 6`, `ＣＤＩＰ／１９／６` and
`CDIP/19/6` are the same document.
"""

from __future__ import annotations

import re
import unicodedata

from indexer.errors import SymbolError

_SUFFIXES = {"REV": "Rev.", "CORR": "Corr.", "ADD": "Add."}
_PART = r"[A-Z0-9][A-Z0-9.\-]*"
_SUFFIX = r"(?:\s*(?:REV|CORR|ADD)\.?\s*\d*)"
# Canonical form: PART/PART[/PART...] with optional Rev./Corr./Add. suffixes.
_SLASHED = re.compile(rf"^([A-Z]{{1,8}}(?:/{_PART}){{1,6}})({_SUFFIX}*)$")
# Typed form without slashes: "cdip 19 6", "wo pbc 33 5", "cdip_19_6_rev".
_SPACED = re.compile(
    r"^([A-Z]{1,8}(?:[ _][A-Z]{1,8})*)((?:[ _]\d+[A-Z]?){2,})((?:[ _](?:REV|CORR|ADD)\d*)*)$"
)
# Symbols cited in running text.
CITED = re.compile(r"(?<![A-Za-z0-9/])[A-Z]{1,8}(?:/[A-Z0-9][A-Za-z0-9.\-]*){2,6}(?<![.\-])")


def _squash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).upper().strip()
    text = re.sub(r"\s*/\s*", "/", text)
    return re.sub(r"\s+", " ", text)


def _suffixes(raw: str) -> str:
    parts = re.findall(r"(REV|CORR|ADD)\.?\s*(\d*)", raw)
    return "".join(f" {_SUFFIXES[name]}{num and ' ' + num}" for name, num in parts)


def normalize_symbol(text: str) -> str:
    """Return the canonical form of a symbol, or raise SymbolError."""
    squashed = _squash(text)
    m = _SLASHED.match(squashed)
    if m:
        return m.group(1) + _suffixes(m.group(2))
    m = _SPACED.match(squashed)
    if m:
        head = m.group(1).replace("_", "/").replace(" ", "/")
        numbers = "/".join(re.split(r"[ _]", m.group(2).strip(" _")))
        tail = re.sub(r"(REV|CORR|ADD)(\d*)", r" \1 \2", m.group(3).replace("_", " "))
        return f"{head}/{numbers}" + _suffixes(tail)
    raise SymbolError(f"{text!r} is not a document symbol such as CDIP/19/6.")


def looks_like_symbol(text: str) -> bool:
    """True when `text` reads as a document symbol (used to offer the document directly)."""
    try:
        normalize_symbol(text)
    except SymbolError:
        return False
    return True


def symbol_from_filename(stem: str) -> str | None:
    """`cdip_19_6` -> `CDIP/19/6`, `wo_pbc_32_5_rev` -> `WO/PBC/32/5 Rev.`; None if not one."""
    pattern = r"^[A-Z]{1,8}(?:_[A-Z]{1,8})*(?:_\d+[A-Z]?)+(?:_(?:REV|CORR|ADD)\d*)*$"
    if not re.match(pattern, stem, re.I):
        return None
    return normalize_symbol(stem)


def cited_symbols(text: str) -> list[tuple[int, int, str]]:
    """Symbols cited in running text, as (start, end, canonical symbol)."""
    found = []
    for m in CITED.finditer(text):
        try:
            found.append((m.start(), m.end(), normalize_symbol(m.group())))
        except SymbolError:
            continue
    return found


# A symbol as people type it: spaces, underscores or full-width slashes for its slashes.
_LOOSE_SEPARATOR = re.compile(r"\s*[/\\]\s*|[\s_]+")
_RESOLUTION = re.compile(r"^\d{1,3}/\d{1,4}$")  # General Assembly resolutions: 72/279
# A symbol glued to other text (见文件CDIP/16/8, 大会第70/1号决议): Latin-and-digit runs with
# slashes, at least one digit.
EMBEDDED = re.compile(
    r"(?<![A-Za-z0-9/])(?:[A-Za-z]{1,8}(?:/[A-Za-z0-9][A-Za-z0-9.\-]*){1,6}|\d{1,3}/\d{1,4})"
    r"(?![A-Za-z0-9/])"
)


def symbol_variant(text: str) -> str | None:
    """The canonical symbol `text` stands for, however typed (`cdip 17/8`, `ＣＤＩＰ／１８／４`,
    `wo_pbc_34_12`, `72/279`), or None. The symbol has at least one number in it."""
    squashed = unicodedata.normalize("NFKC", text).upper().strip()
    if not any(ch.isdigit() for ch in squashed):
        return None
    if _RESOLUTION.match(squashed):
        return squashed
    try:
        return normalize_symbol(squashed)
    except SymbolError:
        pass
    try:
        return normalize_symbol(_LOOSE_SEPARATOR.sub("/", squashed))
    except SymbolError:
        return None
