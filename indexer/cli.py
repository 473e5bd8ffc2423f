"""The `docsearch` command line: thin wrappers around indexer's build, search and show."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from indexer import config
from indexer.corpus import discover
from indexer.query import QueryTooLong
from indexer.search import DocumentView, SearchIndex
from indexer.store import (
    StoreError,
    build,
    compatibility_problem,
    current_generation,
    read_manifest,
)
from indexer.symbols import SymbolError, normalize_symbol

index_option = click.option(
    "--index",
    "index_path",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Index directory (default: ${config.INDEX_ENV}, else a per-user data directory).",
)
corpus_option = click.option(
    "--corpus",
    "corpus_path",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Corpus folder (default: ${config.CORPUS_ENV}, else the bundled corpus).",
)


def _echo_json(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _run_build(corpus: Path, root: Path) -> None:
    total = len(discover(corpus)) if corpus.is_dir() else 0
    with click.progressbar(length=total, label="Indexing", file=sys.stderr, show_pos=True) as bar:
        try:
            report = build(corpus, root, progress=lambda doc: bar.update(1))
        except StoreError as err:
            raise click.ClickException(str(err)) from err
    click.echo(
        f"Indexed {report.documents} document versions, {report.paragraphs} numbered paragraphs "
        f"({report.blocks} blocks) in {report.seconds:.1f} s into {root}.",
        err=True,
    )
    for failure in report.failures:
        click.secho(f"  skipped {failure.source}: {failure.reason}", fg="yellow", err=True)
    if report.failures:
        raise click.exceptions.Exit(1)


def ensure_index(root: Path, corpus: Path | None = None) -> SearchIndex:
    """Open the index, building it from the corpus first if there is none or it is outdated."""
    generation = current_generation(root)
    problem = None
    if generation is not None:
        problem = compatibility_problem(read_manifest(generation))
    if generation is None or problem:
        corpus = config.corpus_dir(corpus)
        why = "No index yet" if generation is None else "The index is outdated"
        click.echo(f"{why} at {root}: building it from {corpus} …", err=True)
        try:
            build(corpus, root)
        except StoreError as err:
            raise click.ClickException(str(err)) from err
    return SearchIndex(root)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what the indexer does.")
@click.version_option(package_name="docsearch")
def main(verbose: bool) -> None:
    """Search WIPO and UN meeting documents, in Chinese and English, down to the paragraph."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")


@main.command("build")
@corpus_option
@index_option
def build_command(corpus_path: Path | None, index_path: Path | None) -> None:
    """Rebuild the whole index from the corpus folder, then switch to it atomically.

    Example: docsearch build --corpus corpus/
    """
    _run_build(config.corpus_dir(corpus_path), config.index_dir(index_path))


@main.command("search")
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--page", default=1, show_default=True, type=click.IntRange(1, 1000))
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Only this language.")
@click.option("--symbol", help="Only this document, e.g. CDIP/19/6.")
@index_option
def search_command(query, as_json, limit, page, lang, symbol, index_path) -> None:
    """Find paragraphs. Keywords must all match; "quoted phrases", OR, -term, symbol:, lang:.

    Example: docsearch search '"可持续发展集团" lang:zh'
    """
    index = ensure_index(config.index_dir(index_path))
    filters = {"lang": [lang] if lang else [], "symbol": [symbol] if symbol else []}
    try:
        result = index.search(query, page=page, page_size=limit, filters=filters)
    except QueryTooLong as err:
        raise click.ClickException(str(err)) from err
    except StoreError as err:
        raise click.ClickException(str(err)) from err
    if as_json:
        _echo_json(result.to_json())
        return
    shown = (
        f"{(page - 1) * limit + 1}–{(page - 1) * limit + len(result.hits)}" if result.hits else "0"
    )
    click.secho(f"{result.total} paragraphs ({shown} shown, {result.took_ms:.0f} ms)", dim=True)
    if result.relaxed:
        click.secho(
            "No exact match; paragraphs containing all the words of the query:", fg="yellow"
        )
    for hit in result.hits:
        click.echo()
        where = f" · {hit.section}" if hit.section else ""
        click.secho(f"{hit.symbol} ¶{hit.paragraph} ({hit.lang}){where}", bold=True)
        click.echo(
            "  "
            + "".join(click.style(t, fg="yellow", bold=True) if m else t for t, m in hit.segments)
        )


def _print_document(doc: DocumentView, blocks, lang: str | None) -> None:
    for version_lang in doc.languages:
        if lang and version_lang != lang:
            continue
        meta = doc.versions[version_lang]
        click.secho(f"{doc.symbol} ({version_lang}) — {meta['title']}", bold=True)
        details = " · ".join(
            v
            for v in (
                meta["committee"],
                meta["session"] and f"session {meta['session']}",
                meta["date"],
            )
            if v
        )
        if details:
            click.secho(details, dim=True)
        section = None
        for block in blocks:
            if block.lang != version_lang or block.kind == "title":
                continue
            if block.kind == "heading":
                click.echo()
                click.secho(block.text, bold=True)
                continue
            if block.section != section and block.kind == "annex":
                click.echo()
            section = block.section
            click.echo()
            prefix = f"{block.paragraph}. " if block.kind == "paragraph" else ""
            click.echo(prefix + block.text)
        click.echo()


@main.command("show")
@click.argument("symbol")
@click.argument("paragraph", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Only this language.")
@index_option
def show_command(symbol, paragraph, as_json, lang, index_path) -> None:
    """Show a document, or one of its paragraphs, by symbol (case and width do not matter).

    Example: docsearch show cdip/19/6 11
    """
    try:
        canonical = normalize_symbol(symbol)
    except SymbolError as err:
        raise click.ClickException(str(err)) from err
    index = ensure_index(config.index_dir(index_path))
    doc = index.document(canonical)
    if doc is None:
        raise click.ClickException(f"No document {canonical} in the index.")
    blocks = doc.blocks
    if paragraph is not None:
        blocks = [b for b in blocks if b.paragraph == paragraph.strip()]
        if not blocks:
            raise click.ClickException(f"{canonical} has no paragraph {paragraph}.")
    if lang:
        blocks = [b for b in blocks if b.lang == lang]
        if not blocks:
            raise click.ClickException(f"{canonical} has no {lang} version.")
    if as_json:
        data = doc.to_json()
        data["paragraphs"] = [b.to_json() for b in blocks]
        _echo_json(data)
    else:
        _print_document(doc, blocks, lang)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
@index_option
@corpus_option
def serve_command(host, port, threads, index_path, corpus_path) -> None:
    """Serve the search site with waitress (builds the index on first run).

    Example: docsearch serve --port 8000
    """
    import waitress

    from webapp import create_app

    root = config.index_dir(index_path)
    ensure_index(root, corpus_path)
    app = create_app({"INDEX_DIR": str(root)})
    click.echo(f"Serving on http://{host}:{port}/ (index {root}); Ctrl-C stops.", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="docsearch")
