"""Rule families of the consistency audit (issue 9, item 2).

Each rule is generic: it takes DataFrames transcribed from the document (``data/raw/published``)
and returns check rows in the format of ``analysis.published.audit.COLUMNS`` (plus ``family`` and
``severity``). Nothing here knows the answers: which exhibits repeat a number, which names
differ or which figures disagree follows from the data only.

Check ids are built so that every check about one underlying discrepancy shares its stem (the
part before ``#``); ``analysis.published.audit.findings`` merges checks by stem into one finding.
"""

from __future__ import annotations

import ast
import difflib
import re
import unicodedata

import pandas as pd

from analysis.labels import t

EPS = 1e-9
SEVERITIES = ("contradiction", "likely_typo", "rounding", "needs_assumption", "change_over_time")


# ---------------------------------------------------------------- helpers
def _fmt(x) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{round(x, 4):.10g}"


def _rng(lo, hi) -> str:
    return _fmt(lo) if abs(float(lo) - float(hi)) < EPS else f"{_fmt(lo)}–{_fmt(hi)}"


def _sources(*groups) -> str:
    seen: list[str] = []
    for group in groups:
        for s in ([group] if isinstance(group, str) else group):
            for part in str(s).split("; "):
                if part and part not in seen:
                    seen.append(part)
    return "; ".join(seen)


def row(check_id, family, desc_key, sources, expected, found, passed, severity="", tolerance=0.0,
        lang="es", **fmt) -> dict:
    """One check row; the description comes from ``i18n/audit_families.yaml``."""
    return {"check_id": check_id, "rule": family, "family": family,
            "description": t(f"audit_families.{desc_key}", lang, **fmt),
            "finding": finding_text(desc_key, lang, **fmt), "sources": sources,
            "expected": str(expected), "found": str(found), "tolerance": float(tolerance),
            "passed": bool(passed), "severity": "" if passed else severity}


def finding_text(desc_key: str, lang: str = "es", **fmt) -> str:
    """What a failed check says, in plain words (``finding_<key>``); the check's own description
    when no such wording exists."""
    try:
        return t(f"audit_families.finding_{desc_key}", lang, **fmt)
    except KeyError:
        try:
            return t(f"audit_families.{desc_key}", lang, **fmt)
        except KeyError:
            return t(f"audit.{desc_key}", lang, **fmt)


def _in_lang(r, col: str, lang: str) -> str:
    """A transcribed text column in the report's language (``<col>_en`` when present)."""
    other = f"{col}_{lang}"
    if lang != "es" and other in r and str(r[other]).strip() not in ("", "nan"):
        return str(r[other])
    return str(r[col])


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9%.]+", " ", text).split()).replace(" %", "%")


def decimals(x) -> int:
    s = f"{round(float(x), 6):.10g}"
    return len(s.split(".")[1]) if "." in s else 0


def half_digit(*values) -> float:
    return 0.5 * 10 ** -max(decimals(v) for v in values)


def gap_severity(expected: float, found: float) -> str:
    """A numeric gap: within 0.5% is rounding, otherwise a contradiction."""
    big = max(abs(expected), abs(found))
    return "rounding" if big and abs(expected - found) / big <= 0.005 else "contradiction"


# ---------------------------------------------------------------- 1. limits per unit
def limit_per_unit(limits: pd.DataFrame, reported: pd.DataFrame, *, lang: str = "es") -> list[dict]:
    """A range stated for every unit (``min_amount``/``max_amount`` per network, per project …)
    against the amounts reported for each unit. ``reported``: limit_id, unit, amount, source
    (one row per unit and reported amount). One check per limit and unit; all the checks of a
    limit share its stem, so a cap contradicted by several units is one finding."""
    rows = []
    for _, lim in limits.iterrows():
        lo = float(lim["min_amount"]) if str(lim["min_amount"]).strip() not in ("", "nan") else None
        hi = float(lim["max_amount"]) if str(lim["max_amount"]).strip() not in ("", "nan") else None
        expected = (f"{_fmt(lo)}–{_fmt(hi)}" if lo is not None and hi is not None
                    else f"<= {_fmt(hi)}" if hi is not None else f">= {_fmt(lo)}")
        for _, r in reported[reported["limit_id"] == lim["limit_id"]].iterrows():
            a = float(r["amount"])
            ok = (lo is None or a >= lo - EPS) and (hi is None or a <= hi + EPS)
            rows.append(row(f"limit:{lim['limit_id']}", "limit_per_unit", "limit_per_unit",
                            _sources(lim["source"], r["source"]), expected, _fmt(round(a, 1)), ok,
                            "contradiction", lang=lang, limit=_in_lang(lim, "description", lang),
                            unit=r["unit"]))
    return rows


def reported_per_network(cofinancing: pd.DataFrame, projects: pd.DataFrame,
                         limits: pd.DataFrame, networks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Amounts per unit for ``limit_per_unit``: a project's co-financing (sum of parts and, when
    printed, the stated total) divided by the number of networks sharing it; members per
    network from Tabla N°02."""
    out = []
    for _, lim in limits.iterrows():
        if lim["quantity"] == "investment":
            cof = cofinancing[(cofinancing["chain"] == lim["chain"]) & (cofinancing["currency"] == lim["unit"])
                              & (cofinancing["project_type"] == lim["project_type"])]
            for pid, g in cof.groupby("project_id", sort=False):
                n = int((projects["cofinancing_id"] == pid).sum()) or 1
                parts = g[g["kind"] == "part"]
                label = f"{pid}:{n}"
                out.append({"limit_id": lim["limit_id"], "unit": label,
                            "amount": parts["amount"].sum() / n, "source": _sources(parts["source"])})
                for _, s in g[g["kind"] == "stated_total"].iterrows():
                    out.append({"limit_id": lim["limit_id"], "unit": label,
                                "amount": s["amount"] / n, "source": s["source"]})
        elif lim["quantity"] == "members" and networks is not None:
            nets = networks if lim["chain"] == "all" else networks[networks["chain"] == lim["chain"]]
            for _, n in nets.iterrows():
                out.append({"limit_id": lim["limit_id"], "unit": n["network_id"],
                            "amount": float(n["total"]), "source": n["source"]})
    return pd.DataFrame(out, columns=["limit_id", "unit", "amount", "source"])


# ---------------------------------------------------------------- 2. the same event dated twice
def _month_gap(a: str, b: str) -> int | None:
    if len(a) < 7 or len(b) < 7:
        return None
    return abs((int(a[:4]) * 12 + int(a[5:7])) - (int(b[:4]) * 12 + int(b[5:7])))


def event_dated_twice(events: pd.DataFrame, *, lang: str = "es") -> list[dict]:
    """Every (event, bound) printed in several places must carry the same date, compared at the
    coarser precision (a year agrees with any month of that year). A slip of one month is a
    likely typo; more, a contradiction."""
    rows = []
    for (event, bound), g in events.groupby(["event", "bound"], sort=False):
        if len(g) < 2:
            continue
        dates = list(g["date"])
        first = dates[0]
        bad = []
        for d in dates[1:]:
            n = min(len(first), len(d))
            if first[:n] != d[:n]:
                bad.append(d)
        sev = "contradiction"
        if bad:
            gaps = [_month_gap(first, d) for d in bad]
            sev = "likely_typo" if all(x is not None and x <= 1 for x in gaps) else "contradiction"
        found = "; ".join(dict.fromkeys(d for d in dates[1:] if d != first)) or first
        rows.append(row(f"event:{event}", "event_dated_twice", "event_dated_twice",
                        _sources(g["source"]), first, found, not bad, sev, lang=lang,
                        event=t(f"audit_families.event_{event}", lang),
                        bound=t(f"audit_families.bound_{bound}", lang)))
    return rows


# ---------------------------------------------------------------- scopes
def scope_contains(outer: tuple[str, str], inner: tuple[str, str], groups: dict[str, set]) -> bool:
    """(chain, network_id) ``outer`` contains ``inner``: same chain (or outer ``all``), and
    outer is the whole chain ('') or a group whose member networks include inner's."""
    (oc, on), (ic, inn) = outer, inner
    if oc not in ("all", ic):
        return False
    if on == "":
        return True
    members_o = groups.get(on, {on})
    members_i = groups.get(inn, {inn}) if inn else None
    return members_i is not None and members_i <= members_o


def network_groups(groups: pd.DataFrame) -> dict[str, set]:
    """``network_groups.csv`` (group_id, network_id) as {group: {networks}}."""
    return {g: set(d["network_id"]) for g, d in groups.groupby("group_id")}


# ---------------------------------------------------------------- 3. unchanged vs expansion
def unchanged_vs_expansion(claims: pd.DataFrame, groups: dict[str, set], *,
                           lang: str = "es") -> list[dict]:
    """A quantity stated at the same value before and after (for a scope) against a stated
    increase of it (``measure = M_change_pct`` or ``relates_to = M``) for that scope or a part of
    it. An increase of the same measure is a contradiction; of a related measure (e.g. farmland
    against area in production) it holds only under an assumption."""
    rows = []
    rel = claims.get("relates_to", pd.Series([""] * len(claims), index=claims.index)).fillna("")
    for (measure, chain, net), g in claims.groupby(["measure", "chain", "network_id"], sort=False):
        before, after = g[g["period"] == "initial"], g[g["period"] == "current"]
        if before.empty or after.empty:
            continue
        b, a = before.iloc[0], after.iloc[0]
        tol = half_digit(b["value"], a["value"])
        if not (a["low"] <= b["high"] + tol and a["high"] >= b["low"] - tol):
            continue  # it did change: nothing to compare
        growth = claims[((claims["measure"] == f"{measure}_change_pct") | (rel == measure))
                        & (claims["period"] == "current") & (claims["value"] > 0)]
        for _, c in growth.iterrows():
            if not scope_contains((chain, net), (c["chain"], c["network_id"]), groups):
                continue
            same = c["measure"] == f"{measure}_change_pct"
            rows.append(row(f"unchanged:{measure}/{chain}/{net}", "unchanged_vs_expansion",
                            "unchanged_vs_expansion", _sources(before["source"], after["source"],
                                                              [c["source"]]),
                            f"{_rng(b['low'], b['high'])} → {_rng(a['low'], a['high'])}",
                            f"+{_fmt(c['value'])}%", False,
                            "contradiction" if same else "needs_assumption", lang=lang,
                            quantity=_lower(b["description"]), growth=_lower(c["description"])))
    return rows


def _lower(text: str) -> str:
    text = str(text).strip()
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


# ---------------------------------------------------------------- 4. one baseline, two values
def baseline_agrees(claims: pd.DataFrame, groups: dict[str, set], *, lang: str = "es") -> list[dict]:
    """The same baseline (``period = initial`` and ``as_of = pre``: before the programme) of one
    measure stated in several places, for one scope or nested scopes, must overlap within half a
    printed digit. Same scope: a contradiction; a part against the whole: the difference holds
    only if the part is not representative (needs an assumption)."""
    rows = []
    base = claims[(claims["period"] == "initial") & (claims.get("as_of", "") == "pre")]
    for (measure, chain), g in base.groupby(["measure", "chain"], sort=False):
        if len(g) < 2:
            continue
        g = g.reset_index(drop=True)
        ref = g.iloc[0]  # the widest scope first: as printed order, the whole before its parts
        for _, c in g.iloc[1:].iterrows():
            outer, inner = (ref["chain"], ref["network_id"]), (c["chain"], c["network_id"])
            if not (scope_contains(outer, inner, groups) or scope_contains(inner, outer, groups)):
                continue
            tol = half_digit(ref["low"], ref["high"], c["low"], c["high"])
            ok = c["low"] <= ref["high"] + tol + EPS and c["high"] >= ref["low"] - tol - EPS
            same_scope = outer == inner
            rows.append(row(f"baseline:{measure}/{chain}", "baseline_agrees", "baseline_agrees",
                            _sources([ref["source"]], [c["source"]]), _rng(ref["low"], ref["high"]),
                            _rng(c["low"], c["high"]), ok,
                            "contradiction" if same_scope else "needs_assumption", lang=lang,
                            quantity=_lower(ref["description"])))
    return rows


# ---------------------------------------------------------------- 5. implied values and bounds
class _Interval:
    def __init__(self, lo, hi):
        self.lo, self.hi = float(min(lo, hi)), float(max(lo, hi))

    def _c(self, o):
        return o if isinstance(o, _Interval) else _Interval(o, o)

    def __add__(self, o):
        o = self._c(o)
        return _Interval(self.lo + o.lo, self.hi + o.hi)

    __radd__ = __add__

    def __sub__(self, o):
        o = self._c(o)
        return _Interval(self.lo - o.hi, self.hi - o.lo)

    def __rsub__(self, o):
        return self._c(o) - self

    def __mul__(self, o):
        o = self._c(o)
        p = [self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi]
        return _Interval(min(p), max(p))

    __rmul__ = __mul__


def _claim_interval(c) -> _Interval:
    """A claim as an interval widened by half its last printed digit; percentages as fractions
    when used as factors (``unit == '%'``)."""
    h = half_digit(c["low"], c["high"])
    lo, hi = c["low"] - h, c["high"] + h
    return _Interval(lo, hi)


def evaluate(expression: str, claims: pd.DataFrame) -> tuple[_Interval, list[str]]:
    """Interval value of an arithmetic expression over claim ids (``c105*c090*(c093+c094)``).
    A percentage claim multiplied by something else counts as a fraction (÷ 100)."""
    by_id = claims.set_index("claim_id")
    used: list[str] = []
    tree = ast.parse(expression, mode="eval")

    def ev(node, factor=False):
        if isinstance(node, ast.Expression):
            return ev(node.body, factor)
        if isinstance(node, ast.BinOp):
            is_mul = isinstance(node.op, ast.Mult)
            a, b = ev(node.left, is_mul or factor), ev(node.right, is_mul or factor)
            if isinstance(node.op, ast.Add):
                return _Interval(0, 0) + a + b
            if isinstance(node.op, ast.Sub):
                return _Interval(0, 0) + a - b
            if is_mul:
                return _Interval(1, 1) * a * b
            raise ValueError(f"operator not allowed in {expression!r}")
        if isinstance(node, ast.Constant):
            return _Interval(node.value, node.value)
        if isinstance(node, ast.Name):
            c = by_id.loc[node.id]
            used.append(node.id)
            iv = _claim_interval(c)
            if factor and str(c["unit"]).strip() == "%":
                return _Interval(iv.lo / 100, iv.hi / 100)
            return iv
        raise ValueError(f"not allowed in {expression!r}: {ast.dump(node)}")

    return ev(tree), used


def implied_value_agrees(relations: pd.DataFrame, claims: pd.DataFrame, *,
                         lang: str = "es") -> list[dict]:
    """A value implied by other stated values (product of a volume and shares, a complement, a
    sum of parts) against the stated value (``op '='``: the intervals must overlap) or against a
    bound (``op '<='``: parts cannot exceed their whole). A relation that holds only under an
    ``assumption`` the document does not state (e.g. two percentages of the same base) is
    reported as needing that assumption, not as a contradiction."""
    rows = []
    by_id = claims.set_index("claim_id")
    for _, r in relations.iterrows():
        left, used = evaluate(r["expression"], claims)
        target, used_t = evaluate(str(r["target"]), claims)
        srcs = _sources([by_id.loc[c, "source"] for c in used + used_t if c in by_id.index])
        if r["op"] == "<=":
            ok = left.lo <= target.hi + EPS
            expected, sev = f"<= {_rng(target.lo, target.hi)}", "contradiction"
        else:
            ok = left.lo <= target.hi + EPS and left.hi >= target.lo - EPS
            expected = _rng(round(target.lo, 1), round(target.hi, 1))
            mid_l, mid_t = (left.lo + left.hi) / 2, (target.lo + target.hi) / 2
            sev = gap_severity(mid_t, mid_l)
        assumption = _in_lang(r, "assumption", lang) if "assumption" in r else ""
        if assumption.strip() in ("", "nan"):
            key, extra = "implied_value", {}
        else:  # the figures clash only under an assumption the document does not state
            key, extra, sev = "implied_value_assumption", {"assumption": assumption}, "needs_assumption"
        rows.append(row(f"implied:{r['relation_id']}", "implied_value_agrees", key,
                        srcs or r["source"], expected, _rng(round(left.lo, 1), round(left.hi, 1)),
                        ok, sev, lang=lang, relation=_in_lang(r, "description", lang), **extra))
    return rows


# ---------------------------------------------------------------- 6. numbering of exhibits and sections
def _label(kind, number) -> str:
    return f"{kind} N°{int(number):02d}"


def exhibit_numbering(exhibits: pd.DataFrame, refs: pd.DataFrame | None = None, *,
                      lang: str = "es") -> list[dict]:
    """Per kind (Tabla, Gráfico), in document order: each number printed once; no number of the
    range skipped; an exhibit does not reuse the title of another with other content; a text
    reference points to an exhibit showing what the text describes. An out-of-sequence repeat
    that sits where a skipped number belongs is one finding with that gap."""
    rows = []
    ex = exhibits.sort_values("order").reset_index(drop=True)
    for kind, g in ex.groupby("kind", sort=False):
        nums = [int(n) for n in g["number"]]
        present = set(nums)
        absorbed: set[int] = set()
        seen: dict[int, pd.Series] = {}
        prev = 0
        for _, e in g.iterrows():
            n = int(e["number"])
            lab = _label(kind, n)
            if n in seen:
                expected_n = prev + 1
                guess = expected_n if expected_n not in present else None
                if guess:
                    absorbed.add(guess)
                rows.append(row(f"exhibit:{lab}", "exhibit_numbering", "exhibit_repeated",
                                _sources([seen[n]["source"], e["source"]]),
                                _label(kind, guess) if guess else "—", lab, False, "likely_typo",
                                lang=lang, label=lab, section=e["section"]))
            else:
                rows.append(row(f"exhibit:{lab}", "exhibit_numbering", "exhibit_unique",
                                e["source"], lab, lab, True, lang=lang, label=lab,
                                section=e["section"]))
                seen[n] = e
            prev = max(prev, n)
        missing = [n for n in range(1, max(nums) + 1) if n not in present and n not in absorbed]
        runs: list[list[int]] = []
        for n in missing:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        for run in runs:
            lab = _label(kind, run[0]) + (f"–{int(run[-1]):02d}" if len(run) > 1 else "")
            before = g[g["number"].astype(int) < run[0]]["source"].iloc[-1:]
            after = g[g["number"].astype(int) > run[-1]]["source"].iloc[:1]
            rows.append(row(f"exhibit_gap:{lab}", "exhibit_numbering", "exhibit_gap",
                            _sources(before, after), lab, "—", False, "likely_typo", lang=lang,
                            label=lab))
        # a title reused by an exhibit with other content (the later one is the copy)
        first_title: dict[str, pd.Series] = {}
        for _, e in g.iterrows():
            key = fold(e["title"])
            if key in first_title and first_title[key]["content"] != e["content"]:
                orig = first_title[key]
                rows.append(row(f"exhibit:{_label(kind, e['number'])}", "exhibit_numbering",
                                "exhibit_title_reused", _sources([orig["source"], e["source"]]),
                                t(f"audit_families.content_{e['content']}", lang),
                                t(f"audit_families.content_{orig['content']}", lang), False,
                                "likely_typo", lang=lang, label=_label(kind, e["number"]),
                                section=e["section"], original=_label(kind, orig["number"])))
            first_title.setdefault(key, e)
    if refs is not None:
        by_content = {c: e for c, e in zip(ex["content"], ex.to_dict("records"))}
        for (kind, number), g in refs.groupby(["kind", "number"], sort=False):
            lab = _label(kind, number)
            target = ex[(ex["kind"] == kind) & (ex["number"].astype(int) == int(number))]
            for _, r in g.iterrows():
                ok = r["refers_to"] in set(target["content"])
                shown = (t(f"audit_families.content_{target['content'].iloc[0]}", lang)
                         if len(target) else "—")
                meant = by_content.get(r["refers_to"])
                rows.append(row(f"exhibit_ref:{lab}", "exhibit_numbering", "exhibit_reference",
                                _sources([r["source"]], target["source"]),
                                t(f"audit_families.content_{r['refers_to']}", lang)
                                + (f" ({_label(meant['kind'], meant['number'])})" if meant and not ok else ""),
                                shown, ok, "likely_typo", lang=lang, label=lab))
    return rows


PROJECT_WORDS = {"plan": "plan_mejora", "mejora": "plan_mejora", "piloto": "piloto",
                 "estrategico": "estrategico"}


def exhibit_headers(exhibits: pd.DataFrame, headers: pd.DataFrame, *, lang: str = "es") -> list[dict]:
    """A column header or chart label that names a kind of project (plan de mejora, piloto,
    estratégico) must name the kind the exhibit shows (``project_type``); a header naming
    another kind was copied from another exhibit."""
    rows = []
    ex = exhibits.set_index("order")
    for _, h in headers.iterrows():
        e = ex.loc[int(h["order"])]
        if not str(e.get("project_type", "")).strip():
            continue
        words = {PROJECT_WORDS[w.rstrip("s")] for w in fold(h["header"]).split()
                 if w.rstrip("s") in PROJECT_WORDS}
        if not words:
            continue
        ok = e["project_type"] in words
        lab = _label(e["kind"], e["number"])
        rows.append(row(f"exhibit_header:{int(h['order'])}", "exhibit_numbering", "exhibit_header",
                        _sources([e["source"]], [h["source"]]),
                        t(f"audit_families.ptype_{e['project_type']}", lang), h["header"], ok,
                        "likely_typo", lang=lang, label=lab, section=e["section"],
                        header=h["header"]))
    return rows


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


def section_numbering(sections: pd.DataFrame, *, lang: str = "es") -> list[dict]:
    """Chapters numbered by their position; a section's number starts with its chapter's; a
    chapter title is not reused by a chapter with other content."""
    rows = []
    sec = sections.sort_values("order")
    chapters = sec[sec["level"] == "capítulo"]
    first_title: dict[str, pd.Series] = {}
    for _, c in chapters.iterrows():
        printed = _ROMAN.get(str(c["printed_number"]).strip())
        pos = int(c["position"])
        stem = f"chapter:{pos}"
        rows.append(row(stem, "section_numbering", "chapter_number", c["source"],
                        _roman(pos), c["printed_number"], printed == pos, "likely_typo",
                        lang=lang, position=pos))
        key = fold(c["title"])
        if key in first_title and first_title[key]["content"] != c["content"]:
            o = first_title[key]
            rows.append(row(stem, "section_numbering", "chapter_title_reused",
                            _sources([o["source"], c["source"]]), "—", c["title"], False,
                            "likely_typo", lang=lang, position=pos, original=_roman(int(o["position"]))))
        first_title.setdefault(key, c)
    for _, s in sec[sec["level"] == "sección"].iterrows():
        parent = int(s["parent_position"])
        head = str(s["printed_number"]).split(".")[0]
        ok = head.isdigit() and int(head) == parent
        rows.append(row(f"section:{parent}.{int(s['position'])}", "section_numbering",
                        "section_number", s["source"], f"{parent}.{int(s['position'])}",
                        s["printed_number"], ok, "likely_typo", lang=lang,
                        title=s["title"], chapter=_roman(parent)))
    return rows


def _roman(n: int) -> str:
    return {v: k for k, v in _ROMAN.items()}[n]


# ---------------------------------------------------------------- 7. phase names and numbers
_STOP = {"de", "del", "la", "el", "los", "las", "y", "en", "e", "a", "al"}


def _tokens(text: str) -> set[str]:
    return {w.rstrip("s") for w in fold(text).split() if w not in _STOP}


def phase_headings(headings: pd.DataFrame, phases: pd.DataFrame, *, lang: str = "es") -> list[dict]:
    """Each phase heading's printed number against the number of the methodology phase whose name
    it matches best (shared words); a heading that matches no phase is flagged too."""
    rows = []
    names = {int(p["phase"]): _tokens(p["name"]) for _, p in phases.iterrows()}
    for _, h in headings.iterrows():
        tok = _tokens(h["printed_name"])
        score = {n: len(tok & w) / len(tok | w) for n, w in names.items()}
        best = max(score, key=score.get)
        printed = int(h["printed_number"])
        ok = score[best] > 0 and best == printed
        rows.append(row(f"phase:{h['chain']}:{int(h['order'])}", "phase_headings", "phase_heading",
                        _sources(h["source"], phases.loc[phases["phase"] == best, "source"].iloc[:1]),
                        f"Fase {best}", f"Fase {printed}", ok, "likely_typo", lang=lang,
                        name=h["printed_name"], chain=t(f"common.chain_{h['chain']}", lang).lower(),
                        phase=best))
    return rows


# ---------------------------------------------------------------- 8. passages of another document
def foreign_passages(mentions: pd.DataFrame, scope: dict[str, set], *, lang: str = "es") -> list[dict]:
    """A chain, territory or programme named in the text must belong to the document's scope
    (``scope``: kind → allowed names, from the transcribed tables) and, for a chain, to the
    section's own chain; citations of other documents are allowed. All passages naming the same
    foreign subject are one finding: a contradiction (their figures are not this document's); the
    other chain named in a chain's own section is a likely slip of the pen."""
    rows = []
    allowed = {k: {fold(v) for v in vals} for k, vals in scope.items()}
    for _, m in mentions.iterrows():
        subj = fold(m["subject"])
        if m["role"] == "citation":
            ok, reason = True, "citation"
        elif subj not in allowed.get(m["subject_kind"], set()):
            ok, reason = False, "outside"
        elif m["subject_kind"] == "chain" and m["section_subject"] not in ("all", "") \
                and subj != fold(_chain_word(m["section_subject"], "es")):
            ok, reason = False, "other_chain"
        else:
            ok, reason = True, "inside"
        stem = f"foreign:{subj}" if reason == "outside" else f"foreign:{subj}/{m['section']}"
        rows.append(row(stem, "foreign_passages", f"foreign_{reason}", m["source"],
                        ", ".join(sorted(scope.get(m["subject_kind"], []))) if reason == "outside"
                        else _chain_word(m["section_subject"], lang), m["subject"], ok,
                        "contradiction" if reason == "outside" else "likely_typo", lang=lang,
                        subject=m["subject"], section=m["section"]))
    return rows


def _chain_word(c: str, lang: str) -> str:
    return t(f"common.chain_{c}", lang).lower() if c in ("mango", "lacteos") else c


# ---------------------------------------------------------------- 9. an exhibit copying another
def exhibit_copies(items: pd.DataFrame, *, min_shared: int = 3) -> dict[str, tuple[str, list[str]]]:
    """{copy: (original, shared items)}: a later exhibit that repeats at least ``min_shared`` items
    of an earlier one about a subject that is not its own (its own subject: the most frequent
    subject of its items, ``all`` aside)."""
    order = list(dict.fromkeys(items["exhibit"]))
    own = {}
    for ex, g in items.groupby("exhibit", sort=False):
        subj = g.loc[g["subject"] != "all", "subject"]
        own[ex] = subj.mode().iloc[0] if len(subj) else "all"
    keyed = {ex: {fold(i): s for i, s in zip(g["item"], g["subject"])}
             for ex, g in items.groupby("exhibit", sort=False)}
    out = {}
    for j, b in enumerate(order):
        for a in order[:j]:
            shared = [i for i, s in keyed[b].items() if i in keyed[a] and s not in ("all", own[b])]
            if len(shared) >= min_shared:
                out[b] = (a, shared)
                break
    return out


def exhibit_copy_checks(items: pd.DataFrame, *, min_shared: int = 3, lang: str = "es") -> list[dict]:
    rows = []
    copies = exhibit_copies(items, min_shared=min_shared)
    for ex in dict.fromkeys(items["exhibit"]):
        if ex in copies:
            orig, shared = copies[ex]
            srcs = _sources(items.loc[items["exhibit"] == orig, "source"],
                            items.loc[items["exhibit"] == ex, "source"])
            rows.append(row(f"copy:{ex}", "exhibit_copy", "exhibit_copy", srcs, orig,
                            t("audit_families.copy_found", lang, n=len(shared)), False, "likely_typo", lang=lang, copy=ex, original=orig,
                            n=len(shared)))
        else:
            rows.append(row(f"copy:{ex}", "exhibit_copy", "exhibit_own", ex, "—", "—", True,
                            lang=lang, copy=ex))
    return rows


def drop_copied_claims(claims: pd.DataFrame, copies: dict[str, tuple[str, list[str]]]) -> pd.DataFrame:
    """Claims printed in a copied exhibit that repeat a claim of its original (same measure,
    chain, network, period and range) are not independent confirmations: they are dropped."""
    drop = []
    keys = ["measure", "chain", "network_id", "period", "low", "high"]
    for copy, (orig, _) in copies.items():
        in_orig = claims[claims["source"] == orig].set_index(keys).index
        for i, c in claims[claims["source"] == copy].iterrows():
            if tuple(c[k] for k in keys) in in_orig:
                drop.append(i)
    return claims.drop(index=drop)


# ---------------------------------------------------------------- 10. names spelt differently
_GENERIC = {"red", "rp", "rpl", "rpm", "productore", "productora", "lacteo", "mango",
            "agropecuario", "srta", "sr", "sra", "ing", "dr"}


def _name_tokens(text: str) -> list[str]:
    return [w.rstrip("s") if len(w) > 3 else w for w in fold(text).replace("-", " ").split()
            if w not in _STOP and w.rstrip("s") not in _GENERIC]


def _places_in(text: str, places: list[str]) -> set[str]:
    """The place names (longest first, each word used once) found in a folded text."""
    found, rest = set(), f" {fold(text).replace('-', ' ')} "
    rest = " ".join(rest.split())
    rest = f" {rest} "
    for p in sorted(places, key=len, reverse=True):
        key = f" {' '.join(fold(p).replace('-', ' ').split())} "
        if key in rest:
            found.add(key.strip())
            rest = rest.replace(key, " ")
    return found


def name_variants(mentions: pd.DataFrame, *, places: list[str] | None = None,
                  lang: str = "es") -> list[dict]:
    """The spellings of one person, network or organisation: accents, case, hyphens and extra
    words (a second given name, a married name, a sector added) are allowed; a word that is
    close to but not the same as a word of the other spelling is flagged (very close: a likely
    typo; less so: a contradiction, which person is meant must be checked). With ``places``
    (the territory's sectors), two spellings that each name a sector but not the same one are
    a contradiction: the name points to another place."""
    rows = []
    places = places or []
    for entity, g in mentions.groupby("entity", sort=False):
        spellings = list(dict.fromkeys(g["spelling"]))
        first = spellings[0]
        if len(spellings) < 2:
            continue
        t0 = _name_tokens(first)
        for other in spellings[1:]:
            t1 = _name_tokens(other)
            near = []
            for w in t1:
                if w in t0:
                    continue
                best = max(t0, key=lambda x: difflib.SequenceMatcher(None, x, w).ratio())
                r = difflib.SequenceMatcher(None, best, w).ratio()
                if r >= 0.5:
                    near.append((best, w, r))
            p0, p1 = _places_in(first, places), _places_in(other, places)
            other_place = bool(p0 and p1 and p0 != p1)
            ok = not near and not other_place
            sev = "likely_typo" if all(r >= 0.8 for *_, r in near) and not other_place \
                else "contradiction"
            src = _sources(g.loc[g["spelling"] == first, "source"], g.loc[g["spelling"] == other, "source"])
            rows.append(row(f"name:{entity}", "name_variants", "name_variant", src, first, other, ok,
                            sev, lang=lang, kind=t(f"audit_families.kind_{fold(g['kind'].iloc[0])}", lang),
                            name=first))
    return rows
