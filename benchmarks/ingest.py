"""Ingest throughput: 500 links against a local server that answers each after 200 ms, through
the real ingest worker (guarded fetch, extraction, offline summary, SQLite).

Prints wall time, the ideal time (500 x 0.2 s / concurrency), their ratio, links/s, peak RSS,
and the event loop's longest stall. Goals: ratio <= 1.25 at the default concurrency, peak RSS
<= 300 MB.   Run: .venv/bin/python benchmarks/ingest.py

The links spread over 50 host names that a local resolver maps to 127.0.0.1, as real links
spread over many sites: the fetcher's per-host politeness limit (4) applies per name, so
16 workers are never throttled by it, while every request still goes through the guard
(resolve, check against DIGESTIF_FETCH_ALLOW_NETWORKS=127.0.0.0/8, connect to the checked
address). The page server runs in its own process, as remote sites would.
"""

from __future__ import annotations

import asyncio
import ipaddress
import multiprocessing
import resource
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from aiohttp import web

from bot.clock import system_clock
from bot.config import Settings
from bot.cpu import CpuPool
from bot.curator import Curator
from bot.events import LinkPosted
from bot.fetch.guard import Address
from bot.ingest import IngestWorker
from bot.models import Member, SubmissionState
from bot.reader import build_reader
from bot.summarize.offline import OfflineSummarizer
from storage.sqlite import SqliteStore

LINKS, LATENCY, HOSTS = 500, float(__import__("os").environ.get("LATENCY", "0.2")), 50
PARAGRAPH = ("Researchers released a new open model this week, and early tests suggest it "
             "matches larger systems on reasoning tasks while costing far less to run. ")


def page(n: int) -> str:
    body = "".join(f"<p>{PARAGRAPH * 3} Item {n}, paragraph {i}.</p>" for i in range(12))
    nav = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(30))
    return (f"<html lang='en'><head><title>Story {n}</title><meta name='author' content='A. "
            f"Writer'></head><body><nav><ul>{nav}</ul></nav><article><h1>Story {n}</h1>"
            f"{body}</article><footer>About · Privacy</footer></body></html>")


class LocalNames:
    async def resolve(self, host: str, port: int) -> list[Address]:
        return [ipaddress.ip_address("127.0.0.1")]


def serve(port_out: Connection) -> None:
    """The remote sites, in their own process as they would be: their CPU is not ours."""
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(LATENCY)  # the remote site's latency, simulated
        return web.Response(text=page(int(request.match_info["n"])), content_type="text/html")

    async def run() -> None:
        app = web.Application()
        app.router.add_get("/story/{n}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, backlog=1024).start()
        port_out.send(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(run())


async def main() -> None:
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(child,), daemon=True)
    server.start()
    port = parent.recv()
    settings = Settings(fetch_allow_networks=(ipaddress.ip_network("127.0.0.0/8"),))
    concurrency = settings.ingest_concurrency
    stall = 0.0

    async def watch_loop() -> None:
        nonlocal stall
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            stall = max(stall, time.perf_counter() - before - 0.005)

    with tempfile.TemporaryDirectory() as tmp:
        cpu = CpuPool(settings.cpu_workers)
        await cpu.start()
        async with SqliteStore(Path(tmp) / "ingest.sqlite3") as store, \
                build_reader(settings, resolver=LocalNames(), cpu=cpu) as reader:
            worker = IngestWorker(store, reader, OfflineSummarizer(cpu), system_clock,
                                  concurrency)
            curator = Curator(store, worker, system_clock)
            await curator.community("bench", "console")
            await worker.start()
            watcher = asyncio.create_task(watch_loop())
            member = Member("m", "m")
            start = time.perf_counter()
            for n in range(LINKS):
                url = f"http://site{n % HOSTS}.bench:{port}/story/{n}"
                await curator.post_link(LinkPosted("bench", member, url))
            await curator.wait_idle()
            wall = time.perf_counter() - start
            watcher.cancel()
            ready = len(await store.list_submissions("bench", states=[SubmissionState.READY]))
            await worker.close()
        await cpu.aclose()
    server.terminate()
    server.join()
    ideal = max(LINKS * LATENCY / concurrency, 1e-9)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"links: {LINKS} ({ready} ready), server latency {LATENCY * 1000:.0f} ms, "
          f"concurrency {concurrency}")
    print(f"wall time:     {wall:6.2f} s")
    print(f"ideal time:    {ideal:6.2f} s")
    print(f"ratio:         {wall / ideal:6.2f}   (goal <= 1.25)")
    print(f"throughput:    {LINKS / wall:6.1f} links/s")
    total_mb = peak_mb + worker_mb * settings.cpu_workers
    print(f"peak RSS:      {total_mb:6.0f} MB = {peak_mb:.0f} MB bot + {worker_mb:.0f} MB per "
          f"worker process x {settings.cpu_workers}   (goal <= 300 MB)")
    print(f"longest event-loop stall: {stall * 1000:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
