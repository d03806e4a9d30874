"""``python -m sim``: the command line (see :mod:`sim.cli`)."""

from sim.cli import main

if __name__ == "__main__":
    main()
