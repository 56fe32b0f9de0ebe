"""Figures of the SI scans, drawn from artifacts alone (no model)."""

SEED_PLOTS: dict = {}
ACROSS_PLOTS: dict = {}
