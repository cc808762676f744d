"""Issue 18: the training head, the progress bar, the summary and the anatomy agree after a stop and on
"train again" (a continuation counts its epochs as the epoch table does, and the bar with them)."""

from __future__ import annotations

import asyncio

from test_training_support import glyph_arrays, small_preset, wait_for

from nntui.tui.training.harness import TrainingHarnessApp
from nntui.tui.training.screen import TrainingScreen

ARRAYS = glyph_arrays()  # 540 training images, 32 a batch: 17 batches an epoch


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def test_after_a_stop_the_head_shows_where_training_stopped_and_the_summary_agrees():
    async def go():
        app = TrainingHarnessApp(lambda: TrainingScreen(small_preset(epochs=2), arrays=ARRAYS, pause_at=20,
                                                        deterministic=True))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "paused")
            s = app.screen
            await pilot.press("s")
            await wait_for(pilot, lambda: s.phase == "ended", what="the stop")
            await pilot.pause()
            assert text(s, "#training-epoch") == "Epoch 2/2 batch 3/17"  # not 'test 200/200' beside 59%
            assert abs(s.query_one("#training-bar").fraction - 20 / 34) < 1e-6
            summary = text(s, "#results-summary")
            assert "Training stopped during epoch 2, batch 3/17 (1 full epoch done)." in summary
            assert "after 1 epoch" not in summary
            anatomy = s.query_one("#anatomy-wide")
            assert (anatomy.snapshot.epoch, anatomy.snapshot.step) == (2, 3)
    asyncio.run(go())


def test_a_one_epoch_continuation_counts_on_from_the_first_run_in_the_head_and_the_bar():
    async def go():
        app = TrainingHarnessApp(lambda: TrainingScreen(small_preset(epochs=1), arrays=ARRAYS,
                                                        deterministic=True))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TrainingScreen) and app.screen.phase == "ended")
            s = app.screen
            assert text(s, "#training-epoch") == "Epoch 1/1 batch 17/17"
            await pilot.press("t")  # train again: one more epoch, the second in all
            await wait_for(pilot, lambda: s.snapshot is not None and s.snapshot.epoch == 2 and s.snapshot.step >= 1,
                           what="the continuation")
            bar = s.query_one("#training-bar")
            assert bar.total == 34 and bar.fraction > 0.5  # the bar counts on from the first epoch, as the head
            assert text(s, "#training-epoch").startswith("Epoch 2/2 ")
            await wait_for(pilot, lambda: s.phase == "ended", what="the end of the continuation")
            await pilot.pause()
            assert text(s, "#training-epoch") == "Epoch 2/2 batch 17/17" and bar.fraction == 1.0
            anatomy = s.query_one("#anatomy-wide")
            assert (anatomy.snapshot.epoch, anatomy.snapshot.step) == (2, 17)
    asyncio.run(go())
