"""Load and check the YAML config of one survey data source (see references/codebook.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.paths import PUBLISHED
from analysis.survey.errors import SurveyConfigError
from analysis.survey.missing import describe_missing

FORMATS = ("csv", "xlsx", "dta", "sav")
PII_FIELDS = ("name", "dni", "phone", "address")
KEY_FIELDS = ("producer_key", "network", "sector", "chain", "sex", "member")
NUMERIC_FIELDS = (
    "net_income_pen", "sales_value_pen", "family_labour_days", "hired_labour_days", "cows",
    "milk_yield_l_cow_day", "hectares", "kg_sold", "price_pen_unit", "share_main_buyer_pct",
    "share_direct_pct",
)
COLUMN_FIELDS = KEY_FIELDS + PII_FIELDS + NUMERIC_FIELDS
CODE_FIELDS = ("member", "sex", "chain")
TOP_KEYS = {"source_name", "synthetic", "price_year", "min_cell", "files", "columns", "codes",
            "networks", "units", "plausibility", "duplicates", "networks_file", "keys", "years",
            "shared_rounds", "pii_allow"}
REQUIRED_TOP = ("source_name", "price_year", "files")
FILE_KEYS = {"path", "format", "sheets", "encoding", "sep", "decimal", "round_column",
             "year_column", "round", "year", "sheet", "layout", "columns", "waves", "roster",
             "rounds", "thousands", "select_multiple"}
LAYOUTS = ("long", "wide")
ROSTER_KEYS = {"sheet", "key", "columns"}
ACTIONS = ("set_missing", "exclude_row")
DUPLICATE_ACTIONS = ("keep_first", "keep_last", "latest_by", "error")
DUPLICATE_KEEP = {"first": "keep_first", "last": "keep_last", "error": "error"}
WAVE_FIELDS = ("{year}", "{round}", "{wave}")
ENCODINGS = ("utf-8", "latin-1", "cp1252")
PROGRAMME_YEARS = (2004, 2012)  # APOMIPE in Laredo: first networks 2004, final survey by 2012
KEY_CASES = ("keep", "upper", "lower")
KEY_ZEROS = ("keep", "strip")


@dataclass
class SheetSpec:
    round: int
    year: int


@dataclass
class FileSpec:
    path: Path
    format: str
    sheets: dict[str, SheetSpec] | None = None
    encoding: str | None = None
    sep: str | None = None
    decimal: str | None = None
    round_column: str | None = None
    year_column: str | None = None
    round: int | None = None
    year: int | None = None
    sheet: str | None = None          # xlsx: the one sheet to read (long or wide table)
    layout: str = "long"
    columns: dict[str, str] = field(default_factory=dict)   # effective map (top-level + file's)
    waves: dict[str, SheetSpec] | None = None               # wide: wave label -> round, year
    roster: "RosterSpec | None" = None
    rounds: dict[str, "RoundCode"] | None = None            # round codes of round_column
    thousands: str | None = None                            # ".", "," or "" (no grouping)
    select_multiple: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class RosterSpec:
    """A membership/roster sheet of the same workbook, joined to the data rows by key."""

    sheet: str
    key: str
    columns: dict[str, str]


@dataclass
class RoundCode:
    round: int
    year: int | None = None


@dataclass
class RangeRule:
    min: float | None
    max: float | None
    action: str


@dataclass
class UnitRule:
    from_unit: str
    factor: float


@dataclass
class KeyRule:
    """How producer keys are normalized before pseudonymizing; None = not declared (the
    cleaner then stops when keys differ only in that respect, see clean.keys_step)."""

    case: str | None = None
    leading_zeros: str | None = None


@dataclass
class SurveyConfig:
    path: Path
    source_name: str
    price_year: int
    files: list[FileSpec]
    columns: dict[str, str]
    synthetic: bool = False
    min_cell: int = 5
    codes: dict[str, dict] = field(default_factory=dict)
    networks: dict[str, str] = field(default_factory=dict)
    units: dict[str, UnitRule] = field(default_factory=dict)
    plausibility: dict[str, RangeRule] = field(default_factory=dict)
    duplicates: str = "keep_first"
    duplicates_by: str | None = None
    networks_file: Path = PUBLISHED / "networks.csv"
    keys: KeyRule = field(default_factory=KeyRule)
    years: tuple[int, int] = PROGRAMME_YEARS
    shared_rounds: bool = False
    pii_allow: set[str] = field(default_factory=set)


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key, line: int, first: int):
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping key given twice (plain YAML keeps the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # unhashable key: let PyYAML report it
                break
            if first is not None:
                raise _DuplicateKey(key, key_node.start_mark.line + 1, first)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _key_lines(node, prefix=()) -> dict[tuple, int]:
    """1-based line of every mapping key, by its key path."""
    out = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            path = prefix + (k.value,)
            out[path] = k.start_mark.line + 1
            out.update(_key_lines(v, path))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out[prefix + (i,)] = v.start_mark.line + 1
            out.update(_key_lines(v, prefix + (i,)))
    return out


class _Ctx:
    def __init__(self, path: Path, lines: dict):
        self.path, self.lines = path, lines

    def fail(self, key_path: tuple, msg: str):
        dotted = ".".join(str(k) for k in key_path) or "<top>"
        line = None
        for n in range(len(key_path), 0, -1):
            line = self.lines.get(tuple(key_path[:n]))
            if line:
                break
        where = (f", line {line}" if isinstance(line, int) else f", {line}") if line else ""
        raise SurveyConfigError(f"{self.path}{where}: key '{dotted}': {msg}")

    def mapping(self, value, key_path) -> dict:
        if not isinstance(value, dict):
            self.fail(key_path, f"must be a mapping, got {type(value).__name__}")
        return value

    def unknown(self, d: dict, allowed, key_path):
        for k in d:
            if k not in allowed:
                self.fail(key_path + (k,), f"unknown key; allowed keys: {', '.join(sorted(allowed))}")

    def integer(self, value, key_path) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key_path, f"must be an integer, got {value!r}")
        return value


def _columns(ctx: _Ctx, raw, kp) -> dict[str, str]:
    columns = {str(k): str(v) for k, v in ctx.mapping(raw, kp).items()}
    ctx.unknown(columns, set(COLUMN_FIELDS), kp)
    return columns


def _round_codes(ctx: _Ctx, raw, kp) -> dict[str, RoundCode]:
    """``rounds: {linea_base: 0, ...}`` or ``{linea_base: {round: 0, year: 2005}, ...}``."""
    out = {}
    for code, v in ctx.mapping(raw, kp).items():
        if isinstance(v, dict):
            ctx.unknown(v, {"round", "year"}, kp + (code,))
            if "round" not in v:
                ctx.fail(kp + (code, "round"), "missing required key")
            year = ctx.integer(v["year"], kp + (code, "year")) if "year" in v else None
            out[str(code)] = RoundCode(ctx.integer(v["round"], kp + (code, "round")), year)
        else:
            out[str(code)] = RoundCode(ctx.integer(v, kp + (code,)))
    if not out:
        ctx.fail(kp, "must map at least one round code to a round number")
    return out


def _file_spec(ctx: _Ctx, raw, i: int, base: Path, top_columns: dict[str, str]) -> FileSpec:
    kp = ("files", i)
    raw = ctx.mapping(raw, kp)
    ctx.unknown(raw, FILE_KEYS, kp)
    if "path" not in raw:
        ctx.fail(kp + ("path",), "missing required key")
    given = base / str(raw["path"])
    if not given.is_file():
        ctx.fail(kp + ("path",), describe_missing(given))
    path = given.resolve()
    if not path.is_file():
        ctx.fail(kp + ("path",), describe_missing(path))
    fmt = raw.get("format") or path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        ctx.fail(kp + ("format",), f"format {fmt!r} not supported; use one of {', '.join(FORMATS)}")
    spec = FileSpec(path=path, format=fmt)
    for opt, allowed in (("encoding", ENCODINGS), ("sep", (",", ";")),
                         ("decimal", (".", ",")), ("thousands", (".", ",", ""))):
        if opt in raw:
            if fmt != "csv":
                ctx.fail(kp + (opt,), "only valid for csv files")
            if raw[opt] not in allowed:
                ctx.fail(kp + (opt,), f"{raw[opt]!r} not allowed; use one of {allowed}")
            setattr(spec, opt, raw[opt])
    if spec.thousands is not None and spec.decimal is None:
        ctx.fail(kp + ("thousands",), "declare `decimal` too (e.g. `decimal: \".\"`, "
                                      "`thousands: \",\"`)")
    if spec.thousands and spec.thousands == spec.decimal:
        ctx.fail(kp + ("thousands",), f"{spec.thousands!r} is also the decimal mark")
    columns = dict(top_columns)
    if "columns" in raw:
        columns.update(_columns(ctx, raw["columns"], kp + ("columns",)))
    spec.columns = columns
    layout = raw.get("layout", "long")
    if layout not in LAYOUTS:
        ctx.fail(kp + ("layout",), f"{layout!r} not allowed; use one of {LAYOUTS}")
    spec.layout = layout
    if "sheet" in raw:
        if fmt != "xlsx":
            ctx.fail(kp + ("sheet",), "only valid for xlsx files")
        if "sheets" in raw:
            ctx.fail(kp + ("sheet",), "give `sheet` (one table) or `sheets` (one per round), not both")
        spec.sheet = str(raw["sheet"])
    if "select_multiple" in raw:
        sm = ctx.mapping(raw["select_multiple"], kp + ("select_multiple",))
        for col, choices in sm.items():
            if not isinstance(choices, list) or not choices:
                ctx.fail(kp + ("select_multiple", col), "must list the question's choice names, "
                         "e.g. [apomipe, minka, otro]")
            spec.select_multiple[str(col)] = [str(c) for c in choices]
    if "roster" in raw:
        rkp = kp + ("roster",)
        r = ctx.mapping(raw["roster"], rkp)
        ctx.unknown(r, ROSTER_KEYS, rkp)
        for req in ROSTER_KEYS:
            if req not in r:
                ctx.fail(rkp + (req,), "missing required key")
        if fmt != "xlsx":
            ctx.fail(rkp, "a roster sheet is read from the same xlsx workbook")
        spec.roster = RosterSpec(str(r["sheet"]), str(r["key"]),
                                 _columns(ctx, r["columns"], rkp + ("columns",)))
    if layout == "wide":
        return _wide_spec(ctx, raw, kp, spec)
    if "waves" in raw:
        ctx.fail(kp + ("waves",), "only valid with `layout: wide`")
    if "sheets" in raw:
        if fmt != "xlsx":
            ctx.fail(kp + ("sheets",), "only valid for xlsx files")
        sheets = {}
        for name, s in ctx.mapping(raw["sheets"], kp + ("sheets",)).items():
            skp = kp + ("sheets", name)
            s = ctx.mapping(s, skp)
            ctx.unknown(s, {"round", "year"}, skp)
            for req in ("round", "year"):
                if req not in s:
                    ctx.fail(skp + (req,), "missing required key")
            sheets[str(name)] = SheetSpec(ctx.integer(s["round"], skp + ("round",)),
                                          ctx.integer(s["year"], skp + ("year",)))
        spec.sheets = sheets
    else:
        if "rounds" in raw:
            if "round_column" not in raw:
                ctx.fail(kp + ("rounds",), "round codes need the column that holds them: "
                                           "add `round_column`")
            spec.rounds = _round_codes(ctx, raw["rounds"], kp + ("rounds",))
        year_from_codes = bool(spec.rounds) and all(c.year is not None for c in spec.rounds.values())
        for what in ("round", "year"):
            col, fixed = raw.get(f"{what}_column"), raw.get(what)
            if col is None and fixed is None and not (what == "year" and year_from_codes):
                extra = " or years in `rounds` (`{code: {round: 0, year: 2005}}`)" if what == "year" else ""
                ctx.fail(kp + (what,), f"give '{what}_column' or a fixed '{what}'{extra} "
                                       f"(or 'sheets' for xlsx)")
            if fixed is not None:
                setattr(spec, what, ctx.integer(fixed, kp + (what,)))
            if col is not None:
                setattr(spec, f"{what}_column", str(col))
    _check_file_columns(ctx, spec, kp, "columns" in raw or "roster" in raw)
    return spec


def _wide_spec(ctx: _Ctx, raw, kp, spec: FileSpec) -> FileSpec:
    """One row per producer; per-round columns named by a pattern (``ingreso_{year}``)."""
    for bad in ("sheets", "round", "year", "round_column", "year_column", "rounds"):
        if bad in raw:
            ctx.fail(kp + (bad,), "not valid with `layout: wide`: the rounds come from `waves`")
    if "waves" not in raw:
        ctx.fail(kp + ("waves",), "missing required key: list the rounds of the wide table, e.g. "
                                  "`waves: {\"2005\": {round: 0, year: 2005}, ...}`")
    waves = {}
    for label, w in ctx.mapping(raw["waves"], kp + ("waves",)).items():
        wkp = kp + ("waves", label)
        w = ctx.mapping(w, wkp)
        ctx.unknown(w, {"round", "year"}, wkp)
        for req in ("round", "year"):
            if req not in w:
                ctx.fail(wkp + (req,), "missing required key")
        waves[str(label)] = SheetSpec(ctx.integer(w["round"], wkp + ("round",)),
                                      ctx.integer(w["year"], wkp + ("year",)))
    if not waves:
        ctx.fail(kp + ("waves",), "must list at least one round")
    spec.waves = waves
    patterned = [f for f, c in spec.columns.items() if any(p in c for p in WAVE_FIELDS)]
    if not any(f in NUMERIC_FIELDS for f in patterned):
        ctx.fail(kp + ("columns",), "a wide table needs outcome columns named per round with "
                                    "{year}, {round} or {wave}, e.g. `net_income_pen: ingreso_{year}`")
    if "{" in spec.columns.get("producer_key", ""):
        ctx.fail(kp + ("columns", "producer_key"), "the producer key is one column of the wide "
                                                   "table, not one per round")
    _check_file_columns(ctx, spec, kp, "columns" in raw or "roster" in raw)
    return spec


def _check_file_columns(ctx: _Ctx, spec: FileSpec, kp, own: bool) -> None:
    have = set(spec.columns) | (set(spec.roster.columns) if spec.roster else set())
    for req in KEY_FIELDS:
        if req not in have:
            if not own:
                ctx.fail(("columns", req), "missing required key")
            ctx.fail(kp + ("columns", req), "missing required key (in the top-level `columns`, "
                                            "this file's `columns` or its `roster`)")


def _duplicates(ctx: _Ctx, raw) -> tuple[str, str | None]:
    """``duplicates: {keep: first | last | error}`` or ``{keep: {latest_by: <column>}}`` (also
    ``{latest_by: <column>}``; the older ``{action: keep_first | error}`` still works)."""
    kp = ("duplicates",)
    dup = ctx.mapping(raw or {"keep": "first"}, kp)
    ctx.unknown(dup, {"action", "keep", "latest_by"}, kp)
    if len(dup) != 1:
        ctx.fail(kp, "give one rule: `keep: first`, `keep: last`, `keep: {latest_by: <column>}` "
                     "or `keep: error`")
    (key, value), = dup.items()
    if key == "action":
        if value not in DUPLICATE_ACTIONS or value == "latest_by":
            ctx.fail(kp + ("action",), f"use one of {('keep_first', 'keep_last', 'error')}")
        return value, None
    if key == "keep" and isinstance(value, dict):
        ctx.unknown(value, {"latest_by"}, kp + ("keep",))
        key, value = "latest_by", value.get("latest_by")
    if key == "latest_by":
        if not isinstance(value, str) or not value.strip():
            ctx.fail(kp + ("latest_by",), "must name a date/time column, e.g. _submission_time")
        return "latest_by", value
    if value not in DUPLICATE_KEEP:
        ctx.fail(kp + ("keep",), f"{value!r} not allowed; use first, last, error or "
                                 f"{{latest_by: <column>}}")
    return DUPLICATE_KEEP[value], None


def _range_rule(ctx: _Ctx, raw, kp) -> RangeRule:
    raw = ctx.mapping(raw, kp)
    ctx.unknown(raw, {"min", "max", "action"}, kp)
    action = raw.get("action", "set_missing")
    if action not in ACTIONS:
        ctx.fail(kp + ("action",), f"{action!r} not allowed; use one of {ACTIONS}")
    for b in ("min", "max"):
        if b in raw and (isinstance(raw[b], bool) or not isinstance(raw[b], (int, float))):
            ctx.fail(kp + (b,), f"must be a number, got {raw[b]!r}")
    if "min" not in raw and "max" not in raw:
        ctx.fail(kp, "give 'min' and/or 'max'")
    return RangeRule(raw.get("min"), raw.get("max"), action)


def _key_rule(ctx: _Ctx, raw) -> KeyRule:
    raw = ctx.mapping(raw if raw is not None else {}, ("keys",))
    ctx.unknown(raw, {"strip", "case", "leading_zeros"}, ("keys",))
    if raw.get("strip", True) is not True:
        ctx.fail(("keys", "strip"), "surrounding spaces are always stripped; remove this key or "
                                    "set it to true")
    for name, allowed in (("case", KEY_CASES), ("leading_zeros", KEY_ZEROS)):
        if name in raw and raw[name] not in allowed:
            ctx.fail(("keys", name), f"{raw[name]!r} not allowed; use one of {allowed}")
    return KeyRule(raw.get("case"), raw.get("leading_zeros"))


def _year_range(ctx: _Ctx, raw) -> tuple[int, int]:
    if raw is None:
        return PROGRAMME_YEARS
    raw = ctx.mapping(raw, ("years",))
    ctx.unknown(raw, {"min", "max"}, ("years",))
    lo = ctx.integer(raw.get("min", PROGRAMME_YEARS[0]), ("years", "min"))
    hi = ctx.integer(raw.get("max", PROGRAMME_YEARS[1]), ("years", "max"))
    if lo > hi:
        ctx.fail(("years",), f"min {lo} is after max {hi}")
    return lo, hi


def _check_rounds(ctx: _Ctx, files: list[FileSpec], years: tuple[int, int], shared: bool) -> None:
    """Fixed rounds/years of sheets and files: a year inside ``years``; a round has one year;
    a round comes from one sheet/file unless ``shared_rounds: true``."""
    seen: dict[int, tuple[tuple, int]] = {}
    for i, spec in enumerate(files):
        entries = ([(("files", i, "sheets", n), sh.round, sh.year) for n, sh in spec.sheets.items()]
                   if spec.sheets else
                   [(("files", i, "waves", n), w.round, w.year) for n, w in spec.waves.items()]
                   if spec.waves else [(("files", i), spec.round, spec.year)])
        for code, rc in (spec.rounds or {}).items():
            if rc.year is not None and not years[0] <= rc.year <= years[1]:
                ctx.fail(("files", i, "rounds", code, "year"), f"year {rc.year} is outside "
                         f"{years[0]}-{years[1]} (the programme's survey years); fix it or "
                         f"declare `years: {{min: .., max: ..}}`")
        for kp, rnd, year in entries:
            if year is not None and not years[0] <= year <= years[1]:
                ctx.fail(kp + ("year",), f"year {year} is outside {years[0]}-{years[1]} (the "
                                         f"programme's survey years); fix it or declare "
                                         f"`years: {{min: .., max: ..}}`")
            if rnd is None:
                continue
            if rnd in seen:
                other, other_year = seen[rnd]
                where = ".".join(str(k) for k in other)
                if year is not None and other_year is not None and year != other_year:
                    ctx.fail(kp + ("year",), f"round {rnd} is mapped to year {year} here and to "
                                             f"{other_year} at '{where}'; a round has one year")
                if not shared:
                    ctx.fail(kp + ("round",), f"round {rnd} is also mapped at '{where}': fix the "
                                              f"round number, or set `shared_rounds: true` if the "
                                              f"two hold different producers of the same round "
                                              f"(e.g. one sheet per chain)")
            else:
                seen[rnd] = (kp, year)


def load_config(path) -> SurveyConfig:
    """Read and check one source config; any problem raises SurveyConfigError naming file+key."""
    given = Path(path).absolute()
    if not given.is_file():
        raise SurveyConfigError(describe_missing(given, "config file") +
                                "; pass an existing config, e.g. make report DATA=config/demo.yaml")
    path = given.resolve()
    if path.suffix.lower() == ".xlsx":  # an Excel codebook (analysis.survey.codebook)
        from analysis.survey.codebook import read_codebook

        raw, lines = read_codebook(path)
        return _from_raw(_Ctx(path, lines), raw, path)
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text)
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as exc:
        raise SurveyConfigError(
            f"{path}, line {exc.line}: key '{exc.key}': duplicate key (first at line {exc.first}); "
            f"YAML would silently keep only the last one: merge the two into one entry") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SurveyConfigError(f"{path}{line}: malformed YAML: {problem}") from None
    ctx = _Ctx(path, _key_lines(node))
    if raw is None:
        raise SurveyConfigError(f"{path}: config file is empty")
    return _from_raw(ctx, raw, path)


def _from_raw(ctx: _Ctx, raw, path: Path) -> SurveyConfig:
    """Check the raw mapping of a YAML config or of an Excel codebook (same rules)."""
    raw = ctx.mapping(raw, ())
    ctx.unknown(raw, TOP_KEYS, ())
    for req in REQUIRED_TOP:
        if req not in raw:
            ctx.fail((req,), "missing required key")
    base = path.parent
    files_raw = raw["files"]
    if not isinstance(files_raw, list) or not files_raw:
        ctx.fail(("files",), "must be a non-empty list")
    top_columns = _columns(ctx, raw["columns"], ("columns",)) if "columns" in raw else {}
    if "columns" not in raw and not all(isinstance(f, dict) and "columns" in f for f in files_raw):
        ctx.fail(("columns",), "missing required key (or give every file its own `columns`)")
    files = [_file_spec(ctx, f, i, base, top_columns) for i, f in enumerate(files_raw)]
    # the top-level map (else the first file's): used where one source column name is shown
    columns = top_columns or dict(files[0].columns)
    if files[0].roster:
        columns = {**files[0].roster.columns, **columns}

    codes = {}
    for k, v in ctx.mapping(raw.get("codes") or {}, ("codes",)).items():
        ctx.unknown({k: 0}, set(CODE_FIELDS), ("codes",))
        codes[k] = {str(a): b for a, b in ctx.mapping(v, ("codes", k)).items()}
        if k == "member":
            for a, b in codes[k].items():
                if not isinstance(b, bool):
                    ctx.fail(("codes", k, a), f"must map to true/false, got {b!r}")
    networks = {str(k): str(v) for k, v in ctx.mapping(raw.get("networks") or {}, ("networks",)).items()}

    units = {}
    for k, v in ctx.mapping(raw.get("units") or {}, ("units",)).items():
        ctx.unknown({k: 0}, set(NUMERIC_FIELDS), ("units",))
        v = ctx.mapping(v, ("units", k))
        ctx.unknown(v, {"from", "factor"}, ("units", k))
        if not isinstance(v.get("factor"), (int, float)) or isinstance(v.get("factor"), bool):
            ctx.fail(("units", k, "factor"), "missing or not a number")
        units[k] = UnitRule(str(v.get("from", "")), float(v["factor"]))

    plaus = {}
    for k, v in ctx.mapping(raw.get("plausibility") or {}, ("plausibility",)).items():
        ctx.unknown({k: 0}, set(NUMERIC_FIELDS), ("plausibility",))
        plaus[k] = _range_rule(ctx, v, ("plausibility", k))

    dup_action, dup_by = _duplicates(ctx, raw.get("duplicates"))

    networks_file = PUBLISHED / "networks.csv"
    if raw.get("networks_file"):
        networks_file = (base / str(raw["networks_file"])).resolve()
        if not networks_file.is_file():
            ctx.fail(("networks_file",), describe_missing(networks_file))

    synthetic = raw.get("synthetic", False)
    if not isinstance(synthetic, bool):
        ctx.fail(("synthetic",), f"must be true or false, got {synthetic!r}")
    min_cell = ctx.integer(raw.get("min_cell", 5), ("min_cell",))
    if min_cell < 1:
        ctx.fail(("min_cell",), f"must be at least 1, got {min_cell}: published cells with fewer "
                 "producers than min_cell are suppressed (the usual value is 5)")
    shared = raw.get("shared_rounds", False)
    if not isinstance(shared, bool):
        ctx.fail(("shared_rounds",), f"must be true or false, got {shared!r}")
    years = _year_range(ctx, raw.get("years"))
    _check_rounds(ctx, files, years, shared)
    allow = raw.get("pii_allow") or []
    if not isinstance(allow, list):
        ctx.fail(("pii_allow",), "must be a list of cell values (e.g. place names like 'Don Bosco')")
    return SurveyConfig(
        path=path, source_name=str(raw["source_name"]),
        price_year=ctx.integer(raw["price_year"], ("price_year",)), files=files, columns=columns,
        synthetic=synthetic, min_cell=min_cell,
        codes=codes, networks=networks, units=units, plausibility=plaus,
        duplicates=dup_action, duplicates_by=dup_by, networks_file=networks_file,
        keys=_key_rule(ctx, raw.get("keys")), years=years, shared_rounds=shared,
        pii_allow={str(v) for v in allow},
    )
