"""Imported where extraction will run many times (the worker forkserver, see bot.cpu.PRELOAD,
and the benchmarks): loads the language model once, before the first page, so no page waits
a second for it and forked workers share one copy."""

from __future__ import annotations

from bot.extract.language import warm

warm()
