"""Starting the bot as a terminal or a service manager would, whatever started the tests."""

from __future__ import annotations

import os
import signal


def own_session_with_default_signals() -> None:
    """A ``preexec_fn``: the child leads its own process group (so the test can signal the
    whole group) and gets Ctrl-C's default disposition back. A shell that runs the suite as a
    background job hands its children SIGINT *ignored*, and Python then never installs its
    KeyboardInterrupt handler: Ctrl-C would test nothing."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
