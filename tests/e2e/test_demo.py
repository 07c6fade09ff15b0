"""`digestif demo` end to end, as a user runs it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path


def test_demo_prints_a_full_digest(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DIGESTIF_"))}
    run = subprocess.run([sys.executable, "-m", "digestif.cli", "demo"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=180)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    picks = re.findall(r"^### \d+\. (.+)$", out, flags=re.MULTILINE)
    assert len(picks) >= 8
    digest = out[out.index("\n# "):]
    assert digest.startswith("\n# AI/ML Reading Club digest · ")
    assert not re.search(r"#\d", digest), "no internal numbers in the published digest"
    order = [digest.index(mark) for mark in ("Welcome to this week", "## TL;DR",
                                             "## Top picks", "## Also shared", "This week:")]
    assert order == sorted(order)
    bullets = re.findall(r"^- (\S+) (.+)$", digest.split("## TL;DR")[1].split("## Top")[0],
                         flags=re.MULTILINE)
    titles = [re.sub(r"^\[(.+?)\]\(.*", r"\1", p) for p in picks]
    assert 5 <= len(bullets) <= 6
    for _, text in bullets[:5]:
        assert re.search(r"[.!?]$", text), f"a bullet ends at a sentence or clause: {text}"
        assert not any(text.lower().startswith(t.lower()[:30]) for t in titles), text
    blocks = re.split(r"^### ", out, flags=re.MULTILINE)[1:]
    for block in blocks:
        assert re.search(r"^Shared by \S.* · \d+ votes?$", block, flags=re.MULTILINE)
        assert re.search(r"\) by [A-Z][a-z]+ [A-Z][a-z]+ · \S", block), "a clean by-line"
    assert "Already queued as #1." in out
    quantization = next(b for b in blocks if "4-bit quantization" in b)
    assert "Shared by Ada and Linus" in quantization
    paywalled = next(b for b in blocks if "gigawatt data centers" in b)
    assert "Not summarized: the page is a paywall." in paywalled
    assert "Utilities across three continents" not in paywalled
    kept = [p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()]
    assert kept == [Path("data/digestif.sqlite3")], "only the posted digest is kept"
    assert "Browse it: digestif serve, then http://127.0.0.1:3000/c/demo/" in out


def test_after_the_demo_serve_shows_its_archive(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DIGESTIF_"))}
    demo = subprocess.run([sys.executable, "-m", "digestif.cli", "demo"], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=180)
    assert demo.returncode == 0, demo.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve = subprocess.Popen([sys.executable, "-m", "digestif.cli", "serve"], cwd=tmp_path,
                             env={**env, "DIGESTIF_HTTP_PORT": str(port)},
                             stderr=subprocess.PIPE, text=True)
    try:
        assert serve.stderr is not None
        for line in serve.stderr:  # ready when it says where it listens
            if "listening on" in line:
                assert f"(web archive at http://127.0.0.1:{port}/)" in line
                break
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(base + "/") as front:
            assert 'href="/c/demo/"' in front.read().decode()
        with urllib.request.urlopen(base + "/c/demo/") as archive:
            week = re.findall(r'href="(/c/demo/\d{4}-W\d{2})"', archive.read().decode())
        assert len(week) == 1
        with urllib.request.urlopen(base + week[0]) as page:
            html = page.read().decode()
        assert "<title>AI/ML Reading Club digest · " in html
        assert "Welcome to this week" in html and "Also shared" in html
    finally:
        serve.terminate()
        assert serve.wait(timeout=30) == 0, "a clean stop on SIGTERM"
