"""CPU time of this process and every process under it (pool workers, Dask nannies and workers,
the forkserver they fork from), for benchmarks that compare engines on CPU rather than wall time.

A process that has exited counts once its parent has waited for it: its time is then in the
parent's ``children_*`` times. The workers of a pool or a local Dask cluster are children of the
forkserver, which waits for them and lives as long as this process, so their time is counted
after they exit. Read :func:`tree_cpu` before and after the work (leave a moment after a pool
closes for the forkserver to reap its workers) and take the difference.
"""

from __future__ import annotations

import time

import psutil

SETTLE_S = 0.3  # time for the forkserver to wait for workers that have just exited


def _times(process: psutil.Process) -> float:
    t = process.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def tree_cpu(settle: bool = True) -> float:
    """CPU seconds used so far by this process and all its descendants, alive or reaped."""
    if settle:
        time.sleep(SETTLE_S)
    me = psutil.Process()
    total = _times(me)
    for child in me.children(recursive=True):
        try:
            total += _times(child)
        except psutil.NoSuchProcess:  # gone since it was listed: counted by its parent now
            continue
    return total
