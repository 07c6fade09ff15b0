"""py3langid's model, unpacked once on disk and mapped from there.

The model ships LZMA-compressed (4.5 MB, 68 MB unpacked); unpacking it costs ~0.45 s of CPU in
every process that loads it (each start of the CPU pool's forkserver, so each CLI command). It
is unpacked once into the user's cache folder ($XDG_CACHE_HOME or ~/.cache, under
digestif/), one .npy file per array, keyed by py3langid's version and the model file's size
and time. Later loads map those files read-only: the pages are shared with every process
through the OS page cache, nothing is decompressed or copied.

A damaged copy is unpacked again; any other problem with the cache (no home folder, a
read-only disk) falls back to py3langid's own loader. The answers are the same either way.
"""

from __future__ import annotations

import contextlib
import lzma
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Literal

import numpy as np

_CODES: dict[int, Literal["H", "I", "Q"]] = {2: "H", 4: "I", 8: "Q"}
_FILES = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def load_identifier() -> Any:
    """A py3langid LanguageIdentifier with probabilities normalized (as
    ``LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)``)."""
    import py3langid
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    packed = MODEL_DIR / MODEL_FILE
    folder = cache_folder(packed, str(getattr(py3langid, "__version__", "")))
    for _ in range(2 if folder is not None else 0):  # a damaged copy is unpacked again once
        assert folder is not None
        with contextlib.suppress(OSError, ValueError):
            if not folder.is_dir():
                _unpack(packed, folder)
            return _mapped(folder, LanguageIdentifier)
        shutil.rmtree(folder, ignore_errors=True)
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def cache_folder(packed: Path, version: str) -> Path | None:
    """Where the unpacked model of ``packed`` lives, or None when there is no cache folder."""
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        stat = packed.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    return base / "digestif" / f"py3langid-{version}-{stat.st_size}-{stat.st_mtime_ns}"


def _unpack(packed: Path, folder: Path) -> None:
    """Decompress the model's .npz (an uncompressed zip of .npy files) into ``folder``; a
    half-written folder is never seen (built beside it, then renamed into place)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=folder.parent))
    try:
        with tempfile.TemporaryFile(dir=folder.parent) as npz:
            with lzma.open(packed) as source:
                shutil.copyfileobj(source, npz, length=1 << 20)
            npz.seek(0)
            with zipfile.ZipFile(npz) as archive:
                for name in _FILES:
                    with archive.open(f"{name}.npy") as member, \
                            (building / f"{name}.npy").open("wb") as out:
                        shutil.copyfileobj(member, out, length=1 << 20)
        with contextlib.suppress(OSError):  # another process may have just done the same
            building.rename(folder)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _mapped(folder: Path, identifier: Any) -> Any:
    def load(name: str, mapped: bool = False) -> Any:
        return np.load(folder / f"{name}.npy", mmap_mode="r" if mapped else None,
                       allow_pickle=False)

    # The two big tables stay in the mapped files; py3langid only reads them.
    ptc = load("ptc", mapped=True).view(np.ndarray)
    nextmove = _words(load("nextmove", mapped=True))
    return identifier(ptc, load("pc"), load("classes").tolist(), nextmove,
                      load("out_feat").tolist(), norm_probs=True,
                      tk_row=_words(load("nextmove_row")))


def _words(array: Any) -> memoryview:
    """An unsigned integer array as py3langid's loader hands it over (indexable ints)."""
    if array.dtype.kind != "u" or array.dtype.itemsize not in _CODES:
        raise ValueError(f"unexpected model array type {array.dtype}")
    raw: memoryview = np.ascontiguousarray(array).data
    return raw.cast("B").cast(_CODES[array.dtype.itemsize])
