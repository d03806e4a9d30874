"""Words, the calendar and the employer's workload reference data: what every layer speaks in."""
