"""The training screen: the worker thread, its messages, and the widgets that show a run live.

- ``screen``: :class:`TrainingScreen` composes the widgets, holds the run's ``phase`` and routes the
  worker's messages to the widgets within the frame budget of ``pacing``; its keys are allowed per
  phase (``phase``); ``saving`` writes the weights and the metrics.
- ``worker`` (:class:`TrainingJob`, one run in a thread), ``run_control`` (pause, step, stop),
  ``messages`` (what the worker posts), ``run_facts`` (what the messages carry).
- Widgets, each with its ``.tcss``: ``head`` (title, state, progress line), ``notice``, ``curves`` and
  ``plots``, ``anatomy``, ``epoch_table``, ``results`` (its summary text from ``summary``),
  ``progress`` (the bar); ``save_prompt`` asks where to save.
- ``harness``: the screen in a minimal app (tests, benchmarks).
"""
