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


def test_single_thread_ratios_compare_one_thread_runs(bench_speed, capsys):
    # ours on two threads against anchors on one flattered ours at batch 256
    args = bench_speed.parse_args(["--single-thread-anchors"])
    assert "ours 1thr" in args.contenders
    args = bench_speed.parse_args(
        [
            "--quick",
            "--n-samples",
            "300",
            "--batch-sizes",
            "64",
            "--dtypes",
            "float32",
            "--contenders",
            "ours sgd",
            "ours 1thr",
            "sklearn 1thr",
        ]
    )
    bench_speed.run_speed(args)
    out = capsys.readouterr().out
    assert "ours/sklearn 1thr" in out and "ours/sklearn " not in out.replace(
        "ours/sklearn 1thr", ""
    )
    assert "fewer than 3 is a mean" in out  # --quick caps the repetitions at 2
    times = {}
    rows = [line.split() for line in out.splitlines()]
    for row in rows:
        if row[:2] == ["64", "float32"] and len(row) >= 6:
            times[" ".join(row[2:-3])] = float(row[-1])  # ms/step, finer
    ratio_row = next(r for r in rows if r[:2] == ["64", "float32"] and "[" in r[3])
    assert float(ratio_row[2]) == pytest.approx(
        times["ours 1thr"] / times["sklearn 1thr"], abs=0.02
    )


def test_stream_mode_prints_a_row_per_chunk_size_and_task(bench_speed, capsys):
    args = bench_speed.parse_args(
        [
            "--stream",
            "--n-samples",
            "200",
            "--repeats",
            "2",
            "--batch-sizes",
            "16",
            "150",
        ]
    )
    bench_speed.run_stream(args)
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    timed = [row for row in rows if row[:1] == ["16"]]
    assert [row[1] for row in timed] == ["clf", "reg"]
    for row in timed:
        ours, theirs, ratio = map(float, row[2:5])
        assert ours > 0 and theirs > 0
        assert ratio == pytest.approx(ours / theirs, rel=0.05, abs=0.01)
    # a chunk larger than half the data leaves nothing to time: said so
    assert [row[1] for row in rows if row[:1] == ["150"]] == ["clf", "reg"]
    assert all("too large" in " ".join(row) for row in rows if row[:1] == ["150"])
