"""End to end in headless Chromium against the app served by waitress on a free local port.

Screenshots go to artifacts/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from webapp import create_app
from webapp.serve import create_server

pytestmark = pytest.mark.slow  # a minute or more: deselect with -m 'not slow'

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
QUERY = "技术促进机制"


@pytest.fixture(scope="module")
def base_url(index_root) -> Iterator[str]:
    """The app served by waitress in a background thread; always shut down afterwards."""
    app = create_app({"INDEX_DIR": str(index_root)})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        # Close every socket from inside the server's own loop (closing them from this thread
        # races with its select()); the loop ends when nothing is left to watch.
        server.trigger.pull_trigger(lambda: server.asyncore.close_all(server._map))
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()
        app.extensions["docsearch"].close()
        assert not thread.is_alive()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def watch_errors(page: Page) -> list[str]:
    """Console errors (CSP violations among them) and uncaught exceptions on the page."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_search_click_through_and_switch_language(browser, base_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(base_url + "/")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_role("link", name="中文").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.locator("h1")).to_have_text("会议文件检索")
        page.screenshot(path=str(SCREENSHOTS / "home-zh.png"))

        box = page.get_by_role("searchbox", name="搜索关键词或文件号")
        expect(box).to_be_focused()
        box.fill(QUERY)
        box.press("Enter")
        page.wait_for_url("**/search?q=*")
        marks = page.locator(".hit mark").filter(has_text=QUERY)
        expect(marks.first).to_be_visible()
        assert QUERY in page.locator(".hit mark").all_inner_texts()
        expect(page.locator(".hit").first).to_have_attribute("lang", "zh-CN")
        page.screenshot(path=str(SCREENSHOTS / "results-zh.png"), full_page=True)

        page.locator('a.hit-link[href*="#p11"]').first.click()
        page.wait_for_url("**/doc/CDIP/19/6?q=**#p11")
        target = page.locator("#p11")
        expect(target).to_be_in_viewport()
        expect(target.locator("mark").filter(has_text=QUERY).first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "document-zh.png"))

        target.get_by_role("button", name="复制引用").first.click()
        expect(page.locator(".status")).to_have_text("已复制")
        assert page.evaluate("navigator.clipboard.readText()") == (
            "世界知识产权组织，《关于 WIPO 对落实可持续发展目标及其相关具体目标所作贡献的报告》，"
            f"CDIP/19/6（2017 年 5 月 15 日），第 11 段，{base_url}/doc/CDIP/19/6/11"
        )

        page.get_by_role("link", name="English", exact=True).first.click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        cite = page.locator("#p11").get_by_role("button", name="Copy citation")
        expect(cite.first).to_be_visible()
        page.goto(base_url + "/")
        expect(page.locator("h1")).to_have_text("Meeting Documents Search")
        assert errors == []
    finally:
        context.close()


def test_phone_layout_and_keyboard(browser, base_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2
    )
    page = context.new_page()
    errors = watch_errors(page)
    try:
        page.goto(base_url + "/search?q=" + urllib.parse.quote("可持续发展目标"))
        page.keyboard.press("Tab")
        expect(page.locator(".skip")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        page.screenshot(path=str(SCREENSHOTS / "results-phone.png"))
        page.goto(base_url + "/doc/CDIP/19/6/11")
        page.screenshot(path=str(SCREENSHOTS / "paragraph-phone.png"))
        assert errors == []
    finally:
        context.close()


def test_hostile_requests_over_http_answer_quickly(base_url):
    ascii_huge = "a" * 100_000
    cjk_huge = urllib.parse.quote(QUERY * 17_000)  # 918 kB of URL: waitress refuses it (431)
    for path, statuses in [
        ("/api/search?q=" + ascii_huge, {413}),
        ("/search?q=" + ascii_huge, {413}),
        ("/api/search?q=" + cjk_huge, {413, 431}),
        ("/api/search?q=%00%28%28%28*", {200}),
        ("/doc/..%2f..%2fetc%2fpasswd", {404}),
    ]:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base_url + path, timeout=10) as resp:
                code = resp.status
        except urllib.error.HTTPError as err:
            code = err.code
            err.close()
        assert code in statuses, path[:60]
        assert time.perf_counter() - started < 1.0, path[:60]


CDIP_TITLE = (
    "Report on WIPO's Contribution to the Implementation of the Sustainable Development Goals "
    "and Its Associated Targets"
)


@pytest.mark.parametrize("width", [1280, 390])
def test_researcher_walk_browse_document_find_cite_and_back(browser, base_url, width):
    """home -> browse -> a document -> search in it -> next hit -> copy citation -> back to the
    list; then results page 2 with a filter -> a hit -> back to exactly that page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        locale="en-US", viewport={"width": width, "height": 900 if width > 800 else 844}
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    errors = watch_errors(page)

    def shot(name: str, full_page: bool = True) -> None:
        path = SCREENSHOTS / f"walk-{width}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)

    try:
        page.goto(base_url + "/")
        expect(page.locator(".recent .doc-item")).to_have_count(2)
        shot("home")
        page.locator(".browse-link a").click()
        page.wait_for_url("**/docs")
        expect(page.locator(".doc-item")).to_have_count(2)
        box = page.locator("details.facet-box")
        if width < 760:  # on a phone the filter lists start folded under their summary
            expect(box).not_to_have_attribute("open", "")
            box.locator("summary").click()
        expect(box).to_have_attribute("open", "")
        page.locator(".facets a", has_text="CDIP").first.click()
        page.wait_for_url("**/docs?committee=CDIP")
        expect(page.locator(".doc-item")).to_have_count(1)
        expect(page.locator(".chip")).to_have_text("CDIP ✕")
        shot("docs")

        page.get_by_role("link", name="CDIP/19/6").click()
        page.wait_for_url("**/doc/CDIP/19/6?back=**")
        expect(page.locator("h1")).to_have_text(CDIP_TITLE)
        expect(page.locator(".toc li")).to_have_count(9)

        finder = page.get_by_role("searchbox", name="Search in this document")
        finder.fill("technology facilitation mechanism")
        finder.press("Enter")
        page.wait_for_url("**/doc/CDIP/19/6?**q=technology**")
        found = page.locator(".row.found")
        count = found.count()
        assert count >= 2
        counter = page.locator(".find-count")
        expect(counter).to_have_text(f"{count} matching paragraphs")
        next_hit = page.locator(".find-step[data-step='1']")
        next_hit.click()
        expect(found.nth(0)).to_have_class(re.compile(r"\bcurrent\b"))
        next_hit.click()
        expect(found.nth(1)).to_have_class(re.compile(r"\bcurrent\b"))
        expect(counter).to_have_text(f"{count} matching paragraphs · 2 of {count}")
        expect(found.nth(1)).to_be_in_viewport()
        label = found.nth(1).get_attribute("id").removeprefix("p")
        shot("document-find", full_page=False)  # what the reader sees after "next"

        found.nth(1).get_by_role("button", name="Copy citation").first.click()
        expect(page.locator(".status")).to_have_text("Copied")
        where = f"para. {label}" if not label.startswith("annex") else "Annex, para. 1"
        assert page.evaluate("navigator.clipboard.readText()") == (
            f"WIPO, {CDIP_TITLE}, CDIP/19/6 (15 May 2017), {where}, "
            f"{base_url}/doc/CDIP/19/6/{label}"
        )

        page.get_by_role("link", name="← Back to results").click()
        page.wait_for_url(base_url + "/docs?committee=CDIP")
        expect(page.locator(".chip")).to_have_text("CDIP ✕")

        page.goto(base_url + "/search?q=SDG&lang=en&page=2")
        shot("results")
        page.locator("a.hit-link").first.click()
        page.wait_for_url("**/doc/**")
        page.get_by_role("link", name="← Back to results").click()
        page.wait_for_url(base_url + "/search?q=SDG&lang=en&page=2")
        expect(page.locator(".pagination [aria-current=page]")).to_have_text("2")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert errors == []
    finally:
        context.close()


@contextlib.contextmanager
def english_page(browser) -> Iterator[Page]:
    """A 1280 px page in an English browser; no page or console errors by the end."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = watch_errors(page)
    try:
        yield page
        assert errors == []
    finally:
        context.close()


def test_a_question_shows_why_each_result_is_there(browser, base_url):
    with english_page(browser) as page:
        page.goto(base_url + "/?ui=en")
        box = page.get_by_role("searchbox").first
        box.fill("does joining the UNSDG make WIPO a member of all country teams")
        box.press("Enter")
        page.wait_for_url("**/search?q=*")
        expect(page.locator(".notice.ignored")).to_contain_text("does, the, a, of, all")
        expect(page.locator(".notice.relaxed")).to_contain_text("the most matched first")
        first = page.locator(".hit").first
        expect(first.locator(".hit-link")).to_contain_text("WO/PBC/33/PROVISIONAL")
        expect(first.locator(".matched")).to_contain_text("UNSDG")


def test_a_citation_card_goes_straight_to_the_paragraph(browser, base_url):
    with english_page(browser) as page:
        page.goto(base_url + "/search?ui=en&q=" + urllib.parse.quote("CDIP/19/6 第 11 段"))
        card = page.locator(".citation-card")
        expect(card).to_be_visible()
        expect(page.locator(".hit").first.locator(".hit-link")).to_contain_text("CDIP/19/6")
        card.get_by_role("link", name="CDIP/19/6, paragraph 11").click()
        page.wait_for_url("**/doc/CDIP/19/6/11")
        expect(page.locator("main")).to_contain_text("Technology Facilitation Mechanism")
        page.goto(base_url + "/search?ui=en&q=" + urllib.parse.quote("wo pbc 33 provisional"))
        doc = page.locator(".document-card")
        expect(doc).to_contain_text("JOINING THE UNITED NATIONS SUSTAINABLE DEVELOPMENT GROUP")
        expect(doc).to_contain_text("加入联合国可持续发展集团")


def test_did_you_mean_offers_the_corrected_query(browser, base_url):
    with english_page(browser) as page:
        page.goto(base_url + "/search?ui=en&q=" + urllib.parse.quote("technolgy facilitation"))
        expect(page.locator(".notice.suggestion")).to_contain_text(
            "showing results for “technology facilitation”"
        )
        expect(page.locator(".hit mark").first).to_be_visible()
        page.goto(
            base_url + "/search?ui=en&q=" + urllib.parse.quote("Senegall interactive dialogue")
        )
        suggestion = page.locator(".notice.suggestion")
        expect(suggestion).to_contain_text("Did you mean")
        suggestion.get_by_role("link", name="Senegal interactive dialogue").click()
        page.wait_for_url("**/search?q=Senegal+interactive+dialogue*")
        expect(page.locator(".hit mark").filter(has_text="dialogue").first).to_be_visible()
        expect(page.locator(".notice.suggestion")).to_have_count(0)
