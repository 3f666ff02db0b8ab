"""What the survey of an edition covers, so the cover and the texts name it (issue 14).

The reports were written for the 12 Laredo networks of Tabla N°02. A survey config can name
another networks table (``networks_file``, e.g. the programme-scale demo's 118 networks in three
regions); then the cover's programme line, title and subtitle name that scope instead of Laredo.
The scope is read from the data, never from the config's name: the networks table the cleaning
used (``<processed_dir>/survey_networks.csv``), else the one the config names, else Tabla N°02.

A scope is "Laredo" when every network of the survey is one of Tabla N°02's; the Laredo build
keeps its labels (``report.title_main`` ...) word for word.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.labels import t
from analysis.survey.sources import PUBLISHED_NETWORKS, _read, networks_file

SURVEY_NETWORKS = "survey_networks.csv"  # analysis.survey.pipeline.SURVEY_NETWORKS (not imported: heavy)
CHAINS = ("lacteos", "mango")            # order in which the chains are named


@dataclass(frozen=True)
class Scope:
    n_networks: int
    regions: tuple[str, ...]   # in order of first appearance in the networks table
    chains: tuple[str, ...]    # in CHAINS order
    n_published: int           # how many of the networks are Tabla N°02's (Laredo)
    synthetic: bool = False

    @property
    def laredo(self) -> bool:
        """Every network of the survey is one of the 12 Laredo networks of Tabla N°02."""
        return self.n_networks == self.n_published


def _published_ids() -> set[str]:
    return set(pd.read_csv(PUBLISHED_NETWORKS, dtype=str)["network_id"])


def scope_of(networks: pd.DataFrame, synthetic: bool = False) -> Scope:
    """The scope of a networks table (columns ``network_id``, ``chain``, optional ``region``)."""
    ids = networks["network_id"].astype(str).str.strip()
    regions: tuple[str, ...] = ()
    if "region" in networks.columns:
        regions = tuple(r for r in dict.fromkeys(networks["region"].fillna("").astype(str).str.strip()) if r)
    present = set(networks.get("chain", pd.Series(dtype=str)).fillna("").astype(str).str.strip().str.lower())
    return Scope(n_networks=int(ids.nunique()), regions=regions,
                 chains=tuple(c for c in CHAINS if c in present),
                 n_published=int(ids.isin(_published_ids()).sum()), synthetic=bool(synthetic))


def survey_scope(config_path: str | Path | None = None, processed_dir: str | Path | None = None) -> Scope:
    """The scope of an edition's survey: the networks table the cleaning step wrote to
    ``processed_dir``, else the one ``config_path`` names, else Tabla N°02; ``synthetic`` from the
    config (``synthetic: true``)."""
    cfg: dict = {}
    if config_path and Path(config_path).is_file():
        try:
            cfg = _read(Path(config_path))
        except Exception:  # noqa: BLE001 - the real config loader reports config errors
            cfg = {}
    table = Path(processed_dir) / SURVEY_NETWORKS if processed_dir else None
    if table is None or not table.is_file():
        table = networks_file(config_path) if cfg else PUBLISHED_NETWORKS
    if not Path(table).is_file():
        table = PUBLISHED_NETWORKS
    networks = pd.read_csv(table, dtype=str, keep_default_na=False)
    return scope_of(networks, synthetic=bool(cfg.get("synthetic")))


def _join(items, lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    sep = ", " if lang == "es" else ", "
    return f"{sep.join(items[:-1])} {t('report.and', lang)} {items[-1]}"


def scope_phrase(scope: Scope, lang: str = "es") -> str:
    """'118 redes de lácteos y mango en La Libertad, Cajamarca y Cusco (encuesta sintética)'."""
    chains = _join([t(f"report.scope_chain_{c}", lang) for c in scope.chains], lang)
    text = t("report.scope_networks", lang, n=scope.n_networks, chains=chains)
    if scope.regions:
        text += t("report.scope_in_regions", lang, regions=_join(scope.regions, lang))
    if scope.synthetic:
        text += t("report.scope_synthetic", lang)
    return text


def cover_text(key: str, lang: str = "es", scope: Scope | None = None, regions=None) -> str:
    """The cover label ``key`` (``report.title_main``, ``report.subtitle_main``, ``report.programme``,
    ``report.title_quality``, ``report.subtitle_quality``, ``factsheet.subtitle``) for ``scope``:
    the label itself for the Laredo networks, else its ``<key>_scope`` variant naming the survey's
    networks and regions (``regions``: instead of the scope's, e.g. a factsheet's own network's)."""
    if scope is None or scope.laredo:
        return t(key, lang)
    regions = [r for r in (scope.regions if regions is None else regions) if r]
    regions = _join(regions, lang) if regions else t("report.scope_no_regions", lang)
    return t(f"{key}_scope", lang, scope=scope_phrase(scope, lang), regions=regions,
             n=scope.n_networks)


def cover(lang: str = "es", title_key: str | None = None, subtitle_key: str | None = None,
          config_path: str | Path | None = None, processed_dir: str | Path | None = None,
          title: str = "", subtitle: str = "") -> dict:
    """Title, subtitle and programme line of a report's cover, for the survey the build uses
    (what ``redes build --title-key ... -p config_path ...`` prints on the cover)."""
    scope = survey_scope(config_path, processed_dir)
    return {"title": cover_text(title_key, lang, scope) if title_key else title,
            "subtitle": cover_text(subtitle_key, lang, scope) if subtitle_key else subtitle,
            "programme": cover_text("report.programme", lang, scope)}
