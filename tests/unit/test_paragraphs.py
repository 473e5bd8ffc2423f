"""The splitter on the seed documents: counts, exact texts, headings, annex, no artefacts."""

import time

import pytest

from indexer.ingest.paragraphs import split_text
from indexer.settings import bundled_corpus

CDIP = bundled_corpus() / "zh" / "000_2d0040b54b707a96.txt"
PBC = bundled_corpus() / "zh" / "001_7a5e94ffd6a0d071.txt"


@pytest.fixture(scope="module")
def cdip():
    return split_text(CDIP.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pbc():
    return split_text(PBC.read_text(encoding="utf-8"))


def blocks_by_label(parsed):
    return {b.label: b for b in parsed.blocks}


def test_numbered_paragraphs_are_complete_and_in_order(cdip, pbc):
    assert [b.label for b in cdip.numbered] == [str(n) for n in range(1, 22)]
    assert [b.label for b in pbc.numbered] == [str(n) for n in range(1, 18)]


def test_wrapped_lines_are_joined_without_spaces_between_chinese(cdip):
    assert blocks_by_label(cdip)["11"].text == (
        "技术促进机制（TFM）由第三次发展筹资问题国际会议“亚的斯亚贝巴行动议程”（AAAA）建立，"
        "在 2030 年议程中通过。它旨在通过利用科技和创新支持实现 SDG。"
    )


def test_a_full_line_ending_a_sentence_does_not_end_the_paragraph(cdip):
    assert blocks_by_label(cdip)["4"].text == (
        "2017 年 2 月 9 日，总干事向日内瓦多位大使和常驻代表作了关于“WIPO 和 SDG”的简要介绍。"
        "他的发言载于本文件附件。"
    )


def test_page_break_continuation_stays_in_its_paragraph(pbc):
    text = blocks_by_label(pbc)["10"].text
    assert "保持一致。应当指出的是" in text
    assert text.endswith("无论是否与联合国可持续发展合作框架有关。")


def test_sub_items_stay_inside_their_paragraph_on_lines_of_their_own(cdip, pbc):
    assert blocks_by_label(cdip)["1"].text.split("\n")[1:] == [
        "(a) WIPO 独自开展的活动或倡议；",
        "(b) WIPO 作为联合国系统的一部分开展的活动；以及",
        "(c) WIPO 应成员国要求向其提供的援助。",
    ]
    lines = blocks_by_label(cdip)["7"].text.split("\n")
    assert [line.split("）")[0] + "）" for line in lines[1:]] == ["（i）", "（ii）", "（iii）"]
    pbc1 = blocks_by_label(pbc)["1"].text.split("\n")
    assert pbc1[1].startswith("(i) 请秘书处继续") and pbc1[2].startswith("(ii) 请秘书处就")


def test_headings_are_blocks_of_their_own_and_sections_of_what_follows(cdip, pbc):
    headings = [b.text for b in cdip.blocks if b.kind == "heading"]
    assert headings == [
        "WIPO 对落实 SDG 及其相关具体目标所作的贡献",
        "（a）WIPO 独自开展的活动或倡议",
        "（b）WIPO 作为联合国系统的一部分开展的活动",
        "联合国峰会（2015 年 9月 25 日至 27日）",
        "技术促进机制",
        "联合国可持续发展问题高级别政治论坛（HLPF）",
        "SDG 指标框架机构间专家组",
        "（c）WIPO 应成员国要求向其提供的援助",
    ]
    by = blocks_by_label(cdip)
    assert by["11"].section == "技术促进机制"
    assert not by["3"].text.endswith("贡献")  # the heading is not glued onto ¶3
    assert by["10"].text.endswith("由巴西和法国政府共同主办。")
    assert [b.text for b in pbc.blocks if b.kind == "heading"] == [
        "背景",  # "背 景" in the PDF-extracted text
        "产权组织的发展工作：现行工作模式",
        "加入可持续发展集团和对产权组织发展工作的影响",
        "机遇和挑战",
    ]


def test_a_heading_wrapped_over_two_lines_is_one_heading():
    text = (
        "计划和预算委员会\n\n秘书处编拟\n\n1. 第一段。\n\n"
        "加入可持续发展集团和对产权组织发展工作的影\n\n响\n\n2. 第二段。\n"
    )
    parsed = split_text(text)
    assert [(b.kind, b.text) for b in parsed.blocks if b.kind != "title"] == [
        ("paragraph", "第一段。"),
        ("heading", "加入可持续发展集团和对产权组织发展工作的影响"),
        ("paragraph", "第二段。"),
    ]


def test_annex_blocks_have_no_artefacts(cdip):
    annex = [b for b in cdip.blocks if b.kind == "annex"]
    assert [b.label for b in annex] == ["annex-1", "annex-2"]
    assert annex[1].text.split("\n")[:4] == [
        "可持续发展目标（SDG）",
        "• 2015 年 9 月 25 日在联合国大会上通过",
        "• 17个目标",
        "◦ 169个具体目标",
    ]
    everything = "".join(b.text for b in cdip.blocks)
    assert "\uf0a0" not in everything
    assert "[后接附件]" not in everything and "附件和文件完" not in everything


def test_front_matter_is_metadata(cdip, pbc):
    assert cdip.front.committee == "发展与知识产权委员会（CDIP）"
    assert cdip.front.session == "19"
    assert cdip.front.title == "关于 WIPO 对落实可持续发展目标及其相关具体目标所作贡献的报告"
    assert pbc.front.original_language == "英文"
    assert pbc.front.date == "2021-08-16"
    assert pbc.front.session == "33"
    assert pbc.blocks[0].label == "title" and pbc.blocks[0].text == "加入联合国可持续发展集团"


def test_english_versions_split_the_same_way():
    for name, count in (("cdip_19_6.txt", 21), ("wo_pbc_33_unsdg.txt", 17)):
        parsed = split_text((bundled_corpus() / "en" / name).read_text(encoding="utf-8"))
        assert [b.label for b in parsed.numbered] == [str(n) for n in range(1, count + 1)]


def test_a_missing_paragraph_number_does_not_swallow_the_rest():
    text = "秘书处编拟\n\n1. 第一段。\n\n3. 第三段，\n\n5. 月之后的句子。\n\n6. 第六段。\n"
    parsed = split_text(text)
    assert [(b.label, b.text) for b in parsed.numbered] == [
        ("1", "第一段。"),
        ("3", "第三段， 5. 月之后的句子。"),  # a jump after an unfinished sentence is text
        ("6", "第六段。"),
    ]


def test_a_missing_paragraph_right_after_a_heading():
    parsed = split_text("秘书处编拟\n\n1. 第一段。\n\n机遇和挑战\n\n3. 第三段。\n")
    assert [(b.kind, b.label) for b in parsed.blocks] == [
        ("paragraph", "1"),
        ("heading", "h1"),
        ("paragraph", "3"),
    ]


# --- work that grows linearly with the lines of one block ------------------------------------


def _timed_split(text: str, what: str):
    started = time.perf_counter()
    parsed = split_text(text)
    elapsed = time.perf_counter() - started
    print(f"split {what}: {text.count(chr(10)):,} lines, {len(text):,} chars in {elapsed:.2f} s")
    assert elapsed < 10  # a sanity bound only: 16,000 lines took 30 s when this was quadratic
    return parsed


def test_a_chinese_paragraph_wrapped_over_40000_lines():
    lines = [f"第{i}行的文字内容" for i in range(40_000)]
    text = "秘书处编拟\n\n1. " + "\n".join(lines) + "。\n\n2. 第二段。\n"
    parsed = _timed_split(text, "a Chinese paragraph")
    assert [(b.label, b.text) for b in parsed.numbered] == [
        ("1", "".join(lines) + "。"),
        ("2", "第二段。"),
    ]


def test_an_english_paragraph_wrapped_over_40000_lines_and_a_long_heading():
    lines = [f"the text of line {i} goes on" for i in range(40_000)]
    text = (
        "prepared by the Secretariat\n\n1. "
        + "\n".join(lines)
        + "\nend.\n\n"  # a short last line: the paragraph ends there
        + "\n".join(["Tiny"] * 40_000)  # a heading of short lines: each one continues it
        + "\n\n2. Second.\n"
    )
    parsed = _timed_split(text, "an English paragraph and heading")
    assert [(b.kind, b.text) for b in parsed.blocks] == [
        ("paragraph", " ".join(lines) + " end."),
        ("heading", " ".join(["Tiny"] * 40_000)),
        ("paragraph", "Second."),
    ]
    assert parsed.blocks[2].section == parsed.blocks[1].text


def test_an_annex_page_of_40000_wrapped_lines():
    body = "\n".join(f"{n}. 第{n}段。" for n in range(1, 31))  # enough lines to know the width
    lines = [f"附件中第{i}行的文字内容很长很长" for i in range(40_000)]
    text = "秘书处编拟\n\n" + body + "\n\n[后接附件]\n" + "\n".join(lines) + "\n"
    parsed = _timed_split(text, "an annex page")
    annex = [b for b in parsed.blocks if b.kind == "annex"]
    assert len(annex) == 1 and annex[0].text == "".join(lines)


# --- sub-items after a sentence, numbered annexes, spaced-out headings (issue 12) -------------


def test_sub_items_after_a_paragraph_that_ends_a_sentence_stay_inside_it():
    zh = split_text(
        "秘书处编拟\n\n1. 第一段。\n\n2. 委员会决定如下。\n\n(a) 批准工作计划；\n\n"
        "(b) 请秘书处下届会议报告。\n\n3. 第三段。\n"
    )
    assert [(b.kind, b.label, b.text) for b in zh.blocks] == [
        ("paragraph", "1", "第一段。"),
        ("paragraph", "2", "委员会决定如下。\n(a) 批准工作计划；\n(b) 请秘书处下届会议报告。"),
        ("paragraph", "3", "第三段。"),
    ]
    en = split_text(
        "prepared by the Secretariat\n\n1. First.\n\n2. The Committee decided as follows.\n\n"
        "(i) to approve the work plan;\n\n(ii) to hear a report at its next session.\n\n"
        "3. Third.\n"
    )
    assert [(b.kind, b.label) for b in en.blocks] == [("paragraph", str(n)) for n in (1, 2, 3)]
    assert en.blocks[1].text.split("\n") == [
        "The Committee decided as follows.",
        "(i) to approve the work plan;",
        "(ii) to hear a report at its next session.",
    ]


def test_a_lettered_heading_after_a_sentence_is_still_a_heading():
    parsed = split_text("秘书处编拟\n\n1. 第一段。\n\n（a）WIPO 独自开展的活动\n\n2. 第二段。\n")
    assert [(b.kind, b.text) for b in parsed.blocks] == [
        ("paragraph", "第一段。"),
        ("heading", "（a）WIPO 独自开展的活动"),
        ("paragraph", "第二段。"),
    ]


@pytest.mark.parametrize(
    ("text", "section", "annex"),
    [
        (
            "秘书处编拟\n\n1. 正文第一段。\n\n2. 正文第二段。\n\n[后接附件]\n\n附件\n\n"
            "1. 项目时间表。\n\n2. 项目预算：\n\n(a) 人员；\n\n(b) 差旅。\n\n[附件和文件完]\n",
            "附件",
            ["项目时间表。", "项目预算：\n(a) 人员；\n(b) 差旅。"],
        ),
        (
            "prepared by the Secretariat\n\n1. First of the body.\n\n2. Second of the body.\n\n"
            "[Annex follows]\n\nANNEX\n\n1. Project timeline.\n\n2. Project budget:\n\n"
            "(a) staff;\n\n(b) travel.\n\n[End of Annex and of document]\n",
            "Annex",
            ["Project timeline.", "Project budget:\n(a) staff;\n(b) travel."],
        ),
    ],
    ids=["zh", "en"],
)
def test_an_annex_with_numbered_paragraphs_is_split_into_them(text, section, annex):
    parsed = split_text(text)
    assert [b.label for b in parsed.numbered] == ["1", "2"]
    blocks = [b for b in parsed.blocks if b.kind == "annex"]
    assert [(b.label, b.number, b.section, b.text) for b in blocks] == [
        ("annex-1", 1, section, annex[0]),
        ("annex-2", 2, section, annex[1]),
    ]
    assert "附件\n" not in blocks[0].text and "ANNEX" not in blocks[0].text


def test_an_annex_of_slides_stays_one_block_per_page():
    text = (
        "秘书处编拟\n\n1. 正文第一段。\n\n[后接附件]\n\n目标概览\n\n• 17个目标\n\n\f"
        "第二页\n\n1. 列表第一项\n\n2. 列表第二项\n"
    )
    blocks = [b for b in split_text(text).blocks if b.kind == "annex"]
    assert [b.label for b in blocks] == ["annex-1", "annex-2"]
    assert blocks[1].text.startswith("第二页")


def test_spaces_between_chinese_characters_of_a_heading_are_removed():
    parsed = split_text(
        "秘书处编拟\n\n背 景\n\n1. 第一段。\n\n机 遇 和 挑 战 （2015 年）\n\n2. 第二段。\n"
    )
    headings = [b.text for b in parsed.blocks if b.kind == "heading"]
    assert headings == ["背景", "机遇和挑战 （2015 年）"]  # only between two CJK characters
    assert parsed.numbered[0].section == "背景"
