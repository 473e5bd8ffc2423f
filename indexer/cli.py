"""The `docsearch` command line: a thin layer over the `indexer` API.

Every user error (`indexer.errors.DocsearchError`) becomes one sentence and exit code 1 here,
in `_Group.invoke`; nothing else in this module catches them.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from indexer.backends import backend_for, other_engine_problem
from indexer.errors import DocsearchError, IndexOutdated, SettingError, StoreError
from indexer.index.generations import current_generation
from indexer.index.manifest import MANIFEST, Manifest, read_summary
from indexer.ingest.symbols import normalize_symbol
from indexer.settings import (
    CACHE_SIZE,
    CORPUS_ENV,
    ENGINE_ENV,
    ENGINES,
    INDEX_ENV,
    SOLR_COLLECTION_ENV,
    SOLR_URL_ENV,
    Settings,
)

if TYPE_CHECKING:
    from indexer.search.index import SearchIndex
    from indexer.search.results import DocumentView, SearchPage

SHOWN_WARNINGS = 5  # alignment warnings printed; all are in the manifest

index_option = click.option(
    "--index",
    "index_path",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Index directory (default: ${INDEX_ENV}, else a per-user directory for the corpus).",
)
_corpus = click.option(
    "--corpus",
    "corpus_path",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Corpus folder (default: ${CORPUS_ENV}, else the bundled corpus).",
)
_force = click.option(
    "--force",
    is_flag=True,
    expose_value=False,
    callback=lambda ctx, param, value: ctx.ensure_object(dict).update(force=value),
    help="Use the index even though it was built from another corpus folder.",
)


def corpus_option(command: click.Command) -> click.Command:
    return _corpus(_force(command))


def _remember(name: str):
    return lambda ctx, param, value: ctx.ensure_object(dict).update({name: value})


def engine_options(command: click.Command) -> click.Command:
    """--engine, --solr and --collection: which engine holds the index (see README)."""
    command = click.option(
        "--engine",
        expose_value=False,
        type=click.Choice(ENGINES, case_sensitive=False),
        callback=_remember("engine"),
        help=f"Embedded index engine (default: ${ENGINE_ENV}, else whoosh).",
    )(command)
    command = click.option(
        "--collection",
        expose_value=False,
        callback=_remember("collection"),
        help=f"SolrCloud collection alias (default: ${SOLR_COLLECTION_ENV}, else docsearch).",
    )(command)
    return click.option(
        "--solr",
        expose_value=False,
        callback=_remember("solr_url"),
        help=f"SolrCloud node URL(s), comma-separated (default: ${SOLR_URL_ENV}; "
        "none: the embedded index).",
    )(command)


class _Group(click.Group):
    """Turns every DocsearchError into one sentence on stderr and exit code 1; output cut short
    by a closed pipe (`| head -1`) is not an error."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except DocsearchError as err:
            message = str(err)
            raise click.ClickException(message[:1].upper() + message[1:]) from err
        except BrokenPipeError:
            # Python flushes stdout again at exit: point it at devnull so that raises nothing.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)


def _settings(corpus_path: Path | None = None, index_path: Path | None = None) -> Settings:
    """The settings of this command: flags (--solr and --collection included), else the
    environment, else the defaults."""
    given = click.get_current_context().obj or {}
    return Settings.load(
        corpus=corpus_path,
        index=index_path,
        solr_url=given.get("solr_url"),
        collection=given.get("collection"),
        engine=given.get("engine"),
    )


def _writer(settings: Settings) -> dict:
    """What every writing command passes on: how long to wait for the lock, which backend."""
    return {"lock_timeout": settings.lock_timeout, "backend": backend_for(settings)}


def _where(settings: Settings) -> str:
    if settings.solr_url:
        return f"SolrCloud collection {settings.collection} (index root {settings.index})"
    if settings.engine != "whoosh":
        return f"{settings.index} ({settings.engine})"
    return str(settings.index)


def _corpus_settings(corpus_path: Path | None, index_path: Path | None) -> Settings:
    """Settings for a command that reads the corpus: refuses an index built from another
    corpus folder (two checkouts must not share an index by accident) unless --force."""
    settings = _settings(corpus_path, index_path)
    force = (click.get_current_context().obj or {}).get("force", False)
    try:
        generation = current_generation(settings.index)
        built_from = read_summary(generation).corpus if generation else ""
    except StoreError:  # a damaged index: `build` must still be able to replace it
        built_from = ""
    here = str(settings.corpus.expanduser().resolve())
    if built_from and built_from != here and not force:
        raise SettingError(
            f"the index at {settings.index} was built from the corpus folder {built_from}, "
            f"not {here}; use --index for another index, or --force to use this one."
        )
    return settings


def _echo_json(data: dict) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _run_build(settings: Settings, exit_on_failures: bool = True) -> None:
    """Build with a progress bar and a summary on stderr; exit code 1 if a file failed (unless
    `exit_on_failures` is False: a first-run build before a search or serve goes on)."""
    from indexer.index.build import build  # not imported by the commands that only read
    from indexer.ingest.corpus import discover

    corpus, root = settings.corpus, settings.index
    total = len(discover(corpus)) if corpus.is_dir() else 0
    with click.progressbar(length=total, label="Indexing", file=sys.stderr, show_pos=True) as bar:
        report = build(
            corpus, root, progress=lambda doc: bar.update(1), backend=backend_for(settings)
        )
    generation, manifest = _live_manifest(root)  # read once: megabytes at 10^6 paragraphs
    click.echo(
        f"Indexed {_documents_in(manifest)} ({_plural(report.documents, 'language file')}), "
        f"{_plural(report.paragraphs, 'numbered paragraph')} ({report.blocks} blocks) "
        f"in {report.seconds:.1f} s into {_where(settings)}.",
        err=True,
    )
    for source, encoding in sorted(report.encodings.items()):
        click.echo(f"  read {source} as {encoding}", err=True)
    for failure in report.failures:
        click.secho(f"  skipped {failure.source}: {failure.reason}", fg="yellow", err=True)
    _print_alignment(generation, manifest)
    if report.failures and exit_on_failures:
        raise click.exceptions.Exit(1)


def _plural(n: int, word: str) -> str:
    """`1 paragraph`, `2 paragraphs`."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _documents_in(manifest: Manifest | None) -> str:
    """`2 documents`: distinct symbols in the live generation (each has one file per language)."""
    entries = manifest.documents if manifest else []
    return _plural(len({e.symbol for e in entries}), "document")


def _live_manifest(root: Path) -> tuple[Path | None, Manifest | None]:
    """The live generation and its manifest (None, None before the first build)."""
    generation = current_generation(root)
    return generation, Manifest.load(generation) if generation else None


def _print_alignment(generation: Path | None, manifest: Manifest | None) -> None:
    """Warn about documents whose zh and en versions do not have the same paragraph labels."""
    problems = manifest.alignment if manifest else []
    for problem in problems[:SHOWN_WARNINGS]:
        click.secho(f"  warning: {problem}", fg="yellow", err=True)
    if len(problems) > SHOWN_WARNINGS:
        more = f"  … and {len(problems) - SHOWN_WARNINGS} more (listed in {generation / MANIFEST})."
        click.secho(more, fg="yellow", err=True)


def ensure_index(settings: Settings, open_now: bool = True) -> SearchIndex:
    """Open the index, building it from the corpus first if there is none or it is outdated.

    With `open_now`, the live generation is opened here (its summary checked, its manifest read
    only if a command needs the document list). Without it, only the summary is checked (a
    server opens the index in its own processes).
    """
    from indexer.search.index import SearchIndex  # the writing commands start faster without it

    backend = backend_for(settings)
    root = settings.index
    index = SearchIndex(root, cache_mb=settings.cache_mb, backend=backend)
    generation = current_generation(root)
    why = "No index yet"
    if generation is not None:
        summary = read_summary(generation)
        other = other_engine_problem(summary.schema_version, backend.SCHEMA_VERSION)
        if other:  # never rebuilt with another engine behind the user's back: `build` does
            raise StoreError(other)
        try:
            if open_now:
                index.generation  # noqa: B018 - opens the live generation or says it is outdated
            elif problem := summary.compatibility_problem(backend.SCHEMA_VERSION):
                raise IndexOutdated(problem)
            return index
        except IndexOutdated:
            why = "The index is outdated"
    click.echo(f"{why} at {root}: building it from {settings.corpus} …", err=True)
    _run_build(settings, exit_on_failures=False)
    return index


@click.group(cls=_Group)
@click.option("-v", "--verbose", is_flag=True, help="Log what the indexer does.")
@click.version_option(package_name="docsearch")
def main(verbose: bool) -> None:
    """Search WIPO and UN meeting documents, in Chinese and English, down to the paragraph."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")


@main.command("build")
@corpus_option
@index_option
@engine_options
def build_command(
    corpus_path: Path | None,
    index_path: Path | None,
) -> None:
    """Rebuild the whole index from the corpus folder, then switch to it atomically.

    Example: docsearch build --corpus corpus/
    """
    _run_build(_corpus_settings(corpus_path, index_path))


@main.command("search")
@click.argument("query", default="")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--page", default=1, show_default=True, type=click.IntRange(1, 1000))
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Only this language.")
@click.option("--symbol", help="Only this document, e.g. CDIP/19/6 (must be in the index).")
@click.option("--committee", help="Only this committee, e.g. CDIP.")
@click.option("--session", help="Only this session, e.g. CDIP/19.")
@click.option("--year", help="Only documents of this year, e.g. 2017.")
@click.option("--type", "doctype", help="Only this document type: report, working-document, …")
@click.option("--from", "date_from", help="Only documents dated on or after, e.g. 2017-05.")
@click.option("--to", "date_to", help="Only documents dated on or before, e.g. 2021.")
@click.option(
    "--sort",
    default="relevance",
    show_default=True,
    type=click.Choice(["relevance", "date"]),
    help="date: newest first.",
)
@click.option("--group", is_flag=True, help="At most 3 paragraphs per document.")
@click.option(
    "--no-expand", is_flag=True, help="Do not add glossary equivalents (WIPO -> 产权组织)."
)
@index_option
@engine_options
def search_command(
    query: str,
    as_json: bool,
    limit: int,
    page: int,
    lang: str | None,
    symbol: str | None,
    committee: str | None,
    session: str | None,
    year: str | None,
    doctype: str | None,
    date_from: str | None,
    date_to: str | None,
    sort: str,
    group: bool,
    no_expand: bool,
    index_path: Path | None,
) -> None:
    """Find paragraphs. Paragraphs holding every keyword come first, then those holding most
    of them; "quoted phrases", OR, -term, symbol:, lang:. Questions, pasted sentences and
    citations (CDIP/19/6 para 11) work too.

    Filters are checked as the web site checks them; an empty QUERY needs a filter.

    Example: docsearch search '"可持续发展集团"' --lang zh --sort date
    """
    from indexer.query.options import OptionError, search_options

    given = dict(lang=lang, symbol=symbol, committee=committee, session=session, year=year)
    given.update(type=doctype, date_from=date_from, date_to=date_to)
    try:
        options = search_options(
            {k: [v] for k, v in given.items() if v is not None}, sort=sort, group=group
        )
    except OptionError as err:
        raise click.UsageError(_option_sentence(str(err))) from err
    if not query.strip() and not any(options.filters.values()):
        raise click.UsageError("QUERY is empty: give keywords, a phrase or a filter.")
    with ensure_index(_settings(index_path=index_path)) as index:
        for wanted in options.filters["symbol"]:
            if index.document(wanted) is None:
                raise click.ClickException(f"No document {wanted} in the index.")
        result = index.search(
            query,
            page=page,
            page_size=limit,
            filters=options.filters,
            expand_terms=not no_expand,
            sort=options.sort,
            group=options.group,
        )
    if as_json:
        _echo_json(result.to_json())
    else:
        _print_results(result, page, limit)


def _print_results(result: SearchPage, page: int, limit: int) -> None:
    """A page of results for a terminal: a summary line, then each hit and its counterpart."""
    shown = (
        f"{(page - 1) * limit + 1}–{(page - 1) * limit + len(result.hits)}" if result.hits else "0"
    )
    summary = f"{_plural(result.total, 'paragraph')} ({shown} shown, {result.took_ms:.0f} ms)"
    click.secho(summary, dim=True)
    for expansion in result.expansions:
        click.secho(f"also searched for {expansion.typed}: {', '.join(expansion.added)}", dim=True)
    for line in _search_notes(result):
        click.secho(line, fg="yellow")
    last_of = {hit.symbol: i for i, hit in enumerate(result.hits)}
    for i, hit in enumerate(result.hits):
        click.echo()
        where = f" · {hit.section}" if hit.section else ""
        click.secho(f"{hit.symbol} ¶{hit.paragraph} ({hit.lang}){where}", bold=True)
        if result.relaxed and result.relaxed.minimum < result.relaxed.words and hit.matched:
            click.secho(f"  matches: {', '.join(hit.matched)}", dim=True)
        click.echo("  " + _styled(hit.segments))
        if hit.counterpart:
            click.secho(f"  ({hit.counterpart.lang}) ", dim=True, nl=False)
            click.echo(_styled(hit.counterpart.segments))
        if last_of[hit.symbol] == i and hit.symbol in result.more:
            more = result.more[hit.symbol]
            click.secho(f"  … {more} more in {hit.symbol} (--symbol {hit.symbol})", dim=True)


_OPTION_NAMES = {"date_from": "--from", "date_to": "--to", "type": "--type"}


def _option_sentence(message: str) -> str:
    """The web's "Parameter year must be …" as the CLI's "--year must be …"."""
    for name in ("lang", "symbol", "committee", "session", "year", "type", "date_from", "date_to"):
        prefix = f"Parameter {name} "
        if message.startswith(prefix):
            flag = _OPTION_NAMES.get(name, f"--{name}")
            rest = message[len(prefix) :]
            for other, other_flag in _OPTION_NAMES.items():
                rest = rest.replace(other, other_flag)
            return f"{flag} {rest}"
    return message


_DROPPED = {
    "wildcard": "wildcards are not supported",
    "fuzzy": "fuzzy matching syntax (~) is not supported",
    "boost": "boosts (^) are not supported",
}


def _search_notes(result: SearchPage) -> list[str]:
    """One line for each thing the search did besides matching every typed word."""
    from indexer.search.results import searched_text

    notes = [
        f"{_DROPPED[kind]}; searched for {searched_text(result.query)}" for kind in result.dropped
    ]
    if result.citation:
        c = result.citation
        notes.append(
            f"{c.symbol}, paragraph {c.paragraph} is shown first; "
            f"see it with: docsearch show {c.symbol} {c.labels[0]}"
        )
    elif result.document:
        d = result.document
        notes.append(
            f"{d.symbol} is a document in the index ({d.paragraphs} paragraphs): "
            f"docsearch show {d.symbol}"
        )
    if result.suggestion:
        if result.suggestion_applied:
            notes.append(
                f"no paragraph matches {result.query!r}; results for {result.suggestion!r}"
            )
        else:
            notes.append(f"did you mean: {result.suggestion}?")
    relaxed = result.relaxed
    if relaxed and relaxed.minimum < relaxed.words:
        notes.append(
            f"too few paragraphs contain all {relaxed.words} words; "
            f"these contain at least {relaxed.minimum}, the most matched first"
        )
    elif relaxed and relaxed.separately:
        notes.append("no exact match; paragraphs containing all the words of the query separately")
    if relaxed and relaxed.ignored:
        notes.append(f"question and function words not required: {', '.join(relaxed.ignored)}")
    return notes


def _styled(segments) -> str:
    """Matches in bold yellow; click drops the colour codes when stdout is not a terminal."""
    return "".join(
        click.style(t, fg="yellow", bold=True, underline=True) if m else t for t, m in segments
    )


def _print_document(doc: DocumentView, blocks, lang: str | None) -> None:
    from indexer.search.titles import display_title

    for version_lang in doc.languages:
        if lang and version_lang != lang:
            continue
        meta = doc.versions[version_lang]
        title = display_title(meta["title"])
        click.secho(f"{doc.symbol} ({version_lang}) — {title}", bold=True)
        session = meta["session"] and (
            f"第 {meta['session']} 届会议" if version_lang == "zh" else f"session {meta['session']}"
        )
        details = " · ".join(v for v in (meta["committee"], session, meta["date"]) if v)
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
@engine_options
def show_command(
    symbol: str,
    paragraph: str | None,
    as_json: bool,
    lang: str | None,
    index_path: Path | None,
) -> None:
    """Show a document, or one of its paragraphs, by symbol (case and width do not matter).

    Example: docsearch show cdip/19/6 11
    """
    canonical = normalize_symbol(symbol)
    with ensure_index(_settings(index_path=index_path)) as index:
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


def _checked_base_url(value: str) -> str:
    from webapp import check_base_url  # ValueError -> click's one-line usage error

    return check_base_url(value)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Server processes (one per core answers that many searches at once).",
)
@click.option(
    "--cache-size",
    default=CACHE_SIZE,
    show_default=True,
    type=click.IntRange(0, 100_000),
    help="Result pages kept in memory (0: none).",
)
@click.option(
    "--base-url",
    envvar="DOCSEARCH_BASE_URL",
    show_envvar=True,
    default="",
    metavar="URL",
    type=_checked_base_url,
    help="The site's public address (https://search.example.org) for opensearch.xml; "
    "its links are relative without it.",
)
@click.option("--quiet", is_flag=True, help="Do not log each request to stderr.")
@index_option
@engine_options
@corpus_option
def serve_command(
    host: str,
    port: int,
    threads: int,
    workers: int,
    cache_size: int,
    base_url: str,
    quiet: bool,
    index_path: Path | None,
    corpus_path: Path | None,
) -> None:
    """Serve the search site with waitress (builds the index on first run).

    Each request is logged to stderr in the common log format (--quiet turns that off), and a
    line says when a new index generation goes live.

    Example: docsearch serve --port 8000 --workers 2
    """
    from webapp import create_app
    from webapp.serve import serve

    settings = _corpus_settings(corpus_path, index_path)
    root = settings.index
    ensure_index(settings, open_now=False).close()
    _log_to_stderr("indexer.search.index")
    if not quiet:
        _log_to_stderr("webapp.access")
    app = create_app(
        {
            "INDEX_DIR": str(root),
            "CACHE_SIZE": cache_size,
            "CACHE_MB": settings.cache_mb,
            "BACKEND": backend_for(settings),
            "REOPEN_IN_BACKGROUND": True,
            "BASE_URL": base_url,
        }
    )
    click.echo(
        f"Serving on http://{host}:{port}/ (index {_where(settings)}); Ctrl-C stops.", err=True
    )
    serve(app, host, port, threads, workers, log_requests=not quiet)


def _log_to_stderr(name: str) -> None:
    """Send a logger's INFO lines to stderr as they are (the server's own log)."""
    logger = logging.getLogger(name)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


# -- keeping the index in line with the corpus folder (indexer.index.update)


def _print_update(report, root: Path) -> None:
    """The update summary on stderr: documents, paragraphs, failures, time."""
    say = functools.partial(click.echo, err=True)
    if report.rebuilt:
        say(f"Built the whole index ({report.rebuilt}).")
    if not report.changed:
        say(
            f"Index is up to date: {_plural(report.unchanged, 'language file')} unchanged, "
            "nothing to do "
            f"({report.seconds:.2f} s)."
        )
    else:
        say(
            f"Updated {root} in {report.seconds:.2f} s: {len(report.added)} added, "
            f"{len(report.replaced)} replaced, {len(report.removed)} removed, "
            f"{report.unchanged} unchanged language files; numbered paragraphs "
            f"+{report.paragraphs_added} -{report.paragraphs_removed}."
        )
    for label, names in (
        ("added", report.added),
        ("replaced", report.replaced),
        ("removed", report.removed),
    ):
        for name in names:
            say(f"  {label} {name}")
    for source, encoding in sorted(report.encodings.items()):
        say(f"  read {source} as {encoding}")
    for failure in report.failures:
        kept = " (its previously indexed version is kept)" if failure.source in report.kept else ""
        click.secho(f"  failed {failure.source}: {failure.reason}{kept}", fg="yellow", err=True)
    if report.failures:
        say(f"{len(report.failures)} file(s) could not be indexed.")


def _exit_for(report) -> None:
    if report is not None and report.failures:
        raise click.exceptions.Exit(1)


@main.command("update")
@corpus_option
@index_option
@engine_options
def update_command(
    corpus_path: Path | None,
    index_path: Path | None,
) -> None:
    """Bring the index in line with the corpus folder, touching only what changed.

    New files are added, changed files (content hash or metadata.toml entry) replace their
    document's paragraphs, files gone from the folder are removed. Running it twice changes
    nothing the second time. Exit code 1 if any file could not be indexed.

    Example: docsearch update --corpus corpus/
    """
    from indexer.index.update import update

    settings = _corpus_settings(corpus_path, index_path)
    root = settings.index
    report = update(settings.corpus, root, **_writer(settings))
    _print_update(report, root)
    _print_alignment(*_live_manifest(root))
    _exit_for(report)


@main.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--symbol", help="The documents' symbol, if their header does not state it.")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Their language.")
@corpus_option
@index_option
@engine_options
def add_command(
    files: tuple[Path, ...],
    symbol: str | None,
    lang: str | None,
    corpus_path: Path | None,
    index_path: Path | None,
) -> None:
    """Copy files into the corpus folder (zh/ or en/ by language) and index them.

    --symbol is recorded in the corpus folder's metadata.toml and the language by the folder the
    file is copied to, so a later `docsearch build` gives the same result. A file with the same
    name and document replaces the earlier copy. Exit code 1 if any file could not be indexed.

    Example: docsearch add cdip_30_2.pdf --lang en
    """
    from indexer.index.files import add_files

    settings = _corpus_settings(corpus_path, index_path)
    corpus, root = settings.corpus, settings.index
    report = add_files(corpus, root, list(files), symbol=symbol, lang=lang, **_writer(settings))
    for given, target in report.copied.items():
        click.echo(f"Copied {given} to {target} in {corpus}.", err=True)
    if report.metadata_added:
        click.echo(f"Recorded symbol {symbol} in {corpus / 'metadata.toml'}.", err=True)
    for failure in report.failures:
        click.secho(f"  refused {failure.source}: {failure.reason}", fg="yellow", err=True)
    if report.update is not None:
        _print_update(report.update, root)
    if report.failures or (report.update is not None and report.update.failures):
        raise click.exceptions.Exit(1)


@main.command("remove")
@click.argument("symbol")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Only this language version.")
@click.option(
    "--delete",
    is_flag=True,
    help="Delete the corpus file(s) instead of moving them to <corpus>/.removed/.",
)
@corpus_option
@index_option
@engine_options
def remove_command(
    symbol: str,
    lang: str | None,
    delete: bool,
    corpus_path: Path | None,
    index_path: Path | None,
) -> None:
    """Remove a document from the index and take its file(s) out of the corpus folder.

    By default the files are MOVED to <corpus>/.removed/ (hidden folders are never indexed, so a
    later update or build does not bring the document back; move a file back to restore it).
    With --delete they are deleted.

    Example: docsearch remove CDIP/19/6 --lang en
    """
    from indexer.index.files import remove_document

    settings = _corpus_settings(corpus_path, index_path)
    corpus, root = settings.corpus, settings.index
    report = remove_document(corpus, root, symbol, lang=lang, delete=delete, **_writer(settings))
    for source, dest in report.moved.items():
        click.echo(f"Moved {source} to {dest} in {corpus}.", err=True)
    for source in report.deleted:
        click.echo(f"Deleted {source} from {corpus}.", err=True)
    if report.update is not None:
        _print_update(report.update, root)


@main.command("watch")
@corpus_option
@index_option
@engine_options
@click.option(
    "--interval", default=2.0, show_default=True, type=click.FloatRange(0.05), help="Seconds."
)
def watch_command(
    corpus_path: Path | None,
    index_path: Path | None,
    interval: float,
) -> None:
    """Poll the corpus folder and update the index when changed files have settled.

    A file has settled when its size and modification time are the same in two polls in a row.
    Ctrl-C stops it.

    Example: docsearch watch --corpus corpus/ --interval 2
    """
    from indexer.index.watch import watch

    settings = _corpus_settings(corpus_path, index_path)
    corpus, root = settings.corpus, settings.index
    if not corpus.is_dir():
        raise click.ClickException(f"The corpus folder {corpus} does not exist.")
    click.echo(f"Watching {corpus} every {interval:g} s (index {root}); Ctrl-C stops.", err=True)
    try:
        watch(
            corpus,
            root,
            interval,
            on_update=lambda r: _print_update(r, root),
            backend=backend_for(settings),
        )
    except KeyboardInterrupt:
        click.echo("Stopped watching.", err=True)


@main.command("check")
@click.option("--quick", is_flag=True, help="Check file sizes only, not checksums.")
@index_option
@engine_options
def check_command(
    quick: bool,
    index_path: Path | None,
) -> None:
    """Verify the live index against its manifest: files, sizes, checksums, block count.

    Exit code 1 if anything is wrong; `docsearch build` then rebuilds the index.

    Example: docsearch check
    """
    from indexer.index.check import check

    settings = _settings(index_path=index_path)
    root = settings.index
    report = check(root, checksums=not quick, backend=backend_for(settings))
    for problem in report.problems:
        click.secho(f"  {problem}", fg="red", err=True)
    if not report.ok:
        click.echo(
            f"The index at {root} is damaged (generation {report.generation}); "
            "run `docsearch build` to rebuild it.",
            err=True,
        )
        raise click.exceptions.Exit(1)
    click.echo(
        f"The index at {root} is intact: generation {report.generation}, {report.files} files, "
        f"{report.blocks} blocks.",
        err=True,
    )


@main.command("optimize")
@index_option
@engine_options
def optimize_command(
    index_path: Path | None,
) -> None:
    """Merge the index's segments into one, as a new generation (searches may get faster).

    Example: docsearch optimize
    """
    from indexer.index.build import optimize

    settings = _settings(index_path=index_path)
    name, before, seconds = optimize(settings.index, **_writer(settings))
    click.echo(
        f"Merged {before} segments into one in {seconds:.1f} s (generation {name}).", err=True
    )


@main.group("solr")
def solr_group() -> None:
    """Set up a SolrCloud cluster for docsearch (see README: SolrCloud)."""


@solr_group.command("init")
@click.option("--shards", default=1, show_default=True, type=click.IntRange(1, 1024))
@click.option("--replicas", default=1, show_default=True, type=click.IntRange(1, 16))
@engine_options
def solr_init_command(shards: int, replicas: int) -> None:
    """Upload the docsearch configset and prepare the collection alias (shards x replicas).

    Run once per cluster; again to change the layout, which the next `docsearch build` uses.

    Example: docsearch solr init --solr http://solr1:8983/solr --shards 4 --replicas 2
    """
    settings = _settings()
    if not settings.solr_url:
        raise click.ClickException(f"Give the SolrCloud's URL with --solr or ${SOLR_URL_ENV}.")
    target = backend_for(settings).init(shards, replicas)
    click.echo(
        f"SolrCloud ready: configset and alias {settings.collection} (now {target}); new "
        f"collections get {shards} shard(s) x {replicas} replica(s). "
        f"Next: docsearch build --solr {settings.solr_url} --collection {settings.collection}",
        err=True,
    )
