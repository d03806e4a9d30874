"""``python -m sim``: the command line (see :mod:`sim.cli.main`)."""

from sim.cli.main import main

if __name__ == "__main__":
    main()
