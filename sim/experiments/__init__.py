"""Many runs: engines, paired comparison of plans, sweeps, statistics, the results store."""
