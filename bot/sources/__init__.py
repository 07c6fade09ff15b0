"""Sources that deserve more than generic article extraction: arXiv, GitHub, YouTube, PDF."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where the special sources live; tests and proxies point them elsewhere."""

    arxiv: str = "https://arxiv.org"
    github: str = "https://github.com"
    youtube: str = "https://www.youtube.com"
