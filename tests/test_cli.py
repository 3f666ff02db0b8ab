"""The `redes` command line (analysis.cli), through the user's door: the installed `redes` script
and `python -m analysis`, in a subprocess (exit code, first line of the message, no traceback)."""

from __future__ import annotations

import inspect
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import click
import pytest

import analysis
from analysis import cli, paths

REDES = Path(sys.executable).with_name("redes")  # the [project.scripts] entry point in the venv
MODULE = [sys.executable, "-m", "analysis"]
SUBCOMMANDS = ("build", "survey", "effects", "factsheets", "codebook", "check", "publish", "simulate")
CK = paths.ROOT / "tests" / "data" / "validation" / "card_krueger_long.csv"


def redes(*args: str, cwd=paths.ROOT, env=None, use_script: bool = False):
    cmd = [str(REDES)] if use_script else MODULE
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def flat(text: str) -> str:
    """Help text with click's line wrapping undone."""
    return " ".join(text.split())


def test_the_redes_script_is_installed_and_is_python_m_analysis():
    assert REDES.is_file(), "pip install -e . installs the redes script next to python"
    script, module = redes("--help", use_script=True), redes("--help")
    assert script.returncode == module.returncode == 0
    assert script.stdout == module.stdout
    assert script.stdout.startswith("Usage: redes [OPTIONS] COMMAND [ARGS]...")


def test_help_lists_the_subcommands_and_the_exit_codes():
    res = redes("--help")
    assert res.returncode == 0 and res.stderr == ""
    listed = res.stdout.split("Commands:")[1].split("\n\n")[0]
    names = {line.split()[0] for line in listed.strip().splitlines()}
    assert set(SUBCOMMANDS) <= names
    assert ("Exit codes: 0 done; 2 bad input or usage (the message names the file, sheet, row or "
            "column); 1 internal error (REDES_DEBUG=1 shows the traceback).") in flat(res.stdout)


def test_version_is_the_package_version():
    res = redes("--version", use_script=True)
    assert res.returncode == 0
    pyproject = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert res.stdout == f"redes {version('analysis')}\n"
    assert version("analysis") == analysis.__version__ == pyproject["project"]["version"]


# Each command's --help: its defaults (a specific one per command), an example, the exit codes.
HELP_DEFAULTS = {
    "build": ["--lang [es|en] report language [default: es]",
              "folder of the processed data [default: (data/processed)]", "redes build notebooks/"],
    "survey": ["[default: (config/demo.yaml)]", "[default: (data/processed)]",
               "redes survey --config config/demo_equipo2.yaml"],
    "clean": ["[default: (config/demo.yaml)]"],
    "effects": ["wild bootstrap replications [default: 999]", "[default: 20111231]",
                "[default: 0.05]", "Callaway-Sant'Anna base period [default: varying]",
                "redes effects --input card_krueger.csv"],
    "factsheets": ["[default: 2]", "[default: local]", "[default: (reports)]",
                   "redes factsheets --unit mango --lang en"],
    "codebook": ["redes codebook template data/raw/survey/encuesta_demo.xlsx"],
    "codebook template": ["-o, --output XLSX codebook to write (.xlsx) [required]"],
    "check": ["redes check config/demo.yaml"],
    "publish": ["folder the build writes to [default: (build/stage)]",
                "lock file [default: (build/report.lock)]", "-- make editions"],
    "simulate": ["number of simulated data sets [default: 1000; x>=2]",
                 "[default: (build/coverage.csv)]"],
}


@pytest.mark.parametrize("command", sorted(HELP_DEFAULTS))
def test_each_command_help_shows_defaults_an_example_and_the_exit_codes(command):
    res = redes(*command.split(), "--help")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith(f"Usage: redes {command} ")
    text = flat(res.stdout)
    for fact in HELP_DEFAULTS[command]:
        assert fact in text, fact
    assert "Example" in text and "Exit codes: 0 done; 2 bad input or usage" in text


def test_missing_input_exits_2_with_one_line_and_no_traceback(tmp_path):
    missing = tmp_path / "missing.csv"
    res = redes("effects", "--input", str(missing), "--unit", "id", "--period", "year",
                "--outcome", "y", "--treated", "t", "--first-post", "2", "--output",
                str(tmp_path / "out.csv"), use_script=True)
    assert res.returncode == 2
    assert res.stderr.splitlines() == [
        f"error: {missing}: input file does not exist; give a panel as .csv or .parquet "
        "(one row per unit × period)"]
    assert not (tmp_path / "out.csv").exists()


def test_unreadable_input_exits_2_naming_the_format(tmp_path):
    bad = tmp_path / "panel.parquet"
    bad.write_bytes(b"this is not parquet")
    res = redes("effects", "--input", str(bad), "--unit", "id", "--period", "year", "--outcome", "y",
                "--cohort", "c", "--output", str(tmp_path / "out.csv"))
    assert res.returncode == 2
    first = res.stderr.splitlines()[0]
    assert first.startswith(f"error: {bad}: cannot be read as Parquet (")
    assert first.endswith("); give a .csv (UTF-8, comma-separated, header row) or a .parquet file")
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("args, line", [
    (["effects", "--bogus"], "error: No such option '--bogus'. See 'redes effects --help'."),
    (["effects", "--input", "x.csv"], "error: Missing option '--unit'. See 'redes effects --help'."),
    (["nonsense"], "error: No such command 'nonsense'. See 'redes --help'."),
    (["check"], "error: Missing argument 'CONFIG'. See 'redes check --help'."),
    (["simulate", "--draws", "1"],
     "error: Invalid value for '--draws': 1 is not in the range x>=2. See 'redes simulate --help'."),
    (["factsheets", "--scheduler", "tcp://h:8786"],
     "error: --scheduler needs --executor dask. See 'redes factsheets --help'."),
])
def test_usage_errors_exit_2_with_one_line(args, line):
    res = redes(*args)
    assert res.returncode == 2
    assert res.stderr.splitlines() == [line]
    assert res.stdout == ""


def test_bad_choice_names_the_allowed_values():
    res = redes("effects", "--input", str(CK), "--unit", "store_id", "--period", "wave", "--outcome",
                "fte", "--treated", "state", "--first-post", "2", "--methods", "did", "--output", "x.csv")
    assert res.returncode == 2
    assert res.stderr.splitlines() == [
        "error: Invalid value for '--methods': 'did' is not one of 'before_after', 'did_twfe', "
        "'did_wild', 'cs_never', 'cs_notyet', 'pct_effect'. See 'redes effects --help'."]


def test_no_command_prints_the_help_and_exits_2():
    res = redes()
    assert res.returncode == 2
    assert res.stderr.startswith("Usage: redes [OPTIONS] COMMAND [ARGS]...")


def _boom(*args, **kwargs):
    raise RuntimeError("estimator state lost\nsecond line")


def test_internal_error_exits_1_with_one_line_and_debug_shows_the_traceback(tmp_path, monkeypatch, capsys):
    import analysis.effects

    monkeypatch.setattr(analysis.effects, "estimate_effects", _boom)
    args = ["effects", "--input", str(CK), "--unit", "store_id", "--period", "wave", "--outcome", "fte",
            "--treated", "state", "--first-post", "2", "--output", str(tmp_path / "o.csv")]
    monkeypatch.delenv("REDES_DEBUG", raising=False)
    assert cli.run(args) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == ("redes: internal error: RuntimeError: estimator state lost "
                       "(REDES_DEBUG=1 shows the traceback)")
    monkeypatch.setenv("REDES_DEBUG", "1")
    with pytest.raises(RuntimeError, match="estimator state lost"):
        cli.run(args)


def test_effects_through_redes_equals_the_module_alias(tmp_path):
    """`redes effects` (the script) writes the same table as `python -m analysis effects`."""
    common = ["effects", "--input", str(CK), "--unit", "store_id", "--period", "wave", "--outcome", "fte",
              "--treated", "state", "--first-post", "2", "--methods", "did_twfe", "before_after"]
    a = redes(*common, "--output", str(tmp_path / "a.csv"), use_script=True)
    b = redes(*common, "--output", str(tmp_path / "b.csv"))
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert a.stderr.splitlines()[0] == f"effects: {CK} (820 rows), methods did_twfe, before_after"


@pytest.mark.parametrize("module, command", [
    (["analysis.report.build", "run"], ["build"]), (["analysis.report.factsheets"], ["factsheets"]),
    (["analysis.survey.pipeline"], ["survey"]), (["analysis.report.publish"], ["publish"]),
    (["analysis.survey.preflight"], ["check"]), (["analysis.survey.codebook", "template"],
                                                 ["codebook", "template"]),
    (["analysis.coverage"], ["simulate"]),
])
def test_module_entry_points_are_aliases_of_the_commands(module, command):
    old = subprocess.run([sys.executable, "-m", *module, "--help"], capture_output=True, text=True,
                         cwd=paths.ROOT)
    new = redes(*command, "--help")
    assert old.returncode == new.returncode == 0
    assert old.stdout == new.stdout


def test_help_does_not_import_the_estimation_stack():
    code = ("import sys; from analysis.cli import run; rc = run(['--help']); rc += run(['effects', '--help']); "
            "heavy = sorted(m for m in ('pandas', 'numpy', 'pyfixest', 'papermill') if m in sys.modules); "
            "print(rc, heavy, file=sys.stderr)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=paths.ROOT)
    assert res.stderr.strip() == "0 []"


def _choices(command: click.Command, name: str) -> tuple:
    param = next(p for p in command.params if p.name == name)
    return tuple(param.type.choices)


def test_choices_and_defaults_are_those_of_the_estimation_code():
    from analysis.effects import METHODS, estimate_effects
    from analysis.effects.cs_did import AGGREGATIONS, BASE_PERIODS, EST_METHODS
    from analysis.effects.designs import DESIGNS, ESTIMATORS
    from analysis.report.executor import BACKENDS

    effects = cli.cli.commands["effects"]
    assert _choices(effects, "methods") == tuple(METHODS)
    assert _choices(effects, "aggregations") == AGGREGATIONS
    assert _choices(effects, "base_period") == BASE_PERIODS
    assert _choices(effects, "est_method") == EST_METHODS
    assert _choices(effects, "estimator") == ESTIMATORS
    assert _choices(effects, "design") == DESIGNS
    assert _choices(cli.cli.commands["factsheets"], "executor") == BACKENDS
    # the command's defaults are the function's
    sig = inspect.signature(estimate_effects).parameters
    defaults = {p.name: p.default for p in effects.params}
    for name in ("wild_reps", "seed", "alpha", "lang", "base_period", "est_method", "estimator", "design"):
        assert defaults[name] == sig[name].default, name
    assert tuple(defaults["methods"]) == tuple(sig["methods"].default)
    assert tuple(defaults["aggregations"]) == tuple(sig["aggregations"].default)


@pytest.mark.parametrize("args, expected", [
    (["--outcome", "y", "z", "--unit", "id"], ["--outcome", "y", "--outcome", "z", "--unit", "id"]),
    (["--outcome", "y", "--outcome", "z"], ["--outcome", "y", "--outcome", "z"]),
    (["--group", "--unit", "id"], ["--unit", "id"]),  # --group alone: no groups
    (["--outcome", "--unit"], ["--outcome", "--unit"]),  # no value: click reports it (exit 2)
    (["--outcome", "y", "--", "--outcome", "z"], ["--outcome", "y", "--", "--outcome", "z"]),
])
def test_several_values_after_one_option(args, expected):
    assert cli.spread_values(args, {"--outcome": False, "--group": True}) == expected
