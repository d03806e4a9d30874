"""One percentile convention in every view: nearest rank. The fan chart's band, the office now's
median and P10-P90 and time to recover's P50/P90 are all the smallest value with at least q% of
the replications at or below it."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.exercise.projection import spread
from sim.experiments.statistics import nearest_rank, percentiles

values = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60)


@given(values, st.sampled_from([10, 25, 50, 75, 90]))
def test_percentiles_are_nearest_rank(found, q):
    assert float(percentiles(np.array(found), q)) == nearest_rank(np.array(found), q)


def test_the_office_nows_spread_is_nearest_rank_over_ten_replications():
    import pandas as pd

    ten = pd.Series([float(v) for v in range(1, 11)])
    assert spread(ten) == {"median": 5.0, "p10": 1.0, "p90": 9.0}  # not 5.5, 1.9 and 9.1
    assert math.isnan(spread(pd.Series([], dtype=float))["median"])
