"""Alignment of zh/en versions: the seeds align; a missing paragraph is reported."""

from dataclasses import replace

from indexer.ingest.alignment import alignment_problems
from indexer.ingest.corpus import load_corpus
from indexer.settings import bundled_corpus


def test_seed_versions_are_aligned_paragraph_by_paragraph():
    documents, failures = load_corpus(bundled_corpus())
    assert not failures
    assert alignment_problems(documents) == []
    by_key = {d.key: d for d in documents}
    for symbol, count in (("CDIP/19/6", 21), ("WO/PBC/33/PROVISIONAL", 17)):
        zh, en = by_key[f"{symbol}|zh"], by_key[f"{symbol}|en"]
        assert [b.label for b in zh.blocks] == [b.label for b in en.blocks]
        assert sum(b.kind == "paragraph" for b in en.blocks) == count


def test_a_missing_paragraph_is_reported():
    documents, _ = load_corpus(bundled_corpus())
    broken = [
        replace(d, blocks=tuple(b for b in d.blocks if b.label != "7"))
        if d.key == "CDIP/19/6|en"
        else d
        for d in documents
    ]
    assert alignment_problems(broken) == [
        "CDIP/19/6: versions are not aligned (20 numbered in en, 21 numbered in zh; only in zh: 7)."
    ]


def test_build_reports_misaligned_versions(tmp_path):
    import shutil

    from click.testing import CliRunner

    from indexer.cli import main

    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_corpus(), corpus)
    en = corpus / "en" / "cdip_19_6.txt"
    text = en.read_text(encoding="utf-8")
    en.write_text(text[: text.index("\n7. ")] + text[text.index("\n8. ") :], encoding="utf-8")
    result = CliRunner().invoke(
        main, ["build", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 0
    assert (
        "warning: CDIP/19/6: versions are not aligned (20 numbered in en, 21 numbered in zh; "
        "only in zh: 7)." in result.stderr
    )
