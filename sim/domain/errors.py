"""The simulator's own failure: raised by every layer that runs the model, caught by every view
(here, at the bottom of the layers, so a view can catch it without importing the model)."""

from __future__ import annotations


class ModelError(RuntimeError):
    """The model failed on an input the schema accepts: a bug in the simulator, not a mistake
    in the input. Its message says so and gives what is needed to reproduce it."""
