"""
=================================================
A stream with partial_fit: the schedule continues
=================================================

When data arrives in chunks, :meth:`~sklearn_lr.SGDNetClassifier.partial_fit`
trains one epoch over each chunk and carries every piece of state over to the
next call: the weights, the optimizer's velocities, and the learning-rate
schedule's clock and feedback state. One call is one epoch of the schedule's
clock, so here durations are counted in chunks.

A stream has no known end, so the policies to use are those without a
horizon: a constant, a decay such as
:class:`~sklearn_lr.schedules.InverseTimeDecay`, or warm restarts.
"""

# %%
# The stream
# ----------
# The digits training data, shuffled, read as a stream of chunks of 60
# images, three times over; a held-out quarter scores the model after every
# chunk.
import pickle

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_lr import SGDNetClassifier
from sklearn_lr.plotting import LearningRateDisplay
from sklearn_lr.schedules import Constant, InverseTimeDecay, Warmup

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)  # in a real stream: from a first sample
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
classes = np.unique(y)

rng = np.random.default_rng(0)
chunk_size, n_passes = 60, 3


def stream():
    """Yield (X, y) chunks: ``n_passes`` shuffled passes over the training data."""
    for _ in range(n_passes):
        order = rng.permutation(len(X_train))
        for start in range(0, len(order) - chunk_size + 1, chunk_size):
            index = order[start : start + chunk_size]
            yield X_train[index], y_train[index]


chunks = list(stream())  # kept, to replay them at the end
print(f"{len(chunks)} chunks of {chunk_size} images")


# %%
# Two learners on the same stream
# -------------------------------
# One keeps α constant; the other warms up over the first two chunks and then
# decays α as 1 / (1 + 0.1 t), t counted in chunks. Each chunk is cut into
# mini-batches of 15 images: four update steps per call. ``classes`` is
# required on the first call, since a chunk need not hold every label.
constant = "Constant(alpha=0.05)"
decaying = "Warmup(InverseTimeDecay(alpha=0.1, decay=0.1), epochs=2)"
learners = {
    constant: Constant(alpha=0.05),
    decaying: Warmup(InverseTimeDecay(alpha=0.1, decay=0.1), epochs=2),
}
nets = {
    label: SGDNetClassifier((64,), learning_rate=policy, batch_size=15, random_state=0)
    for label, policy in learners.items()
}
scores = {label: [] for label in learners}
checkpoint_after = 20
for i, (X_chunk, y_chunk) in enumerate(chunks):
    if i == checkpoint_after:  # a copy of the decaying learner, in memory
        checkpoint = pickle.dumps(nets[decaying])
    for label, net in nets.items():
        net.partial_fit(X_chunk, y_chunk, classes=classes)
        scores[label].append(net.score(X_test, y_test))

for label, net in nets.items():
    print(
        f"{label}: {net.n_iter_} chunks, {net.t_} samples seen, "
        f"final accuracy {scores[label][-1]:.3f}, α now {net.lr_history_[-1]:.4f}"
    )

# %%
# Held-out accuracy after every chunk
# -----------------------------------
# With a constant α the model keeps moving with every chunk, and its accuracy
# with it; as the decaying α shrinks, each chunk moves the model less and the
# accuracy settles.
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
for label, values in scores.items():
    ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=label)
ax.set(xlabel="chunks seen", ylabel="held-out accuracy", ylim=(0.8, 1.0))
ax.legend(loc="lower right", fontsize=8)
ax.grid(alpha=0.3)
plt.show()

# %%
# α across the chunks
# -------------------
# ``lr_history_`` holds the α of every update step since the first call, and
# ``loss_curve_`` the training loss of every chunk: the schedule ran on across
# calls instead of restarting with each chunk.
display = LearningRateDisplay.from_estimator(nets[decaying])
display.ax_.set_xlabel("chunks (one partial_fit call is one epoch of the clock)")
plt.show()

# %%
# Resuming from a checkpoint
# --------------------------
# The schedule's run-time state ``schedule_`` pickles with the estimator, as
# do the optimizer's velocities and the random state that shuffles the
# batches. A model saved mid-stream therefore resumes exactly: fed the chunks
# that came after the checkpoint, the restored copy ends with the same
# weights, to the last bit, as the learner that never stopped.
restored = pickle.loads(checkpoint)
print(f"restored after {restored.n_iter_} chunks, α = {restored.lr_history_[-1]:.4f}")
print("its schedule state:", restored.schedule_)
for X_chunk, y_chunk in chunks[checkpoint_after:]:
    restored.partial_fit(X_chunk, y_chunk)
same = all(
    np.array_equal(a, b)
    for a, b in zip(restored.coefs_, nets[decaying].coefs_, strict=True)
)
print("same weights as the uninterrupted learner:", same)
