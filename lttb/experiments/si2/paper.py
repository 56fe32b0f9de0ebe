"""The authors' published runs, per scan value (filled from their data files)."""

PAPER: dict = {}
