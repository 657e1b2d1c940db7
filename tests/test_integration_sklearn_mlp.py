"""Training equals scikit-learn's MLP where the user guide says it does.

``docs/user_guide/migrating.rst`` maps scikit-learn's ``MLPClassifier`` and
``MLPRegressor`` onto the estimators: a constant α for
``learning_rate_init``, ``l2 = alpha / batch_size``, ``nesterov`` for
``nesterovs_momentum``, and, for a regressor with k outputs, k times the
rate and a k-th of the penalty. Here both libraries start from the same
weights (scikit-learn's after one epoch, copied into ours), train on the
same batches in order, and must end at the same weights up to rounding.
"""

import inspect
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sklearn_lr import SGDNetClassifier, SGDNetRegressor

BATCH = 16  # divides the 64 samples: every batch is full
ALPHA = 1e-2  # scikit-learn's penalty
COMMON = {"batch_size": BATCH, "shuffle": False, "tol": 0.0, "n_iter_no_change": 1000}


def _classification():
    return make_classification(64, 5, n_informative=3, n_classes=3, random_state=0)


def _classical_momentum_pair():
    """One hidden layer, α = 0.05, classical momentum 0.9: ours and theirs."""
    theirs = MLPClassifier(
        (8,),
        solver="sgd",
        learning_rate_init=0.05,
        nesterovs_momentum=False,
        alpha=ALPHA,
        **COMMON,
    )
    ours = SGDNetClassifier((8,), learning_rate=0.05, l2=ALPHA / BATCH, **COMMON)
    return ours, theirs


def assert_same_training(ours, theirs, X, y, sample_weight=None, n_epochs=4):
    """Train both from scikit-learn's weights after one epoch; compare."""
    fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs.set_params(max_iter=1, random_state=0).fit(X, y, **fit_params)
        ours.set_params(max_iter=1, random_state=0).fit(X, y, **fit_params)
        for mine, given in zip(
            ours.coefs_ + ours.intercepts_,
            theirs.coefs_ + theirs.intercepts_,
            strict=True,
        ):
            mine[...] = given
        start = ours.coefs_[0].copy()
        # warm starts: both keep the weights and start a fresh optimizer
        theirs.set_params(warm_start=True, max_iter=n_epochs).fit(X, y, **fit_params)
        ours.set_params(warm_start=True, max_iter=n_epochs).fit(X, y, **fit_params)
    # both ran the same epochs (scikit-learn's loss_curve_ keeps the first)
    assert ours.n_iter_ == len(theirs.loss_curve_) - 1 <= n_epochs
    for mine, expected in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        assert_allclose(mine, expected, rtol=1e-10, atol=1e-13)
    # the weights moved: the comparison is not of untouched copies
    assert np.abs(ours.coefs_[0] - start).max() > 1e-3


@pytest.mark.parametrize(
    "momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True)]
)
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_multiclass_sgd_equals_mlp_classifier(activation, momentum, nesterov):
    X, y = _classification()
    theirs = MLPClassifier(
        (8, 6),
        activation=activation,
        solver="sgd",
        learning_rate_init=0.05,
        momentum=momentum,
        nesterovs_momentum=nesterov,
        alpha=ALPHA,
        **COMMON,
    )
    ours = SGDNetClassifier(
        (8, 6),
        activation=activation,
        learning_rate=0.05,
        momentum=momentum,
        nesterov=nesterov,
        l2=ALPHA / BATCH,
        **COMMON,
    )
    assert_same_training(ours, theirs, X, y)


@pytest.mark.parametrize("target", ["binary", "multilabel"])
def test_logistic_outputs_equal_mlp_classifier(target):
    X, y = _classification()
    if target == "multilabel":
        y = np.column_stack([y == 0, y == 1, y > 0]).astype(int)
    else:
        y = (y > 0).astype(int)
    ours, theirs = _classical_momentum_pair()
    assert_same_training(ours, theirs, X, y)


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_regression_equals_mlp_regressor_with_rates_scaled_by_outputs(n_outputs):
    # scikit-learn reports half the mean squared error over samples and
    # outputs but steps along the gradient of half the sum over outputs: k
    # times ours for k outputs
    X, y = make_regression(64, 5, n_targets=n_outputs, random_state=0)
    y /= 100
    theirs = MLPRegressor(
        hidden_layer_sizes=(8,),
        solver="sgd",
        learning_rate_init=0.01,
        nesterovs_momentum=False,
        alpha=ALPHA,
        **COMMON,
    )
    ours = SGDNetRegressor(
        (8,),
        learning_rate=0.01 * n_outputs,
        l2=ALPHA / BATCH / n_outputs,
        **COMMON,
    )
    assert_same_training(ours, theirs, X, y)


def test_adam_equals_mlp_classifier_apart_from_epsilon():
    # scikit-learn adds epsilon to the root of the uncorrected second moment,
    # here (as in PyTorch) to that of the corrected one; with a negligible
    # epsilon the rules coincide
    X, y = _classification()
    adam = {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-300}  # same names
    theirs = MLPClassifier(
        (8,), solver="adam", learning_rate_init=0.01, alpha=ALPHA, **adam, **COMMON
    )
    ours = SGDNetClassifier(
        (8,), optimizer="adam", learning_rate=0.01, l2=ALPHA / BATCH, **adam, **COMMON
    )
    assert_same_training(ours, theirs, X, y)


def test_sample_weights_equal_mlp_classifier():
    if "sample_weight" not in inspect.signature(MLPClassifier.fit).parameters:
        pytest.skip("scikit-learn's MLP takes sample_weight from 1.7 on")
    # every batch of 16 weighs 16 in all, so scikit-learn's penalty, which
    # it divides by a batch's total weight, is alpha / 16 in every batch
    X, y = _classification()
    sample_weight = np.tile([0.5, 1.5], 32)
    ours, theirs = _classical_momentum_pair()
    assert_same_training(ours, theirs, X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("tol, n_iter_no_change", [(1e-2, 2), (1e-3, 3), (5e-2, 1)])
def test_stopping_rule_stops_at_the_epoch_scikit_learn_stops(tol, n_iter_no_change):
    # without l2 the per-epoch training loss is the same average of the
    # batch losses in both libraries, and the rule (more than
    # n_iter_no_change epochs not beating the best by tol) the same
    X, y = _classification()
    stopping = {**COMMON, "tol": tol, "n_iter_no_change": n_iter_no_change}
    theirs = MLPClassifier(
        (8,),
        solver="sgd",
        learning_rate_init=0.05,
        nesterovs_momentum=False,
        alpha=0.0,
        **stopping,
    )
    ours = SGDNetClassifier((8,), learning_rate=0.05, l2=0.0, **stopping)
    assert_same_training(ours, theirs, X, y, n_epochs=300)
    assert ours.n_iter_ < 300  # stopped by the rule, in the same epoch
    assert_allclose(ours.loss_curve_, theirs.loss_curve_[1:], rtol=1e-10)
