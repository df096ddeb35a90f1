"""Figures from sessions already in memory: counts, item and domain figures, heatmap grids,
findings, the tidy table. Never reads or writes a file (an import-linter contract says so)."""
