"""The ``redes`` command line (the same as ``python -m analysis``), built on click.

One program for every stage ``make report`` runs: ``redes survey`` (alias ``clean``), ``check``,
``build``, ``effects``, ``factsheets``, ``publish``, ``simulate``, ``codebook``. The stages' module
entry points (``python -m analysis.report.build run ...``, ``python -m analysis.report.factsheets``, ...) are thin
aliases of these commands.

Exit codes, the same for every command: 0 done; 2 bad input or usage (one message naming the file,
sheet, row or column and what to do; no traceback); 1 internal error (a short message; set
``REDES_DEBUG=1`` for the traceback).

Options that take several values (``--outcome``, ``--methods``, ``--group``, ...) accept them
space-separated after one option (``--outcome y z``), the option repeated (``--outcome y --outcome
z``), or both.

The command definitions import only click and the standard library; each command imports its
stage when it runs, so ``redes --help`` is quick.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from analysis import paths

EXIT_CODES = ("Exit codes: 0 done; 2 bad input or usage (the message names the file, sheet, row or "
              "column); 1 internal error (REDES_DEBUG=1 shows the traceback).")



def epilog(*examples: str, note: str = "") -> str:
    """The end of a command's --help: its example(s) verbatim, then the exit codes."""
    head = "Example:" if len(examples) == 1 else "Examples:"
    lines = "\n".join(f"  {e}" for e in examples)
    return f"\b\n{head}\n{lines}\n\n{EXIT_CODES}" + (f" {note}" if note else "")


# The choices of `redes effects`, spelled here so `--help` needs no pandas import;
# tests/test_cli.py checks them against analysis.effects.
EFFECT_METHODS = ("before_after", "did_twfe", "did_wild", "cs_never", "cs_notyet", "pct_effect")
AGGREGATIONS = ("simple", "group", "dynamic", "calendar")
BASE_PERIODS = ("varying", "universal")
EST_METHODS = ("dr", "reg", "ipw")
ESTIMATORS = ("twfe", "fd")
DESIGNS = ("panel", "cross_section")
EXECUTORS = ("local", "dask")  # analysis.report.executor.BACKENDS
LANGS = ("es", "en")


class BadInput(click.ClickException):
    """The user's input cannot be used: exit 2 with one line, ``error: <file>: <what to do>``."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


class MultiOption(click.Option):
    """An option that takes one or more values: ``--outcome a b``, ``--outcome a --outcome b``.

    ``allow_empty``: the option may also be given with no value at all (``--group`` alone = none).
    The values are gathered by :class:`Command` before click parses (click's own options take a
    fixed number of values)."""

    def __init__(self, *args, allow_empty: bool = False, **kwargs):
        kwargs["multiple"] = True
        super().__init__(*args, **kwargs)
        self.allow_empty = allow_empty


def spread_values(args: list[str], multi: dict[str, bool]) -> list[str]:
    """Rewrite ``--opt a b`` as ``--opt a --opt b`` for the options in ``multi`` (name →
    allow_empty). Values run up to the next token starting with ``-`` or the ``--`` separator."""
    out: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if token == "--":
            out.extend(args[i - 1:])
            break
        if token not in multi:
            out.append(token)
            continue
        values = []
        while i < len(args) and not args[i].startswith("-"):
            values.append(args[i])
            i += 1
        if not values and not multi[token]:
            out.append(token)  # click then says the option needs a value (exit 2)
        for value in values:
            out.extend([token, value])
    return out


class Command(click.Command):
    """A click command whose :class:`MultiOption` options take space-separated values."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        multi = {name: p.allow_empty for p in self.params if isinstance(p, MultiOption)
                 for name in p.opts}
        return super().parse_args(ctx, spread_values(args, multi) if multi else args)


class Group(click.Group):
    command_class = Command
    group_class = type


CONTEXT = {"help_option_names": ["-h", "--help"], "show_default": True, "max_content_width": 100}


def version() -> str:
    """The installed package's version (``pip``'s metadata), else ``analysis.__version__``."""
    from importlib.metadata import PackageNotFoundError, version as dist_version

    try:
        return dist_version("analysis")
    except PackageNotFoundError:  # run from a source tree that was not installed
        from analysis import __version__

        return __version__


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"redes {version()}")
        ctx.exit(0)


@click.group(cls=Group, context_settings=CONTEXT, epilog=EXIT_CODES + " Each command has its own "
             "--help with an example.")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Print the package version (redes X.Y.Z) and exit.")
def cli() -> None:
    """Redes Empresariales (APOMIPE-MINKA, Laredo): survey cleaning, effect estimates, reports.

    `make report` runs the whole pipeline; these commands are its stages, one at a time.

    \b
    Examples:
      redes check config/demo.yaml
      redes survey --config config/demo.yaml --processed-dir data/processed
      redes effects --input panel.csv --unit id --period year --outcome y --cohort first_treated --output effects.csv
    """


def _default(path: Path) -> str:
    """A default path as shown in --help: relative to the project."""
    return paths.display(path)


# --- survey ----------------------------------------------------------------------------------

def _survey(config: str, processed_dir: str) -> int:
    from analysis.survey.errors import SurveyConfigError, SurveyValidationError
    from analysis.survey.pipeline import run

    try:
        res = run(config, processed_dir)
    except (SurveyConfigError, SurveyValidationError) as exc:  # already names file, row, column
        click.echo(str(exc), err=True)
        return 2
    s = res.summary
    click.echo(f"panel: {s['rows_kept']} rows kept, {s['rows_excluded']} excluded of {s['rows_in']} "
               f"read; {s['producers']} producers -> {Path(processed_dir) / 'panel.parquet'}")
    return 0


SURVEY_EPILOG = epilog("redes survey --config config/demo_equipo2.yaml --processed-dir /tmp/panel")
_config_option = click.option("--config", default=str(paths.CONFIG / "demo.yaml"),
                              show_default=_default(paths.CONFIG / "demo.yaml"), metavar="YAML|XLSX",
                              help="survey config (YAML) or filled Excel codebook")
_processed_option = click.option("--processed-dir", default=str(paths.DATA_PROCESSED),
                                 show_default=_default(paths.DATA_PROCESSED), metavar="DIR",
                                 help="where panel.parquet, cleaning_log.csv, cleaning_summary.json "
                                      "and the codebook are written")


@cli.command("survey", epilog=SURVEY_EPILOG)
@_config_option
@_processed_option
def survey_cmd(config: str, processed_dir: str) -> int:
    """Clean one producer-survey source into the panel (read, validate, clean, pseudonymize).

    Every problem in the files is reported at once, with file, sheet, row, column, value and the
    rule broken (exit 2).
    """
    return _survey(config, processed_dir)


@cli.command("clean", epilog=SURVEY_EPILOG)
@_config_option
@_processed_option
def clean_cmd(config: str, processed_dir: str) -> int:
    """The same as `redes survey`."""
    return _survey(config, processed_dir)


@cli.command("check", epilog=epilog("redes check config/demo.yaml"))
@click.argument("config", metavar="CONFIG")
def check_cmd(config: str) -> int:
    """Check a survey config and the files it names, before a build (`make report` runs it).

    A missing or misnamed file (case, .yml for .yaml, a folder, a dangling link) is named with a
    suggestion (exit 2).
    """
    from analysis.survey.config import load_config
    from analysis.survey.errors import SurveyConfigError

    try:
        load_config(config)
    except SurveyConfigError as exc:
        click.echo(f"{exc}", err=True)
        return 2
    return 0


@cli.group("codebook", cls=Group, epilog=epilog(
    "redes codebook template data/raw/survey/encuesta_demo.xlsx -o config/my_codebook.xlsx",
    "make report DATA=config/my_codebook.xlsx   # after filling it in"))
def codebook_group() -> None:
    """Excel codebooks of a survey delivery: `template` writes one to fill.

    `make report DATA=codebook.xlsx` applies a filled one.
    """


@codebook_group.command("template", epilog=epilog(
    "redes codebook template data/raw/survey/encuesta_demo.xlsx -o codebook.xlsx"))
@click.argument("data", type=click.Path(path_type=Path), metavar="DATA")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, metavar="XLSX",
              help="codebook to write (.xlsx)")
def codebook_template_cmd(data: Path, output: Path) -> int:
    """Write a codebook template listing every column of DATA (.xlsx workbook or .csv file)."""
    from analysis.survey.codebook import write_template
    from analysis.survey.errors import SurveyValidationError

    if not data.is_file() or data.suffix.lower() not in (".xlsx", ".csv"):
        raise BadInput(f"{data}: give an existing .xlsx workbook or .csv file")
    try:
        out = write_template(data, output)
    except SurveyValidationError as exc:
        click.echo(str(exc), err=True)
        return 2
    click.echo(f"{out}: codebook template; fill 'canonical' (and codes/units) in sheet 'columns', the "
               f"rounds in sheet 'sheets' and sheet 'source', then: make report DATA={out}")
    return 0


# --- effects ---------------------------------------------------------------------------------

def _check_input(path: Path) -> None:
    """A missing input is reported before the estimation stack is imported."""
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise BadInput(f"{path}: input file {what}; give a panel as .csv or .parquet "
                       "(one row per unit × period)")


def _read_panel(path: Path):
    import pandas as pd

    _check_input(path)
    try:
        return pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        kind = "Parquet" if path.suffix.lower() == ".parquet" else "CSV"
        raise BadInput(f"{path}: cannot be read as {kind} ({first}); give a .csv (UTF-8, comma-"
                       "separated, header row) or a .parquet file") from None


EFFECTS_EPILOG = """\b
Examples:
  redes effects --input card_krueger.csv --unit store_id --period wave --outcome fte \\
      --treated state --first-post 2 --group chain --output effects.csv
  redes effects --input panel.parquet --unit producer_id --period year \\
      --outcome net_income_pen sales_value_pen --cohort first_treated_year \\
      --cluster cluster_id --methods did_twfe cs_never --output effects.csv

\b
Designs: --estimator fd (first differences); one period or --design cross_section
(difference in means, diff_means); repeated cross-sections need --no-unit-fe.
Input: CSV or Parquet. Output: the tidy table of analysis.effects.estimate_effects as CSV.

""" + EXIT_CODES


@cli.command("effects", epilog=EFFECTS_EPILOG)
@click.option("--input", "input_path", required=True, type=click.Path(path_type=Path), metavar="FILE",
              help="panel file (.csv or .parquet), one row per unit × period")
@click.option("--unit", required=True, metavar="COLUMN", help="unit id column")
@click.option("--period", required=True, metavar="COLUMN", help="numeric period column")
@click.option("--outcome", "outcomes", cls=MultiOption, required=True, metavar="COLUMN...",
              help="outcome column(s)")
@click.option("--treated", metavar="COLUMN", help="0/1 treated-group column (with --first-post)")
@click.option("--first-post", type=float, metavar="PERIOD",
              help="first post-treatment period (with --treated)")
@click.option("--cohort", metavar="COLUMN",
              help="first-treated-period column, 0/NaN = never treated (staggered adoption; instead "
                   "of --treated/--first-post)")
@click.option("--group", "groups", cls=MultiOption, allow_empty=True, metavar="COLUMN...",
              show_default="none", help="grouping column(s): results per value")
@click.option("--cluster", metavar="COLUMN",
              help="cluster column (CRV1, wild cluster bootstrap); default: cluster by --unit")
@click.option("--controls", cls=MultiOption, allow_empty=True, metavar="COLUMN...", show_default="none",
              help="control columns added to the DiD formula")
@click.option("--vcov", type=click.Choice(["hetero", "iid"]), default=None,
              help="no clustering: HC1 (hetero) or iid s.e.; default without --cluster = CRV1 by --unit")
@click.option("--methods", cls=MultiOption, type=click.Choice(EFFECT_METHODS), default=EFFECT_METHODS,
              show_default="all", metavar="METHOD...",
              help=f"estimators, some of: {', '.join(EFFECT_METHODS)}")
@click.option("--wild-reps", type=int, default=999, help="wild bootstrap replications")
@click.option("--seed", type=int, default=20111231, help="seed of the bootstrap draws")
@click.option("--alpha", type=float, default=0.05, help="1 − confidence level of the intervals")
@click.option("--no-unit-fe", is_flag=True, help="pooled DiD (treatment-group instead of unit fixed effects)")
@click.option("--no-wild-ci", is_flag=True, help="skip the test-inversion CI of did_wild")
@click.option("--lang", type=click.Choice(LANGS), default="es", help="language of the notes")
@click.option("--aggregations", cls=MultiOption, type=click.Choice(AGGREGATIONS), default=AGGREGATIONS,
              show_default="all", metavar="AGG...",
              help=f"Callaway-Sant'Anna aggregations, some of: {', '.join(AGGREGATIONS)}")
@click.option("--base-period", type=click.Choice(BASE_PERIODS), default="varying",
              help="Callaway-Sant'Anna base period")
@click.option("--est-method", type=click.Choice(EST_METHODS), default="dr",
              help="Callaway-Sant'Anna 2x2 estimator")
@click.option("--estimator", type=click.Choice(ESTIMATORS), default="twfe",
              help="fd: first differences with period effects (one 'fd' row per outcome × level)")
@click.option("--design", type=click.Choice(DESIGNS), default=None, show_default="panel, or "
              "cross_section with one period",
              help="cross_section: difference in means in one period")
@click.option("--output", required=True, type=click.Path(path_type=Path), metavar="CSV",
              help="output CSV")
def effects_cmd(input_path: Path, unit, period, outcomes, treated, first_post, cohort, groups, cluster,
                controls, vcov, methods, wild_reps, seed, alpha, no_unit_fe, no_wild_ci, lang,
                aggregations, base_period, est_method, estimator, design, output: Path) -> int:
    """Estimate treatment effects on any panel: before-after, DiD (TWFE, wild cluster bootstrap),
    Callaway-Sant'Anna, percent effects.

    Two-period or staggered designs: --treated with --first-post, or --cohort. Inference: without
    --cluster every method clusters by --unit; --vcov hetero|iid for none.
    """
    _check_input(input_path)
    from analysis.effects import estimate_effects

    panel = _read_panel(input_path)
    if first_post is not None and float(first_post).is_integer():
        first_post = int(first_post)
    start = time.perf_counter()
    click.echo(f"effects: {input_path} ({len(panel)} rows), methods {', '.join(methods)}", err=True)
    try:
        out = estimate_effects(
            panel, unit=unit, period=period, outcomes=list(outcomes), treated=treated,
            first_post=first_post, cohort=cohort, groups=list(groups), cluster=cluster,
            methods=list(methods), wild_reps=wild_reps, seed=seed, alpha=alpha,
            controls=list(controls), vcov=vcov, unit_fe=not no_unit_fe,
            wild_ci=not no_wild_ci, lang=lang, progress=True,
            aggregations=list(aggregations), base_period=base_period, est_method=est_method,
            estimator=estimator, design=design)
    except ValueError as exc:
        raise BadInput(f"{input_path}: {exc}") from None
    output.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(output, index=False)
    click.echo(f"effects: {len(out)} rows → {output} ({time.perf_counter() - start:.1f} s)", err=True)
    return 0


# --- build -----------------------------------------------------------------------------------

@cli.command("build", epilog="""\b
Example (what make report runs for the main report):
  redes build notebooks/report_main.ipynb --executed build/report_main.ipynb \\
      --html build/stage/informe_redes_laredo.html --pdf build/stage/informe_redes_laredo.pdf \\
      --lang es --title-key report.title_main -p config_path config/demo.yaml

""" + EXIT_CODES + " On failure the full log is kept next to the executed notebook "
    "(<executed>.error.log).")
@click.argument("notebook", type=click.Path(path_type=Path), metavar="NOTEBOOK")
@click.option("--executed", type=click.Path(path_type=Path), required=True, metavar="IPYNB",
              help="executed copy of the notebook to write")
@click.option("--html", type=click.Path(path_type=Path), metavar="FILE", help="HTML to render")
@click.option("--pdf", type=click.Path(path_type=Path), metavar="FILE", help="PDF to render")
@click.option("--title", default="", show_default="none", help="title of the rendered report")
@click.option("--subtitle", default="", show_default="none", help="subtitle of the rendered report")
@click.option("--title-key", metavar="KEY", help="i18n key of the title (in --lang), instead of --title")
@click.option("--subtitle-key", metavar="KEY",
              help="i18n key of the subtitle (in --lang), instead of --subtitle")
@click.option("--lang", type=click.Choice(LANGS), default="es", help="report language")
@click.option("-p", "--parameter", "parameters", nargs=2, multiple=True, metavar="NAME VALUE",
              help="notebook parameter (repeatable)")
@click.option("--reports-dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              show_default=_default(paths.REPORTS), help="folder the notebook writes its exports to")
@click.option("--processed-dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              show_default=_default(paths.DATA_PROCESSED), help="folder of the processed data")
@click.option("--no-render", is_flag=True, help="execute only (pipeline steps)")
@click.option("--progress/--no-progress", default=False, envvar="REDES_PROGRESS", show_envvar=True,
              help="papermill's per-cell progress bar (off: parallel make jobs would interleave "
                   "their bars; one line per step is printed instead)")
def build_cmd(notebook: Path, executed: Path, html, pdf, title, subtitle, title_key, subtitle_key, lang,
              parameters, reports_dir, processed_dir, no_render, progress) -> int:
    """Execute one notebook with papermill and render it to HTML and PDF, atomically.

    Nothing is left behind by a step that fails: every output is written under a temporary name
    and moved into place only when the whole step succeeded. Prints one line per step (name,
    seconds, pages).
    """
    from analysis.report.build import (UserFacingError, default_parameters, describe, error_summary,
                                execute, log_timings, run, user_error_text, write_error_log)
    from analysis.reproducible import pin_build_date

    params = dict(parameters)
    programme = None
    if title_key or subtitle_key:
        from analysis.report.scope import cover

        # the cover names the networks the survey covers (Laredo's 12, or e.g. the programme's 118)
        labels = cover(lang, title_key, subtitle_key, config_path=params.get("config_path"),
                       processed_dir=processed_dir or paths.DATA_PROCESSED, title=title, subtitle=subtitle)
        title, subtitle, programme = labels["title"], labels["subtitle"], labels["programme"]
    pin_build_date()  # inherited by the kernel: every output carries the commit's date, not now
    if processed_dir is not None:
        params.setdefault("processed_dir", str(processed_dir.resolve()))
    try:
        if no_render:
            secs = execute(notebook, executed, {**default_parameters(lang, reports_dir), **params},
                           progress=progress)
            log_timings(executed, {"papermill": secs})
            click.echo(f"[build] {notebook.name}: papermill {secs:.1f} s", err=True)
        else:
            timings = run(notebook, executed, html, pdf, title, subtitle, params, lang,
                          progress=progress, reports_dir=reports_dir, programme=programme)
            click.echo(f"[build] {notebook.name}: {describe(timings)}", err=True)
    except UserFacingError as exc:
        # a newline first when papermill's progress bar may have stopped mid-line
        click.echo(("\n" if progress else "") + user_error_text(exc), err=True)
        return 2
    except Exception as exc:  # a bug, not a data problem: the last error line, details in the log
        log = write_error_log(executed, f"{type(exc).__name__}: {exc}")
        click.echo(f"{chr(10) if progress else ''}[build] internal error in {notebook.name}: "
                   f"{error_summary(exc)}\n(full log: {paths.display(log)}; reports/ was not changed)",
                   err=True)
        return 1
    return 0


# --- factsheets ------------------------------------------------------------------------------

@cli.command("factsheets", epilog="""\b
Examples:
  redes factsheets --list
  redes factsheets --unit mango --lang en
  redes factsheets --jobs 4 --executor dask --scheduler tcp://host:8786

""" + EXIT_CODES + " A failed factsheet is named with its error after the others finish (exit 1).")
@click.option("--unit", metavar="ID", help="build only this network_id or chain (mango, lacteos)")
@click.option("--list", "list_units", is_flag=True, help="print the unit ids and exit")
@click.option("--jobs", type=int, default=2, help="local processes, or workers of the Dask LocalCluster")
@click.option("--executor", type=click.Choice(EXECUTORS), default="local",
              help="fan-out backend: local processes or Dask distributed")
@click.option("--scheduler", default=None, metavar="ADDRESS", show_default="a LocalCluster of --jobs workers",
              help="with --executor dask: address of a running scheduler (tcp://host:8786)")
@click.option("--lang", type=click.Choice(LANGS), default="es", help="factsheet language")
@click.option("--config", default=None, metavar="YAML", show_default=_default(paths.CONFIG / "demo.yaml"),
              help="survey config the factsheets describe")
@click.option("--build-dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              show_default=_default(paths.BUILD / "fichas"), help="executed notebooks go here")
@click.option("--processed-dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              show_default=_default(paths.DATA_PROCESSED), help="folder of the processed data")
@click.option("--reports-dir", type=click.Path(path_type=Path), default=None, metavar="DIR",
              show_default=_default(paths.REPORTS), help="factsheets go to <reports-dir>/fichas (English: factsheets)")
@click.pass_context
def factsheets_cmd(ctx, unit, list_units, jobs, executor, scheduler, lang, config, build_dir,
                   processed_dir, reports_dir) -> int:
    """Build the factsheets: notebooks/factsheet.ipynb once per network and per chain.

    Over a local process pool, or Dask distributed (the same outputs byte for byte). One progress
    line for the whole fan-out.
    """
    from analysis.report import factsheets
    from analysis.report.executor import FanOutError
    from analysis.reproducible import pin_build_date

    if scheduler and executor != "dask":
        ctx.fail("--scheduler needs --executor dask")
    from analysis.labels import export_name

    out_dir = Path(reports_dir) / export_name("factsheets", lang) if reports_dir else None
    pin_build_date()  # sent with every task: byte-identical outputs for one commit on any worker
    try:
        if list_units:
            click.echo("\n".join(u["unit_id"] for u in factsheets.units(processed_dir=processed_dir)))
        elif unit:
            factsheets.build_one(unit, lang, config, out_dir=out_dir, build_dir=build_dir,
                                 processed_dir=processed_dir)
        else:
            factsheets.build_all(jobs, lang, config, out_dir=out_dir, build_dir=build_dir,
                                 processed_dir=processed_dir, executor=executor, scheduler=scheduler)
    except FanOutError as exc:  # every failed factsheet by unit, with its error's message
        click.echo(f"[factsheets] ERROR: {exc}", err=True)
        return 1
    except (RuntimeError, KeyError, OSError) as exc:
        click.echo(f"[factsheets] ERROR: {exc}", err=True)
        return 1
    except Exception as exc:  # papermill/render errors name the failing cell or file
        click.echo(f"[factsheets] ERROR in {unit or 'factsheets'}: {type(exc).__name__}: {exc}", err=True)
        return 1
    return 0


# --- publish ---------------------------------------------------------------------------------

@cli.command("publish", epilog="""\b
Example (what make report runs):
  redes publish --stage build/stage --to reports --lock build/report.lock -- make editions

""" + EXIT_CODES + " A failed build command gives exit 2 and leaves the published folder as it was.")
@click.option("--stage", type=click.Path(path_type=Path), default=paths.STAGE, metavar="DIR",
              show_default=_default(paths.STAGE), help="folder the build writes to")
@click.option("--to", "dest", type=click.Path(path_type=Path), default=paths.REPORTS, metavar="DIR",
              show_default=_default(paths.REPORTS), help="published folder")
@click.option("--lock", type=click.Path(path_type=Path), default=paths.BUILD / "report.lock",
              metavar="FILE", show_default=_default(paths.BUILD / "report.lock"), help="lock file")
@click.option("--manifest", type=click.Path(path_type=Path), default=None, metavar="JSON",
              show_default="none", help="after publishing, write this manifest of every published and "
              "processed file with its sha256 (make report: data/processed/manifest.json)")
@click.option("--processed-dir", type=click.Path(path_type=Path), default=paths.DATA_PROCESSED,
              metavar="DIR", show_default=_default(paths.DATA_PROCESSED),
              help="processed folder listed in the manifest")
@click.argument("command", nargs=-1, type=click.UNPROCESSED, metavar="[-- COMMAND...]")
def publish_cmd(stage: Path, dest: Path, lock: Path, manifest, processed_dir: Path, command) -> int:
    """Run the build COMMAND under the build lock, then publish the staged build whole.

    On success the stage is mirrored into the published folder (changed files replaced
    atomically, files the build no longer makes removed, every file world-readable); on failure
    or interrupt the published folder is left exactly as it was. A second build in the same folder
    waits for the first.
    """
    from analysis.report.buildlock import BuildLock, remove_temp_files, run_child
    from analysis.report.publish import mirror, write_manifest

    stage.mkdir(parents=True, exist_ok=True)
    with BuildLock(lock):
        remove_temp_files(stage)  # left by an interrupted build; no build is running now
        if command:
            rc = run_child(list(command))
            remove_temp_files(stage)
            if rc != 0:
                click.echo(f"[report] build failed: {paths.display(dest)}/ was not changed "
                           "(it still holds the last complete build)", err=True)
                return 2 if rc > 0 else 128 - rc
        click.echo(mirror(stage, dest).line(dest), err=True)
        if manifest is not None:
            n = write_manifest(manifest, {"reports": dest, "data/processed": processed_dir})
            click.echo(f"[publish] {paths.display(manifest)}: sha256 of {n} file(s)", err=True)
    return 0


# --- simulate --------------------------------------------------------------------------------

@cli.command("simulate", epilog=epilog(
    "redes simulate --draws 1000 --jobs 2 --output build/coverage.csv   # = make simulate"))
@click.option("--draws", type=click.IntRange(min=2), default=1000, help="number of simulated data sets")
@click.option("--seed", type=int, default=1, help="seed of the first draw (draw i uses seed + i)")
@click.option("--jobs", type=int, default=1, help="worker processes")
@click.option("--wild-reps", type=int, default=199, help="wild bootstrap replications per test")
@click.option("--no-cs", is_flag=True, help="skip Callaway-Sant'Anna (the slow part)")
@click.option("--output", type=click.Path(path_type=Path), default=paths.BUILD / "coverage.csv",
              metavar="CSV", show_default=_default(paths.BUILD / "coverage.csv"), help="CSV written")
@click.option("--records", type=click.Path(path_type=Path), default=None, metavar="CSV",
              show_default="none", help="also write every draw's estimates here")
def simulate_cmd(draws, seed, jobs, wild_reps, no_cs, output: Path, records) -> int:
    """Coverage simulation of the project's own design.

    Prints one table (method × level × outcome → coverage with its binomial s.e., bias, mean
    width) and writes it as CSV. Copy it to references/coverage.csv after changing an estimator.
    """
    import pandas as pd

    from analysis.coverage.run import FULL_METHODS, simulate, summarize

    methods = tuple(m for m in FULL_METHODS if not (no_cs and m.startswith("cs_")))
    start = time.perf_counter()
    rec = simulate(draws, seed, jobs, wild_reps, methods)
    table = summarize(rec, draws)
    output.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(output, index=False, float_format="%.6g")
    if records:
        rec.to_csv(records, index=False, float_format="%.8g")
    with pd.option_context("display.width", 160, "display.max_rows", 500):
        click.echo(table.round({"coverage": 3, "mc_se": 3, "bias": 3, "mean_width": 3}).to_string(index=False))
    click.echo(f"[simulate] {draws} draws in {time.perf_counter() - start:.0f} s → {output}", err=True)
    return 0


# --- running ---------------------------------------------------------------------------------

def run(argv: list[str] | None = None, prog_name: str = "redes") -> int:
    """Run the command line on ``argv``; return the exit code.

    0 done; 2 bad input or usage (one line ``error: ...``, no traceback); 1 internal error (one
    line, ``REDES_DEBUG=1`` re-raises it with its traceback); 130 interrupted (Ctrl-C).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        rv = cli.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # `redes` or `redes codebook` alone: the help
        exc.show()
        return 2
    except click.UsageError as exc:  # unknown option, missing value, bad choice: one line
        where = exc.ctx.command_path if exc.ctx is not None else prog_name
        message = exc.format_message().rstrip()
        stop = "" if message.endswith((".", "?", "!")) else "."
        click.echo(f"error: {message}{stop} See '{where} --help'.", err=True)
        return 2
    except click.ClickException as exc:  # BadInput: "error: <file>: <what to do>"
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:  # Ctrl-C: the interrupted step has said what it left
        return 130
    except Exception as exc:
        if os.environ.get("REDES_DEBUG") == "1":
            raise
        first = (str(exc).strip().splitlines() or [""])[0]
        click.echo(f"redes: internal error: {type(exc).__name__}: {first} "
                   "(REDES_DEBUG=1 shows the traceback)", err=True)
        return 1
    return rv if isinstance(rv, int) else 0


def main(argv: list[str] | None = None) -> int:
    """The ``redes`` entry point ([project.scripts]) and ``python -m analysis``."""
    return run(argv)


def alias(command: str, argv: list[str] | None) -> int:
    """``python -m analysis.<stage> ARGS`` = ``redes <command> ARGS`` (the stages' old entry points,
    kept for the Makefile and scripts)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return run([*command.split(), *argv])
