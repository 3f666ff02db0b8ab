"""A bad delivery ends `make report` cleanly: exit 2, the message only, reports/ untouched.

The first tests run `make report DATA=...` exactly as a monitoring team would, with the processed,
build and published folders moved to a temporary directory (make variables P, B, PUBLISH_DIR) so
the project's own outputs are not touched. The others call the functions `make report` calls:
the config preflight, the survey build's design guards, the publisher and the build lock.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import paths
from analysis.report.publish import mirror
from analysis.survey.errors import Problem, SurveyConfigError, SurveyValidationError, grouped_lines
from analysis.survey.pipeline import build
from analysis.survey.preflight import main as preflight

CORPUS = paths.ROOT / "tests" / "corpus"
PY = sys.executable
TEST_KEY = "delivery-test-key-not-secret"


@pytest.fixture(autouse=True)
def _demo_key(monkeypatch):
    monkeypatch.setenv("REDES_PSEUDONYM_KEY", TEST_KEY)  # the corpus is not the demo: no demo key
    monkeypatch.setattr("analysis.survey.privacy.SECRET_FILE", CORPUS / "no_secret_here.key")


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def make_report(tmp: Path, data: Path) -> subprocess.CompletedProcess:
    published = tmp / "reports"
    published.mkdir(exist_ok=True)
    (published / "informe_redes_laredo.pdf").write_bytes(b"%PDF previous complete build")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["REDES_PSEUDONYM_KEY"] = TEST_KEY
    return subprocess.run(
        ["make", "--no-print-directory", "report", f"DATA={data}", f"P={tmp / 'processed'}",
         f"B={tmp / 'build'}", f"PUBLISH_DIR={published}", "JOBS=2"],
        cwd=paths.ROOT, capture_output=True, text=True, env=env, timeout=600)


def delivery(tmp: Path, keep=lambda df: df, **config_changes) -> Path:
    """A copy of the corpus' clean delivery (tests/corpus/ok.yaml) with rows filtered by ``keep``."""
    df = pd.read_csv(CORPUS / "files" / "ok.csv", dtype=str, keep_default_na=False)
    (tmp / "files").mkdir(parents=True, exist_ok=True)
    keep(df).to_csv(tmp / "files" / "ok.csv", index=False)
    cfg = yaml.safe_load((CORPUS / "ok.yaml").read_text(encoding="utf-8"))
    cfg["networks_file"] = str(CORPUS / "networks.csv")
    cfg.update(config_changes)
    path = tmp / "delivery.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- through `make report` ---------------------------------------------------------------------

def test_make_report_data_error_prints_only_the_message(tmp_path):
    before = snapshot(tmp_path / "reports") if (tmp_path / "reports").exists() else None
    res = make_report(tmp_path, CORPUS / "unknown_sex.yaml")
    lines = [ln for ln in res.stderr.replace("\r", "\n").splitlines() if ln.strip()
             and not ln.startswith("Executing") and not ln.startswith("[build]")]
    assert res.returncode == 2
    assert lines[0] == "1 problem(s) in the survey data:"
    assert lines[1] == ("file=tests/corpus/files/unknown_sex.csv, sheet=-, row=8, column=Sexo, value='X', "
                        "rule=unknown_code: allowed sex codes are 'F', 'M', 'Mujer', 'Hombre' "
                        "(case and accents ignored)")
    assert "Traceback" not in res.stderr and "PapermillExecutionError" not in res.stderr
    assert "make[1]: ***" not in res.stderr
    assert "reports/ was not changed" in res.stderr
    log = tmp_path / "build" / "02_clean_survey.error.log"
    assert "Traceback" in log.read_text(encoding="utf-8")  # the full log is kept, and named
    assert before is None or before == snapshot(tmp_path / "reports")
    assert snapshot(tmp_path / "reports") == {
        "informe_redes_laredo.pdf": hashlib.sha256(b"%PDF previous complete build").hexdigest()}


@pytest.mark.parametrize("data, first_line", [
    ("tests/corpus/missing_file.yaml",
     "{root}/tests/corpus/missing_file.yaml, line 7: key 'files.0.path': file does not exist: "
     "{root}/tests/corpus/files/no_such_file.csv (no file with that name in {root}/tests/corpus/files)"),
    ("config/demo.yml",
     "config file does not exist: {root}/config/demo.yml (did you mean 'demo.yaml'? (the file has "
     "the extension .yaml)); pass an existing config, e.g. make report DATA=config/demo.yaml"),
])
def test_make_report_missing_file_is_reported_by_the_loader_not_by_make(tmp_path, data, first_line):
    res = make_report(tmp_path, paths.ROOT / data)
    assert res.returncode == 2
    assert res.stderr.splitlines()[0] == first_line.format(root=paths.ROOT)
    assert "No rule to make target" not in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "processed").exists()  # nothing ran


# --- the functions make report calls -------------------------------------------------------------

def test_preflight_folder_and_min_cell_zero(tmp_path, capsys):
    assert preflight([str(paths.CONFIG)]) == 2
    assert "(it is a folder, not a file: name the file inside it)" in capsys.readouterr().err
    cfg = delivery(tmp_path, min_cell=0)
    assert preflight([str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "key 'min_cell': must be at least 1, got 0" in err


def test_dangling_link_is_named(tmp_path, capsys):
    (tmp_path / "link.yaml").symlink_to(tmp_path / "gone.yaml")
    assert preflight([str(tmp_path / "link.yaml")]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        f"config file does not exist: {tmp_path / 'link.yaml'} (it is a link to {tmp_path / 'gone.yaml'}, "
        "which does not exist); pass an existing config, e.g. make report DATA=config/demo.yaml")


def test_case_typo_in_a_data_file_name_is_named(tmp_path):
    cfg = delivery(tmp_path)
    text = cfg.read_text(encoding="utf-8").replace("files/ok.csv", "files/OK.csv")
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(SurveyConfigError) as exc:
        build(cfg)
    assert "(did you mean 'ok.csv'? (names are case-sensitive))" in str(exc.value)


def test_no_comparison_producers_is_noted_not_refused(tmp_path, capsys):
    """A chain without comparison producers is built: logged, named, and before–after only later."""
    cfg = delivery(tmp_path, keep=lambda df: df[df["¿Integra una red?"].str.lower().str.startswith("s")])
    res = build(cfg)
    noted = res.log[res.log["action"] == "noted"]
    assert noted[["column", "rule", "old_value"]].values.tolist() == [
        ["¿Integra una red?", "no_comparison_group", "lacteos"],
        ["¿Integra una red?", "no_comparison_group", "mango"]]
    assert res.summary["comparison_impossible"] == ["lacteos", "mango"]
    assert len(res.panel) == 6  # every member row kept
    assert capsys.readouterr().err.splitlines()[1].startswith(
        "[survey] note: no_comparison_group: the mango chain has 1 members and no comparison "
        "producers (member = no), so a members-vs-comparison estimate is impossible")


def test_single_round_is_a_design_error(tmp_path):
    cfg = delivery(tmp_path, keep=lambda df: df[df["Ronda"] == "0"])
    with pytest.raises(SurveyValidationError) as exc:
        build(cfg)
    assert "rule=single_round: the delivery holds only one survey round" in str(exc.value)


def test_identical_problems_on_many_rows_are_one_line():
    problems = [Problem("f.csv", None, r, "Sexo", "Varón", "unknown_code") for r in range(3, 348)]
    problems.append(Problem("f.csv", None, 9, "Red", "X", "unknown_network"))
    lines = grouped_lines(problems)
    assert lines == [
        "345 rows: file=f.csv, sheet=-, rows=3, 4, 5, 6, 7, ..., column=Sexo, value='Varón', rule=unknown_code",
        "file=f.csv, sheet=-, row=9, column=Red, value='X', rule=unknown_network",
    ]


# --- publishing ---------------------------------------------------------------------------------

def test_mirror_publishes_world_readable_and_removes_stale(tmp_path):
    stage, dest = tmp_path / "stage", tmp_path / "reports"
    (stage / "fichas").mkdir(parents=True)
    (stage / "a.pdf").write_bytes(b"new")
    (stage / "fichas" / "b.html").write_bytes(b"b")
    (stage / "fichas" / ".b.tmp123.html").write_bytes(b"half")  # an interrupted write
    dest.mkdir()
    (dest / "a.pdf").write_bytes(b"old")
    (dest / "gone.pdf").write_bytes(b"stale")
    (dest / ".gitkeep").write_bytes(b"")
    old = os.umask(0o022)
    try:
        res = mirror(stage, dest)
    finally:
        os.umask(old)
    assert (res.updated, res.unchanged, res.removed) == (2, 0, 1)
    assert (dest / "a.pdf").read_bytes() == b"new"
    assert sorted(snapshot(dest)) == [".gitkeep", "a.pdf", "fichas/b.html"]
    assert oct((dest / "a.pdf").stat().st_mode & 0o777) == "0o644"


def test_failed_build_command_leaves_published_folder_unchanged(tmp_path):
    stage, dest = tmp_path / "stage", tmp_path / "reports"
    dest.mkdir()
    (dest / "informe.pdf").write_bytes(b"complete build")
    stage.mkdir()
    (stage / "informe.pdf").write_bytes(b"half of a new build")
    res = subprocess.run([PY, "-m", "analysis.report.publish", "--stage", str(stage), "--to", str(dest),
                          "--lock", str(tmp_path / "lock"), "--", PY, "-c", "raise SystemExit(3)"],
                         capture_output=True, text=True)
    assert res.returncode == 2
    assert res.stderr.splitlines()[-1].startswith("[report] build failed:")
    assert (dest / "informe.pdf").read_bytes() == b"complete build"


def test_second_build_waits_for_the_lock(tmp_path):
    lock = tmp_path / "report.lock"
    holder = subprocess.Popen([PY, "-c", (
        "import fcntl, sys, time; fh = open(sys.argv[1], 'a+'); fcntl.flock(fh, fcntl.LOCK_EX); "
        "fh.write('pid 4242, started 10:00:00'); fh.flush(); print('held', flush=True); time.sleep(2)"),
        str(lock)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    res = subprocess.run([PY, "-m", "analysis.report.publish", "--stage", str(tmp_path / "s"), "--to",
                          str(tmp_path / "r"), "--lock", str(lock)], capture_output=True, text=True)
    holder.wait()
    assert res.returncode == 0
    assert res.stderr.splitlines()[0].startswith(
        "[report] another build is running in this folder (pid 4242, started 10:00:00; lock ")


def test_sigterm_stops_the_whole_build_group(tmp_path):
    pidfile = tmp_path / "worker.pid"
    worker = (f"import os, subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', "
              f"'import time; time.sleep(60)']); open({str(pidfile)!r}, 'w').write(str(p.pid)); time.sleep(60)")
    build_proc = subprocess.Popen([PY, "-m", "analysis.report.publish", "--stage", str(tmp_path / "s"), "--to",
                                   str(tmp_path / "r"), "--lock", str(tmp_path / "lock"), "--", PY, "-c", worker],
                                  stderr=subprocess.PIPE, text=True)
    for _ in range(100):
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.1)
    grandchild = int(pidfile.read_text())
    build_proc.send_signal(signal.SIGTERM)
    build_proc.wait(timeout=20)
    assert build_proc.returncode != 0
    for _ in range(50):
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("a worker of the build survived SIGTERM")
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())
