"""Tests of ``sklearn_lr.plotting``: the drawn data, axes and labels."""

import copy
import doctest
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_iris
from sklearn.ensemble import BaggingClassifier, GradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    RandomizedSearchCV,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lr import SGDNetClassifier, SGDNetRegressor
from sklearn_lr.range_test import RangeTestResult, lr_range_test
from sklearn_lr.schedules import (
    Constant,
    CosineAnnealing,
    OneCycle,
    ReduceOnPlateau,
    Sequential,
    StepDecay,
    Warmup,
    trace,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import sklearn_lr.plotting as plotting_module  # noqa: E402
from sklearn_lr.plotting import (  # noqa: E402
    LearningRateDisplay,
    LearningRateSearchDisplay,
    RangeTestDisplay,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _steps(line):
    """The (x, α) of every step of an α line, after checking the point that
    closes it: the last α, held until the end of the last step."""
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    assert y[-1] == y[-2] and x[-1] > x[-2]
    return x[:-1], y[:-1]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _colors(*lines_or_colors):
    """Hex colors of lines (or of color specs such as "C0"), comparable."""
    return [
        to_hex(item.get_color() if hasattr(item, "get_color") else item)
        for item in lines_or_colors
    ]


# ------------------------------------------------------------ LearningRateDisplay


def test_from_estimator_draws_lr_history_loss_and_scores(iris):
    X, y = iris
    clf = SGDNetClassifier(
        (8,),
        learning_rate=OneCycle(max_alpha=0.1),
        batch_size=30,
        max_iter=6,
        early_stopping=True,
        n_iter_no_change=50,
        random_state=0,
    ).fit(X, y)
    per_epoch = len(clf.lr_history_) // clf.n_iter_
    assert per_epoch == 5  # 135 training samples after the 10% validation split
    display = LearningRateDisplay.from_estimator(clf)

    assert_array_equal(_steps(display.line_)[1], clf.lr_history_)
    assert_allclose(_steps(display.line_)[0], np.arange(30) / 5)
    assert_array_equal(display.loss_line_.get_ydata(), clf.loss_curve_)
    assert_array_equal(display.loss_line_.get_xdata(), np.arange(1, 7))
    assert_array_equal(display.score_line_.get_ydata(), clf.validation_scores_)
    assert display.loss_line_.axes is display.ax_loss_
    assert display.score_line_.axes is display.ax_score_
    assert display.line_.axes is display.ax_
    assert display.ax_.get_xlabel() == "epoch"
    assert display.ax_.get_ylabel() == "learning rate α"
    assert display.ax_loss_.get_ylabel() == "training loss"
    assert display.ax_score_.get_ylabel() == "validation score"
    assert display.figure_ is display.ax_.figure
    legend = display.ax_score_.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "OneCycle()",  # the repr: no parameter differs from its default
        "training loss",
        "validation score",
    ]


def test_from_estimator_without_validation_and_through_a_pipeline(iris):
    X, y = iris
    pipe = make_pipeline(
        StandardScaler(),
        SGDNetClassifier((4,), learning_rate=0.05, batch_size=50, max_iter=3),
    ).fit(X, y)
    net = pipe[-1]
    display = LearningRateDisplay.from_estimator(pipe, name="mine")
    assert_array_equal(_steps(display.line_)[1], net.lr_history_)
    assert_array_equal(display.loss_line_.get_ydata(), net.loss_curve_)
    assert display.score_line_ is None and display.ax_score_ is None
    assert display.line_.get_label() == "mine"
    label = LearningRateDisplay.from_estimator(net).line_.get_label()
    assert label == "Constant(alpha=0.05)"


def test_from_estimator_through_a_fitted_target_transformer(iris):
    X, _ = iris
    y = 100 + 10 * X[:, 0]
    net = SGDNetRegressor((4,), learning_rate=0.01, batch_size=50, max_iter=3)
    model = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), make_pipeline(net)),
        transformer=StandardScaler(),
    )
    with pytest.raises(NotFittedError, match="TransformedTargetRegressor"):
        LearningRateDisplay.from_estimator(model)
    model.fit(X, y)
    fitted = model.regressor_[-1][-1]  # the fitted copy, not ``net``
    for estimator in (model, make_pipeline(model)):
        display = LearningRateDisplay.from_estimator(estimator)
        assert_array_equal(_steps(display.line_)[1], fitted.lr_history_)
        assert_array_equal(display.loss_line_.get_ydata(), fitted.loss_curve_)


def test_from_estimator_through_a_fitted_search(iris):
    X, y = iris
    pipe = make_pipeline(
        StandardScaler(), SGDNetClassifier((4,), batch_size=50, max_iter=3)
    )
    grid = {"sgdnetclassifier__learning_rate": [CosineAnnealing(alpha=0.1), 0.05]}
    search = GridSearchCV(pipe, grid, cv=2)
    with pytest.raises(NotFittedError, match="GridSearchCV"):
        LearningRateDisplay.from_estimator(search)
    randomized = RandomizedSearchCV(pipe, grid, n_iter=1, cv=2)
    with pytest.raises(NotFittedError, match="RandomizedSearchCV"):
        LearningRateDisplay.from_estimator(randomized)
    search.fit(X, y)
    best = search.best_estimator_[-1]
    for estimator in (search, make_pipeline(search)):
        display = LearningRateDisplay.from_estimator(estimator)
        assert_array_equal(_steps(display.line_)[1], best.lr_history_)
        assert_array_equal(display.loss_line_.get_ydata(), best.loss_curve_)
    no_refit = GridSearchCV(pipe, grid, cv=2, refit=False).fit(X, y)
    with pytest.raises(ValueError, match="refit=False.*from_search"):
        LearningRateDisplay.from_estimator(no_refit)


def test_from_estimator_requires_a_fitted_estimator():
    with pytest.raises(NotFittedError):
        LearningRateDisplay.from_estimator(SGDNetClassifier())


def test_from_estimator_refuses_other_models_by_name(iris):
    X, y = iris
    other = LogisticRegression().fit(X, y)
    for model in (
        other,
        LogisticRegression(),  # fitted or not, it has no learning rate
        make_pipeline(StandardScaler(), other),
        GridSearchCV(LogisticRegression(), {"C": [1.0]}, cv=2).fit(X, y),
    ):
        with pytest.raises(TypeError, match="SGDNetClassifier.*got LogisticRegression"):
            LearningRateDisplay.from_estimator(model)


def test_from_policy_draws_trace_and_losses():
    policy = ReduceOnPlateau(alpha=0.1, patience=0)
    losses = [1.0, 0.9, 0.95, 0.96, 0.8, 0.7]
    display = LearningRateDisplay.from_policy(policy, 5, 4, losses=losses)
    assert_array_equal(_steps(display.line_)[1], trace(policy, 5, 4, losses=losses))
    assert_allclose(_steps(display.line_)[0], np.arange(20) / 4)
    assert_array_equal(display.loss_line_.get_ydata(), losses[:5])
    assert display.line_.get_label() == "ReduceOnPlateau(alpha=0.1, patience=0)"
    assert display.line_.get_drawstyle() == "steps-post"
    scored = LearningRateDisplay.from_policy(
        ReduceOnPlateau(alpha=0.1, patience=0, monitor="score"),
        3,
        1,
        losses=[1.0, 0.9, 0.8],
        scores=[0.5, 0.4, 0.6, 0.7],
    )
    assert_array_equal(_steps(scored.line_)[1], [0.1, 0.1, 0.05])
    assert_array_equal(scored.score_line_.get_ydata(), [0.5, 0.4, 0.6])
    plain = LearningRateDisplay.from_policy(0.3, 2, 3)
    assert_array_equal(_steps(plain.line_)[1], np.full(6, 0.3))
    assert plain.loss_line_ is None and plain.ax_loss_ is None
    assert plain.line_.get_label() == "Constant(alpha=0.3)"


def test_a_policy_too_long_for_a_legend_is_named_by_its_family():
    policy = Sequential(
        [Constant(alpha=0.1), CosineAnnealing(alpha=0.1)], milestones=[2]
    )
    assert len(repr(policy)) > 60
    display = LearningRateDisplay.from_policy(policy, 4, 2)
    assert display.line_.get_label() == "Sequential(Constant, CosineAnnealing)"
    warm = LearningRateDisplay.from_policy(Warmup(CosineAnnealing(alpha=0.1)), 4, 2)
    assert warm.line_.get_label() == "Warmup(policy=CosineAnnealing(alpha=0.1))"
    long_warm = Warmup(StepDecay(alpha=0.1, drop=0.25, every=3), epochs=2)
    assert len(repr(long_warm)) > 60
    long_display = LearningRateDisplay.from_policy(long_warm, 4, 2)
    assert long_display.line_.get_label() == "Warmup(StepDecay)"
    short = LearningRateDisplay.from_policy(Warmup(0.1, epochs=1), 4, 2)
    assert short.line_.get_label() == repr(Warmup(0.1, epochs=1))


class _PlainPolicy:
    """A policy of a user's own without a repr of its own."""

    def start(self, max_epochs):
        return self

    def rate(self, t):
        return 0.1

    def observe(self, t, *, loss=None, score=None):
        pass


def test_a_policy_without_a_repr_is_named_by_its_class():
    display = LearningRateDisplay.from_policy(_PlainPolicy(), 2, 2)
    assert display.line_.get_label() == "_PlainPolicy"
    assert_array_equal(_steps(display.line_)[1], [0.1] * 4)


def test_a_new_figure_has_room_for_both_right_axes():
    display = LearningRateDisplay(
        [0.1, 0.2, 0.3, 0.4], loss_curve=[1.0, 0.5], validation_scores=[0.6, 0.8]
    ).plot()
    figure = display.figure_
    figure.canvas.draw()
    outer = display.ax_score_.get_tightbbox(figure.canvas.get_renderer())
    assert outer.x1 <= figure.bbox.x1  # the score axis and its label are not cut
    # axes of the user's keep the layout the user gave them
    fig, ax = plt.subplots()
    right = fig.subplotpars.right
    LearningRateDisplay(
        [0.1, 0.2, 0.3, 0.4], loss_curve=[1.0, 0.5], validation_scores=[0.6, 0.8]
    ).plot(ax=ax)
    assert fig.subplotpars.right == right


def test_the_score_axis_sits_beside_the_loss_axis():
    # two right axes at the same place would draw their ticks over each other
    display = LearningRateDisplay(
        [0.1, 0.2, 0.3, 0.4], loss_curve=[1.0, 0.5], validation_scores=[0.6, 0.8]
    ).plot()
    display.figure_.canvas.draw()
    renderer = display.figure_.canvas.get_renderer()
    loss_axis = display.ax_loss_.yaxis.get_tightbbox(renderer)
    score_axis = display.ax_score_.yaxis.get_tightbbox(renderer)
    assert score_axis.x0 >= loss_axis.x1


def test_subplots_sharing_x_keep_their_own_twins_and_legends():
    # axes that share x with another subplot are not its twins: each
    # subplot gets twins of its own, and a legend of the other is left alone
    fig, (top, bottom) = plt.subplots(2, sharex=True)
    bottom.plot([0, 1], [0, 1], label="mine")
    bottom.legend()
    first = LearningRateDisplay(
        [0.1, 0.2, 0.3, 0.4], loss_curve=[1.0, 0.5], validation_scores=[0.6, 0.8]
    ).plot(ax=top)
    assert bottom.get_legend() is not None
    texts = [t.get_text() for t in first.ax_score_.get_legend().get_texts()]
    assert texts == ["learning rate", "training loss", "validation score"]
    assert first.ax_loss_.spines["right"].get_position() != ("axes", 1.15)
    second = LearningRateDisplay([0.1, 0.2, 0.3, 0.4], loss_curve=[2.0, 1.0]).plot(
        ax=bottom
    )
    assert second.ax_loss_ is not first.ax_loss_
    assert second.ax_loss_.get_position().bounds == bottom.get_position().bounds
    assert len(fig.axes) == 5


def test_twin_keywords_win_and_leave_no_stray_lines():
    # loss_kw and score_kw are the last word on their lines (a color under
    # any alias included), and choosing colors leaves nothing behind on ax
    display = LearningRateDisplay(
        [0.1, 0.2, 0.3, 0.4], loss_curve=[1.0, 0.5], validation_scores=[0.6, 0.8]
    ).plot(
        loss_kw={"marker": "s", "c": "black"},
        score_kw={"label": "accuracy", "marker": "^"},
    )
    assert display.loss_line_.get_marker() == "s"
    # the color given takes no entry of the cycle: the score line has the next
    assert _colors(display.loss_line_, display.score_line_) == _colors("black", "C1")
    assert display.score_line_.get_marker() == "^"
    assert display.score_line_.get_label() == "accuracy"
    assert display.ax_.get_lines() == [display.line_]
    assert display.ax_loss_.get_lines() == [display.loss_line_]


def test_a_named_single_run_has_a_legend():
    named = LearningRateDisplay([0.1, 0.2], name="run").plot()
    assert [t.get_text() for t in named.ax_.get_legend().get_texts()] == ["run"]
    assert LearningRateDisplay([0.1, 0.2]).plot().ax_.get_legend() is None


def test_plot_on_given_axes_with_line_keywords():
    fig, (left, right) = plt.subplots(1, 2)
    display = LearningRateDisplay.from_policy(
        StepDecay(alpha=0.1, every=1), 3, 2, ax=right, color="red", linewidth=3
    )
    assert display.ax_ is right and display.figure_ is fig
    assert display.line_ in right.lines and not left.lines
    assert display.line_.get_color() == "red"
    assert display.line_.get_linewidth() == 3


def test_displays_drawn_on_the_same_axes_share_twins_and_legend(iris):
    X, y = iris
    fig, ax = plt.subplots()
    # one policy at two α: the labels tell the runs apart
    policies = [StepDecay(alpha=0.1, every=2), StepDecay(every=2)]
    nets = [
        SGDNetClassifier(
            (4,), learning_rate=policy, batch_size=50, max_iter=4, early_stopping=True
        ).fit(X, y)
        for policy in policies
    ]
    first, second = (LearningRateDisplay.from_estimator(net, ax=ax) for net in nets)
    # alone, the first keeps one color per quantity
    assert _colors(first.line_, first.loss_line_, first.score_line_) == _colors(
        "C0", "C1", "C2"
    )
    # the second reuses the twin axes: one loss and one score scale in all
    assert len(fig.axes) == 3
    assert second.ax_loss_ is first.ax_loss_ and second.ax_score_ is first.ax_score_
    lines = [
        line
        for display in (first, second)
        for line in (display.line_, display.loss_line_, display.score_line_)
    ]
    assert len(set(_colors(*lines))) == 6
    # one legend, on the top twin, naming every line and its run
    legends = [axes.get_legend() for axes in fig.axes]
    assert legends[:2] == [None, None]
    first_name, second_name = "StepDecay(alpha=0.1, every=2)", "StepDecay(every=2)"
    assert [t.get_text() for t in legends[2].get_texts()] == [
        first_name,
        second_name,
        f"training loss ({first_name})",
        f"training loss ({second_name})",
        f"validation score ({first_name})",
        f"validation score ({second_name})",
    ]


def test_a_twin_of_the_users_keeps_its_labels():
    fig, ax = plt.subplots()
    ax.twinx().plot([1, 2], [3, 4], label="mine")
    LearningRateDisplay([0.1, 0.1, 0.2, 0.2], loss_curve=[1.0, 0.5]).plot(ax=ax)
    legend = fig.axes[-1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "learning rate",
        "mine",
        "training loss",
    ]


def test_policies_drawn_on_the_same_axes_get_their_own_colors():
    _, ax = plt.subplots()
    policies = [CosineAnnealing(alpha=0.1), StepDecay(alpha=0.1), Constant(0.05)]
    displays = [
        LearningRateDisplay.from_policy(policy, 4, 2, ax=ax, name=str(i))
        for i, policy in enumerate(policies)
    ]
    assert _colors(*(d.line_ for d in displays)) == _colors("C0", "C1", "C2")
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["0", "1", "2"]


def test_runs_keep_cycling_colors_once_the_cycle_is_used_up():
    # 2 colors per run (α and loss): 5 runs use the 10 of the cycle; later
    # runs take the least used again, in cycle order, not C0 every time
    _, ax = plt.subplots()
    displays = [
        LearningRateDisplay([0.1, 0.1], loss_curve=[1.0, 0.5], name=str(i)).plot(ax=ax)
        for i in range(7)
    ]
    colors = [_colors(d.line_, d.loss_line_) for d in displays]
    assert colors == [_colors(f"C{2 * i}", f"C{2 * i + 1}") for i in range(5)] + [
        _colors("C0", "C1"),
        _colors("C2", "C3"),
    ]


def test_displays_follow_and_advance_the_color_cycle_of_their_axes():
    # as matplotlib colors a line: the axes' own cycle, which moves on, so
    # the user's next line gets a color of its own; a given color is kept
    # and takes none from the cycle
    _, ax = plt.subplots()
    ax.set_prop_cycle(color=["black", "red", "green", "blue"])
    first = LearningRateDisplay([0.1, 0.1], loss_curve=[1.0, 0.5]).plot(ax=ax)
    assert _colors(first.line_, first.loss_line_) == _colors("black", "red")
    (mine,) = ax.plot([1, 2], [0.1, 0.2])
    assert _colors(mine) == _colors("green")
    given = LearningRateDisplay([0.1]).plot(ax=ax, color="orange")
    assert _colors(given.line_) == _colors("orange")
    lrs = np.geomspace(1e-4, 1, 6)
    test = RangeTestDisplay(lrs, [2.0, 1.9, 1.0, 0.5, 0.4, 9.0], 1e-2).plot(ax=ax)
    assert _colors(test.line_, test.suggested_line_) == _colors("blue", "blue")
    # a cycle of more than colors: each line takes one whole entry
    _, ax = plt.subplots()
    ax.set_prop_cycle(color=["black", "red", "green"], linestyle=["-", "--", ":"])
    first = LearningRateDisplay([0.1, 0.1], loss_curve=[1.0, 0.5]).plot(ax=ax)
    (mine,) = ax.plot([1, 2], [0.1, 0.2])
    drawn = [
        (line.get_color(), line.get_linestyle())
        for line in (first.line_, first.loss_line_, mine)
    ]
    assert drawn == [("black", "-"), ("red", "--"), ("green", ":")]
    _, ax = plt.subplots()
    ax.set_prop_cycle(color=["black", "red"], linestyle=["-", "--"])
    test = RangeTestDisplay(lrs, [2.0, 1.9, 1.0, 0.5, 0.4, 9.0]).plot(ax=ax)
    (mine,) = ax.plot([1e-3, 1e-2], [1.0, 1.0])
    drawn = [(line.get_color(), line.get_linestyle()) for line in (test.line_, mine)]
    assert drawn == [("black", "-"), ("red", "--")]
    # line widths too; and a twin's own keywords win, under any alias
    _, ax = plt.subplots()
    ax.set_prop_cycle(color=["black", "red"], linewidth=[1.0, 4.0])
    first = LearningRateDisplay([0.1, 0.1], loss_curve=[1.0, 0.5]).plot(
        ax=ax, loss_kw={"ls": "--"}
    )
    assert first.loss_line_.get_linewidth() == 4.0
    assert first.loss_line_.get_linestyle() == "--"
    assert _colors(first.loss_line_) == _colors("red")


def test_a_diverged_epoch_leaves_the_loss_axis_through_the_top():
    # a diverged epoch's loss stays in loss_curve_: it must not flatten the
    # other epochs at the bottom of the loss axis
    losses = [1.0, 0.8, 1e50, 0.6, 0.5]
    display = LearningRateDisplay([0.1] * 5, loss_curve=losses).plot()
    bottom, top = display.ax_loss_.get_ylim()
    assert top == pytest.approx(1.0 + 0.05 * 0.5)
    assert bottom == pytest.approx(0.5 - 0.05 * (top - 0.5))
    # the exploded point is still drawn, above the top
    assert_array_equal(display.loss_line_.get_ydata(), losses)
    # a run drawn on the same axes afterwards is not cut by the earlier limits
    later = LearningRateDisplay([0.1] * 2, loss_curve=[3.0, 2.0]).plot(ax=display.ax_)
    assert later.ax_loss_.get_ylim()[1] == pytest.approx(3.0 + 0.05 * 2.5)
    # losses climbing there step by step fill the gap: the axis scales itself
    climbing = np.geomspace(1.0, 1e50, 30)
    LearningRateDisplay([0.1] * 30, loss_curve=climbing).plot(ax=display.ax_)
    assert later.ax_loss_.get_ylim()[1] >= 1e50
    # a run that diverged in its second epoch: one loss kept, with a margin
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Attempting to set identical ... ylims"
        early = LearningRateDisplay([0.1] * 2, loss_curve=[1.0, 1e50]).plot()
    bottom, top = early.ax_loss_.get_ylim()
    assert bottom < 1.0 < top < 2.0
    # a loss that falls steeply without exploding keeps its whole axis
    falling = LearningRateDisplay([0.1] * 3, loss_curve=[2.0, 1e-4, 1e-6]).plot()
    assert falling.ax_loss_.get_ylim()[1] > 2.0


def test_a_large_first_loss_and_a_run_on_another_scale_stay_in_view():
    # a first epoch far above the rest is training that converged fast (an
    # unscaled regression target), not a diverged epoch
    fast = LearningRateDisplay([0.1] * 4, loss_curve=[17767.3, 0.506, 0.508, 0.51])
    assert fast.plot().ax_loss_.get_ylim()[1] > 17767.3
    # runs on their own scales share the axes without cutting each other
    small = LearningRateDisplay([0.1] * 2, loss_curve=[1.0, 0.5]).plot()
    LearningRateDisplay([0.1] * 2, loss_curve=[5e4, 4e4]).plot(ax=small.ax_)
    assert small.ax_loss_.get_ylim()[1] > 5e4
    # and a diverged epoch after a large first loss still leaves through the top
    diverged = [5e4, 4e4, 1e12, 3e4]
    top = LearningRateDisplay([0.1] * 4, loss_curve=diverged).plot()
    assert top.ax_loss_.get_ylim()[1] < 1e5


def test_a_loss_explodes_past_ten_thousand_times_the_larger_of_one_and_the_last():
    # the rule the docstring states: 10^4 x max(last loss in view, 1)
    below_one = LearningRateDisplay([0.1] * 3, loss_curve=[1e-3, 50.0, 40.0]).plot()
    assert below_one.ax_loss_.get_ylim()[1] > 50.0  # not 10^4 x 1e-3
    above = LearningRateDisplay([0.1] * 3, loss_curve=[1e-3, 2e4, 1e-3]).plot()
    assert above.ax_loss_.get_ylim()[1] < 1.0


def test_a_twin_line_names_its_run_when_several_runs_share_the_axes():
    # one run with validation scores among two: its score line, alone on its
    # twin, must still tell which run it belongs to
    _, ax = plt.subplots()
    first = LearningRateDisplay([0.1, 0.1], loss_curve=[1.0, 0.5], name="a")
    first.plot(ax=ax)
    legend = ax.figure.axes[-1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["a", "training loss"]
    LearningRateDisplay(
        [0.2, 0.2], loss_curve=[1.0, 0.5], validation_scores=[0.5, 0.6], name="b"
    ).plot(ax=ax)
    legend = ax.figure.axes[-1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "a",
        "b",
        "training loss (a)",
        "training loss (b)",
        "validation score (b)",
    ]
    # the legend the first run left on the loss twin is gone
    assert sum(axes.get_legend() is not None for axes in ax.figure.axes) == 1


def test_a_new_figure_with_a_layout_engine_is_not_adjusted():
    # subplots_adjust would warn that the layout engine ignores it; the
    # engine makes room for the second right axis itself
    with matplotlib.rc_context({"figure.constrained_layout.use": True}):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            display = LearningRateDisplay(
                [0.1, 0.2, 0.3, 0.4],
                loss_curve=[1.0, 0.5],
                validation_scores=[0.6, 0.8],
            ).plot()
            figure = display.figure_
            figure.canvas.draw()
    outer = display.ax_score_.get_tightbbox(figure.canvas.get_renderer())
    assert outer.x1 <= figure.bbox.x1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(lr_history=[]), "lr_history is empty"),
        (dict(lr_history=[0.1, 0.1], steps_per_epoch=0), "positive number"),
        (dict(lr_history=[0.1, 0.1], steps_per_epoch=-2.0), "positive number"),
        (dict(lr_history=[0.1, 0.1], steps_per_epoch=np.inf), "positive number"),
        (dict(lr_history=[0.1, 0.1], steps_per_epoch=[1, 0, 1]), "positive and sum"),
        # counts of steps are whole: a sum that fits is not enough
        (dict(lr_history=[0.1] * 5, steps_per_epoch=[2.5, 2.5]), "whole numbers"),
        (dict(lr_history=[0.1] * 5, steps_per_epoch=[2, np.nan]), "whole numbers"),
    ],
)
def test_display_refuses_input_it_cannot_draw_before_making_a_figure(kwargs, match):
    n_figures = len(plt.get_fignums())
    with pytest.raises(ValueError, match=match):
        LearningRateDisplay(**kwargs).plot()
    assert len(plt.get_fignums()) == n_figures


def test_display_without_steps_per_epoch_counts_steps_or_infers_them():
    display = LearningRateDisplay([0.1, 0.2, 0.3]).plot()
    assert display.ax_.get_xlabel() == "step"
    assert_array_equal(_steps(display.line_)[0], [0, 1, 2])
    inferred = LearningRateDisplay([0.1, 0.2, 0.3, 0.4], loss_curve=[2.0, 1.0]).plot()
    assert inferred.ax_.get_xlabel() == "epoch"
    assert_array_equal(_steps(inferred.line_)[0], [0, 0.5, 1, 1.5])
    assert_array_equal(inferred.loss_line_.get_xdata(), [1, 2])
    # validation scores alone give the epochs too: each at its epoch's end
    scored = LearningRateDisplay([0.1] * 3 + [0.05] * 3, validation_scores=[0.5, 0.6])
    scored.plot()
    assert scored.ax_.get_xlabel() == "epoch"
    assert_array_equal(_steps(scored.line_)[0], np.arange(6) / 3)
    assert_array_equal(scored.score_line_.get_xdata(), [1, 2])


def test_display_places_unequal_partial_fit_chunks_at_their_epoch_clock(iris):
    # chunks of 150, 30 and 75 rows at batch 15: 10, 2 and 5 steps; step k of
    # epoch e ran at clock e + k / B_e, so every drawn (x, α) is on the policy
    X, y = iris
    policy = StepDecay(alpha=0.1, drop=0.5, every=1)
    clf = SGDNetClassifier((4,), learning_rate=policy, batch_size=15, random_state=0)
    for n in (150, 30, 75):
        clf.partial_fit(X[:n], y[:n], classes=[0, 1, 2])
    display = LearningRateDisplay.from_estimator(clf)
    x = _steps(display.line_)[0]
    expected = [k / 10 for k in range(10)] + [1, 1.5] + [2 + k / 5 for k in range(5)]
    assert_allclose(x, expected)
    schedule = policy.start(max_epochs=3)
    assert_array_equal(_steps(display.line_)[1], [schedule.rate(t) for t in x])
    # a model loaded from a file plots the same; a new fit starts afresh
    loaded = pickle.loads(pickle.dumps(clf))
    assert_array_equal(_steps(LearningRateDisplay.from_estimator(loaded).line_)[0], x)
    clf.set_params(max_iter=2).fit(X[::5], y[::5])
    assert_allclose(
        _steps(LearningRateDisplay.from_estimator(clf).line_)[0],
        [0, 0.5, 1, 1.5],
    )


@given(st.lists(st.integers(1, 12), min_size=1, max_size=8))
def test_steps_sit_at_their_epoch_clock_for_any_counts(counts):
    n_steps = sum(counts)
    display = LearningRateDisplay(np.arange(n_steps), steps_per_epoch=counts)
    x = _steps(display.plot().line_)[0]
    plt.close(display.figure_)
    # epoch e holds its B_e steps at e, e + 1/B_e, ..., in order
    expected = [e + k / b for e, b in enumerate(counts) for k in range(b)]
    assert_allclose(x, expected, rtol=0, atol=1e-12)
    assert (np.diff(x) > 0).all()
    assert_array_equal(np.floor(x + 1e-12), np.repeat(np.arange(len(counts)), counts))


def test_a_model_saved_without_step_counts_still_plots_and_trains(iris):
    # models saved before the estimator recorded the steps of every epoch
    X, y = iris
    clf = SGDNetClassifier((4,), batch_size=50, max_iter=3, random_state=0)
    clf.fit(X, y)
    del clf._epoch_steps
    loaded = pickle.loads(pickle.dumps(clf))
    display = LearningRateDisplay.from_estimator(loaded)
    assert_allclose(_steps(display.line_)[0], np.arange(9) / 3)
    loaded.partial_fit(X[:100], y[:100])  # 2 steps
    display = LearningRateDisplay.from_estimator(loaded)
    assert_allclose(_steps(display.line_)[0][-3:], [8 / 3, 3, 3.5])


def test_display_takes_one_step_count_per_epoch():
    display = LearningRateDisplay(
        [0.1, 0.2, 0.3, 0.4], loss_curve=[2.0, 1.0], steps_per_epoch=[3, 1]
    ).plot()
    assert_allclose(_steps(display.line_)[0], [0, 1 / 3, 2 / 3, 1])
    assert display.ax_.get_xlabel() == "epoch"
    for counts in ([3, 2], [4, 0]):
        display = LearningRateDisplay([0.1, 0.2, 0.3, 0.4], steps_per_epoch=counts)
        with pytest.raises(ValueError, match="sum to the 4 steps of lr_history"):
            display.plot()


def test_step_counts_held_as_floats_are_counts():
    # whole counts in a float array (say, from a DataFrame column) are
    # drawn as the integers they are
    lrs = [0.1, 0.1, 0.05, 0.05, 0.05]
    ints = LearningRateDisplay(lrs, loss_curve=[1, 0.5], steps_per_epoch=[2, 3])
    floats = LearningRateDisplay(
        lrs, loss_curve=[1, 0.5], steps_per_epoch=np.array([2.0, 3.0])
    )
    expected = _steps(ints.plot().line_)[0]
    assert_allclose(_steps(floats.plot().line_)[0], expected)
    assert_allclose(expected, [0, 0.5, 1, 4 / 3, 5 / 3])


def test_a_single_step_is_drawn_as_a_marker(iris):
    # a steps-post line of one point draws nothing: one partial_fit of a single
    # batch would leave an empty plot
    X, y = iris
    clf = SGDNetClassifier((4,), learning_rate=0.05, batch_size=200, random_state=0)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    display = LearningRateDisplay.from_estimator(clf)
    assert_array_equal(_steps(display.line_)[1], [0.05])
    assert display.line_.get_marker() == "o"
    assert display.line_.get_drawstyle() == "steps-post"
    # more steps: the plain step function, unless the caller asks otherwise
    assert LearningRateDisplay([0.1, 0.2]).plot().line_.get_marker() == "None"
    own = LearningRateDisplay([0.1]).plot(marker="x")
    assert own.line_.get_marker() == "x"


def test_from_estimator_labels_the_policy_of_the_run(iris):
    # after set_params, partial_fit keeps the running schedule: the label
    # names the policy that made the rates, not the new learning_rate
    X, y = iris
    clf = SGDNetClassifier(
        (4,), learning_rate=StepDecay(0.1, every=1), batch_size=75, random_state=0
    )
    clf.partial_fit(X, y, classes=[0, 1, 2])
    clf.set_params(learning_rate=Constant(0.5)).partial_fit(X, y)
    assert_array_equal(clf.lr_history_, [0.1, 0.1, 0.05, 0.05])
    display = LearningRateDisplay.from_estimator(clf)
    assert display.line_.get_label() == "StepDecay(alpha=0.1, every=1)"
    named = LearningRateDisplay.from_estimator(clf, name="mine")
    assert named.line_.get_label() == "mine"
    # the next fit starts a run of the new policy
    clf.fit(X, y)
    assert LearningRateDisplay.from_estimator(clf).line_.get_label() == (
        "Constant(alpha=0.5)"
    )
    # a float α is named as Constant, a long repr by its family, a policy
    # without a repr by its class, as from_policy names them
    long_warm = Warmup(
        Sequential([0.1, Warmup(StepDecay(0.1, every=3), epochs=0.25)], milestones=[1]),
        epochs=0.5,
    )
    for policy, label in [
        (0.2, "Constant(alpha=0.2)"),
        (long_warm, "Warmup(Sequential(Constant, Warmup(StepDecay)))"),
        (_PlainPolicy(), "_PlainPolicy"),
    ]:
        assert LearningRateDisplay.from_policy(policy, 2, 2).line_.get_label() == (
            label
        )
        clf = SGDNetClassifier((4,), learning_rate=policy, max_iter=2, batch_size=75)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X, y)
        clf.set_params(learning_rate=CosineAnnealing())
        display = LearningRateDisplay.from_estimator(clf)
        assert display.line_.get_label() == label
    # a model without the record (pickled by an older version) is named by
    # its learning_rate
    del clf._run_label
    display = LearningRateDisplay.from_estimator(clf)
    assert display.line_.get_label() == "CosineAnnealing()"


# --------------------------------------------------------------- RangeTestDisplay


def test_range_test_display_draws_the_result_with_markers(iris):
    X, y = iris
    net = SGDNetClassifier((8,), batch_size=16, random_state=0)
    display = RangeTestDisplay.from_estimator(net, X, y, random_state=0)
    result = lr_range_test(net, X, y, random_state=0)
    assert_array_equal(display.line_.get_xdata(), result.lrs)
    assert_array_equal(display.line_.get_ydata(), result.losses)
    assert display.ax_.get_xscale() == "log"
    assert display.ax_.get_xlabel() == "learning rate α"
    assert display.ax_.get_ylabel() == "smoothed training loss"
    assert list(display.suggested_line_.get_xdata()) == [result.suggested_lr] * 2
    assert list(display.valley_line_.get_xdata()) == [result.valley_lr] * 2
    # the marks take the curve's color; their line style tells them apart
    marks = (display.suggested_line_, display.valley_line_)
    assert _colors(display.line_, *marks) == _colors("C0", "C0", "C0")
    assert [mark.get_linestyle() for mark in marks] == ["--", ":"]
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels == [
        "SGDNetClassifier",
        f"steepest (SGDNetClassifier): α = {result.suggested_lr:.3g}",
        f"valley (SGDNetClassifier): α = {result.valley_lr:.3g}",
    ]
    # the diverging end is cut off: the top is near the highest loss before
    # the minimum, far below the last loss
    low = np.argmin(result.losses)
    top = display.ax_.get_ylim()[1]
    assert result.losses[: low + 1].max() < top < result.losses[-1]


def test_a_cut_range_test_plot_keeps_its_bottom_near_the_curve():
    # the top cuts off the explosion; the bottom must not keep the margin
    # that matplotlib gave the explosion
    losses = np.array([2.0, 1.9, 1.0, 0.3, 0.05, 30.0])
    display = RangeTestDisplay(np.geomspace(1e-4, 1, 6), losses).plot()
    bottom, top = display.ax_.get_ylim()
    assert top == pytest.approx(2.0 + 0.05 * (2.0 - 0.05))
    assert bottom == pytest.approx(0.05 - 0.05 * (top - 0.05))
    # the vertical marks of the suggestions are no curve: same limits
    marked = RangeTestDisplay(
        np.geomspace(1e-4, 1, 6), losses, suggested_lr=1e-3, valley_lr=1e-2
    ).plot()
    assert marked.ax_.get_ylim() == pytest.approx((bottom, top))
    # on a log axis, a positive bottom, 5% of the range below in log scale
    _, ax = plt.subplots()
    ax.set_yscale("log")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "non-positive ylim on a log-scaled axis"
        RangeTestDisplay(np.geomspace(1e-4, 1, 6), losses).plot(ax=ax)
    bottom, top = ax.get_ylim()
    assert bottom == pytest.approx(0.05 / (top / 0.05) ** 0.05)


def test_range_tests_drawn_on_the_same_axes_get_their_own_colors(iris):
    X, y = iris
    _, ax = plt.subplots()
    displays = [
        RangeTestDisplay.from_estimator(
            SGDNetClassifier(hidden, batch_size=16, random_state=0),
            X,
            y,
            ax=ax,
            name=str(hidden),
            random_state=0,
        )
        for hidden in [(4,), (8,)]
    ]
    assert [d.line_.get_label() for d in displays] == ["(4,)", "(8,)"]
    # one color per test, shared by its marks
    for display, color in zip(displays, ["C0", "C1"], strict=True):
        marks = (display.suggested_line_, display.valley_line_)
        assert _colors(display.line_, *marks) == _colors(color, color, color)
    assert len(ax.get_legend().get_texts()) == 6


def test_range_test_display_from_result_on_axes_and_without_suggestions():
    result = RangeTestResult(
        lrs=np.geomspace(1e-3, 1, 4),
        losses=np.array([1.0, 1.1, 1.2, 1.3]),
        raw_losses=np.array([1.0, 1.2, 1.3, 1.5]),
        suggested_lr=None,
        valley_lr=None,
        stopped_early=False,
    )
    _, ax = plt.subplots()
    display = RangeTestDisplay.from_result(result, ax=ax, name="rising", color="red")
    assert display.ax_ is ax
    assert display.line_.get_color() == "red"
    assert display.suggested_line_ is None and display.valley_line_ is None
    assert len(ax.lines) == 1 and display.line_.get_label() == "rising"
    # no descent: the y axis is not cut
    assert ax.get_ylim()[1] >= 1.3


def test_range_tests_keep_cycling_colors_and_name_their_marks():
    # one color per test, its marks included: twelve tests use up the cycle
    # of ten and start it over
    lrs = np.geomspace(1e-4, 1, 6)
    losses = [2.0, 1.9, 1.0, 0.5, 0.4, 9.0]
    _, ax = plt.subplots()
    displays = [
        RangeTestDisplay(
            lrs, losses, suggested_lr=1e-2, valley_lr=0.1, name=str(i)
        ).plot(ax=ax)
        for i in range(12)
    ]
    for display, i in zip(displays, [*range(10), 0, 1], strict=True):
        marks = (display.suggested_line_, display.valley_line_)
        assert _colors(display.line_, *marks) == _colors(f"C{i}", f"C{i}", f"C{i}")
    # the marks name their test, or only the suggestion when it has no name
    assert displays[3].suggested_line_.get_label() == "steepest (3): α = 0.01"
    # a line label given as a keyword names the test too
    labelled = RangeTestDisplay(lrs, losses, suggested_lr=1e-2).plot(label="mine")
    assert labelled.line_.get_label() == "mine"
    assert labelled.suggested_line_.get_label() == "steepest (mine): α = 0.01"
    assert displays[3].valley_line_.get_label() == "valley (3): α = 0.1"
    unnamed = RangeTestDisplay(lrs, losses, suggested_lr=1e-2, valley_lr=0.1).plot()
    assert unnamed.suggested_line_.get_label() == "steepest: α = 0.01"
    assert unnamed.valley_line_.get_label() == "valley: α = 0.1"


def test_range_tests_on_axes_sharing_y_keep_every_curve_visible():
    # limits set on one axes apply to those sharing its y axis: the second
    # test must not cut the first one's curve
    lrs = np.geomspace(1e-4, 1, 6)
    _, (left, right) = plt.subplots(ncols=2, sharey=True)
    RangeTestDisplay(lrs, [3.0, 2.9, 2.0, 1.0, 0.5, 9.0]).plot(ax=left)
    RangeTestDisplay(lrs, [0.3, 0.29, 0.2, 0.1, 0.05, 0.9]).plot(ax=right)
    for ax in (left, right):
        bottom, top = ax.get_ylim()
        assert top == pytest.approx(3.0 + 0.05 * 2.5)
        assert bottom < 0.05


def test_a_range_test_of_one_point_is_drawn_as_a_marker():
    # a line of one point draws nothing: a test that exploded at its first
    # step would leave an empty plot
    display = RangeTestDisplay([1e3], [2.3e4]).plot()
    assert display.line_.get_marker() == "o"
    assert RangeTestDisplay([1e-3, 1e-2], [2.0, 1.0]).plot().line_.get_marker() == (
        "None"
    )
    own = RangeTestDisplay([1e3], [2.3e4]).plot(marker="x")
    assert own.line_.get_marker() == "x"


@pytest.mark.parametrize("order", ["high first", "low first"])
def test_range_tests_on_the_same_axes_keep_every_curve_visible(order):
    # each curve alone would be cut a little above its highest loss before the
    # minimum; together the top is the highest of those, whichever came first
    lrs = np.geomspace(1e-4, 1, 6)
    high = [3.0, 2.9, 2.0, 1.0, 0.5, 9.0]  # alone: cut at 3.0 + 5% of 2.5
    low = [1.2, 1.1, 0.8, 0.4, 0.3, 5.0]  # alone: cut at 1.2 + 5% of 0.9
    curves = [high, low] if order == "high first" else [low, high]
    _, ax = plt.subplots()
    for i, losses in enumerate(curves):
        RangeTestDisplay(lrs, losses, name=str(i)).plot(ax=ax)
    bottom, top = ax.get_ylim()
    assert top == pytest.approx(3.0 + 0.05 * 2.5)
    assert bottom < 0.3  # below both minima
    # a later curve with a lower minimum extends the bottom too
    RangeTestDisplay(lrs, [0.25, 0.2, 0.1, 0.05, 0.01, 0.4], name="2").plot(ax=ax)
    bottom, top = ax.get_ylim()
    assert bottom < 0.01 and top == pytest.approx(3.125)
    # a later curve that needs no cut is not cut by the limits set before
    _, other = plt.subplots()
    RangeTestDisplay(lrs, high, name="0").plot(ax=other)
    RangeTestDisplay(lrs, [4.0, 4.5, 5.0, 5.5, 6.0, 6.5], name="r").plot(ax=other)
    assert other.get_ylim()[1] >= 6.5


# ------------------------------------------------------ LearningRateSearchDisplay


@pytest.fixture(scope="module")
def search(iris):
    X, y = iris
    grid = [
        {"learning_rate": [0.01, 0.1, 1.0]},
        {
            "learning_rate": [CosineAnnealing()],
            "learning_rate__alpha": [0.01, 0.1, 1.0],
        },
    ]
    net = SGDNetClassifier((4,), batch_size=50, max_iter=4, random_state=0)
    return GridSearchCV(net, grid, cv=2).fit(X, y)


def _scores(search, label, alpha):
    results = search.cv_results_
    for i, params in enumerate(results["params"]):
        policy = params["learning_rate"]
        name = "Constant" if isinstance(policy, float) else type(policy).__name__
        value = params.get("learning_rate__alpha", policy)
        if name == label and value == alpha:
            return results["mean_test_score"][i], results["std_test_score"][i]
    raise KeyError((label, alpha))


def test_search_display_one_line_per_policy(search):
    display = LearningRateSearchDisplay.from_search(search)
    assert [line.get_label() for line in display.lines_] == [
        "Constant",
        "CosineAnnealing",
    ]
    assert display.ax_.get_xscale() == "log"
    assert display.ax_.get_ylabel() == "mean CV score"
    for line, band in zip(display.lines_, display.bands_, strict=True):
        assert_array_equal(line.get_xdata(), [0.01, 0.1, 1.0])
        expected = [_scores(search, line.get_label(), a) for a in [0.01, 0.1, 1.0]]
        assert_allclose(line.get_ydata(), [m for m, _ in expected])
        # the band spans mean ± std
        ys = band.get_paths()[0].vertices[:, 1]
        assert ys.max() == pytest.approx(max(m + s for m, s in expected))
        assert ys.min() == pytest.approx(min(m - s for m, s in expected))


def test_search_display_changes_neither_the_search_nor_the_grid(search):
    # setting each candidate's learning_rate__alpha on a clone of the
    # estimator must not reach the policy object the grid and the results hold
    policy = search.param_grid[1]["learning_rate"][0]
    params = copy.deepcopy(search.cv_results_["params"])
    best = repr(search.best_params_)
    LearningRateSearchDisplay.from_search(search)
    assert policy.alpha == CosineAnnealing().alpha
    assert repr(search.cv_results_["params"]) == repr(params)
    assert repr(search.best_params_) == best


def test_search_display_pipeline_fixed_policy_and_best_of_other_params(iris):
    X, y = iris
    pipe = make_pipeline(
        SGDNetClassifier((4,), learning_rate=OneCycle(), max_iter=3, random_state=0)
    )
    grid = {
        "sgdnetclassifier__learning_rate__max_alpha": [0.05, 0.5],
        "sgdnetclassifier__l2": [1e-4, 1e-1],
    }
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    display = LearningRateSearchDisplay.from_search(search)
    (line,) = display.lines_
    assert line.get_label() == "OneCycle"
    assert_array_equal(line.get_xdata(), [0.05, 0.5])
    means = search.cv_results_["mean_test_score"].reshape(2, 2)  # (l2, alpha)
    params = search.cv_results_["params"]
    assert params[1]["sgdnetclassifier__learning_rate__max_alpha"] == 0.5
    assert_allclose(line.get_ydata(), means.max(axis=0))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.FitFailedWarning")
@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_search_display_draws_the_best_candidate_that_did_not_fail(iris):
    # two candidates share (Constant, 0.1); the first fails (momentum=2.0 is
    # invalid), and with error_score=np.nan its NaN must not hide the second
    X, y = iris
    net = SGDNetClassifier((4,), batch_size=50, max_iter=3, random_state=0)
    grid = {"learning_rate": [0.1], "momentum": [2.0, 0.9]}
    search = GridSearchCV(net, grid, cv=2, error_score=np.nan).fit(X, y)
    means = search.cv_results_["mean_test_score"]
    assert np.isnan(means[0]) and np.isfinite(means[1])
    (line,) = LearningRateSearchDisplay.from_search(search).lines_
    assert_array_equal(line.get_ydata(), [means[1]])


class _Results:
    """Stands for a fitted search: its estimator and cv_results_."""

    def __init__(self, alphas, means):
        self.estimator = SGDNetClassifier()
        self.cv_results_ = {
            "params": [{"learning_rate": a} for a in alphas],
            "mean_test_score": np.array(means, dtype=float),
            "std_test_score": np.zeros(len(means)),
        }


@pytest.mark.parametrize(
    "means, drawn",
    [
        ([np.nan, 0.5, 0.7, np.nan], 0.7),  # failed first and last
        ([0.5, np.nan, 0.4], 0.5),
        ([np.nan, np.nan], np.nan),  # all failed: NaN, as the search says
    ],
)
def test_search_display_a_nan_score_is_drawn_only_if_all_failed(means, drawn):
    search = _Results([0.1] * len(means), means)
    (line,) = LearningRateSearchDisplay.from_search(search).lines_
    assert_array_equal(line.get_ydata(), [drawn])


def test_search_display_takes_arrays():
    # arrays have no truth value: std_scores and labels are tested for None
    alphas = np.array([[0.01, 0.1, 1.0], [0.01, 0.1, 1.0]])
    means = np.array([[0.8, 0.9, 0.5], [0.85, 0.92, 0.6]])
    stds = np.full_like(means, 0.01)
    _, ax = plt.subplots()
    ax.plot([0.01, 1.0], [0.5, 0.5])  # a line of the user's: the cycle has moved on
    display = LearningRateSearchDisplay(
        alphas, means, std_scores=stds, labels=np.array(["Constant", "StepDecay"])
    ).plot(ax=ax, band_alpha=0.5)
    assert [line.get_label() for line in display.lines_] == ["Constant", "StepDecay"]
    assert all(band is not None for band in display.bands_)
    # each band in its line's color, with the opacity asked for
    for line, band in zip(display.lines_, display.bands_, strict=True):
        assert band.get_alpha() == 0.5
        assert to_hex(band.get_facecolor()[0], keep_alpha=False) == to_hex(
            line.get_color()
        )
    assert_array_equal(display.lines_[1].get_ydata(), means[1])
    legend = display.ax_.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Constant", "StepDecay"]
    # no labels: no legend; lines and scores that do not pair up: an error
    assert LearningRateSearchDisplay(alphas, means).plot().ax_.get_legend() is None
    with pytest.raises(ValueError):
        LearningRateSearchDisplay(alphas, means[:1]).plot()


def test_search_display_sorts_each_line_by_alpha():
    # an int α is a Constant like a float one: one line, in α order
    search = _Results([0.1, 0.01, 1], [0.7, 0.5, 0.2])
    (line,) = LearningRateSearchDisplay.from_search(search).lines_
    assert line.get_label() == "Constant"
    assert_array_equal(line.get_xdata(), [0.01, 0.1, 1.0])
    assert_array_equal(line.get_ydata(), [0.5, 0.7, 0.2])


def test_search_display_refuses_a_learning_rate_that_is_no_policy():
    search = _Results(["adaptive"], [0.5])
    with pytest.raises(ValueError, match="neither a float nor a learning-rate policy"):
        LearningRateSearchDisplay.from_search(search)


def test_search_display_explicit_parameters_and_axes(search):
    _, ax = plt.subplots()
    display = LearningRateSearchDisplay.from_search(
        search,
        policy_param="learning_rate",
        alpha_param="learning_rate__alpha",
        ax=ax,
        linestyle="--",
        marker="s",
    )
    assert display.ax_ is ax and len(ax.lines) == 2
    assert all(line.get_linestyle() == "--" for line in display.lines_)
    assert all(line.get_marker() == "s" for line in display.lines_)


def test_search_display_errors(iris, search):
    net = SGDNetClassifier((4,), max_iter=2)
    with pytest.raises(NotFittedError):
        LearningRateSearchDisplay.from_search(GridSearchCV(net, {"l2": [0.1]}))
    # a model that is no search, fitted or not, is not an unfitted search
    for model in (net, SGDNetClassifier((4,), max_iter=2).fit(*iris)):
        with pytest.raises(TypeError, match="needs a fitted search.*SGDNetClassifier"):
            LearningRateSearchDisplay.from_search(model)
    with pytest.raises(ValueError, match="policy_param='lr' is not a parameter"):
        LearningRateSearchDisplay.from_search(search, policy_param="lr")
    with pytest.raises(ValueError, match="as part of a network's learning rate"):
        LearningRateSearchDisplay.from_search(search, policy_param="activation")
    X, y = iris
    two = make_pipeline(StandardScaler(), net)
    fake = GridSearchCV(two, {"sgdnetclassifier__l2": [0.1]}, cv=2).fit(X, y)
    fake.estimator = make_pipeline(net, SGDNetClassifier())  # two learning rates
    fake.cv_results_ = {**fake.cv_results_, "params": [{"sgdnetclassifier-1__l2": 0.1}]}
    with pytest.raises(ValueError, match="Pass policy_param"):
        LearningRateSearchDisplay.from_search(fake)


def test_search_display_keeps_wrapped_policies_apart(iris):
    # two Warmups around different policies are two lines, not one line
    # keeping the better of each α
    X, y = iris
    grid = {
        "learning_rate": [Warmup(CosineAnnealing()), Warmup(StepDecay(every=1))],
        "learning_rate__policy__alpha": [0.01, 0.1],
    }
    net = SGDNetClassifier((4,), max_iter=3, random_state=0)
    search = GridSearchCV(net, grid, cv=2).fit(X, y)
    display = LearningRateSearchDisplay.from_search(
        search, alpha_param="learning_rate__policy__alpha"
    )
    labels = [line.get_label() for line in display.lines_]
    assert labels == ["Warmup(CosineAnnealing)", "Warmup(StepDecay)"]
    means = search.cv_results_["mean_test_score"]
    for line, rows in zip(display.lines_, ([0, 1], [2, 3]), strict=True):
        assert_array_equal(line.get_xdata(), [0.01, 0.1])
        assert_allclose(line.get_ydata(), means[rows])


@pytest.mark.parametrize("bad", ["adaptive", None, CosineAnnealing])
def test_search_display_leaves_out_failed_candidates_that_are_no_learning_rate(
    iris, bad
):
    # a string, None or a policy class fails its fits (error_score=nan) and
    # has no α: the other candidates are still drawn
    X, y = iris
    search = GridSearchCV(
        SGDNetClassifier((4,), max_iter=2, random_state=0),
        {"learning_rate": [0.01, 0.1, bad]},
        cv=2,
        error_score=np.nan,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the failed fits' FitFailedWarning
        search.fit(X, y)
    assert np.isnan(search.cv_results_["mean_test_score"][2])
    display = LearningRateSearchDisplay.from_search(search)
    assert [line.get_label() for line in display.lines_] == ["Constant"]
    assert_array_equal(display.lines_[0].get_xdata(), [0.01, 0.1])
    # a candidate that scored is never left out so
    search.cv_results_["mean_test_score"][2] = 0.5
    with pytest.raises(ValueError):
        LearningRateSearchDisplay.from_search(search)


def test_search_display_plots_the_refit_metric_even_beside_one_named_score(iris):
    X, y = iris
    search = GridSearchCV(
        SGDNetClassifier((4,), max_iter=2, random_state=0),
        {"learning_rate": [0.01, 0.3]},
        cv=2,
        scoring={"score": "accuracy", "nll": "neg_log_loss"},
        refit="nll",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    display = LearningRateSearchDisplay.from_search(search)
    assert_allclose(display.lines_[0].get_ydata(), search.cv_results_["mean_test_nll"])
    assert display.ax_.get_ylabel() == "mean CV nll"
    by_name = LearningRateSearchDisplay.from_search(search, metric="score")
    assert_allclose(
        by_name.lines_[0].get_ydata(), search.cv_results_["mean_test_score"]
    )


def test_search_display_and_labels_take_a_failed_float_or_a_policy_of_ones_own(iris):
    # an invalid α makes a failed candidate (error_score=nan), still a
    # Constant; a policy of one's own is named by its class, whatever its
    # attributes are called
    X, y = iris
    search = GridSearchCV(
        SGDNetClassifier((4,), max_iter=2, random_state=0),
        {"learning_rate": [0.0, 0.01, 0.1]},
        cv=2,
        error_score=np.nan,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the failed fits' FitFailedWarning
        search.fit(X, y)
    display = LearningRateSearchDisplay.from_search(search)
    assert [line.get_label() for line in display.lines_] == ["Constant"]
    assert_array_equal(display.lines_[0].get_xdata(), [0.0, 0.01, 0.1])

    class ModePolicy:
        def __init__(self, alpha=0.1, policy="halve"):
            self.alpha, self.policy = alpha, policy

        def start(self, max_epochs=None):
            return Constant(alpha=self.alpha).start(max_epochs)

    own = LearningRateDisplay.from_policy(ModePolicy(), 4, 2)
    assert own.line_.get_label() == "ModePolicy"


def test_search_display_finds_a_warmups_alpha_in_its_policy(iris):
    X, y = iris
    net = SGDNetClassifier(
        (4,), learning_rate=Warmup(CosineAnnealing()), max_iter=2, random_state=0
    )
    grid = {"learning_rate__policy__alpha": [0.02, 0.2]}
    search = GridSearchCV(net, grid, cv=2).fit(X, y)
    for alpha_param in (None, "learning_rate__policy__alpha"):
        display = LearningRateSearchDisplay.from_search(search, alpha_param=alpha_param)
        assert display.lines_[0].get_label() == "Warmup(CosineAnnealing)"
        assert_array_equal(display.lines_[0].get_xdata(), [0.02, 0.2])
        assert_allclose(
            display.lines_[0].get_ydata(), search.cv_results_["mean_test_score"]
        )
    # beside floats, with a float or a one-cycle policy warmed up
    grid = [
        {"learning_rate": [0.01, 0.1]},
        {"learning_rate": [Warmup(0.05), Warmup(OneCycle(max_alpha=0.3))]},
    ]
    search = GridSearchCV(net, grid, cv=2).fit(X, y)
    display = LearningRateSearchDisplay.from_search(search)
    drawn = {line.get_label(): line.get_xdata().tolist() for line in display.lines_}
    assert drawn == {
        "Constant": [0.01, 0.1],
        "Warmup(Constant)": [0.05],
        "Warmup(OneCycle)": [0.3],
    }
    # a Sequential has an alpha per policy: which one is the user's to say
    net.set_params(learning_rate=Sequential([0.01, StepDecay()], milestones=[1]))
    search = GridSearchCV(net, {"learning_rate__policies__1__alpha": [0.1]}, cv=2)
    search.fit(X, y)
    with pytest.raises(ValueError, match="pass alpha_param"):
        LearningRateSearchDisplay.from_search(search)
    display = LearningRateSearchDisplay.from_search(
        search, alpha_param="learning_rate__policies__1__alpha"
    )
    assert display.lines_[0].get_label() == "Sequential(Constant, StepDecay)"
    assert_array_equal(display.lines_[0].get_xdata(), [0.1])


def test_search_display_reads_the_learning_rate_each_candidate_trained_with(iris):
    # the learning rate set through another searched parameter: a whole
    # pipeline step, or the policy inside a Warmup (before, every candidate
    # was drawn with the base estimator's α, on one point)
    X, y = iris
    alphas = [0.001, 0.01, 0.1]
    steps = [SGDNetClassifier((4,), learning_rate=a, max_iter=2) for a in alphas]
    pipe = Pipeline([("scale", StandardScaler()), ("net", steps[1])])
    search = GridSearchCV(pipe, {"net": steps}, cv=2).fit(X, y)
    (line,) = LearningRateSearchDisplay.from_search(search).lines_
    assert_array_equal(line.get_xdata(), alphas)
    assert_allclose(line.get_ydata(), search.cv_results_["mean_test_score"])

    net = SGDNetClassifier((4,), learning_rate=Warmup(StepDecay(0.01)), max_iter=2)
    inner = [StepDecay(0.05), CosineAnnealing(0.1), CosineAnnealing(0.3)]
    search = GridSearchCV(net, {"learning_rate__policy": inner}, cv=2).fit(X, y)
    display = LearningRateSearchDisplay.from_search(
        search, alpha_param="learning_rate__policy__alpha"
    )
    drawn = {line.get_label(): line.get_xdata().tolist() for line in display.lines_}
    assert drawn == {"Warmup(StepDecay)": [0.05], "Warmup(CosineAnnealing)": [0.1, 0.3]}
    # or the inner policy itself named as the learning rate to plot
    display = LearningRateSearchDisplay.from_search(
        search, policy_param="learning_rate__policy"
    )
    drawn = {line.get_label(): line.get_xdata().tolist() for line in display.lines_}
    assert drawn == {"StepDecay": [0.05], "CosineAnnealing": [0.1, 0.3]}

    # another model searched in the same step has no learning rate: left out
    mixed = GridSearchCV(
        pipe,
        [{"net": steps[:2]}, {"net": [LogisticRegression()]}],
        cv=2,
    ).fit(X, y)
    (line,) = LearningRateSearchDisplay.from_search(mixed).lines_
    assert_array_equal(line.get_xdata(), alphas[:2])
    assert_allclose(line.get_ydata(), mixed.cv_results_["mean_test_score"][:2])
    # nor need the estimator's own step be a network: the grid brings them
    placeholder = Pipeline([("scale", StandardScaler()), ("net", LogisticRegression())])
    brought = GridSearchCV(placeholder, {"net": steps}, cv=2).fit(X, y)
    for policy_param in (None, "net__learning_rate"):
        display = LearningRateSearchDisplay.from_search(
            brought, policy_param=policy_param
        )
        assert_array_equal(display.lines_[0].get_xdata(), alphas)
    # a model with a learning_rate of its own is another model too, and one
    # that wraps a network (an ensemble of them) does not make the
    # learning-rate parameter ambiguous
    others = [
        GradientBoostingClassifier(n_estimators=2, learning_rate=0.01),
        BaggingClassifier(steps[0], n_estimators=2),
    ]
    mixed = GridSearchCV(pipe, {"net": steps[1:] + others}, cv=2).fit(X, y)
    (line,) = LearningRateSearchDisplay.from_search(mixed).lines_
    assert_array_equal(line.get_xdata(), alphas[1:])
    assert_allclose(line.get_ydata(), mixed.cv_results_["mean_test_score"][:2])
    only_other = GridSearchCV(pipe, {"net": [LogisticRegression()]}, cv=2).fit(X, y)
    with pytest.raises(ValueError, match="No candidate of the search has"):
        LearningRateSearchDisplay.from_search(
            only_other, policy_param="net__learning_rate"
        )


@pytest.mark.parametrize("refit", ["bal", False])
def test_search_display_plots_the_metric_named(iris, refit):
    X, y = iris
    net = SGDNetClassifier((4,), batch_size=50, max_iter=2, random_state=0)
    search = GridSearchCV(
        net,
        {"learning_rate": [Constant(alpha=0.01), Constant(alpha=0.1)]},
        scoring={"acc": "accuracy", "bal": "balanced_accuracy"},
        refit=refit,
        cv=2,
    ).fit(X, y)
    if refit:  # no metric named: the one the search was refitted on
        display = LearningRateSearchDisplay.from_search(search)
        assert display.ax_.get_ylabel() == "mean CV bal"
        assert_array_equal(display.lines_[0].get_xdata(), [0.01, 0.1])
        means = search.cv_results_["mean_test_bal"]
        assert_allclose(display.lines_[0].get_ydata(), means)
    display = LearningRateSearchDisplay.from_search(search, metric="acc")
    assert display.ax_.get_ylabel() == "mean CV acc"
    assert_allclose(display.lines_[0].get_ydata(), search.cv_results_["mean_test_acc"])
    assert_allclose(display.std_scores[0], search.cv_results_["std_test_acc"])
    with pytest.raises(ValueError, match=r"metric='f1'.*\['acc', 'bal'\]"):
        LearningRateSearchDisplay.from_search(search, metric="f1")
    if not refit:  # no metric named: the search does not say which one
        with pytest.raises(ValueError, match=r"metric=, one of \['acc', 'bal'\]"):
            LearningRateSearchDisplay.from_search(search)
    # a single-metric search's only score is "score"
    single = GridSearchCV(net, {"learning_rate": [0.01, 0.1]}, cv=2).fit(X, y)
    display = LearningRateSearchDisplay.from_search(single, metric="score")
    scores = single.cv_results_["mean_test_score"]
    assert_allclose(display.lines_[0].get_ydata(), scores)
    with pytest.raises(ValueError, match=r"metrics \['score'\]"):
        LearningRateSearchDisplay.from_search(single, metric="acc")


def test_search_display_plots_one_round_of_successive_halving(iris, search):
    X, y = iris
    net = SGDNetClassifier((4,), batch_size=50, random_state=0)
    alphas = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
    halving = HalvingGridSearchCV(
        net,
        {"learning_rate": alphas},
        resource="max_iter",
        min_resources=1,
        max_resources=9,
        factor=3,
        cv=2,
    ).fit(X, y)
    results = halving.cv_results_
    assert results["iter"].max() == 2  # rounds of 1, 3 and 9 epochs

    # the first round: every candidate, all with the same budget
    first = LearningRateSearchDisplay.from_search(halving)
    assert_array_equal(first.lines_[0].get_xdata(), alphas)
    assert_allclose(
        first.lines_[0].get_ydata(), results["mean_test_score"][results["iter"] == 0]
    )
    assert first.ax_.get_ylabel() == "mean CV score, max_iter=1"

    # the last round: the kept candidates at the largest budget
    last = LearningRateSearchDisplay.from_search(halving, iteration=-1)
    kept = results["iter"] == 2
    kept_alphas = [
        params["learning_rate"] for params in np.array(results["params"])[kept]
    ]
    assert_array_equal(last.lines_[0].get_xdata(), sorted(kept_alphas))
    order = np.argsort(kept_alphas)
    assert_allclose(last.lines_[0].get_ydata(), results["mean_test_score"][kept][order])
    assert_allclose(last.std_scores[0], results["std_test_score"][kept][order])
    assert last.ax_.get_ylabel() == "mean CV score, max_iter=9"

    with pytest.raises(ValueError, match=r"iteration must be an int in \[-3, 2\]"):
        LearningRateSearchDisplay.from_search(halving, iteration=3)
    with pytest.raises(ValueError, match="GridSearchCV has a single round"):
        LearningRateSearchDisplay.from_search(search, iteration=0)


# ------------------------------------------------------------- missing matplotlib


def test_missing_matplotlib_raises_with_the_install_hint(monkeypatch, search):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    hint = r'pip install "sklearn_lr\[plot\]"'
    calls = [
        lambda: LearningRateDisplay([0.1, 0.2]).plot(),
        lambda: LearningRateDisplay.from_policy(0.1, 2, 2),
        lambda: RangeTestDisplay([1e-3, 1e-2], [1.0, 0.5]).plot(),
        lambda: RangeTestDisplay.from_estimator(SGDNetClassifier(), [[0]], [0]),
        lambda: LearningRateSearchDisplay.from_search(search),
    ]
    for call in calls:
        with pytest.raises(ImportError, match=hint):
            call()


def test_importing_the_module_does_not_import_matplotlib():
    code = (
        "import sys, sklearn_lr.plotting, sklearn_lr.range_test; "
        "sys.exit('matplotlib' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_docstring_examples_run():
    result = doctest.testmod(plotting_module)
    assert result.failed == 0
    assert result.attempted >= 15


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_examples_of_the_display_methods_run():
    # doctest.testmod skips methods defined in another module than the one
    # that re-exports their class: the from_* examples are run here
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner()
    for name in plotting_module.__all__:
        display = getattr(plotting_module, name)
        for method in ("from_estimator", "from_policy", "from_search", "from_result"):
            if hasattr(display, method):
                for test in finder.find(getattr(display, method), name, globs={}):
                    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0
    assert result.attempted >= 20


def _legend_texts(display):
    legends = [a.get_legend() for a in display.figure_.axes if a.get_legend()]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


def test_a_single_run_legend_keeps_labels_given_in_loss_kw_and_score_kw():
    display = LearningRateDisplay(
        [0.1, 0.2, 0.3, 0.4], loss_curve=[1.0, 0.5], validation_scores=[0.6, 0.8]
    ).plot(loss_kw={"label": "log-loss"}, score_kw={"label": "accuracy"})
    assert display.loss_line_.get_label() == "log-loss"
    assert _legend_texts(display) == ["learning rate", "log-loss", "accuracy"]
    # without them the twins' lines are listed by the names of their axes
    plain = LearningRateDisplay(
        [0.1, 0.2], loss_curve=[1.0], validation_scores=[0.6], name="run"
    ).plot()
    assert _legend_texts(plain) == ["run", "training loss", "validation score"]


def test_a_label_keyword_names_the_run_on_the_twin_lines_too():
    fig, ax = plt.subplots()
    first = LearningRateDisplay([0.1, 0.05], loss_curve=[1.0, 0.5]).plot(
        ax=ax, label="run A"
    )
    second = LearningRateDisplay([0.2, 0.1], loss_curve=[2.0, 0.7]).plot(
        ax=ax, label="run B"
    )
    assert first.line_.get_label() == "run A"
    assert [line.get_label() for line in second.ax_loss_.get_lines()] == [
        "training loss (run A)",
        "training loss (run B)",
    ]
    assert "training loss (run B)" in _legend_texts(second)


@pytest.mark.parametrize(
    "display, match",
    [
        (RangeTestDisplay([1e-3, 1e-2], [1.0]), "lrs and losses"),
        (LearningRateSearchDisplay([[0.1, 0.2]], [[0.5]]), "mean_scores"),
        (LearningRateSearchDisplay([[0.1]], [[0.5], [0.6]]), "mean_scores"),
        (LearningRateSearchDisplay([[0.1]], [[0.5]], [[0.1, 0.2]]), "std_scores"),
        (LearningRateSearchDisplay([[0.1]], [[0.5]], labels=["a", "b"]), "labels"),
    ],
)
def test_displays_refuse_data_of_unequal_lengths_before_drawing(display, match):
    n_figures = len(plt.get_fignums())
    with pytest.raises(ValueError, match=match):
        display.plot()
    assert len(plt.get_fignums()) == n_figures


def test_from_policy_warns_that_a_policy_watching_the_score_gets_none():
    policy = ReduceOnPlateau(alpha=0.1, monitor="score", patience=0)
    with pytest.warns(UserWarning, match="watches the validation score") as record:
        display = LearningRateDisplay.from_policy(
            policy, n_epochs=4, steps_per_epoch=1, losses=[1.0] * 4
        )
    assert record[0].filename == __file__  # the caller's line
    assert_array_equal(display.line_.get_ydata(), [0.1] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LearningRateDisplay.from_policy(
            policy, n_epochs=4, steps_per_epoch=1, scores=[0.5] * 4
        )


def test_a_search_line_without_a_spread_is_drawn_without_a_band():
    display = LearningRateSearchDisplay(
        [[0.1, 0.2], [0.1, 0.2], [0.3]],
        [[0.5, 0.6], [0.4, 0.7], [0.8]],
        [None, [0.05, 0.05], None],
    ).plot()
    assert display.bands_[0] is None and display.bands_[2] is None
    assert display.bands_[1] is not None


@pytest.mark.parametrize("hidden", ["_nolegend_", "_hidden"])
def test_a_label_keyword_that_hides_the_line_names_no_run(hidden):
    # matplotlib keeps lines labelled "_..." out of legends
    display = LearningRateDisplay([0.1, 0.2], loss_curve=[1.0, 0.5]).plot(label=hidden)
    assert display.line_.get_label() == hidden
    assert display.loss_line_.get_label() == "training loss"
    assert not any("_" in text[:1] or hidden in text for text in _legend_texts(display))
    result = RangeTestDisplay([1e-3, 1e-2], [1.0, 0.5], suggested_lr=1e-2).plot(
        label=hidden
    )
    assert result.suggested_line_.get_label() == "steepest: α = 0.01"
