"""Design guards: what the later steps need from a delivery, checked before any report is built.

A delivery can be clean row by row and still make an estimate impossible. One survey round only
makes every change over time impossible: it is a :class:`Problem` located at the config, with what
to do, so the build stops at validation instead of failing in step 3 or in a factsheet.

A chain without comparison producers (or whose comparison producers share fewer than two rounds
with its members) still has a before–after change of its members; only the members-vs-comparison
estimates are impossible there. :func:`comparison_notices` names those chains: the cleaning log
records them and the effects step (:func:`analysis.effects.project.chains_without_comparison`)
estimates only before–after for every sample that contains them, with a note saying why.
"""

from __future__ import annotations

import pandas as pd

from analysis.survey.errors import Problem

CHAIN_NAMES = {"lacteos": "lácteos", "mango": "mango"}


def design_problems(panel: pd.DataFrame, config_file: str,
                    member_column: str | None = None) -> list[Problem]:
    """Every reason the effects step or a factsheet could not be built on ``panel``."""
    return _rounds(panel, config_file)


def comparison_notices(panel: pd.DataFrame, config_file: str,
                       member_column: str | None = None) -> list[Problem]:
    """Chains where a members-vs-comparison estimate is impossible (not errors: see module doc)."""
    return _comparison(panel, config_file, member_column)


def _rounds(panel, config_file) -> list[Problem]:
    rounds = sorted(int(r) for r in panel["round"].dropna().unique())
    if len(rounds) >= 2:
        return []
    return [Problem(config_file, None, None, None, rounds[0] if rounds else None,
                    "single_round: the delivery holds only one survey round, so no change over "
                    "time can be measured; deliver the baseline and at least one later round "
                    "(or check the round/year mapping under files: in the config)")]


def _comparison(panel, config_file, member_column) -> list[Problem]:
    out = []
    slim = panel[["chain", "member", "round", "producer_id"]]  # the groups copy only these
    for chain, rows in slim.groupby("chain", observed=True):
        members = rows[rows["member"].astype(bool)]
        comparison = rows[~rows["member"].astype(bool)]
        if members.empty:
            continue
        name = CHAIN_NAMES.get(chain, chain)
        if comparison.empty:
            out.append(Problem(config_file, None, None, member_column, chain,
                               f"no_comparison_group: the {name} chain has {members['producer_id'].nunique()} "
                               "members and no comparison producers (member = no), so a members-vs-"
                               "comparison estimate is impossible; deliver the comparison producers' "
                               "rows, or check codes.member in the config"))
            continue
        common = {int(r) for r in set(members["round"]) & set(comparison["round"])}
        if len(common) < 2:
            out.append(Problem(config_file, None, None, member_column, chain,
                               f"comparison_rounds: in the {name} chain members and comparison "
                               f"producers share {len(common)} survey round(s) ({sorted(common)}); a "
                               "difference in differences needs both groups in at least two rounds; the "
                               "reports show only the members' before–after change for this chain"))
    return out
