"""One build at a time per project folder, and no orphaned worker after an interrupt.

:class:`BuildLock` holds an ``fcntl`` lock on ``build/report.lock`` for the whole build; a second
``make report`` started meanwhile says which process holds it and waits. :func:`run_child` runs
the build in its own process group and forwards SIGINT/SIGTERM to the whole group (make, the
factsheet pool and its workers), so that stopping the build stops all of it.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from analysis import paths


class BuildLock:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.fh = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = self.path.open("a+")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.seek(0)
            holder = self.fh.read().strip() or "another process"
            print(f"[report] another build is running in this folder ({holder}; lock "
                  f"{paths.display(self.path)}): waiting for it to finish", file=sys.stderr)
            fcntl.flock(self.fh, fcntl.LOCK_EX)
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(f"pid {os.getpid()}, started {time.strftime('%H:%M:%S')}\n")
        self.fh.flush()
        return self

    def __exit__(self, *exc):
        self.fh.seek(0)
        self.fh.truncate()
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()
        return False


def die_with_parent() -> None:
    """Ask Linux to send SIGTERM to this process when its parent dies (no-op elsewhere)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


MAKE_ERROR = re.compile(rb"^make(\[\d+\])?: \*\*\* ")
# ipykernel prints this when papermill stops a kernel after a failed cell: noise, not an error
KERNEL_NOISE = re.compile(rb"\[IPKernelApp\] ERROR \| KeyboardInterrupt caught in kernel\.?\r?\n?")


def copy_stderr(src, dst=None) -> None:
    """Copy the build's stderr as it comes (progress bars included), minus make's own
    ``make[1]: *** [...] Error 2`` lines: the failing step has printed the real message already."""
    dst = dst or sys.stderr.buffer
    pending = b""  # start of a line that may turn out to be a make error line
    while chunk := os.read(src.fileno(), 65536):
        pending += chunk
        while pending:
            cut = min((i for i in (pending.find(b"\n"), pending.find(b"\r")) if i >= 0), default=-1)
            if cut < 0:
                if not b"make".startswith(pending[:4]) and not pending.startswith(b"make"):
                    dst.write(pending)
                    pending = b""
                break
            line, pending = pending[:cut + 1], pending[cut + 1:]
            if not MAKE_ERROR.match(line):
                dst.write(KERNEL_NOISE.sub(b"", line))
        dst.flush()
    if pending and not MAKE_ERROR.match(pending):
        dst.write(pending)
        dst.flush()


def run_child(command: list[str]) -> int:
    """Run ``command`` in a new process group; SIGINT/SIGTERM here stop the whole group."""
    die_with_parent()
    child = subprocess.Popen(command, start_new_session=True, stderr=subprocess.PIPE)
    copier = threading.Thread(target=copy_stderr, args=(child.stderr,), daemon=True)
    copier.start()

    def forward(signum, _frame):
        try:
            os.killpg(child.pid, signum)
        except ProcessLookupError:
            pass

    old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        rc = child.wait()
        copier.join(timeout=5)
        # make is gone; give workers it started a moment, then stop what is left of the group
        try:
            os.killpg(child.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    finally:
        for s, h in old.items():
            signal.signal(s, h)
    return rc


def remove_temp_files(folder: Path) -> int:
    """Delete temporary outputs (names starting with '.') that an interrupted build left."""
    n = 0
    for path in Path(folder).rglob(".*"):
        if path.is_file() and path.name not in {".gitkeep"}:
            path.unlink(missing_ok=True)
            n += 1
    return n
