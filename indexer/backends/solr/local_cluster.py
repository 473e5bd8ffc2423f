"""A local SolrCloud for tests and benchmarks: ZooKeeper and each Solr node in its own JVM.

The JVMs run the launcher in `solr/launcher/` (a Maven project of this repository, built with
`build_launcher`). Everything listens on 127.0.0.1 on free ports; each process writes a JSON
ready file when it serves, logs under the cluster's work directory, and stops on SIGTERM (or
when the Python process that started it is gone). A node can be SIGKILLed and started again on
the same port with the same solr home, so it rejoins as the same node.

    with LocalCluster(workdir, build_launcher()) as cluster:
        client = SolrClient(cluster.urls)
        cluster.kill_node(1)
        cluster.start_node(1)
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

STOP_TIMEOUT = 30.0  # seconds a process gets after SIGTERM before SIGKILL


class ClusterError(RuntimeError):
    """The local cluster could not be built or started; the message says why."""


def launcher_dir() -> Path:
    """The launcher's Maven project in this source tree."""
    return Path(__file__).resolve().parents[3] / "solr" / "launcher"


def build_launcher(project: Path | None = None, *, mvn: str = "mvn") -> Path:
    """Builds the launcher jar with Maven unless it is newer than its sources; returns its path."""
    project = project or launcher_dir()
    jar = project / "target" / "solr-launcher.jar"
    sources = [project / "pom.xml", *(p for p in (project / "src").rglob("*") if p.is_file())]
    if jar.exists() and all(p.stat().st_mtime <= jar.stat().st_mtime for p in sources):
        return jar
    if shutil.which(mvn) is None:
        raise ClusterError(f"Maven ({mvn}) is needed to build the Solr launcher.")
    started = time.monotonic()
    done = subprocess.run(
        [mvn, "-q", "-B", "-f", str(project / "pom.xml"), "package", "-DskipTests"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not jar.exists():
        tail = (done.stdout + done.stderr).strip().splitlines()[-20:]
        raise ClusterError("Maven could not build the Solr launcher:\n" + "\n".join(tail))
    log.info("Built %s in %.1f s", jar, time.monotonic() - started)
    return jar


@dataclass
class _Process:
    """One launcher JVM: its arguments, files, and (while running) the process."""

    name: str
    mode: str
    dir: Path
    heap: str
    port: int = 0
    popen: subprocess.Popen | None = None
    info: dict | None = None

    @property
    def ready(self) -> Path:
        return self.dir.parent / f"{self.name}.ready.json"

    @property
    def output(self) -> Path:
        return self.dir.parent / f"{self.name}.out"

    @property
    def log(self) -> Path:
        return self.dir / "launcher.log"


class LocalCluster:
    """ZooKeeper plus `nodes` Solr nodes, each a separate JVM under `workdir`."""

    def __init__(
        self,
        workdir: Path,
        jar: Path,
        *,
        nodes: int = 2,
        heap: str = "512m",
        java: str = "java",
        start_timeout: float = 180.0,
        properties: dict[str, str] | None = None,
    ):
        """`properties`: Java system properties of the nodes (-Dname=value), e.g. the
        `socketTimeout` of solr.xml (the launcher's; 30 s so that a dead replica costs little)."""
        if shutil.which(java) is None:
            raise ClusterError(f"Java ({java}) is needed to run the local Solr cluster.")
        self.workdir = Path(workdir)
        self.jar = Path(jar)
        self.java = java
        self.start_timeout = start_timeout
        self.properties = dict(properties or {})
        self.zk = _Process("zk", "zk", self.workdir / "zk", heap="128m")
        self.nodes = [
            _Process(f"node{i + 1}", "node", self.workdir / f"node{i + 1}", heap=heap)
            for i in range(nodes)
        ]

    @property
    def zk_address(self) -> str:
        """host:port/solr, the ZooKeeper connect string of the cluster."""
        return self.zk.info["zk_address"] if self.zk.info else ""

    @property
    def urls(self) -> list[str]:
        """The base URLs (http://127.0.0.1:PORT/solr) of the nodes, running or not."""
        return [n.info["url"] for n in self.nodes if n.info]

    def pid(self, index: int) -> int | None:
        popen = self.nodes[index].popen
        return popen.pid if popen and popen.poll() is None else None

    def pids(self) -> dict[str, int]:
        """The running processes by name (zk, node1, …): what a benchmark charges to Solr."""
        return {
            p.name: p.popen.pid
            for p in (self.zk, *self.nodes)
            if p.popen is not None and p.popen.poll() is None
        }

    def start(self) -> LocalCluster:
        """Starts ZooKeeper, then every node in parallel; returns once all are live."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        try:
            self._spawn(self.zk, ["--dir", str(self.zk.dir)])
            self._wait_ready([self.zk])
            for node in self.nodes:
                self._spawn_node(node)
            self._wait_ready(self.nodes)
        except BaseException:
            self.stop()
            raise
        took = time.monotonic() - started
        log.info("Local SolrCloud of %d nodes up in %.1f s", len(self.nodes), took)
        return self

    def kill_node(self, index: int) -> None:
        """SIGKILLs node `index`: no shutdown, as when a machine dies."""
        node = self.nodes[index]
        if node.popen and node.popen.poll() is None:
            node.popen.send_signal(signal.SIGKILL)
            node.popen.wait(timeout=STOP_TIMEOUT)

    def stop_node(self, index: int) -> None:
        """Stops node `index` cleanly (SIGTERM, SIGKILL after STOP_TIMEOUT)."""
        _terminate(self.nodes[index].popen)

    def start_node(self, index: int) -> None:
        """Starts a stopped or killed node again on its old port and solr home."""
        node = self.nodes[index]
        if node.popen and node.popen.poll() is None:
            raise ClusterError(f"{node.name} is already running.")
        self._spawn_node(node)
        self._wait_ready([node])

    def stop(self) -> None:
        """Stops every process this cluster started (nodes first, then ZooKeeper)."""
        for node in self.nodes:
            _terminate(node.popen)
        _terminate(self.zk.popen)

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _spawn_node(self, node: _Process) -> None:
        args = ["--zk", self.zk_address, "--home", str(node.dir)]
        if node.port:
            args += ["--port", str(node.port)]  # the same node name in ZooKeeper
        self._spawn(node, args)

    def _spawn(self, proc: _Process, args: list[str]) -> None:
        proc.ready.unlink(missing_ok=True)
        command = [
            self.java,
            f"-Xmx{proc.heap}",
            "-XX:+UseSerialGC" if proc.mode == "zk" else "-XX:+UseG1GC",
            "-Djava.net.preferIPv4Stack=true",
            *(f"-D{k}={v}" for k, v in self.properties.items() if proc.mode == "node"),
            "-jar",
            str(self.jar),
            proc.mode,
            *args,
            "--ready",
            str(proc.ready),
            "--parent",
            str(os.getpid()),
        ]
        with open(proc.output, "ab") as output:
            proc.popen = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        log.debug("Started %s (pid %d)", proc.name, proc.popen.pid)

    def _wait_ready(self, procs: list[_Process]) -> None:
        deadline = time.monotonic() + self.start_timeout
        waiting = list(procs)
        while waiting:
            for proc in list(waiting):
                if proc.ready.exists():
                    proc.info = json.loads(proc.ready.read_text(encoding="utf-8"))
                    proc.port = proc.info.get("port", proc.port)
                    waiting.remove(proc)
                elif proc.popen.poll() is not None:
                    raise ClusterError(
                        f"{proc.name} exited with code {proc.popen.returncode} before it was "
                        f"ready:\n{_tail(proc.output)}\n(logs: {proc.log})"
                    )
            if waiting and time.monotonic() > deadline:
                names = ", ".join(p.name for p in waiting)
                raise ClusterError(
                    f"{names} not ready after {self.start_timeout:.0f} s "
                    f"(logs under {self.workdir})"
                )
            if waiting:
                time.sleep(0.2)


def _terminate(popen: subprocess.Popen | None) -> None:
    if popen is None or popen.poll() is not None:
        return
    popen.terminate()
    try:
        popen.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        popen.kill()
        popen.wait(timeout=STOP_TIMEOUT)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"
