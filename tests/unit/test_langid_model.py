"""The language model is unpacked once into the cache folder and mapped from there; a damaged
copy is unpacked again, a cache that cannot be used falls back to py3langid's own loader.
Either way the answers are py3langid's."""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import Any

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from bot.extract.langid_model import load_identifier
from tests.unit.test_extract_language import PASSAGES

SAMPLES = [*PASSAGES.values(), "OK", "", "1234 5678", "Ünïcödé ümläüts everywhere"]


@pytest.fixture(scope="module")
def reference() -> Any:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "digestif"


def assert_same_answers(got: Any, reference: Any) -> None:
    for text in SAMPLES:
        assert got.classify(text) == reference.classify(text)
        assert got.rank(text) == reference.rank(text)


def is_mapped(identifier: Any) -> bool:
    base = identifier.nb_ptc
    while getattr(base, "base", None) is not None:
        base = base.base
    return isinstance(base, mmap.mmap)


def test_the_first_load_unpacks_the_model_and_later_loads_map_it(
        cache: Path, reference: Any) -> None:
    first = load_identifier()
    [folder] = cache.iterdir()
    assert sorted(p.name for p in folder.iterdir()) == [
        "classes.npy", "nextmove.npy", "nextmove_row.npy", "out_feat.npy", "pc.npy", "ptc.npy"]
    second = load_identifier()
    assert is_mapped(second)
    assert_same_answers(first, reference)
    assert_same_answers(second, reference)


def test_a_damaged_cache_is_unpacked_again(cache: Path, reference: Any) -> None:
    load_identifier()
    [folder] = cache.iterdir()
    (folder / "nextmove.npy").write_bytes(b"\x93NUMPY broken")
    got = load_identifier()
    assert is_mapped(got)
    assert_same_answers(got, reference)


def test_an_unwritable_cache_falls_back_to_the_packed_model(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, reference: Any) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    got = load_identifier()
    assert not is_mapped(got)
    assert_same_answers(got, reference)
