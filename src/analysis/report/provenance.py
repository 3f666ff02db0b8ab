"""Provenance of a build: which code, which data, which software, which parameters.

Each report ends with a short block a replicator can check against their own build: the commit of
the code (and whether tracked sources had uncommitted changes), one sha256 fingerprint of every
input file (the survey configuration, the files it names and the transcribed tables of
``data/raw/published/``), the versions of the packages that compute and render the numbers, and the
build parameters. It depends only on the commit, the inputs and the environment, never on the time
or the folder of the build, so two clean builds of one commit print the same block. The per-file
hashes of the inputs and of every output are in ``data/processed/manifest.json``.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from analysis import paths

# The packages whose versions decide the numbers and the layout of a report.
PACKAGES = ("pandas", "numpy", "scipy", "pyfixest", "matplotlib", "papermill", "nbconvert",
            "weasyprint")
# Tracked sources whose uncommitted changes make a build differ from its commit.
SOURCES = ("src", "notebooks", "config", "data/raw", "Makefile", "requirements.txt", "pyproject.toml")


@dataclass(frozen=True)
class Provenance:
    commit: str          # 12 hex digits, or "" outside a git checkout
    modified: bool       # tracked sources differ from the commit
    inputs_sha256: str   # one fingerprint of every input file (path and content)
    n_inputs: int
    python: str
    packages: tuple[tuple[str, str], ...]
    parameters: tuple[tuple[str, str], ...]


def _git(*args: str) -> str:
    try:
        # --no-optional-locks: builds running in parallel (factsheet workers) never contend for
        # the index lock, so every one of them reads the same state
        out = subprocess.run(["git", "--no-optional-locks", "-C", str(paths.ROOT), *args],
                             capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def input_files(config_path: Path | str | None = None) -> list[Path]:
    """The files a build reads: the survey config and the files it names, and the transcribed
    published tables, in a fixed order."""
    from analysis.survey.sources import source_files

    files = sorted((paths.DATA_RAW / "published").glob("*.csv"))
    if config_path:
        config_path = Path(config_path)
        files += [config_path, *source_files(config_path)]
    return files


def fingerprint(files: list[Path]) -> str:
    """sha256 over each file's path (relative to the project when inside it) and content."""
    digest = hashlib.sha256()
    for path in files:
        path = Path(path).resolve()
        name = path.relative_to(paths.ROOT).as_posix() if path.is_relative_to(paths.ROOT) else path.name
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def collect(config_path: Path | str | None = None, **parameters) -> Provenance:
    """The provenance of the build running now (``parameters``: the build's own, e.g. lang)."""
    files = input_files(config_path)
    versions = []
    for name in PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "-"))
    modified = bool(_git("status", "--porcelain", "--untracked-files=no", "--", *SOURCES))
    return Provenance(commit=_git("rev-parse", "--short=12", "HEAD"), modified=modified,
                      inputs_sha256=fingerprint(files), n_inputs=len(files),
                      python=platform.python_version(), packages=tuple(versions),
                      parameters=tuple((k, str(v)) for k, v in sorted(parameters.items())))


def provenance_markdown(prov: Provenance, lang: str = "es") -> str:
    """The block printed at the end of a report, in the edition's language (``i18n/report.yaml``)."""
    from analysis.labels import t

    commit = prov.commit or t("report.prov_no_git", lang)
    if prov.modified:
        commit += " " + t("report.prov_modified", lang)
    packages = ", ".join(f"{name} {version}" for name, version in prov.packages)
    params = ", ".join(f"{k} = {v}" for k, v in prov.parameters) or "-"
    rows = [
        (t("report.prov_commit", lang), commit),
        (t("report.prov_inputs", lang), t("report.prov_inputs_value", lang, n=prov.n_inputs,
                                          sha=prov.inputs_sha256[:16])),
        (t("report.prov_software", lang), f"Python {prov.python}; {packages}"),
        (t("report.prov_parameters", lang), params),
    ]
    lines = [t("report.prov_intro", lang), ""]
    lines += [f"- **{label}:** {value}" for label, value in rows]
    return "\n".join(lines)


def provenance_section(config_path: Path | str | None, lang: str = "es", source_name: str = "",
                       level: int = 2) -> str:
    """The report's closing section: a heading and the provenance block of this build (the
    parameters are the edition and the survey source's name, never a path of this machine)."""
    from analysis.labels import t

    params = {t("report.prov_lang", lang): t("report.prov_lang_name", lang)}
    if source_name:
        params[t("report.prov_source", lang)] = source_name
    return f"{'#' * level} {t('report.prov_heading', lang)}\n\n" + provenance_markdown(
        collect(config_path, **params), lang)
