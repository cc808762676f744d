"""Issue 18, "no silent surprises": what a newcomer trips over in the builder and the training screen."""

from __future__ import annotations

from test_tui_graph import TWO_BRANCH_KEYS
from tui_helpers import NARROW, WIDE, layer_types


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def test_duplicating_a_layer_renames_no_other_layer_and_keeps_the_output(app_factory):
    app = app_factory()
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press(*TWO_BRANCH_KEYS)
        await pilot.pause()
        doc = app.document
        before = doc.names()
        assert before == ["dense_2", "dense", "concatenate", "dense_1"] and doc.outputs == ["dense_1"]
        await pilot.press("home", "down", "c")  # duplicate dense_2, the branch
        await pilot.pause()
        names = doc.names()
        assert layer_types(app) == ["Dense", "Dense", "Dense", "Concatenate", "Dense"]
        assert [names[0], *names[2:]] == before  # every other layer keeps its name
        assert names[1] not in before and doc.outputs == ["dense_1"]
        assert doc.inputs_of(3) == ["dense_2", "dense"]  # the merge still joins the same two layers
        # duplicating the output of a graph keeps it the output
        await pilot.press("end", "c")
        await pilot.pause()
        assert doc.outputs == ["dense_1"] and doc.names()[:5] == names
