"""Every optimizer inside the estimators: learning, state, resume."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_lr import SGDNetClassifier, SGDNetRegressor
from sklearn_lr.optimizers import OPTIMIZERS
from sklearn_lr.schedules import CosineAnnealing

# a sensible alpha for each rule on standardized digits
SETTINGS = {
    "sgd": dict(optimizer="sgd", learning_rate=0.02),
    "nesterov": dict(optimizer="sgd", nesterov=True, learning_rate=0.02),
    "adagrad": dict(optimizer="adagrad", learning_rate=0.05),
    "rmsprop": dict(optimizer="rmsprop", learning_rate=0.001),
    "adam": dict(optimizer="adam", learning_rate=0.002),
}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.mark.parametrize("name", list(SETTINGS))
def test_each_optimizer_learns_digits_within_20_epochs(name, digits):
    X_train, X_test, y_train, y_test = digits
    est = SGDNetClassifier(
        (64,), batch_size=32, max_iter=20, random_state=0, **SETTINGS[name]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X_train, y_train)
    assert est.n_iter_ <= 20
    assert est.score(X_test, y_test) >= 0.95
    assert isinstance(est.optimizer_, OPTIMIZERS[est.optimizer])


@pytest.mark.parametrize("name", list(SETTINGS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_optimizer_state_survives_pickling_exactly(name, dtype, digits):
    X_train, _, y_train, _ = digits
    X = X_train[:300].astype(dtype)
    y = y_train[:300]
    classes = np.unique(y)

    def net():
        return SGDNetClassifier(
            (16,),
            batch_size=50,
            learning_rate=CosineAnnealing(alpha=0.01),
            max_iter=5,
            random_state=0,
            **{k: v for k, v in SETTINGS[name].items() if k != "learning_rate"},
        )

    uninterrupted, interrupted = net(), net()
    for epoch in range(5):
        uninterrupted.partial_fit(X, y, classes=classes)
        interrupted.partial_fit(X, y, classes=classes)
        if epoch == 1:
            interrupted = pickle.loads(pickle.dumps(interrupted))
            assert interrupted.coefs_[0].dtype == dtype
            for key, value in interrupted.optimizer_.snapshot().items():
                if isinstance(value, np.ndarray):
                    assert value.dtype == dtype, key
    for a, b in zip(interrupted.coefs_, uninterrupted.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert interrupted.optimizer_.n_steps == uninterrupted.optimizer_.n_steps == 30


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam"])
def test_adaptive_optimizers_differ_from_sgd(name, digits):
    X_train, _, y_train, _ = digits
    params = dict(
        hidden_layer_sizes=(8,), max_iter=1, random_state=0, learning_rate=0.01
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sgd = SGDNetClassifier(optimizer="sgd", **params).fit(X_train, y_train)
        other = SGDNetClassifier(optimizer=name, **params).fit(X_train, y_train)
    assert not np.allclose(sgd.coefs_[0], other.coefs_[0])


@pytest.mark.parametrize(
    "params, parameter",
    [
        (dict(beta_1=1.0), "beta_1"),
        (dict(beta_1=-0.1), "beta_1"),
        (dict(beta_2=1.5), "beta_2"),
        (dict(epsilon=0.0), "epsilon"),
        (dict(epsilon=-1e-8), "epsilon"),
        (dict(optimizer="adadelta"), "optimizer"),
    ],
)
@pytest.mark.parametrize("cls", [SGDNetClassifier, SGDNetRegressor])
def test_invalid_optimizer_hyperparameters(cls, params, parameter):
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10) % 2
    with pytest.raises(ValueError, match=parameter):
        cls(**{"optimizer": "adam", **params}).fit(X, y)
