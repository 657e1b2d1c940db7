"""Speed (and peak memory) of SGDNetClassifier against its anchors.

Seconds per epoch of ``sklearn_lr.SGDNetClassifier`` against scikit-learn's
``MLPClassifier(solver="sgd")``, a plain PyTorch CPU training loop (when torch
is installed) and the GEMM floor (NumPy matmuls on the exact shapes of one
training step, nothing else), on the same data and network, measured in one
process with the contenders alternating (A B C A B C ...).

Usage (from the repository root)::

    python benchmarks/bench_speed.py              # full run, several minutes
    python benchmarks/bench_speed.py --quick      # smoke run, seconds
    python benchmarks/bench_speed.py --memory     # peak memory of fit
    python benchmarks/bench_speed.py --profile    # cProfile of one epoch
    python benchmarks/bench_speed.py --stream     # partial_fit on small chunks

See ``benchmarks/README.md`` for what the figures mean.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np
import sklearn
import threadpoolctl
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

import sklearn_lr
from sklearn_lr import SGDNetClassifier, SGDNetRegressor
from sklearn_lr._training import blas_threads
from sklearn_lr.optimizers import make_optimizer

try:  # torch is optional: its column is skipped without it
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    torch = None

HIDDEN = (256, 128)
LEARNING_RATE = 0.01
MOMENTUM = 0.9
L2 = 1e-4

DTYPES = {"float64": np.float64, "float32": np.float32}


# --------------------------------------------------------------------------
# environment


def environment_report():
    """Lines describing the versions, the BLAS and the thread settings."""
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    lines = [
        f"python {platform.python_version()} on {platform.platform()}",
        f"cpus: os.cpu_count()={os.cpu_count()}, usable by this process={affinity}",
        f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
        f"sklearn_lr {getattr(sklearn_lr, '__version__', '?')}, "
        + (
            f"torch {torch.__version__} (get_num_threads()={torch.get_num_threads()})"
            if torch is not None
            else "torch not installed (its column is skipped)"
        ),
        "OPENBLAS_CORETYPE: "
        + (
            repr(os.environ["OPENBLAS_CORETYPE"])
            if "OPENBLAS_CORETYPE" in os.environ
            else "not set"
        ),
    ]
    lines.append(f"load average (1, 5, 15 min): {_load()}")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if var in os.environ:
            lines.append(f"{var}={os.environ[var]}")
    lines.append("threadpoolctl.threadpool_info():")
    for info in threadpoolctl.threadpool_info():
        lib = os.path.basename(info.get("filepath", "?"))
        extra = ""
        if "architecture" in info:
            extra += f", architecture={info['architecture']}"
        if "corename" in info:
            extra += f", corename={info['corename']}"
        if info.get("threading_layer"):
            extra += f", threading_layer={info['threading_layer']}"
        lines.append(
            f"  {info.get('user_api')}: internal_api={info.get('internal_api')}, "
            f"num_threads={info.get('num_threads')}, "
            f"version={info.get('version')}{extra} ({lib})"
        )
    if torch is not None:
        settings = torch.__config__.show().replace("\n", ", ").split(", ")
        blas = [i[i.index("BLAS_INFO") :] for i in settings if "BLAS_INFO" in i]
        lines.append(f"torch: {', '.join(blas) or 'BLAS_INFO unknown'}")
    return lines


def _load():
    if not hasattr(os, "getloadavg"):
        return "?"
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


# --------------------------------------------------------------------------
# data


def make_data(n_samples, n_features=100, n_classes=10):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=50,
        n_classes=n_classes,
        random_state=0,
    )
    X = StandardScaler().fit_transform(X)
    return np.ascontiguousarray(X, dtype=np.float64), y


# --------------------------------------------------------------------------
# contenders: each ``run(X, y, batch_size, epochs)`` returns seconds per epoch


def ours(optimizer="sgd", blas_threads=None):
    def run(X, y, batch_size, epochs):
        est = SGDNetClassifier(
            hidden_layer_sizes=HIDDEN,
            learning_rate=LEARNING_RATE,
            optimizer=optimizer,
            momentum=MOMENTUM,
            nesterov=False,
            l2=L2,
            batch_size=batch_size,
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=np.inf,
            shuffle=True,
            random_state=0,
        )
        # a limit set around fit stands inside it (numpy's BLAS included)
        with threadpoolctl.threadpool_limits(limits=blas_threads, user_api="blas"):
            start = time.perf_counter()
            est.fit(X, y)
            elapsed = time.perf_counter() - start
        assert est.coefs_[0].dtype == X.dtype, "ours did not keep the dtype"
        return elapsed / est.n_iter_

    return run


def sklearn_mlp(blas_threads=None):
    def run(X, y, batch_size, epochs):
        est = MLPClassifier(
            hidden_layer_sizes=HIDDEN,
            activation="relu",
            solver="sgd",
            learning_rate="constant",
            learning_rate_init=LEARNING_RATE,
            momentum=MOMENTUM,
            nesterovs_momentum=False,
            alpha=L2,
            batch_size=batch_size,
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=np.inf,
            shuffle=True,
            random_state=0,
        )
        with threadpoolctl.threadpool_limits(limits=blas_threads, user_api="blas"):
            start = time.perf_counter()
            est.fit(X, y)
            elapsed = time.perf_counter() - start
        assert est.coefs_[0].dtype == X.dtype, "scikit-learn did not keep the dtype"
        return elapsed / est.n_iter_

    return run


def torch_loop(n_threads=None, optimizer="sgd"):
    def run(X, y, batch_size, epochs):
        saved = torch.get_num_threads()
        if n_threads is not None:
            torch.set_num_threads(n_threads)
        try:
            return _torch_epochs(X, y, batch_size, epochs, optimizer)
        finally:
            torch.set_num_threads(saved)

    return run


def _torch_epochs(X, y, batch_size, epochs, optimizer="sgd"):
    torch_dtype = torch.float64 if X.dtype == np.float64 else torch.float32
    n_classes = int(y.max()) + 1
    start = time.perf_counter()
    torch.manual_seed(0)
    Xt = torch.from_numpy(X)
    yt = torch.from_numpy(np.asarray(y, dtype=np.int64))
    sizes = [X.shape[1], *HIDDEN]
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    layers.append(torch.nn.Linear(sizes[-1], n_classes))
    model = torch.nn.Sequential(*layers).to(torch_dtype)
    criterion = torch.nn.CrossEntropyLoss()
    if optimizer == "adam":  # torch's defaults, as a plain loop would use them
        opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, weight_decay=L2)
    else:
        opt = torch.optim.SGD(
            model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM, weight_decay=L2
        )
    n = X.shape[0]
    for _ in range(epochs):
        perm = torch.randperm(n)
        for s in range(0, n, batch_size):
            idx = perm[s : s + batch_size]
            opt.zero_grad()
            loss = criterion(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return (time.perf_counter() - start) / epochs


def gemm_floor(X, y, batch_size, epochs):
    """The matrix products of training, nothing else (a lower bound).

    Per batch: 3 forward products, 3 weight-gradient products and 2
    delta products, into preallocated outputs, with the BLAS thread limit
    SGDNetClassifier uses.
    """
    dtype = X.dtype
    n, d = X.shape
    n_classes = int(y.max()) + 1
    sizes = [d, *HIDDEN, n_classes]
    rng = np.random.default_rng(0)
    W = [
        rng.standard_normal((a, b)).astype(dtype) * 0.05
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    G = [np.empty_like(w) for w in W]
    # numpy's BLAS with its default threads, as SGDNetClassifier trains
    limit = None
    X_batch = np.ascontiguousarray(X[:batch_size])
    acts = [np.empty((batch_size, k), dtype=dtype) for k in sizes[1:]]
    # finite, normal-range deltas: garbage from np.empty may be NaN/denormal
    deltas = [
        (rng.standard_normal((batch_size, k)) * 0.01).astype(dtype) for k in sizes[1:]
    ]
    # every batch full but the last, as in training
    rows = [min(batch_size, n - start) for start in range(0, n, batch_size)]
    with threadpoolctl.threadpool_limits(limits=limit, user_api="blas"):
        start = time.perf_counter()
        for _ in range(epochs):
            for m in rows:
                a = X_batch[:m]
                for i, w in enumerate(W):
                    np.matmul(a, w, out=acts[i][:m])
                    a = acts[i][:m]
                for i in range(len(W) - 1, -1, -1):
                    inputs = X_batch[:m] if i == 0 else acts[i - 1][:m]
                    np.matmul(inputs.T, deltas[i][:m], out=G[i])
                    if i > 0:
                        np.matmul(deltas[i][:m], W[i].T, out=deltas[i - 1][:m])
        elapsed = time.perf_counter() - start
    return elapsed / epochs


def update_rule(optimizer):
    """One epoch of the update rule alone: ``optimizer.step`` once per batch
    on a parameter vector of the network's size, with the BLAS set-up
    SGDNetClassifier trains with. ``ours <rule>`` minus this is the rest of
    training, the same work whatever the rule."""

    def run(X, y, batch_size, epochs):
        sizes = [X.shape[1], *HIDDEN, int(y.max()) + 1]
        n_params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
        rng = np.random.default_rng(0)
        params = rng.standard_normal(n_params).astype(X.dtype)
        # gradients in a normal range; the rules use them as scratch space
        grads = (rng.standard_normal(n_params) * 0.01).astype(X.dtype)
        work = np.empty_like(grads)
        rule = make_optimizer(
            optimizer, n_params, X.dtype, momentum=MOMENTUM, nesterov=False
        )
        n_batches = -(-X.shape[0] // batch_size)
        with blas_threads():
            start = time.perf_counter()
            for _ in range(epochs * n_batches):
                np.copyto(work, grads)
                rule.step(params, work, LEARNING_RATE)
            elapsed = time.perf_counter() - start
        return elapsed / epochs

    return run


def contenders(names):
    table = {
        "ours sgd": ours("sgd"),
        "ours adam": ours("adam"),
        "ours rmsprop": ours("rmsprop"),
        "ours 1thr": ours("sgd", blas_threads=1),
        "sklearn": sklearn_mlp(),
        "sklearn 1thr": sklearn_mlp(blas_threads=1),
        "torch": torch_loop() if torch is not None else None,
        "torch 1thr": torch_loop(1) if torch is not None else None,
        "torch adam": torch_loop(optimizer="adam") if torch is not None else None,
        "gemm floor": gemm_floor,
        "sgd update": update_rule("sgd"),
        "adam update": update_rule("adam"),
        "rmsprop update": update_rule("rmsprop"),
    }
    return {name: table[name] for name in names if table[name] is not None}


DEFAULT_CONTENDERS = [
    "ours sgd",
    "sklearn",
    "torch",
    "ours adam",
    "ours rmsprop",
    "gemm floor",
]
# "torch adam" puts the adam/sgd rows in context: PyTorch's own cost of Adam
# the "... update" rows time the update rules alone: how much of adam/sgd
# the rule's own passes over the parameters account for
ALL_CONTENDERS = [
    *DEFAULT_CONTENDERS,
    "ours 1thr",
    "sklearn 1thr",
    "torch 1thr",
    "torch adam",
    "sgd update",
    "adam update",
    "rmsprop update",
]


# --------------------------------------------------------------------------
# speed


def run_speed(args):
    X64, y = make_data(args.n_samples)
    cells = [(b, dt) for b in args.batch_sizes for dt in args.dtypes]
    data = {dt: X64.astype(DTYPES[dt]) for dt in args.dtypes}
    runners = contenders(args.contenders)
    if torch is None and any(c.startswith("torch") for c in args.contenders):
        print("NOTE: torch is not installed; the torch column is skipped.\n")
    names = list(runners)
    if not names:
        print("No contender is left to measure.")
        return

    # warm-up: imports, first-call caches, BLAS thread start-up
    small = slice(0, min(2000, args.n_samples))
    for dt in args.dtypes:
        for run in runners.values():
            run(data[dt][small], y[small], 64, 1)

    times = {(cell, name): [] for cell in cells for name in names}
    total = args.repeats * len(cells) * len(names)
    done = 0
    t0 = time.perf_counter()
    for rep in range(args.repeats):
        # rotate the order every repetition so no contender always runs first
        shift = rep % len(names)
        order = names[shift:] + names[:shift]
        for cell in cells:
            batch_size, dt = cell
            for name in order:
                gc.collect()
                seconds = runners[name](data[dt], y, batch_size, args.epochs)
                times[cell, name].append(seconds)
                done += 1
            if args.verbose:
                print(
                    f"  [{done}/{total}, {time.perf_counter() - t0:.0f} s, "
                    f"load {_load()}] rep "
                    f"{rep + 1} batch {batch_size} {dt}: "
                    + ", ".join(f"{n}={times[cell, n][-1]:.3f}" for n in names),
                    flush=True,
                )
    print(f"\nload average at the end (1, 5, 15 min): {_load()}")
    if args.repeats < 3:
        print(
            f"NOTE: {args.repeats} repetition(s): a median of fewer than 3 is "
            "a mean, which one run slowed by another process shifts; use "
            "--repeats 5 for figures to quote."
        )
    print_speed_table(args, cells, names, times)
    print_update_bounds(cells, names, times)


def _ratio(times, cell, a, b, stat):
    if (cell, a) not in times or (cell, b) not in times:
        return None
    return stat(times[cell, a]) / stat(times[cell, b])


def _paired_ratio(times, cell, a, b):
    """Median over repetitions of a/b, each pair from one repetition.

    A repetition runs the contenders of a cell one after another (in an
    order that rotates), so the two runs of a pair see much the same machine
    state, and slow phases of a shared machine (which move every contender of
    a repetition together) mostly cancel.
    """
    pairs = zip(times[cell, a], times[cell, b], strict=True)
    return statistics.median(x / y for x, y in pairs)


def print_speed_table(args, cells, names, times):
    n = args.n_samples
    print(
        f"\nSeconds per epoch: N={n}, D=100, net 100-{HIDDEN[0]}-{HIDDEN[1]}-10, "
        f"relu, sgd momentum {MOMENTUM} (classical), l2 {L2}, lr {LEARNING_RATE}; "
        f"{args.epochs} epoch(s) per fit, {args.repeats} repetition(s), "
        "median [best]; ms/step = median / steps per epoch"
    )
    width = max(len(name) for name in names) + 2
    header = f"{'batch':>5} {'dtype':>8}  {'contender':<{width}}" + (
        f"{'median s':>10} {'best s':>9} {'ms/step':>9}"
    )
    print(header)
    print("-" * len(header))
    for cell in cells:
        batch_size, dt = cell
        steps = -(-n // batch_size)
        for name in names:
            values = times[cell, name]
            med, best = statistics.median(values), min(values)
            print(
                f"{batch_size:>5} {dt:>8}  {name:<{width}}"
                f"{med:>10.3f} {best:>9.3f} {1e3 * med / steps:>9.3f}"
            )
        print()

    ratios = [
        ("ours/sklearn", "ours sgd", "sklearn"),
        ("ours/sklearn 1thr", "ours 1thr", "sklearn 1thr"),
        ("ours/torch", "ours sgd", "torch"),
        ("ours/torch 1thr", "ours 1thr", "torch 1thr"),
        ("ours/floor", "ours sgd", "gemm floor"),
        ("adam/sgd", "ours adam", "ours sgd"),
        ("rmsprop/sgd", "ours rmsprop", "ours sgd"),
        ("torch adam/sgd", "torch adam", "torch"),
    ]
    ratios = [r for r in ratios if r[1] in names and r[2] in names]
    if not ratios:
        return
    print(
        "Ratios of medians [of bests] {median of paired ratios}; "
        "< 1 means the first is faster"
    )
    header = f"{'batch':>5} {'dtype':>8}  " + "".join(
        f"{label:>26}" for label, _, _ in ratios
    )
    print(header)
    print("-" * len(header))
    for cell in cells:
        batch_size, dt = cell
        row = f"{batch_size:>5} {dt:>8}  "
        for _, a, b in ratios:
            med = _ratio(times, cell, a, b, statistics.median)
            best = _ratio(times, cell, a, b, min)
            paired = _paired_ratio(times, cell, a, b)
            row += f"{med:>11.2f} [{best:.2f}] {{{paired:.2f}}}"
        print(row)
    if torch is None:
        print("\n(torch is not installed: no torch column)")


def print_update_bounds(cells, names, times):
    """adam/sgd and rmsprop/sgd if the rest of training cost nothing extra:
    (ours sgd - sgd update + <rule> update) / ours sgd, per repetition."""
    rules = [r for r in ("adam", "rmsprop") if f"{r} update" in names]
    if not rules or "sgd update" not in names or "ours sgd" not in names:
        return
    print(
        "\nThe update rules alone (ms per epoch, median) and the ratio to sgd "
        "that their extra passes alone imply (median over repetitions)"
    )
    header = f"{'batch':>5} {'dtype':>8}  {'sgd update':>11}" + "".join(
        f"{f'{r} update':>16}{f'{r}/sgd from it':>21}" for r in rules
    )
    print(header)
    print("-" * len(header))
    for cell in cells:
        batch_size, dt = cell
        sgd_run, sgd_rule = times[cell, "ours sgd"], times[cell, "sgd update"]
        row = f"{batch_size:>5} {dt:>8}  {1e3 * statistics.median(sgd_rule):>11.1f}"
        for r in rules:
            rule = times[cell, f"{r} update"]
            implied = statistics.median(
                (run - base + other) / run
                for run, base, other in zip(sgd_run, sgd_rule, rule, strict=True)
            )
            row += f"{1e3 * statistics.median(rule):>16.1f}{implied:>21.2f}"
        print(row)


# --------------------------------------------------------------------------
# memory


def _traced_fit(est, X, y):
    gc.collect()
    tracemalloc.start()
    try:
        est.fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def run_memory(args):
    X64, y = make_data(args.n_samples)
    print(
        "\nPeak Python-allocated memory of fit (tracemalloc, started after X "
        f"exists; X itself is not in the peak). N={args.n_samples}, "
        f"{args.memory_epochs} epoch(s) per fit.\n"
        "extra = traced peak; ratio = extra / (X.nbytes + weight bytes);\n"
        "total = (X.nbytes + extra) / (X.nbytes + weight bytes), the whole "
        "footprint if X is counted: the column the target (<= 1.5) is for."
    )
    header = (
        f"{'batch':>5} {'dtype':>8}  {'estimator':<9}{'X MB':>8}{'W MB':>8}"
        f"{'extra MB':>10}{'ratio':>8}{'total':>8}"
    )
    print(header)
    print("-" * len(header))
    for batch_size in args.batch_sizes:
        for dt in args.dtypes:
            X = X64.astype(DTYPES[dt])
            for label in ("ours", "sklearn"):
                est = _memory_estimator(label, batch_size, args.memory_epochs)
                est.fit(X[:500], y[:500])  # warm-up: lazy imports, caches
                est = _memory_estimator(label, batch_size, args.memory_epochs)
                peak = _traced_fit(est, X, y)
                w_bytes = sum(a.nbytes for a in est.coefs_ + est.intercepts_)
                base = X.nbytes + w_bytes
                print(
                    f"{batch_size:>5} {dt:>8}  {label:<9}{X.nbytes / 2**20:>8.2f}"
                    f"{w_bytes / 2**20:>8.2f}{peak / 2**20:>10.2f}"
                    f"{peak / base:>8.3f}{(X.nbytes + peak) / base:>8.3f}"
                )


def _memory_estimator(label, batch_size, epochs):
    if label == "ours":
        return SGDNetClassifier(
            hidden_layer_sizes=HIDDEN,
            learning_rate=LEARNING_RATE,
            momentum=MOMENTUM,
            l2=L2,
            batch_size=batch_size,
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=np.inf,
            random_state=0,
        )
    return MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        solver="sgd",
        learning_rate_init=LEARNING_RATE,
        momentum=MOMENTUM,
        nesterovs_momentum=False,
        alpha=L2,
        batch_size=batch_size,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=np.inf,
        random_state=0,
    )


# --------------------------------------------------------------------------
# stream: partial_fit on small chunks

STREAM_HIDDEN = (32,)
STREAM_FEATURES = 20


def _stream_estimator(label, chunk):
    """A fresh estimator of a stream row: ours or scikit-learn's, classifier
    or regressor, one batch per chunk."""
    common = dict(hidden_layer_sizes=STREAM_HIDDEN, batch_size=chunk, random_state=0)
    sklearn_common = dict(
        solver="sgd",
        learning_rate_init=LEARNING_RATE,
        momentum=MOMENTUM,
        nesterovs_momentum=False,
        alpha=L2,
    )
    ours_common = dict(learning_rate=LEARNING_RATE, momentum=MOMENTUM, l2=L2)
    return {
        "ours clf": lambda: SGDNetClassifier(**common, **ours_common),
        "sklearn clf": lambda: MLPClassifier(**common, **sklearn_common),
        "ours reg": lambda: SGDNetRegressor(**common, **ours_common),
        "sklearn reg": lambda: MLPRegressor(**common, **sklearn_common),
    }[label]()


def _time_stream(est, X, y, chunk, classes):
    """Microseconds per partial_fit call over X in chunks of `chunk` rows
    (after a first, untimed call that sets the model up)."""
    extra = {} if classes is None else {"classes": classes}
    est.partial_fit(X[:chunk], y[:chunk], **extra)
    starts = range(chunk, X.shape[0] - chunk + 1, chunk)
    begin = time.perf_counter()
    for start in starts:
        est.partial_fit(X[start : start + chunk], y[start : start + chunk])
    return (time.perf_counter() - begin) / len(starts) * 1e6


def run_stream(args):
    n_samples = min(args.n_samples, 4000)
    X_clf, y_clf = make_classification(
        n_samples=n_samples,
        n_features=STREAM_FEATURES,
        n_informative=10,
        n_classes=3,
        random_state=0,
    )
    X_clf = StandardScaler().fit_transform(X_clf)
    X_reg, y_reg = make_regression(
        n_samples=n_samples, n_features=STREAM_FEATURES, noise=1.0, random_state=0
    )
    X_reg = StandardScaler().fit_transform(X_reg)
    y_reg = (y_reg - y_reg.mean()) / y_reg.std()
    tasks = {
        "clf": (X_clf, y_clf, np.unique(y_clf)),
        "reg": (X_reg, y_reg, None),
    }
    print(
        f"\npartial_fit on chunks: N={n_samples}, D={STREAM_FEATURES}, net "
        f"{STREAM_FEATURES}-{'-'.join(map(str, STREAM_HIDDEN))}-out, float64, "
        "one batch per chunk, the same settings as the speed rows otherwise; "
        f"{args.repeats} repetition(s), median [best] microseconds per call"
    )
    header = (
        f"{'chunk':>5}  {'task':<4}{'ours us':>10}{'sklearn us':>12}"
        f"{'ours/sklearn':>26}"
    )
    print(header)
    print("-" * len(header))
    for chunk in args.batch_sizes:
        for task, (X, y, classes) in tasks.items():
            if chunk * 2 > X.shape[0]:
                print(f"{chunk:>5}  {task:<4}  chunk too large for N={n_samples}")
                continue
            runs = {"ours": [], "sklearn": []}
            for repeat in range(args.repeats):
                order = ["ours", "sklearn"][:: 1 if repeat % 2 == 0 else -1]
                for who in order:
                    est = _stream_estimator(f"{who} {task}", chunk)
                    runs[who].append(_time_stream(est, X, y, chunk, classes))
            ours, theirs = runs["ours"], runs["sklearn"]
            paired = statistics.median(a / b for a, b in zip(ours, theirs, strict=True))
            print(
                f"{chunk:>5}  {task:<4}{statistics.median(ours):>10.0f}"
                f"{statistics.median(theirs):>12.0f}"
                f"{statistics.median(ours) / statistics.median(theirs):>12.2f}"
                f" [{min(ours) / min(theirs):.2f}] {{{paired:.2f}}}"
            )


# --------------------------------------------------------------------------
# profile


def run_profile(args):
    X64, y = make_data(args.n_samples)
    batch_size = args.profile_batch
    X = X64.astype(DTYPES[args.profile_dtype])
    est = SGDNetClassifier(
        hidden_layer_sizes=HIDDEN,
        learning_rate=LEARNING_RATE,
        momentum=MOMENTUM,
        l2=L2,
        batch_size=batch_size,
        max_iter=1,
        tol=0.0,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    est.fit(X[:500], y[:500])  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    est.fit(X, y)
    profiler.disable()
    steps = -(-X.shape[0] // batch_size)
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).sort_stats("tottime")
    stats.print_stats(args.profile_lines)
    print(
        f"\ncProfile of one epoch of SGDNetClassifier, batch {batch_size}, "
        f"{args.profile_dtype}, {steps} steps (divide times by the step count "
        "for per-step cost; cProfile adds its own per-call overhead)"
    )
    print(stream.getvalue())


# --------------------------------------------------------------------------
# command line


def _positive(text):
    """An argparse type: an int of at least 1 (else a usage error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small smoke run: at most 2 repeats, 1 epoch and 4000 samples",
    )
    parser.add_argument("--memory", action="store_true", help="peak memory mode")
    parser.add_argument("--profile", action="store_true", help="cProfile mode")
    parser.add_argument(
        "--stream",
        action="store_true",
        help="partial_fit on chunks of each --batch-sizes rows (N at most 4000)",
    )
    parser.add_argument("--repeats", type=_positive, default=5)
    parser.add_argument("--epochs", type=_positive, default=3)
    parser.add_argument("--n-samples", type=_positive, default=20000)
    parser.add_argument("--batch-sizes", type=_positive, nargs="+", default=[32, 256])
    parser.add_argument(
        "--dtypes", nargs="+", choices=list(DTYPES), default=["float64", "float32"]
    )
    parser.add_argument(
        "--contenders",
        nargs="+",
        choices=ALL_CONTENDERS,
        default=None,
        help=f"default: {', '.join(DEFAULT_CONTENDERS)}",
    )
    parser.add_argument(
        "--single-thread-anchors",
        action="store_true",
        help="add rows of ours, scikit-learn and torch limited to one thread",
    )
    parser.add_argument("--memory-epochs", type=_positive, default=2)
    parser.add_argument("--profile-batch", type=_positive, default=32)
    parser.add_argument("--profile-dtype", choices=list(DTYPES), default="float64")
    parser.add_argument("--profile-lines", type=int, default=30)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.contenders is None:
        args.contenders = list(DEFAULT_CONTENDERS)
        if args.single_thread_anchors:
            args.contenders += ["ours 1thr", "sklearn 1thr", "torch 1thr"]
    if args.quick:
        args.repeats = min(args.repeats, 2)
        args.epochs = min(args.epochs, 1)
        args.n_samples = min(args.n_samples, 4000)
    return args


def main(argv=None):
    args = parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)
    # BLAS and OpenMP libraries load lazily: touch them before reporting
    np.ones((2, 2)) @ np.ones((2, 2))
    print("\n".join(environment_report()))
    if args.memory:
        run_memory(args)
    elif args.profile:
        run_profile(args)
    elif args.stream:
        run_stream(args)
    else:
        run_speed(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
