"""Ingest shared by worker processes: 1, 2 and 4 `digestif run --role worker` on one database.

2,000 links to a local page server (127.0.0.1, its own process, each page answering after
200 ms) are queued straight into the database, as gateway processes would; then N worker
processes read them, sharing the work through leased jobs. Each worker reads at most
CONCURRENCY pages at once (DIGESTIF_INGEST_CONCURRENCY and DIGESTIF_FETCH_PER_HOST), so one
process is bound by the pages' latency, as a bot reading the web is, and more processes
should read proportionally more. Printed: links per second for each N, and the ratio to one
process (goal: 2 processes >= 1.7x one), and that every link ended ready, one row each.

Run: .venv/bin/python benchmarks/scale_out.py [--database-url postgresql://...]
     [--links 2000] [--workers 1 2 4]
Without --database-url it uses PostgreSQL at postgresql://postgres@127.0.0.1:5432/test when
one answers (each run in a fresh schema, dropped afterwards), else a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import secrets
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.failover import LATENCY, Database, free_port, ready_count, serve, start_worker

LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/test"
CONCURRENCY = 8
LEASE = 30.0


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


async def fresh_schema(url: str) -> tuple[str, str]:
    """A schema of its own for one run: (the URL that uses it, the schema's name)."""
    import asyncpg  # type: ignore[import-not-found]  # only for PostgreSQL runs

    name = f"bench_{secrets.token_hex(4)}"
    connection: Any = await asyncpg.connect(url)
    try:
        await connection.execute(f"CREATE SCHEMA {name}")
    finally:
        await connection.close()
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}search_path={name}", name


async def drop_schema(url: str, name: str) -> None:
    import asyncpg

    connection: Any = await asyncpg.connect(url)
    try:
        await connection.execute(f"DROP SCHEMA {name} CASCADE")
    finally:
        await connection.close()


async def one_run(base_url: str | None, workers: int, links: int, port: int,
                  tmp: Path) -> tuple[float, int, int]:
    """Seconds until every link is ready, with ``workers`` processes; (seconds, ready, rows)."""
    schema = ""
    if base_url is None:
        url = f"sqlite://{tmp / f'scale-{workers}.sqlite3'}"
    elif base_url.startswith("postgresql"):
        url, schema = await fresh_schema(base_url)
    else:
        url = f"{base_url}-{workers}"  # a SQLite file of its own for each run
    db = Database(url)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        await db.prepare([f"http://127.0.0.1:{port}/p/{workers * 1_000_000 + n}"
                          for n in range(links)])
        started = time.monotonic()
        processes = [start_worker(db, LEASE, CONCURRENCY, tmp / f"w{workers}-{i}.log",
                                  DIGESTIF_FETCH_PER_HOST=str(CONCURRENCY))
                     for i in range(workers)]
        # Other processes' database is all there is to watch: polled every 50 ms.
        while await ready_count(db) < links:
            [(failed,)] = await db.rows("SELECT count(*) FROM submissions WHERE state = 'failed'")
            if failed:
                raise SystemExit(f"{failed} link(s) failed; see the logs in {tmp}")
            await asyncio.sleep(0.05)
        seconds = time.monotonic() - started
        [(rows,)] = await db.rows("SELECT count(*) FROM submissions")
        return seconds, await ready_count(db), int(rows)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        await db.close()
        if schema and base_url is not None:
            await drop_schema(base_url, schema)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None,
                        help="postgresql://... or sqlite:///PATH (default: the local "
                             "PostgreSQL when it answers, else a fresh SQLite file)")
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    base = args.database_url or (LOCAL_PG if postgres_answers() else None)
    port = free_port()
    theirs, ours = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(port, ours), daemon=True)
    server.start()
    theirs.recv()
    rates: dict[int, float] = {}
    exact = True
    try:
        with tempfile.TemporaryDirectory(prefix="scale-out-") as folder:
            for workers in args.workers:
                seconds, ready, rows = asyncio.run(
                    one_run(base, workers, args.links, port, Path(folder)))
                rates[workers] = args.links / seconds
                exact = exact and ready == rows == args.links
                print(f"  {workers} worker process(es): {seconds:6.2f} s, "
                      f"{rates[workers]:6.1f} links/s, {ready}/{args.links} ready, "
                      f"{rows} rows", flush=True)
    finally:
        server.kill()
    where = "SQLite" if base is None or base.startswith("sqlite") else "PostgreSQL"
    print(f"scale-out ingest on {where}: {args.links} links at {LATENCY * 1000:.0f} ms, "
          f"{CONCURRENCY} pages at once per process")
    one = rates.get(1)
    for workers, rate in rates.items():
        if one and workers != 1:
            goal = " (goal >= 1.7x)" if workers == 2 else ""
            verdict = (" ok" if rate / one >= 1.7 else " NOT MET") if workers == 2 else ""
            print(f"  {workers} processes: {rate / one:.2f}x one process{goal}{verdict}")
    met = one is None or 2 not in rates or rates[2] / one >= 1.7
    return 0 if exact and met else 1


if __name__ == "__main__":
    raise SystemExit(main())
