"""Debian's headless Chromium, driven by Selenium through chromedriver, on a page served by ``nntui serve``.

textual-serve draws the app with xterm.js; its Terminal object is private to textual.js, so a script that runs
before the page's own catches it when textual.js assigns ``this.terminal`` and keeps it on ``window``. The
screen is then read from the terminal's buffer, as text. The same script notes when the first frame arrived
(the first time the screen is not blank), in milliseconds from the start of the page's load.

``python tests/serve/chromium_page.py URL`` opens URL (a running ``nntui serve``) and prints the times to the first
frame and to the builder's "Ready to train".
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# what Chromium needs here: run as root, no GPU, and no calls home on a closed network
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,800")
HOOK = r"""
function text(terminal) {
  const buffer = terminal.buffer.active, rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(y);
    rows.push(line ? line.translateToString(true) : '');
  }
  return rows.join('\n');
}
window.__nntuiText = text;
Object.defineProperty(Object.prototype, 'terminal', {configurable: true, set(value) {
  Object.defineProperty(this, 'terminal', {value, writable: true, configurable: true, enumerable: true});
  if (!(value && value.buffer && value.rows)) return;
  window.__nntuiTerminal = value;
  const watch = value.onWriteParsed(() => {  // the first frame (the screen not blank), the builder ready
    const screen = text(value);
    if (window.__firstFrameMs === undefined && screen.trim()) window.__firstFrameMs = performance.now();
    if (screen.includes('Ready to train')) { window.__builderReadyMs = performance.now(); watch.dispose(); }
  });
}});
"""
SCREEN = "return window.__nntuiTerminal ? window.__nntuiText(window.__nntuiTerminal) : null;"


def missing() -> str | None:
    """Why no browser test can run here, or None."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if shutil.which(path) is None:
            return f"no {path} (Debian's {package}; .ci/run installs it: apt-get install -y chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "no selenium (pip install -e '.[test]')"
    return None


class Page:
    """One browser tab on ``url``: the terminal's text, keys typed into it, screenshots."""

    def __init__(self, url: str):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.TemporaryDirectory(prefix="nntui-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*FLAGS, f"--user-data-dir={self.profile.name}"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
            self.driver.get(url)
        except BaseException:
            self.close()
            raise

    def screen(self) -> str:
        return self.driver.execute_script(SCREEN) or ""

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """The screen once ``text`` is on it (an AssertionError with the screen after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not on the screen after {timeout}s:\n{screen}")
            time.sleep(0.05)

    def press(self, *keys: str) -> None:
        """Type keys into the terminal, as a person at the keyboard (selenium's Keys for the special ones).

        One WebDriver call per argument: a modifier (``Keys.CONTROL + "a"``) stays down to the end of a call.
        """
        from selenium.webdriver.common.by import By

        terminal = self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        for key in keys:
            terminal.send_keys(key)

    def first_frame_ms(self) -> float | None:
        """Milliseconds from the start of the page's load to the app's first frame in the terminal."""
        return self.driver.execute_script("return window.__firstFrameMs")

    def builder_ready_ms(self) -> float | None:
        """Milliseconds from the start of the page's load to the builder's "Ready to train" on the screen."""
        return self.driver.execute_script("return window.__builderReadyMs")

    def screenshot(self, path: str) -> None:
        self.driver.save_screenshot(path)

    def close(self) -> None:
        self.driver.quit()
        self.profile.cleanup()

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


if __name__ == "__main__":
    started = time.monotonic()
    with Page(sys.argv[1]) as page:
        page.wait_for("Ready to train", timeout=120)
        print(f"from the start of the page's load: first frame {page.first_frame_ms():.0f} ms, builder ready "
              f"{page.builder_ready_ms():.0f} ms; {time.monotonic() - started:.1f} s with the browser's start")
