"""The fan-out executor on trivial tasks: results, one progress line, failures named by task,
the build date sent to the workers; local processes and a 2-worker Dask LocalCluster (threads)."""

from __future__ import annotations

import io
import os

import pytest

from analysis.report.executor import FanOutError, Task, TaskError, fan_out, run_task


def square(x):
    return x * x


def fail_on(x, bad):
    if x == bad:
        raise ValueError(f"no {x}")
    return x


def source_date():
    return os.environ.get("SOURCE_DATE_EPOCH")


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_local_backend_returns_every_result_and_logs_each_quarter():
    log = io.StringIO()
    out = fan_out([Task(f"t{i}", square, {"x": i}) for i in range(4)], backend="local", jobs=2,
                  label="sq", stream=log)
    assert out == {"t0": 0, "t1": 1, "t2": 4, "t3": 9}
    lines = log.getvalue().splitlines()
    assert [ln for ln in lines if "done" in ln and "/" in ln] == [f"[sq] {i}/4 done" for i in range(1, 5)]
    assert lines[-1].startswith("[sq] 4 done in ") and "2 local processes" in lines[-1]


def test_in_a_log_the_progress_line_is_written_at_each_quarter_only():
    log = io.StringIO()
    fan_out([Task(f"t{i}", square, {"x": i}) for i in range(14)], backend="local", jobs=2,
            label="sq", stream=log)
    lines = log.getvalue().splitlines()
    assert lines[:-1] == ["[sq] 4/14 done", "[sq] 7/14 done", "[sq] 11/14 done", "[sq] 14/14 done"]
    assert lines[-1].startswith("[sq] 14 done in ")


def test_on_a_terminal_the_progress_line_is_updated_in_place():
    tty = Tty()
    fan_out([Task(f"t{i}", square, {"x": i}) for i in range(3)], backend="local", jobs=2, label="sq", stream=tty)
    text = tty.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")  # only the closing summary ends a line
    assert "\r\x1b[K[sq] 3/3 done" in text


def test_a_failing_task_is_named_with_its_message_and_the_others_finish():
    log = io.StringIO()
    with pytest.raises(FanOutError) as info:
        fan_out([Task(k, fail_on, {"x": x, "bad": 2}) for k, x in (("a", 1), ("b", 2), ("c", 3))],
                backend="local", jobs=2, label="fo", stream=log)
    err = info.value
    assert err.failures == {"b": "ValueError: no 2"}
    assert err.results == {"a": 1, "c": 3}
    assert "b: ValueError: no 2" in str(err) and "1 of 3" in str(err)
    assert "[fo] FAILED b: ValueError: no 2" in log.getvalue()
    assert "[fo] 3/3 done, 1 failed" in log.getvalue()


def test_the_build_date_travels_with_the_task_and_is_restored(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert run_task(source_date, {}, {"SOURCE_DATE_EPOCH": "1700000000"}) == "1700000000"
    assert "SOURCE_DATE_EPOCH" not in os.environ      # an unset variable is unset again
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    with pytest.raises(TaskError, match="ZeroDivisionError"):
        run_task(lambda: 1 / 0, {}, {"SOURCE_DATE_EPOCH": "1700000000"})
    assert os.environ["SOURCE_DATE_EPOCH"] == "0"     # a set one gets its value back, error or not


def test_unknown_backend_and_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="unknown executor"):
        fan_out([Task("a", square, {"x": 1})], backend="ray")
    with pytest.raises(ValueError, match="unique"):
        fan_out([Task("a", square, {"x": 1}), Task("a", square, {"x": 2})])


@pytest.mark.dask
def test_dask_local_cluster_gives_the_same_results_and_failures(monkeypatch):
    pytest.importorskip("distributed")
    from analysis.report.executor import dask_client

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with dask_client(jobs=2, processes=False) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        log = io.StringIO()
        out = fan_out([Task(f"t{i}", square, {"x": i}) for i in range(5)], backend="dask", client=client,
                      label="sq", stream=log)
        assert out == {f"t{i}": i * i for i in range(5)}
        assert "[sq] 5/5 done" in log.getvalue() and "dask at tcp://127.0.0.1:" in log.getvalue()
        assert fan_out([Task("d", source_date)], backend="dask", client=client, stream=io.StringIO()) \
            == {"d": "1700000000"}
        with pytest.raises(FanOutError) as info:
            fan_out([Task(k, fail_on, {"x": x, "bad": 2}) for k, x in (("a", 1), ("b", 2))],
                    backend="dask", client=client, stream=io.StringIO())
        assert info.value.failures == {"b": "ValueError: no 2"} and info.value.results == {"a": 1}


def test_factsheets_cli_exits_non_zero_naming_the_failed_unit(monkeypatch, capsys):
    from analysis.report import factsheets

    def failing_build_all(*args, **kwargs):
        raise FanOutError("factsheets", {"lacteos_x": "ValueError: networks.csv: no row"}, {"mango": ("ficha_mango", {})})

    monkeypatch.setattr(factsheets, "build_all", failing_build_all)
    assert factsheets.main(["--executor", "dask", "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    assert "1 of 2 task(s) failed" in err and "lacteos_x: ValueError: networks.csv: no row" in err


def test_a_unit_folder_is_replaced_by_renames_only(tmp_path):
    from analysis.report.factsheets import _replace_dir, remove_partial_outputs

    target, new = tmp_path / "unit", tmp_path / ".unit.x.tmp" / "fichas" / "unit"
    (target / "tablas").mkdir(parents=True)
    (target / "tablas" / "tabla_01_old.csv").write_text("old")
    (new / "tablas").mkdir(parents=True)
    (new / "tablas" / "tabla_01_new.csv").write_text("new")
    _replace_dir(new, target)
    assert [p.name for p in (target / "tablas").iterdir()] == ["tabla_01_new.csv"]
    (tmp_path / ".other.y.tmp").mkdir()
    remove_partial_outputs(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit"]
