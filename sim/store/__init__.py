"""Stores that keep what was run, on disk: the results store (:mod:`sim.store.results`) and the
rules every store writes and reads by (:mod:`sim.store.files`). They import nothing else of
``sim``: the floor below everything that saves."""
