"""The benchmark scripts' command lines (the measurements themselves are not
tests: see benchmarks/README.md)."""

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench_speed():
    spec = importlib.util.spec_from_file_location(
        "bench_speed", BENCHMARKS / "bench_speed.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "option", ["--repeats", "--epochs", "--n-samples", "--batch-sizes"]
)
@pytest.mark.parametrize("value", ["0", "-3", "two"])
def test_counts_below_one_are_usage_errors(bench_speed, option, value, capsys):
    # they once ended in a ZeroDivisionError or a StatisticsError
    with pytest.raises(SystemExit) as exit_info:
        bench_speed.parse_args([option, value])
    assert exit_info.value.code == 2
    assert option in capsys.readouterr().err


def test_no_contender_left_is_a_note(bench_speed, monkeypatch, capsys):
    # torch rows alone, without torch: a note instead of a traceback
    monkeypatch.setattr(bench_speed, "torch", None)
    args = bench_speed.parse_args(
        ["--quick", "--n-samples", "100", "--contenders", "torch", "torch adam"]
    )
    bench_speed.run_speed(args)
    out = capsys.readouterr().out
    assert "torch is not installed" in out and "No contender is left" in out


def test_memory_mode_prints_a_row_per_estimator(bench_speed, capsys):
    args = bench_speed.parse_args(
        [
            "--memory",
            "--n-samples",
            "600",
            "--batch-sizes",
            "32",
            "--dtypes",
            "float32",
            "--memory-epochs",
            "1",
        ]
    )
    bench_speed.run_memory(args)
    rows = [
        line.split()
        for line in capsys.readouterr().out.splitlines()
        if line.split()[:2] == ["32", "float32"]
    ]
    assert [row[2] for row in rows] == ["ours", "sklearn"]
    for row in rows:
        x_mb, w_mb, extra_mb, ratio, total = map(float, row[3:])
        assert x_mb > 0 and w_mb > 0 and extra_mb > 0
        # the MB columns are rounded to 2 decimals
        assert ratio == pytest.approx(extra_mb / (x_mb + w_mb), rel=0.1)
        assert total == pytest.approx(ratio + x_mb / (x_mb + w_mb), rel=0.1)
