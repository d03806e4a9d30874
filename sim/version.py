"""The simulator's version: written with every result, so a number can be traced to the code
that made it."""

__version__ = "0.1.0"
