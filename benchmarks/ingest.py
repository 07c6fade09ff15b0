"""Ingest throughput of the whole `digestif submit` command on real article pages.

The dev extraction pages (../shared/bench/extraction/html, 100 real articles of 25-600 KB)
are served by a local server in its own process, as 20 virtual sites (127.0.0.1 to
127.0.0.20, one site per address: the fetcher's per-host limit applies per site) that each
answer after 200 ms. 200 links (every page twice, under different paths) are submitted with
one `digestif submit` command, run as a subprocess; its wall time runs from start to exit.

  concurrent  the command as shipped (DIGESTIF_INGEST_CONCURRENCY default, 16)
  sequential  the same command with DIGESTIF_INGEST_CONCURRENCY=1: one request in flight
              at a time, so every page's 200 ms is waited for in turn
  speedup     sequential wall time / concurrent wall time          (goal >= 10x)

The concurrent command is CPU-bound on two cores, so its time moves with how busy the host
is; it runs --runs times (default 3) and the speedup is taken from the median run (the
fastest and slowest are printed beside it). The sequential run waits on the network, not
the CPU, and runs once.

Also printed: time from start to the server's first request, the most requests the server
saw in flight at once, CPU time of the whole process tree (and of the bot's process and the
parser workers apart), and the largest process's RSS.
Run: .venv/bin/python benchmarks/ingest.py (--skip-sequential for the concurrent runs only,
--runs N; LINKS / LATENCY environment to vary).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from aiohttp import web

REPO = Path(__file__).resolve().parents[1]
# ../shared next to the checkout (or next to a folder above it, for git worktrees).
PAGES = next((d / "shared" / "bench" / "extraction" / "html" for d in REPO.parents
              if (d / "shared" / "bench" / "extraction" / "html").is_dir()),
             REPO.parent / "shared" / "bench" / "extraction" / "html")
LINKS = int(os.environ.get("LINKS", "200"))
LATENCY = float(os.environ.get("LATENCY", "0.2"))
SITES = 20


def load_pages() -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in sorted(PAGES.glob("*.html.gz"))]


def serve(port: int, ready: Connection) -> None:
    """The remote sites, in their own process (their CPU is not the bot's)."""
    pages = load_pages()
    state = {"in_flight": 0, "max_in_flight": 0, "requests": 0, "first": 0.0, "last": 0.0}

    async def page(request: web.Request) -> web.Response:
        state["requests"] += 1
        state["first"] = state["first"] or time.time()
        state["in_flight"] += 1
        state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
        try:
            await asyncio.sleep(LATENCY)  # the remote site's latency
            body = pages[int(request.match_info["n"]) % len(pages)]
            return web.Response(body=body, content_type="text/html", charset="utf-8")
        finally:
            state["in_flight"] -= 1
            state["last"] = time.time()

    async def stats(request: web.Request) -> web.Response:
        if request.method == "DELETE":
            state.update(in_flight=0, max_in_flight=0, requests=0, first=0.0, last=0.0)
        return web.json_response(state)

    async def run() -> None:
        app = web.Application()
        app.router.add_get("/{copy}/{n}", page)
        app.router.add_route("*", "/stats", stats)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for site in range(1, SITES + 1):
            await web.TCPSite(runner, f"127.0.0.{site}", port, backlog=1024).start()
        ready.send(len(pages))
        await asyncio.Event().wait()

    asyncio.run(run())


class TreeCpu:
    """CPU seconds of a process and all its descendants, sampled from /proc (Linux): the
    CPU pool's workers are the forkserver's children, which getrusage never counts."""

    def __init__(self, root: int) -> None:
        self._root = root
        self._seen: dict[int, float] = {}
        self._parent: dict[int, int] = {}
        self._stop = threading.Event()
        self._tick = os.sysconf("SC_CLK_TCK")
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            self._sample()

    def _sample(self) -> None:
        parents: dict[int, int] = {}
        times: dict[int, float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
            times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self._tick
        tree, grown = {self._root}, True
        while grown:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= more
            grown = bool(more)
        for pid in tree & times.keys():
            self._seen[pid] = max(self._seen.get(pid, 0.0), times[pid])
            self._parent[pid] = parents[pid]

    def stop(self) -> tuple[float, float, float]:
        """CPU seconds of (the whole tree, the root process, the processes two levels down:
        the CPU pool's workers, children of the forkserver the root started)."""
        self._stop.set()
        self._thread.join()
        workers = sum(cpu for pid, cpu in self._seen.items()
                      if self._parent.get(self._parent.get(pid, 0), 0) == self._root)
        return sum(self._seen.values()), self._seen.get(self._root, 0.0), workers


@dataclass(frozen=True, slots=True)
class Run:
    wall: float
    first_request: float
    last_answer: float
    max_in_flight: int
    requests: int
    ready: int
    cpu: float
    main_cpu: float
    worker_cpu: float
    peak_mb: float


def stats(port: int, method: str = "GET") -> dict[str, float]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/stats", method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return dict(json.loads(answer.read()))


def submit(port: int, urls: list[str], tmp: Path, concurrency: int | None, n: int = 0) -> Run:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DIGESTIF_", "OPENAI_", "DISCORD_", "SLACK_"))}
    env.update(DIGESTIF_DB=str(tmp / f"bench-{concurrency}-{n}.sqlite3"),
               DIGESTIF_FETCH_ALLOW_NETWORKS="127.0.0.0/8", DIGESTIF_LOG_LEVEL="WARNING")
    if concurrency is not None:
        env["DIGESTIF_INGEST_CONCURRENCY"] = str(concurrency)
    stats(port, "DELETE")
    started = time.time()
    process = subprocess.Popen([sys.executable, "-m", "digestif.cli", "submit", *urls], env=env,
                               cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    tree = TreeCpu(process.pid)
    stdout, stderr = process.communicate()
    wall = time.time() - started
    cpu, main_cpu, worker_cpu = tree.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"digestif submit failed ({process.returncode}):\n{stderr[-3000:]}")
    seen = stats(port)
    ready = sum(1 for line in stdout.splitlines() if " ready " in line)
    return Run(wall, seen["first"] - started if seen["first"] else float("nan"),
               seen["last"] - started if seen["last"] else float("nan"),
               int(seen["max_in_flight"]), int(seen["requests"]), ready, cpu, main_cpu,
               worker_cpu, after.ru_maxrss / 1024)


def show(name: str, run: Run) -> None:
    print(f"{name:<11} wall {run.wall:6.2f} s   first request after {run.first_request:5.2f} s"
          f"   last answer after {run.last_answer:5.2f} s   max in flight "
          f"{run.max_in_flight:3d}\n{'':<11} {run.requests} requests, {run.ready} ready   "
          f"largest process {run.peak_mb:.0f} MB\n{'':<11} CPU {run.cpu:5.2f} s in the process "
          f"tree: {run.main_cpu:.2f} s the bot's event loop process, {run.worker_cpu:.2f} s the "
          f"parser workers ({run.worker_cpu / max(1, run.ready) * 1000:.0f} ms a page), "
          f"{run.cpu - run.main_cpu - run.worker_cpu:.2f} s the rest (forkserver, helpers)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--skip-sequential", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="concurrent runs (default 3)")
    args = parser.parse_args()
    if not PAGES.is_dir():
        print(f"no pages at {PAGES}; nothing to measure")
        return 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(port, child), daemon=True)
    server.start()
    count = parent.recv()
    urls = [f"http://127.0.0.{n % SITES + 1}:{port}/c{n // count}/{n % count}"
            for n in range(LINKS)]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"{LINKS} links to {count} real pages on {SITES} sites answering after "
                  f"{LATENCY * 1000:.0f} ms; whole `digestif submit` command, start to exit")
            runs = sorted((submit(port, urls, Path(tmp), None, n)
                           for n in range(max(1, args.runs))), key=lambda run: run.wall)
            median = runs[len(runs) // 2]
            show("concurrent", median)
            if len(runs) > 1:
                print(f"{'':<11} the median of {len(runs)} runs: "
                      + ", ".join(f"{run.wall:.2f} s" for run in runs))
            if not args.skip_sequential:
                slow = submit(port, urls, Path(tmp), 1)
                show("sequential", slow)
                print(f"speedup     {slow.wall / median.wall:5.1f}x   (goal >= 10x; sequential = "
                      "the same command with DIGESTIF_INGEST_CONCURRENCY=1; "
                      f"{slow.wall / runs[-1].wall:.1f}x to {slow.wall / runs[0].wall:.1f}x "
                      "over the concurrent runs)")
    finally:
        server.terminate()
        server.join()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
