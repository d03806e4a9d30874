"""The simulator's own failure: raised by every layer that runs the model, caught by every view
(here, at the bottom of the layers, so a view can catch it without importing the model)."""

from __future__ import annotations


class ModelError(RuntimeError):
    """The model failed on an input the schema accepts: a bug in the simulator, not a mistake
    in the input. Its message says so and gives what is needed to reproduce it."""


class RunLimitError(Exception):
    """A run stopped by the model's watchdog (:mod:`sim.model.watchdog`): it made no progress in
    simulated time, or passed the events or CPU-seconds one run may spend. Not a bug: the input
    asks more of a run than it may take; the message names the rule or limit and the fix."""
