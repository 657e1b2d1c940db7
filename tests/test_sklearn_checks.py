"""scikit-learn's estimator checks on both estimators, in several configurations."""

import pytest
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from sklearn_lr import SGDNetClassifier, SGDNetRegressor
from sklearn_lr.schedules import (
    BoldDriver,
    Constant,
    CosineAnnealing,
    Cyclic,
    ReduceOnPlateau,
    StepDecay,
    Warmup,
)

# Small networks and few epochs keep the checks fast; the settings still
# learn the checks' easy problems.
_FAST = dict(hidden_layer_sizes=(16,), max_iter=100, random_state=0)
# Some checks fit 10 samples: a fifth held out leaves the two validation
# samples early stopping needs (as scikit-learn's MLP, it refuses one).
_EARLY_STOPPING = dict(early_stopping=True, validation_fraction=0.2)

_CONFIGURATIONS = [
    dict(),
    dict(momentum=0.0, learning_rate=0.1),  # the same step size without momentum
    dict(nesterov=True),
    dict(activation="tanh"),
    _EARLY_STOPPING,
    dict(learning_rate=Constant(alpha=0.05)),
    dict(optimizer="adam", learning_rate=0.01),
    dict(optimizer="rmsprop", learning_rate=0.01),
    dict(optimizer="adagrad", learning_rate=0.1),
    dict(learning_rate=StepDecay(alpha=0.05, drop=0.5, every=20)),
    dict(learning_rate=Warmup(CosineAnnealing(alpha=0.05), epochs=2)),
    dict(learning_rate=Cyclic(min_alpha=0.005, max_alpha=0.05)),
    dict(learning_rate=ReduceOnPlateau(alpha=0.05), **_EARLY_STOPPING),
    dict(learning_rate=BoldDriver(alpha=0.02)),
    # mini-batches: every other configuration trains on the checks' small
    # data sets in one batch
    dict(batch_size=16, learning_rate=0.02),
]
# and the regressor's other loss
_REGRESSOR_CONFIGURATIONS = [dict(loss="huber")]

# With early stopping, the held-out validation set is drawn from the rows:
# a sample repeated k times can land in both the training and the
# validation part, while a sample with weight k lands in exactly one, so the
# two fits train on different data and stop at different epochs. This is
# the documented behaviour of a row-wise validation split (scikit-learn's
# own MLP and SGD estimators split rows the same way), not a bug in the
# weighting, which the same checks pass without early stopping.
_VALIDATION_SPLIT_REASON = (
    "early stopping holds out rows: repeated samples and weighted samples "
    "give different validation splits"
)


# With mini-batches, a batch's loss is the weighted mean over its rows (as
# in scikit-learn's MLP): a weight counts within its batch. Repeating a row
# instead adds rows, which changes how the data splits into batches and how
# much each batch weighs, so the two fits take different steps. The weighting
# itself is exact: the same checks pass in one batch.
_MINI_BATCH_REASON = (
    "a sample weight counts within its mini-batch; repeated rows change the "
    "batches themselves"
)
_WEIGHT_CHECKS = (
    "check_sample_weight_equivalence_on_dense_data",
    "check_sample_weight_equivalence_on_sparse_data",
)


def _expected_failed(estimator):
    if estimator.early_stopping:
        return dict.fromkeys(_WEIGHT_CHECKS, _VALIDATION_SPLIT_REASON)
    if estimator.batch_size != "auto":
        return dict.fromkeys(_WEIGHT_CHECKS, _MINI_BATCH_REASON)
    return {}


def _estimators():
    for config in _CONFIGURATIONS:
        for cls in (SGDNetClassifier, SGDNetRegressor):
            yield cls(**{**_FAST, **config})
    for config in _REGRESSOR_CONFIGURATIONS:
        yield SGDNetRegressor(**{**_FAST, **config})


@parametrize_with_checks(
    list(_estimators()),
    expected_failed_checks=_expected_failed,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("cls", [SGDNetClassifier, SGDNetRegressor])
def test_every_method_validates_the_parameters_first(cls):
    # scikit-learn's own test of its estimators (not in check_estimator):
    # fit and partial_fit report a bad parameter before anything else, such
    # as partial_fit's missing first-call classes
    check_param_validation(cls.__name__, cls())


@pytest.mark.parametrize("cls", [SGDNetClassifier, SGDNetRegressor])
def test_default_construction_passes_checks_signature(cls):
    # the defaults are those of the public contract
    est = cls()
    assert est.hidden_layer_sizes == (100,)
    assert est.learning_rate == 0.01
    assert est.optimizer == "sgd"
    assert est.batch_size == "auto"
    assert est.max_iter == 200
