"""Failover: kill -9 one of three worker processes in the middle of 500 links.

Three `digestif run --role worker` processes share one database. 500 links to a local page
server (127.0.0.1, its own process, each page answering after LATENCY seconds) are queued
straight into the database, as a gateway process would. When about a third are ready, one
worker is killed with SIGKILL: the jobs it held keep their leases until they lapse, then the
other two take them over.

Printed: the jobs the dead worker held, the time from the kill until the last of them was
claimed again ("taken over"), its ratio to the lease (goal <= 2x), and the end state: every
link ready, exactly one row each, and how many were fetched more than once (the dead worker's
fetches that never finished).

Run: .venv/bin/python benchmarks/failover.py [--lease 5] [--links 500]
     [--database-url sqlite:///path | postgresql://...] (default: a fresh SQLite file; on
     PostgreSQL the run has a schema of its own in that database, dropped at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp
from aiohttp import web

REPO = Path(__file__).resolve().parents[1]
LATENCY = 0.2
WORKERS = 3
PARAGRAPH = ("The lab released the model on Tuesday, with weights, a report on how it was "
             "trained, and an evaluation that its authors say others can repeat. ")


def page(n: int) -> bytes:
    body = "".join(f"<p>{PARAGRAPH * 3} Item {n}, paragraph {i}.</p>" for i in range(6))
    return (f"<!doctype html><html lang='en'><head><title>Story number {n}</title></head>"
            f"<body><article><h1>Story number {n}</h1>{body}</article></body></html>").encode()


def serve(port: int, ready: Connection) -> None:
    """The pages, in their own process; counts the requests per page."""
    seen: dict[str, int] = {}

    async def one(request: web.Request) -> web.Response:
        seen[request.match_info["n"]] = seen.get(request.match_info["n"], 0) + 1
        await asyncio.sleep(LATENCY)
        return web.Response(body=page(int(request.match_info["n"])), content_type="text/html")

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(seen)

    async def run() -> None:
        app = web.Application()
        app.router.add_get("/p/{n}", one)
        app.router.add_get("/stats", stats)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        ready.send(True)
        await asyncio.Event().wait()

    asyncio.run(run())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The database, through whichever driver its URL names --------------------------------------

class Database:
    """A few reads and the queueing, in portable SQL, on SQLite or PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite:")
        self.path = url.split("://", 1)[1] if self.sqlite else ""
        self._pg: Any = None
        self._server = ""  # PostgreSQL: the URL without the run's schema
        self._schema = ""

    def env(self) -> dict[str, str]:
        return {"DIGESTIF_DB": self.path} if self.sqlite else {"DIGESTIF_DATABASE_URL": self.url}

    async def prepare(self, urls: Sequence[str]) -> None:
        """Create the schema (the app's own migrations) and queue the links."""
        from bot.config import Settings
        from bot.models import Member
        from digestif.bootstrap import STORES

        kind = "sqlite" if self.sqlite else "postgresql"
        if kind not in STORES:
            raise SystemExit(f"no {kind} store in this build: cannot run on {self.url}")
        if not self.sqlite:
            await self._own_schema()
        settings = Settings(**({"db_path": Path(self.path)} if self.sqlite
                               else {"database_url": self.url}))
        async with STORES[kind](settings) as store:
            await store.ensure_community("bench", "console", "bench")
            now = datetime.now(UTC)
            for url in urls:
                await store.add_submission("bench", url, url, Member("b", "Bench"), now)

    async def _own_schema(self) -> None:
        """A new empty schema for this run; the workers use it through the URL."""
        import asyncpg

        self._server, self._schema = self.url, f"failover_{secrets.token_hex(4)}"
        admin = await asyncpg.connect(self._server)
        try:
            await admin.execute(f'CREATE SCHEMA "{self._schema}"')
        finally:
            await admin.close()
        parts = urlsplit(self._server)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"]
        query.append(("search_path", self._schema))
        self.url = urlunsplit(parts._replace(query=urlencode(query)))

    async def rows(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        if self.sqlite:
            return await asyncio.to_thread(self._sqlite_rows, sql, args)
        if self._pg is None:
            import asyncpg

            self._pg = await asyncpg.connect(self.url)
        numbered = sql
        for i in range(1, sql.count("?") + 1):
            numbered = numbered.replace("?", f"${i}", 1)
        return [tuple(r) for r in await self._pg.fetch(numbered, *args)]

    def _sqlite_rows(self, sql: str, args: tuple[object, ...]) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.path, timeout=30) as db:
            return list(db.execute(sql, args).fetchall())

    async def close(self) -> None:
        if self._pg is not None:
            await self._pg.close()
        if self._schema:
            import asyncpg

            admin = await asyncpg.connect(self._server)
            try:
                await admin.execute(f'DROP SCHEMA "{self._schema}" CASCADE')
            finally:
                await admin.close()


# The run ---------------------------------------------------------------------------------

@dataclass
class Figures:
    orphans: int
    takeover: float
    ready: int
    rows: int
    refetched: int
    total: float


def start_worker(db: Database, lease: float, concurrency: int, log: Path, **extra: str
                 ) -> subprocess.Popen[bytes]:
    """`digestif run --role worker` on ``db``; ``extra``: more settings (environment)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DISCORD_", "SLACK_", "OPENAI_", "DIGESTIF_"))}
    env.update(db.env(), DIGESTIF_LEASE_SECONDS=str(lease), DIGESTIF_CPU_WORKERS="0",
               DIGESTIF_INGEST_CONCURRENCY=str(concurrency), DIGESTIF_LOG_LEVEL="WARNING",
               DIGESTIF_FETCH_ALLOW_NETWORKS="127.0.0.0/8", **extra)
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "digestif.cli", "run", "--role", "worker"],
                                env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                cwd=REPO)


async def ready_count(db: Database) -> int:
    [(count,)] = await db.rows("SELECT count(*) FROM submissions WHERE state = 'ready'")
    return int(count)


async def held_by(db: Database, pid: int) -> set[int]:
    rows = await db.rows("SELECT id FROM submissions WHERE state = 'fetching' "
                         "AND lease_owner LIKE ?", f"%:{pid}:%")
    return {int(r[0]) for r in rows}


async def run(db: Database, links: int, lease: float, concurrency: int, tmp: Path) -> Figures:
    port = free_port()
    theirs, ours = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(port, ours), daemon=True)
    server.start()
    theirs.recv()
    workers: list[subprocess.Popen[bytes]] = []
    try:
        await db.prepare([f"http://127.0.0.1:{port}/p/{n}" for n in range(links)])
        started = time.monotonic()
        workers = [start_worker(db, lease, concurrency, tmp / f"worker{i}.log")
                   for i in range(WORKERS)]
        victim = workers[0]
        while True:  # about a third done, and the victim holds work
            orphans = await held_by(db, victim.pid)
            if await ready_count(db) >= links // 3 and orphans:
                break
            await asyncio.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        await asyncio.to_thread(victim.wait)
        orphans = await held_by(db, victim.pid)  # what it held when it died
        # Another process's database is all there is to watch: polled every 20 ms.
        while await held_by(db, victim.pid):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
        takeover = time.monotonic() - killed
        while await ready_count(db) < links:
            [(failed,)] = await db.rows(
                "SELECT count(*) FROM submissions WHERE state = 'failed'")
            if failed:
                raise SystemExit(f"{failed} link(s) failed; see the logs in {tmp}")
            await asyncio.sleep(0.05)
        total = time.monotonic() - started
        ready = await ready_count(db)
        [(rows,)] = await db.rows("SELECT count(*) FROM submissions")
        async with aiohttp.ClientSession() as http, \
                http.get(f"http://127.0.0.1:{port}/stats") as response:
            seen: dict[str, int] = await response.json()
        refetched = sum(1 for count in seen.values() if count > 1)
        return Figures(len(orphans), takeover, ready, int(rows), refetched, total)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
        server.kill()
        await db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None,
                        help="sqlite:///PATH or postgresql://... (default: a fresh SQLite file)")
    parser.add_argument("--links", type=int, default=500)
    parser.add_argument("--lease", type=float, default=5.0, help="DIGESTIF_LEASE_SECONDS")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="DIGESTIF_INGEST_CONCURRENCY of each worker")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="failover-") as folder:
        tmp = Path(folder)
        url = args.database_url or f"sqlite://{tmp / 'failover.sqlite3'}"
        figures = asyncio.run(run(Database(url), args.links, args.lease, args.concurrency, tmp))
    ratio = figures.takeover / args.lease
    print(f"failover: {WORKERS} workers, {args.links} links at {LATENCY * 1000:.0f} ms, "
          f"lease {args.lease:g} s, one worker killed (SIGKILL) holding {figures.orphans} jobs")
    print(f"  taken over after   {figures.takeover:6.2f} s   = {ratio:.2f}x the lease "
          f"(goal <= 2x) {'ok' if ratio <= 2 else 'NOT MET'}")
    print(f"  end state          {figures.ready}/{args.links} ready, {figures.rows} rows "
          f"(one per link), {figures.refetched} page(s) fetched again after the kill")
    print(f"  whole run          {figures.total:6.2f} s")
    exactly_once = figures.ready == figures.rows == args.links
    return 0 if exactly_once and ratio <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
