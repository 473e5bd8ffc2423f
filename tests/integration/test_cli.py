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
