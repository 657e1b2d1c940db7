"""The learning-rate policies, one family per module.

Everything public is re-exported by :mod:`sklearn_lr.schedules` and named
there (``__module__``), so pickles, skops files and the documentation see
``sklearn_lr.schedules.<Name>`` whatever module holds the code.
"""
