"""A real ``nntui serve`` in a subprocess on a free loopback port, stopped as Ctrl+C stops it; its app processes."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

STARTUP_SECONDS = 30
ADDRESS = re.compile(r"open (http://127\.0\.0\.1:(\d+)) in a web browser")


def children_of(pid: int) -> list[int]:
    """The live processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Served:
    """The server process, the address it printed, and the apps it started (seen while it ran)."""

    process: subprocess.Popen
    url: str
    port: int
    apps: set[int] = field(default_factory=set)

    def wait_for_apps(self, count: int, timeout: float = STARTUP_SECONDS) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = children_of(self.process.pid)
            self.apps.update(now)
            if len(now) == count:
                return now
            time.sleep(0.05)
        raise AssertionError(f"expected {count} app process(es), found {children_of(self.process.pid)}")

    def ctrl_c(self, timeout: float = 20) -> tuple[int, str, str]:
        """SIGINT to the server's process group (as the terminal sends it); the exit code and the output."""
        self.apps.update(children_of(self.process.pid))
        os.killpg(self.process.pid, signal.SIGINT)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err


def start_server(*args: str) -> Served:
    process = subprocess.Popen([sys.executable, "-m", "nntui", "serve", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    ready, _, _ = select.select([process.stdout], [], [], STARTUP_SECONDS)
    line = process.stdout.readline() if ready else ""
    match = ADDRESS.search(line)
    if not match:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"nntui serve printed {line!r} {out!r} {err!r}")
    return Served(process, match.group(1), int(match.group(2)))
