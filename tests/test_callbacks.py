"""scikit-learn (>= 1.9) callbacks: one task per epoch."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from sklearn_lr import DivergenceWarning, SGDNetClassifier, SGDNetRegressor

callback = pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
pytest.importorskip("rich", reason="ProgressBar needs rich (the test extra)")
ProgressBar, ScoringMonitor = callback.ProgressBar, callback.ScoringMonitor


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def _fit(estimator, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


def _epoch_rows(monitor):
    frame = monitor.get_logs().data_as_pandas
    return frame[frame["task_name"] == "epoch"]


def test_scoring_monitor_records_one_score_per_epoch(iris):
    X, y = iris
    monitor = ScoringMonitor(scoring="accuracy")
    clf = SGDNetClassifier((8,), max_iter=6, learning_rate=0.05, random_state=0)
    _fit(clf.set_callbacks(monitor), X, y)
    epochs = _epoch_rows(monitor)
    assert len(epochs) == clf.n_iter_ == 6
    assert list(epochs["task_id"]) == list(range(6))
    # the score of the last epoch is the score of the fitted model
    assert epochs["accuracy"].iloc[-1] == pytest.approx(clf.score(X, y))
    # the callback context is cleaned up after fit
    assert not hasattr(clf, "_callback_fit_ctx")


def test_scoring_monitor_sees_intermediate_weights(iris):
    X, y = iris
    monitor = ScoringMonitor(scoring="r2")
    reg = SGDNetRegressor((8,), max_iter=5, learning_rate=0.01, random_state=0)
    _fit(reg.set_callbacks(monitor), X, y.astype(float))
    scores = _epoch_rows(monitor)["r2"].to_numpy()
    # the scores change epoch by epoch: each task sees the weights of its epoch
    assert len(np.unique(scores)) == 5


def test_partial_fit_is_one_task(iris):
    X, y = iris
    monitor = ScoringMonitor(scoring="accuracy")
    clf = SGDNetClassifier((8,), random_state=0).set_callbacks(monitor)
    for _ in range(3):
        clf.partial_fit(X, y, classes=np.unique(y))
    logs = monitor.get_logs(select="all")
    assert len(logs) == 3
    assert all((log.data_as_pandas["task_name"] == "epoch").sum() == 1 for log in logs)
    assert logs[-1].data_as_pandas["accuracy"].iloc[-1] == pytest.approx(
        clf.score(X, y)
    )


def test_progress_bar(iris, capsys):
    X, y = iris
    clf = SGDNetClassifier((8,), max_iter=4, random_state=0)
    _fit(clf.set_callbacks(ProgressBar()), X, y)
    assert clf.n_iter_ == 4
    assert "SGDNetClassifier - fit" in capsys.readouterr().out


def test_callbacks_through_grid_search(iris, capsys):
    X, y = iris
    monitor = ScoringMonitor(scoring="accuracy")
    clf = SGDNetClassifier((8,), max_iter=3, random_state=0).set_callbacks(monitor)
    search = GridSearchCV(clf, {"l2": [1e-4, 1e-2]}, cv=2)
    _fit(search.set_callbacks(ProgressBar(max_propagation_depth=None)), X, y)
    out = capsys.readouterr().out
    assert "GridSearchCV - fit" in out
    assert "SGDNetClassifier - fit" in out
    # the monitor set on the inner estimator follows every clone: 2 candidates x
    # 2 folds + the refit, 3 epochs each
    frame = monitor.get_logs().data_as_pandas
    assert (frame["task_name"] == "epoch").sum() == 5 * 3


class _Callback:
    """The protocol's hooks, doing nothing: the callbacks below override
    what they watch."""

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        return False


def test_callback_can_stop_training(iris):
    X, y = iris

    class StopAfter(_Callback):
        def __init__(self, n):
            self.n, self.seen = n, 0

        def on_fit_task_end(self, estimator, context):
            if context.task_name == "epoch":
                self.seen += 1
                return self.seen >= self.n
            return False

    clf = SGDNetClassifier((8,), max_iter=50, random_state=0)
    clf.set_callbacks(StopAfter(3)).fit(X, y)
    assert clf.n_iter_ == 3
    assert len(clf.lr_history_) == 3 * 1  # one batch of 150 per epoch


class _Recorder(_Callback):
    """A callback that records what the estimator holds at each epoch end."""

    def __init__(self):
        self.rows = []

    def on_fit_task_end(self, estimator, context, **kwargs):
        if context.task_name == "epoch":
            self.rows.append(
                (
                    estimator.n_iter_,
                    len(estimator.loss_curve_),
                    len(estimator.lr_history_),
                    estimator.best_loss_ == min(estimator.loss_curve_),
                )
            )
        return False


def test_a_callback_sees_the_record_of_every_epoch_so_far(iris):
    X, y = iris
    recorder = _Recorder()
    clf = SGDNetClassifier((8,), max_iter=4, batch_size=50, random_state=0)
    _fit(clf.set_callbacks(recorder), X, y)
    # 3 batches an epoch: lr_history_ grows with loss_curve_, best_loss_ too
    assert recorder.rows == [(k, k, 3 * k, True) for k in (1, 2, 3, 4)]


class _StopAt(_Callback):
    """Asks to stop after epoch `stop_at`; records what each epoch task saw."""

    def __init__(self, stop_at):
        self.stop_at, self.seen = stop_at, []

    def on_fit_task_end(
        self, estimator, context, *, X=None, y=None, fitted_estimator=None
    ):
        if context.task_name != "epoch":
            return False
        model = fitted_estimator
        self.seen.append((model.n_iter_, model.divergence_epoch_))
        return model.n_iter_ >= self.stop_at


def test_a_callback_stopping_at_a_diverged_epoch_sees_it_restored(
    iris, exploding_at_epoch_5
):
    # the epoch's last step is judged before the record, the policy and the
    # callbacks see the epoch, as when it is the last one by max_iter
    X, y = iris
    y = 10.0 * y
    stopper = _StopAt(5)
    reg = exploding_at_epoch_5().set_callbacks(stopper)
    with pytest.warns(DivergenceWarning, match="in epoch 5"):
        reg.fit(X, y)
    assert stopper.seen[-1] == (5, 5)
    assert reg.schedule_.children[1].current_alpha == 5000.0  # halved
    assert reg.best_loss_ == min(reg.loss_curve_[:4])
    by_count = exploding_at_epoch_5(max_iter=5)
    with pytest.warns(DivergenceWarning):
        by_count.fit(X, y)
    for got, want in zip(reg.coefs_, by_count.coefs_, strict=True):
        np.testing.assert_array_equal(got, want)


def test_a_callback_whose_setup_fails_leaves_the_model_as_it_was(iris):
    X, y = iris
    clf = _fit(SGDNetClassifier((8,), max_iter=5, random_state=0), X, y)
    coefs = [c.copy() for c in clf.coefs_]
    with pytest.raises(ValueError, match="acuracy"):
        clf.set_callbacks(ScoringMonitor(scoring="acuracy")).fit(X, y)
    assert clf.n_iter_ == 5 and len(clf.loss_curve_) == 5
    # nor what validating other data records (the number of features)
    with pytest.raises(ValueError, match="acuracy"):
        clf.fit(X[:, :3], y)
    assert clf.n_features_in_ == 4
    for got, want in zip(clf.coefs_, coefs, strict=True):
        np.testing.assert_array_equal(got, want)


def test_callable_scorings_get_no_sample_weight_unless_given(iris):
    # metadata holds sample_weight only when the user gave it, as in
    # scikit-learn's own estimators: scorers without that argument work
    X, y = iris

    def accuracy(estimator, X, y):
        return {"acc": estimator.score(X, y)}

    monitor = ScoringMonitor(scoring=accuracy)
    clf = SGDNetClassifier((8,), max_iter=3, random_state=0).set_callbacks(monitor)
    _fit(clf, X, y)
    assert len(_epoch_rows(monitor)) == 3
    weighted = ScoringMonitor(scoring="accuracy")
    clf.set_callbacks(weighted)
    _fit(clf, X, y, sample_weight=np.where(y == 0, 5.0, 1.0))
    rows = _epoch_rows(weighted)
    assert rows["accuracy"].iloc[-1] == pytest.approx(
        clf.score(X, y, sample_weight=np.where(y == 0, 5.0, 1.0))
    )


class _BeginRecorder(_Callback):
    """Keeps the first weights matrix of the model each epoch begins with."""

    def __init__(self):
        self.begins = []

    def on_fit_task_begin(self, estimator, context, *, fitted_estimator=None):
        if context.task_name == "epoch":
            self.begins.append(fitted_estimator.coefs_[0].copy())


def test_each_epoch_task_begins_with_the_model_it_finds(iris):
    # e.g. to score a warm-started model before its first epoch
    X, y = iris
    clf = _fit(SGDNetClassifier((8,), max_iter=2, random_state=0), X, y)
    start = clf.coefs_[0].copy()
    recorder = _BeginRecorder()
    clf.set_params(warm_start=True).set_callbacks(recorder)
    after_one = _fit(clf.set_params(max_iter=1), X, y).coefs_[0].copy()
    np.testing.assert_array_equal(recorder.begins[0], start)
    _fit(clf, X, y)
    np.testing.assert_array_equal(recorder.begins[1], after_one)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_watching_callback_does_not_change_a_diverging_fit(early_stopping):
    # callbacks observe: a registered one once made every epoch's last step
    # be judged at once, and so another epoch diverge, than without it
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    params = dict(
        hidden_layer_sizes=(8,),
        learning_rate=30.0,
        momentum=0.0,
        batch_size=10**6,
        n_iter_no_change=100,
        max_iter=20,
        random_state=0,
        early_stopping=early_stopping,
    )
    plain = SGDNetRegressor(**params)
    watched = SGDNetRegressor(**params).set_callbacks(_BeginRecorder())
    for est in (plain, watched):
        with pytest.warns(DivergenceWarning):
            est.fit(X, y)
    assert watched.divergence_epoch_ == plain.divergence_epoch_
    assert watched.n_iter_ == plain.n_iter_
    np.testing.assert_array_equal(watched.lr_history_, plain.lr_history_)
    for got, want in zip(watched.coefs_, plain.coefs_, strict=True):
        np.testing.assert_array_equal(got, want)


def test_a_callback_stopping_at_the_last_epoch_does_not_warn(iris):
    # the callback's stop is a stop, not max_iter running out
    X, y = iris

    class StopAt(_Callback):
        def on_fit_task_end(self, estimator, context, **kwargs):
            return context.task_name == "epoch" and estimator.n_iter_ >= 3

    clf = SGDNetClassifier((8,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.set_callbacks(StopAt()).fit(X, y)
    assert clf.n_iter_ == 3


class _Keeper(_Callback):
    """Keeps the model each epoch task ends with, as handed over."""

    def __init__(self):
        self.models = []

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None, **kw):
        if context.task_name == "epoch":
            self.models.append(fitted_estimator)
        return False


def test_the_model_an_epoch_task_hands_over_keeps_that_epochs_weights(iris):
    # kept by the callback, it is not updated by the epochs that follow
    X, y = iris
    keeper = _Keeper()
    clf = SGDNetClassifier((8,), max_iter=3, random_state=0)
    _fit(clf.set_callbacks(keeper), X, y)
    assert len(keeper.models) == 3
    for n_epochs, model in enumerate(keeper.models, start=1):
        alone = _fit(SGDNetClassifier((8,), max_iter=n_epochs, random_state=0), X, y)
        for got, want in zip(model.coefs_, alone.coefs_, strict=True):
            np.testing.assert_array_equal(got, want)


def test_the_range_test_runs_no_callbacks_of_the_estimator(iris):
    # each step of the range test is a partial_fit call of a clone, a fit of
    # its own to a callback: a progress bar per step, a monitor per step
    from sklearn_lr.range_test import lr_range_test

    class Counter(_Callback):
        calls = 0

        def setup(self, estimator, context):
            Counter.calls += 1  # on the class: the clone may copy the callback

    X, y = iris
    counter = Counter()
    clf = SGDNetClassifier((8,), batch_size=30, random_state=0).set_callbacks(counter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lr_range_test(clf, X, y, n_steps=20, random_state=0)
        assert len(result.lrs) > 1 and Counter.calls == 0
        clf.partial_fit(X, y, classes=np.unique(y))  # the estimator keeps them
    assert Counter.calls == 1
