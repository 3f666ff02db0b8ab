"""Byte-reproducible outputs: one build date for every file a build writes.

Two clean builds of the same commit must give the same bytes, so no output may carry the time it
was built. The build date is ``SOURCE_DATE_EPOCH`` (the reproducible-builds.org convention) when
it is set, else the time of the last commit (``git log -1``), so a report says when its sources
were last changed, not when it was rendered. :func:`pin_build_date` exports it for the libraries
that honour the variable (fontTools, hence WeasyPrint's embedded fonts); Excel files, whose zip
entries and document properties carry the time of writing, are rewritten by :func:`normalize_xlsx`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import zipfile
from pathlib import Path

from analysis import paths

ENV = "SOURCE_DATE_EPOCH"


def build_epoch() -> int | None:
    """Seconds since 1970 of the build date, or None when neither the variable nor git gives one."""
    value = os.environ.get(ENV, "").strip()
    if value.isdigit():
        return int(value)
    try:
        out = subprocess.run(["git", "-C", str(paths.ROOT), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    stamp = out.stdout.strip()
    return int(stamp) if out.returncode == 0 and stamp.isdigit() else None


# Python salts the hash of strings per process, so the order of a set of names (pyfixest's
# variables among them) changes from run to run, and with it the order of floating-point sums:
# the effects' standard errors differed at the 7th digit between two builds. Kernels and workers
# started by a build get a fixed seed (a variable a user sets still wins).
HASH_SEED = "0"


def pin_hash_seed() -> None:
    """Export PYTHONHASHSEED for the kernels and workers this process starts."""
    os.environ.setdefault("PYTHONHASHSEED", HASH_SEED)


def pin_build_date() -> int | None:
    """Export SOURCE_DATE_EPOCH and PYTHONHASHSEED (inherited by kernels and workers); returns the
    epoch used."""
    pin_hash_seed()
    epoch = build_epoch()
    if epoch is not None:
        os.environ[ENV] = str(epoch)
    return epoch


def build_date() -> dt.date:
    """The date a report prints: the build date in UTC (today only without git or the variable)."""
    epoch = build_epoch()
    if epoch is None:
        return dt.date.today()
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()


def _zip_time(epoch: int) -> tuple:
    t = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.timezone.utc)  # zip starts in 1980
    return (t.year, t.month, t.day, t.hour, t.minute, t.second)


def normalize_xlsx(path: Path | str, epoch: int | None = None) -> None:
    """Rewrite an .xlsx so that it depends only on its content: fixed entry times, entries in
    name order, and the document's created/modified properties set to the build date."""
    epoch = build_epoch() if epoch is None else epoch
    if epoch is None:
        return
    path = Path(path)
    iso = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    tmp = path.with_name(f".{path.name}.normalizing")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in sorted(entries, key=lambda e: (e[0] != "[Content_Types].xml", e[0])):
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + iso.encode() + rb"\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=_zip_time(epoch))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
    os.replace(tmp, path)
