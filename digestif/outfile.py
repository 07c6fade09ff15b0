"""Writing a file the operator named (``digest --out``): whole or not at all."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from bot.errors import OutputFileError


def write_text_atomically(path: Path | str, text: str) -> None:
    """Writes ``text`` to ``path`` through a temporary file in the same folder and a rename, so
    readers see the old file or the new one, and a failure leaves no half-written file.

    Raises OutputFileError with one line naming the path and the reason.
    """
    target = Path(path)
    try:
        mode = target.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None  # a missing folder is named below
    except OSError as err:
        raise OutputFileError(_why(target, err)) from err
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputFileError(f"cannot write {target}: it is a folder")
    if mode is not None and not stat.S_ISREG(mode):
        # A device or pipe (e.g. /dev/stdout) cannot be replaced by a rename: write through.
        _write_in_place(target, text)
        return
    folder = target.parent
    if not folder.is_dir():
        what = f"{folder} is not a folder" if folder.exists() else f"folder {folder} does not exist"
        raise OutputFileError(f"cannot write {target}: {what}")
    temporary = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        # O_EXCL: never follow or reuse someone else's file; 0o666 lets the umask decide.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temporary, stat.S_IMODE(mode))  # replacing a file keeps its permissions
        os.replace(temporary, target)
    except OSError as err:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if err.filename == str(temporary):
            reason = (err.strerror or str(err)).lower()
            raise OutputFileError(
                f"cannot write {target}: cannot create a file in {folder} ({reason})") from err
        raise OutputFileError(_why(target, err)) from err
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _write_in_place(target: Path, text: str) -> None:
    try:
        with target.open("w", encoding="utf-8") as out:
            out.write(text)
    except OSError as err:
        raise OutputFileError(_why(target, err)) from err


def _why(target: Path, err: OSError) -> str:
    reason = (err.strerror or str(err)).lower()
    return f"cannot write {target}: {reason}"
