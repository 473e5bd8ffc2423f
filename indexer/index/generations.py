"""The index on disk: generations, the atomic switch, the writer lock.

Layout of an index root::

    CURRENT                  name of the live generation (replaced atomically)
    generations/<name>/      a complete generation: the backend's files + manifest.json
                             (SolrCloud: solr.json naming its collection + manifest.json)
    generations/.tmp-<name>/ a generation being written (removed if its writer died)
    lock                     held (POSIX record lock) by the one writer at a time

A writer never touches the live generation: `new_generation` gives it a new directory beside
it; publishing fsyncs it, renames it into place and then replaces CURRENT. Readers see either
the old or the new index, never a half-built one; a killed writer leaves only a .tmp
directory that the next writer removes.

Old generations are removed by the next writer once they are neither live nor the previous
generation, and have been out of service for ``GENERATION_GRACE`` seconds, so a reader that
looked at CURRENT just before a switch can still open what it found there.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from indexer.backends.base import GenerationWriter
from indexer.errors import IndexDamaged, IndexMissing, LockTimeout, StoreError
from indexer.index.manifest import MANIFEST, SUMMARY, Manifest, file_sha256, read_summary
from indexer.settings import lock_timeout_or_default

log = logging.getLogger(__name__)

GENERATION_GRACE = 60.0  # seconds a retired generation stays on disk for late readers
CRASH_ENV = "DOCSEARCH_CRASH_AT"  # test hook: SIGKILL this process at a named step


def generations_dir(root: Path) -> Path:
    return root / "generations"


def current_generation(root: Path) -> Path | None:
    """The live generation's directory, or None if the index was never built.

    Raises IndexDamaged if CURRENT exists but does not name a generation that is there.
    """
    try:
        raw = (root / "CURRENT").read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise IndexDamaged(f"the index at {root} cannot be read ({err.strerror}).") from None
    name = raw.decode("utf-8", "replace").strip()
    path = generations_dir(root) / name
    if not name or "/" in name or name.startswith(".") or not path.is_dir():
        raise IndexDamaged(
            f"the index at {root} is damaged: CURRENT does not name a generation that exists; "
            "run `docsearch build` to rebuild it."
        )
    return path


def live_generation(root: Path) -> Path:
    """The live generation; IndexMissing if there is none yet."""
    generation = current_generation(root)
    if generation is None:
        raise IndexMissing(f"there is no index at {root} yet; run `docsearch build`.")
    return generation


@contextlib.contextmanager
def writer_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the index's writer lock; wait at most `timeout` seconds for another writer (default:
    the settings' lock timeout). Clears what killed writers left once it holds the lock.

    The lock is a POSIX record lock: the kernel releases it when its holder dies, and processes
    the writer forks (a parallel build's workers) do not inherit it, so a killed writer never
    leaves a lock behind, whatever its children are doing.
    """
    timeout = lock_timeout_or_default(timeout)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "r+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another docsearch build or update has held the index at {root} "
                        f"for {timeout:.0f} s; try again when it has finished."
                    ) from None
                time.sleep(0.1)
        try:
            remove_stale(root)
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)


def crash_point(step: str) -> None:
    """Fault injection for the lifecycle tests: die by SIGKILL here if $DOCSEARCH_CRASH_AT names
    this step. Costs one environment lookup otherwise."""
    if os.environ.get(CRASH_ENV) == step:
        log.warning("crash point %s: killing this process", step)
        os.kill(os.getpid(), signal.SIGKILL)


class NewGeneration:
    """A generation being written: its directory, its writer, and how to make it live."""

    def __init__(self, root: Path, path: Path, writer: GenerationWriter) -> None:
        self.root = root
        self.path = path
        self.writer = writer
        self.name: str | None = None
        self.committed = False

    def publish(self, manifest: Manifest, touched: dict[str, set[str]]) -> str:
        """Commit, check against `manifest`, write it, and make this generation live."""
        crash_point("before-commit")
        self.writer.commit()
        self.committed = True
        crash_point("after-commit")
        self.writer.check(manifest.counts["blocks"], touched)
        manifest.files = file_table(self.path, _live_files(self.root))
        manifest.save(self.path)
        go_live = getattr(self.writer, "go_live", None)
        if go_live is not None:  # a server-side index (SolrCloud: move the alias) goes live first
            go_live(self.path.name.removeprefix(".tmp-"))
        self.name = _make_live(self.root, self.path)
        return self.name


@contextlib.contextmanager
def new_generation(
    root: Path, open_writer: Callable[[Path], GenerationWriter]
) -> Iterator[NewGeneration]:
    """Start a generation beside the live one (call with the writer lock held).

    The body adds and deletes through `gen.writer` and calls `gen.publish(...)`; if it raises,
    or returns without publishing, the writer is cancelled and the directory removed, so the
    live index is exactly what it was.
    """
    gens = generations_dir(root)
    gens.mkdir(parents=True, exist_ok=True)
    path = gens / f".tmp-{_new_name()}"
    path.mkdir()
    gen = None
    try:
        gen = NewGeneration(root, path, open_writer(path))
        yield gen
    except OSError as err:
        _discard(gen, path)
        if err.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise StoreError(
            f"no space left on the device while writing the index at {root}; "
            "the previous index is still live."
        ) from None
    except BaseException:
        _discard(gen, path)
        raise
    if gen.name is None:
        _discard(gen, path)


def file_table(path: Path, live: tuple[Path, dict[str, list]] | None) -> dict[str, list]:
    """[size, sha256] of each index file of a generation. A file hard-linked from the live
    generation keeps the checksum recorded there (index files are never modified)."""
    table = {}
    for item in sorted(path.iterdir()):
        if not item.is_file() or item.name in (MANIFEST, SUMMARY):
            continue
        stat = item.stat()
        known = live[1].get(item.name) if live else None
        if known and known[0] == stat.st_size and _same_file(item, live[0] / item.name):
            table[item.name] = known
        else:
            table[item.name] = [stat.st_size, file_sha256(item)]
    return table


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _live_files(root: Path) -> tuple[Path, dict[str, list]] | None:
    try:
        live = current_generation(root)
        return (live, read_summary(live).files) if live else None
    except StoreError:
        return None


def _discard(gen: NewGeneration | None, path: Path) -> None:
    if gen is not None and not gen.committed:
        with contextlib.suppress(Exception):
            gen.writer.cancel()
    shutil.rmtree(path, ignore_errors=True)


def _new_name() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"


def _make_live(root: Path, tmp: Path) -> str:
    """fsync `tmp`, rename it into place and point CURRENT at it."""
    _fsync_tree(tmp)
    crash_point("before-rename")
    name = tmp.name.removeprefix(".tmp-")
    final = generations_dir(root) / name
    os.rename(tmp, final)
    _fsync_dir(final.parent)
    crash_point("before-switch")
    try:
        previous = current_generation(root)
    except StoreError:
        previous = None  # a damaged CURRENT is simply replaced
    switch_current(root, name)
    crash_point("after-switch")
    remove_stale(root, keep={name, previous.name if previous else name})
    return name


def switch_current(root: Path, name: str) -> None:
    """Point CURRENT at generation `name` atomically (write a temp file, then rename)."""
    tmp = root / f".CURRENT.{os.getpid()}"
    tmp.write_text(name + "\n", encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, root / "CURRENT")
    _fsync_dir(root)


def remove_stale(root: Path, keep: Iterable[str] = (), grace: float | None = None) -> list[str]:
    """Delete what killed writers left and generations no reader can still need.

    Removed: every ``.tmp-*`` directory and stray ``.CURRENT.*`` file (only a writer creates
    them, and the caller holds the writer lock); generations newer than the live one (a writer
    died between renaming and switching: never live); and older generations except the previous
    one, once out of service for `grace` seconds (the time their successor went live). Only call
    this while holding the writer lock. Returns the names removed.
    """
    grace = GENERATION_GRACE if grace is None else grace
    gens = generations_dir(root)
    if not gens.is_dir():
        return []
    try:
        live = current_generation(root)
    except StoreError:
        live = None  # damaged: keep every finished generation until a build replaces CURRENT
        keep = set(keep) | {p.name for p in gens.iterdir()}
    keep = set(keep) | ({live.name} if live else set())
    removed = []
    for path in gens.iterdir():
        if path.name.startswith(".tmp-"):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    finished = sorted(p for p in gens.iterdir() if not p.name.startswith("."))
    if live is not None:
        removed += _retire(finished, live, keep, grace)
    for stray in root.glob(".CURRENT.*"):
        stray.unlink(missing_ok=True)
    if removed:
        log.info("removed old or unfinished generations: %s", ", ".join(sorted(removed)))
    return removed


def _retire(finished: list[Path], live: Path, keep: set[str], grace: float) -> list[str]:
    older = [p for p in finished if p.name < live.name]
    newer = [p for p in finished if p.name > live.name and p.name not in keep]
    successors = {p.name: q for p, q in zip(older, [*older[1:], live], strict=False)}
    now = time.time()
    removed = []
    for path in older[:-1]:
        retired = _mtime(successors[path.name] / MANIFEST)
        if path.name not in keep and now - retired >= grace:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for path in newer:
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _fsync_tree(path: Path) -> None:
    for item in path.iterdir():
        if item.is_file():
            with open(item, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
