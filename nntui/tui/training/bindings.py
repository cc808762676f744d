"""The training screen's keys (which phases allow each: :mod:`.phase`; ? lists them with the tabs shown)."""

from __future__ import annotations

from textual.binding import Binding

TRAINING_BINDINGS = [
    Binding("space", "pause", "Pause", tooltip="Pause the run (after the batch in flight)"),
    Binding("space", "resume", "Resume", tooltip="Resume the paused run"),
    Binding("p", "pause", "Pause", show=False),
    Binding("p", "resume", "Resume", show=False),
    Binding("n", "step", "Step", tooltip="One batch, then pause again (while running: pause)"),
    Binding("full_stop", "step", "Step", show=False),
    Binding("s", "stop", "Stop", tooltip="Stop the run (the weights so far stay; t trains on from them)"),
    Binding("plus", "learning_rate(2)", "lr×2", key_display="+", tooltip="Double the learning rate, at once (marked on the loss curve)"),
    Binding("minus", "learning_rate(0.5)", "lr÷2", key_display="-", tooltip="Halve the learning rate, at once (marked on the loss curve)"),
    Binding("t", "again", "Train again", tooltip="Train again, continuing from the current weights"),
    Binding("enter", "again", "Train again", show=False),
    Binding("r", "restart", "Restart", tooltip="Train again from fresh weights"),
    Binding("w", "save_weights", "Weights", tooltip="Save the trained weights (.npz)"),
    Binding("m", "save_metrics", "Metrics", tooltip="Save the metrics of every epoch (JSON lines)"),
    Binding("i", "inside", "Inside", tooltip="Look inside the network: each layer's output, weights, health"),
    Binding("D", "draw", "Draw", tooltip="Draw a digit and watch the network read it (paused or ended)"),
    Binding("escape", "back", "Back", tooltip="Back to the builder (a run under way stops)"),
    Binding("b", "back", "Builder", show=False),
    # the tab keys number the tabs shown: Curves, Anatomy (compact layout only), Results, Boundary (2-D)
    Binding("1", "tab_number(1)", "Curves", show=False),
    Binding("2", "tab_number(2)", "Tab 2", show=False),
    Binding("3", "tab_number(3)", "Tab 3", show=False),
    Binding("4", "tab_number(4)", "Tab 4", show=False),
    Binding("5", "tab_number(5)", "Tab 5", show=False),
]
