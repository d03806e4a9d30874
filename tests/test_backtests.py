"""The stored expected results (tests/expected/) come out exactly the same: every value of the
summary, daily, weekly and risk-check tables of three runs. A change to the model that moves
them is meant only if the files are regenerated (make expected) in the same commit."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from backtest_cases import CASES, TABLES, read_expected, run_case


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    return request.param, run_case(request.param)


def test_the_tables_are_exactly_the_stored_ones(case):
    name, tables = case
    for table in TABLES:
        # through CSV, as stored: the same text for the same numbers, to the last bit
        now = pd.read_csv(io.StringIO(tables[table].to_csv(index=False)))
        pd.testing.assert_frame_equal(
            now, read_expected(name, table), check_exact=True, obj=f"{name}/{table}"
        )
