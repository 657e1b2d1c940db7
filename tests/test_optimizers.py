"""Tests of the update rules in ``sklearn_lr.optimizers``.

Each rule is held against the textbook formula, written here independently
as plain NumPy on fresh arrays, over three steps with a different rate at
every step (so a rate must multiply the update when it is used).
"""

import doctest
import pickle
import tracemalloc

import joblib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import sklearn_lr.optimizers
from sklearn_lr.optimizers import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    RMSProp,
    make_optimizer,
)

P0 = np.array([0.5, -1.0, 2.0, 0.0, -0.25, 3.0])
GRADS = [
    np.array([0.3, -2.0, 0.0, 1e-3, 5.0, -0.7]),
    np.array([-0.1, -1.5, 0.4, 2e-3, -4.0, -0.7]),
    np.array([0.2, 1.0, 0.0, -3e-3, 3.0, 0.6]),
]
LRS = [0.1, 0.03, 0.5]
TOL = {
    np.float64: {"rtol": 1e-12, "atol": 1e-15},
    np.float32: {"rtol": 2e-5, "atol": 1e-6},
}


def steps(n_steps):
    """The (gradient, lr) of each step: GRADS and LRS, over and over."""
    return [(GRADS[i % 3], LRS[i % 3]) for i in range(n_steps)]


# Textbook formulas, one generator per rule: they yield params after each step.
def textbook_sgd(momentum=0.9, nesterov=False, n_steps=3):
    p, v = P0.copy(), np.zeros_like(P0)
    for g, lr in steps(n_steps):
        v = momentum * v + g
        p = p - lr * (g + momentum * v) if nesterov else p - lr * v
        yield p


def textbook_adagrad(epsilon=1e-8, n_steps=3):
    p, big_g = P0.copy(), np.zeros_like(P0)
    for g, lr in steps(n_steps):
        big_g = big_g + g**2
        p = p - lr * g / (np.sqrt(big_g) + epsilon)
        yield p


def textbook_rmsprop(beta_2=0.999, epsilon=1e-8, n_steps=3):
    p, s = P0.copy(), np.zeros_like(P0)
    for g, lr in steps(n_steps):
        s = beta_2 * s + (1 - beta_2) * g**2
        p = p - lr * g / (np.sqrt(s) + epsilon)
        yield p


def textbook_adam(beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_steps=3):
    p, m, v = P0.copy(), np.zeros_like(P0), np.zeros_like(P0)
    for k, (g, lr) in enumerate(steps(n_steps), start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat = m / (1 - beta_1**k)
        v_hat = v / (1 - beta_2**k)
        p = p - lr * m_hat / (np.sqrt(v_hat) + epsilon)
        yield p


# (optimizer name, hyperparameters, textbook generator). A large epsilon checks
# where epsilon sits; beta_1 = 0 and beta_2 = 0 are the edges of the ranges.
CASES = [
    ("sgd", {"momentum": 0.0}, textbook_sgd),
    ("sgd", {"momentum": 0.9}, textbook_sgd),
    ("sgd", {"momentum": 0.5, "nesterov": True}, textbook_sgd),
    # a small momentum is momentum, not plain gradient descent
    ("sgd", {"momentum": 0.01}, textbook_sgd),
    ("sgd", {"momentum": 0.01, "nesterov": True}, textbook_sgd),
    ("adagrad", {}, textbook_adagrad),
    ("adagrad", {"epsilon": 0.5}, textbook_adagrad),
    ("rmsprop", {}, textbook_rmsprop),
    ("rmsprop", {"beta_2": 0.0, "epsilon": 1e-8}, textbook_rmsprop),
    ("rmsprop", {"beta_2": 0.9, "epsilon": 0.5}, textbook_rmsprop),
    ("adam", {}, textbook_adam),
    ("adam", {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 0.5}, textbook_adam),
    ("adam", {"beta_1": 0.0, "beta_2": 0.0, "epsilon": 1e-3}, textbook_adam),
]
CASE_IDS = [
    f"{name}-{'-'.join(f'{k}={v}' for k, v in hp.items())}" for name, hp, _ in CASES
]


def run(opt, dtype, n_steps=3, offset=0):
    """Take steps with fresh gradients; return the params after each."""
    params = P0.astype(dtype)
    history = []
    for i in range(offset, offset + n_steps):
        opt.step(params, GRADS[i % 3].astype(dtype), LRS[i % 3])
        history.append(params.copy())
    return params, history


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "hyper", "textbook"), CASES, ids=CASE_IDS)
def test_rule_matches_textbook(name, hyper, textbook, dtype):
    opt = make_optimizer(name, P0.size, dtype, **hyper)
    params, history = run(opt, dtype)
    for got, expected in zip(history, textbook(**hyper), strict=True):
        assert got.dtype == dtype
        assert_allclose(got, expected, **TOL[dtype])
    for value in opt.snapshot().values():
        if isinstance(value, np.ndarray):
            assert value.dtype == dtype
    assert opt.n_steps == 3


@pytest.mark.parametrize(("name", "hyper", "textbook"), CASES, ids=CASE_IDS)
def test_rule_matches_textbook_over_a_long_run(name, hyper, textbook):
    # past the first steps: a step count that stops growing (Adam's bias
    # corrections) or state that is reset shows only later
    opt = make_optimizer(name, P0.size, np.float64, **hyper)
    _, history = run(opt, np.float64, n_steps=40)
    expected = list(textbook(**hyper, n_steps=40))
    assert_allclose(history, expected, rtol=1e-10, atol=1e-13)
    assert opt.n_steps == 40


def test_sgd_momentum_by_hand():
    params = np.array([1.0, 2.0])
    opt = SGD(2, np.float64, momentum=0.5)
    opt.step(params, np.array([2.0, -4.0]), lr=0.25)  # v = [2, -4]
    assert_allclose(params, [0.5, 3.0], rtol=1e-15)
    opt.step(params, np.array([2.0, 0.0]), lr=1.0)  # v = [3, -2]
    assert_allclose(params, [-2.5, 5.0], rtol=1e-15)
    assert_allclose(opt.velocity, [3.0, -2.0], rtol=1e-15)
    opt.step(params, np.array([-1.0, 1.0]), lr=0.5)  # v = [0.5, 0]
    assert_allclose(params, [-2.75, 5.0], rtol=1e-15)
    assert_allclose(opt.velocity, [0.5, 0.0], rtol=1e-15)


def test_nesterov_by_hand():
    params = np.array([1.0])
    opt = SGD(1, np.float64, momentum=0.5, nesterov=True)
    opt.step(params, np.array([2.0]), lr=0.25)  # v = 2; p -= 0.25 * (2 + 1)
    assert_allclose(params, [0.25], rtol=1e-15)
    opt.step(params, np.array([2.0]), lr=1.0)  # v = 3; p -= 1 * (2 + 1.5)
    assert_allclose(params, [-3.25], rtol=1e-15)
    # v = 1.5 - 2 = -0.5; p -= 0.5 * (-2 + 0.5 * -0.5)
    opt.step(params, np.array([-2.0]), lr=0.5)
    assert_allclose(params, [-2.125], rtol=1e-15)
    assert_allclose(opt.velocity, [-0.5], rtol=1e-15)


def test_adam_by_hand():
    # beta_1 = beta_2 = 0.5, epsilon = 1; gradients [1, 3] then [3, 1].
    # Step 1: m_hat = g and v_hat = g**2, so the update is lr * g / (|g| + 1).
    # Step 2: m = [1.75, 1.25], v = [4.75, 2.75], both corrections divide by
    # 0.75: m_hat = [7/3, 5/3], v_hat = [19/3, 11/3].
    params = np.zeros(2)
    opt = Adam(2, np.float64, beta_1=0.5, beta_2=0.5, epsilon=1.0)
    opt.step(params, np.array([1.0, 3.0]), lr=2.0)
    assert_allclose(params, [-1.0, -1.5], rtol=1e-15)
    opt.step(params, np.array([3.0, 1.0]), lr=0.5)
    expected = [
        -1.0 - 0.5 * (7 / 3) / (np.sqrt(19 / 3) + 1.0),
        -1.5 - 0.5 * (5 / 3) / (np.sqrt(11 / 3) + 1.0),
    ]
    assert_allclose(params, expected, rtol=1e-14)
    assert_allclose(opt.first_moment, [1.75, 1.25], rtol=1e-15)
    assert_allclose(opt.second_moment, [4.75, 2.75], rtol=1e-15)
    # Step 3, gradient [1, -1]: m = [1.375, 0.125], v = [2.875, 1.875],
    # both corrections divide by 0.875: m_hat = [11/7, 1/7], v_hat =
    # [23/7, 15/7].
    opt.step(params, np.array([1.0, -1.0]), lr=1.0)
    expected = [
        expected[0] - (11 / 7) / (np.sqrt(23 / 7) + 1.0),
        expected[1] - (1 / 7) / (np.sqrt(15 / 7) + 1.0),
    ]
    assert_allclose(params, expected, rtol=1e-14)
    assert_allclose(opt.first_moment, [1.375, 0.125], rtol=1e-15)
    assert_allclose(opt.second_moment, [2.875, 1.875], rtol=1e-15)
    assert opt.n_steps == 3


def test_adagrad_by_hand():
    # epsilon = 1: each step is lr * g / (sqrt(G) + 1)
    params = np.zeros(2)
    opt = AdaGrad(2, np.float64, epsilon=1.0)
    opt.step(params, np.array([3.0, -4.0]), lr=1.0)  # G = [9, 16]
    assert_allclose(params, [-0.75, 0.8], rtol=1e-15)
    opt.step(params, np.array([4.0, 0.0]), lr=2.0)  # G = [25, 16]
    assert_allclose(params, [-0.75 - 4 / 3, 0.8], rtol=1e-15)
    opt.step(params, np.array([0.0, 3.0]), lr=1.0)  # G = [25, 25]
    assert_allclose(params, [-0.75 - 4 / 3, 0.3], rtol=1e-15)
    assert_allclose(opt.sq_grad_sum, [25.0, 25.0], rtol=1e-15)


def test_rmsprop_by_hand():
    # beta_2 = 0.75, epsilon = 1: s = 0.75 s + 0.25 g^2, step lr g / (sqrt(s) + 1)
    params = np.zeros(2)
    opt = RMSProp(2, np.float64, beta_2=0.75, epsilon=1.0)
    opt.step(params, np.array([2.0, -4.0]), lr=1.0)  # s = [1, 4]
    assert_allclose(params, [-1.0, 4 / 3], rtol=1e-15)
    opt.step(params, np.array([4.0, 0.0]), lr=1.0)  # s = [4.75, 3]
    expected = [-1.0 - 4 / (np.sqrt(4.75) + 1.0), 4 / 3]
    assert_allclose(params, expected, rtol=1e-14)
    opt.step(params, np.array([0.0, 2.0]), lr=0.5)  # s = [3.5625, 3.25]
    expected = [expected[0], 4 / 3 - 0.5 * 2 / (np.sqrt(3.25) + 1.0)]
    assert_allclose(params, expected, rtol=1e-14)
    assert_allclose(opt.mean_square, [3.5625, 3.25], rtol=1e-15)


def test_rmsprop_mean_square_is_textbook_average():
    opt = RMSProp(P0.size, np.float64, beta_2=0.9)
    run(opt, np.float64)
    s = np.zeros_like(P0)
    for g in GRADS:
        s = 0.9 * s + 0.1 * g**2
    assert_allclose(opt.mean_square, s, rtol=1e-13)


def test_nesterov_differs_from_classical():
    classical, _ = run(SGD(P0.size, np.float64, momentum=0.9), np.float64)
    nesterov, _ = run(SGD(P0.size, np.float64, momentum=0.9, nesterov=True), np.float64)
    assert not np.allclose(classical, nesterov)


@pytest.mark.parametrize("nesterov", [False, True])
def test_zero_momentum_is_plain_sgd(nesterov):
    params, _ = run(
        SGD(P0.size, np.float64, momentum=0.0, nesterov=nesterov), np.float64
    )
    expected = P0 - sum(lr * g for g, lr in zip(GRADS, LRS, strict=True))
    assert_allclose(params, expected, rtol=1e-14)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_rate_scales_the_update_not_the_state(name):
    """The state does not depend on the rates; a zero rate moves nothing."""
    opt_a = make_optimizer(name, P0.size, np.float64)
    opt_b = make_optimizer(name, P0.size, np.float64)
    params = P0.copy()
    for g in GRADS:
        opt_a.step(params, g.copy(), lr=0.0)
        opt_b.step(P0.copy(), g.copy(), lr=0.7)
    assert_array_equal(params, P0)
    for key, value in opt_a.snapshot().items():
        assert_array_equal(value, opt_b.snapshot()[key])


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_float32_stays_float32_with_numpy_scalars(name):
    """NumPy float64 scalars (e.g. from np.linspace) must not upcast the state."""
    opt = make_optimizer(
        name, P0.size, np.float32, momentum=np.float64(0.9), beta_1=np.float64(0.9)
    )
    params = P0.astype(np.float32)
    opt.step(params, GRADS[0].astype(np.float32), np.float64(0.1))
    assert params.dtype == np.float32
    assert all(
        v.dtype == np.float32
        for v in opt.snapshot().values()
        if isinstance(v, np.ndarray)
    )
    assert np.all(np.isfinite(params))


@pytest.mark.parametrize("name", ["adagrad", "rmsprop"])
def test_float32_steps_compute_in_float32(name):
    """The denominators are float32 operations, not float64 cast down.

    From zero state, with epsilon 1e-3, lr = 1 (AdaGrad) or beta_2 = 0.75
    and lr = 0.5 (RMSProp: c = 1/2, so lr / c = 1 and epsilon / c = 2e-3 are
    exact), the first step from params 0 is -g / (sqrt(g^2) + e): each of
    those four operations correctly rounded in float32.
    """
    rng = np.random.default_rng(0)
    g = rng.standard_normal(2000).astype(np.float32) * np.float32(1e-2)
    if name == "adagrad":
        opt, lr, e = AdaGrad(g.size, np.float32, epsilon=1e-3), 1.0, 1e-3
    else:
        opt, lr, e = RMSProp(g.size, np.float32, beta_2=0.75, epsilon=1e-3), 0.5, 2e-3
    params = np.zeros(g.size, dtype=np.float32)
    opt.step(params, g.copy(), lr)
    expected = -(g / (np.sqrt(g * g) + np.float32(e)))
    assert expected.dtype == np.float32
    assert_array_equal(params, expected)
    g64 = g.astype(np.float64)
    as_float64 = (-(g64 / (np.sqrt(g64 * g64) + e))).astype(np.float32)
    assert not np.array_equal(params, as_float64)  # the test can tell them apart


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "hyper", "textbook"), CASES, ids=CASE_IDS)
def test_a_kept_gradient_array_gives_the_same_steps(name, hyper, textbook, dtype):
    # A training loop gives its gradient array up (keep=True) and writes the
    # next gradient into the array it gets back: the same parameters and
    # state, to the bit, as the public step with its own gradient arrays
    public = make_optimizer(name, P0.size, dtype, **hyper)
    kept = make_optimizer(name, P0.size, dtype, **hyper)
    params, history = run(public, dtype, n_steps=7)
    ours = P0.astype(dtype)
    buffer = np.empty(P0.size, dtype=dtype)
    for i, expected in enumerate(history):
        state = {key: getattr(kept, key) for key in kept._state_arrays}
        buffer[...] = GRADS[i % 3]
        given = buffer
        buffer = kept._step(ours, given, LRS[i % 3], keep=True)
        assert_array_equal(ours, expected)
        if name == "sgd" and hyper["momentum"] > 0:
            # the velocity is the given array; the old one is handed back
            assert kept.velocity is given and buffer is state["velocity"]
        else:
            assert buffer is given
    for key, value in public.snapshot().items():
        assert_array_equal(getattr(kept, key), value)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_step_leaves_the_state_in_its_attributes(name):
    # a rule may rebind a state attribute to another array (RMSProp trades
    # its sum and its work buffer): the attributes hold the state after the
    # step, its snapshot resumes it, and no state array is the work buffer
    opt = make_optimizer(name, P0.size, np.float64)
    run(opt, np.float64, n_steps=4)
    twin = make_optimizer(name, P0.size, np.float64)
    twin.restore(opt.snapshot())
    after, _ = run(opt, np.float64, n_steps=2, offset=4)
    again, _ = run(twin, np.float64, n_steps=2, offset=4)
    assert_array_equal(again, after)
    arrays = [getattr(opt, key) for key in opt._state_arrays]
    scratch = getattr(opt, "_scratch", None)
    assert not any(
        np.shares_memory(array, scratch) for array in arrays if scratch is not None
    )


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("nesterov", [False, True])
def test_step_allocates_nothing(name, nesterov):
    n = 100_000
    rng = np.random.default_rng(0)
    opt = make_optimizer(name, n, np.float64, nesterov=nesterov)
    params, grads = rng.standard_normal(n), rng.standard_normal(n)
    opt.step(params, grads.copy(), 0.1)  # warm up
    fresh, kept = grads.copy(), grads.copy()
    tracemalloc.start()
    try:
        opt.step(params, fresh, 0.1)
        opt._step(params, kept, 0.1, keep=True)  # the training loop's way
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < n * 8 // 10  # far below one temporary of n float64


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_snapshot_restore_round_trip(name):
    opt = make_optimizer(name, P0.size, np.float64)
    run(opt, np.float64, n_steps=2)
    snap = opt.snapshot()
    frozen = pickle.loads(pickle.dumps(snap))
    params_after, _ = run(opt, np.float64, n_steps=2, offset=2)
    # The snapshot is a copy: later steps did not change it.
    for key, value in frozen.items():
        assert_array_equal(snap[key], value)
    assert opt.n_steps == 4

    arrays = {key: getattr(opt, key) for key in snap if key != "n_steps"}
    opt.restore(snap)
    assert opt.n_steps == 2
    for key, value in arrays.items():
        assert getattr(opt, key) is value  # restored in place
        assert_array_equal(value, snap[key])
    params_again, _ = run(opt, np.float64, n_steps=2, offset=2)
    assert_array_equal(params_again, params_after)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_restoring_the_initial_snapshot_starts_over(name):
    # n_steps == 0 is a step count like any other (Adam's bias corrections
    # restart from it)
    opt = make_optimizer(name, P0.size, np.float64)
    initial = opt.snapshot()
    run(opt, np.float64)
    opt.restore(initial)
    assert opt.n_steps == 0
    params, _ = run(opt, np.float64)
    fresh, _ = run(make_optimizer(name, P0.size, np.float64), np.float64)
    assert_array_equal(params, fresh)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_snapshot_into_an_earlier_one_reuses_its_arrays(name):
    opt = make_optimizer(name, P0.size, np.float64)
    run(opt, np.float64, n_steps=1)
    old = opt.snapshot()
    arrays = {key: value for key, value in old.items() if key != "n_steps"}
    run(opt, np.float64, n_steps=2, offset=1)
    fresh = opt.snapshot()
    again = opt.snapshot(out=old)
    assert again is old and again["n_steps"] == 3
    for key, array in arrays.items():
        assert again[key] is array  # written in place
        assert_array_equal(array, fresh[key])
        assert not np.shares_memory(array, getattr(opt, key))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_restore_rejects_a_foreign_snapshot_and_changes_nothing(name):
    opt = make_optimizer(name, P0.size, np.float64)
    run(opt, np.float64)
    before = opt.snapshot()
    bad = make_optimizer(name, P0.size + 1, np.float64).snapshot()
    with pytest.raises(ValueError, match="shape"):
        opt.restore(bad)
    with pytest.raises(ValueError, match="n_steps"):
        opt.restore({k: v for k, v in before.items() if k != "n_steps"})
    # a wrong dtype or step count in any entry is found before the first
    # array is overwritten
    other = {key: np.full_like(value, 7.0) for key, value in before.items()}
    for key, bad_value in [
        (sorted(k for k in before if k != "n_steps")[-1], None),
        ("n_steps", -1),
        ("n_steps", 2.5),
        ("n_steps", 10**400),  # a count no power of a beta can take
    ]:
        broken = dict(other, n_steps=3)
        if bad_value is None:  # the last state array complex
            broken[key] = broken[key].astype(complex)
        else:
            broken[key] = bad_value
        with pytest.raises(ValueError, match="snapshot"):
            opt.restore(broken)
    for key, value in opt.snapshot().items():
        assert_array_equal(value, before[key])


@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pickle_mid_run_resumes_bit_identical(name, nesterov, dtype):
    rng = np.random.default_rng(1)
    grads = rng.standard_normal((6, 50)).astype(dtype)
    lrs = [0.1, 0.02, 0.3, 0.05, 0.2, 0.01]
    params = rng.standard_normal(50).astype(dtype)
    opt = make_optimizer(name, 50, dtype, nesterov=nesterov)
    for g, lr in zip(grads[:3], lrs[:3], strict=True):
        opt.step(params, g.copy(), lr)
    clone = pickle.loads(pickle.dumps(opt))
    clone_params = params.copy()
    for g, lr in zip(grads[3:], lrs[3:], strict=True):
        opt.step(params, g.copy(), lr)
        clone.step(clone_params, g.copy(), lr)
    assert_array_equal(clone_params, params)
    assert clone.n_steps == opt.n_steps == 6
    for key, value in opt.snapshot().items():
        assert_array_equal(clone.snapshot()[key], value)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_loaded_as_a_writeable_memory_map_is_copied(name, tmp_path):
    # joblib.load(mmap_mode="r+") hands back writeable memory maps: steps must
    # not write through to the file the optimizer was loaded from
    opt = make_optimizer(name, P0.size, np.float64)
    run(opt, np.float64)
    path = tmp_path / "optimizer.joblib"
    joblib.dump(opt, path)
    saved = path.read_bytes()
    loaded = joblib.load(path, mmap_mode="r+")
    for key in opt._state_arrays:
        assert type(getattr(loaded, key)) is np.ndarray
        assert_array_equal(getattr(loaded, key), getattr(opt, key))
    assert loaded._owns_writeable_state()
    params_loaded, _ = run(loaded, np.float64, offset=3)
    params, _ = run(opt, np.float64, offset=3)
    assert_array_equal(params_loaded, params)
    del loaded
    assert path.read_bytes() == saved


def test_work_buffer_is_not_pickled():
    opt = make_optimizer("rmsprop", 1000, np.float64)
    assert len(pickle.dumps(opt)) < 1000 * 8 * 1.5  # one state array, not two


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_n_steps_counts(name):
    opt = make_optimizer(name, P0.size, np.float64)
    assert opt.n_steps == 0
    for k in range(1, 5):
        opt.step(P0.copy(), GRADS[0].copy(), 0.1)
        assert opt.n_steps == k


@pytest.mark.parametrize(
    ("name", "cls", "used"),
    [
        ("sgd", SGD, {"momentum": 0.7, "nesterov": True}),
        ("adagrad", AdaGrad, {"epsilon": 1e-5}),
        ("rmsprop", RMSProp, {"beta_2": 0.95, "epsilon": 1e-5}),
        ("adam", Adam, {"beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-5}),
    ],
)
def test_make_optimizer_passes_the_hyperparameters(name, cls, used):
    everything = {
        "momentum": 0.7,
        "nesterov": True,
        "beta_1": 0.8,
        "beta_2": 0.95,
        "epsilon": 1e-5,
    }
    opt = make_optimizer(name, 7, np.float32, **everything)
    assert type(opt) is cls is OPTIMIZERS[name]
    assert opt.n_params == 7
    assert opt.dtype == np.float32
    for key, value in everything.items():
        if key in used:
            assert getattr(opt, key) == value
        else:
            assert not hasattr(opt, key)
    assert name in {"sgd", "adagrad", "rmsprop", "adam"}


def test_optimizers_registry():
    assert OPTIMIZERS == {
        "sgd": SGD,
        "adagrad": AdaGrad,
        "rmsprop": RMSProp,
        "adam": Adam,
    }


@pytest.mark.parametrize(
    "name, param, value",
    [
        ("sgd", "beta_1", 5.0),
        ("sgd", "epsilon", -1.0),
        ("adam", "momentum", 2.0),
        ("adagrad", "nesterov", "yes"),
    ],
)
def test_make_optimizer_checks_the_hyperparameters_a_rule_does_not_use(
    name, param, value
):
    # a bad value is a mistake whichever rule it would have gone to, as the
    # estimators, which check every one, treat it
    with pytest.raises(ValueError, match=f"'{param}' parameter of make_optimizer"):
        make_optimizer(name, 3, np.float64, **{param: value})


@pytest.mark.parametrize("bad", ["momentum", "SGD", "", None, ["adam"]])
def test_make_optimizer_rejects_unknown_name(bad):
    with pytest.raises(ValueError, match="optimizer") as info:
        make_optimizer(bad, 3, np.float64)
    message = str(info.value)
    assert repr(bad) in message
    for name in OPTIMIZERS:
        assert repr(name) in message


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize(
    "which, array",
    [
        ("params", np.zeros(3, dtype=np.float32)),  # another dtype
        ("params", np.zeros(6)[::2]),  # not contiguous
        ("params", np.zeros(4)),  # another length
        ("params", np.zeros(3).tolist()),  # not an array
        ("grads", np.ones(3, dtype=np.float32)),
    ],
)
def test_step_refuses_arrays_it_cannot_update_in_place(name, which, array):
    # the BLAS routines would update a converted copy and drop it: the
    # parameters would silently stay put while the state moved on
    opt = OPTIMIZERS[name](3, np.float64)
    params, grads = np.zeros(3), np.ones(3)
    args = {"params": params, "grads": grads, which: array}
    with pytest.raises(TypeError, match=f"{which} must be a contiguous"):
        opt.step(args["params"], args["grads"], 0.1)
    assert opt.n_steps == 0
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(TypeError, match="params must be"):
        opt.step(frozen, grads, 0.1)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_step_refuses_a_gradient_in_the_memory_of_the_parameters(name):
    # the rules overwrite grads as scratch while they update params
    opt = OPTIMIZERS[name](4, np.float64)
    buffer = np.arange(1.0, 9.0)
    params = buffer[:4]
    for grads in (params, buffer[2:6]):  # the same array, or overlapping
        with pytest.raises(ValueError, match="grads shares memory with params"):
            opt.step(params, grads, 0.1)
    assert opt.n_steps == 0
    assert_array_equal(buffer, np.arange(1.0, 9.0))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_step_refuses_arrays_in_the_memory_of_its_own_state(name):
    # the rules write their state while they read the gradient: a gradient
    # (or parameters) in the optimizer's own arrays would give a wrong step
    opt = OPTIMIZERS[name](3, np.float64)
    params = np.zeros(3)
    opt.step(params, np.array([1.0, 2.0, 3.0]), 0.1)
    before, snapshot = params.copy(), opt.snapshot()
    owned = [getattr(opt, key) for key in opt._state_arrays]
    if getattr(opt, "_scratch", None) is not None:
        owned.append(opt._scratch)
    for array in owned:
        with pytest.raises(ValueError, match="grads shares memory with the optimizer"):
            opt.step(params, array, 0.1)
        with pytest.raises(ValueError, match="params shares memory with the optimizer"):
            opt.step(array, np.ones(3), 0.1)
    assert_array_equal(params, before)
    for key, value in snapshot.items():
        assert_array_equal(getattr(opt, key), value)


@pytest.mark.parametrize("dtype", [np.int64, np.float16, np.longdouble])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_dtypes_without_blas_routines_are_rejected(name, dtype):
    # float16 and longdouble once built optimizers whose BLAS updates landed
    # on converted copies: params never moved
    with pytest.raises(TypeError, match="float32 or float64"):
        make_optimizer(name, 3, dtype)


@pytest.mark.parametrize(
    ("name", "param", "value"),
    [
        ("sgd", "momentum", 1.0),
        ("sgd", "momentum", -0.1),
        ("sgd", "momentum", np.nan),
        ("sgd", "nesterov", "no"),
        ("adagrad", "epsilon", -1.0),
        ("rmsprop", "beta_2", 1.0),
        ("rmsprop", "epsilon", np.nan),
        ("adam", "beta_1", 1.0),
        ("adam", "beta_2", 2.0),
        ("adam", "epsilon", "1e-8"),
    ],
)
def test_invalid_hyperparameters_name_the_parameter(name, param, value):
    with pytest.raises(ValueError, match=f"'{param}' parameter of"):
        make_optimizer(name, 3, np.float64, **{param: value})


@pytest.mark.parametrize("n_params", [-1, 0, 2.5, "3"])
def test_invalid_n_params_is_refused(n_params):
    with pytest.raises(ValueError, match="'n_params' parameter of"):
        SGD(n_params, np.float64)


@pytest.mark.parametrize("lr", [-0.1, np.nan, np.inf, "0.1", True, 10**400])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_step_refuses_a_bad_rate_before_anything_changes(name, lr):
    opt = make_optimizer(name, 2, np.float64)
    params, grads = np.ones(2), np.ones(2)
    with pytest.raises(ValueError, match="lr must be a finite number >= 0"):
        opt.step(params, grads, lr)
    assert opt.n_steps == 0
    assert_array_equal(params, 1.0)
    opt.step(params, grads, np.float32(0.0))  # numpy scalars and 0 are rates
    assert opt.n_steps == 1


def test_repr():
    assert repr(SGD(3, np.float32, momentum=0.5)) == (
        "SGD(3, 'float32', momentum=0.5, nesterov=False)"
    )


@st.composite
def first_step_problem(draw):
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    n = draw(st.integers(1, 8))
    finite = {"allow_nan": False, "allow_infinity": False}
    params = draw(st.lists(st.floats(-10, 10, **finite), min_size=n, max_size=n))
    magnitude = st.floats(1e-2, 1e2, **finite)
    grads = draw(
        st.lists(
            st.one_of(st.just(0.0), magnitude, magnitude.map(lambda x: -x)),
            min_size=n,
            max_size=n,
        )
    )
    hyper = {
        "momentum": draw(st.floats(0.0, 0.99)),
        "nesterov": draw(st.booleans()),
        "beta_1": draw(st.floats(0.0, 0.999)),
        "beta_2": draw(st.floats(0.0, 0.9999)),
        "epsilon": draw(st.floats(1e-10, 1e-3)),
    }
    lr = draw(st.floats(1e-2, 1.0))
    return dtype, np.array(params, dtype=dtype), np.array(grads, dtype=dtype), hyper, lr


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(OPTIMIZERS)), problem=first_step_problem())
def test_first_step_moves_against_the_gradient(name, problem):
    dtype, params, grads, hyper, lr = problem
    opt = make_optimizer(name, params.size, dtype, **hyper)
    new = params.copy()
    opt.step(new, grads.copy(), lr)
    assert new.dtype == dtype
    assert np.all(np.isfinite(new))
    assert_array_equal(np.sign(new - params), -np.sign(grads))
    opt.step(new, grads.copy(), lr)  # and the next step stays finite
    assert np.all(np.isfinite(new))


def test_doctests():
    result = doctest.testmod(sklearn_lr.optimizers)
    assert result.attempted > 0
    assert result.failed == 0


# --------------------------------------------------------------------------
# the state a training loop may flush where subnormal


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_flushable_state_is_all_state_with_a_normal_epsilon(name, dtype):
    opt = make_optimizer(name, 5, dtype)  # epsilon 1e-8
    flushable = opt._flushable_state()
    assert len(flushable) == len(opt._state_arrays)
    for array, attribute in zip(flushable, opt._state_arrays, strict=True):
        assert array is getattr(opt, attribute)  # flushed in place


@pytest.mark.parametrize(
    "dtype, epsilon, flushed",
    [
        (np.float32, 1.82e-12, True),
        (np.float32, 1.8e-12, False),  # below 2 sqrt(tiny) / eps = 1.819e-12
        (np.float64, 1.35e-138, True),
        (np.float64, 1.3e-138, False),  # below 1.3435e-138
    ],
)
@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_flushable_state_is_none_with_a_tiny_epsilon(name, dtype, epsilon, flushed):
    # a subnormal squared-gradient sum would then change the denominator
    # sqrt(s) + epsilon beyond rounding
    opt = make_optimizer(name, 5, dtype, epsilon=epsilon)
    assert bool(opt._flushable_state()) is flushed


def test_sgd_state_is_flushable_whatever_the_hyperparameters():
    opt = make_optimizer("sgd", 5, np.float32, momentum=0.0, epsilon=0.0)
    assert opt._flushable_state() == (opt.velocity,)
