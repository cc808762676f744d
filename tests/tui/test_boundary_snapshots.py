"""Snapshots of the decision boundary widget on its own (fixed seed, a closed-form classifier).

Update with ``pytest tests/tui/test_boundary_snapshots.py --snapshot-update`` and look at every SVG.
"""

from __future__ import annotations

import pytest

from nntui.tui.boundary.harness import BoundaryHarnessApp, demo_frame


class SnapshotApp(BoundaryHarnessApp):
    ENABLE_COMMAND_PALETTE = False


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_spiral_boundary(snap_compare, size):
    assert snap_compare(SnapshotApp(demo_frame("spiral"), "Decision boundary · spiral"), terminal_size=size)


def test_xor_boundary_80x24(snap_compare):
    assert snap_compare(SnapshotApp(demo_frame("xor", noise=0.3)), terminal_size=(80, 24))


def test_waiting_for_the_first_prediction(snap_compare):
    assert snap_compare(SnapshotApp(None), terminal_size=(80, 24))
