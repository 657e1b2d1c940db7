"""``python -m sklearn_lr``: the demo's table, its data sources and its errors."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn import config_context
from sklearn.datasets import load_iris

import sklearn_lr.__main__ as main_module
from sklearn_lr import _demo
from sklearn_lr.__main__ import main
from sklearn_lr._demo import runs
from sklearn_lr.schedules import trace

POLICIES = {
    "Constant",
    "InverseTimeDecay",
    "ExponentialDecay",
    "StepDecay",
    "MultiStepDecay",
    "PolynomialDecay",
    "CosineAnnealing",
    "CosineWarmRestarts",
    "Cyclic",
    "OneCycle",
    "ReduceOnPlateau",
    "BoldDriver",
    "Warmup(CosineAnnealing)",
    "Sequential(Constant, CosineAnnealing)",
}
# small, in-process settings: one job, two folds, few epochs
FAST = ["--n-jobs", "1", "--cv", "2", "--epochs", "2"]


def parse_table(out):
    """Rows of the ranked table in `out`, as dicts keyed by the header."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"\s*#\s+policy", line))
    header = re.split(r"\s{2,}", lines[start].strip())
    assert set(lines[start + 1]) <= {"-", " "}
    rows = []
    for line in lines[start + 2 :]:
        if not line.strip() or line.startswith("* "):  # the end, or a footnote
            break
        cells = re.split(r"\s{2,}", line.strip())
        assert len(cells) == len(header), line
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def final_score(row):
    mean, std = row["final CV score"].split(" ± ")
    return float(mean), float(std)


def write_csv(path, header, rows):
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def iris_csv(tmp_path):
    """Iris with the class names as text labels in a "species" column."""
    data = load_iris()
    rows = [
        [*x, data.target_names[label]]
        for x, label in zip(data.data, data.target, strict=True)
    ]
    return write_csv(tmp_path / "iris.csv", [*data.feature_names, "species"], rows)


@pytest.fixture
def regression_csv(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = X @ [1.5, -2.0, 0.5] + 0.1 * rng.normal(size=80) + 10.0
    rows = [[*x, f"{t:.4f}"] for x, t in zip(X, y, strict=True)]
    return write_csv(tmp_path / "reg.csv", ["u", "v", "w", "price"], rows)


# ------------------------------------------------------------------- table


def test_iris_table_has_every_policy_ranked_by_score(capsys):
    assert (
        main(["--dataset", "iris", "--epochs", "3", "--cv", "2", "--n-jobs", "1"]) == 0
    )
    out, err = capsys.readouterr()
    assert err == ""
    assert "iris: 150 samples, 4 features, 3 classes" in out
    rows = parse_table(out)
    assert {row["policy"] for row in rows} == POLICIES
    assert len(rows) == len(POLICIES)
    # "min" ranks: a row shares the rank of the row above only when it ties
    # with it on the final score and the epochs to the target
    assert rows[0]["#"] == "1"
    for i, (above, row) in enumerate(itertools.pairwise(rows), start=2):
        keys = [(final_score(r)[0], r["epochs to 0.95"]) for r in (above, row)]
        assert row["#"] == (above["#"] if keys[0] == keys[1] else str(i))
    means = [final_score(row)[0] for row in rows]
    assert means == sorted(means, reverse=True)
    for row in rows:
        name, value = row["best parameters"].rstrip("*").split("=")
        assert name in {"alpha", "max_alpha"}
        assert float(value) in _demo.DEFAULT_ALPHAS
        assert 0 <= final_score(row)[0] <= 1
        assert float(row["seconds"]) >= 0
        epochs = row["epochs to 0.95"]
        assert epochs == "—" or 1 <= int(epochs) <= 3
    assert "42 settings x 2 folds" in out


def test_quiet_prints_the_table_only(capsys):
    assert main(["--dataset", "wine", "--alphas", "0.03", "--quiet", *FAST]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert re.match(r"\s*#\s+policy", lines[0])
    assert len(lines) == 2 + len(POLICIES)
    assert {row["policy"] for row in parse_table(out)} == POLICIES


def test_target_score_sets_the_epochs_column(capsys):
    args = ["--dataset", "iris", "--alphas", "0.03", "--quiet", *FAST]
    assert main([*args, "--target-score", "0"]) == 0
    rows = parse_table(capsys.readouterr().out)
    assert all(row["epochs to 0"] == "1" for row in rows)  # any score is >= 0
    assert main([*args, "--target-score", "1.5"]) == 0
    rows = parse_table(capsys.readouterr().out)
    assert all(row["epochs to 1.5"] == "—" for row in rows)  # unreachable


def test_diabetes_is_regression_scored_by_r2(capsys):
    assert main(["--dataset", "diabetes", "--alphas", "0.01", *FAST]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "diabetes: 442 samples, 10 features, regression, R²" in out
    rows = parse_table(out)
    assert {row["policy"] for row in rows} == POLICIES
    assert "epochs to 0.4" in rows[0]
    means = [final_score(row)[0] for row in rows]
    assert means == sorted(means, reverse=True)
    assert max(means) > 0  # a standardized target is learnt within two epochs


def test_diverging_settings_score_low_and_are_marked(capsys):
    status = main(["--dataset", "iris", "--alphas", "10", "--quiet", *FAST])
    assert status == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    rows = parse_table(out)
    assert len(rows) == len(POLICIES)
    assert any(row["best parameters"].endswith("*") for row in rows)


def test_one_epoch_is_enough_for_every_policy(capsys):
    # the policies' durations scale with --epochs and stay valid at 1
    args = ["--dataset", "iris", "--alphas", "0.03", "--epochs", "1", "--quiet"]
    assert main([*args, "--cv", "2", "--n-jobs", "1"]) == 0
    assert len(parse_table(capsys.readouterr().out)) == len(POLICIES)
    # and the header counts it as one
    args.remove("--quiet")
    assert main([*args, "--cv", "2", "--n-jobs", "1"]) == 0
    assert ", 1 epoch, 2-fold CV" in capsys.readouterr().out


def test_results_do_not_depend_on_n_jobs():
    data = _demo.load_dataset("iris")
    kwargs = {"epochs": 2, "cv": 2, "alphas": (0.03,), "random_state": 0}
    serial = _demo.run(data, n_jobs=1, **kwargs)
    parallel = _demo.run(data, n_jobs=2, **kwargs)
    for a, b in zip(serial, parallel, strict=True):
        assert a.family.name == b.family.name
        np.testing.assert_array_equal(a.scores, b.scores)


def test_folds_are_stratified_seeded_and_standardized_on_their_training_part():
    iris = _demo.load_dataset("iris")
    folds = runs._fold_data(iris, 2, 0)
    for X_train, _, _, y_val in folds:
        # stratified: iris has 50 of each class, each held-out half 25
        assert np.bincount(y_val).tolist() == [25, 25, 25]
        # the scaler is fitted on the training part only
        np.testing.assert_allclose(X_train.mean(axis=0), 0, atol=1e-12)
        np.testing.assert_allclose(X_train.std(axis=0), 1)
    # --random-state seeds the folds
    other = runs._fold_data(iris, 2, 1)
    assert not np.array_equal(folds[0][2], other[0][2])
    # a regression target is standardized with the training part's statistics
    diabetes = _demo.load_dataset("diabetes")
    for _, y_train, _, _ in runs._fold_data(diabetes, 3, 0):
        assert abs(y_train.mean()) < 1e-12 and y_train.std() == pytest.approx(1)


def test_each_candidate_gets_its_own_folds_results(monkeypatch):
    # a stand-in for training on one fold, whose scores tell which call they
    # come from; every setting diverges in its first fold only
    calls = []

    def train_fold(estimator, fold, epochs, classes):
        policy = estimator.learning_rate
        fold_number = sum(p is policy for p, _, _ in calls)
        calls.append((policy, fold_number, estimator.get_params()))
        return np.full(epochs, len(calls) - 1.0), 0.25, fold_number == 0

    jobs, real_parallel = [], runs.Parallel

    def parallel(n_jobs):
        jobs.append(n_jobs)
        return real_parallel(n_jobs=1)  # no worker processes

    monkeypatch.setattr(runs, "_train_fold", train_fold)
    monkeypatch.setattr(runs, "Parallel", parallel)
    candidates = _demo.run(
        _demo.load_dataset("iris"),
        epochs=3,
        cv=2,
        alphas=(0.01, 0.1),
        n_jobs=2,
        random_state=5,
    )
    assert jobs == [2]
    assert len(candidates) == len(calls) // 2 == 2 * len(POLICIES)
    for c in candidates:
        assert c.scores.shape == (2, 3)
        for fold_number in range(2):
            call = next(
                i
                for i, (p, f, _) in enumerate(calls)
                if p is c.policy and f == fold_number
            )
            assert (c.scores[fold_number] == call).all(), c.family.name
        assert c.seconds == 0.5  # summed over the folds
        assert c.diverged  # in some fold
    for _, _, params in calls:
        assert params["max_iter"] == 3  # the horizon of the policies
        assert params["random_state"] == 5
        assert params["batch_size"] == _demo.BATCH_SIZE
        assert params["hidden_layer_sizes"] == _demo.HIDDEN_LAYER_SIZES
        assert params["momentum"] == 0.9


def test_non_finite_regression_predictions_score_minus_infinity():
    class Exploding:
        divergence_epoch_ = 2

        def partial_fit(self, X, y):
            return self

        def predict(self, X):
            return np.full(len(X), np.inf)

    X, y = np.zeros((4, 1)), np.arange(4.0)
    scores, _, diverged = runs._train_fold(Exploding(), (X, y, X, y), 3, None)
    np.testing.assert_array_equal(scores, [-np.inf] * 3)
    assert diverged


def test_policies_of_the_grid_follow_the_help():
    # their durations scale with --epochs, as --help describes them
    def rates(name, epochs, n_epochs=None):
        family = next(f for f in _demo.FAMILIES if f.name == name)
        return trace(family.build(0.1, epochs), n_epochs or epochs, 1) / 0.1

    np.testing.assert_allclose(
        rates("StepDecay", 20)[[4, 5, 10, 15]], [1, 0.5, 0.25, 0.125]
    )
    np.testing.assert_allclose(
        rates("MultiStepDecay", 20)[[9, 10, 14, 15]], [1, 0.1, 0.1, 0.01]
    )
    # α / 10 and α / 100 at the end of the run (clock 20 after 20 epochs)
    assert rates("InverseTimeDecay", 20, n_epochs=21)[-1] == pytest.approx(0.1)
    assert rates("ExponentialDecay", 20, n_epochs=21)[-1] == pytest.approx(0.01)
    # a warm-up over epochs / 10, then cosine annealing
    np.testing.assert_allclose(rates("Warmup(CosineAnnealing)", 20)[:3], [0, 0.5, 1])
    # constant for the first half, then annealed
    sequential = rates("Sequential(Constant, CosineAnnealing)", 20)
    assert (sequential[:11] == 1).all() and (np.diff(sequential[10:]) < 0).all()
    # three triangles between α / 10 and α
    cyclic = rates("Cyclic", 12)
    np.testing.assert_allclose(cyclic[[0, 4, 8]], 0.1)
    np.testing.assert_allclose(cyclic[[2, 6, 10]], 1)


def test_parallel_only_when_it_pays(monkeypatch):
    settings = len(_demo.FAMILIES) * len(_demo.DEFAULT_ALPHAS)
    monkeypatch.setattr(runs, "_usable_cpus", lambda: 2)
    # the default digits run is long; a tiny iris run is not
    assert _demo.auto_n_jobs(1797, cv=3, epochs=20, n_settings=settings) == 2
    assert _demo.auto_n_jobs(150, cv=2, epochs=2, n_settings=settings) == 1
    # on one usable CPU two jobs take twice as long as one
    monkeypatch.setattr(runs, "_usable_cpus", lambda: 1)
    assert _demo.auto_n_jobs(1797, cv=3, epochs=20, n_settings=settings) == 1


def test_reduce_on_plateau_of_the_grid_acts_on_a_steadily_falling_loss():
    # partial_fit gives it the training loss, which keeps falling a little:
    # the demo's setting must still cut α (it once equalled the constant)
    family = next(f for f in _demo.FAMILIES if f.name == "ReduceOnPlateau")
    losses = 0.5 * 0.97 ** np.arange(20)  # 3% an epoch
    policy = family.build(0.03, 20)
    assert trace(policy, 20, 1, losses=losses)[-1] < 0.03
    default = policy.set_params(threshold=1e-4)
    assert trace(default, 20, 1, losses=losses)[-1] == 0.03


def test_help_exits_zero(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--dataset" in out and "--csv" in out and "--plot" in out


def test_defaults_of_the_options():
    args = main_module.make_parser().parse_args([])
    assert (args.epochs, args.cv, args.random_state) == (20, 3, 0)
    assert args.alphas == _demo.DEFAULT_ALPHAS == (0.01, 0.03, 0.1)
    assert args.n_jobs is None and args.target_score is None
    # α sorted, each once (ties go to the smaller α); -1 jobs: all cores
    args = main_module.make_parser().parse_args(
        ["--alphas", "0.1,0.01,0.1", "--n-jobs", "-1"]
    )
    assert args.alphas == (0.01, 0.1)
    assert args.n_jobs == -1


def test_the_options_reach_the_run(monkeypatch, capsys):
    calls = {}

    def load_dataset(name):
        calls["dataset"] = name
        return _demo.load_dataset("iris")

    def run(data, **kwargs):
        calls["run"] = kwargs
        return _demo.run(data, **{**kwargs, "n_jobs": 1})  # no worker processes

    def auto_n_jobs(n_samples, **kwargs):
        calls["auto"] = (n_samples, kwargs)
        return 3

    monkeypatch.setattr(main_module, "load_dataset", load_dataset)
    monkeypatch.setattr(main_module, "run", run)
    monkeypatch.setattr(main_module, "auto_n_jobs", auto_n_jobs)
    args = ["--epochs", "2", "--cv", "2", "--random-state", "7"]
    assert main([*args, "--alphas", "0.03", "--n-jobs", "2", "--quiet"]) == 0
    assert calls.pop("dataset") == "digits"  # the default data set
    assert "auto" not in calls  # --n-jobs given: no guess
    assert calls.pop("run") == {
        "epochs": 2,
        "cv": 2,
        "alphas": (0.03,),
        "n_jobs": 2,
        "random_state": 7,
    }
    capsys.readouterr()
    # without --n-jobs, the guess sees the whole grid and is used
    assert main([*args, "--alphas", "0.01,0.1"]) == 0
    out = capsys.readouterr().out
    assert calls["auto"] == (150, {"cv": 2, "epochs": 2, "n_settings": 28})
    assert calls["run"]["n_jobs"] == 3
    assert "28 settings x 2 folds in" in out and "(n_jobs=3)" in out


def test_best_line_names_the_first_row_and_footnote_marks_divergence(capsys):
    for alphas, diverged in (("10", True), ("0.01", False)):
        args = ["--dataset", "iris", "--alphas", alphas, *FAST]
        assert main(args) == 0
        out = capsys.readouterr().out
        rows = parse_table(out)
        assert any(row["best parameters"].endswith("*") for row in rows) == diverged
        assert ("* diverged in some fold" in out) == diverged
        first = rows[0]
        family = next(f for f in _demo.FAMILIES if f.name == first["policy"])
        alpha = float(first["best parameters"].rstrip("*").split("=")[1])
        with config_context(print_changed_only=False):
            expected = repr(family.build(alpha, 2))
        assert f"\nbest: {expected}\n" in out


# ------------------------------------------------------------- ranking unit


def _candidate(name, alpha, scores):
    family = next(f for f in _demo.FAMILIES if f.name == name)
    candidate = _demo.Candidate(family, alpha, family.build(alpha, 3))
    candidate.scores = np.asarray(scores, dtype=float)
    return candidate


def test_close_alphas_are_told_apart(capsys):
    assert _candidate("Constant", 0.1, [[0.5]]).parameters == "alpha=0.1"
    close = _candidate("Constant", 0.1000001, [[0.5]])
    assert close.parameters == "alpha=0.1000001"
    args = ["--dataset", "iris", "--alphas", "0.1,0.1000001", *FAST]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "peak alpha in {0.1, 0.1000001}" in out


def test_epochs_to_target_uses_the_mean_over_folds():
    c = _candidate("Constant", 0.1, [[0.5, 0.9, 1.0], [0.7, 0.9, 0.9]])
    np.testing.assert_allclose(c.curve, [0.6, 0.9, 0.95])
    assert c.epochs_to(0.6) == 1
    assert c.epochs_to(0.9) == 2
    assert c.epochs_to(0.95) == 3
    assert c.epochs_to(0.96) is None
    assert c.final == pytest.approx((0.95, 0.05))
    # scores that all equal the target reach it (their float mean is a hair
    # below), and equal fold scores in another order tie
    exact = _candidate("Constant", 0.1, [[0.95], [0.95], [0.95]])
    assert exact.epochs_to(0.95) == 1
    ordered = [
        _candidate("Constant", 0.1, [[s] for s in order])
        for order in ([0.9, 0.95, 1.0], [1.0, 0.9, 0.95], [0.95, 1.0, 0.9])
    ]
    assert len({c.final[0] for c in ordered}) == 1
    # a score too large in size to round is kept as it is, finite
    huge = _candidate("Constant", 0.1, [[-1e300], [-1e300]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert huge.curve[0] == huge.final[0] == -1e300


def test_best_per_family_ranks_by_final_score_then_epochs():
    candidates = [
        _candidate("Constant", 0.01, [[0.5, 0.8]]),
        _candidate("Constant", 0.1, [[0.9, 0.9]]),  # best Constant
        _candidate("OneCycle", 0.01, [[0.2, 0.9]]),  # ties, but later to target
        _candidate("StepDecay", 0.01, [[0.9, 0.95]]),
        _candidate("BoldDriver", 0.01, [[np.nan, np.nan]]),  # last
    ]
    ranked = _demo.best_per_family(candidates, target=0.85)
    assert [(c.family.name, c.alpha) for c in ranked] == [
        ("StepDecay", 0.01),
        ("Constant", 0.1),
        ("OneCycle", 0.01),
        ("BoldDriver", 0.01),
    ]
    table = _demo.format_table(ranked, 0.85)
    rows = parse_table(table + "\n")
    assert [row["epochs to 0.85"] for row in rows] == ["1", "1", "2", "—"]


def test_best_per_family_ties_go_to_the_target_then_the_smaller_alpha():
    candidates = [
        _candidate("Constant", 0.01, [[0.5, 0.8]]),  # never reaches 0.85
        _candidate("Constant", 0.1, [[0.5, 0.8]]),  # ties: the smaller α wins
        _candidate("OneCycle", 0.01, [[0.9, 0.8]]),  # reached it at epoch 1
        _candidate("StepDecay", 0.01, [[0.5, 0.8]]),  # ties: the earlier family
    ]
    ranked = _demo.best_per_family(candidates, target=0.85)
    assert [(c.family.name, c.alpha) for c in ranked] == [
        ("OneCycle", 0.01),
        ("Constant", 0.01),
        ("StepDecay", 0.01),
    ]


def test_exact_ties_share_a_rank_and_the_best_line_says_so(monkeypatch, capsys):
    scores = {"Constant": [[0.5, 0.9]], "StepDecay": [[0.5, 0.9]]}

    def run(data, **kwargs):  # two families tie, the others score lower
        return [
            _candidate(family.name, 0.1, scores.get(family.name, [[0.5, 0.6]]))
            for family in _demo.FAMILIES
        ]

    monkeypatch.setattr(main_module, "run", run)
    assert main(["--dataset", "iris", "--target-score", "0.85", *FAST]) == 0
    out = capsys.readouterr().out
    rows = parse_table(out)
    n = len(_demo.FAMILIES)
    # "min" ranks, as scikit-learn's rank_test_score: 1, 1, 3, 3, ...
    assert [row["#"] for row in rows] == ["1", "1"] + ["3"] * (n - 2)
    assert [row["policy"] for row in rows[:2]] == ["Constant", "StepDecay"]
    assert "\nbest: Constant(alpha=0.1)\n  tied with the next 1 (" in out
    scores["StepDecay"] = [[0.5, 0.91]]  # no tie: no tie line
    assert main(["--dataset", "iris", "--target-score", "0.85", *FAST]) == 0
    out = capsys.readouterr().out
    assert [row["#"] for row in parse_table(out)][:3] == ["1", "2", "3"]
    assert "tied with" not in out


def test_scores_too_large_for_four_decimals_stay_compact():
    # an R² of -1e170 in one fold (a wild outlier in a CSV's feature): its
    # cell stays short, and the spread over the folds, whose squares
    # overflow, is finite and computed without a warning
    wild = _candidate("Constant", 0.1, [[-1e170], [0.5], [0.6]])
    tame = _candidate("StepDecay", 0.1, [[0.5], [0.6], [0.7]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        mean, std = wild.final
        table = _demo.format_table(_demo.best_per_family([wild, tame], 0.4), 0.4)
    assert std == pytest.approx(np.std([-1.0, 0.0, 0.0]) * 1e170)
    rows = parse_table(table + "\n")
    assert rows[0]["final CV score"] == "0.6000 ± 0.0816"
    assert rows[1]["final CV score"] == "-3.333e+169 ± 4.714e+169"
    assert max(map(len, table.splitlines())) < 120


# --------------------------------------------------------------------- CSV


def test_csv_with_text_labels_is_classification(iris_csv, capsys):
    args = ["--csv", str(iris_csv), "--target", "species", "--alphas", "0.03"]
    assert main([*args, *FAST]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "iris.csv: 150 samples, 4 features, 3 classes, accuracy" in out
    assert {row["policy"] for row in parse_table(out)} == POLICIES


def test_csv_with_float_target_is_regression(regression_csv, capsys):
    args = ["--csv", str(regression_csv), "--target", "price", "--alphas", "0.03"]
    assert main([*args, *FAST, "--epochs", "5"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "reg.csv: 80 samples, 3 features, regression, R²" in out
    rows = parse_table(out)
    assert {row["policy"] for row in rows} == POLICIES
    assert max(final_score(row)[0] for row in rows) > 0.5  # a linear target


def test_csv_na_among_text_labels_is_a_class(tmp_path):
    # among other text labels, "NA" (say, North America) is a class
    path = tmp_path / "regions.csv"
    path.write_text(
        "a,y\n" + "".join(f"{i},{r}\n" for i in range(9) for r in "AB") + "9,NA\n"
    )
    data = _demo.load_csv(path, "y")
    assert data.task == "classification"
    assert sorted(set(data.y)) == ["A", "B", "NA"]
    # so it is among labels some of which are numbers
    path.write_text(
        "a,y\n" + "".join(f"{i},{r}\n" for i in range(9) for r in "1A") + "9,NA\n"
    )
    assert sorted(set(_demo.load_csv(path, "y").y)) == ["1", "A", "NA"]


@pytest.mark.parametrize("text", ["nan", "inf", "-Inf"])
def test_csv_non_finite_among_text_labels_is_a_class(tmp_path, text):
    # as "NA": a class among text labels, a broken value among numbers
    path = tmp_path / "labels.csv"
    path.write_text(
        "a,y\n" + "".join(f"{i},{r}\n" for i in range(9) for r in "AB") + f"9,{text}\n"
    )
    assert sorted(set(_demo.load_csv(path, "y").y)) == sorted(["A", "B", text])
    path.write_text("a,y\n" + "".join(f"{i},{i}.5\n" for i in range(9)) + f"9,{text}\n")
    for task in ("auto", "regression"):
        with pytest.raises(_demo.DemoError, match=rf"non-finite target value '{text}'"):
            _demo.load_csv(path, "y", task=task)
    # with a missing value as well: the numbers still make it numeric
    path.write_text(
        "a,y\n" + "".join(f"{i},{i}.5\n" for i in range(9)) + f"9,NA\n10,{text}\n"
    )
    with pytest.raises(_demo.DemoError, match="non-finite target value"):
        _demo.load_csv(path, "y")


def test_csv_task_rule(tmp_path):
    few = write_csv(tmp_path / "few.csv", ["a", "y"], [[i, i % 3] for i in range(30)])
    data = _demo.load_csv(few, "y")
    assert data.task == "classification"
    assert data.y.dtype.kind == "i" and set(data.y) == {0, 1, 2}

    floats = write_csv(tmp_path / "f.csv", ["a", "y"], [[i, "1.0"] for i in range(9)])
    assert _demo.load_csv(floats, "y").task == "classification"  # integral values

    many = write_csv(tmp_path / "many.csv", ["a", "y"], [[i, i] for i in range(30)])
    assert _demo.load_csv(many, "y").task == "regression"  # > 20 distinct integers
    twenty = write_csv(
        tmp_path / "20.csv", ["a", "y"], [[i, i % 20] for i in range(40)]
    )
    assert _demo.load_csv(twenty, "y").task == "classification"  # at most 20
    more = write_csv(tmp_path / "21.csv", ["a", "y"], [[i, i % 21] for i in range(42)])
    assert _demo.load_csv(more, "y").task == "regression"
    assert _demo.load_csv(few, "y", task="regression").task == "regression"

    real = write_csv(tmp_path / "r.csv", ["a", "y"], [[i, i / 2] for i in range(10)])
    assert _demo.load_csv(real, "y").task == "regression"
    labels = _demo.load_csv(real, "y", task="classification").y
    assert labels.dtype.kind == "U"  # as text: floats would be a regression's
    # one number written two ways is one class, exactly
    spelled = [
        [i, ["0.5", "0.50", "1.5", "9007199254740993.5"][i % 4]] for i in range(12)
    ]
    path = write_csv(tmp_path / "s.csv", ["a", "y"], spelled)
    labels = set(_demo.load_csv(path, "y", task="classification").y)
    assert labels == {"0.5", "1.5", "9007199254740993.5"}
    big = [[i, ["0", "0.0", "1e30"][i % 3]] for i in range(9)]
    path = write_csv(tmp_path / "b.csv", ["a", "y"], big)
    assert set(_demo.load_csv(path, "y").y) == {"0", str(10**30)}
    # and the demo runs on them
    args = ["--csv", str(path), "--target", "y", "--task", "classification"]
    assert main([*args, "--alphas", "0.03", *FAST]) == 0


def test_csv_integer_labels_stay_exact(tmp_path):
    # labels beyond float64's exact integers stay distinct; beyond int64 they
    # stay text (they were cast through float64, merged or wrapped around)
    big = 2**53
    rows = [[i, [big, big + 1][i % 2]] for i in range(10)]
    data = _demo.load_csv(write_csv(tmp_path / "big.csv", ["a", "y"], rows), "y")
    assert data.task == "classification"
    assert data.y.dtype == np.int64 and set(data.y) == {big, big + 1}
    rows = [[i, ["0", "100000000000000000000"][i % 2]] for i in range(10)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        data = _demo.load_csv(write_csv(tmp_path / "huge.csv", ["a", "y"], rows), "y")
    assert data.task == "classification"
    assert set(data.y) == {"0", "100000000000000000000"}
    mixed = [[i, ["3", "3.0", "4"][i % 3]] for i in range(9)]
    data = _demo.load_csv(write_csv(tmp_path / "mixed.csv", ["a", "y"], mixed), "y")
    assert set(data.y) == {3, 4}


def test_csv_header_whitespace_bom_and_blank_lines(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("\ufeffa, b ,label\n1,2,x\n\n3,4,y\n", encoding="utf-8")
    data = _demo.load_csv(path, "label")
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4]])
    assert list(data.y) == ["x", "y"]
    # the names are stripped, the first one of its BOM; so are the labels
    path.write_text("\ufefflabel, b ,c\n x ,2,5\n\ny ,4,6\n", encoding="utf-8")
    data = _demo.load_csv(path, "label")
    np.testing.assert_array_equal(data.X, [[2, 5], [4, 6]])
    assert list(data.y) == ["x", "y"]
    path = write_csv(tmp_path / "b.csv", ["a", " b "], [[1, 2.5], [3, 4.5]])
    assert _demo.load_csv(path, "b").task == "regression"


def test_bundled_data_sets():
    expected = {
        "digits": (1797, 64, "10 classes"),
        "breast_cancer": (569, 30, "2 classes"),
        "wine": (178, 13, "3 classes"),
        "iris": (150, 4, "3 classes"),
        "diabetes": (442, 10, "regression"),
    }
    assert set(_demo.DATASETS) == set(expected)
    for name, (n, d, what) in expected.items():
        data = _demo.load_dataset(name)
        assert data.describe().startswith(f"{name}: {n} samples, {d} features, {what}")
        assert data.task == ("regression" if name == "diabetes" else "classification")


def test_task_option_overrides_the_guess(tmp_path, capsys):
    path = write_csv(tmp_path / "t.csv", ["a", "y"], [[i, i % 3] for i in range(30)])
    args = ["--csv", str(path), "--target", "y", "--alphas", "0.03", *FAST]
    assert main(args) == 0
    assert (
        "t.csv: 30 samples, 1 feature, 3 classes, accuracy" in capsys.readouterr().out
    )
    assert main([*args, "--task", "regression"]) == 0
    assert "t.csv: 30 samples, 1 feature, regression, R²" in capsys.readouterr().out


def test_fold_checks_accept_the_smallest_data():
    def data(y, task):
        return _demo.Data(np.zeros((len(y), 1)), np.asarray(y), task, "d")

    # cv samples of each class, 2 * cv samples for regression: enough
    _demo.check_folds(data([0, 0, 0, 1, 1, 1], "classification"), 3)
    _demo.check_folds(data(np.arange(6.0), "regression"), 3)
    # one fewer: not
    with pytest.raises(_demo.DemoError, match="class 1 has 2"):
        _demo.check_folds(data([0, 0, 0, 1, 1], "classification"), 3)
    with pytest.raises(_demo.DemoError, match="5 sample"):
        _demo.check_folds(data(np.arange(5.0), "regression"), 3)


# ---------------------------------------------------------------- bad input


def _bad_csvs(tmp_path):
    def make(name, text):
        path = tmp_path / name
        path.write_text(text)
        return str(path)

    return {
        "missing file": ["--csv", str(tmp_path / "nope.csv"), "--target", "y"],
        "directory": ["--csv", str(tmp_path), "--target", "y"],
        "missing column": ["--csv", make("a.csv", "a,b\n1,2\n"), "--target", "y"],
        "no header row": [
            "--csv",
            make("nohead.csv", "5.1,3.5,0\n4.9,3.0,1\n"),
            "--target",
            "0",
        ],
        "no header row, target not found": [
            "--csv",
            make("nohead2.csv", "5.1,3.5,0\n4.9,3.0,1\n"),
            "--target",
            "y",
        ],
        "nameless first column": [
            "--csv",
            make("index.csv", ",a,y\n0,1.5,0\n1,2.5,1\n"),
            "--target",
            "y",
        ],
        "nameless later column": [
            "--csv",
            make("comma.csv", "a,y,\n1.5,0,\n2.5,1,\n"),
            "--target",
            "y",
        ],
        "non-numeric feature": [
            "--csv",
            make("b.csv", "a,b,y\n1,2,0\n1,x,1\n"),
            "--target",
            "y",
        ],
        "missing feature": ["--csv", make("c.csv", "a,y\n,1\n"), "--target", "y"],
        "non-finite feature": ["--csv", make("d.csv", "a,y\nnan,1\n"), "--target", "y"],
        "ragged row": ["--csv", make("e.csv", "a,b,y\n1,2\n"), "--target", "y"],
        "empty file": ["--csv", make("f.csv", ""), "--target", "y"],
        "header only": ["--csv", make("g.csv", "a,y\n"), "--target", "y"],
        "no features": ["--csv", make("h.csv", "y\n1\n2\n"), "--target", "y"],
        "missing target value": ["--csv", make("i.csv", "a,y\n1,\n"), "--target", "y"],
        "too few rows": [
            "--csv",
            make("j.csv", "a,y\n1,0\n2,1\n3,1\n4,0\n5,1\n"),
            "--target",
            "y",
            "--cv",
            "3",
        ],
        "single class": ["--csv", make("k.csv", "a,y\n1,0\n2,0\n"), "--target", "y"],
        "too few regression rows": [
            "--csv",
            make("l.csv", "a,y\n1,0.5\n2,1.5\n3,2.5\n"),
            "--target",
            "y",
        ],
        "feature too large to standardize": [
            "--csv",
            make(
                "n.csv",
                "a,y\n0,0\n1,1\n2,0\n1e+200,1\n4,0\n5,1\n6,0\n7,1\n8,0\n9,1\n10,0\n11,1\n",
            ),
            "--target",
            "y",
        ],
        "target too large to standardize": [
            "--csv",
            make(
                "o.csv",
                "a,y\n0,0.0\n1,0.5\n2,1.0\n3,1e+300\n4,2.0\n5,2.5\n6,3.0\n7,3.5\n8,4.0\n9,4.5\n10,5.0\n11,5.5\n",
            ),
            "--target",
            "y",
        ],
        "non-finite numeric target": [
            "--csv",
            make(
                "p.csv",
                "a,y\n0,0.0\n1,0.5\n2,1.0\n3,nan\n4,2.0\n5,2.5\n6,3.0\n7,3.5\n8,4.0\n9,4.5\n10,5.0\n11,5.5\n",
            ),
            "--target",
            "y",
        ],
        "text regression target": [
            "--csv",
            make("m.csv", "a,y\n1,u\n2,v\n"),
            "--target",
            "y",
            "--task",
            "regression",
        ],
        "not UTF-8": ["--csv", _latin1(tmp_path), "--target", "y"],
        "deep not UTF-8": ["--csv", _deep_latin1(tmp_path), "--target", "y"],
        "NA in a numeric target": [
            "--csv",
            make(
                "q.csv",
                "a,y\n" + "".join(f"{i},{i / 2}\n" for i in range(30)) + "30,NA\n",
            ),
            "--target",
            "y",
        ],
        "NA feature": ["--csv", make("r.csv", "a,y\n1,0\nN/A,1\n"), "--target", "y"],
        "duplicate target column": [
            "--csv",
            make("t.csv", "a,y,y\n1,0,1\n2,1,0\n"),
            "--target",
            "y",
        ],
        "single regression value": [
            "--csv",
            make("u.csv", "a,y\n" + "".join(f"{i},2.5\n" for i in range(6))),
            "--target",
            "y",
        ],
        "<NA> in a numeric target": [
            "--csv",
            make(
                "s.csv",
                "a,y\n" + "".join(f"{i},{i / 2}\n" for i in range(30)) + "30,<NA>\n",
            ),
            "--target",
            "y",
        ],
    }


def _deep_latin1(tmp_path):
    # far past the decoder's first chunk
    path = tmp_path / "deep_latin1.csv"
    lines = "a,b,y\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(12000))
    path.write_bytes(lines.encode() + "1,2,caf\xe9\n".encode("latin-1"))
    return str(path)


def _latin1(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("a,y\n1,caf\xe9\n".encode("latin-1"))
    return str(path)


BAD_OPTIONS = {
    "unknown dataset": ["--dataset", "mnist"],
    "zero epochs": ["--epochs", "0"],
    "non-integer epochs": ["--epochs", "two"],
    "one fold": ["--cv", "1"],
    "too many folds": ["--dataset", "iris", "--cv", "51"],
    "unknown option": ["--bogus"],
    "csv without target": ["--csv", "x.csv"],
    # (small runs, should the check be missing)
    "target without csv": ["--dataset", "iris", "--target", "y", *FAST],
    "task without csv": ["--dataset", "iris", "--task", "regression", *FAST],
    "dataset and csv": ["--dataset", "iris", "--csv", "x.csv", "--target", "y"],
    "bad alphas": ["--alphas", "0.1,oops"],
    "alpha out of range": ["--alphas", "100"],
    "zero alpha": ["--dataset", "iris", "--alphas", "0", *FAST],
    "negative alpha": ["--dataset", "iris", "--alphas=-0.1", *FAST],
    "infinite target score": ["--dataset", "iris", "--target-score", "inf", *FAST],
    # beyond what a plot's axis can hold (the run would be lost at its end)
    "huge target score": ["--dataset", "iris", "--target-score", "1.7e308", *FAST],
    # a typo with extra zeros: a score table of terabytes
    "too many epochs": ["--dataset", "iris", "--epochs", "99999999999999"],
    "zero jobs": ["--n-jobs", "0"],
    "seed beyond NumPy's": ["--random-state", str(2**32)],
}


def _assert_one_line_error(status, capsys):
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("python -m sklearn_lr: error: ")
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("case", sorted(BAD_OPTIONS))
def test_bad_option_is_a_one_line_error(case, capsys):
    _assert_one_line_error(main(BAD_OPTIONS[case]), capsys)


def test_bad_option_messages_name_the_problem(capsys):
    expected = {
        "csv without target": "--csv needs --target COLUMN",
        "target without csv": "--target applies to --csv only",
        "task without csv": "--task applies to --csv only",
        "zero alpha": "in [1e-06, 10], got '0'",
        "zero jobs": "expected a non-zero integer",
        "seed beyond NumPy's": "expected an integer in [0, 4294967295]",
        "huge target score": "expected a score in [-1e6, 1e6], got '1.7e308'",
        "too many epochs": "expected an integer in [1, 100000]",
    }
    for case, text in expected.items():
        err = _assert_one_line_error(main(BAD_OPTIONS[case]), capsys)
        assert text in err, (case, err)


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "directory",
        "missing column",
        "no header row",
        "no header row, target not found",
        "nameless first column",
        "nameless later column",
        "non-numeric feature",
        "missing feature",
        "non-finite feature",
        "ragged row",
        "empty file",
        "header only",
        "no features",
        "missing target value",
        "too few rows",
        "single class",
        "too few regression rows",
        "text regression target",
        "not UTF-8",
        "deep not UTF-8",
        "feature too large to standardize",
        "target too large to standardize",
        "non-finite numeric target",
        "NA in a numeric target",
        "NA feature",
        "<NA> in a numeric target",
        "duplicate target column",
        "single regression value",
    ],
)
def test_bad_csv_is_a_one_line_error(case, tmp_path, capsys):
    argv = _bad_csvs(tmp_path)[case]
    _assert_one_line_error(main([*argv, "--n-jobs", "1"]), capsys)


def test_bad_csv_messages_name_the_problem(tmp_path, capsys):
    cases = _bad_csvs(tmp_path)
    expected = {
        "missing file": "not found",
        "missing column": "'y' not found",
        "no header row": "has no column names; the first row looks like data",
        "no header row, target not found": "(columns: '5.1', '3.5', '0'); the "
        "first row looks like data: the file needs a header row",
        "nameless first column": "column 1 of ",
        "nameless later column": "column 3 of ",
        "non-numeric feature": "non-numeric value 'x' in feature column 'b' (line 3)",
        "too few rows": "class 0 has 2 sample(s), and 3-fold CV needs at least 3 "
        "per class (if the target is a quantity, not a class, pass --task "
        "regression)",
        "feature too large to standardize": "column 'a' holds values too large",
        "target too large to standardize": "column 'y' holds values too large",
        "non-finite numeric target": "non-finite target value 'nan' in column 'y' "
        "(line 5)",
        # a numeric target with holes once became 31 classes
        "NA in a numeric target": "missing target value 'NA' in column 'y' (line 32)",
        "NA feature": "missing value 'N/A' in feature column 'a' (line 3)",
        "<NA> in a numeric target": "missing target value '<NA>' in column 'y'",
        "no features": "no feature columns besides 'y'",
        "duplicate target column": "column name 'y' appears more than once",
        "single regression value": "target column 'y' has a single value",
        # the line before the bad byte, not the decoder's position in its chunk
        "not UTF-8": "not UTF-8 text (byte 0xe9 on line 2)",
        "deep not UTF-8": "not UTF-8 text (byte 0xe9 on line 12002)",
        "single class": "classification needs at least 2 classes; the target "
        "has only one, 0 (if the target is a quantity, not a class, pass "
        "--task regression)",
    }
    for case, text in expected.items():
        err = _assert_one_line_error(main(cases[case]), capsys)
        assert text in err, (case, err)
    err = _assert_one_line_error(main(cases["nameless first column"]), capsys)
    assert "has no name" in err and "index=False" in err
    err = _assert_one_line_error(main(cases["nameless later column"]), capsys)
    assert "has no name" in err and "index=False" not in err


def test_csv_columns_named_by_whole_numbers_are_a_header(tmp_path, capsys):
    # pandas.DataFrame(array).to_csv(index=False) names the columns 0, 1, ...
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    rows = [[*x, int(x[0] > 0)] for x in X]
    path = write_csv(tmp_path / "numbered.csv", ["0", "1", "2"], rows)
    argv = ["--csv", str(path), "--target", "2", "--alphas", "0.1", "--quiet"]
    assert main([*argv, *FAST]) == 0
    assert len(parse_table(capsys.readouterr().out)) == len(POLICIES)


# -------------------------------------------------------------------- plot


def test_plot_without_matplotlib_is_a_one_line_error(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    figure = tmp_path / "fig.png"
    status = main(["--dataset", "iris", "--plot", str(figure), *FAST])
    err = _assert_one_line_error(status, capsys)  # before any training: no table
    assert "matplotlib" in err and "sklearn_lr[plot]" in err
    assert not figure.exists()


def test_plot_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    figure = tmp_path / "fig.png"
    args = ["--dataset", "iris", "--alphas", "0.03", "--plot", str(figure), *FAST]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"figure saved to {figure}" in out
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    bad_paths = [
        tmp_path / "no" / "such" / "dir.png",
        tmp_path / "fig.xyz",
        f"{tmp_path / 'new'}{os.sep}",  # a folder name, which does not exist
    ]
    for bad in bad_paths:  # refused before the run: no table printed
        status = main(["--dataset", "iris", "--plot", str(bad), *FAST])
        assert "--plot" in _assert_one_line_error(status, capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png"]

    # nor does the figure overwrite the data it comes from
    data = write_csv(tmp_path / "data", ["a", "y"], [[i, i % 2] for i in range(20)])
    before = data.read_bytes()
    status = main(["--csv", str(data), "--target", "y", "--plot", str(data), *FAST])
    assert "is the --csv data file" in _assert_one_line_error(status, capsys)
    assert data.read_bytes() == before


def test_plot_paths_that_cannot_be_files_are_one_line_errors(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    afile = write_csv(tmp_path / "a.csv", ["a", "y"], [[1, 0]])
    cases = {
        str(afile / "fig.png"): f"{str(afile)!r} is a file, not a folder",
        str(tmp_path / ("a" * 300 + ".png")): "cannot use",  # name too long
    }
    for bad, text in cases.items():
        status = main(["--dataset", "iris", "--plot", bad, *FAST])
        assert text in _assert_one_line_error(status, capsys), bad


def test_a_bad_matplotlib_setting_is_a_one_line_error(tmp_path):
    pytest.importorskip("matplotlib")
    env = dict(os.environ, MPLBACKEND="no-such-backend")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sklearn_lr",
            "--dataset",
            "iris",
            "--plot",
            str(tmp_path / "f.png"),
            *FAST,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "--plot: matplotlib cannot start" in done.stderr
    assert done.stdout == ""


def test_the_plots_epoch_axis_has_whole_epochs(monkeypatch, tmp_path):
    matplotlib_figure = pytest.importorskip("matplotlib.figure")
    saved = []
    monkeypatch.setattr(
        matplotlib_figure.Figure, "savefig", lambda self, *a, **k: saved.append(self)
    )
    ranked = [_candidate("Constant", 0.1, [[0.5, 0.9, 1.0], [0.7, 0.9, 0.9]])]
    _demo.plot(ranked, str(tmp_path / "f.png"), 0.9, "title", "accuracy")
    for ax in saved[-1].axes:
        ticks = ax.get_xticks()
        assert np.array_equal(ticks, np.round(ticks)), ticks


def test_a_postscript_plot_is_made_without_notices(tmp_path, caplog):
    # PostScript has no transparency: matplotlib says so for any
    # transparent artist, which the figure has none of
    pytest.importorskip("matplotlib")
    ranked = [_candidate("Constant", 0.1, [[0.5, 0.9, 1.0], [0.7, 0.9, 0.9]])]
    with caplog.at_level("WARNING"):
        _demo.plot(ranked, str(tmp_path / "f.eps"), 0.9, "title", "accuracy")
    assert (tmp_path / "f.eps").read_bytes()[:4] == b"%!PS"
    assert not [r for r in caplog.records if r.name.startswith("matplotlib")]


def test_plot_format_follows_the_extension(tmp_path):
    pytest.importorskip("matplotlib")
    ranked = [
        _candidate("Constant", 0.1, [[0.5, 0.9, 1.0], [0.7, 0.9, 0.9]]),
        _candidate("OneCycle", 0.1, [[0.2, 0.5, 0.8], [0.4, 0.5, 0.6]]),
    ]
    for name, magic in (("f.svg", b"<svg"), ("f.pdf", b"%PDF"), ("f", b"\x89PNG")):
        _demo.plot(ranked, str(tmp_path / name), 0.9, "title", "accuracy")
        assert magic in (tmp_path / name).read_bytes()[:500], name


def test_plot_is_labelled_with_the_tasks_score(monkeypatch, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    calls = []

    def plot(ranked, path, target, title, score):
        calls.append((len(ranked), path, target, title, score))

    monkeypatch.setattr(main_module, "plot", plot)
    figure = str(tmp_path / "fig.png")
    for dataset in ("iris", "diabetes"):
        args = ["--dataset", dataset, "--alphas", "0.03", "--plot", figure, "--quiet"]
        assert main([*args, *FAST]) == 0
    assert calls == [
        (14, figure, 0.95, "iris: mean 2-fold CV accuracy per epoch", "accuracy"),
        (14, figure, 0.4, "diabetes: mean 2-fold CV R² per epoch", "R²"),
    ]


def test_plot_in_a_format_that_cannot_be_made_here_fails_before_the_run(
    monkeypatch, capsys, tmp_path
):
    # pgf needs LaTeX for text: a probe figure finds out before the run
    matplotlib_figure = pytest.importorskip("matplotlib.figure")

    def needs_latex(self, *args, **kwargs):
        raise RuntimeError("'xelatex' not found")

    monkeypatch.setattr(matplotlib_figure.Figure, "savefig", needs_latex)
    status = main(["--dataset", "iris", "--plot", str(tmp_path / "f.pgf"), *FAST])
    err = _assert_one_line_error(status, capsys)  # no table: before the run
    assert "--plot: cannot make 'pgf' files here: 'xelatex' not found" in err
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------ as a process


def test_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_lr", "--dataset", "iris", "--epochs", "2"]
        + ["--cv", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert {row["policy"] for row in parse_table(result.stdout)} == POLICIES


def test_an_output_encoding_without_the_demos_characters_does_not_fail():
    # a redirection where the locale's encoding is not UTF-8: "—", "±", "α"
    # and "²" come out as "?" instead of a UnicodeEncodeError
    env = dict(os.environ, PYTHONIOENCODING="latin-1")
    for args in (["--help"], ["--dataset", "iris", *FAST, "--quiet"]):
        result = subprocess.run(
            [sys.executable, "-m", "sklearn_lr", *args],
            capture_output=True,
            timeout=120,
            env=env,
        )
        assert result.returncode == 0, result.stderr.decode("latin-1")
        assert result.stderr == b""
        assert b"?" in result.stdout


def test_the_output_streams_are_put_back_as_they_were(monkeypatch):
    # in-process (a notebook, a test), main leaves the caller's streams as
    # it found them, though it prints "?" for what their encoding lacks
    stream = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    monkeypatch.setattr(sys, "stdout", stream)
    assert main(["--help"]) == 0
    assert stream.errors == "strict"
    stream.flush()
    assert b"?" in stream.buffer.getvalue()  # the help's "—", replaced


def test_an_output_that_cannot_be_written_is_a_one_line_error(monkeypatch, capsys):
    def full(args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(main_module, "_run", full)
    status = main(["--dataset", "iris"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1 and "cannot write the output" in err

    # other system errors are no failure to write: they are not hidden
    def busy(args):
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(main_module, "_run", busy)
    with pytest.raises(BlockingIOError):
        main(["--dataset", "iris"])

    # nor is a failure of a file the demo opened itself
    def file_full(args):
        raise OSError(28, "No space left on device", "fig.png")

    monkeypatch.setattr(main_module, "_run", file_full)
    with pytest.raises(OSError, match="fig.png"):
        main(["--dataset", "iris"])


class _FullStream(io.TextIOWrapper):
    """A stdout on a full disk: every write of its buffer fails."""

    def __init__(self):
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)

    def write(self, text):
        raise OSError(28, "No space left on device")

    def fileno(self):
        raise io.UnsupportedOperation("no descriptor")


def test_help_that_cannot_be_written_is_a_one_line_error(monkeypatch, capsys):
    # argparse itself ignores a failed write of the help (exit status 0)
    monkeypatch.setattr(sys, "stdout", _FullStream())
    status = main(["--help"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1 and "cannot write the output" in err


def test_a_reader_that_leaves_before_the_help_ends_it_quietly():
    process = subprocess.Popen(
        [sys.executable, "-m", "sklearn_lr", "--help"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert err == "", err
    assert process.returncode in (0, 1)  # 0 if the help fit the pipe first


def test_an_interrupt_is_reported_with_status_130(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(main_module, "_run", interrupted)
    assert main(["--dataset", "iris"]) == 130
    assert capsys.readouterr().err == "python -m sklearn_lr: interrupted\n"


def test_the_exit_statuses_are_documented(capsys):
    # every status main returns (0, 1, 2, 130) is in --help and in main's
    # Returns section
    assert main(["--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    listed = help_text[help_text.index("exit status:") :]
    returns = main.__doc__[main.__doc__.index("Returns") :]
    for status in ("0 on success", "1 when", "2 on a bad option", "130 when"):
        assert status in listed, status
        assert status.split()[0] + " " in returns, status
    assert "interrupted" in listed and "interrupted" in returns


def test_a_reader_that_leaves_early_ends_the_demo_quietly():
    # `python -m sklearn_lr | head -1`: no traceback of a broken pipe
    process = subprocess.Popen(
        [sys.executable, "-m", "sklearn_lr", "--dataset", "iris", *FAST],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().startswith("iris:")
    process.stdout.close()  # the reader leaves before the table
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err == "", err
