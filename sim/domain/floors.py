"""The shortest time the model lets a thing take, so every piece of work and every follow-up
moves the clock on and no chain of rules can repeat at one simulated instant (the watchdog,
:mod:`sim.model.watchdog`, stops a run that does all the same). Settings below a floor are
warned about before a run (:mod:`sim.scenario.plausibility`).

* ``MIN_WORK_MINUTES``: one second. A task whose drawn duration, or what is left of it after a
  break, is shorter is worked for one second: nothing done at a desk takes less, and a duration
  of 1e-300 minutes would leave the clock where it was. A step with no work in it (a risk check
  gone ahead without its information) takes none.
* ``MIN_FOLLOW_UP_MINUTES``: one hour. A lost message is resent no sooner than this after the
  moment that calls for it, however short the detection or confirmation time: nobody can notice
  that a message went missing before a reply could be expected (assumption, range 15 minutes to
  one working day).
"""

from __future__ import annotations

MIN_WORK_MINUTES = 1.0 / 60.0
MIN_FOLLOW_UP_MINUTES = 60.0
