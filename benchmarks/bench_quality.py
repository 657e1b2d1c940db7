"""Quality of the learning-rate policies: epochs to 97% test accuracy on digits.

The claim under test: *the best policy needs at most half the epochs of the
best constant learning rate to reach 97% test accuracy, with a final accuracy
of at least 0.976.*

Protocol
--------
- Data: ``sklearn.datasets.load_digits`` (1797 samples, 10 classes), one
  stratified 75/25 train/test split (``random_state=--split-seed``, default 0:
  1347 train, 450 test). A ``StandardScaler`` is fitted on the training part
  only.
- Network: ``SGDNetClassifier(hidden_layer_sizes=(64,), batch_size=32,
  momentum=0.9, l2=1e-4 (the default), max_iter=EPOCHS)``, plain SGD with
  classical momentum, ReLU.
- Training is epoch by epoch with ``partial_fit`` (one call is one epoch; the
  weights, momentum and the schedule's clock and feedback state continue
  across calls). ``max_iter=EPOCHS`` is the horizon of the policies whose
  ``n_epochs`` is None (OneCycle, CosineAnnealing). After every epoch the test
  set is scored.
- Seeds: the split stays fixed; the estimator's ``random_state`` (weight
  initialisation and shuffling) takes the values 0 .. SEEDS-1. Use
  ``--split-seed`` to repeat the whole protocol on another split.
- Per policy: median (over seeds) of the first epoch whose test accuracy is
  >= 97%, counting seeds that never get there as infinitely slow, so the
  median is "never" when at least half the seeds do not reach 97% (with 5
  seeds: when 3 or more miss it); final accuracy (after the last epoch),
  median and min over seeds.

Tuning (no test data involved)
------------------------------
Every policy, the constant included, gets a small grid (see ``grids``),
scored by stratified K-fold cross-validation *inside the training part*
(``--tune-folds``, default 5: fit on 4/5 = 1078 samples, about the size of
the real training set, validate on the other 1/5, each fold with its own
scaler and its own estimator seed 1000+k, disjoint from the evaluation
seeds). Every training sample is a validation sample once, so the tuning
sees 1347 validation samples rather than the 270 of a single split. A
candidate's validation figures are the medians over folds, computed as on
the test set; candidates are ranked as the claim reads: (1) those whose
median final validation accuracy is >= 0.976 first, then (2) fewer median
epochs to 97% validation accuracy, (3) higher median final validation
accuracy, (4) higher mean validation accuracy over all epochs; remaining
ties go to the first in grid order. The winner of each grid is then trained
on the whole training part with the evaluation seeds and scored on the test
set. The test set never influences a choice: the "best constant" and the
"best policy" of the claim check are the validation winners (same ranking).
The table still shows every constant on the test set, and the claim is also
checked against the constant that is fastest on test, so a reader sees what
picking by test would have given.

Usage (from the repository root)::

    python benchmarks/bench_quality.py            # default: ~1.5 min on 2 cores
    python benchmarks/bench_quality.py --quick    # smoke run, seconds
    python benchmarks/bench_quality.py --seeds 10 --epochs 40

The Markdown table goes to stdout (progress goes to stderr).
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import platform
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy
import sklearn
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler

import sklearn_lr
from sklearn_lr import DivergenceWarning, SGDNetClassifier
from sklearn_lr.schedules import (
    BoldDriver,
    Constant,
    CosineAnnealing,
    Cyclic,
    OneCycle,
    ReduceOnPlateau,
    StepDecay,
    Warmup,
)

TARGET = 0.97  # accuracy to reach
CLAIM_FINAL = 0.976  # final accuracy the claim requires
HIDDEN = (64,)
BATCH_SIZE = 32
MOMENTUM = 0.9
TUNE_SEED_OFFSET = 1000  # tuning seeds are disjoint from the evaluation seeds
CONSTANT = "Constant"


# --------------------------------------------------------------------------
# grids


def grids(epochs):
    """The candidate settings of every policy (durations scale with `epochs`).

    With momentum 0.9 the effective step is about 10·α, hence peak rates
    around 0.03-0.3. Cyclic's half-period divides the horizon into 6 or 12
    half-cycles, so every run ends at the bottom of a cycle. ReduceOnPlateau
    monitors the epoch's training loss (``partial_fit`` has no validation
    score to offer); that loss falls steadily here (the network fits its
    training set), so with the default relative threshold 1e-4 it never
    counts a bad epoch, and the grid adds threshold=0.05 to let it act.
    """
    step_sizes = (epochs / 12, epochs / 6)
    warmups = (max(epochs / 30, 0.5), epochs / 10)
    everies = (epochs / 6, epochs / 3)
    return {
        # every α that a policy below starts from or peaks at, so that a
        # policy's edge over the constant is the schedule's, not its α's
        CONSTANT: [Constant(alpha=a) for a in (0.001, 0.01, 0.03, 0.05, 0.1, 0.2, 0.4)],
        "Cyclic": [
            Cyclic(min_alpha=0.001, max_alpha=hi, step_size=s, mode=mode)
            for mode in ("triangular", "triangular2")
            for hi in (0.05, 0.1, 0.2)
            for s in step_sizes
        ],
        "OneCycle": [
            OneCycle(max_alpha=hi, pct_start=p)
            for hi in (0.05, 0.1, 0.2, 0.4)
            for p in (0.1, 0.3)
        ],
        "Warmup+CosineAnnealing": [
            Warmup(CosineAnnealing(alpha=a), epochs=w)
            for a in (0.03, 0.1, 0.2)
            for w in warmups
        ],
        "StepDecay": [
            StepDecay(alpha=a, drop=d, every=e)
            for a in (0.03, 0.1)
            for d in (0.1, 0.5)
            for e in everies
        ],
        "ReduceOnPlateau": [
            ReduceOnPlateau(alpha=a, patience=p, threshold=th, monitor="loss")
            for a in (0.03, 0.1)
            for p in (1, 3)
            for th in (1e-4, 0.05)
        ],
        "BoldDriver": [
            BoldDriver(alpha=a, increase=i, decrease=0.5)
            for a in (0.01, 0.03, 0.1)
            for i in (1.05, 1.2)
        ],
    }


def quick_grids(epochs):
    """One candidate per policy (the middle of its grid), for a smoke run."""
    return {name: cands[len(cands) // 2 :][:1] for name, cands in grids(epochs).items()}


# --------------------------------------------------------------------------
# data and training


def load_split(split_seed):
    """Unscaled stratified 75/25 train/test split of digits."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=split_seed)


def scale(X_fit, X_other):
    """Standardise both parts with a scaler fitted on `X_fit` only."""
    scaler = StandardScaler().fit(X_fit)
    return scaler.transform(X_fit), scaler.transform(X_other)


@dataclass
class Run:
    """Per-epoch accuracies of one training run."""

    accuracies: list
    diverged_epochs: int = 0

    def epochs_to(self, target):
        for epoch, acc in enumerate(self.accuracies, start=1):
            if acc >= target:
                return epoch
        return math.inf

    @property
    def final(self):
        return self.accuracies[-1]


def train_curve(policy, X_train, y_train, X_eval, y_eval, seed, epochs):
    """Train `epochs` partial_fit epochs; accuracy on (X_eval, y_eval) after each."""
    est = SGDNetClassifier(
        hidden_layer_sizes=HIDDEN,
        learning_rate=policy,
        batch_size=BATCH_SIZE,
        momentum=MOMENTUM,
        max_iter=epochs,
        random_state=seed,
    )
    classes = np.unique(y_train)
    accuracies, diverged = [], 0
    for _ in range(epochs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DivergenceWarning)
            est.partial_fit(X_train, y_train, classes=classes)
        diverged += any(issubclass(w.category, DivergenceWarning) for w in caught)
        accuracies.append(float(np.mean(est.predict(X_eval) == y_eval)))
    return Run(accuracies, diverged)


def median_epochs(runs, target=TARGET):
    return statistics.median(run.epochs_to(target) for run in runs)


@dataclass(frozen=True, order=True)
class RankKey:
    """Ranking of a candidate's runs (smaller is better), as the claim reads.

    First the candidates whose median final accuracy is >= 0.976, then by
    median epochs to 97%, higher median final accuracy, higher mean accuracy
    over all epochs.
    """

    misses_final: bool
    epochs: float
    neg_final: float
    neg_mean: float

    @property
    def final(self):
        return -self.neg_final

    def __str__(self):
        return (
            f"epochs {_fmt_epochs(self.epochs)}, final {self.final:.4f}, "
            f"mean {-self.neg_mean:.4f}"
        )


def rank_key(runs):
    final = statistics.median(run.final for run in runs)
    return RankKey(
        final < CLAIM_FINAL,
        median_epochs(runs),
        -final,
        -statistics.fmean(np.mean(run.accuracies) for run in runs),
    )


@dataclass
class Result:
    name: str
    policy: object
    runs: list = field(default_factory=list)
    tuning: RankKey | None = None  # rank_key on validation
    n_candidates: int = 1
    selected: bool = True  # among the constants: the validation winner

    @property
    def epochs(self):
        return median_epochs(self.runs)

    @property
    def reached(self):
        return sum(run.epochs_to(TARGET) < math.inf for run in self.runs)

    @property
    def final_median(self):
        return statistics.median(run.final for run in self.runs)

    @property
    def final_min(self):
        return min(run.final for run in self.runs)

    @property
    def diverged(self):
        return sum(run.diverged_epochs > 0 for run in self.runs)


def tuning_folds(raw_train, y_train, n_folds, split_seed):
    """Scaled stratified K-fold (fit, validation) pairs of the training part."""
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=split_seed)
    data = []
    for k, (fit, val) in enumerate(folds.split(raw_train, y_train)):
        X_fit, X_val = scale(raw_train[fit], raw_train[val])
        data.append((X_fit, y_train[fit], X_val, y_train[val], TUNE_SEED_OFFSET + k))
    return data


def tune(candidates, folds, epochs, log):
    """(rank_key, policy) of every candidate, best first (validation only)."""
    scored = []
    for index, policy in enumerate(candidates):
        runs = [
            train_curve(policy, X_fit, y_fit, X_val, y_val, seed, epochs)
            for X_fit, y_fit, X_val, y_val, seed in folds
        ]
        key = rank_key(runs)
        scored.append((key, index, policy))
        diverged = sum(run.diverged_epochs > 0 for run in runs)
        note = f" (diverged in {diverged} fold(s))" if diverged else ""
        log(f"  tune {_policy_repr(policy)} -> {key}{note}")
    scored.sort(key=lambda item: item[:2])  # ties: the first in grid order
    return [(key, policy) for key, _, policy in scored]


# --------------------------------------------------------------------------
# report


def _fmt_epochs(value):
    if value == math.inf:
        return "never"
    return f"{value:g}"


# parameters always shown in the settings column, even at their default value
_SHOWN = {
    "Constant": ("alpha",),
    "Cyclic": ("min_alpha", "max_alpha", "step_size", "mode"),
    "OneCycle": ("max_alpha", "pct_start"),
    "CosineAnnealing": ("alpha",),
    "Warmup": ("policy", "epochs"),
    "StepDecay": ("alpha", "drop", "every"),
    "ReduceOnPlateau": ("alpha", "factor", "patience", "threshold", "monitor"),
    "BoldDriver": ("alpha", "increase", "decrease"),
}


def _policy_repr(policy):
    """``Name(param=value, ...)``: tuned and changed parameters, floats to 4 digits."""
    name = type(policy).__name__
    defaults = {
        key: p.default for key, p in inspect.signature(type(policy)).parameters.items()
    }
    params = policy.get_params(deep=False)
    parts = [_policy_repr(params.pop("policy"))] if "policy" in params else []
    for key, value in params.items():
        if key in _SHOWN.get(name, ()) or defaults.get(key) != value:
            shown = f"{value:.4g}" if isinstance(value, float) else repr(value)
            parts.append(f"{key}={shown}")
    return f"{name}({', '.join(parts)})"


def _fmt_settings(policy):
    return f"`{_policy_repr(policy)}`"


def claim_check(policy_result, constant_result):
    """(holds, reason) for "≤ half the epochs of the constant, final ≥ 0.976"."""
    e_p, e_c = policy_result.epochs, constant_result.epochs
    fast = e_p < math.inf and (e_c == math.inf or e_p <= e_c / 2)
    accurate = policy_result.final_median >= CLAIM_FINAL
    reasons = []
    if e_p == math.inf:
        reasons.append("never reaches 97%")
    elif not fast:
        reasons.append(f"{_fmt_epochs(e_p)} > {_fmt_epochs(e_c)}/2 epochs")
    if not accurate:
        reasons.append(f"final {policy_result.final_median:.4f} < {CLAIM_FINAL}")
    return fast and accurate, "; ".join(reasons) or "yes"


def markdown_table(results, best_constant, n_seeds):
    header = (
        "| policy | settings (picked on validation) "
        "| validation: epochs to 97% / final acc. "
        "| test: seeds reaching 97% | test: median epochs to 97% "
        "| test: epochs per seed | test: final acc. (median) "
        "| test: final acc. (min) | claim vs. best constant |"
    )
    lines = [header, "|" + "---|" * 9]
    for res in results:
        name = res.name
        val = f"{_fmt_epochs(res.tuning.epochs)} / {res.tuning.final:.4f}"
        if res.name == CONSTANT:
            name += " (best on validation)" if res.selected else ""
            claim = "—"
        else:
            val += f" (best of {res.n_candidates})"
            holds, reason = claim_check(res, best_constant)
            claim = "**yes**" if holds else f"no ({reason})"
        per_seed = ", ".join(_fmt_epochs(run.epochs_to(TARGET)) for run in res.runs)
        if res.diverged:
            per_seed += f" ({res.diverged} seed(s) diverged in some epoch)"
        lines.append(
            f"| {name} | {_fmt_settings(res.policy)} | {val} "
            f"| {res.reached}/{n_seeds} | {_fmt_epochs(res.epochs)} | {per_seed} "
            f"| {res.final_median:.4f} | {res.final_min:.4f} | {claim} |"
        )
    return "\n".join(lines)


def environment_line():
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    return (
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
        f"sklearn_lr {sklearn_lr.__version__}; {platform.platform()}; "
        f"{affinity} usable cpu(s)"
    )


# --------------------------------------------------------------------------
# main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seeds", type=int, default=None, help="evaluation seeds (default 5)"
    )
    parser.add_argument(
        "--epochs", type=int, default=None, help="epochs = max_iter (default 30)"
    )
    parser.add_argument(
        "--tune-folds",
        type=int,
        default=None,
        help="cross-validation folds of the training part for tuning (default 5)",
    )
    parser.add_argument(
        "--split-seed", type=int, default=0, help="random_state of the split"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1 candidate per policy; defaults 2 seeds, 2 folds, 10 epochs",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="log every tuning candidate"
    )
    args = parser.parse_args(argv)
    defaults = (2, 2, 10) if args.quick else (5, 5, 30)
    for name, default in zip(("seeds", "tune_folds", "epochs"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)
    for name, low in (("seeds", 1), ("epochs", 1), ("tune_folds", 2)):
        if getattr(args, name) < low:
            parser.error(f"--{name.replace('_', '-')} must be >= {low}")
    return args


def main(argv=None):
    args = parse_args(argv)
    start = time.perf_counter()

    def log(message):
        if args.verbose or not message.startswith("  tune"):
            print(f"[{time.perf_counter() - start:6.1f} s] {message}", file=sys.stderr)

    raw_train, raw_test, y_train, y_test = load_split(args.split_seed)
    X_train, X_test = scale(raw_train, raw_test)
    folds = tuning_folds(raw_train, y_train, args.tune_folds, args.split_seed)
    eval_seeds = list(range(args.seeds))
    all_grids = quick_grids(args.epochs) if args.quick else grids(args.epochs)

    results = []
    for name, candidates in all_grids.items():
        log(f"tuning {name} ({len(candidates)} candidates x {len(folds)} folds)")
        scored = tune(candidates, folds, args.epochs, log)
        winner = scored[0][1]
        if name == CONSTANT:
            # every constant goes to the test set (grid order); the winner is marked
            keys = {id(policy): key for key, policy in scored}
            chosen = [(keys[id(policy)], policy) for policy in candidates]
        else:
            chosen = scored[:1]
        for key, policy in chosen:
            res = Result(
                name,
                policy,
                tuning=key,
                n_candidates=len(candidates),
                selected=policy is winner,
            )
            log(f"evaluating {name}: {_policy_repr(policy)}")
            res.runs = [
                train_curve(policy, X_train, y_train, X_test, y_test, s, args.epochs)
                for s in eval_seeds
            ]
            results.append(res)

    best_constant = next(r for r in results if r.name == CONSTANT and r.selected)
    policies = [r for r in results if r.name != CONSTANT]
    # the validation winner among the policies (same ranking as in the grids)
    best_policy = min(policies, key=lambda r: (r.tuning, policies.index(r)))
    holds, reason = claim_check(best_policy, best_constant)
    passing = [r.name for r in policies if claim_check(r, best_constant)[0]]

    # for reference only, picked on test: the fastest constant and policy
    def fastest(candidates):
        return min(candidates, key=lambda r: (r.epochs, -r.final_median))

    test_constant = fastest(r for r in results if r.name == CONSTANT)
    test_policy = fastest(policies)
    passing_vs_test = [r.name for r in policies if claim_check(r, test_constant)[0]]
    elapsed = time.perf_counter() - start

    print(
        f"### Epochs to {TARGET:.0%} test accuracy on digits "
        f"({len(y_train)} train / {len(y_test)} test, split seed {args.split_seed})"
    )
    print()
    print(
        f"MLP {HIDDEN}, batch {BATCH_SIZE}, SGD momentum {MOMENTUM}, l2=1e-4, "
        f"{args.epochs} epochs of `partial_fit` (max_iter={args.epochs}), "
        f"estimator seeds 0..{args.seeds - 1} on one fixed split. Settings "
        f"tuned by {len(folds)}-fold cross-validation inside the training part "
        "(other seeds); the test set was not used for tuning. "
        '"never": at least half the seeds miss 97%.'
    )
    print()
    print(markdown_table(results, best_constant, args.seeds))
    print()
    print(
        f"Claim (*best policy needs at most half the epochs of the best constant, "
        f"with final accuracy ≥ {CLAIM_FINAL}*): best constant on validation = "
        f"{_fmt_settings(best_constant.policy)}, {_fmt_epochs(best_constant.epochs)} "
        f"epochs on test; best policy on validation = {best_policy.name} "
        f"{_fmt_settings(best_policy.policy)}, {_fmt_epochs(best_policy.epochs)} "
        f"epochs, final {best_policy.final_median:.4f} (median), "
        f"{best_policy.final_min:.4f} (min) → "
        + ("**holds**." if holds else f"**does not hold** ({reason}).")
    )
    print()
    print(
        "Policies meeting the claim against the validation-picked constant: "
        + (", ".join(passing) if passing else "none")
        + ". Against the constant that is fastest on test "
        f"({_fmt_settings(test_constant.policy)}, "
        f"{_fmt_epochs(test_constant.epochs)} epochs; picked on test, for "
        "reference): "
        + (", ".join(passing_vs_test) if passing_vs_test else "none")
        + f". Fastest policy on test: {test_policy.name} "
        f"{_fmt_settings(test_policy.policy)}, {_fmt_epochs(test_policy.epochs)} "
        f"epochs, final {test_policy.final_median:.4f} (median), "
        f"{test_policy.final_min:.4f} (min)"
        + f". One test sample is {1 / len(y_test):.4f} of accuracy, so a final "
        f"accuracy ≥ {CLAIM_FINAL} means at least "
        f"{math.ceil(CLAIM_FINAL * len(y_test))}/{len(y_test)} correct."
    )
    print()
    print(f"Environment: {environment_line()}; run time {elapsed:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
