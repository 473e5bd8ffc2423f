"""The fixed query sets: the mixed set (the same for our index, the obvious design and the HTTP
run) and the question-style set (questions, pasted sentences, citations, symbol variants and
typos: what people actually type, issue 11), timed on our index only."""

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

QUESTIONS: tuple[Query, ...] = (
    Query("question", "how does WIPO contribute to the sustainable development goals"),
    Query("question", "what is the Technology Facilitation Mechanism"),
    Query("question", "does joining the UNSDG make WIPO a member of all country teams"),
    Query("question zh", "产权组织如何为发展中国家实现可持续发展目标做出贡献"),
    Query("question zh", "技术促进机制由哪些部分组成"),
    Query("question zh", "加入可持续发展集团是否意味着自动成为所有国家工作队的成员"),
    Query(
        "pasted",
        "the Secretariat had not received any request from a Member State seeking assistance "
        "in achieving the SDGs",
    ),
    Query("pasted zh", "加入国家工作队通过交换信函进行，并需与发协办达成一致，确定参与条件。"),
    Query("citation", "CDIP/19/6 para 11"),
    Query("symbol variant", "见文件CDIP/16/8"),
    Query("typo", "technolgy facilitation"),
    Query("typo", "sustainable developmnet"),
)
QUERY_SETS = {"mixed": QUERIES, "questions": QUESTIONS}
