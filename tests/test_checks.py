"""Unit tests for the setup checks of a training call, ``sklearn_lr._checks``.

How the estimators report these errors is tested in ``test_bad_input.py``.
"""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator, clone

from sklearn_lr._checks import (
    check_epsilon,
    check_run_shapes,
    check_weight_shapes,
    hidden_sizes,
    passed_params,
    sklearn_schedule_hint,
    training_weights,
    validate_params_once,
    validation_split,
)
from sklearn_lr.schedules import StepDecay


def test_training_weights_default_to_ones_in_the_data_dtype():
    X = np.zeros((4, 2), dtype=np.float32)
    weights = training_weights(None, X)
    assert weights.dtype == np.float32
    assert_array_equal(weights, np.ones(4))
    assert_array_equal(training_weights([0.0, 1.0, 2.0, 0.5], X), [0, 1, 2, 0.5])


@pytest.mark.usefixtures("lenient_sample_weight_check")
@pytest.mark.parametrize(
    "weights, message",
    [
        (np.zeros(4), "at least one non-zero"),
        ([1.0, -1.0, 1.0, 1.0], "[Nn]egative"),
        ([1.0, np.nan, 1.0, 1.0], "NaN"),
        (np.ones(3), "4"),
    ],
)
def test_training_weights_refuse_weights_nothing_can_train_on(weights, message):
    with pytest.raises(ValueError, match=message):
        training_weights(weights, np.zeros((4, 2)))


@pytest.mark.parametrize(
    "given, expected",
    [
        (5, [5]),
        (np.int64(3), [3]),
        ((4, 2), [4, 2]),
        ([1], [1]),
        (np.array([7, 8]), [7, 8]),
    ],
)
def test_hidden_sizes_become_a_list_of_ints(given, expected):
    sizes = hidden_sizes(given)
    assert sizes == expected
    assert all(type(s) is int for s in sizes)


@pytest.mark.parametrize("bad", [0, -1, (3, 0), (2.5,), (True,), ("4",), (4, None)])
def test_hidden_sizes_refuse_what_is_not_a_positive_integer(bad):
    with pytest.raises(
        ValueError,
        match=r"The 'hidden_layer_sizes' parameter of Net must be an int in the "
        r"range \[1, inf\) or an array-like of such ints. Got .* instead.",
    ):
        hidden_sizes(bad, "Net")


def test_check_weight_shapes():
    shapes = [(3, 4), (4, 2)]
    coefs = [np.zeros(s) for s in shapes]
    intercepts = [np.zeros(4), np.zeros(2)]
    check_weight_shapes(coefs, intercepts, shapes)  # fits: no error
    with pytest.raises(ValueError, match="warm_start=False"):
        check_weight_shapes(coefs, intercepts, [(3, 5), (5, 2)])
    with pytest.raises(ValueError, match="coefs_/intercepts_ have shapes"):
        check_weight_shapes(coefs[:1], intercepts[:1], shapes)


def _split(y, fraction=0.25, stratify="labels", random_state=0):
    n = len(y)
    X = np.arange(2 * n, dtype=float).reshape(n, 2)
    Y = np.asarray(y, dtype=float)[:, None]
    w = np.arange(n, dtype=float)
    labels = np.asarray(y) if stratify == "labels" else None
    parts = validation_split(
        X, y, Y, w, fraction=fraction, stratify=labels, random_state=random_state
    )
    return X, parts


def test_check_run_shapes_refuses_only_other_shapes():
    check_run_shapes(None, [(4, 8), (8, 3)])  # unknown: nothing to compare
    check_run_shapes(((4, 8), (8, 3)), [(4, 8), (8, 3)])
    with pytest.raises(ValueError, match=r"shapes \[\(4, 5\), \(5, 3\)\], but"):
        check_run_shapes(((4, 8), (8, 3)), [(4, 5), (5, 3)])


def test_validation_split_holds_out_ceil_fraction_and_keeps_rows_together():
    y = np.repeat([0, 1], 10)
    X, (X_tr, X_val, Y_tr, y_tr, y_val, w_tr, w_val) = _split(y, fraction=0.22)
    assert len(X_val) == 5 and len(X_tr) == 15  # ceil(0.22 * 20)
    rows_tr, rows_val = (X_tr[:, 0] / 2).astype(int), (X_val[:, 0] / 2).astype(int)
    assert sorted(np.concatenate([rows_tr, rows_val])) == list(range(20))
    assert_array_equal(w_tr, rows_tr)
    assert_array_equal(w_val, rows_val)
    assert_array_equal(Y_tr[:, 0], y[rows_tr])
    assert_array_equal(y_tr, y[rows_tr])
    assert_array_equal(y_val, y[rows_val])


def test_validation_split_is_stratified_and_seeded():
    y = np.repeat([0, 1, 2, 3], [30, 30, 30, 10])
    _, parts = _split(y, fraction=0.2)
    assert np.bincount(parts[4]).tolist() == [6, 6, 6, 2]
    _, again = _split(y, fraction=0.2)
    assert_array_equal(parts[1], again[1])
    _, other = _split(y, fraction=0.2, random_state=1)
    assert not np.array_equal(parts[1], other[1])


def test_validation_split_drops_stratification_when_a_class_is_too_small():
    y = np.array([0] * 9 + [1])  # one sample of class 1 cannot be split
    _, parts = _split(y, fraction=0.3)
    assert len(parts[1]) == 3


def test_validation_split_needs_a_training_sample():
    with pytest.raises(ValueError, match="early_stopping needs more samples"):
        _split(np.array([0, 1]), fraction=0.9, stratify=None)


def test_validation_split_needs_two_validation_samples():
    # as scikit-learn's MLP: one sample has no R^2, and an accuracy of 0 or 1
    with pytest.raises(ValueError, match="validation set has one sample"):
        _split(np.arange(10), fraction=0.1, stratify=None)
    _, parts = _split(np.arange(11), fraction=0.1, stratify=None)
    assert len(parts[1]) == 2


@pytest.mark.parametrize(
    "name, replacement",
    [
        ("constant", "a float such as 0.001"),
        ("invscaling", "InverseTimeDecay("),
        ("adaptive", "ReduceOnPlateau("),
    ],
)
def test_sklearn_schedule_names_point_to_their_policy(name, replacement):
    hint = sklearn_schedule_hint(name)
    assert hint.startswith(f"learning_rate={name!r} is a schedule of scikit-learn")
    assert replacement in hint


@pytest.mark.parametrize("value", [0.1, "Adaptive", "0.1", None, ("adaptive",)])
def test_other_learning_rates_get_no_hint(value):
    assert sklearn_schedule_hint(value) == ""


def test_check_epsilon_refuses_only_a_value_that_is_0_in_the_precision():
    check_epsilon(1e-8, np.float32)
    check_epsilon(1.4e-45, np.float32)  # float32's smallest subnormal
    check_epsilon(1e-46, np.float64)
    with pytest.raises(ValueError, match="epsilon=1e-46 is 0 in float32"):
        check_epsilon(1e-46, np.float32)


# ------------------------------------------------------ parameters checked once


class _Counted(BaseEstimator):
    def __init__(self, size=1, sizes=(2, 3), policy=None, names=None):
        self.size = size
        self.sizes = sizes
        self.policy = policy
        self.names = names

    checks = 0

    def validate(self):
        self.checks += 1
        if self.size is True or self.size == -1:
            raise ValueError("size")


def test_parameters_are_checked_again_only_when_they_change():
    est = _Counted(policy=StepDecay())
    for _ in range(3):
        validate_params_once(est, est.validate)
    assert est.checks == 1
    changes = [
        lambda: est.set_params(size=2),
        lambda: setattr(est, "size", 2.0),  # equal, of another type
        lambda: est.set_params(sizes=(2, 3.0)),
        lambda: est.set_params(policy=StepDecay()),  # another object
        lambda: est.set_params(names="a"),
    ]
    for n, change in enumerate(changes, start=2):
        change()
        validate_params_once(est, est.validate)
        validate_params_once(est, est.validate)
        assert est.checks == n


def test_a_refused_parameter_is_refused_at_every_call():
    est = _Counted()
    validate_params_once(est, est.validate)
    est.size = True  # == 1, the value that passed
    for n in (2, 3):
        with pytest.raises(ValueError, match="size"):
            validate_params_once(est, est.validate)
        assert est.checks == n
    est.size = 1
    validate_params_once(est, est.validate)
    validate_params_once(est, est.validate)
    assert est.checks == 4


@pytest.mark.parametrize("mutable", [[2, 3], np.array([2, 3]), {"a": 1}])
def test_parameters_that_change_in_place_are_checked_every_time(mutable):
    est = _Counted(names=mutable)
    for n in (1, 2, 3):
        validate_params_once(est, est.validate)
        assert est.checks == n
    est = _Counted(sizes=(2, [3]))
    validate_params_once(est, est.validate)
    validate_params_once(est, est.validate)
    assert est.checks == 2


class _ComparedByValue(_Counted):
    def __eq__(self, other):
        return type(other) is type(self) and other.get_params() == self.get_params()

    __hash__ = None  # what defining __eq__ alone gives


def test_estimators_that_compare_by_value_are_checked_every_time():
    other = _Counted()  # a record of another estimator, alive: not empty
    validate_params_once(other, other.validate)
    est = _ComparedByValue()
    for n in (1, 2):
        validate_params_once(est, est.validate)
        assert est.checks == n
    passed_params(est)
    validate_params_once(est, est.validate)
    assert est.checks == 3


def test_the_record_is_not_part_of_the_estimator():
    est = _Counted()
    before = dict(vars(est))
    validate_params_once(est, est.validate)
    assert vars(est) == {**before, "checks": 1}
    assert clone(est).get_params() == est.get_params()
    copied = pickle.loads(pickle.dumps(est))
    validate_params_once(copied, copied.validate)  # a new object: checked
    assert copied.checks == 2


def test_parameters_recorded_as_passed_are_not_checked_until_they_change():
    est = _Counted(size=3)
    passed_params(est)  # its maker checked them
    validate_params_once(est, est.validate)
    assert est.checks == 0
    est.size = 4
    validate_params_once(est, est.validate)
    assert est.checks == 1
    listed = _Counted(names=["a"])
    passed_params(listed)  # a list may change unseen: not recorded
    validate_params_once(listed, listed.validate)
    assert listed.checks == 1
