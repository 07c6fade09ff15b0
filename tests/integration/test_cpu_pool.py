"""The CPU pool's workers come from a forkserver that has already loaded what every page may
need, so no worker pays for it (or holds its own copy) on its first page."""

from __future__ import annotations

import gc
import os

from bot.cpu import CpuPool
from bot.extract import language


def _worker_state() -> tuple[int, int, int]:
    """(this process's id, 1 if the language model is loaded here before any page was read,
    how many inherited objects the garbage collector leaves alone)."""
    return os.getpid(), language._identifier.cache_info().currsize, gc.get_freeze_count()


async def test_workers_start_with_the_language_model_loaded() -> None:
    cpu = CpuPool(2)
    try:
        await cpu.start()
        states = [await cpu.run(_worker_state) for _ in range(4)]
    finally:
        await cpu.aclose()
    assert all(pid != os.getpid() for pid, _, _ in states)  # really in worker processes
    assert all(loaded == 1 for _, loaded, _ in states)
    # the preloaded modules and model are frozen: per-page collections never walk them
    assert all(frozen > 10_000 for _, _, frozen in states)


async def test_a_page_without_a_declared_language_is_detected_in_a_worker() -> None:
    text = ("The harbour authority opened the new ferry terminal on Monday after three years "
            "of work, and passengers now board from a covered hall with heated seats.")
    cpu = CpuPool(1)
    try:
        found = await cpu.run(language.detect_language, text)
    finally:
        await cpu.aclose()
    assert found == "en"
