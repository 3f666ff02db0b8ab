"""Project folders. Every module resolves files through these, never through the CWD."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_RAW = ROOT / "data" / "raw"
PUBLISHED = DATA_RAW / "published"
SURVEY_RAW = DATA_RAW / "survey"
DATA_PROCESSED = ROOT / "data" / "processed"
REPORTS = ROOT / "reports"
CONFIG = ROOT / "config"
BUILD = ROOT / "build"
STAGE = BUILD / "stage"  # a build writes its reports here; analysis.report.publish copies them to REPORTS


def display(path) -> str:
    """``path`` relative to the project root when it lies inside it (for messages)."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def notebook_path(value) -> str:
    """A notebook parameter's path, absolute: as given when absolute or found from the current
    folder (``papermill`` run from the project root with ``-p config_path config/x.yaml``), else
    relative to ``notebooks/`` (the defaults, written for JupyterLab, work from any folder)."""
    path = Path(value)
    if path.is_absolute():
        return str(path)
    here = Path.cwd() / path
    if here.exists():
        return str(here.resolve())
    return str((ROOT / "notebooks" / path).resolve())
