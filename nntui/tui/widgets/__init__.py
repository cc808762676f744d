"""Widgets of the builder: the stack table, totals, status line, layer details, training settings."""
