"""The effects step's estimates, kept between the editions of one build.

The estimates (``analysis.effects.project.estimate_project``) do not depend on the edition's
language: their text is held as :data:`analysis.labels.DEFERRED` tokens until each edition
renders it. ``make report`` builds the Spanish edition, then the English one; the English
effects step finds the estimates of the same panel here and renders them instead of estimating
again (at 10^6 producer-rounds that is about a hundred seconds).

The key is the SHA-256 of everything the estimates depend on: the panel's content (every column
and row, in order), the parameters, the source of ``analysis.effects``, the versions of the
packages that compute them and their thread count (``RAYON_NUM_THREADS``). Anything else
changed means another key, so a stale entry is never read. One entry is kept (the newest); it
is written atomically (a temporary file renamed).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import pandas as pd

PACKAGES = ("numpy", "pandas", "scipy", "pyfixest", "formulaic", "statsmodels", "numba")
PREFIX = "effects-estimates-"


def _source_digest() -> str:
    """SHA-256 of the source files of ``analysis.effects`` (sorted by name)."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def panel_digest(panel: pd.DataFrame) -> str:
    """SHA-256 of a frame's content: column names and dtypes, then each column's row hashes."""
    h = hashlib.sha256()
    h.update(json.dumps([[str(c), str(panel[c].dtype)] for c in panel.columns]).encode())
    h.update(pd.util.hash_pandas_object(panel.index).to_numpy().tobytes())
    for c in panel.columns:
        h.update(pd.util.hash_pandas_object(panel[c], index=False).to_numpy().tobytes())
    return h.hexdigest()


def estimates_key(panel: pd.DataFrame, wild_reps: int, seed: int,
                  wild_ci_levels: Sequence[str]) -> str:
    """The cache key of the estimates of ``panel`` with these parameters and this code."""
    parts = {"panel": panel_digest(panel), "wild_reps": int(wild_reps), "seed": int(seed),
             "wild_ci_levels": list(wild_ci_levels), "source": _source_digest(),
             "packages": _versions(), "threads": os.environ.get("RAYON_NUM_THREADS", "")}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _path(cache_dir: Path | str, key: str) -> Path:
    return Path(cache_dir) / f"{PREFIX}{key[:32]}.pkl"


def load(cache_dir: Path | str, key: str) -> pd.DataFrame | None:
    """The estimates stored under ``key``, or None (absent, unreadable or another key)."""
    path = _path(cache_dir, key)
    try:
        with path.open("rb") as fh:
            entry = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    estimates = entry["estimates"]
    estimates.attrs["chain_of_network"] = entry["chain_of_network"]
    return estimates


def save(cache_dir: Path | str, key: str, estimates: pd.DataFrame) -> Path:
    """Store ``estimates`` under ``key`` (atomically) and remove older entries."""
    folder = Path(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = _path(folder, key)
    entry = {"key": key, "estimates": estimates,
             "chain_of_network": dict(estimates.attrs.get("chain_of_network", {}))}
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pkl")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(entry, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for old in folder.glob(f"{PREFIX}*.pkl"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
