"""The interface in two languages: small string tables, and choosing one per request.

``?ui=zh|en`` switches and is remembered in a cookie; otherwise Accept-Language decides.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, g, request

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
        "unavailable": "检索索引暂时不可用，请稍后再试。",
        "home": "返回首页",
        "lang_zh": "中文",
        "lang_en": "英文",
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
        "unavailable": "The search index is not available right now; please try again later.",
        "home": "Back to the search page",
        "lang_zh": "Chinese",
        "lang_en": "English",
    },
}


def current() -> str:
    """The interface language of this request."""
    return g.get("ui", LANGUAGES[0])


def t(key: str, **values) -> str:
    """The string `key` in the interface language, with {placeholders} filled in."""
    text = STRINGS[current()][key]
    return text.format(**values) if values else text


def citation(symbol: str, kind: str, label: str) -> str:
    """How to cite a paragraph in the interface language (CDIP/19/6, para. 11)."""
    number = label.removeprefix("annex-")
    if current() == "zh":
        where = f"附件第{number}段" if kind == "annex" else f"第{number}段"
        return f"{symbol}号文件{where}"
    where = f"Annex, para. {number}" if kind == "annex" else f"para. {number}"
    return f"{symbol}, {where}"


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
        "citation": citation,
        "switch_url": switch_url,
    }


def init_app(app: Flask) -> None:
    """Choose the interface language per request and expose `t` to templates."""
    app.before_request(_choose)
    app.after_request(_remember)
    app.context_processor(_context)
