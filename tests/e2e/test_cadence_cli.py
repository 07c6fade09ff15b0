"""`digestif digest --period` takes every cadence's label, whatever the community's cadence."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.e2e.test_digest_export import _digestif, db  # noqa: F401  (the export fixture)


@pytest.mark.parametrize(("label", "key"), [
    ("2026-12-03", "2026-12-03"), ("2026-w49", "2026-W49"), ("2026-w53+w1", "2026-W53+W01"),
    ("2026-12", "2026-12")])
def test_every_label_form_exports(db: dict[str, str], label: str, key: str) -> None:  # noqa: F811
    exported = json.loads(_digestif(db, "--format", "json", "--period", label))
    assert exported["period"]["key"] == key


def test_stats_on_the_command_line(db: dict[str, str]) -> None:  # noqa: F811
    run = subprocess.run([sys.executable, "-m", "digestif.cli", "stats", "--community", "local"],
                         env=db, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "Last 30 days: 3 links shared · 6 votes cast · 0 picks"
    assert "Top sites (links shared): news.test (3)" in run.stdout
    missing = subprocess.run([sys.executable, "-m", "digestif.cli", "stats", "--community",
                              "nope"], env=db, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "no community 'nope'" in missing.stderr
