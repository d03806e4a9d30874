"""The command line (python -m sim): a thin view over the public API."""
