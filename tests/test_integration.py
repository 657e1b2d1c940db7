"""The estimators inside scikit-learn's machinery: pipelines, searches, CV."""

import pickle

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.datasets import load_digits, load_iris, make_regression
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    cross_validate,
    train_test_split,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lr import SGDNetClassifier, SGDNetRegressor
from sklearn_lr.schedules import (
    Constant,
    CosineAnnealing,
    Cyclic,
    OneCycle,
    StepDecay,
    Warmup,
    trace,
)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return X, y


def _pipe(**params):
    return Pipeline(
        [
            ("scale", StandardScaler()),
            ("net", SGDNetClassifier((8,), max_iter=15, random_state=0, **params)),
        ]
    )


def test_grid_search_over_policies_and_nested_parameters(iris):
    X, y = iris
    grid = [
        {"net__learning_rate": [0.01, 0.1]},
        {
            "net__learning_rate": [StepDecay(every=5), CosineAnnealing()],
            "net__learning_rate__alpha": [0.03, 0.3],
        },
        {
            "net__learning_rate": [OneCycle()],
            "net__learning_rate__max_alpha": [0.1, 0.5],
        },
    ]
    search = GridSearchCV(_pipe(), grid, cv=3, n_jobs=2).fit(X, y)
    params = search.cv_results_["params"]
    assert len(params) == 2 + 4 + 2
    # the nested alpha really reached the policies that were scored
    alphas = {
        (type(p["net__learning_rate"]).__name__, p.get("net__learning_rate__alpha"))
        for p in params
    }
    assert ("StepDecay", 0.3) in alphas and ("CosineAnnealing", 0.03) in alphas
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_.named_steps["net"]
    # the refitted best model used the chosen policy with the chosen alpha ...
    chosen = search.best_params_
    assert type(best.learning_rate) is type(chosen["net__learning_rate"])
    for key, value in chosen.items():
        if key.startswith("net__learning_rate__"):
            assert best.get_params()[key.removeprefix("net__")] == value
    # ... and applied exactly that policy's schedule
    expected = trace(
        best.learning_rate,
        n_epochs=best.n_iter_,
        steps_per_epoch=len(best.lr_history_) // best.n_iter_,
    )
    np.testing.assert_allclose(best.lr_history_, expected)


def test_grid_search_does_not_mutate_the_searched_policies(iris):
    X, y = iris
    policies = [StepDecay(alpha=0.1, every=3), Warmup(CosineAnnealing(alpha=0.1))]
    before = [pickle.dumps(p) for p in policies]
    GridSearchCV(_pipe(), {"net__learning_rate": policies}, cv=2).fit(X, y)
    assert [pickle.dumps(p) for p in policies] == before


def test_grid_search_warmup_nested_parameter(iris):
    X, y = iris
    grid = {
        "net__learning_rate": [Warmup(CosineAnnealing(), epochs=2)],
        "net__learning_rate__policy__alpha": [0.05, 0.2],
    }
    search = GridSearchCV(_pipe(), grid, cv=2).fit(X, y)
    fitted = search.best_estimator_.named_steps["net"].learning_rate
    assert (
        fitted.policy.alpha == search.best_params_["net__learning_rate__policy__alpha"]
    )


def test_randomized_search_with_loguniform_alpha(iris):
    X, y = iris
    search = RandomizedSearchCV(
        _pipe(learning_rate=Constant()),
        {"net__learning_rate__alpha": loguniform(1e-3, 1)},
        n_iter=4,
        cv=2,
        random_state=0,
        n_jobs=2,
    ).fit(X, y)
    alphas = [p["net__learning_rate__alpha"] for p in search.cv_results_["params"]]
    assert len(set(alphas)) == 4
    assert all(1e-3 <= a <= 1 for a in alphas)
    assert search.best_score_ > 0.6


def test_cross_validate_is_reproducible(iris):
    X, y = iris
    pipe = _pipe(learning_rate=Cyclic(min_alpha=0.01, max_alpha=0.1))
    first = cross_validate(pipe, X, y, cv=3, return_train_score=True)
    second = cross_validate(pipe, X, y, cv=3, return_train_score=True)
    np.testing.assert_array_equal(first["test_score"], second["test_score"])
    assert first["test_score"].mean() > 0.7


def test_pipeline_pickle_round_trip_predicts_identically():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, _ = train_test_split(X, y, random_state=0)
    pipe = make_pipeline(
        StandardScaler(),
        SGDNetClassifier(
            (32,), learning_rate=OneCycle(max_alpha=0.1), max_iter=5, random_state=0
        ),
    )
    with pytest.warns(UserWarning):  # ConvergenceWarning: 5 epochs only
        pipe.fit(X_train, y_train)
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(
        restored.predict_proba(X_test), pipe.predict_proba(X_test)
    )


def test_regressor_in_grid_search_over_loss_and_policy():
    X, y = make_regression(n_samples=150, n_features=5, noise=5.0, random_state=0)
    y = (y - y.mean()) / y.std()
    pipe = make_pipeline(
        StandardScaler(), SGDNetRegressor((16,), max_iter=30, random_state=0)
    )
    grid = {
        "sgdnetregressor__loss": ["squared_error", "huber"],
        "sgdnetregressor__learning_rate": [0.01, CosineAnnealing(alpha=0.05)],
    }
    search = GridSearchCV(pipe, grid, cv=3).fit(X, y)
    assert search.best_score_ > 0.8
