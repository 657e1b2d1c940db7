"""Pieces of the training loop that hold no estimator state.

``BaseSGDNet._train`` drives them: the batches of an epoch, the BLAS thread
limits of a fit, the restore points a diverged epoch is undone to and the
test of whether a loss exploded.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
import threadpoolctl
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController

#: A loss above this multiple of its reference (see `exploded`) has exploded.
EXPLOSION_FACTOR = 1e4

_controller = None
_lock = threading.Lock()
_limited: list = []  # (BLAS, its threads before) that blas_threads limited
_holders = 0  # the fits inside blas_threads
# the count of this thread's threadpool_limits blocks (threadpoolctl >= 3.8)
_ownership = getattr(threadpoolctl, "CONTROLLING_THREAD_OWNERSHIP", None)


class DivergenceWarning(ConvergenceWarning):
    """Training stopped because the loss became non-finite or exploded.

    An epoch diverges when its mean training loss is not finite, a weight is
    not finite, or the loss (of the data, without the l2 term) exceeds 10^4
    times the largest of 1, the loss of the run's first batch and the loss
    of a zero output on the call's targets (in a run's first epoch, a loss
    the epoch's data gives already at the weights the run began with is no
    explosion, and becomes the run's scale). Every epoch's last step is also
    judged by the first rows of the epoch's last batch, seen again after it
    (against their own targets' scale and their loss at the epoch's start
    as well). The weights and optimizer state from the start of that epoch
    are restored (from the start of the epoch before when the epoch's first
    batch already saw exploded weights), so predictions stay finite; the
    estimator's ``divergence_epoch_`` records the epoch. The message names
    the epoch, the largest learning rate of its steps and the restored
    state, and the targets' scale when a regression's are far off unit
    scale.
    """


def exploded(loss, initial_loss, baseline=0.0):
    """Whether ``loss`` is not finite or exceeds ``EXPLOSION_FACTOR`` times
    the largest of 1, ``|initial_loss|`` (None: no first loss yet) and
    ``baseline``, the loss the targets alone set (see
    `_network.zero_output_loss`): large targets make large losses that are
    not an explosion."""
    if not np.isfinite(loss):
        return True
    scale = max(abs(initial_loss or 0.0), baseline, 1.0)
    return loss > EXPLOSION_FACTOR * scale


#: Packages whose frames a warning looks past, to the code that called them.
_INTERNAL_PACKAGES = ("sklearn_lr", "sklearn", "joblib")


def caller_stacklevel():
    """The ``stacklevel`` that points a warning at the code that called us.

    Call it in the function that warns. It counts the frames up to the first
    one outside this package, scikit-learn (whose wrappers, such as the one
    around ``fit``, sit between the user and the training loop) and joblib
    (through which scikit-learn's searches call ``fit``), so the warning
    names the user's line, or the library that called ``fit``, instead of an
    internal one.

    Where no such caller is on the stack, in the worker thread or process of
    a parallel search (whose frames below ours belong to Python's own
    ``threading`` or ``multiprocessing``) or when nothing but our frames is
    left, the warning names the line that raised it (``stacklevel=1``), as
    scikit-learn's estimators' warnings do, not a line of the standard
    library that neither called ``fit`` nor can act on the warning.
    """
    frame, level = sys._getframe(1), 1
    while frame is not None:
        package = frame.f_globals.get("__name__", "").partition(".")[0]
        if package not in _INTERNAL_PACKAGES:
            return 1 if package in sys.stdlib_module_names else level
        frame, level = frame.f_back, level + 1
    return 1


def format_seconds(seconds):
    """A duration for the verbose output: milliseconds below one second."""
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def gather(source, index, out):
    """Rows ``index`` of ``source`` written into ``out``.

    ``mode="clip"`` makes NumPy write straight into ``out``; the default
    ``"raise"`` gathers into a temporary and copies it (the batch indices come
    from a permutation, so they are always in range).
    """
    return source.take(index, axis=0, out=out, mode="clip")


def batch_buffers(X, Y, batch_size):
    """The arrays shuffled batches are gathered into, allocated once per fit.

    Returns ``(X, Y, sample_weight)`` buffers of ``batch_size`` rows in the
    data's dtype; the first is None for sparse ``X``, whose batches are new
    matrices.
    """
    dtype = Y.dtype
    return (
        None if sp.issparse(X) else np.empty((batch_size, X.shape[1]), dtype),
        np.empty((batch_size, Y.shape[1]), dtype=dtype),
        np.empty(batch_size, dtype=dtype),
    )


def n_batches(n_samples, batch_size):
    """The number of batches of an epoch over ``n_samples`` rows: the last
    batch takes what is left."""
    return -(-n_samples // batch_size)


def batch_rows(b, batch_size, order=None):
    """The rows of batch ``b`` of an epoch, as `epoch_batches` takes them:
    a slice, or the batch's part of the permutation ``order``."""
    rows = slice(b * batch_size, (b + 1) * batch_size)
    return rows if order is None else order[rows]


def epoch_batches(X, Y, sample_weight, batch_size, order=None, buffers=None):
    """Yield an epoch's batches as ``(b, X, Y, sample_weight, weight)``.

    ``b`` numbers the batch (its step's learning rate is the ``b``-th of the
    epoch), ``weight`` is the batch's total sample weight. With a permutation
    ``order`` the rows follow it and dense batches are gathered into
    ``buffers`` (``(X, Y, sample_weight)`` arrays of ``batch_size`` rows;
    ``X`` None for sparse data, whose batches are new matrices); without one
    batches are slices. Batches whose samples all weigh zero carry no gradient
    and are skipped.
    """
    n_samples = X.shape[0]
    starts = np.arange(0, n_samples, batch_size)
    weights = sample_weight if order is None else sample_weight[order]
    # summed in float64: the epoch's mean loss is weighted by these
    batch_weights = np.add.reduceat(weights, starts, dtype=np.float64)
    for b in range(len(starts)):
        if batch_weights[b] <= 0:
            continue
        rows = batch_rows(b, batch_size, order)
        if order is None:
            yield b, X[rows], Y[rows], sample_weight[rows], batch_weights[b]
            continue
        size = len(rows)
        X_buf, Y_buf, w_buf = buffers
        X_batch = X[rows] if X_buf is None else gather(X, rows, X_buf[:size])
        Y_batch = gather(Y, rows, Y_buf[:size])
        w_batch = gather(sample_weight, rows, w_buf[:size])
        yield b, X_batch, Y_batch, w_batch, batch_weights[b]


def _set_threads(lib, n_threads):
    """Set a BLAS's thread count, leaving no claim on it behind.

    threadpoolctl (from 3.8) lets one thread at a time set the limit of a
    pthreads OpenBLAS, whose pool is process-wide: the first thread to set
    one, until it gives that up, which its ``threadpool_limits`` blocks do on
    exit. A fit may set the limit in one thread and restore it in another (the
    last fit to leave), and a claim kept by either would silently void every
    other thread's limits, a user's and scikit-learn's. So the claim is given
    up after each change, unless a ``threadpool_limits`` block of this thread
    holds it (it gives it up itself). Earlier versions have no claim.
    """
    lib.set_num_threads(n_threads)
    release = getattr(type(lib), "clear_controlling_thread", None)
    if release is not None and getattr(_ownership, "count", 0) <= 0:
        release()  # a no-op unless this thread holds the claim


@contextmanager
def blas_threads():
    """Context giving the matrix products, and only them, several BLAS threads.

    numpy's and SciPy's wheels each ship their own BLAS: the products run in
    numpy's, the vector updates of the optimizer in SciPy's. Two pools of
    spinning threads on two cores slow training several-fold, so SciPy's
    (and any other besides numpy's) is held to one thread while training.
    Where a single BLAS serves both, nothing is changed. (Measured on two
    cores: two threads for the products beat one from batch 32 on, and make
    no difference for small networks, whose products BLAS does not split.)

    The limit is process-wide, and fits may run at the same time in threads
    (joblib's threading backend, a thread pool): the first of them to enter
    sets it and the last to leave, in whichever thread, restores the threads
    from before the first, so no fit restores a limit another one set. Only
    a BLAS this changed is restored, and only if it still runs the one
    thread set here: a limit someone else set in the meantime stands.

    Inspecting the loaded native libraries costs milliseconds, as much as a
    whole small epoch, so the process-wide controller is created once, on
    first use. It holds no training state (scikit-learn keeps the same
    handle in ``sklearn.utils.fixes``).
    """
    global _controller, _limited, _holders
    with _lock:
        if _holders == 0:
            if _controller is None:
                _controller = ThreadpoolController()
            blas = [
                lib for lib in _controller.lib_controllers if lib.user_api == "blas"
            ]
            others = [lib for lib in blas if "numpy" not in lib.filepath]
            if len(others) < len(blas):
                for lib in others:
                    threads = lib.num_threads
                    if threads == 1:
                        continue
                    _set_threads(lib, 1)
                    if lib.num_threads == 1:  # else another thread's limit holds
                        _limited.append((lib, threads))
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                for lib, threads in _limited:
                    if lib.num_threads == 1:
                        _set_threads(lib, threads)
                _limited = []


class RestorePoints:
    """The training states a diverged epoch can be undone to.

    A batch's loss is measured before its step; an epoch's last step is
    judged by a few rows of its last batch, seen again, which may miss an
    explosion that the next epoch's first batch then sees. ``start`` is the
    state (weights, optimizer snapshot, epochs done) the current epoch began
    with; ``before`` the one the previous epoch began with, for when the
    current epoch's first batch already sees exploded weights. An estimator keeps
    ``before`` between ``partial_fit`` calls. Advancing reuses the arrays of
    the point it drops, so the two points cost two copies of the state; the
    last advance of a call copies nothing and leaves those arrays as
    ``spare``, for the next call's start (see `saved`).
    """

    def __init__(self, theta, optimizer, n_epochs, before=None, spare=None):
        self.start = self.saved(theta, optimizer, n_epochs, spare)
        self.before = before or self.start
        self.spare = None

    @staticmethod
    def saved(theta, optimizer, n_epochs, arrays=None):
        """The state as a restore point, copied into the arrays of a dropped
        point (``arrays``) when they fit it, else into new ones."""
        if arrays is not None:
            saved_theta, snapshot, _ = arrays
            names = {*optimizer._state_arrays, "n_steps"}
            if (
                saved_theta.shape == theta.shape
                and saved_theta.dtype == theta.dtype
                and set(snapshot) == names
                and all(
                    snapshot[name].shape == getattr(optimizer, name).shape
                    and snapshot[name].dtype == getattr(optimizer, name).dtype
                    for name in optimizer._state_arrays
                )
            ):
                np.copyto(saved_theta, theta)
                return (saved_theta, optimizer.snapshot(out=snapshot), n_epochs)
        return (theta.copy(), optimizer.snapshot(), n_epochs)

    def advance(self, theta, optimizer, n_epochs, *, last=False):
        """The current epoch went well: the state now starts the next one.

        With ``last``, no epoch follows in this call: the state, which the
        next call copies as its own start, is not copied (``start`` is None),
        and the arrays of the point dropped become ``spare``.
        """
        recycled = None if self.before is self.start else self.before
        self.before = self.start
        if last:
            self.start, self.spare = None, recycled
            return
        self.start = self.saved(theta, optimizer, n_epochs, recycled)

    @property
    def has_older(self):
        """Whether a state older than the current epoch's start is known."""
        return self.before is not self.start

    def undo_epoch(self, theta, optimizer):
        """Put back the current epoch's start, in place, keeping both points
        (for an epoch that was interrupted, not one that diverged)."""
        saved_theta, saved_optimizer, _ = self.start
        theta[...] = saved_theta
        optimizer.restore(saved_optimizer)

    def restore(self, theta, optimizer, *, previous_epoch):
        """Put back the current epoch's start (or the previous one's), in place.

        Returns the number of epochs done at the restored point. Nothing
        older is known afterwards, so both points are dropped.
        """
        saved_theta, saved_optimizer, n_epochs = (
            self.before if previous_epoch else self.start
        )
        theta[...] = saved_theta
        optimizer.restore(saved_optimizer)
        self.before = self.start = None
        return n_epochs
