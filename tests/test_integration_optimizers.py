"""Every optimizer inside the estimators: learning, state, resume."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_lr import SGDNetClassifier, SGDNetRegressor, _network
from sklearn_lr.optimizers import OPTIMIZERS, make_optimizer
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


@pytest.mark.parametrize(
    "settings",
    [
        dict(optimizer="sgd"),
        dict(optimizer="sgd", nesterov=True),
        dict(optimizer="sgd", momentum=0.0),
        dict(optimizer="adagrad"),
        dict(optimizer="rmsprop"),
        dict(optimizer="adam"),
    ],
    ids=["sgd", "nesterov", "plain", "adagrad", "rmsprop", "adam"],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_training_equals_a_replay_with_the_public_step(settings, dtype):
    # The training loop hands the rules its gradient array to keep as state
    # (SGD's velocity) and takes the old state array for the next gradient.
    # Replayed batch by batch with the network's gradient and the public
    # step, with the rates the estimator recorded, the weights and the
    # optimizer's state must come out the same to the bit
    X, y = make_classification(
        70, 6, n_informative=4, n_redundant=0, n_classes=3, random_state=0
    )
    X = X.astype(dtype)
    est = SGDNetClassifier(
        (8, 5),
        batch_size=16,
        learning_rate=CosineAnnealing(0.05),
        l2=1e-3,
        shuffle=False,
        max_iter=1,
        random_state=0,
        **settings,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)  # weights to start from; the next fit is a new run
        shapes = [coef.shape for coef in est.coefs_]
        theta = _network.pack(est.coefs_, est.intercepts_, dtype)
        est.set_params(warm_start=True, max_iter=3).fit(X, y)

    optimizer = make_optimizer(
        est.optimizer,
        theta.size,
        dtype,
        momentum=est.momentum,
        nesterov=est.nesterov,
        beta_1=est.beta_1,
        beta_2=est.beta_2,
        epsilon=est.epsilon,
    )
    workspace = _network.Workspace.allocate(shapes, 16, dtype)
    Y = (y[:, None] == est.classes_).astype(dtype)
    weights = np.ones(len(y), dtype=dtype)
    rates = iter(est.lr_history_)
    for _ in range(3):
        for start in range(0, len(y), 16):
            rows = slice(start, start + 16)
            _network.loss_and_gradient(
                theta,
                shapes,
                X[rows],
                Y[rows],
                weights[rows],
                est.activation,
                "softmax_log_loss",
                est.l2,
                workspace,
            )
            optimizer.step(theta, workspace.grad, float(next(rates)))
    assert next(rates, None) is None
    assert optimizer.n_steps == est.optimizer_.n_steps == 15
    coefs, intercepts = _network.unpack(theta, shapes)
    for got, expected in zip(
        est.coefs_ + est.intercepts_, coefs + intercepts, strict=True
    ):
        assert got.dtype == dtype
        assert_array_equal(got, expected)
    for key, value in optimizer.snapshot().items():
        assert_array_equal(getattr(est.optimizer_, key), value)
