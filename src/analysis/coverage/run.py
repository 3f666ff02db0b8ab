"""Coverage of every interval the reports print, on the project's own design.

Each draw (:func:`analysis.coverage.design.draw`) is split into exactly the estimation samples
of the effects step (:func:`analysis.effects.project.subsets`: overall, each chain, each network
with its chain's comparison producers, each sex, each programme phase) and every method the
step runs at that level is applied with the step's own inference (:mod:`analysis.coverage.fast`,
equal to :mod:`analysis.effects` on these balanced samples). Callaway–Sant'Anna runs through
``estimate_effects`` itself (slow: ``--no-cs`` skips it; its rows are then not in the table and
the gate publishes no C–S interval).

Truth per sample and outcome, from the draw's own potential outcomes:

* DiD methods (``did_twfe``, ``did_wild``, ``cs_*``, ``did_cluster_t``): the population ATT of
  the design, i.e. the mean over all draws of each draw's ATT (mean of Y − Y(0) over the treated
  cells: members from their first treated round on);
* ``pct_effect``, ``pct_cluster_t`` (log path): 100·(exp(m) − 1), m the mean over draws of the
  mean of log Y − log Y(0) over those cells (each draw's value averaged over draws; the planted
  log effect, up to rounding);
* ``before_after`` / ``before_after_pct``: the expected change of the members' mean between the
  first and the last round (the mean of the estimates over all draws: the estimator is unbiased
  for it, so ``bias`` is 0 by construction for these rows and coverage is what is measured).

``coverage_sample`` is the coverage of each draw's own (sample) ATT instead: higher where effects
differ across producers, since an interval for the population also carries that spread.

Output: one row per method × level × outcome with ``draws, coverage, mc_se`` (binomial
s.e. of the coverage), ``bias`` and ``mean_width`` (outcome units; percentage points for the
percent rows).
"""

from __future__ import annotations

import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from analysis.effects.project import FIRST_POST, inference_cluster, prepare_panel, subsets
from .design import OUTCOMES, Y0, draw
from . import fast

ALPHA = 0.05
COLUMNS = ["method", "level", "outcome", "draws", "coverage", "mc_se", "bias", "mean_width",
           "coverage_sample"]
FULL_METHODS = ("before_after", "before_after_pct", "did_twfe", "did_wild", "pct_effect",
                "cs_never", "cs_notyet")


def _level_name(level: str, value, sub: pd.DataFrame) -> str:
    if level == "overall":
        return "overall"
    if level == "chain":
        return f"chain:{value}"
    if level == "network_id":
        return f"network:{sub.loc[sub['member'], 'chain'].iloc[0]}"
    if level == "programme_phase":
        return f"phase:{int(value)}"
    return f"sex:{value}"


def balanced(sub: pd.DataFrame, y: str, cluster: str) -> fast.Balanced:
    """The sample as a :class:`fast.Balanced` for outcome ``y``, clusters from column ``cluster``."""
    return _Sample(sub).balanced(y, cluster)


class _Sample:
    """One estimation sample sorted once (unit, year) and held as arrays."""

    def __init__(self, sub: pd.DataFrame):
        cols = ["producer_id", "year", FIRST_POST, "_unit", "_cluster", "_locality", "chain",
                *OUTCOMES, *(y + Y0 for y in OUTCOMES)]
        s = sub[cols].sort_values(["_unit", "year"])
        self.t = s["year"].nunique()
        self.n = s["_unit"].nunique()
        if len(s) != self.n * self.t:
            raise ValueError("coverage samples must be balanced")
        fp = s[FIRST_POST].to_numpy(float)
        yr = s["year"].to_numpy(float)
        self.tp = np.nan_to_num(yr >= fp, nan=0).astype(bool) & ~np.isnan(fp)
        self.d = self.tp.astype(float).reshape(self.n, self.t)
        self.ever = (~np.isnan(fp)).reshape(self.n, self.t)[:, 0].astype(int)
        self.cols = {c: s[c].to_numpy(float) for c in [*OUTCOMES, *(y + Y0 for y in OUTCOMES)]}
        # codes in sorted order of the ids, as the project's bootstrap numbers its clusters
        self.codes = {c: np.unique(s[c].to_numpy()[:: self.t], return_inverse=True)[1].ravel()
                      for c in ("_unit", "_cluster", "_locality")}
        chain = np.unique(s["chain"].to_numpy()[:: self.t], return_inverse=True)[1].ravel()
        self.block = chain if chain.max() > 0 else None   # pooled chains: period effects per chain

    def balanced(self, y: str, cluster: str) -> fast.Balanced:
        return fast.Balanced(y=self.cols[y].reshape(self.n, self.t), d=self.d,
                             cluster=self.codes[cluster], ever=self.ever, block=self.block)

    def truths(self, y: str) -> tuple[float, float]:
        """(ATT, log-path percent) over the treated cells, from the draw's potential outcomes."""
        y1, y0 = self.cols[y][self.tp], self.cols[y + Y0][self.tp]
        att = float(np.mean(y1 - y0))
        pct = float(100 * (np.exp(np.mean(np.log(y1) - np.log(y0))) - 1))
        return att, pct


def _cs(sub: pd.DataFrame, y: str, method: str, seed: int) -> pd.DataFrame:
    """The project's C–S rows (simple and event study) for this sample, via the step itself."""
    from analysis.effects.project import _est

    res = _est(sub, [y], [method], inference_cluster(sub), 0, seed, "en")
    return res[res["method"].isin([method, f"{method}_event"])]


def _event_truths(sub: pd.DataFrame, y: str) -> dict:
    """Event time → ATT over the treated cells at that distance from the first treated round."""
    tp = sub[FIRST_POST].notna() & (sub["year"] >= sub[FIRST_POST])
    e = (sub.loc[tp, "year"] - sub.loc[tp, FIRST_POST]).astype(float)
    eff = sub.loc[tp, y] - sub.loc[tp, y + Y0]
    return eff.groupby(e).mean().to_dict()


def one_draw(seed: int, wild_reps: int = 199, methods: tuple[str, ...] = FULL_METHODS) -> list[tuple]:
    """Records (method, level, group, outcome, estimate, ci_low, ci_high, truth) of one draw."""
    warnings.simplefilter("ignore")
    df = prepare_panel(draw(seed))
    out = []
    for level, value, sub, kind in subsets(df):
        name = _level_name(level, value, sub)
        smp = _Sample(sub)
        for y in OUTCOMES:
            att, pct = smp.truths(y)
            by = "_unit" if kind == "network" else inference_cluster(sub)   # as the project does
            s = smp.balanced(y, by)
            rec = lambda m, est, lo, hi, truth: out.append(  # noqa: E731
                (m, name, str(value), y, est, lo, hi, truth))
            (b, _, lo, hi), (pb, _, plo, phi) = fast.before_after(s, ALPHA)
            rec("before_after", b, lo, hi, np.nan)
            rec("before_after_pct", pb, plo, phi, np.nan)
            b, _, lo, hi = fast.twfe(s, alpha=ALPHA)
            rec("did_twfe", b, lo, hi, att)
            pb, _, plo, phi = fast.pct_from_log(s, ALPHA)
            rec("pct_effect", pb, plo, phi, pct)
            if kind == "full" and "did_wild" in methods:
                st, lo, hi = fast.wild(s, wild_reps, seed, ALPHA)
                rec("did_wild", st.beta, lo, hi, att)
            if kind == "network":
                sc = smp.balanced(y, "_cluster")
                tc = int(sc.cluster[sc.ever.argmax()])   # the network's own cluster
                b, _, lo, hi = fast.cluster_t(sc, tc, ALPHA)
                rec("did_cluster_t", b, lo, hi, att)
                ls = fast.Balanced(np.log(sc.y), sc.d, sc.cluster, sc.ever, sc.block)
                lb, _, llo, lhi = fast.cluster_t(ls, tc, ALPHA)
                tr = lambda v: 100 * (np.exp(v) - 1)  # noqa: E731
                rec("pct_cluster_t", tr(lb), tr(llo), tr(lhi), pct)
            if kind == "full":
                ev = _event_truths(sub, y)
                for m in ("cs_never", "cs_notyet"):
                    if m not in methods:
                        continue
                    for r in _cs(sub, y, m, seed).itertuples():
                        if r.method == m:
                            rec(m, r.estimate, r.ci_low, r.ci_high, att)
                        elif pd.notna(r.event_time):   # pre-periods: no effect (truth 0)
                            truth = ev.get(float(r.event_time), 0.0) if r.event_time >= 0 else 0.0
                            out.append((r.method, name, f"{value}|e={int(r.event_time)}", y,
                                        r.estimate, r.ci_low, r.ci_high, truth))
    return out


def _chunk(args):
    seeds, wild_reps, methods = args
    return [r for sd in seeds for r in one_draw(sd, wild_reps, methods)]


def simulate(draws: int = 1000, seed: int = 1, jobs: int = 1, wild_reps: int = 199,
             methods: tuple[str, ...] = FULL_METHODS, progress: bool = True) -> pd.DataFrame:
    """All records of ``draws`` draws (seeds seed … seed+draws−1), in seed order."""
    seeds = list(range(seed, seed + draws))
    size = 10
    chunks = [(seeds[i:i + size], wild_reps, tuple(methods)) for i in range(0, draws, size)]
    start = time.perf_counter()
    records: list[tuple] = []

    def tick(done):
        if progress:
            el = time.perf_counter() - start
            eta = el / done * (draws - done)
            print(f"[simulate] {done}/{draws} draws, {el:.0f} s elapsed, ~{eta:.0f} s left",
                  file=sys.stderr, flush=True)

    if jobs > 1:
        with ProcessPoolExecutor(jobs) as ex:
            for i, part in enumerate(ex.map(_chunk, chunks), 1):
                records.extend(part)
                tick(min(i * size, draws))
    else:
        for i, c in enumerate(chunks, 1):
            records.extend(_chunk(c))
            tick(min(i * size, draws))
    rec = pd.DataFrame(records, columns=["method", "level", "group", "outcome", "estimate",
                                         "ci_low", "ci_high", "truth"])
    # The truth of every row is the population value for this design: the mean over all draws
    # of the draw's own value (sample ATT from the potential outcomes; for before–after rows, the
    # estimate itself, which is unbiased for the expected change). The sample ATT is kept too.
    keys = ["method", "level", "group", "outcome"]
    rec["truth_sample"] = rec["truth"]
    ba = rec["truth"].isna()
    rec.loc[ba, "truth_sample"] = rec.loc[ba, "estimate"]
    rec["truth"] = rec.groupby(keys)["truth_sample"].transform("mean")
    return rec


def summarize(rec: pd.DataFrame, draws: int) -> pd.DataFrame:
    """method × level × outcome → draws, coverage, mc_se, bias, mean_width."""
    r = rec.assign(covered=(rec["ci_low"] <= rec["truth"]) & (rec["truth"] <= rec["ci_high"]),
                   covered_s=(rec["ci_low"] <= rec["truth_sample"]) & (rec["truth_sample"] <= rec["ci_high"]),
                   err=rec["estimate"] - rec["truth"], width=rec["ci_high"] - rec["ci_low"])
    g = r.groupby(["method", "level", "outcome"], sort=True)
    out = g.agg(coverage=("covered", "mean"), n=("covered", "size"), bias=("err", "mean"),
                mean_width=("width", "mean"), coverage_sample=("covered_s", "mean")).reset_index()
    out["draws"] = draws
    # binomial s.e. over draws (networks of one draw share their comparison group: not independent)
    out["mc_se"] = np.sqrt(out["coverage"] * (1 - out["coverage"]) / draws)
    return out[COLUMNS]
