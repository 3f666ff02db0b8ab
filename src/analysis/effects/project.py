"""The project's effects step: every estimate of the report, written to ``effects.csv``.

``run_project_effects(panel, processed_dir)`` runs ``analysis.effects.estimate_effects`` over the
clean survey panel (unit = producer, period = survey year, cluster = ``cluster_id``) at these
levels (the ``level`` column holds the panel column that defines the group):

* ``overall`` and ``chain``: all methods (before-after, TWFE DiD with CRV1 by cluster, wild
  cluster bootstrap p-value, Callaway-Sant'Anna never/not-yet treated, percentage effect);
* ``network_id``: the network's members + the comparison producers of the same chain;
  before_after, did_twfe, pct_effect (their producer-clustered intervals ignore the shocks a
  network's members share and are not published), plus ``did_cluster_t`` / ``pct_cluster_t``:
  the network as one treated cluster against the chain's comparison clusters
  (:mod:`analysis.effects.one_cluster`);
* ``sex``: members and comparison producers of that sex; ``programme_phase``: members of that
  phase + the comparison producers of the chains of those members (before_after, did_twfe,
  pct_effect). Samples that pool both chains get chain-specific period effects.

A chain without comparison producers (or whose comparison producers share fewer than two survey
rounds with its members, :func:`chains_without_comparison`) has no members-vs-comparison estimate:
every sample holding its members gets only ``before_after`` and ``before_after_pct`` rows, whose
note says the comparison is impossible and why.

Every interval passes the coverage gate (:mod:`analysis.coverage.gate`): it is published only
where the simulation of this design (``make simulate``) shows 0.93–0.97 coverage.

Timing: a network is treated from the first survey round strictly after the year it started
(``cohort_year``): with rounds 2005/2007/2011, start 2005 or 2006 → 2007, start 2008 → 2011.
Comparison producers are never treated. Every row's ``note`` says so.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.coverage.gate import COVERAGE_CSV, apply_gate, load_coverage
from analysis.effects import COLUMNS, METHODS, cache, estimate_effects
from analysis.effects.result import to_frame
from analysis.effects.one_cluster import one_cluster_rows
from analysis.labels import DEFERRED, render_deferred, t

MAIN_OUTCOMES = ("net_income_pen", "sales_value_pen", "employment_fte")
EXTRA_OUTCOMES = ("family_labour_days", "hired_labour_days")
LEVELS = ("overall", "chain", "network_id", "sex", "programme_phase")
SUBGROUP_METHODS = ("before_after", "did_twfe", "pct_effect")
BEFORE_AFTER_METHODS = ("before_after",)   # before_after_pct rows come with it
FIRST_POST = "first_post_year"   # first treated survey year (NaN = never treated)
REQUIRED = ["producer_id", "year", "member", "chain", "sex", "network_id", "cluster_id", "sector",
            "programme_phase", "cohort_year", *MAIN_OUTCOMES]


def first_post_year(cohort_year: pd.Series, survey_years: Sequence[int]) -> pd.Series:
    """First survey year strictly after each network's start year; NaN where no cohort.

    Raises ValueError when a start year is on or after the last survey round (no treated round).
    """
    years = np.sort(np.unique(np.asarray(survey_years, dtype=float)))
    out = pd.Series(np.nan, index=cohort_year.index, dtype=float)
    for c in pd.unique(cohort_year.dropna()):
        later = years[years > float(c)]
        if len(later) == 0:
            raise ValueError(f"panel.parquet: column 'cohort_year' = {c} has no survey round after it "
                             f"(rounds {', '.join(str(int(y)) for y in years)}); those members are never observed treated")
        out[cohort_year == c] = later[0]
    return out


def timing_text(panel: pd.DataFrame, lang: str = "es") -> str:
    """Note text: start years → first treated round, e.g. '2005, 2006 → 2007; 2008 → 2011'."""
    pairs = panel.loc[panel["cohort_year"].notna(), ["cohort_year", FIRST_POST]].drop_duplicates()
    parts = []
    for fp, grp in pairs.groupby(FIRST_POST):
        starts = ", ".join(str(int(c)) for c in sorted(grp["cohort_year"]))
        parts.append(f"{starts} → {int(fp)}")
    return t("factsheet.pe_note_timing", lang, mapping="; ".join(parts))


def prepare_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """Check columns; add FIRST_POST; plain numpy dtypes for the estimators.

    ``did_wild`` (wildboottest/numba) needs numeric unit and cluster ids: the estimation copy uses
    integer codes in ``_unit`` and ``_cluster``; the original ids stay in their columns.
    """
    missing = [c for c in REQUIRED if c not in panel.columns]
    if missing:
        raise ValueError(f"panel.parquet: missing column(s) {missing}; columns are {list(panel.columns)}")
    df = panel.copy()
    df["year"] = df["year"].astype("int64")
    df[FIRST_POST] = first_post_year(df["cohort_year"].astype("Float64"), df["year"].unique())
    bad = df["member"].astype(bool) & df[FIRST_POST].isna()
    if bad.any():
        raise ValueError(f"panel.parquet: members without 'cohort_year' in rows {list(df.index[bad][:5])}")
    for c in [*MAIN_OUTCOMES, *EXTRA_OUTCOMES]:
        if c in df.columns:
            df[c] = df[c].astype("float64")
    df["_unit"] = pd.factorize(df["producer_id"].astype(str))[0]
    df["_cluster"] = pd.factorize(df["cluster_id"].astype(str))[0]
    df["_locality"] = pd.factorize(df["sector"].astype(str))[0]
    return df


def chain_period_controls(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Chain-specific period effects for a sample that pools chains (dummies chain × year).

    Comparison producers belong to one chain, and the chains follow different trends; with one
    set of period effects a pooled DiD would compare dairy members with mango comparison
    producers. One dummy per (chain, year) beyond the first chain and the first year makes the
    period effects chain-specific (FWL: the same as chain × period fixed effects).
    """
    chains = sorted(df["chain"].dropna().unique())
    years = sorted(df["year"].unique())
    if len(chains) < 2:
        return df, []
    df = df.copy()
    cols = []
    for c in chains[1:]:
        for y in years[1:]:
            name = f"_cp_{c}_{int(y)}"
            df[name] = ((df["chain"] == c) & (df["year"] == y)).astype(float)
            cols.append(name)
    return df, cols


def _est(df, outcomes, methods, cluster, wild_reps, seed, lang, wild_ci=False):
    """estimate_effects on a project sample; pooled chains get chain-specific period effects."""
    df, controls = chain_period_controls(df)
    did_like = [m for m in methods if not m.startswith("cs_")]
    cs = [m for m in methods if m.startswith("cs_")]
    parts = []
    if did_like:
        parts.append(estimate_effects(df, unit="_unit", period="year", outcomes=list(outcomes),
                                      cohort=FIRST_POST, groups=[], cluster=cluster,
                                      methods=did_like, controls=controls, wild_reps=wild_reps,
                                      seed=seed, wild_ci=wild_ci, lang=lang))
    if cs:
        # Callaway-Sant'Anna: comparisons within chain through a time-invariant chain covariate
        cs_controls = []
        if controls:
            df["_chain_code"] = pd.factorize(df["chain"], sort=True)[0].astype(float)
            cs_controls = ["_chain_code"]
        parts.append(estimate_effects(df, unit="_unit", period="year", outcomes=list(outcomes),
                                      cohort=FIRST_POST, groups=[], cluster=cluster, methods=cs,
                                      controls=cs_controls, wild_reps=wild_reps, seed=seed,
                                      wild_ci=wild_ci, lang=lang))
    res = pd.concat(parts, ignore_index=True)
    if controls:
        extra = t("factsheet.pe_note_chain_period", lang)
        res["note"] = [f"{n}; {extra}" if isinstance(n, str) and n else extra for n in res["note"]]
    return res


# The estimation copy's integer-coded columns (prepare_panel), named as the panel names them
INTERNAL_NAMES = {"_cluster": "cluster_id", "_locality": "sector", "_unit": "producer_id"}


def public_names(text):
    """An inference text with the estimation copy's column names replaced by the panel's."""
    if not isinstance(text, str):
        return text
    for internal, name in INTERNAL_NAMES.items():
        text = text.replace(internal, name)
    return text


def _one_cluster(sub: pd.DataFrame, outcomes, lang: str) -> pd.DataFrame:
    """did_cluster_t and pct_cluster_t rows: the network as one treated cluster (analysis.effects.one_cluster)."""
    rows = []
    for y in outcomes:
        for log in (False, True):
            for r in one_cluster_rows(sub, y, period="year", cluster="cluster_id", first_post=FIRST_POST,
                                      log=log, lang=lang):
                r.update(outcome=y, n_units=int(sub.loc[sub[y].notna(), "producer_id"].nunique()))
                rows.append(r)
    return to_frame(rows)


def _label(res: pd.DataFrame, level: str, value, note: str) -> pd.DataFrame:
    res = res.copy()
    res["level"] = level
    res["group_value"] = value
    res["note"] = [("; ".join(filter(None, [note, n])) if isinstance(n, str) else note) for n in res["note"]]
    return res


MIN_LOCALITIES = 3   # t(G−1) needs G−1 ≥ 2 to give a usable interval


def inference_cluster(sub: pd.DataFrame) -> str:
    """Cluster column for a chain or pooled sample: the locality (``sector``) when it has at least
    ``MIN_LOCALITIES`` of them, else ``cluster_id`` (network for members, comparison cluster).

    A locality holds networks and comparison producers who share its shocks (weather, prices,
    roads); clusters that split them treat correlated errors as independent, and the simulation of
    the design shows such intervals over-cover (0.98) where locality clusters are nominal (0.94–0.95,
    dairy chain, log outcomes). With fewer localities (mango: 2) no locality interval exists.
    """
    return "_locality" if sub["_locality"].nunique() >= MIN_LOCALITIES else "_cluster"


def _comparison_chains(members: pd.DataFrame) -> list[str]:
    return sorted(members["chain"].dropna().unique())


def chains_without_comparison(df: pd.DataFrame) -> list[str]:
    """Chains whose members have no comparison producers in at least two of their survey years."""
    out = []
    for chain, rows in df.groupby("chain", observed=True):
        member = rows["member"].astype(bool)
        if not member.any():
            continue
        common = set(rows.loc[member, "year"]) & set(rows.loc[~member, "year"])
        if len(common) < 2:
            out.append(chain)
    return sorted(out)


def subsets(df: pd.DataFrame):
    """(level, group_value, frame, kind) for every estimation sample; kind: full|network|subgroup."""
    comp = df[~df["member"].astype(bool)]
    mem = df[df["member"].astype(bool)]
    yield "overall", np.nan, df, "full"
    for chain in sorted(df["chain"].unique()):
        yield "chain", chain, df[df["chain"] == chain], "full"
    for net in sorted(mem["network_id"].dropna().unique()):
        m = mem[mem["network_id"] == net]
        yield "network_id", net, pd.concat([m, comp[comp["chain"].isin(_comparison_chains(m))]]), "network"
    for sex in sorted(df["sex"].dropna().unique()):
        yield "sex", sex, df[df["sex"] == sex], "subgroup"
    for phase in sorted(mem["programme_phase"].dropna().unique()):
        m = mem[mem["programme_phase"] == phase]
        yield "programme_phase", int(phase), pd.concat([m, comp[comp["chain"].isin(_comparison_chains(m))]]), "subgroup"


@dataclass(frozen=True)
class _Context:
    """What every estimation sample of :func:`estimate_project` shares."""
    timing: str
    extra: tuple[str, ...]
    no_comparison: tuple[str, ...]
    wild_reps: int
    seed: int
    wild_ci_levels: tuple[str, ...]


def estimate_sample(level: str, value, sub: pd.DataFrame, kind: str, ctx: _Context) -> pd.DataFrame:
    """The rows of one estimation sample (:func:`subsets`), text in DEFERRED tokens."""
    lang = DEFERRED
    extra, wild_reps, seed = list(ctx.extra), ctx.wild_reps, ctx.seed
    all_methods = list(METHODS)
    no_wild = [m for m in METHODS if m != "did_wild"]
    lacking = sorted(set(sub.loc[sub["member"].astype(bool), "chain"]) & set(ctx.no_comparison))
    if lacking:
        res = _est(sub, [*MAIN_OUTCOMES, *extra], BEFORE_AFTER_METHODS, inference_cluster(sub),
                   wild_reps, seed, lang)
        chains = ", ".join(t(f"common.chain_{c}", lang) for c in lacking)
        note = "; ".join([ctx.timing, t("factsheet.pe_note_no_comparison", lang, chain=chains)])
    elif kind == "full":
        res = pd.concat([
            _est(sub, MAIN_OUTCOMES, all_methods, inference_cluster(sub), wild_reps, seed, lang,
                 wild_ci=level in ctx.wild_ci_levels),
            _est(sub, extra, no_wild, inference_cluster(sub), wild_reps, seed, lang) if extra else None,
        ])
        note = ctx.timing
    elif kind == "network":
        res = pd.concat([_est(sub, [*MAIN_OUTCOMES, *extra], SUBGROUP_METHODS, "_unit", wild_reps, seed, lang),
                         _one_cluster(sub, [*MAIN_OUTCOMES, *extra], lang)], ignore_index=True)
        chains = ", ".join(t(f"common.chain_{c}", lang) for c in _comparison_chains(sub[sub["member"]]))
        note = "; ".join([ctx.timing, t("factsheet.pe_note_network", lang, chain=chains)])
    else:
        res = _est(sub, [*MAIN_OUTCOMES, *extra], SUBGROUP_METHODS, inference_cluster(sub), wild_reps, seed, lang)
        note = "; ".join([ctx.timing, t(f"factsheet.pe_note_{level}", lang)])
    if kind == "full" and level not in ctx.wild_ci_levels and not lacking:
        wild = res["method"].eq("did_wild")
        res.loc[wild, "note"] = [f"{n}; {t('factsheet.pe_note_wild_no_ci', lang)}" if n else
                                 t("factsheet.pe_note_wild_no_ci", lang) for n in res.loc[wild, "note"]]
    return _label(res, level, value, note)


def estimate_project(panel: pd.DataFrame, wild_reps: int = 999, seed: int = 20111231,
                     wild_ci_levels: Sequence[str] = ("overall", "chain"),
                     progress: bool = True) -> pd.DataFrame:
    """Every estimate of the report, before the coverage gate, with its text (``note``,
    ``comparison``, ``inference``) in no language yet: :data:`analysis.labels.DEFERRED` tokens
    that :func:`render_effects` translates. The numbers do not depend on the edition's language,
    so both editions render the same estimates (:func:`run_project_effects` computes them once).

    The samples are estimated one after the other in this process, on purpose: pyfixest demeans
    to a tolerance of 1e-8, so a standard error's digits beyond the 8th follow the memory layout
    of its inputs, and samples spread over worker processes gave other last digits than one
    process (while one process in the same order gives the same bytes at every build).
    """
    start = time.perf_counter()
    df = prepare_panel(panel)
    ctx = _Context(timing=timing_text(df, DEFERRED),
                   extra=tuple(c for c in EXTRA_OUTCOMES if c in df.columns),
                   no_comparison=tuple(chains_without_comparison(df)), wild_reps=int(wild_reps),
                   seed=int(seed), wild_ci_levels=tuple(wild_ci_levels))
    parts = []
    for level, value, sub, kind in subsets(df):
        t0 = time.perf_counter()
        parts.append(estimate_sample(level, value, sub, kind, ctx))
        if progress:
            print(f"[effects] {level}={value if level != 'overall' else 'all'}: {len(parts[-1])} rows "
                  f"in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    out = pd.concat(parts, ignore_index=True)[COLUMNS]
    chain_of = df.loc[df["member"].astype(bool)].drop_duplicates("network_id").set_index("network_id")["chain"]
    out.attrs["chain_of_network"] = chain_of.to_dict()
    if progress:
        print(f"[effects] {len(out)} estimates in {time.perf_counter() - start:.1f} s",
              file=sys.stderr, flush=True)
    return out


TEXT_COLUMNS = ("note", "comparison", "inference")


def render_effects(estimates: pd.DataFrame, lang: str, chain_of_network: dict,
                   coverage_csv: Path | str = COVERAGE_CSV) -> pd.DataFrame:
    """The effects table of one edition: :func:`estimate_project`'s text rendered in ``lang``,
    the panel's column names in ``inference``, and the coverage gate applied (its notes in
    ``lang``)."""
    out = estimates.copy()
    for c in TEXT_COLUMNS:
        out[c] = [render_deferred(v, lang) for v in out[c]]
    out["inference"] = [public_names(v) for v in out["inference"]]
    out = apply_gate(out, load_coverage(coverage_csv), chain_of_network, lang)
    for c in ("n_units", "n_obs", "n_clusters"):
        out[c] = pd.array(pd.to_numeric(out[c]), dtype="Int64")
    return out


def run_project_effects(panel: pd.DataFrame, processed_dir: Path | str, wild_reps: int = 999,
                        seed: int = 20111231, lang: str = "es",
                        wild_ci_levels: Sequence[str] = ("overall", "chain"),
                        progress: bool = True, coverage_csv: Path | str = COVERAGE_CSV,
                        cache_dir: Path | str | None = None) -> pd.DataFrame:
    """Estimate every effect of the report, write ``processed_dir/effects.csv``, return it.

    ``wild_ci_levels``: levels ("overall", "chain") whose wild-bootstrap row also gets the CI by
    test inversion (cheap with the FWL bootstrap of ``analysis.effects.bootstrap``; ~25 s per
    outcome with pyfixest's ``wildboottest``). Rows without it say so in ``note``. Progress
    lines go to stderr.

    Intervals, standard errors and p-values are kept only where ``coverage_csv`` (the table of
    ``make simulate``) shows a simulated coverage in 0.93–0.97 for that method × level × outcome
    (:func:`analysis.coverage.gate.apply_gate`); the column ``sim_coverage`` says which.

    ``cache_dir``: where the language-free estimates are kept (:mod:`analysis.effects.cache`),
    keyed by the panel's content, the parameters and the estimation code; the second edition of
    a build renders the first one's estimates instead of estimating again. ``None``: no cache.
    """
    start = time.perf_counter()
    key = (cache.estimates_key(panel, wild_reps=wild_reps, seed=seed, wild_ci_levels=wild_ci_levels)
           if cache_dir else None)
    estimates = cache.load(cache_dir, key) if cache_dir else None
    if estimates is not None:
        if progress:
            print(f"[effects] the estimates of this panel, code and parameters are in {cache_dir}: "
                  f"rendering them in '{lang}'", file=sys.stderr, flush=True)
    else:
        estimates = estimate_project(panel, wild_reps=wild_reps, seed=seed,
                                     wild_ci_levels=wild_ci_levels, progress=progress)
        if cache_dir:
            cache.save(cache_dir, key, estimates)
    out = render_effects(estimates, lang, estimates.attrs["chain_of_network"], coverage_csv)
    path = Path(processed_dir) / "effects.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    # 12 significant digits: the last bits of a float sum differ between runs (BLAS threading), and
    # a CSV that changes at 1e-13 would make every rebuild look different
    out.to_csv(path, index=False, encoding="utf-8", float_format="%.12g")
    if progress:
        print(f"[effects] {len(out)} rows → {path} in {time.perf_counter() - start:.1f} s",
              file=sys.stderr, flush=True)
    return out
