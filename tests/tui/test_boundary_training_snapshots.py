"""Snapshots of the training screen's decision boundary (Playground's sets, fixed seeds, clock-based figures
hidden): the Boundary tab paused mid-run, and the results of a 2-D run (the test points on the plane).

Update with ``pytest tests/tui/test_boundary_training_snapshots.py --snapshot-update`` and look at every SVG.
"""

from __future__ import annotations

import pytest
from test_training_snapshots import SnapshotApp, until

from nntui.preset import load_preset
from nntui.tui.training.screen import TrainingScreen

SPIRAL_PAUSE = 2500  # epoch 50 of 100: the arms half learned, some points still marked wrong


def app_for(name: str, **kwargs):
    preset = load_preset(name)
    return SnapshotApp(lambda: TrainingScreen(preset, deterministic=True, **kwargs))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_spiral_boundary_paused(snap_compare, size):
    assert snap_compare(app_for("playground-spiral", pause_at=SPIRAL_PAUSE), terminal_size=size,
                        run_before=until("paused"))


def test_xor_results_on_the_plane_120x40(snap_compare):
    assert snap_compare(app_for("playground-xor"), terminal_size=(120, 40), run_before=until("ended"))
