"""What the CPU pool's forkserver loads once, before it forks any worker.

Workers are forked from the forkserver, so whatever it holds they share copy-on-write: the
parsers' imports, the language detector's model (mapped from its unpacked copy on disk, see
bot/extract/langid_model.py; ~70 MB) and the public suffix list. Loaded lazily, every worker
paid for it again on its first page without a declared language (16 of the 100 dev pages),
and held its own copy. Not pypdf: the preload is on every start-up's way to the first page,
and a worker imports it on its first PDF instead (~50 ms, once).
"""

from __future__ import annotations

import contextlib
import gc

import bot.extract  # imported here for every worker to share
import bot.summarize.offline  # noqa: F401
from bot.extract.language import warm

# A model that cannot load here is loaded (and fails with its own error) on first need
# instead: the forkserver must come up either way.
with contextlib.suppress(Exception):
    warm()
with contextlib.suppress(Exception):
    # trafilatura's metadata fallback names a page's domain through the public suffix list,
    # which tld parses on its first use (~45 ms a process)
    from courlan.urlutils import extract_domain

    extract_domain("https://www.example.com/")

# Everything loaded so far lives as long as the workers: out of the garbage collector's sight,
# their collections do not walk it on every page, nor write to (and so copy) the shared pages.
gc.freeze()
