r"""Per-parameter update rules: SGD (classical or Nesterov momentum), AdaGrad,
RMSProp and Adam.

Every optimizer updates one contiguous 1-D parameter array in place from a
gradient array of the same length and dtype. The learning-rate policy's rate
``lr`` is passed to :meth:`~SGD.step` at every update and multiplies the whole
update, whatever the rule: an optimizer shapes the step per parameter
(momentum, adaptive scaling), the policy sets its size. Changing ``lr`` from
one step to the next therefore never rescales stored state.

This module is pure NumPy (with SciPy's BLAS wrappers for the vector
updates) and knows nothing of networks or estimators; of scikit-learn it
uses only the parameter checks.
:meth:`~SGD.step` runs once per mini-batch, so every buffer is allocated in
``__init__``; a step allocates nothing, never changes a dtype, uses the
gradient array as scratch space, and makes as few NumPy calls as it can.
For that reason RMSProp and Adam store their moments as discounted *sums*
(the textbook averages times a constant, available as properties) and fold
the bias corrections into one scalar step size; the results equal the
textbook formulas up to rounding. The squared-gradient sum is up to
1 / (1 - beta_2) times the average (1000 times at 0.999), so in float32 it
overflows for gradients above about 6e17 instead of 2e19; training with
such gradients has diverged long before.

SGD and RMSProp build their new sum in another array than the old one
(``g + mu * v`` is one BLAS pass; scaling ``v`` in place and adding ``g``
are two), and the arrays then trade places. A step may therefore rebind a
state attribute to another array rather than write into the one it had:
read the state after a step, not through an array taken before it.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np
from numpy.typing import DTypeLike
from scipy.linalg.blas import get_blas_funcs
from sklearn.utils._param_validation import (
    Interval,
    validate_parameter_constraints,
)

__all__ = ["OPTIMIZERS", "SGD", "AdaGrad", "Adam", "RMSProp", "make_optimizer"]


# The hyperparameters' ranges, which the estimators enforce too, but for
# epsilon: it may be 0 here (the textbook values exactly; the examples use
# it), giving NaN for a weight whose gradients have all been 0
_CONSTRAINTS = {
    "momentum": [Interval(Real, 0, 1, closed="left")],
    "nesterov": ["boolean"],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="left")],
}


def _finite(number):
    """Whether a real `number` is finite (an int too large for a float is
    not one a step can use)."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False


class _Optimizer:
    """Shared machinery: state allocation, snapshot/restore, pickling, repr.

    Subclasses name their hyperparameters in ``_hyperparameters`` and their
    state arrays in ``_state_arrays``, and write their rule in ``_update``,
    which ``step`` calls after counting the step; ``_uses_scratch`` says
    whether the rule needs a work buffer besides the gradient array.
    """

    _hyperparameters: tuple[str, ...] = ()
    _state_arrays: tuple[str, ...] = ()
    _uses_scratch = False

    def __init__(self, n_params, dtype, **hyperparameters):
        dtype = np.dtype(dtype)
        # the BLAS routines of the rules exist in these two precisions only
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64; got {dtype}.")
        validate_parameter_constraints(
            {"n_params": [Interval(Integral, 1, None, closed="left")]}
            | {name: _CONSTRAINTS[name] for name in hyperparameters},
            {"n_params": n_params} | hyperparameters,
            caller_name=type(self).__name__,
        )
        for name, value in hyperparameters.items():
            setattr(self, name, bool(value) if name == "nesterov" else float(value))
        self.n_params = int(n_params)
        self.n_steps = 0
        for name in self._state_arrays:
            setattr(self, name, np.zeros(self.n_params, dtype=dtype))
        self._allocate_scratch()

    @property
    def dtype(self) -> np.dtype:
        """The precision of the state (read from it, so nothing but numbers,
        arrays and the step count is stored)."""
        return getattr(self, self._state_arrays[0]).dtype

    def step(self, params: np.ndarray, grads: np.ndarray, lr: float) -> None:
        """Update ``params`` in place.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Parameters, updated in place: a contiguous, writeable array of the
            optimizer's dtype (else a TypeError, before anything changes; the
            BLAS routines would update a converted copy and drop it), not
            sharing memory with the optimizer's state (else a ValueError).
        grads : ndarray of shape (n_params,)
            Gradient, same dtype as ``params``, in memory of its own, apart
            from ``params`` and the optimizer's state (else a ValueError: the
            rules overwrite it while they update ``params``). Used as scratch
            space: its content is undefined afterwards.
        lr : float
            The learning rate for this step, finite and >= 0 (else a
            ValueError, before anything changes).
        """
        if not (
            isinstance(lr, Real)
            and not isinstance(lr, bool)
            and _finite(lr)
            and lr >= 0
        ):
            raise ValueError(f"lr must be a finite number >= 0; got {lr!r}.")
        for name, array in (("params", params), ("grads", grads)):
            if (
                not isinstance(array, np.ndarray)
                or array.dtype != self.dtype
                or array.shape != (self.n_params,)
                or not array.flags.c_contiguous
                or not array.flags.writeable
            ):
                raise TypeError(
                    f"{name} must be a contiguous, writeable {self.dtype} array "
                    f"of shape ({self.n_params},), updated in place; got "
                    f"{type(array).__name__} of dtype {getattr(array, 'dtype', None)} "
                    f"and shape {getattr(array, 'shape', None)}."
                )
        if np.may_share_memory(params, grads):
            raise ValueError(
                "grads shares memory with params; pass the gradient in an "
                "array of its own (say, grads.copy())."
            )
        # nor the optimizer's own arrays, which a step writes as it reads them
        for name, array in (("params", params), ("grads", grads)):
            for state in (*self._state_arrays, "_scratch"):
                if np.may_share_memory(array, getattr(self, state, None)):
                    raise ValueError(
                        f"{name} shares memory with the optimizer's "
                        f"{state.lstrip('_')}; pass an array of its own (say, "
                        f"{name}.copy())."
                    )
        self._step(params, grads, lr)

    def _step(self, params, grads, lr, keep=False):
        """`step` without the checks, for a training loop whose buffers are
        made for this optimizer (saves ~1 µs of a step).

        With ``keep``, the caller gives ``grads`` up: a rule that builds a
        state array in it (SGD's velocity) keeps it as that state instead of
        copying it over the old one, a pass less over the parameters, and
        hands back the old state array as the caller's new gradient buffer.
        Returns the array that is the caller's gradient buffer from now on:
        ``grads`` itself unless it was kept.
        """
        self.n_steps += 1
        return self._update(params, grads, float(lr), keep)

    def _update(self, params, grads, lr, keep):
        """The rule itself, at step ``n_steps`` (already counted); see
        `_step` for ``keep`` and what it returns."""
        raise NotImplementedError

    def _allocate_scratch(self):
        if self._uses_scratch:
            self._scratch = np.empty(self.n_params, dtype=self.dtype)
        # BLAS level-1 routines of the state's precision: y += a * x and
        # x *= a in one pass each, in place on contiguous vectors
        self._axpy, self._scal = get_blas_funcs(("axpy", "scal"), dtype=self.dtype)

    def _flushable_state(self):
        """The state arrays whose subnormal entries a training loop may set
        to zero (see ``_network.flush_subnormal``).

        A subnormal velocity or first moment moves a weight by less than
        ``lr`` times 1e-25 (float32, with ``epsilon`` as below). The root of
        a subnormal squared-gradient sum is below ``sqrt(tiny)``, less than
        half an ulp of the denominator ``sqrt(s) + epsilon`` while
        ``epsilon >= 2 sqrt(tiny) / eps`` of the dtype (1.82e-12 in
        float32, 1.34e-138 in float64), so flushing it changes no rounded
        denominator; with a smaller ``epsilon`` nothing is flushed.
        """
        epsilon = getattr(self, "epsilon", None)
        info = np.finfo(self.dtype)
        if epsilon is not None and epsilon < 2 * math.sqrt(info.tiny) / info.eps:
            return ()
        return tuple(getattr(self, name) for name in self._state_arrays)

    def snapshot(self, out: dict | None = None) -> dict:
        """Return a deep copy of the run-time state.

        Parameters
        ----------
        out : dict, default=None
            An earlier snapshot of this optimizer to overwrite in place, so
            that a loop keeping restore points allocates nothing new.

        Returns
        -------
        snapshot : dict
            The state arrays (copied) and ``"n_steps"``; ``out`` itself when
            given.
        """
        if out is None:
            out = {name: getattr(self, name).copy() for name in self._state_arrays}
        else:
            for name in self._state_arrays:
                np.copyto(out[name], getattr(self, name))
        out["n_steps"] = self.n_steps
        return out

    def restore(self, snapshot: dict) -> None:
        """Copy a snapshot back into the state arrays, in place.

        Parameters
        ----------
        snapshot : dict
            A dict returned by :meth:`snapshot` of an optimizer of the same
            class and size. Nothing changes if it does not fit.
        """
        expected = (*self._state_arrays, "n_steps")
        missing = [key for key in expected if key not in snapshot]
        if missing:
            raise ValueError(
                f"snapshot lacks {missing}; expected a dict from "
                f"{type(self).__name__}.snapshot() with keys {list(expected)}."
            )
        # every check before the first copy: a failure changes nothing
        for name in self._state_arrays:
            array = np.asarray(snapshot[name])
            if array.shape != (self.n_params,) or not np.can_cast(
                array.dtype, self.dtype, casting="same_kind"
            ):
                raise ValueError(
                    f"snapshot[{name!r}] is {array.dtype} of shape {array.shape}; "
                    f"expected a real array of shape ({self.n_params},)."
                )
        n_steps = snapshot["n_steps"]
        # (below 2**63, as a NumPy count is: a count beyond the float range
        # would make the bias corrections' powers fail mid-step)
        if (
            isinstance(n_steps, bool)
            or not isinstance(n_steps, Integral)
            or not 0 <= int(n_steps) < 2**63
        ):
            raise ValueError(
                f"snapshot['n_steps'] is {n_steps!r}; expected an integer in "
                "[0, 2**63)."
            )
        for name in self._state_arrays:
            np.copyto(getattr(self, name), snapshot[name], casting="same_kind")
        self.n_steps = int(n_steps)

    def _astype(self, dtype):
        """A copy with the same hyperparameters and state in ``dtype``."""
        hyperparameters = {key: getattr(self, key) for key in self._hyperparameters}
        copy = type(self)(self.n_params, dtype, **hyperparameters)
        copy.restore(self.snapshot())
        return copy

    def __getstate__(self):
        # The work buffer holds nothing between steps: do not pickle it.
        state = self.__dict__.copy()
        for name in ("_scratch", "_axpy", "_scal"):
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        # state loaded read-only (joblib.load with mmap_mode, a model sent to
        # a worker process) is copied: the BLAS routines write into it
        # without checking, which crashes on a read-only mapping
        for name in self._state_arrays:
            if not self._writeable(getattr(self, name)):
                setattr(self, name, np.array(getattr(self, name)))
        self._allocate_scratch()

    @staticmethod
    def _writeable(array):
        """A plain, writeable, contiguous array: not a memory map, even a
        writeable one, which training would write through to its file."""
        return (
            type(array) is np.ndarray
            and array.flags.writeable
            and array.flags.c_contiguous
        )

    def _owns_writeable_state(self):
        """Whether every state array is a plain, writeable, contiguous array
        the update rules may write into."""
        return all(self._writeable(getattr(self, name)) for name in self._state_arrays)

    def __repr__(self):
        hyper = "".join(f", {k}={getattr(self, k)!r}" for k in self._hyperparameters)
        return f"{type(self).__name__}({self.n_params}, {self.dtype.name!r}{hyper})"


class SGD(_Optimizer):
    r"""Stochastic gradient descent with classical or Nesterov momentum.

    Parameters
    ----------
    n_params : int
        Length of the parameter vector, at least 1.
    dtype : numpy dtype
        float32 or float64 (else a TypeError): the dtype of the parameters
        and of the velocity.
    momentum : float, default=0.9
        Momentum :math:`\mu \in [0, 1)`. ``0`` gives plain gradient descent.
    nesterov : bool, default=False
        Use Nesterov's accelerated gradient instead of classical momentum.

    Attributes
    ----------
    velocity : ndarray of shape (n_params,)
        The velocity :math:`v`, unscaled by the rate. It stays zero when
        ``momentum == 0``.
    n_steps : int
        Number of steps taken.

    Notes
    -----
    With gradient :math:`g` and the policy's rate :math:`\alpha_k` at step
    :math:`k` (:math:`v_0 = 0`):

    .. math::

        v_k &= \mu v_{k-1} + g_k \\
        p_k &= p_{k-1} - \alpha_k v_k
            \quad \text{(classical)} \\
        p_k &= p_{k-1} - \alpha_k (g_k + \mu v_k)
            \quad \text{(Nesterov)}

    This is PyTorch's form: the rate scales the velocity when it is used, so
    a new rate takes effect at once. For a constant rate it is the same
    method as Sutskever et al.'s :math:`v \leftarrow \mu v - \alpha g`.

    References
    ----------
    .. [1] I. Sutskever, J. Martens, G. Dahl and G. Hinton, "On the importance
       of initialization and momentum in deep learning", ICML 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lr.optimizers import SGD
    >>> params = np.array([1.0, -2.0])
    >>> opt = SGD(params.size, params.dtype, momentum=0.5)
    >>> opt.step(params, np.array([1.0, -4.0]), lr=0.5)  # v = g
    >>> params
    array([0.5, 0. ])
    >>> opt.step(params, np.array([1.0, -4.0]), lr=0.5)  # v = 0.5 v + g
    >>> params
    array([-0.25,  3.  ])
    """

    momentum: float
    nesterov: bool
    _hyperparameters = ("momentum", "nesterov")
    _state_arrays = ("velocity",)
    velocity: np.ndarray

    def __init__(
        self,
        n_params: int,
        dtype: DTypeLike,
        *,
        momentum: float = 0.9,
        nesterov: bool = False,
    ) -> None:
        super().__init__(n_params, dtype, momentum=momentum, nesterov=nesterov)

    def _update(self, params, grads, lr, keep):
        mu = self.momentum
        axpy = self._axpy
        if mu == 0.0:
            axpy(grads, params, a=-lr)
            return grads
        v = self.velocity
        if self.nesterov:  # p -= lr * g + (lr * mu) * v
            axpy(grads, params, a=-lr)
        # the new velocity built in the gradient's array: g + mu * v in one
        # pass, where scaling v in place and adding g would take two
        axpy(v, grads, a=mu)
        axpy(grads, params, a=-lr * mu if self.nesterov else -lr)
        if keep:
            self.velocity = grads
            return v
        np.copyto(v, grads)
        return grads


class AdaGrad(_Optimizer):
    r"""AdaGrad: steps scaled by the root of the sum of squared gradients.

    Parameters
    ----------
    n_params : int
        Length of the parameter vector, at least 1.
    dtype : numpy dtype
        float32 or float64 (else a TypeError): the dtype of the parameters
        and of the state.
    epsilon : float, default=1e-8
        Added to the root in the denominator, >= 0.

    Attributes
    ----------
    sq_grad_sum : ndarray of shape (n_params,)
        The accumulator :math:`G`, the sum of all squared gradients.
    n_steps : int
        Number of steps taken.

    Notes
    -----
    With :math:`G_0 = 0`, elementwise:

    .. math::

        G_k &= G_{k-1} + g_k^2 \\
        p_k &= p_{k-1} - \alpha_k \, \frac{g_k}{\sqrt{G_k} + \epsilon}

    References
    ----------
    .. [1] J. Duchi, E. Hazan and Y. Singer, "Adaptive subgradient methods for
       online learning and stochastic optimization", JMLR 12:2121-2159, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lr.optimizers import AdaGrad
    >>> params = np.zeros(2)
    >>> opt = AdaGrad(params.size, params.dtype, epsilon=0.0)
    >>> opt.step(params, np.array([3.0, -4.0]), lr=0.1)  # a step of lr per weight
    >>> params
    array([-0.1,  0.1])
    >>> opt.sq_grad_sum
    array([ 9., 16.])
    """

    epsilon: float
    _hyperparameters = ("epsilon",)
    _state_arrays = ("sq_grad_sum",)
    sq_grad_sum: np.ndarray
    _uses_scratch = True

    def __init__(
        self, n_params: int, dtype: DTypeLike, *, epsilon: float = 1e-8
    ) -> None:
        super().__init__(n_params, dtype, epsilon=epsilon)

    def _update(self, params, grads, lr, keep):
        acc, buf = self.sq_grad_sum, self._scratch
        np.square(grads, out=buf)  # twice as fast as multiply(g, g, out=buf)
        self._axpy(buf, acc)
        np.sqrt(acc, out=buf)
        np.add(buf, self.epsilon, out=buf)
        np.divide(grads, buf, out=grads)
        self._axpy(grads, params, a=-lr)
        return grads


class RMSProp(_Optimizer):
    r"""RMSProp: steps scaled by a running root mean square of the gradients.

    Parameters
    ----------
    n_params : int
        Length of the parameter vector, at least 1.
    dtype : numpy dtype
        float32 or float64 (else a TypeError): the dtype of the parameters
        and of the state.
    beta_2 : float, default=0.999
        Decay :math:`\beta_2 \in [0, 1)` of the squared-gradient average.
    epsilon : float, default=1e-8
        Added to the root in the denominator, >= 0.

    Attributes
    ----------
    sq_grad_sum : ndarray of shape (n_params,)
        The discounted sum :math:`S_k = \sum_{i \le k} \beta_2^{k-i} g_i^2`.
    mean_square : ndarray of shape (n_params,)
        The textbook average :math:`s = (1 - \beta_2) S` (a new array on
        every access).
    n_steps : int
        Number of steps taken.

    Notes
    -----
    With :math:`s_0 = 0`, elementwise:

    .. math::

        s_k &= \beta_2 s_{k-1} + (1 - \beta_2) g_k^2 \\
        p_k &= p_{k-1} - \alpha_k \, \frac{g_k}{\sqrt{s_k} + \epsilon}

    Storing :math:`S = s / (1 - \beta_2)` saves one pass over the arrays per
    step; the update is computed as
    :math:`\frac{\alpha_k}{c} \frac{g_k}{\sqrt{S_k} + \epsilon / c}` with
    :math:`c = \sqrt{1 - \beta_2}`, the same value up to rounding.

    There is no bias correction (as in the lecture and in PyTorch): from
    :math:`s_0 = 0`, the first steps are about
    :math:`\alpha_k / \sqrt{1 - \beta_2^k}` per weight, some 30 α at the
    first step with :math:`\beta_2 = 0.999` and 3 α at the hundredth.

    References
    ----------
    .. [1] T. Tieleman and G. Hinton, "Lecture 6.5 - RMSProp: divide the
       gradient by a running average of its recent magnitude", COURSERA:
       Neural Networks for Machine Learning, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lr.optimizers import RMSProp
    >>> params = np.zeros(2)
    >>> opt = RMSProp(params.size, params.dtype, beta_2=0.75, epsilon=0.0)
    >>> opt.step(params, np.array([3.0, -4.0]), lr=0.1)  # s = g**2 / 4
    >>> params
    array([-0.2,  0.2])
    >>> opt.mean_square
    array([2.25, 4.  ])
    """

    beta_2: float
    epsilon: float
    _hyperparameters = ("beta_2", "epsilon")
    _state_arrays = ("sq_grad_sum",)
    sq_grad_sum: np.ndarray
    _uses_scratch = True

    def __init__(
        self,
        n_params: int,
        dtype: DTypeLike,
        *,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        super().__init__(n_params, dtype, beta_2=beta_2, epsilon=epsilon)

    @property
    def mean_square(self) -> np.ndarray:
        """The textbook average s = (1 - beta_2) * sq_grad_sum (a new array)."""
        return (1.0 - self.beta_2) * self.sq_grad_sum

    def _update(self, params, grads, lr, keep):
        acc, buf = self.sq_grad_sum, self._scratch
        c = (1.0 - self.beta_2) ** 0.5  # sqrt(s) = c * sqrt(S)
        # the new sum built in the work buffer, g^2 + beta_2 * S in one pass
        # after the square (scaling S in place and adding would take two);
        # the two arrays then trade places
        np.square(grads, out=buf)
        self._axpy(acc, buf, a=self.beta_2)
        np.sqrt(buf, out=acc)
        np.add(acc, self.epsilon / c, out=acc)
        np.divide(grads, acc, out=grads)
        self._axpy(grads, params, a=-lr / c)
        self.sq_grad_sum, self._scratch = buf, acc
        return grads


class Adam(_Optimizer):
    r"""Adam: momentum and RMSProp scaling with bias-corrected moments.

    Parameters
    ----------
    n_params : int
        Length of the parameter vector, at least 1.
    dtype : numpy dtype
        float32 or float64 (else a TypeError): the dtype of the parameters
        and of the state.
    beta_1 : float, default=0.9
        Decay :math:`\beta_1 \in [0, 1)` of the gradient average.
    beta_2 : float, default=0.999
        Decay :math:`\beta_2 \in [0, 1)` of the squared-gradient average.
    epsilon : float, default=1e-8
        Added to the root of the corrected second moment, >= 0.

    Attributes
    ----------
    grad_sum : ndarray of shape (n_params,)
        The discounted sum :math:`M_k = \sum_{i \le k} \beta_1^{k-i} g_i`.
    sq_grad_sum : ndarray of shape (n_params,)
        The discounted sum :math:`V_k = \sum_{i \le k} \beta_2^{k-i} g_i^2`.
    first_moment : ndarray of shape (n_params,)
        The textbook :math:`m = (1 - \beta_1) M` (a new array on every
        access).
    second_moment : ndarray of shape (n_params,)
        The textbook :math:`v = (1 - \beta_2) V` (a new array on every
        access).
    n_steps : int
        Number of steps taken, :math:`k`, used by the bias corrections.

    Notes
    -----
    With :math:`m_0 = v_0 = 0`, elementwise:

    .. math::

        m_k &= \beta_1 m_{k-1} + (1 - \beta_1) g_k \\
        v_k &= \beta_2 v_{k-1} + (1 - \beta_2) g_k^2 \\
        \hat m_k &= m_k / (1 - \beta_1^k), \quad
        \hat v_k = v_k / (1 - \beta_2^k) \\
        p_k &= p_{k-1} - \alpha_k \, \frac{\hat m_k}{\sqrt{\hat v_k} + \epsilon}

    Storing :math:`M` and :math:`V` saves two passes over the arrays per
    step. With :math:`a_k = (1 - \beta_1) / (1 - \beta_1^k)` and
    :math:`b_k = \sqrt{(1 - \beta_2) / (1 - \beta_2^k)}`, the update is
    computed as :math:`\frac{\alpha_k a_k}{b_k}
    \frac{M_k}{\sqrt{V_k} + \epsilon / b_k}`: the same value up to rounding,
    with :math:`\epsilon` where the formula above puts it.

    References
    ----------
    .. [1] D. P. Kingma and J. Ba, "Adam: A method for stochastic
       optimization", ICLR 2015, arXiv:1412.6980.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lr.optimizers import Adam
    >>> params = np.zeros(2)
    >>> opt = Adam(params.size, params.dtype, epsilon=0.0)
    >>> opt.step(params, np.array([3.0, -4.0]), lr=0.1)  # first step: lr * sign(g)
    >>> params
    array([-0.1,  0.1])
    >>> opt.n_steps
    1
    """

    beta_1: float
    beta_2: float
    epsilon: float
    _hyperparameters = ("beta_1", "beta_2", "epsilon")
    _state_arrays = ("grad_sum", "sq_grad_sum")
    grad_sum: np.ndarray
    sq_grad_sum: np.ndarray

    def __init__(
        self,
        n_params: int,
        dtype: DTypeLike,
        *,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        super().__init__(n_params, dtype, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)

    @property
    def first_moment(self) -> np.ndarray:
        """The textbook m = (1 - beta_1) * grad_sum (a new array)."""
        return (1.0 - self.beta_1) * self.grad_sum

    @property
    def second_moment(self) -> np.ndarray:
        """The textbook v = (1 - beta_2) * sq_grad_sum (a new array)."""
        return (1.0 - self.beta_2) * self.sq_grad_sum

    def _update(self, params, grads, lr, keep):
        k = self.n_steps
        beta_1, beta_2 = self.beta_1, self.beta_2
        a = (1.0 - beta_1) / (1.0 - beta_1**k)  # m_hat = a * M
        b = ((1.0 - beta_2) / (1.0 - beta_2**k)) ** 0.5  # sqrt(v_hat) = b * sqrt(V)
        m, v = self.grad_sum, self.sq_grad_sum
        axpy, scal = self._axpy, self._scal
        # (building the new sums in other arrays, as SGD and RMSProp do,
        # takes two passes fewer but a work buffer more, and measured no
        # faster within training)
        scal(beta_1, m)
        axpy(grads, m)
        scal(beta_2, v)
        np.square(grads, out=grads)
        axpy(grads, v)
        np.sqrt(v, out=grads)
        np.add(grads, self.epsilon / b, out=grads)
        np.divide(m, grads, out=grads)
        axpy(grads, params, a=-lr * a / b)
        return grads


#: The update rules by the names the estimators' ``optimizer`` takes.
OPTIMIZERS: dict[str, type[SGD | AdaGrad | RMSProp | Adam]] = {
    "sgd": SGD,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
}


def make_optimizer(
    name: str,
    n_params: int,
    dtype: DTypeLike,
    *,
    momentum: float = 0.9,
    nesterov: bool = False,
    beta_1: float = 0.9,
    beta_2: float = 0.999,
    epsilon: float = 1e-8,
) -> SGD | AdaGrad | RMSProp | Adam:
    """Build the optimizer called ``name`` with the hyperparameters it uses.

    Every hyperparameter is checked, those the rule does not use too (a bad
    value is a mistake whichever rule it was meant for), as the estimators
    check them.

    Parameters
    ----------
    name : {"sgd", "adagrad", "rmsprop", "adam"}
        The update rule (a key of :data:`OPTIMIZERS`).
    n_params : int
        Length of the parameter vector, at least 1.
    dtype : numpy dtype
        float32 or float64 (else a TypeError): the dtype of the parameters
        and of the state.
    momentum : float, default=0.9
        Used by "sgd".
    nesterov : bool, default=False
        Used by "sgd".
    beta_1 : float, default=0.9
        Used by "adam".
    beta_2 : float, default=0.999
        Used by "rmsprop" and "adam".
    epsilon : float, default=1e-8
        Used by "adagrad", "rmsprop" and "adam".

    Returns
    -------
    optimizer : SGD, AdaGrad, RMSProp or Adam
        A fresh optimizer (zero state, ``n_steps == 0``).

    Examples
    --------
    >>> from sklearn_lr.optimizers import make_optimizer
    >>> make_optimizer("adam", 10, "float32", beta_1=0.8)
    Adam(10, 'float32', beta_1=0.8, beta_2=0.999, epsilon=1e-08)
    """
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        allowed = ", ".join(repr(key) for key in OPTIMIZERS)
        raise ValueError(
            f"The 'optimizer' parameter of make_optimizer must be a str among "
            f"{{{allowed}}}. Got {name!r} instead."
        ) from None
    offered: dict[str, Any] = {
        "momentum": momentum,
        "nesterov": nesterov,
        "beta_1": beta_1,
        "beta_2": beta_2,
        "epsilon": epsilon,
    }
    # the ones the rule does not use are checked too, as the estimators check
    # them: a bad value is a mistake whichever rule it would have gone to
    validate_parameter_constraints(
        {key: _CONSTRAINTS[key] for key in offered if key not in cls._hyperparameters},
        {
            key: value
            for key, value in offered.items()
            if key not in cls._hyperparameters
        },
        caller_name="make_optimizer",
    )
    return cls(n_params, dtype, **{key: offered[key] for key in cls._hyperparameters})
