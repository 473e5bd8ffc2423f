"""The fixed mixed query set (the same for our index, the obvious design and the HTTP run)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    kind: str
    text: str


QUERIES: tuple[Query, ...] = (
    Query("single word", "知识产权"),
    Query("common word", "发展"),
    Query("common word", "联合国"),
    Query("multi-word", "发展 合作 成员国"),
    Query("phrase", '"可持续发展"'),
    Query("phrase", '"United Nations"'),
    Query("symbol", "CDIP/16/8"),
    Query("English", "development"),
    Query("English multi-word", "Member States implementation"),
    Query("traditional", "聯合國 發展"),
    Query("mixed", "WIPO 可持续发展 SDG"),
    Query("long (relaxed)", "联合国发展系统改革"),
    Query("miss", "量子引力波探测器"),
    Query("miss", "zyzzyvas"),
)
