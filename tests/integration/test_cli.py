"""The docsearch CLI through click's runner: JSON contract, show, errors, first-run build."""

import json

from click.testing import CliRunner

from indexer.cli import main


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_search_json_contract(seed_index_root):
    result = run("search", "--json", "--index", str(seed_index_root), "ＩＡＴＴ", "--lang", "zh")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["query"] == "ＩＡＴＴ" and data["total"] == 3
    hit = data["hits"][0]
    assert set(hit) >= {
        "symbol",
        "lang",
        "paragraph",
        "title",
        "section",
        "score",
        "text",
        "highlight",
    }
    assert isinstance(hit["paragraph"], str) and "<mark>IATT</mark>" in hit["highlight"]


def test_show_prints_the_paragraph_exactly_as_written(seed_index_root):
    result = run("show", "cdip/19/6", "11", "--lang", "zh", "--index", str(seed_index_root))
    assert result.exit_code == 0
    assert (
        "11. 技术促进机制（TFM）由第三次发展筹资问题国际会议“亚的斯亚贝巴行动议程”（AAAA）建立，"
        "在 2030 年议程中通过。它旨在通过利用科技和创新支持实现 SDG。\n"
    ) in result.stdout


def test_show_json(seed_index_root):
    result = run("show", "ＣＤＩＰ／１９／６", "11", "--json", "--index", str(seed_index_root))
    data = json.loads(result.stdout)
    assert data["symbol"] == "CDIP/19/6"
    assert [(p["paragraph"], p["lang"]) for p in data["paragraphs"]] == [("11", "en"), ("11", "zh")]


def test_unknown_symbol_or_paragraph_is_one_sentence_and_exit_1(seed_index_root):
    for args in (("show", "CDIP/99/1"), ("show", "CDIP/19/6", "99"), ("show", "nonsense")):
        result = CliRunner().invoke(main, [*args, "--index", str(seed_index_root)])
        assert result.exit_code == 1
        message = result.output.strip().removeprefix("Error: ")
        assert message.count(".") >= 1 and "\n" not in message and "Traceback" not in message


def test_first_run_builds_the_index_and_says_so(tmp_path):
    env = {"DOCSEARCH_INDEX": str(tmp_path / "ix")}
    result = CliRunner().invoke(main, ["search", "--json", '"2015 年 6 月"'], env=env)
    assert result.exit_code == 0
    assert "No index yet" in result.stderr
    paragraphs = sorted(int(h["paragraph"]) for h in json.loads(result.stdout)["hits"])
    assert paragraphs == [15, 16, 18, 19]


def test_help_of_every_command():
    for command in main.commands:
        result = run(command, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_unknown_or_invalid_symbol_filter_is_an_error_not_zero_hits(seed_index_root):
    index = ["--index", str(seed_index_root)]
    unknown = CliRunner().invoke(main, ["search", "SDG", "--symbol", "CDIP/99/1", *index])
    assert unknown.exit_code == 1 and "No document CDIP/99/1 in the index." in unknown.output
    invalid = CliRunner().invoke(main, ["search", "SDG", "--symbol", "not a symbol", *index])
    assert invalid.exit_code == 2 and "--symbol must be a document symbol." in invalid.output
    fine = CliRunner().invoke(main, ["search", "SDG", "--symbol", "cdip 19 6", "--json", *index])
    assert fine.exit_code == 0 and json.loads(fine.output)["total"] > 0


def test_empty_query_is_a_usage_error_unless_a_filter_is_given(seed_index_root):
    for query in ("", "   "):
        result = CliRunner().invoke(main, ["search", query, "--index", str(seed_index_root)])
        assert result.exit_code == 2 and "QUERY is empty" in result.output
    by_filter = CliRunner().invoke(
        main, ["search", "", "--session", "PBC/33", "--json", "--index", str(seed_index_root)]
    )
    data = json.loads(by_filter.output)
    assert by_filter.exit_code == 0 and {h["symbol"] for h in data["hits"]} == {
        "WO/PBC/33/PROVISIONAL"
    }


def test_counts_are_singular_for_one(seed_index_root):
    result = run("search", '"可持续发展集团负责人会议"', "--index", str(seed_index_root))
    assert result.output.startswith("1 paragraph (1–1 shown,")


def test_matches_are_coloured_on_a_terminal_and_plain_otherwise(seed_index_root):
    args = ["search", "技术促进机制", "--lang", "zh", "--index", str(seed_index_root)]
    coloured = CliRunner().invoke(main, args, color=True).output
    plain = CliRunner().invoke(main, args, color=False).output
    assert "\x1b[33m\x1b[1m\x1b[4m技术促进机制\x1b[0m" in coloured
    assert "\x1b[" not in plain and "技术促进机制" in plain


def test_grouped_results_say_how_many_more(seed_index_root):
    result = run("search", "SDG", "--group", "--index", str(seed_index_root))
    assert "… 14 more in CDIP/19/6 (--symbol CDIP/19/6)" in result.output


def test_show_chinese_header_has_no_english_and_english_title_is_title_case(seed_index_root):
    zh = run("show", "CDIP/19/6", "--lang", "zh", "--index", str(seed_index_root)).output
    assert zh.splitlines()[1] == "发展与知识产权委员会（CDIP） · 第 19 届会议"
    en = run("show", "CDIP/19/6", "--lang", "en", "--index", str(seed_index_root)).output
    assert en.splitlines()[0].startswith("CDIP/19/6 (en) — Report on WIPO's Contribution to the")
