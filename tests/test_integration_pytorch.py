"""The policies and update rules against PyTorch's own, where it is installed.

``test_schedules.py`` and ``test_optimizers.py`` hold the policies and the
update rules against formulas written from the literature and PyTorch's
documentation. This module checks those claims against the library itself:

* each ``torch.optim.lr_scheduler`` scheduler drives a one-parameter
  optimizer, its learning rate is read before every ``optimizer.step()``,
  and the sequence is compared with ``trace`` of the matching policy,
  PyTorch's step counts converted to epochs (``steps_per_epoch`` steps each);
* each optimizer takes the same gradients, at a learning rate that changes
  every step, as the ``torch.optim`` rule of the same name;
* a whole fit (every activation, loss and optimizer, the l2 term as
  ``weight_decay`` on the weights, α from a policy) ends at the weights of
  the same training written in PyTorch, whose gradients come from autograd.

PyTorch is not a dependency of the project, so without it the module is
skipped.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from sklearn_lr import SGDNetClassifier, SGDNetRegressor
from sklearn_lr.optimizers import make_optimizer
from sklearn_lr.schedules import (
    Constant,
    CosineAnnealing,
    CosineWarmRestarts,
    Cyclic,
    ExponentialDecay,
    MultiStepDecay,
    OneCycle,
    PolynomialDecay,
    ReduceOnPlateau,
    Sequential,
    StepDecay,
    Warmup,
    trace,
)

torch = pytest.importorskip("torch")
L = torch.optim.lr_scheduler

N_EPOCHS = 12
RTOL = 1e-12


def torch_rates(make_scheduler, lr, n_steps, *, metrics=None, steps_per_epoch=1):
    """Learning rate of every step of a PyTorch loop driven by a scheduler.

    Without ``metrics`` the scheduler steps after every optimizer step; with
    them (ReduceLROnPlateau) it steps once per epoch on that epoch's metric.
    """
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler = make_scheduler(optimizer)
    rates = []
    for k in range(n_steps):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if metrics is None:
            scheduler.step()
        elif (k + 1) % steps_per_epoch == 0:
            scheduler.step(metrics[(k + 1) // steps_per_epoch - 1])
    return np.array(rates)


# (policy, lr, scheduler factory taking the optimizer and steps per epoch)
CASES = {
    "StepLR": (
        StepDecay(alpha=0.1, drop=0.3, every=4),
        0.1,
        lambda opt, spe: L.StepLR(opt, step_size=4 * spe, gamma=0.3),
    ),
    "MultiStepLR": (
        MultiStepDecay(alpha=0.1, milestones=(3, 7), drop=0.2),
        0.1,
        lambda opt, spe: L.MultiStepLR(opt, milestones=[3 * spe, 7 * spe], gamma=0.2),
    ),
    "ExponentialLR": (
        ExponentialDecay(alpha=0.1, gamma=0.8),
        0.1,
        lambda opt, spe: L.ExponentialLR(opt, gamma=0.8 ** (1 / spe)),
    ),
    "ExponentialDecay staircase as StepLR": (
        ExponentialDecay(alpha=0.1, gamma=0.8, staircase=True),
        0.1,
        lambda opt, spe: L.StepLR(opt, step_size=spe, gamma=0.8),
    ),
    "CosineAnnealingLR": (
        CosineAnnealing(alpha=0.1, min_alpha=0.001, n_epochs=N_EPOCHS),
        0.1,
        lambda opt, spe: L.CosineAnnealingLR(opt, T_max=N_EPOCHS * spe, eta_min=0.001),
    ),
    "CosineAnnealingWarmRestarts": (
        CosineWarmRestarts(alpha=0.1, min_alpha=0.001, period=2, mult=1),
        0.1,
        lambda opt, spe: L.CosineAnnealingWarmRestarts(opt, T_0=2 * spe, eta_min=0.001),
    ),
    "CosineAnnealingWarmRestarts T_mult=2": (
        CosineWarmRestarts(alpha=0.1, min_alpha=0.001, period=1, mult=2),
        0.1,
        lambda opt, spe: L.CosineAnnealingWarmRestarts(
            opt, T_0=spe, T_mult=2, eta_min=0.001
        ),
    ),
    "PolynomialLR": (
        PolynomialDecay(alpha=0.1, power=2.0, n_epochs=10),
        0.1,
        lambda opt, spe: L.PolynomialLR(opt, total_iters=10 * spe, power=2.0),
    ),
    "LinearLR then StepLR": (
        Warmup(StepDecay(alpha=0.1, drop=0.5, every=3), epochs=2, start_factor=0.1),
        0.1,
        lambda opt, spe: L.SequentialLR(
            opt,
            [
                L.LinearLR(opt, start_factor=0.1, total_iters=2 * spe),
                L.StepLR(opt, step_size=3 * spe, gamma=0.5),
            ],
            milestones=[2 * spe],
        ),
    ),
    # a warm-up that lasts its whole segment, as a LinearLR in a SequentialLR
    "LinearLR filling its SequentialLR segment, then CosineAnnealingLR": (
        Sequential(
            [
                Warmup(Constant(alpha=0.1), epochs=3, start_factor=0.2),
                CosineAnnealing(alpha=0.1, min_alpha=0.001),
            ],
            milestones=[3],
        ),
        0.1,
        lambda opt, spe: L.SequentialLR(
            opt,
            [
                L.LinearLR(opt, start_factor=0.2, total_iters=3 * spe),
                L.CosineAnnealingLR(opt, T_max=(N_EPOCHS - 3) * spe, eta_min=0.001),
            ],
            milestones=[3 * spe],
        ),
    ),
    "SequentialLR of ConstantLR and CosineAnnealingLR": (
        Sequential(
            [Constant(alpha=0.05), CosineAnnealing(alpha=0.1, n_epochs=8)],
            milestones=(4,),
        ),
        0.1,
        lambda opt, spe: L.SequentialLR(
            opt,
            [
                L.ConstantLR(opt, factor=0.5, total_iters=4 * spe),
                L.CosineAnnealingLR(opt, T_max=8 * spe),
            ],
            milestones=[4 * spe],
        ),
    ),
}
for _mode, _gamma in [("triangular", 1.0), ("triangular2", 1.0), ("exp_range", 0.9)]:
    CASES[f"CyclicLR {_mode}"] = (
        Cyclic(min_alpha=0.01, max_alpha=0.1, step_size=2, mode=_mode, gamma=_gamma),
        0.01,
        lambda opt, spe, mode=_mode, gamma=_gamma: L.CyclicLR(
            opt,
            base_lr=0.01,
            max_lr=0.1,
            step_size_up=2 * spe,
            mode=mode,
            gamma=gamma ** (1 / spe),
            cycle_momentum=False,
        ),
    )


@pytest.mark.parametrize("steps_per_epoch", [1, 2, 7])
@pytest.mark.parametrize("case", list(CASES))
def test_policy_equals_pytorch_scheduler(case, steps_per_epoch):
    policy, lr, make_scheduler = CASES[case]
    expected = torch_rates(
        lambda opt: make_scheduler(opt, steps_per_epoch),
        lr,
        N_EPOCHS * steps_per_epoch,
    )
    assert_allclose(trace(policy, N_EPOCHS, steps_per_epoch), expected, RTOL)


@pytest.mark.parametrize("mode", ["loss", "score"])
@pytest.mark.parametrize(
    "patience, threshold, cooldown", [(2, 1e-4, 0), (1, 0.05, 1), (0, 0.1, 2)]
)
@pytest.mark.parametrize("seed", range(3))
def test_reduce_on_plateau_equals_pytorch(mode, patience, threshold, cooldown, seed):
    # the loss is minimised; a score is maximised, as PyTorch's mode="max"
    values = list(np.round(np.random.default_rng(seed).uniform(0.5, 1.0, 30), 2))
    values[0] = np.nan  # a diverged first epoch: one bad epoch for both
    kwargs = {"losses": values} if mode == "loss" else {"scores": values}
    policy = ReduceOnPlateau(
        alpha=0.1,
        factor=0.5,
        patience=patience,
        threshold=threshold,
        cooldown=cooldown,
        min_alpha=0.001,
        monitor=mode,
    )
    expected = torch_rates(
        lambda opt: L.ReduceLROnPlateau(
            opt,
            mode="min" if mode == "loss" else "max",
            factor=0.5,
            patience=patience,
            threshold=threshold,
            cooldown=cooldown,
            min_lr=0.001,
        ),
        0.1,
        30 * 3,
        metrics=values,
        steps_per_epoch=3,
    )
    assert_allclose(trace(policy, 30, 3, **kwargs), expected, RTOL)


def _lags_by_at_most(rates, expected, lag):
    """Whether every rate lies between PyTorch's values `lag` steps before and
    at its own step: the curve is PyTorch's, delayed by at most `lag` steps."""
    for k, rate in enumerate(rates):
        window = expected[max(k - lag, 0) : k + 1]
        if not window.min() - 1e-15 <= rate <= window.max() + 1e-15:
            return False
    return True


@pytest.mark.parametrize("anneal", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("steps_per_epoch", [20, 200])
@pytest.mark.parametrize("pct_start", [0.3, 0.25])
def test_one_cycle_lags_pytorch_by_one_step_or_two_with_three_phases(
    anneal, three_phase, steps_per_epoch, pct_start
):
    # PyTorch ends its phases early (see OneCycle's Notes): at pN - 1 and
    # N - 1, or at pN - 1, 2pN - 2 and N - 1 with three phases. The policy
    # lags by up to one step, and with three phases by up to two (at the end
    # of the middle phase); each bound is needed, so the claim is tight.
    n_steps = N_EPOCHS * steps_per_epoch
    policy = OneCycle(
        max_alpha=0.1,
        n_epochs=N_EPOCHS,
        pct_start=pct_start,
        anneal=anneal,
        three_phase=three_phase,
    )
    expected = torch_rates(
        lambda opt: L.OneCycleLR(
            opt,
            max_lr=0.1,
            total_steps=n_steps,
            pct_start=pct_start,
            anneal_strategy=anneal,
            three_phase=three_phase,
            cycle_momentum=False,
        ),
        0.1,
        n_steps,
    )
    rates = trace(policy, N_EPOCHS, steps_per_epoch)
    lag = 2 if three_phase else 1
    assert _lags_by_at_most(rates, expected, lag)
    assert not _lags_by_at_most(rates, expected, lag - 1)
    # so the values differ by at most `lag` of PyTorch's largest changes per step
    largest_change = np.max(np.abs(np.diff(expected)))
    assert np.max(np.abs(rates - expected)) <= lag * largest_change


# our optimizer's name and hyperparameters, PyTorch's class and arguments
OPTIMIZER_CASES = {
    "sgd": ({"momentum": 0.0}, "SGD", {"momentum": 0.0}),
    "sgd momentum": ({"momentum": 0.9}, "SGD", {"momentum": 0.9}),
    "sgd nesterov": (
        {"momentum": 0.8, "nesterov": True},
        "SGD",
        {"momentum": 0.8, "nesterov": True},
    ),
    "adagrad": ({"epsilon": 1e-6}, "Adagrad", {"eps": 1e-6}),
    "rmsprop": (
        {"beta_2": 0.95, "epsilon": 1e-6},
        "RMSprop",
        {"alpha": 0.95, "eps": 1e-6},
    ),
    "adam": (
        {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6},
        "Adam",
        {"betas": (0.8, 0.99), "eps": 1e-6},
    ),
}


@pytest.mark.parametrize("case", list(OPTIMIZER_CASES))
def test_optimizer_equals_torch_optim(case):
    kwargs, torch_name, torch_kwargs = OPTIMIZER_CASES[case]
    rng = np.random.default_rng(0)
    n_params, n_steps = 50, 30
    start = rng.standard_normal(n_params)
    grads = rng.standard_normal((n_steps, n_params)) * rng.uniform(0.01, 10, n_params)
    lrs = rng.uniform(0.001, 0.1, n_steps)  # a policy's α changes every step

    params = start.copy()
    name = case.split()[0]
    optimizer = make_optimizer(name, n_params, np.float64, **kwargs)
    for grad, lr in zip(grads, lrs, strict=True):
        optimizer.step(params, grad.copy(), lr)

    torch_params = torch.nn.Parameter(torch.tensor(start))
    torch_optimizer = getattr(torch.optim, torch_name)(
        [torch_params], lr=lrs[0], **torch_kwargs
    )
    for grad, lr in zip(grads, lrs, strict=True):
        torch_optimizer.param_groups[0]["lr"] = lr
        torch_params.grad = torch.tensor(grad)
        torch_optimizer.step()
    assert_allclose(params, torch_params.detach().numpy(), rtol=1e-10, atol=1e-13)


ACTIVATIONS = {
    "identity": lambda: torch.nn.Identity(),
    "logistic": lambda: torch.nn.Sigmoid(),
    "tanh": lambda: torch.nn.Tanh(),
    "relu": lambda: torch.nn.ReLU(),
    "leaky_relu": lambda: torch.nn.LeakyReLU(0.01),
}

# our optimizer parameters and PyTorch's class and arguments, at our defaults
TRAINING_OPTIMIZERS = {
    "momentum": ({"optimizer": "sgd"}, "SGD", {"momentum": 0.9}),
    "nesterov": (
        {"optimizer": "sgd", "nesterov": True},
        "SGD",
        {"momentum": 0.9, "nesterov": True},
    ),
    "adagrad": ({"optimizer": "adagrad"}, "Adagrad", {"eps": 1e-8}),
    "rmsprop": ({"optimizer": "rmsprop"}, "RMSprop", {"alpha": 0.999, "eps": 1e-8}),
    "adam": ({"optimizer": "adam"}, "Adam", {}),
}


def torch_training(estimator, coefs, intercepts, X, y, loss, optimizer, n_epochs):
    """Weight matrices after the estimator's training, redone in PyTorch.

    Starts from ``coefs``/``intercepts``, takes the batches in order (no
    shuffling) and the estimator's recorded α of every step.
    """
    layers, weights, biases = [], [], []
    for i, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
        dtype = torch.float32 if coef.dtype == np.float32 else torch.float64
        linear = torch.nn.Linear(*coef.shape, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(coef.T))
            linear.bias.copy_(torch.tensor(intercept))
        layers.append(linear)
        weights.append(linear.weight)
        biases.append(linear.bias)
        if i < len(coefs) - 1:
            layers.append(ACTIVATIONS[estimator.activation]())
    network = torch.nn.Sequential(*layers)
    name, kwargs = optimizer
    groups = [
        {"params": weights, "weight_decay": estimator.l2},  # l2 on weights only
        {"params": biases, "weight_decay": 0.0},
    ]
    torch_optimizer = getattr(torch.optim, name)(groups, lr=1.0, **kwargs)
    X, y = torch.tensor(X), torch.tensor(y)
    rates = iter(estimator.lr_history_)
    for _ in range(n_epochs):
        for start in range(0, len(X), estimator.batch_size):
            rows = slice(start, start + estimator.batch_size)
            lr = float(next(rates))
            for group in torch_optimizer.param_groups:
                group["lr"] = lr
            torch_optimizer.zero_grad()
            loss(network(X[rows]), y[rows]).backward()
            torch_optimizer.step()
    assert next(rates, None) is None  # every recorded step was replayed
    return [weight.detach().numpy().T for weight in weights]


def assert_training_equals_torch(
    estimator, X, y, loss, optimizer, n_epochs=3, rtol=1e-9, atol=1e-12
):
    # one epoch gives the starting weights; a warm start then trains from
    # them with a fresh optimizer and schedule, as PyTorch does below
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        estimator.set_params(max_iter=1, shuffle=False).fit(X, y)
        coefs = [coef.copy() for coef in estimator.coefs_]
        intercepts = [intercept.copy() for intercept in estimator.intercepts_]
        estimator.set_params(warm_start=True, max_iter=n_epochs).fit(X, y)
    expected = torch_training(
        estimator, coefs, intercepts, X, y, loss, optimizer, n_epochs
    )
    assert estimator.n_iter_ == n_epochs
    for got, want in zip(estimator.coefs_, expected, strict=True):
        assert got.dtype == want.dtype == X.dtype
        assert_allclose(got, want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("optimizer", list(TRAINING_OPTIMIZERS))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_classifier_training_equals_pytorch(activation, optimizer, dtype):
    # 60 rows in batches of 16: the last batch of each epoch is smaller;
    # float32 data trains in float32 end to end, as PyTorch's float32 layers
    X, y = make_classification(60, 5, n_informative=3, n_classes=3, random_state=0)
    ours, name, kwargs = TRAINING_OPTIMIZERS[optimizer]
    estimator = SGDNetClassifier(
        (8, 6),
        activation=activation,
        batch_size=16,
        l2=1e-3,
        learning_rate=StepDecay(alpha=0.05, drop=0.5, every=1),
        random_state=0,
        **ours,
    )
    loss = torch.nn.CrossEntropyLoss()
    tolerance = {"rtol": 1e-9, "atol": 1e-12}
    if dtype == np.float32:
        tolerance = {"rtol": 1e-5, "atol": 1e-6}
    if dtype == np.float32 and optimizer == "rmsprop":
        # RMSProp's first steps are about 30 α per weight (no bias correction
        # of its small early average); steps that large amplify rounding:
        # PyTorch's own float32 and float64 runs differ by as much
        tolerance = {"rtol": 1e-3, "atol": 1e-4}
    X = X.astype(dtype)
    assert_training_equals_torch(estimator, X, y, loss, (name, kwargs), **tolerance)


@pytest.mark.parametrize("target", ["binary", "multilabel"])
def test_logistic_output_training_equals_pytorch(target):
    # logistic output units; the log-loss of a sample sums over its outputs
    X, y = make_classification(60, 5, n_informative=3, n_classes=3, random_state=0)
    if target == "binary":
        y = (y > 0).astype(int)
    else:
        y = np.column_stack([y == 0, y == 1, y > 0]).astype(int)
    estimator = SGDNetClassifier((8,), batch_size=16, l2=1e-3, random_state=0)

    def loss(logits, target):
        target = target.double().reshape(len(logits), -1)
        total = torch.nn.functional.binary_cross_entropy_with_logits(
            logits, target, reduction="sum"
        )
        return total / len(logits)

    assert_training_equals_torch(estimator, X, y, loss, ("SGD", {"momentum": 0.9}))


@pytest.mark.parametrize("loss", ["squared_error", "huber"])
def test_regressor_training_equals_pytorch(loss):
    X, y = make_regression(60, 5, n_targets=2, random_state=0)
    y /= 100
    estimator = SGDNetRegressor(
        (8,), loss=loss, huber_delta=0.5, batch_size=16, l2=1e-3, random_state=0
    )
    if loss == "squared_error":  # half the mean over samples and outputs

        def torch_loss(output, target):
            return 0.5 * torch.nn.functional.mse_loss(output, target)

    else:
        torch_loss = torch.nn.HuberLoss(delta=0.5)
    assert_training_equals_torch(
        estimator, X, y, torch_loss, ("SGD", {"momentum": 0.9})
    )
