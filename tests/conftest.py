"""Fixtures shared by several test modules."""

import functools
import inspect

import pytest

import sklearn_lr._checks
from sklearn_lr import SGDNetRegressor
from sklearn_lr.schedules import BoldDriver, Constant, Sequential


@pytest.fixture
def lenient_sample_weight_check(monkeypatch):
    """scikit-learn's sample-weight check as before 1.7: all zeros pass.

    The package must refuse all-zero weights itself, whichever scikit-learn
    it runs on; this makes the newer releases behave like the older ones.
    """
    check = sklearn_lr._checks._check_sample_weight
    if "allow_all_zero_weights" in inspect.signature(check).parameters:
        lenient = functools.partial(check, allow_all_zero_weights=True)
        monkeypatch.setattr(sklearn_lr._checks, "_check_sample_weight", lenient)


@pytest.fixture
def exploding_at_epoch_5():
    """A factory of regressors whose epoch 5 explodes at its last step alone.

    α = 1e-3 for 4.8 epochs, then BoldDriver's 1e4, with one step per epoch
    of standardized iris (150 rows, batch 30, no shuffling, targets times
    10): only that last step's loss shows the explosion. Keyword arguments
    override the estimator's parameters.
    """

    def make(**params):
        policy = Sequential(
            [Constant(0.001), BoldDriver(alpha=1e4, max_alpha=1e5)],
            milestones=(4.8,),
        )
        defaults = dict(
            hidden_layer_sizes=(16,),
            max_iter=30,
            batch_size=30,
            shuffle=False,
            momentum=0.0,
            l2=0.0,
            learning_rate=policy,
            random_state=0,
        )
        return SGDNetRegressor(**(defaults | params))

    return make
