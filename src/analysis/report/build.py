"""Run a notebook with papermill and render it to HTML and PDF, atomically.

Used by the Makefile, one call per report (the same as ``redes build NOTEBOOK ...``)::

    python -m analysis.report.build run notebooks/report_main.ipynb \
        --executed build/report_main.ipynb --html reports/informe.html --pdf reports/informe.pdf \
        --title "..." -p lang es

``fanout`` runs the factsheet notebook once per network and chain over a process pool.
A step that fails leaves no output behind: every file is written under a temporary name in
the same folder and moved into place only when the whole step succeeded.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from analysis import paths

KERNEL = "redes-laredo"


def _ipc_kernel_manager():
    """A kernel manager talking to its kernel over local IPC sockets instead of TCP ports.

    Kernels started at the same moment by parallel builds can otherwise race for the same TCP
    port ("Address already in use"); IPC endpoints are unique files, and nothing listens on the
    network.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            # A unique socket prefix per kernel: the default ("kernel-ipc" in the working folder)
            # is shared by kernels started together, which then read each other's messages.
            kwargs.setdefault("ip", os.path.join(tempfile.gettempdir(), f"redes-kernel-{uuid.uuid4().hex}"))
            super().__init__(**kwargs)

    return IPCKernelManager


# Exceptions that describe a problem of the delivery or the config, not of the code: the user
# sees only their message (the traceback goes to the log file).
USER_ERRORS = {"SurveyConfigError", "SurveyValidationError", "PIILeakError"}


class UserFacingError(Exception):
    """A notebook stopped on a problem of the user's data or config; ``str()`` is the message only."""

    def __init__(self, message: str, log_path: Path | None = None):
        self.log_path = log_path
        super().__init__(message)


def default_parameters(lang: str = "es", reports_dir: Path | None = None,
                       processed_dir: Path | None = None) -> dict:
    """Parameters every notebook takes, as absolute paths (papermill runs in ``notebooks/``)."""
    return {
        "raw_dir": str(paths.DATA_RAW),
        "processed_dir": str(Path(processed_dir or paths.DATA_PROCESSED).resolve()),
        "reports_dir": str(Path(reports_dir or paths.REPORTS).resolve()),
        "lang": lang,
    }


def public_mode() -> int:
    """0666 minus the umask: the mode ``open()`` would give (mkstemp gives 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_outputs(*targets: Path | None):
    """Yield temporary paths for ``targets``; move them into place only if the block succeeds."""
    temps = []
    for target in targets:
        if target is None:
            temps.append(None)
            continue
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
        os.close(fd)
        temps.append(Path(tmp))
    try:
        yield temps
    except BaseException:
        for tmp in temps:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        raise
    mode = public_mode()
    for tmp, target in zip(temps, targets):
        if tmp is not None:
            os.chmod(tmp, mode)
            os.replace(tmp, target)


def execute(notebook: Path, executed: Path, parameters: dict, progress: bool = True) -> float:
    """Execute ``notebook`` with papermill into ``executed``; return seconds spent."""
    import papermill as pm

    from analysis.reproducible import pin_hash_seed

    pin_hash_seed()  # the kernel's string hashes (set orders, hence float sums) fixed
    start = time.perf_counter()
    try:
        with atomic_outputs(executed) as (tmp,):
            pm.execute_notebook(
                str(notebook),
                str(tmp),
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=str(Path(notebook).resolve().parent),
                progress_bar=progress,
                kernel_manager_class=_ipc_kernel_manager(),
            )
    except pm.PapermillExecutionError as exc:
        if exc.ename in USER_ERRORS:
            raise UserFacingError(exc.evalue, write_error_log(Path(executed), str(exc))) from None
        raise
    return time.perf_counter() - start


def write_error_log(executed: Path, text: str) -> Path:
    """Keep the full papermill error (cell, traceback) next to the executed notebook."""
    log = Path(executed).with_suffix(".error.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(_strip_ansi(text), encoding="utf-8")
    return log


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def error_summary(exc: BaseException) -> str:
    """``Name: message`` of the error raised inside the notebook (or of ``exc`` itself)."""
    if isinstance(exc, UserFacingError):
        return str(exc)
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None)
    value = str(exc) if value is None else value
    return f"{name}: {_strip_ansi(value).strip()}"


def user_error_text(exc: UserFacingError) -> str:
    """What ``make`` prints: the message, then where the full log is."""
    lines = [str(exc).rstrip()]
    if exc.log_path is not None:
        lines.append(f"(full log: {paths.display(exc.log_path)}; reports/ was not changed)")
    return "\n".join(lines)


def run(
    notebook: Path,
    executed: Path,
    html: Path | None,
    pdf: Path | None,
    title: str,
    subtitle: str = "",
    parameters: dict | None = None,
    lang: str = "es",
    progress: bool = True,
    reports_dir: Path | None = None,
    programme: str | None = None,
) -> dict:
    """Execute then render one report. Returns timings in seconds per stage. ``programme``: the
    cover's programme line (default ``report.programme``)."""
    from analysis.report.render import render

    params = {**default_parameters(lang, reports_dir), **(parameters or {})}
    timings = {"papermill": execute(Path(notebook), Path(executed), params, progress=progress)}
    start = time.perf_counter()
    with atomic_outputs(html, pdf) as (tmp_html, tmp_pdf):
        result = render(Path(executed), tmp_html, tmp_pdf, title=title, subtitle=subtitle, lang=lang,
                        programme=programme)
    timings["render"] = time.perf_counter() - start
    timings.update({"html": result.html_seconds, "pdf": result.pdf_seconds or 0.0, "pages": result.pages or 0})
    log_timings(Path(executed), timings)
    return timings


def log_timings(notebook: Path, timings: dict) -> None:
    """Append one JSON line per executed notebook to build/timings.jsonl (read by the benchmark)."""
    paths.BUILD.mkdir(parents=True, exist_ok=True)
    with (paths.BUILD / "timings.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"notebook": Path(notebook).name, "executed": str(Path(notebook).resolve()),
                             "time": time.time(), **timings}) + "\n")


def describe(timings: dict) -> str:
    """'papermill 3.1 s, html 0.3 s, pdf 1.2 s, 14 pages' for progress lines."""
    parts = [f"{k} {v:.1f} s" for k, v in timings.items() if k != "pages"]
    if timings.get("pages"):
        parts.append(f"{timings['pages']} pages")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.report.build run ARGS`` = ``redes build ARGS`` (what the Makefile calls)."""
    from analysis.cli import alias

    argv = list(sys.argv[1:] if argv is None else argv)
    return alias("build", argv[1:] if argv[:1] == ["run"] else argv)


if __name__ == "__main__":
    sys.exit(main())
