"""The Displays of :mod:`sklearn_lr.plotting`, one module each, and their
shared helpers (``common``)."""
