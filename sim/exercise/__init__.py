"""Tabletop exercises: play a scenario in the room, step by step, with injects and decisions.

* :mod:`sim.exercise.log`: the exercise's state (its log): the clock, injects delivered,
  decisions taken, notes, ratings and the improvement plan; each step is a function returning
  a new log, and the model's inputs (the scenario as the room knows it, the plan as decided,
  each option's plan) are read from it.
* :mod:`sim.exercise.evaluation`: the evaluation's steps, as HSEEP runs it: evaluators'
  timestamped observations, participants who join during play, the hot wash.
* :mod:`sim.exercise.projection`: what the room is shown at a step, from an experiment run on the
  log's inputs: the office now, with its spread over replications, and each option projected to
  the end of the exercise, paired on the same replications.
* :mod:`sim.exercise.store`: every step saved with its checksum and the step it follows, so an
  exercise survives a restart and replays from its log, and a step built on an older one than
  the newest is refused rather than written over it.
* :mod:`sim.exercise.history`: what a step changed from the one before it, and who, in words.
* :mod:`sim.exercise.improvement`: the improvement plan as CSV (HSEEP's columns), written with
  spreadsheet formulas neutralised and read back.

Every run of an exercise starts at day 0 and lasts the exercise's weeks, on the same random
streams: a decision taken at a moment changes nothing before it (tests/test_branching.py), so
the options compared share their past exactly and differ only through the decision.
"""
