"""The accelerated segmenter (rjieba) against the reference (jieba): the same tokens on every CJK
run of the bundled corpus and of a generated one, in both modes, with the glossary words; and
jieba wherever rjieba is missing, unproven or not wanted."""

import sys
from pathlib import Path

import pytest

from bench.corpus import generate
from indexer.analysis import segmenter as seg
from indexer.analysis.glossary import user_words
from indexer.analysis.scan import scan
from indexer.errors import SettingError
from indexer.ingest.corpus import iter_corpus
from indexer.settings import bundled_corpus

MODES = ("default", "search")


def cjk_runs(corpus: Path) -> list[str]:
    """Every distinct CJK run the scanner gives for the titles and blocks of a corpus."""
    runs: dict[str, None] = {}
    for doc in iter_corpus(corpus, []):
        for text in [doc.meta.title, *(block.text for block in doc.blocks)]:
            runs.update((p.text, None) for p in scan(text) if p.kind == "cjk")
    return list(runs)


def differences(runs: list[str]) -> list[tuple[str, str]]:
    """(mode, run) where rjieba's tokens are not jieba's."""
    fast, reference = seg.load("auto"), seg.load("jieba")
    assert (fast.name, reference.name) == ("rjieba", "jieba")
    return [
        (mode, run)
        for mode in MODES
        for run in runs
        if fast.tokenize(run, mode) != reference.tokenize(run, mode)
    ]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate(3000, out, seed=7)
    return out


def test_rjieba_is_token_identical_on_the_bundled_corpus():
    runs = cjk_runs(bundled_corpus())
    assert len(runs) > 300
    assert differences(runs) == []


@pytest.mark.slow
def test_rjieba_is_token_identical_on_a_generated_corpus(generated):
    runs = cjk_runs(generated)
    assert sum(map(len, runs)) > 200_000
    assert differences(runs) == []


def test_rjieba_is_token_identical_on_glossary_words_and_outside_jiebas_han_range():
    words = user_words()
    runs = [*words, "".join(words), "关于" + "和".join(words[::7]) + "的报告"]
    # jieba cuts characters beyond \u9fd5 (CJK extension A, the newest unified ones,
    # compatibility ideographs) one at a time; rjieba would keep them in its words
    runs += ["发展㐀合作", "㐀㐁发展", "可持续发展鿖目标", "鿿", "联合国豈發展", "知识产权組織"]
    assert differences(runs) == []
    assert seg.load("auto").tokenize("发展㐀合作", "default") == [
        ("发展", 0, 2),
        ("㐀", 2, 3),
        ("合作", 3, 5),
    ]


@pytest.fixture
def chosen_afresh():
    """segmenter() chooses again in the test, and again after it (it reads the setting once)."""
    seg.segmenter.cache_clear()
    yield
    seg.segmenter.cache_clear()


def test_the_setting_chooses_the_segmenter_on_first_use(monkeypatch, chosen_afresh):
    monkeypatch.setenv(seg.SEGMENTER_ENV, "jieba")
    assert seg.segment("发展目标") == [("发展", 0, 2), ("目标", 2, 4)]
    assert seg.segmenter().name == "jieba"
    monkeypatch.delenv(seg.SEGMENTER_ENV)
    assert seg.segmenter().name == "jieba"  # read once per process
    seg.segmenter.cache_clear()
    assert seg.segmenter().name == "rjieba"
    assert seg.load("Auto ").name == "rjieba"
    with pytest.raises(SettingError, match="DOCSEARCH_SEGMENTER must be auto or jieba"):
        seg.load("jieba-fast")


@pytest.fixture
def rebuilt_accelerated():
    """accelerated() built afresh in the test, and again after it (its cache is per process)."""
    seg.accelerated.cache_clear()
    yield
    seg.accelerated.cache_clear()


def test_jieba_is_used_where_rjieba_is_not_importable(monkeypatch, rebuilt_accelerated):
    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba raises ImportError
    assert seg.accelerated() is None
    fallback = seg.load.__wrapped__("auto")
    assert fallback.name == "jieba"
    assert fallback.tokenize("联合国发展系统改革", "search")[-1] == ("联合国发展系统改革", 0, 9)


def test_jieba_is_used_where_the_rjieba_version_is_not_proven(monkeypatch, rebuilt_accelerated):
    monkeypatch.setattr(seg, "PROVEN_RJIEBA", frozenset({"0.0.1"}))
    assert seg.accelerated() is None
    assert seg.load.__wrapped__("auto").name == "jieba"


@pytest.mark.slow
def test_a_broken_frequency_cache_is_rebuilt(tmp_path, monkeypatch, rebuilt_accelerated):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    seg.reference.cache_clear()  # the reference's pickle is rebuilt in the new cache too
    try:
        assert seg.accelerated() is not None
        (cache,) = (tmp_path / "docsearch").glob("rjieba-*.json")
        assert cache.stat().st_mode & 0o077 == 0
        cache.write_text("{not json", encoding="utf-8")
        seg.accelerated.cache_clear()
        fast = seg.accelerated()
        assert fast.tokenize("可持续发展集团和驻地协调员制度", "default", False) == (
            seg.load("jieba").tokenize("可持续发展集团和驻地协调员制度", "default")
        )
        assert cache.read_text(encoding="utf-8").startswith('{"words"')
    finally:
        seg.reference.cache_clear()
