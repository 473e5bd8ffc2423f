"""`docsearch check`: is the live generation intact? Its CURRENT pointer, its manifest and the
summary beside it, every index file's size and checksum, and the number of blocks the index
holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.backends import Backend, default_backend
from indexer.errors import IndexDamaged, StoreError
from indexer.index.generations import live_generation
from indexer.index.manifest import Manifest, file_sha256, summary_problem

REBUILD = "run `docsearch build` to rebuild it"


@dataclass
class CheckReport:
    generation: str
    files: int = 0
    blocks: int = 0
    problems: list[str] = field(default_factory=list)  # one sentence each

    @property
    def ok(self) -> bool:
        return not self.problems


def check(root: Path, checksums: bool = True, backend: Backend | None = None) -> CheckReport:
    """Verify the live generation against its manifest; raises IndexMissing if there is none,
    IndexDamaged if CURRENT or the manifest cannot be read."""
    backend = backend or default_backend()
    live = live_generation(root)
    manifest = Manifest.load(live)
    report = CheckReport(live.name, len(manifest.files), manifest.counts["blocks"])
    report.problems = file_problems(live, manifest, checksums)
    if problem := summary_problem(live, manifest):
        report.problems.append(problem)
    if not report.problems:
        try:
            found = backend.count_blocks(live)
        except StoreError as err:
            report.problems.append(str(err))
        else:
            if found != report.blocks:
                report.problems.append(
                    f"the index holds {found} blocks but its manifest lists {report.blocks}."
                )
    return report


def file_problems(generation: Path, manifest: Manifest, checksums: bool) -> list[str]:
    """Missing, resized or (with `checksums`) altered index files, one sentence each."""
    problems = []
    if not manifest.files:
        problems.append("its manifest lists no index files (it predates `docsearch check`).")
    for name, (size, sha) in sorted(manifest.files.items()):
        path = generation / name
        try:
            found = path.stat().st_size
        except OSError:
            problems.append(f"the index file {name} is missing.")
            continue
        if found != size:
            problems.append(f"the index file {name} has {found} bytes instead of {size}.")
        elif checksums and file_sha256(path) != sha:
            problems.append(f"the index file {name} does not match its checksum.")
    return problems


def require_intact(generation: Path, manifest: Manifest) -> None:
    """Refuse to build on a damaged generation (a quick check: files present, sizes)."""
    problems = [p for p in file_problems(generation, manifest, False) if "predates" not in p]
    if problems:
        raise IndexDamaged(
            f"the live index generation {generation.name} is damaged ({problems[0].rstrip('.')}); "
            f"{REBUILD}."
        )
