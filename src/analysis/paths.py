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
