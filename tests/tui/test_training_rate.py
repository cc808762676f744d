"""Pilot tests of + and - on the training screen: the learning rate doubled and halved at once, running
or paused; the head, the anatomy and the loss curve's markers show it; the metrics records log it."""

from __future__ import annotations

import asyncio

import pytest
from test_training_support import glyph_arrays, small_preset, wait_for
from textual.widgets import Static

from nntui.tui.common.live_history import LiveHistory
from nntui.tui.training.harness import TrainingHarnessApp
from nntui.tui.training.plots import TrainingPlot
from nntui.tui.training.run_control import RunControl
from nntui.tui.training.screen import TrainingScreen

ARRAYS = glyph_arrays()


def harness(preset, **kwargs):
    kwargs.setdefault("arrays", ARRAYS)
    return TrainingHarnessApp(lambda: TrainingScreen(preset, **kwargs))


def lines(widget) -> str:
    return "\n".join(widget.render_line(y).text for y in range(widget.content_size.height))


def plot_text(screen) -> str:
    return lines(screen.query_one("#plot-loss-plot", TrainingPlot))


def title(screen) -> str:
    return str(screen.query_one("#training-title", Static).render())


def test_run_control_hands_over_each_factor_once_and_wakes_a_paused_worker():
    ctl = RunControl()
    ctl.pause()
    assert ctl.must_wait() and not ctl.rate_pending
    ctl.scale_learning_rate(0.5)
    ctl.scale_learning_rate(0.5)
    assert ctl.rate_pending and ctl.wait(5) < 1  # the waiting worker wakes up for it
    assert ctl.take_rate_factor() == 0.25 and ctl.take_rate_factor() == 1.0 and not ctl.rate_pending


def test_live_history_keeps_one_mark_per_place_and_forgets_unfinished_epochs():
    h = LiveHistory()
    h.add_batch(0.5, 1.0, 0.5, 0.9)
    h.add_rate_mark(h.last_x, 0.0005)
    h.add_rate_mark(h.last_x, 0.00025)  # twice between the same batches: one mark, the newest rate
    h.add_batch(1.5, 1.0, 0.5, 0.9)
    h.add_rate_mark(h.last_x, 0.0005)
    assert h.snapshot().rate_marks == ((0.5, 0.00025), (1.5, 0.0005))
    h.truncate(1)
    assert h.snapshot().rate_marks == ((0.5, 0.00025),) and h.last_x == 1.0


def test_minus_while_paused_halves_the_rate_at_once_and_marks_the_loss_curve():
    async def go():
        app = harness(small_preset(epochs=2, batch_size=32), pause_at=6)  # 17 steps per epoch
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "paused",
                           what="the pause")
            s = app.screen
            assert "lr 0.001 " in title(s)
            await pilot.press("minus")
            await wait_for(pilot, lambda: s.snapshot.learning_rate == pytest.approx(0.0005), 10, "the new rate")
            assert s.phase == "paused" and s.snapshot.global_step == 6  # nothing trained for it
            assert "lr 0.0005 " in title(s)
            await wait_for(pilot, lambda: "5.00e-04" in lines(s.query_one("#anatomy-wide")), 10, "the anatomy")
            assert s.snapshot.curves.rate_marks == ((6 / 17, 0.0005),)
            await pilot.press("n", "n")
            await wait_for(pilot, lambda: s.snapshot.global_step == 8 and s.phase == "paused", 10, "two steps")
            await pilot.press("minus")
            await wait_for(pilot, lambda: s.snapshot.learning_rate == pytest.approx(0.00025), 10, "halved again")
            assert s.snapshot.curves.rate_marks == ((6 / 17, 0.0005), (8 / 17, 0.00025))
            await pilot.pause(0.3)  # the plots redraw a moment after a paused snapshot
            text = plot_text(s)
            assert "0.0005" in text and "0.00025" in text
            await pilot.press("space")
            await wait_for(pilot, lambda: s.phase == "ended", 60, "the run to end")
            assert s.state.trainer.optimizer.learning_rate == pytest.approx(0.00025)
            records = s.state.history.records
            changes = [r for r in records if r["event"] == "learning_rate"]
            assert [(c["global_step"], c["factor"], c["scale"]) for c in changes] == [(6, 0.5, 0.5), (8, 0.5, 0.25)]
            epochs = [r for r in records if r["event"] == "epoch"]
            assert [e["learning_rate"] for e in epochs] == pytest.approx([0.00025, 0.00025])
    asyncio.run(go())


def test_plus_while_running_doubles_the_rate_from_the_next_batch():
    async def go():
        app = harness(small_preset(epochs=10_000, batch_size=8))  # not ending by itself on a fast machine
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "running"
                           and app.screen.snapshot is not None and app.screen.snapshot.global_step > 2,
                           what="training to start")
            s = app.screen
            await pilot.press("plus")
            await wait_for(pilot, lambda: s.snapshot.learning_rate == pytest.approx(0.002), 10, "the doubled rate")
            assert s.phase == "running" and len(s.snapshot.curves.rate_marks) == 1
            await pilot.press("s")
            await wait_for(pilot, lambda: s.phase == "ended", 60, "the run to end")
            assert s.state.trainer.optimizer.learning_rate == pytest.approx(0.002)
            await pilot.press("minus")  # not while no run is under way
            await pilot.pause()
            assert s.state.trainer.optimizer.learning_rate == pytest.approx(0.002)
    asyncio.run(go())


def test_a_rate_above_ten_is_refused_with_a_notice():
    async def go():
        app = harness(small_preset(epochs=2, optimizer='type = "sgd", learning_rate = 4'), pause_at=2)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "paused",
                           what="the pause")
            s = app.screen
            await pilot.press("plus")
            await wait_for(pilot, lambda: s.snapshot.learning_rate == pytest.approx(8), 10, "the doubled rate")
            await pilot.press("plus")
            await wait_for(pilot, lambda: any("stays 8" in str(n.message) for n in app._notifications), 10,
                           "the notice")
            assert s.snapshot.learning_rate == pytest.approx(8) and len(s.snapshot.curves.rate_marks) == 1
    asyncio.run(go())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_rate_halved_twice_shows_two_markers_and_the_values(snap_compare, size):
    """mnist on the synthetic digits, paused at batch 10: -, ten batches one by one, - again."""
    from nntui.preset import load_preset

    async def run_before(pilot) -> None:
        app = pilot.app
        await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "paused",
                       what="the pause")
        s = app.screen
        await pilot.press("minus")
        for step in range(11, 21):
            await pilot.press("n")
            await wait_for(pilot, lambda: s.snapshot.global_step == step and s.phase == "paused", 10, "one step")
        await pilot.press("minus")
        await wait_for(pilot, lambda: s.snapshot.learning_rate == pytest.approx(0.00025), 10, "halved twice")
        await pilot.pause(0.3)
        await pilot.wait_for_scheduled_animations()

    preset = load_preset("mnist").with_overrides(epochs=3, batch_size=32)
    app = TrainingHarnessApp(lambda: TrainingScreen(preset, arrays=ARRAYS, deterministic=True, pause_at=10))
    app.ENABLE_COMMAND_PALETTE = False
    assert snap_compare(app, terminal_size=size, run_before=run_before)
