"""In a real browser: headless Chromium opens the served page, finds the builder, presses `a`, sees the palette."""

from __future__ import annotations

import pytest
from chromium_page import Page, missing

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"no browser to test in: {missing()}")


def test_the_builder_runs_in_the_browser_and_answers_keys(served):
    with Page(served.url) as page:
        before = page.wait_for("Ready to train")
        assert "nntui · mnist" in before and "Layers" in before and "units=512, relu" in before
        page.press("a")
        after = page.wait_for("Add a layer")
        assert "type to filter" in after and after != before
        assert page.first_frame_ms() > 0
