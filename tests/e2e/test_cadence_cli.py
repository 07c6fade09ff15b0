"""`digestif digest --period` takes every cadence's label, whatever the community's cadence."""

from __future__ import annotations

import json

import pytest

from tests.e2e.test_digest_export import _digestif, db  # noqa: F401  (the export fixture)


@pytest.mark.parametrize(("label", "key"), [
    ("2026-12-03", "2026-12-03"), ("2026-w49", "2026-W49"), ("2026-w53+w1", "2026-W53+W01"),
    ("2026-12", "2026-12")])
def test_every_label_form_exports(db: dict[str, str], label: str, key: str) -> None:  # noqa: F811
    exported = json.loads(_digestif(db, "--format", "json", "--period", label))
    assert exported["period"]["key"] == key
