"""References in the interface language: organisation, title, symbol, date, paragraph and
permalink, with a provisional symbol marked as such.

Everything returns plain text; templates escape it.
"""

from __future__ import annotations

from indexer.ingest.facets import is_provisional, organisation
from indexer.search.titles import display_title

ORGANISATIONS = {
    "en": {"WIPO": "WIPO", "UN": "United Nations"},
    "zh": {"WIPO": "世界知识产权组织", "UN": "联合国"},
}
PROVISIONAL = {"en": "[provisional symbol, not confirmed]", "zh": "［暂定文件号，未经确认］"}
MONTHS = (
    "January February March April May June July August September October November December"
).split()


def where(ui: str, kind: str, label: str) -> str:
    """`para. 11`, `Annex, para. 1` / `第 11 段`, `附件第 1 段`."""
    number = label.removeprefix("annex-")
    if ui == "zh":
        return f"附件第 {number} 段" if kind == "annex" else f"第 {number} 段"
    return f"Annex, para. {number}" if kind == "annex" else f"para. {number}"


def symbol_text(ui: str, symbol: str) -> str:
    """The symbol, followed by a warning when it is provisional."""
    if not is_provisional(symbol):
        return symbol
    return f"{symbol}{PROVISIONAL['zh']}" if ui == "zh" else f"{symbol} {PROVISIONAL['en']}"


def format_day(ui: str, day: str) -> str:
    """`2017-05-15` -> `15 May 2017` / `2017 年 5 月 15 日` (a bare year stays a year)."""
    parts = [int(p) for p in day.split("-") if p.isdigit()]
    if not parts:
        return ""
    if ui == "zh":
        units = ("年", "月", "日")
        return " ".join(f"{n} {u}" for n, u in zip(parts, units, strict=False))
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{parts[2]} {MONTHS[parts[1] - 1]} {parts[0]}"


def pick_title(ui: str, titles: dict[str, str]) -> str:
    """The title in the interface language if the document has it, else the other one."""
    title = titles.get(ui) or next((t for t in titles.values() if t), "")
    return display_title(title)


def full_citation(
    ui: str,
    symbol: str,
    kind: str,
    label: str | None,
    titles: dict[str, str],
    day: str,
    permalink: str,
) -> str:
    """WIPO, *Title*, CDIP/19/6 (15 May 2017), para. 11, <permalink> — in the interface language.

    `label` None cites the whole document.
    """
    org = ORGANISATIONS[ui][organisation(symbol)]
    title = pick_title(ui, titles)
    date = format_day(ui, day)
    if ui == "zh":
        parts = [org, f"《{title}》" if title else "", symbol_text(ui, symbol)]
        if date:
            parts[-1] += f"（{date}）"
        if label is not None:
            parts.append(where(ui, kind, label))
        parts.append(permalink)
        return "，".join(p for p in parts if p)
    parts = [org, title, symbol_text(ui, symbol) + (f" ({date})" if date else "")]
    if label is not None:
        parts.append(where(ui, kind, label))
    parts.append(permalink)
    return ", ".join(p for p in parts if p)
