"""`docsearch search` says in one line what the search did: citations (with the `show` command
to read them), documents, suggestions, partial matches and dropped syntax (issue 11)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from indexer.cli import main


def run(root, *args):
    result = CliRunner().invoke(main, ["search", "--index", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_citation_suggests_docsearch_show(seed_index_root):
    out = run(seed_index_root, "CDIP/19/6 para 11")
    assert "CDIP/19/6, paragraph 11 is shown first; see it with: docsearch show CDIP/19/6 11" in out
    data = json.loads(run(seed_index_root, "--json", "cdip/19/6 ¶ 11"))
    assert data["citation"]["symbol"] == "CDIP/19/6" and data["hits"][0]["paragraph"] == "11"


def test_a_bare_symbol_names_the_document(seed_index_root):
    out = run(seed_index_root, "wo pbc 33 provisional")
    assert "WO/PBC/33/PROVISIONAL is a document in the index" in out
    assert "docsearch show WO/PBC/33/PROVISIONAL" in out


def test_a_typo_gets_the_suggestions_results(seed_index_root):
    out = run(seed_index_root, "technolgy facilitation")
    assert (
        "no paragraph matches 'technolgy facilitation'; results for 'technology facilitation'"
        in out
    )
    assert "CDIP/19/6 ¶11" in out


def test_a_question_lists_matched_words_and_ignored_ones(seed_index_root):
    out = run(seed_index_root, "does joining the UNSDG make WIPO a member of all country teams")
    assert "question and function words not required: does, the, a, of, all" in out
    assert "  matches: " in out


def test_a_wildcard_is_said_out_loud(seed_index_root):
    out = run(seed_index_root, "technolog*")
    assert "wildcards are not supported; searched for technolog" in out
