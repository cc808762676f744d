"""Type-ahead: keys typed faster than the app reacts still reach the screen they were meant for.

Textual hands each key to whatever has focus when the key arrives. When keys come faster than the
app reacts (a quick typist, ``tmux send-keys``, a pasted key sequence), keys meant for a dialog
that is still opening would go to the screen below it, or to nothing. So a key that arrives while
the app is still busy with the previous one waits in a queue, and each queued key is handed over
only once the app has settled (the same rule Textual's own test pilot uses). A key that arrives
when the app is idle goes straight through, with no delay.
"""

from __future__ import annotations

import asyncio
from collections import deque
from time import monotonic, process_time

from textual import events

TICK = 1 / 50  # seconds between checks
IDLE_CPU = TICK / 20  # CPU seconds per tick below which the process counts as idle
#: Once nothing is queued and the screen has focus, a key waits at most this long for the process to
#: go idle (a worker thread may keep it busy for good)...
MAX_WAIT = 1.0
#: ...while a key whose screen is still opening or whose messages are still queued waits for them
#: (on a loaded machine a dialog can take seconds to open) up to this long.
MAX_PENDING = 15.0


def app_is_settled(app) -> bool:
    """No messages waiting for the app, the current screen or the focused widget; the screen has focus."""
    screen = app.screen
    for pump in (app, screen, screen.focused):
        if pump is not None and pump.message_queue_size:
            return False
    return screen.is_mounted and screen.focused is not None


async def wait_until_settled(app, max_wait: float = MAX_WAIT, max_pending: float = MAX_PENDING) -> None:
    """Return once the app has nothing queued and the process stops working.

    A busy process (a training thread, say) holds a settled app's key at most ``max_wait``; an app still
    opening a screen or handling messages holds it until that is done, at most ``max_pending``.
    """
    start = monotonic()
    while True:
        cpu = process_time()
        await asyncio.sleep(TICK)
        waited = monotonic() - start
        if app_is_settled(app) and (process_time() - cpu < IDLE_CPU or waited >= max_wait):
            return
        if waited >= max_pending:
            return


class TypeAhead:
    """Queues keys that arrive while the app is busy and releases them one at a time."""

    def __init__(self, app) -> None:
        self.app = app
        self.queue: deque[events.Key] = deque()
        self.busy = False
        self._task: asyncio.Task | None = None

    def take(self, event: events.Key) -> bool:
        """Called for each key from the terminal: True when it is queued (do not dispatch it now)."""
        if getattr(event, "_released", False):
            return False
        if not self.queue and not self.applies_to(self.app.screen):
            return False
        if self.busy or self.queue:
            self.queue.append(events.Key(event.key, event.character))
            self._start()
            return True
        self.busy = True  # this key goes through now; the next one waits until the app settles
        self._start()
        return False

    @staticmethod
    def applies_to(screen) -> bool:
        """Only screens with ``TYPE_AHEAD`` (the builder, dialogs): a busy one (training) gets its keys at once."""
        return getattr(screen, "TYPE_AHEAD", False)

    def _start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._release())

    async def _release(self) -> None:
        while True:
            await wait_until_settled(self.app)
            if not self.queue:
                self.busy = False
                return
            key = self.queue.popleft()
            key._released = True
            key.set_sender(self.app)
            self.app.post_message(key)
