"""Run a notebook with papermill and render it to HTML and PDF, atomically.

Used by the Makefile, one call per report::

    python -m analysis.build run notebooks/report_main.ipynb \
        --executed build/report_main.ipynb --html reports/informe.html --pdf reports/informe.pdf \
        --title "..." -p lang es

``fanout`` runs the factsheet notebook once per network and chain over a process pool.
A step that fails leaves no output behind: every file is written under a temporary name in
the same folder and moved into place only when the whole step succeeded.
"""

from __future__ import annotations

import argparse
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


def default_parameters(lang: str = "es") -> dict:
    """Parameters every notebook takes, as absolute paths (papermill runs in ``notebooks/``)."""
    return {
        "raw_dir": str(paths.DATA_RAW),
        "processed_dir": str(paths.DATA_PROCESSED),
        "reports_dir": str(paths.REPORTS),
        "lang": lang,
    }


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
    for tmp, target in zip(temps, targets):
        if tmp is not None:
            os.replace(tmp, target)


def execute(notebook: Path, executed: Path, parameters: dict, progress: bool = True) -> float:
    """Execute ``notebook`` with papermill into ``executed``; return seconds spent."""
    import papermill as pm

    start = time.perf_counter()
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
    return time.perf_counter() - start


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
) -> dict:
    """Execute then render one report. Returns timings in seconds per stage."""
    from analysis.render import render

    params = {**default_parameters(lang), **(parameters or {})}
    timings = {"papermill": execute(Path(notebook), Path(executed), params, progress=progress)}
    start = time.perf_counter()
    with atomic_outputs(html, pdf) as (tmp_html, tmp_pdf):
        result = render(Path(executed), tmp_html, tmp_pdf, title=title, subtitle=subtitle, lang=lang)
    timings["render"] = time.perf_counter() - start
    timings.update({"html": result.html_seconds, "pdf": result.pdf_seconds or 0.0, "pages": result.pages or 0})
    log_timings(Path(executed), timings)
    return timings


def log_timings(notebook: Path, timings: dict) -> None:
    """Append one JSON line per executed notebook to build/timings.jsonl (read by the benchmark)."""
    paths.BUILD.mkdir(parents=True, exist_ok=True)
    with (paths.BUILD / "timings.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"notebook": Path(notebook).name, "time": time.time(), **timings}) + "\n")


def describe(timings: dict) -> str:
    """'papermill 3.1 s, html 0.3 s, pdf 1.2 s, 14 pages' for progress lines."""
    parts = [f"{k} {v:.1f} s" for k, v in timings.items() if k != "pages"]
    if timings.get("pages"):
        parts.append(f"{timings['pages']} pages")
    return ", ".join(parts)


def _parse_params(pairs: list[list[str]] | None) -> dict:
    params = {}
    for key, value in pairs or []:
        params[key] = value
    return params


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.build", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="execute one notebook and render it")
    r.add_argument("notebook", type=Path)
    r.add_argument("--executed", type=Path, required=True)
    r.add_argument("--html", type=Path)
    r.add_argument("--pdf", type=Path)
    r.add_argument("--title", default="")
    r.add_argument("--subtitle", default="")
    r.add_argument("--lang", default="es")
    r.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
    r.add_argument("--no-render", action="store_true", help="execute only (pipeline steps)")
    args = parser.parse_args(argv)

    params = _parse_params(args.parameter)
    try:
        if args.no_render:
            secs = execute(args.notebook, args.executed, {**default_parameters(args.lang), **params})
            log_timings(args.executed, {"papermill": secs})
            print(f"[build] {args.notebook.name}: papermill {secs:.1f} s", file=sys.stderr)
        else:
            t = run(args.notebook, args.executed, args.html, args.pdf, args.title, args.subtitle,
                    params, args.lang)
            print(f"[build] {args.notebook.name}: {describe(t)}", file=sys.stderr)
    except Exception as exc:  # papermill's error already names the failing cell
        print(f"[build] ERROR in {args.notebook}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
