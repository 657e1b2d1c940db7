"""The scientific Python ecosystem around the estimators: successive halving,
Dask, safe persistence with skops, pandas input, metadata routing and the
notebook repr."""

import re
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_digits, load_iris
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklearn_lr import SGDNetClassifier, SGDNetRegressor
from sklearn_lr.schedules import (
    BoldDriver,
    Constant,
    CosineAnnealing,
    CosineWarmRestarts,
    Cyclic,
    ExponentialDecay,
    InverseTimeDecay,
    MultiStepDecay,
    OneCycle,
    PolynomialDecay,
    ReduceOnPlateau,
    Sequential,
    StepDecay,
    Warmup,
    trace,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:450] / 16.0, y[:450]


# ---------------------------------------------------------- successive halving


def _trace_checking_scorer(records):
    """Scorer that checks each candidate's schedule against its own max_iter."""

    def scorer(estimator, X, y):
        steps = len(estimator.lr_history_) // estimator.n_iter_
        expected = trace(
            estimator.learning_rate, estimator.max_iter, steps, estimator.loss_curve_
        )
        np.testing.assert_allclose(estimator.lr_history_, expected)
        records.append((estimator.max_iter, estimator.n_iter_))
        return estimator.score(X, y)

    return scorer


HALVING_GRID = [
    {"learning_rate": [CosineAnnealing()], "learning_rate__alpha": [0.05, 0.3]},
    {"learning_rate": [OneCycle()], "learning_rate__max_alpha": [0.1, 0.5]},
    {"learning_rate": [PolynomialDecay(power=2.0)], "learning_rate__alpha": [0.1]},
    {"learning_rate": [0.01, 0.1]},
]


@pytest.mark.parametrize("search_cls", [HalvingGridSearchCV, HalvingRandomSearchCV])
def test_successive_halving_over_epochs(search_cls, digits):
    X, y = digits
    records = []
    base = SGDNetClassifier((16,), batch_size=90, n_iter_no_change=1000, random_state=0)
    kwargs = dict(
        resource="max_iter",
        min_resources=3,
        max_resources=27,
        factor=3,
        cv=3,
        scoring=_trace_checking_scorer(records),
        random_state=0,
    )
    if search_cls is HalvingGridSearchCV:
        search = search_cls(base, HALVING_GRID, **kwargs)
    else:
        search = search_cls(base, HALVING_GRID, n_candidates=7, **kwargs)
    search.fit(X, y)

    assert search.n_resources_[0] == 3 and len(search.n_resources_) >= 2
    # every candidate ran exactly the epochs its iteration gave it, and its
    # horizon policy (n_epochs=None) stretched over exactly those epochs
    budgets = {max_iter for max_iter, _ in records}
    assert budgets == set(search.n_resources_)
    assert all(max_iter == n_iter for max_iter, n_iter in records)

    best = search.best_estimator_
    assert best.max_iter == search.best_params_["max_iter"] == search.n_resources_[-1]
    assert best.n_iter_ == best.max_iter
    expected = trace(best.learning_rate, best.max_iter, 5, best.loss_curve_)
    np.testing.assert_allclose(best.lr_history_, expected)
    assert search.best_score_ > 0.5


# ----------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_grid_search_on_dask_matches_local_run(dask_client, iris):
    import joblib

    X, y = iris

    def search():
        return GridSearchCV(
            SGDNetClassifier((8,), max_iter=8, random_state=0),
            {
                "learning_rate": [0.01, CosineAnnealing(alpha=0.1), BoldDriver()],
                "optimizer": ["sgd", "adam"],
            },
            cv=3,
            n_jobs=-1,
        )

    local = search().fit(X, y)
    with joblib.parallel_config(backend="dask"):
        remote = search().fit(X, y)
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    for i in range(3):
        np.testing.assert_array_equal(
            remote.cv_results_[f"split{i}_test_score"],
            local.cv_results_[f"split{i}_test_score"],
        )
    np.testing.assert_array_equal(
        remote.best_estimator_.predict(X), local.best_estimator_.predict(X)
    )


def test_dask_ml_incremental_one_epoch_per_block(dask_client, iris):
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, y = iris
    order = np.random.default_rng(0).permutation(len(y))
    X, y = X[order], y[order]
    n_blocks, n_passes, block, batch = 3, 2, 50, 25
    policy = CosineAnnealing(alpha=0.1, n_epochs=n_blocks * n_passes)
    X_dask = da.from_array(X, chunks=(block, X.shape[1]))
    y_dask = da.from_array(y, chunks=block)
    inc = wrappers.Incremental(
        SGDNetClassifier((8,), learning_rate=policy, batch_size=batch, random_state=0),
        shuffle_blocks=False,
        random_state=0,
    )
    for _ in range(n_passes):
        inc.partial_fit(X_dask, y_dask, classes=np.unique(y))
    net = inc.estimator_
    assert net.n_iter_ == n_blocks * n_passes
    assert net.t_ == n_passes * len(y)
    # one partial_fit per block: the schedule's clock runs on across blocks
    expected = trace(policy, n_blocks * n_passes, block // batch)
    np.testing.assert_allclose(net.lr_history_, expected)

    # the same blocks fed by hand give the same network
    by_hand = SGDNetClassifier(
        (8,), learning_rate=policy, batch_size=batch, random_state=0
    )
    for _ in range(n_passes):
        for start in range(0, len(y), block):
            by_hand.partial_fit(
                X[start : start + block], y[start : start + block], classes=np.unique(y)
            )
    for a, b in zip(net.coefs_, by_hand.coefs_, strict=True):
        np.testing.assert_allclose(a, b)
    np.testing.assert_array_equal(inc.predict(X_dask).compute(), by_hand.predict(X))


# ------------------------------------------------------------- persistence

ALL_POLICIES = [
    0.05,
    Constant(0.05),
    InverseTimeDecay(alpha=0.05),
    ExponentialDecay(alpha=0.05),
    StepDecay(alpha=0.05, every=1),
    MultiStepDecay(alpha=0.05, milestones=(1, 2)),
    PolynomialDecay(alpha=0.05),
    CosineAnnealing(alpha=0.05),
    CosineWarmRestarts(alpha=0.05, period=1),
    Cyclic(max_alpha=0.05),
    OneCycle(max_alpha=0.05),
    ReduceOnPlateau(alpha=0.05, patience=0),
    BoldDriver(alpha=0.05),
    Warmup(CosineAnnealing(alpha=0.05), epochs=1),
    Sequential([Constant(0.01), ReduceOnPlateau(alpha=0.05)], milestones=[1]),
]
OPTIMIZERS = ["sgd", "adagrad", "rmsprop", "adam"]

# the only types outside skops' default trust that a fitted model holds
SKLEARN_LR_TYPES = {
    "sklearn_lr._classifier.SGDNetClassifier",
    "sklearn_lr._regressor.SGDNetRegressor",
    "sklearn_lr.optimizers.SGD",
    "sklearn_lr.optimizers.AdaGrad",
    "sklearn_lr.optimizers.RMSProp",
    "sklearn_lr.optimizers.Adam",
    *(
        f"sklearn_lr.schedules.{name}"
        for name in (
            "BoldDriver Constant CosineAnnealing CosineWarmRestarts Cyclic "
            "ExponentialDecay InverseTimeDecay MultiStepDecay OneCycle "
            "PolynomialDecay ReduceOnPlateau Sequential StepDecay Warmup "
            "_FormulaSchedule _ReduceOnPlateauSchedule _BoldDriverSchedule "
            "_WarmupSchedule _SequentialSchedule"
        ).split()
    ),
}
NUMPY_TYPES: set = set()  # nothing beyond skops's default trust


def _skops_round_trip(estimator):
    sio = pytest.importorskip("skops.io")
    data = sio.dumps(estimator)
    untrusted = set(sio.get_untrusted_types(data=data))
    assert untrusted <= SKLEARN_LR_TYPES | NUMPY_TYPES, untrusted - SKLEARN_LR_TYPES
    return sio.loads(data, trusted=sorted(untrusted))


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_skops_round_trip_every_policy(optimizer, iris):
    X, y = iris
    for policy in ALL_POLICIES:
        fitted = SGDNetClassifier(
            (6,),
            learning_rate=policy,
            optimizer=optimizer,
            batch_size=50,
            max_iter=3,
            random_state=0,
        ).fit(X, y)
        loaded = _skops_round_trip(fitted)
        assert type(loaded.optimizer_) is type(fitted.optimizer_)
        np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
        np.testing.assert_array_equal(loaded.lr_history_, fitted.lr_history_)
        # training continues exactly as it would have without the round trip
        for _ in range(2):
            fitted.partial_fit(X, y)
            loaded.partial_fit(X, y)
        np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
        np.testing.assert_array_equal(loaded.lr_history_, fitted.lr_history_)
        assert repr(loaded.schedule_) == repr(fitted.schedule_)


def test_skops_round_trip_regressor_float32(iris):
    X, y = iris
    X = X.astype(np.float32)
    fitted = SGDNetRegressor(
        (6,),
        learning_rate=ReduceOnPlateau(alpha=0.01),
        optimizer="adam",
        loss="huber",
        max_iter=3,
        random_state=0,
    ).fit(X, y)
    loaded = _skops_round_trip(fitted)
    assert loaded.coefs_[0].dtype == np.float32
    np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))
    fitted.partial_fit(X, y)
    loaded.partial_fit(X, y)
    np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))


def test_skops_refuses_untrusted_types(iris):
    sio = pytest.importorskip("skops.io")
    from skops.io.exceptions import UntrustedTypesFoundException

    X, y = iris
    fitted = SGDNetClassifier(
        (4,), learning_rate=Warmup(CosineAnnealing()), max_iter=2, random_state=0
    ).fit(X, y)
    data = sio.dumps(fitted)
    with pytest.raises(UntrustedTypesFoundException, match="Untrusted types"):
        sio.loads(data)  # nothing beyond skops' defaults trusted
    everything_but_schedule = sorted(
        set(sio.get_untrusted_types(data=data))
        - {"sklearn_lr.schedules._WarmupSchedule"}
    )
    with pytest.raises(UntrustedTypesFoundException, match="_WarmupSchedule"):
        sio.loads(data, trusted=everything_but_schedule)


# ------------------------------------------------------------------ pandas


def test_dataframe_feature_names(iris):
    pd = pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True, as_frame=True)
    clf = SGDNetClassifier((6,), max_iter=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.feature_names_in_, X.columns.to_numpy())
    clf.predict(X)
    with pytest.raises(ValueError, match="same order"):
        clf.predict(X[X.columns[::-1]])
    with pytest.raises(ValueError, match="missing"):
        clf.predict(X.drop(columns=X.columns[0]))
    with pytest.raises(ValueError, match="missing"):
        clf.partial_fit(X.rename(columns={X.columns[0]: "other"}), y)
    assert isinstance(X, pd.DataFrame)


def test_inside_column_transformer_pipeline():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    n = 240
    frame = pd.DataFrame(
        {
            "size": rng.normal(size=n),
            "weight": rng.normal(size=n),
            "colour": rng.choice(["red", "green", "blue"], size=n),
        }
    )
    target = (frame["size"] + (frame["colour"] == "red") > 0.5).astype(int)
    model = make_pipeline(
        ColumnTransformer(
            [
                ("num", StandardScaler(), ["size", "weight"]),
                ("cat", OneHotEncoder(), ["colour"]),
            ]
        ),
        SGDNetClassifier(
            (8,),
            learning_rate=CosineAnnealing(alpha=0.1),
            max_iter=40,
            random_state=0,
        ),
    ).fit(frame, target)
    assert model.score(frame, target) > 0.85
    assert model[-1].n_features_in_ == 5
    # the pipeline checks column names; the frame's column order is free
    np.testing.assert_array_equal(
        model.predict(frame[["colour", "weight", "size"]]), model.predict(frame)
    )
    with pytest.raises(ValueError, match="colour"):
        model.predict(frame.drop(columns="colour"))


# ---------------------------------------------------------- metadata routing


def test_metadata_routing_passes_sample_weight_through_a_search(iris):
    # with routing on, a pipeline step asks for sample_weight in fit and
    # score; the search's refit must train on exactly those weights
    X, y = iris
    weights = np.random.default_rng(0).uniform(0.1, 3.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        net = SGDNetClassifier((6,), max_iter=8, random_state=0)
        net.set_fit_request(sample_weight=True).set_score_request(sample_weight=True)
        scaler = StandardScaler().set_fit_request(sample_weight=False)
        pipe = make_pipeline(scaler, net)
        # scikit-learn < 1.7's Pipeline.score takes sample_weight itself
        pipe.set_score_request(sample_weight=True)
        grid = {"sgdnetclassifier__learning_rate": [0.01, Cyclic(max_alpha=0.2)]}
        search = GridSearchCV(pipe, grid, cv=3).fit(X, y, sample_weight=weights)
        cv = cross_validate(pipe, X, y, params={"sample_weight": weights}, cv=3)
    best = search.best_estimator_[-1]
    by_hand = clone(best).fit(StandardScaler().fit_transform(X), y, weights)
    unweighted = clone(best).fit(StandardScaler().fit_transform(X), y)
    np.testing.assert_array_equal(best.coefs_[0], by_hand.coefs_[0])
    assert not np.allclose(best.coefs_[0], unweighted.coefs_[0])
    assert np.all(np.isfinite(cv["test_score"]))


# -------------------------------------------------------------- notebook repr


# scikit-learn shows an estimator's parameters in its HTML repr from 1.7 on
PARAMETER_TABLES = tuple(map(int, sklearn.__version__.split(".")[:2])) >= (1, 7)


def _labels(html):
    body = html[max(html.find("<body>"), 0) :]  # a document from 1.7 on
    return re.findall(
        r'<label for="sk-estimator-id-\d+"[^>]*><div><div>(.*?)</div>', body
    )


def test_html_repr_nests_the_policy():
    est = SGDNetClassifier(learning_rate=Warmup(CosineAnnealing(alpha=0.1)))
    html = est._repr_html_()
    assert _labels(html) == ["SGDNetClassifier", "learning_rate: Warmup", "Warmup"]
    if not PARAMETER_TABLES:
        return
    # the policy's own parameters, expandable, under the right prefix
    assert 'data-param-prefix="learning_rate__"' in html
    assert re.search(
        r'<td class="param">epochs(&nbsp;)?</td>\s*<td class="value">1.0</td>', html
    )


def test_html_repr_in_pipeline_and_for_a_float():
    pipe = make_pipeline(
        StandardScaler(), SGDNetRegressor(learning_rate=OneCycle(max_alpha=0.2))
    )
    html = pipe._repr_html_()
    assert _labels(html)[-2:] == ["learning_rate: OneCycle", "OneCycle"]
    assert _labels(SGDNetClassifier()._repr_html_()) == ["SGDNetClassifier"]
    if PARAMETER_TABLES:
        assert 'data-param-prefix="sgdnetregressor__learning_rate__"' in html
