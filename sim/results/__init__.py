"""One run's tidy tables and the measures computed from them, each defined once."""
