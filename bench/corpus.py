"""Seeded synthetic corpus in the corpus format, for benchmarks at 10^3 to 10^6 paragraphs.

    python -m bench.corpus --paragraphs 100000 --out bench/out/corpus-100000

Each synthetic document is one meeting document with a Chinese and an English version (same
symbol, same paragraph numbering), written the way ``indexer.ingest.paragraphs`` reads corpus files:
front matter (symbol, ORIGINAL/原文, DATE/日期, committee, session, meeting, title, "prepared by
the Secretariat"/秘书处编拟), numbered paragraphs of 60-400 characters, unnumbered headings,
symbols cited in the text, dates and numbers.

Term statistics:

- Chinese words are sampled by frequency from jieba's own dictionary (``jieba/dict.txt``: word,
  frequency, tag per line), mixed with the word frequencies of the bundled Chinese corpus (jieba
  segmentation of ``corpus/zh``), so domain words such as 发展, 联合国 and 知识产权 are about as
  common as in real meeting documents (发展 is in a large share of paragraphs).
- English words come from the bundled English corpus (``corpus/en``: word counts) as the head of
  the distribution, continued by a Zipf tail of pronounceable synthetic words (no downloads).

Every document gets its own ``random.Random`` derived from the seed and its index, so the output
is the same whatever ``--jobs`` is.
"""

from __future__ import annotations

import argparse
import itertools
import math
import multiprocessing
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 1
REPO = Path(__file__).resolve().parent.parent
SEED_CORPUS = REPO / "corpus"
DOMAIN_SHARE_ZH = 0.35  # share of Chinese words drawn from the seed corpus's word frequencies
MIN_CHARS, MAX_CHARS = 60, 400

_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")

COMMITTEES = [
    # (symbol prefix, English name, Chinese name, code)
    (
        "CDIP",
        "Committee on Development and Intellectual Property (CDIP)",
        "发展与知识产权委员会（CDIP）",
    ),
    ("SCP", "Standing Committee on the Law of Patents (SCP)", "专利法常设委员会（SCP）"),
    (
        "SCCR",
        "Standing Committee on Copyright and Related Rights (SCCR)",
        "版权及相关权常设委员会（SCCR）",
    ),
    ("WO/PBC", "Program and Budget Committee (PBC)", "计划和预算委员会（PBC）"),
    (
        "SCT",
        "Standing Committee on the Law of Trademarks, Industrial Designs and Geographical "
        "Indications (SCT)",
        "商标、工业品外观设计和地理标志法律常设委员会（SCT）",
    ),
    ("CWS", "Committee on WIPO Standards (CWS)", "产权组织标准委员会（CWS）"),
    (
        "WIPO/GRTKF/IC",
        "Intergovernmental Committee on Intellectual Property and Genetic Resources, "
        "Traditional Knowledge and Folklore (IGC)",
        "知识产权与遗传资源、传统知识和民间文学艺术政府间委员会（IGC）",
    ),
    ("WO/GA", "WIPO General Assembly (GA)", "产权组织大会（GA）"),
]
MONTHS = (
    "January February March April May June July August September October November December"
).split()
CN_DIGITS = "零一二三四五六七八九"
EN_ORDINALS = (
    "First Second Third Fourth Fifth Sixth Seventh Eighth Ninth Tenth Eleventh Twelfth "
    "Thirteenth Fourteenth Fifteenth Sixteenth Seventeenth Eighteenth Nineteenth"
).split()
EN_TENS = "Twent Thirt Fort Fift Sixt Sevent Eight Ninet".split()


# --- vocabularies ----------------------------------------------------------------------------


@dataclass
class Vocab:
    words: list[str]
    cum: list[float]

    @classmethod
    def from_weights(cls, weights: dict[str, float]) -> Vocab:
        words = sorted(weights, key=lambda w: (-weights[w], w))
        return cls(words, list(itertools.accumulate(weights[w] for w in words)))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum, k=k)

    def share_of(self, word: str) -> float:
        """The probability of `word` in one draw (for reporting)."""
        i = self.words.index(word)
        prev = self.cum[i - 1] if i else 0.0
        return (self.cum[i] - prev) / self.cum[-1]


def jieba_dictionary() -> Path:
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


def zh_dictionary_vocab() -> Vocab:
    """Pure-CJK words of jieba's dictionary, weighted by their frequency."""
    weights: dict[str, float] = {}
    with open(jieba_dictionary(), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and _CJK_WORD.match(parts[0]):
                weights[parts[0]] = float(parts[1])
    return Vocab.from_weights(weights)


def _seed_texts(lang: str) -> list[str]:
    folder = SEED_CORPUS / lang
    if not folder.is_dir():
        return []
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]


def zh_domain_vocab() -> Vocab | None:
    """Word counts of the bundled Chinese corpus (jieba precise mode, CJK words only)."""
    texts = _seed_texts("zh")
    if not texts:
        return None
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w for w in jieba.cut(text, HMM=False) if _CJK_WORD.match(w))
    return Vocab.from_weights({w: float(c) for w, c in counts.items()}) if counts else None


def _synthetic_words(n: int, rng: random.Random) -> list[str]:
    onsets = "b c d f g h j k l m n p r s t v w z br cr dr fr gr pl pr st tr ch sh th".split()
    vowels = "a e i o u ai ea io ou".split()
    codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ct", "nt"]
    suffixes = ["", "", "", "ion", "ity", "al", "ment", "ing", "ed", "ive", "ance", "ise"]
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        syllables = rng.choice((1, 2, 2, 3, 3, 4))
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables)
        ) + rng.choice(suffixes)
        if len(word) > 2 and word not in seen:
            seen.add(word)
            out.append(word)
    return out


def en_vocab(tail: int = 30000, tail_share: float = 0.08) -> Vocab:
    """Seed corpus word counts as the head; a Zipf tail of synthetic words with `tail_share`.

    Words keep their most common spelling in the seed corpus (WIPO, Member, the).
    """
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for text in _seed_texts("en"):
        for word in _EN_WORD.findall(text):
            counts[word.lower()] += 1
            spellings.setdefault(word.lower(), Counter())[word] += 1
    if not counts:  # no seed corpus: a small function-word head
        counts.update({"the": 1000, "of": 600, "and": 500, "to": 400})
    head = {
        spellings.get(w, Counter({w: 1})).most_common(1)[0][0]: float(c) for w, c in counts.items()
    }
    start = len(head) + 1
    words = _synthetic_words(tail, random.Random(12345))
    raw = [1.0 / (start + i) ** 1.1 for i in range(len(words))]
    scale = tail_share / (1 - tail_share) * sum(head.values()) / sum(raw)
    weights = dict(head)
    for word, r in zip(words, raw, strict=True):
        weights.setdefault(word, r * scale)
    return Vocab.from_weights(weights)


class Vocabularies:
    def __init__(self) -> None:
        self.zh_dict = zh_dictionary_vocab()
        self.zh_domain = zh_domain_vocab()
        self.en = en_vocab()
        self.zh_acronyms = ["WIPO", "SDG", "CDIP", "PCT", "UNCTAD", "WTO", "IATT", "UNDG", "IP"]


_VOCAB: Vocabularies | None = None


def vocabularies() -> Vocabularies:
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = Vocabularies()
    return _VOCAB


# --- text pieces -----------------------------------------------------------------------------


def cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def en_ordinal(n: int) -> str:
    if n < 20:
        return EN_ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    base = EN_TENS[tens - 2]
    if not ones:
        return base + "ieth"
    return f"{base}y-{EN_ORDINALS[ones - 1]}"


@dataclass(frozen=True)
class DocSpec:
    index: int
    symbol: str
    committee: tuple[str, str, str]
    session: int
    year: int
    month: int
    day: int
    paragraphs: int
    languages: tuple[str, ...]


def _cited_symbol(rng: random.Random, spec: DocSpec) -> str:
    prefix = rng.choice(COMMITTEES)[0]
    return f"{prefix}/{max(1, spec.session - rng.randint(0, 5))}/{rng.randint(1, 20)}"


def _zh_filler(rng: random.Random, spec: DocSpec) -> str:
    kind = rng.random()
    if kind < 0.3:
        return f"（文件 {_cited_symbol(rng, spec)}）"
    if kind < 0.55:
        y = rng.randint(2000, spec.year)
        return f"{y} 年 {rng.randint(1, 12)} 月 {rng.randint(1, 28)} 日"
    if kind < 0.7:
        return f" {rng.randint(1, 99)}.{rng.randint(1, 9)} "
    if kind < 0.8:
        return f" {rng.randint(1, 80)}/{rng.randint(1, 320)} 号决议"
    if kind < 0.9:
        return f" {rng.randint(1, 99)}% "
    return f" {rng.choice(vocabularies().zh_acronyms)} "


def _en_filler(rng: random.Random, spec: DocSpec) -> str:
    kind = rng.random()
    if kind < 0.3:
        return f"(document {_cited_symbol(rng, spec)})"
    if kind < 0.55:
        return f"on {rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2000, spec.year)}"
    if kind < 0.7:
        return f"{rng.randint(1, 99)}.{rng.randint(1, 9)}"
    if kind < 0.8:
        return f"resolution {rng.randint(1, 80)}/{rng.randint(1, 320)}"
    if kind < 0.9:
        return f"{rng.randint(1, 99)} per cent"
    return rng.choice(vocabularies().zh_acronyms)


def zh_words(rng: random.Random, k: int) -> list[str]:
    v = vocabularies()
    if v.zh_domain is None:
        return v.zh_dict.sample(rng, k)
    n_domain = sum(rng.random() < DOMAIN_SHARE_ZH for _ in range(k))
    words = v.zh_dict.sample(rng, k - n_domain) + v.zh_domain.sample(rng, n_domain)
    rng.shuffle(words)
    return words


def zh_paragraph(rng: random.Random, spec: DocSpec) -> str:
    target = int(rng.triangular(MIN_CHARS, MAX_CHARS, 160))
    out: list[str] = []
    size = 0
    while size < target:
        words = zh_words(rng, rng.randint(6, 18))
        if rng.random() < 0.35:
            words.insert(rng.randrange(len(words) + 1), _zh_filler(rng, spec))
        sentence = "".join(words)
        sentence = (
            sentence[: MAX_CHARS - 1 - size] if size + len(sentence) >= MAX_CHARS else sentence
        )
        out.append(sentence.strip())
        size += len(sentence) + 1
        out.append("，" if size < target and rng.random() < 0.6 else "。")
    text = "".join(out).rstrip("，。 ") + "。"
    return text


def en_paragraph(rng: random.Random, spec: DocSpec) -> str:
    target = int(rng.triangular(MIN_CHARS, MAX_CHARS, 260))
    sentences: list[str] = []
    size = 0
    while size < target:
        words = vocabularies().en.sample(rng, rng.randint(6, 22))
        if rng.random() < 0.4:
            words.insert(rng.randrange(len(words) + 1), _en_filler(rng, spec))
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:]
        room = MAX_CHARS - 1 - size - (1 if sentences else 0)
        if len(sentence) > room:
            sentence = sentence[:room].rsplit(" ", 1)[0] if " " in sentence[:room] else "Noted"
        sentences.append(sentence.rstrip(" ,;") + ".")
        size += len(sentences[-1]) + 1
    return " ".join(sentences)[:MAX_CHARS]


def zh_heading(rng: random.Random) -> str:
    return "".join(zh_words(rng, rng.randint(3, 6)))


def en_heading(rng: random.Random) -> str:
    words = [w for w in vocabularies().en.sample(rng, rng.randint(5, 10)) if len(w) > 2][:6]
    return " ".join(w.capitalize() for w in (words or ["Activities", "Undertaken"]))


def render(spec: DocSpec, lang: str) -> str:
    """One language version of a document, in the corpus text format."""
    rng = random.Random(f"{spec.index}-{lang}-text")
    layout = random.Random(f"{spec.index}-layout")  # headings at the same places in zh and en
    _, en_name, zh_name = spec.committee
    original = "ENGLISH" if spec.index % 3 else "CHINESE"
    if lang == "zh":
        lines = [
            spec.symbol,
            f"原文：{'英文' if original == 'ENGLISH' else '中文'}",
            f"日期：{spec.year} 年 {spec.month} 月 {spec.day} 日",
            zh_name,
            f"第{cn_number(spec.session)}届会议",
            f"{spec.year} 年 {spec.month} 月 {spec.day} 日至 {spec.day + 4} 日，日内瓦",
            "关于" + "".join(zh_words(rng, rng.randint(3, 7))) + "的报告",
            "秘书处编拟",
        ]
    else:
        lines = [
            spec.symbol,
            f"ORIGINAL: {original}",
            f"DATE: {MONTHS[spec.month - 1]} {spec.day}, {spec.year}",
            en_name,
            f"{en_ordinal(spec.session)} Session",
            f"Geneva, {MONTHS[spec.month - 1]} {spec.day} to {spec.day + 4}, {spec.year}",
            "Report on " + " ".join(w.capitalize() for w in vocabularies().en.sample(rng, 5)),
            "prepared by the Secretariat",
        ]
    lines.append("")
    next_heading = layout.randint(2, 10)
    for number in range(1, spec.paragraphs + 1):
        if number == next_heading:
            lines.append(zh_heading(rng) if lang == "zh" else en_heading(rng))
            lines.append("")
            next_heading += layout.randint(4, 14)
        body = zh_paragraph(rng, spec) if lang == "zh" else en_paragraph(rng, spec)
        lines.append(f"{number}. {body}")
        lines.append("")
    lines.append("[文件完]" if lang == "zh" else "[End of document]")
    return "\n".join(lines) + "\n"


# --- the corpus ------------------------------------------------------------------------------


def plan(paragraphs: int, seed: int) -> list[DocSpec]:
    """Documents whose numbered paragraphs add up to exactly `paragraphs` (both languages)."""
    rng = random.Random(f"plan-{seed}")
    specs: list[DocSpec] = []
    remaining = paragraphs
    numbers: Counter[tuple[str, int]] = Counter()
    while remaining > 0:
        committee = COMMITTEES[int(rng.paretovariate(1.2)) % len(COMMITTEES)]
        session = rng.randint(1, 45)
        numbers[(committee[0], session)] += 1
        symbol = f"{committee[0]}/{session}/{numbers[(committee[0], session)]}"
        size = max(5, min(150, int(rng.lognormvariate(math.log(40), 0.6))))
        if 2 * size <= remaining:
            per_lang, languages = size, ("zh", "en")
        elif remaining >= 2:
            per_lang, languages = remaining // 2, ("zh", "en")
        else:
            per_lang, languages = 1, ("zh",)
        remaining -= per_lang * len(languages)
        year = 2000 + (session % 24)
        specs.append(
            DocSpec(
                len(specs),
                symbol,
                committee,
                session,
                year,
                rng.randint(1, 12),
                rng.randint(1, 24),
                per_lang,
                languages,
            )
        )
    return specs


def file_name(spec: DocSpec) -> str:
    return spec.symbol.lower().replace("/", "_") + ".txt"


def _write_one(args: tuple[DocSpec, str]) -> int:
    spec, out = args
    written = 0
    for lang in spec.languages:
        text = render(spec, lang)
        (Path(out) / lang / file_name(spec)).write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
    return written


def generate(paragraphs: int, out: Path, seed: int = 1, jobs: int = 1) -> dict:
    """Write the corpus into `out` (zh/ and en/); returns a summary (files, bytes, seconds)."""
    started = time.perf_counter()
    out = Path(out)
    for lang in ("zh", "en"):
        (out / lang).mkdir(parents=True, exist_ok=True)
    specs = plan(paragraphs, seed)
    work = [(s, str(out)) for s in specs]
    if jobs > 1 and len(specs) > 50:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            sizes = pool.map(_write_one, work, chunksize=16)
    else:
        sizes = [_write_one(w) for w in work]
    summary = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "paragraphs": sum(s.paragraphs * len(s.languages) for s in specs),
        "documents": len(specs),
        "files": sum(len(s.languages) for s in specs),
        "bytes": sum(sizes),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / ".bench-corpus").write_text(repr(sorted(summary.items())) + "\n", encoding="utf-8")
    return summary


def ensure_corpus(paragraphs: int, out: Path, seed: int = 1, jobs: int = 1) -> dict:
    """Generate the corpus unless `out` already holds this exact one (same size, seed, version)."""
    marker = Path(out) / ".bench-corpus"
    if marker.is_file():
        import ast

        summary = dict(ast.literal_eval(marker.read_text(encoding="utf-8")))
        if (
            summary.get("generator_version") == GENERATOR_VERSION
            and summary.get("seed") == seed
            and summary.get("paragraphs") == paragraphs
        ):
            summary["reused"] = True
            return summary
    if Path(out).exists():
        import shutil

        shutil.rmtree(out)
    return generate(paragraphs, out, seed, jobs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--paragraphs", type=int, required=True, help="numbered paragraphs, both languages"
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder (zh/ and en/)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    if args.paragraphs < 1:
        parser.error("--paragraphs must be at least 1")
    summary = generate(args.paragraphs, args.out, args.seed, args.jobs)
    print(
        f"wrote {summary['paragraphs']} paragraphs in {summary['documents']} documents "
        f"({summary['files']} files, {summary['bytes'] / 1e6:.1f} MB) to {args.out} "
        f"in {summary['seconds']:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
