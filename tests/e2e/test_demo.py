"""`digestif demo` end to end, as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def test_demo_prints_a_full_digest(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DIGESTIF_"))}
    run = subprocess.run([sys.executable, "-m", "bot.cli", "demo"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=180)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    picks = re.findall(r"^### \d+\. (.+)$", out, flags=re.MULTILINE)
    assert len(picks) >= 8
    blocks = re.split(r"^### ", out, flags=re.MULTILINE)[1:]
    for block in blocks:
        assert re.search(r"Shared by \S.* · \d+ votes? · #\d+", block)
    assert "Already queued as #1." in out
    quantization = next(b for b in blocks if "4-bit quantization" in b)
    assert "Shared by Ada, Linus" in quantization
    paywalled = next(b for b in blocks if "gigawatt data centers" in b)
    assert "Not summarized: the page is a paywall." in paywalled
    assert "Utilities across three continents" not in paywalled
    assert list(tmp_path.iterdir()) == [], "the demo writes nothing outside a temp directory"
