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
