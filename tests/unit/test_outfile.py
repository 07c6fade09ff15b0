"""Writing the file an operator names with `digest --out`: whole or not at all, and a one-line
reason naming the path when it cannot be written."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from bot.errors import OutputFileError, StorageError
from digestif.outfile import write_text_atomically


def test_places_that_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("a file")
    cases = {
        tmp_path / "missing" / "x.md": f"folder {tmp_path / 'missing'} does not exist",
        tmp_path: "it is a folder",
        blocker / "x.md": f"{blocker} is not a folder",
    }
    for out, reason in cases.items():
        with pytest.raises(OutputFileError) as caught:
            write_text_atomically(out, "text")
        assert str(caught.value) == f"cannot write {out}: {reason}"
        assert isinstance(caught.value, StorageError)  # the CLI's exit code 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]
    assert blocker.read_text() == "a file"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a Linux /proc")
def test_a_folder_that_takes_no_new_files() -> None:
    with pytest.raises(OutputFileError) as caught:
        write_text_atomically("/proc/digestif-test.md", "text")
    assert str(caught.value).startswith(
        "cannot write /proc/digestif-test.md: cannot create a file in /proc (")
    assert isinstance(caught.value.__cause__, OSError)


def test_replaces_a_file_whole_and_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "digest.md"
    out.write_text("old")
    out.chmod(0o640)
    write_text_atomically(out, "new digest\n")
    assert out.read_text() == "new digest\n"
    assert out.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["digest.md"]


def test_a_named_pipe_is_written_through(tmp_path: Path) -> None:
    # A pipe (like /dev/stdout) cannot be replaced by a rename; the reader must get the text.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_text_atomically(fifo, "digest text\n")
    reader.join(timeout=30)
    assert received == ["digest text\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
