"""The interface in two languages: small string tables, and choosing one per request.

``?ui=zh|en`` switches and is remembered in a cookie; otherwise Accept-Language decides.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, g, request

from indexer.search.titles import display_title

LANGUAGES = ("zh", "en")
COOKIE = "ui"
HTML_LANG = {"zh": "zh-CN", "en": "en"}

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "site": "会议文件检索",
        "tagline": "按段落检索 WIPO 和联合国会议文件（中文、英文）",
        "skip": "跳到正文",
        "search": "搜索",
        "search_label": "搜索关键词或文件号",
        "placeholder": "例如：技术促进机制，或 CDIP/19/6",
        "other_ui": "English",
        "other_ui_name": "en",
        "help_title": "查询语法",
        "help_words": (
            "包含全部关键词的段落在前（中文关键词按原文连续字符匹配），其后是包含大部分关键词的段落；"
            "可直接输入问题、粘贴原文句子或引用段落（CDIP/19/6 第 11 段）"
        ),
        "help_phrase": "精确短语",
        "help_or": "任一即可",
        "help_not": "排除",
        "help_filters": "筛选",
        "help_symbol": "输入文件号可直接打开文件",
        "corpus": "语料概况",
        "documents": "文件",
        "paragraphs": "段落",
        "languages": "语言",
        "updated": "更新时间",
        "results_for": "“{q}”的检索结果",
        "total": "共 {total} 段，用时 {ms} 毫秒",
        "page_of": "第 {page} / {pages} 页",
        "also_searched": "同时检索了术语表中的对应词：",
        "expand_off": "只检索输入的词",
        "expand_is_off": "未使用术语表扩展。",
        "expand_on": "同时检索对应词",
        "open_doc": "打开文件 {symbol}",
        "sections": "相关章节",
        "filters": "筛选",
        "filter_lang": "语言",
        "filter_committee": "委员会",
        "filter_year": "年份",
        "clear_filters": "清除筛选",
        "remove_filter": "取消筛选：{value}",
        "no_results": "没有找到与“{q}”匹配的段落。",
        "past_end": "这一页没有结果。",
        "first_page": "回到第 1 页",
        "suggest": "建议：",
        "suggest_fewer": "减少关键词，或改用更短的词；",
        "suggest_other": "换用另一种语言检索（中文文件与英文文件段落编号相同）；",
        "suggest_filters": "取消筛选条件；",
        "suggest_symbol": "直接输入文件号，如 CDIP/19/6。",
        "relaxed_partial": (
            "没有足够的段落包含全部 {words} 个词；"
            "以下段落至少包含其中 {minimum} 个，包含越多越靠前。"
        ),
        "relaxed_ignored": "未要求的疑问词和虚词：{words}。",
        "relaxed_separately": "没有完全一致的结果；以下段落分别包含查询中的各个词。",
        "matched": "包含：{words}",
        "missing": "缺少：{words}",
        "did_you_mean": "您是不是要找：",
        "showing_suggestion": "没有找到与“{q}”匹配的段落；以下是“{s}”的结果。",
        "search_instead": "仍然检索“{q}”",
        "dropped_wildcard": "不支持通配符；已检索：{q}",
        "dropped_fuzzy": "不支持模糊检索语法（~）；已检索：{q}",
        "dropped_boost": "不支持权重语法（^）；已检索：{q}",
        "citation_card": "{symbol} 第 {paragraph} 段",
        "go_to_paragraph": "直接查看该段",
        "document_card": "文件",
        "card_date": "日期",
        "card_committee": "委员会",
        "card_session": "届会",
        "card_paragraphs": "段落数",
        "card_version": "{lang}本",
        "too_long": "查询太长：最多 {max} 个字符（当前 {n} 个）。",
        "pagination": "分页",
        "prev": "上一页",
        "next": "下一页",
        "para": "第 {label} 段",
        "annex_para": "附件第 {label} 段",
        "section": "章节",
        "permalink": "永久链接",
        "cite": "复制引用",
        "copy_link": "复制链接",
        "copied": "已复制",
        "in_context": "在文件中查看",
        "counterpart": "对应段落",
        "metadata": "文件信息",
        "symbol": "文件号",
        "committee": "委员会",
        "session": "会议届次",
        "date": "日期",
        "meeting": "会议",
        "original_language": "原文",
        "both": "中英对照",
        "annex": "附件",
        "contents": "正文",
        "whole_document": "查看全文",
        "paragraph_of": "{symbol} 第 {label} 段",
        "error": "出错了",
        "not_found": "没有找到这个页面或文件。",
        "bad_request": "请求参数有误。",
        "too_many_values": (
            "筛选条件 {name} 的取值太多：每个筛选条件最多 {max} 个（本次请求有 {n} 个）。"
        ),
        "unavailable": "检索索引暂时不可用，请稍后再试。",
        "home": "返回首页",
        "lang_zh": "中文",
        "lang_en": "英文",
        "browse": "浏览文件",
        "docs_title": "全部文件",
        "recent": "最新文件",
        "all_docs": "查看全部 {n} 份文件 →",
        "docs_count": "共 {n} 份文件",
        "sort": "排序",
        "sort_relevance": "相关度",
        "sort_date": "日期（最新在前）",
        "sort_symbol": "文件号",
        "group": "按文件归并",
        "grouped_note": "每份文件最多显示 {n} 段。",
        "more_in_doc": "本文件另有 {n} 段匹配 →",
        "filter_session": "会议届次",
        "filter_type": "文件类型",
        "filter_date": "日期",
        "filter_date_from": "自 {value}",
        "filter_date_to": "至 {value}",
        "date_from": "起",
        "date_to": "止",
        "apply": "应用",
        "all": "全部",
        "type_report": "报告",
        "type_working-document": "工作文件",
        "type_decision": "决定",
        "type_resolution": "决议",
        "type_draft": "草案",
        "type_summary": "主席总结",
        "type_agenda": "议程",
        "type_information": "资料文件",
        "export": "导出结果",
        "export_note": "全部页面，最多 {n} 条",
        "toc": "目录",
        "find_in_doc": "在本文件中搜索",
        "find_placeholder": "本文件中的词语",
        "find": "查找",
        "doc_hits": "{n} 段匹配",
        "doc_hit_at": "第 {i} / {n} 段",
        "doc_no_hits": "本文件中没有与“{q}”匹配的段落。",
        "prev_hit": "上一处",
        "next_hit": "下一处",
        "clear_find": "清除",
        "back_results": "← 返回检索结果",
        "prev_para": "← 上一段",
        "next_para": "下一段 →",
        "provisional": "暂定文件号",
        "provisional_note": "该文件号尚未确认；引用时会注明。",
        "session_n": "第 {n} 届会议",
        "paragraph_count": "段落数",
        "n_paragraphs": "{n} 段",
        "title": "标题",
        "filtered": "筛选结果",
        "no_docs": "没有符合这些条件的文件。",
        "reset": "重置",
        "filters_more": "按语言、类型、委员会、届次、年份、日期筛选",
        "filters_more_docs": "按委员会、届次、年份、语言、类型筛选",
        "cite_doc": "复制文件引用",
        "total_one": "共 1 段，用时 {ms} 毫秒",
        "doc_hits_one": "1 段匹配",
        "docs_count_one": "共 1 份文件",
    },
    "en": {
        "site": "Meeting Documents Search",
        "tagline": "Paragraph search in WIPO and UN meeting documents (Chinese and English)",
        "skip": "Skip to content",
        "search": "Search",
        "search_label": "Search keywords or a document symbol",
        "placeholder": "e.g. technology facilitation mechanism, or CDIP/19/6",
        "other_ui": "中文",
        "other_ui_name": "zh",
        "help_title": "Query syntax",
        "help_words": (
            "paragraphs holding every keyword first (a Chinese keyword as an exact run of "
            "characters), then those holding most of them; ask a question, paste a sentence or "
            "cite a paragraph (CDIP/19/6 para 11)"
        ),
        "help_phrase": "the exact phrase",
        "help_or": "either",
        "help_not": "excludes",
        "help_filters": "filters",
        "help_symbol": "type a document symbol to open the document",
        "corpus": "The corpus",
        "documents": "documents",
        "paragraphs": "paragraphs",
        "languages": "languages",
        "updated": "last update",
        "results_for": "Results for “{q}”",
        "total": "{total} paragraphs in {ms} ms",
        "page_of": "page {page} of {pages}",
        "also_searched": "Also searched, from the glossary:",
        "expand_off": "search only what I typed",
        "expand_is_off": "Glossary equivalents are not searched.",
        "expand_on": "add them",
        "open_doc": "Open document {symbol}",
        "sections": "Sections",
        "filters": "Filters",
        "filter_lang": "Language",
        "filter_committee": "Committee",
        "filter_year": "Year",
        "clear_filters": "Clear filters",
        "remove_filter": "Remove filter: {value}",
        "no_results": "No paragraph matches “{q}”.",
        "past_end": "There are no results on this page.",
        "first_page": "Back to page 1",
        "suggest": "Suggestions:",
        "suggest_fewer": "use fewer or shorter keywords;",
        "suggest_other": "search in the other language (both versions share paragraph numbers);",
        "suggest_filters": "remove the filters;",
        "suggest_symbol": "type a document symbol such as CDIP/19/6.",
        "relaxed_partial": (
            "Too few paragraphs contain all {words} words; these contain at least {minimum} of "
            "them, the most matched first."
        ),
        "relaxed_ignored": "Question and function words not required: {words}.",
        "relaxed_separately": (
            "No exact match; these paragraphs contain all the words of the query separately."
        ),
        "matched": "Matches: {words}",
        "missing": "missing: {words}",
        "did_you_mean": "Did you mean",
        "showing_suggestion": "No paragraph matches “{q}”; showing results for “{s}”.",
        "search_instead": "search for “{q}” instead",
        "dropped_wildcard": "Wildcards are not supported; searched for {q}",
        "dropped_fuzzy": "Fuzzy matching syntax (~) is not supported; searched for {q}",
        "dropped_boost": "Boosts (^) are not supported; searched for {q}",
        "citation_card": "{symbol}, paragraph {paragraph}",
        "go_to_paragraph": "Go to the paragraph",
        "document_card": "Document",
        "card_date": "Date",
        "card_committee": "Committee",
        "card_session": "Session",
        "card_paragraphs": "Paragraphs",
        "card_version": "{lang} version",
        "too_long": "The query is too long: at most {max} characters (this one has {n}).",
        "pagination": "Pages",
        "prev": "Previous",
        "next": "Next",
        "para": "para. {label}",
        "annex_para": "Annex, para. {label}",
        "section": "Section",
        "permalink": "Permalink",
        "cite": "Copy citation",
        "copy_link": "Copy link",
        "copied": "Copied",
        "in_context": "View in document",
        "counterpart": "Counterpart",
        "metadata": "About this document",
        "symbol": "Symbol",
        "committee": "Committee",
        "session": "Session",
        "date": "Date",
        "meeting": "Meeting",
        "original_language": "Original",
        "both": "Side by side",
        "annex": "Annex",
        "contents": "Text",
        "whole_document": "Whole document",
        "paragraph_of": "{symbol}, paragraph {label}",
        "error": "Something went wrong",
        "not_found": "There is no such page or document.",
        "bad_request": "A parameter of the request is not valid.",
        "too_many_values": (
            "Too many values for the filter {name}: "
            "at most {max} per filter (this request has {n})."
        ),
        "unavailable": "The search index is not available right now; please try again later.",
        "home": "Back to the search page",
        "lang_zh": "Chinese",
        "lang_en": "English",
        "browse": "Browse documents",
        "docs_title": "All documents",
        "recent": "Recent documents",
        "all_docs": "All {n} documents →",
        "docs_count": "{n} documents",
        "sort": "Sort",
        "sort_relevance": "Relevance",
        "sort_date": "Date (newest first)",
        "sort_symbol": "Symbol",
        "group": "Group by document",
        "grouped_note": "At most {n} paragraphs per document.",
        "more_in_doc": "{n} more in this document →",
        "filter_session": "Session",
        "filter_type": "Document type",
        "filter_date": "Date",
        "filter_date_from": "from {value}",
        "filter_date_to": "to {value}",
        "date_from": "From",
        "date_to": "To",
        "apply": "Apply",
        "all": "All",
        "type_report": "Report",
        "type_working-document": "Working document",
        "type_decision": "Decision",
        "type_resolution": "Resolution",
        "type_draft": "Draft",
        "type_summary": "Summary by the Chair",
        "type_agenda": "Agenda",
        "type_information": "Information document",
        "export": "Export results",
        "export_note": "all pages, up to {n}",
        "toc": "Contents",
        "find_in_doc": "Search in this document",
        "find_placeholder": "words in this document",
        "find": "Find",
        "doc_hits": "{n} matching paragraphs",
        "doc_hit_at": "{i} of {n}",
        "doc_no_hits": "No paragraph of this document matches “{q}”.",
        "prev_hit": "Previous",
        "next_hit": "Next",
        "clear_find": "Clear",
        "back_results": "← Back to results",
        "prev_para": "← Previous paragraph",
        "next_para": "Next paragraph →",
        "provisional": "Provisional symbol",
        "provisional_note": "This symbol has not been confirmed; citations say so.",
        "session_n": "session {n}",
        "paragraph_count": "Paragraphs",
        "n_paragraphs": "{n} paragraphs",
        "n_paragraphs_one": "1 paragraph",
        "title": "Title",
        "filtered": "Filtered results",
        "no_docs": "No document matches these filters.",
        "reset": "Reset",
        "filters_more": "By language, type, committee, session, year, date",
        "filters_more_docs": "By committee, session, year, language, type",
        "cite_doc": "Copy citation",
        "total_one": "1 paragraph in {ms} ms",
        "doc_hits_one": "1 matching paragraph",
        "docs_count_one": "1 document",
    },
}


def current() -> str:
    """The interface language of this request."""
    return g.get("ui", LANGUAGES[0])


def t(key: str, **values) -> str:
    """The string `key` in the interface language, with {placeholders} filled in."""
    text = STRINGS[current()][key]
    return text.format(**values) if values else text


def tn(key: str, n: int, **values) -> str:
    """`key` with the count `n`; the `key_one` string when n is 1 (English singular)."""
    one = f"{key}_one"
    if n == 1 and one in STRINGS[current()]:
        return t(one, n=n, **values)
    return t(key, n=n, **values)


def filter_label(name: str, value: str) -> str:
    """A filter value as people read it: 中文 / Chinese for `zh`, Report for `report`."""
    if name == "lang" and f"lang_{value}" in STRINGS[current()]:
        return t(f"lang_{value}")
    if name == "type" and f"type_{value}" in STRINGS[current()]:
        return t(f"type_{value}")
    if name in ("date_from", "date_to"):
        return t(f"filter_{name}", value=value)
    return value


def error_message(status: int | None) -> str:
    """A short localised sentence for an HTTP error status."""
    key = {400: "bad_request", 404: "not_found", 503: "unavailable"}.get(status or 0, "error")
    return t(key)


def _choose() -> None:
    asked = request.args.get("ui", "")
    if asked in LANGUAGES:
        g.ui, g.ui_changed = asked, True
    elif request.cookies.get(COOKIE) in LANGUAGES:
        g.ui = request.cookies[COOKIE]
    else:
        g.ui = request.accept_languages.best_match(LANGUAGES, default=LANGUAGES[0])


def _remember(response: Response) -> Response:
    if g.get("ui_changed"):
        response.set_cookie(COOKIE, g.ui, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    response.headers.add("Vary", "Cookie, Accept-Language")
    return response


def switch_url() -> str:
    """This page in the other interface language (a relative link keeping the other parameters)."""
    other = next(code for code in LANGUAGES if code != current())
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "ui"]
    return "?" + urlencode([*pairs, ("ui", other)])


def _context() -> dict:
    return {
        "t": t,
        "ui": current(),
        "html_lang": HTML_LANG[current()],
        "tn": tn,
        "filter_label": filter_label,
        "display_title": display_title,
        "switch_url": switch_url,
    }


def init_app(app: Flask) -> None:
    """Choose the interface language per request and expose `t` to templates."""
    app.before_request(_choose)
    app.after_request(_remember)
    app.context_processor(_context)
