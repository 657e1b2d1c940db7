"""Unit tests for the pieces of the training loop, ``sklearn_lr._training``.

The loop itself (divergence, restore, shuffling through an estimator) is
tested in ``test_base.py`` and ``test_reliability.py``.
"""

import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController, threadpool_info

from sklearn_lr import SGDNetClassifier
from sklearn_lr._training import (
    EXPLOSION_FACTOR,
    RestorePoints,
    _set_threads,
    batch_buffers,
    batch_rows,
    blas_threads,
    caller_stacklevel,
    epoch_batches,
    exploded,
    format_seconds,
    gather,
    n_batches,
)
from sklearn_lr.optimizers import make_optimizer


def _data(n, n_features=3, n_outputs=2, dtype=np.float64):
    X = np.arange(n * n_features, dtype=dtype).reshape(n, n_features)
    Y = np.arange(n * n_outputs, dtype=dtype).reshape(n, n_outputs) * -1
    return X, Y


def _buffers(batch_size, X, Y, sparse=False):
    return batch_buffers(sp.csr_matrix(X) if sparse else X, Y, batch_size)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_buffers_have_batch_rows_in_the_data_dtype(dtype):
    X, Y = _data(10, dtype=dtype)
    X_buf, Y_buf, w_buf = batch_buffers(X, Y, 4)
    assert X_buf.shape == (4, 3) and Y_buf.shape == (4, 2) and w_buf.shape == (4,)
    assert X_buf.dtype == Y_buf.dtype == w_buf.dtype == dtype
    assert batch_buffers(sp.csr_matrix(X), Y, 4)[0] is None  # sparse: new matrices


def test_exploded_threshold_is_relative_to_the_first_loss_and_at_least_one():
    assert exploded(np.nan, 1.0) and exploded(np.inf, 1.0) and exploded(-np.inf, 1.0)
    assert not exploded(EXPLOSION_FACTOR * 5.0, 5.0)
    assert exploded(EXPLOSION_FACTOR * 5.0 * 1.01, 5.0)
    # a first loss below 1 (or none yet) scales as 1
    assert not exploded(EXPLOSION_FACTOR * 0.99, 1e-6)
    assert exploded(EXPLOSION_FACTOR * 1.01, None)
    # the loss the targets set, when larger, is the reference instead
    assert not exploded(EXPLOSION_FACTOR * 5e4, 0.2, 5e4)
    assert exploded(EXPLOSION_FACTOR * 5e4 * 1.01, 0.2, 5e4)
    assert exploded(EXPLOSION_FACTOR * 5.0 * 1.01, 5.0, 0.5)


def test_gather_writes_the_rows_into_out():
    X, _ = _data(6)
    out = np.empty((3, 3))
    result = gather(X, np.array([4, 0, 2]), out)
    assert result is out
    assert_array_equal(out, X[[4, 0, 2]])


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 40),
    batch_size=st.integers(1, 45),
    shuffle=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_epoch_batches_cover_every_row_once_in_order(n, batch_size, shuffle, seed):
    X, Y = _data(n)
    w = np.random.default_rng(seed).uniform(0.5, 2.0, n)
    order = np.random.default_rng(seed).permutation(n) if shuffle else None
    buffers = _buffers(batch_size, X, Y) if shuffle else None
    expected = np.arange(n) if order is None else order
    seen = []
    for b, X_b, Y_b, w_b, weight in epoch_batches(X, Y, w, batch_size, order, buffers):
        rows = expected[b * batch_size : (b + 1) * batch_size]
        assert_array_equal(X_b, X[rows])
        assert_array_equal(Y_b, Y[rows])
        assert_array_equal(w_b, w[rows])
        assert weight == pytest.approx(w[rows].sum())
        seen.append(b)
    assert seen == list(range(-(-n // batch_size)))


@given(n=st.integers(1, 500), batch_size=st.integers(1, 600))
def test_n_batches_is_the_number_of_batches_an_epoch_yields(n, batch_size):
    X, Y = _data(n)
    batches = list(epoch_batches(X, Y, np.ones(n), batch_size))
    assert n_batches(n, batch_size) == len(batches)
    assert batches[-1][0] == n_batches(n, batch_size) - 1


@pytest.mark.parametrize("shuffled", [False, True])
def test_batch_rows_are_the_rows_of_each_batch(shuffled):
    X, Y = _data(7)
    w = np.arange(1.0, 8.0)
    order = np.random.RandomState(0).permutation(7) if shuffled else None
    buffers = _buffers(3, X, Y) if shuffled else None
    for b, X_b, Y_b, w_b, _ in epoch_batches(X, Y, w, 3, order, buffers):
        rows = batch_rows(b, 3, order)
        assert_array_equal(X_b, X[rows])
        assert_array_equal(Y_b, Y[rows])
        assert_array_equal(w_b, w[rows])


def test_epoch_batches_skip_batches_of_zero_weight_but_keep_their_numbers():
    X, Y = _data(6)
    w = np.array([1.0, 1.0, 0.0, 0.0, 2.0, 0.0])
    batches = list(epoch_batches(X, Y, w, 2))
    assert [b for b, *_ in batches] == [0, 2]
    assert [weight for *_, weight in batches] == [2.0, 2.0]


def test_epoch_batches_gather_into_the_buffers_and_slice_without_order():
    X, Y = _data(5)
    w = np.ones(5)
    buffers = _buffers(2, X, Y)
    order = np.array([3, 1, 4, 0, 2])
    for _, X_b, Y_b, w_b, _ in epoch_batches(X, Y, w, 2, order, buffers):
        assert np.shares_memory(X_b, buffers[0])
        assert np.shares_memory(Y_b, buffers[1])
        assert np.shares_memory(w_b, buffers[2])
    for _, X_b, Y_b, w_b, _ in epoch_batches(X, Y, w, 2):
        assert np.shares_memory(X_b, X) and np.shares_memory(Y_b, Y)
        assert np.shares_memory(w_b, w)


@pytest.mark.parametrize("fmt", [sp.csr_matrix, sp.csr_array])
def test_epoch_batches_of_sparse_data_are_sparse_rows(fmt):
    X, Y = _data(5)
    X_sparse = fmt(X)
    order = np.array([4, 2, 0, 1, 3])
    buffers = _buffers(2, X, Y, sparse=True)
    batches = list(epoch_batches(X_sparse, Y, np.ones(5), 2, order, buffers))
    for b, X_b, *_ in batches:
        assert sp.issparse(X_b)
        assert_array_equal(X_b.toarray(), X[order[2 * b : 2 * b + 2]])


def test_blas_threads_is_a_reusable_context():
    for _ in range(2):
        with blas_threads():
            np.ones((4, 4)) @ np.ones((4, 4))


def test_epoch_batches_sum_the_batch_weights_in_float64():
    X, Y = _data(7, dtype=np.float32)
    weights = np.array([0.1, 0.2, 0.3, 1e8, 0.4, 0.5, 0.6], dtype=np.float32)
    batches = list(epoch_batches(X, Y, weights, 4))
    for (_, _, _, _, weight), rows in zip(
        batches, (slice(0, 4), slice(4, 7)), strict=True
    ):
        assert type(weight) is np.float64
        assert weight == weights[rows].astype(np.float64).sum()


def _blas_threads_now():
    return {
        info["filepath"]: info["num_threads"]
        for info in threadpool_info()
        if info["user_api"] == "blas"
    }


def test_blas_threads_overlapping_holders_restore_the_threads_from_before():
    # fits in threads overlap: A enters, B enters, A leaves, B leaves; B must
    # not restore the limit A set as if it were the original
    before = _blas_threads_now()
    limited = [path for path in before if "numpy" not in path]
    if not limited or len(limited) == len(before):
        pytest.skip("one BLAS serves numpy and SciPy: nothing is limited")
    first, second = blas_threads(), blas_threads()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert all(_blas_threads_now()[path] == 1 for path in limited)  # B still runs
    second.__exit__(None, None, None)
    assert _blas_threads_now() == before


def test_blas_threads_leave_a_limit_set_in_the_meantime_alone():
    # someone else (a user, another library) sets SciPy's BLAS threads while
    # a fit runs: the fit's exit does not put back the threads from before
    before = _blas_threads_now()
    limited = [path for path in before if "numpy" not in path]
    if not limited or len(limited) == len(before):
        pytest.skip("one BLAS serves numpy and SciPy: nothing is limited")
    if min(before[path] for path in limited) < 2:
        pytest.skip("SciPy's BLAS runs one thread: nothing is limited")
    libs = [
        lib for lib in ThreadpoolController().lib_controllers if lib.filepath in limited
    ]
    meanwhile = {lib.filepath: before[lib.filepath] + 1 for lib in libs}
    try:
        with blas_threads():
            assert all(_blas_threads_now()[path] == 1 for path in limited)
            for lib in libs:
                _set_threads(lib, meanwhile[lib.filepath])
        now = _blas_threads_now()
        assert {path: now[path] for path in meanwhile} == meanwhile
    finally:
        for lib in libs:
            _set_threads(lib, before[lib.filepath])
    assert _blas_threads_now() == before


def test_fits_in_threads_leave_the_blas_threads_as_they_were():
    before = _blas_threads_now()
    X = np.random.RandomState(0).normal(size=(300, 5))
    y = (X[:, 0] > 0).astype(int)

    def fit(seed):
        return SGDNetClassifier((8,), max_iter=3, random_state=seed).fit(X, y)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(fit, range(8)))
    assert _blas_threads_now() == before


# Run in a new process: which thread may set an OpenBLAS limit is process-wide
# state of threadpoolctl (>= 3.8 lets one thread at a time set the limit of a
# pthreads OpenBLAS, the first to set one, until it gives that up), which
# this session's earlier limits would already have settled.
_CROSS_THREAD_SCRIPT = """
import threading, warnings
from concurrent.futures import ThreadPoolExecutor
import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits
from sklearn_lr import SGDNetClassifier
from sklearn_lr._training import blas_threads

def now():
    return {i["filepath"]: i["num_threads"] for i in threadpool_info()
            if i["user_api"] == "blas"}

before = now()
limited = [path for path in before if "numpy" not in path]
if not limited or len(limited) == len(before) or min(before.values()) < 2:
    print("SKIP")
    raise SystemExit

def hold(entered, leave):
    with blas_threads():
        entered.set()
        leave.wait()

# A enters, then B, each in a pool thread that outlives its fit; A leaves
# first and B restores, in another thread than the one that set the limit
a_in, a_go, b_in, b_go = (threading.Event() for _ in range(4))
with ThreadPoolExecutor(2) as pool:
    a = pool.submit(hold, a_in, a_go)
    a_in.wait()
    b = pool.submit(hold, b_in, b_go)
    b_in.wait()
    assert all(now()[path] == 1 for path in limited), now()
    a_go.set()
    a.result()
    assert all(now()[path] == 1 for path in limited), now()  # B still runs
    b_go.set()
    b.result()
    assert now() == before, (now(), before)

    # a fit leaves no claim on the BLAS behind: a limit set in another
    # thread afterwards takes effect, numpy's included
    X = np.random.RandomState(0).normal(size=(100, 4))
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        SGDNetClassifier((4,), max_iter=1).fit(X, y)
        pool.submit(SGDNetClassifier((4,), max_iter=1).fit, X, y).result()

    def limited_elsewhere():
        with threadpool_limits(1, user_api="blas"):
            return now()

    assert set(pool.submit(limited_elsewhere).result().values()) == {1}
    assert set(limited_elsewhere().values()) == {1}
    assert now() == before, (now(), before)
print("OK")
"""


def test_blas_limits_set_and_restored_in_different_threads_in_a_new_process():
    # GridSearchCV with joblib's threading backend: the first fit to enter
    # sets the limit in one pool thread and the last to leave restores it in
    # another; a later threadpool_limits anywhere must still take effect
    result = subprocess.run(
        [sys.executable, "-c", _CROSS_THREAD_SCRIPT],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    if result.stdout.strip() == "SKIP":
        pytest.skip("one BLAS serves numpy and SciPy, or it runs one thread")
    assert result.stdout.strip() == "OK", result.stdout


def _state(value, optimizer):
    theta = np.full(4, float(value))
    optimizer.velocity[...] = value
    optimizer.n_steps = int(value)
    return theta


def test_restore_points_undo_to_the_start_of_this_or_the_previous_epoch():
    optimizer = make_optimizer("sgd", 4, np.float64)
    theta = _state(0, optimizer)
    points = RestorePoints(theta, optimizer, 0)
    for epoch in (1, 2, 3):  # epochs go well; the state becomes `epoch`
        theta[...] = _state(epoch, optimizer)
        points.advance(theta, optimizer, epoch)
    theta[...] = _state(99, optimizer)

    assert points.restore(theta, optimizer, previous_epoch=False) == 3
    assert_array_equal(theta, 3.0)
    assert_array_equal(optimizer.velocity, 3.0)
    assert optimizer.n_steps == 3
    assert points.start is None and points.before is None


def test_restore_points_previous_epoch_and_recycled_arrays():
    optimizer = make_optimizer("sgd", 4, np.float64)
    theta = _state(0, optimizer)
    points = RestorePoints(theta, optimizer, 0)
    assert points.before is points.start  # nothing older is known yet
    theta[...] = _state(1, optimizer)
    points.advance(theta, optimizer, 1)
    first_arrays = points.before[0]
    theta[...] = _state(2, optimizer)
    points.advance(theta, optimizer, 2)
    # advancing reuses the arrays of the point it drops: still two copies
    assert points.start[0] is first_arrays
    theta[...] = _state(99, optimizer)

    assert points.restore(theta, optimizer, previous_epoch=True) == 1
    assert_array_equal(theta, 1.0)
    assert_array_equal(optimizer.velocity, 1.0)
    assert optimizer.n_steps == 1


def test_restore_points_continue_from_an_earlier_point():
    optimizer = make_optimizer("sgd", 4, np.float64)
    earlier = RestorePoints(_state(5, optimizer), optimizer, 5)
    theta = _state(6, optimizer)
    points = RestorePoints(theta, optimizer, 6, earlier.start)
    theta[...] = _state(99, optimizer)
    assert points.restore(theta, optimizer, previous_epoch=True) == 5
    assert_array_equal(theta, 5.0)


def test_the_last_advance_of_a_call_copies_nothing_and_leaves_a_spare():
    optimizer = make_optimizer("sgd", 4, np.float64)
    theta = _state(0, optimizer)
    points = RestorePoints(theta, optimizer, 0)
    theta[...] = _state(1, optimizer)
    points.advance(theta, optimizer, 1)
    dropped = points.before
    start = points.start
    theta[...] = _state(2, optimizer)
    points.advance(theta, optimizer, 2, last=True)
    # the next call copies the state as its own start; this one's start is
    # kept as that call's `before`, and the point dropped is the spare
    assert points.start is None and points.before is start
    assert points.spare is dropped
    assert_array_equal(start[0], 1.0)  # not overwritten by the state now
    # the next call saves its start into the spare's arrays, bit for bit
    following = RestorePoints(theta, optimizer, 2, points.before, points.spare)
    assert following.start[0] is dropped[0]
    assert following.start[1]["velocity"] is dropped[1]["velocity"]
    assert_array_equal(following.start[0], 2.0)
    assert_array_equal(following.start[1]["velocity"], 2.0)
    assert following.start[1]["n_steps"] == 2 and following.start[2] == 2
    theta[...] = _state(99, optimizer)
    assert following.restore(theta, optimizer, previous_epoch=True) == 1
    assert_array_equal(theta, 1.0)
    assert optimizer.n_steps == 1
    # a first advance that is also the last has dropped nothing
    single = RestorePoints(theta, optimizer, 0)
    single.advance(theta, optimizer, 1, last=True)
    assert single.spare is None and single.start is None


@pytest.mark.parametrize(
    "other",
    [
        lambda: (np.zeros(5), make_optimizer("sgd", 5, np.float64)),  # size
        lambda: (np.zeros(4, np.float32), make_optimizer("sgd", 4, np.float32)),
        lambda: (np.zeros(4), make_optimizer("adam", 4, np.float64)),  # rule
    ],
)
def test_spare_arrays_that_do_not_fit_the_state_are_not_used(other):
    theta, optimizer = other()
    sgd = make_optimizer("sgd", 4, np.float64)
    spare = RestorePoints(_state(3, sgd), sgd, 3).start
    point = RestorePoints.saved(theta, optimizer, 7, spare)
    assert point[0] is not spare[0] and point[0].dtype == theta.dtype
    assert set(point[1]) == {*optimizer._state_arrays, "n_steps"}
    assert_array_equal(spare[0], 3.0)  # left as it was


# --------------------------------------------------------------------------
# caller_stacklevel, format_seconds


def test_caller_stacklevel_counts_the_package_frames_above_the_warning():
    # called from a function of this test module: the warning belongs to it
    assert caller_stacklevel() == 1
    # the same function as if it lived in the package, called twice removed
    namespace = {"__name__": "sklearn_lr._fake", "caller_stacklevel": caller_stacklevel}
    exec(
        "def inner():\n    return caller_stacklevel()\n"
        "def outer():\n    return inner()\n",
        namespace,
    )
    assert namespace["inner"]() == 2
    assert namespace["outer"]() == 3


def test_caller_stacklevel_names_the_warning_line_when_no_caller_is_on_the_stack():
    # a worker thread or process of a parallel search: below the package's
    # frames (and scikit-learn's and joblib's) lies only Python's own code
    package = {"__name__": "sklearn_lr._fake", "caller_stacklevel": caller_stacklevel}
    exec("def warns():\n    return caller_stacklevel()\n", package)
    for module in ("threading", "multiprocessing.pool", "concurrent.futures"):
        worker = {"__name__": module, "warns": package["warns"]}
        exec("def run():\n    return warns()\n", worker)
        assert worker["run"]() == 1, module
    # a frame of user code below the worker's still counts as the caller
    user = {"__name__": "my_search", "warns": package["warns"]}
    exec("def run():\n    return warns()\n", user)
    assert user["run"]() == 2


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0.0, "0.0 ms"),
        (0.00412, "4.1 ms"),
        (0.25, "250.0 ms"),
        (1.0, "1.00 s"),
        (83.456, "83.46 s"),
    ],
)
def test_format_seconds_uses_milliseconds_below_one_second(seconds, text):
    assert format_seconds(seconds) == text
