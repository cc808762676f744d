"""Seconds from starting ``nntui --preset P`` to its first full frame of the builder, in a pseudo-terminal.

Run by hand (never by the test suite), from the repository root:

    python benchmarks/first_frame.py [--presets mnist,mnist-cnn] [--rounds 5] [--size 120x40]

Each round starts, for each preset in turn (the order alternating round by round), a fresh
``python -m nntui --preset P`` on a pseudo-terminal of ``--size``, reads what it writes, and stops the
clock when the text (escape sequences removed) holds every marker of a whole builder: the layer
table's header, the totals line, the status line ("Ready to train" or a shape error) and the footer's
palette key; then it quits the app (Ctrl+Q). The same round also times ``python -c "import
nntui.cli"`` and ``python -c "import nntui.cli, nntui.tui.app"`` (the imports alone, no frame), so
each round says how much of the wait is importing. It prints every round and the medians; the
machine is shared, so read the medians of a run and the per-round differences, not single rounds;
the CPU seconds the process used until then (from /proc) are the steadier figure on a loaded machine,
the wall seconds are what a user waits. The bytecode of nntui's modules is written first and the
timed processes run without PYTHONDONTWRITEBYTECODE, as an installed copy starts.

Where the time goes inside: ``python -X importtime -m nntui --version 2>&1 | sort -t'|' -k2 -n`` (the
command line alone) and ``python -X importtime -c "import nntui.tui.app"`` (the app's modules).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=$ ]*[A-Za-z~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Za-z0-9]|[=>78MDEc])")
MARKERS = ("Output shape", "Params ", "palette")
STATUS = ("Ready to train", "✗", "does not fit")  # the status line: either the run can start or why not


def cpu_seconds(pid: int) -> float:
    """CPU seconds process ``pid`` has run so far, all its threads (Linux /proc; nan elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def first_frame(preset: str, size: tuple[int, int], timeout: float = 60.0) -> tuple[float, float]:
    """(wall, CPU) seconds until the app on ``preset`` has drawn a whole builder (inf if it did not
    within ``timeout``)."""
    cols, rows = size
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = child_env(TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows), TEXTUAL_ANIMATIONS="none")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "nntui", "--preset", preset], stdin=slave, stdout=slave,
                            stderr=slave, env=env, cwd=REPO, start_new_session=True, close_fds=True)
    os.close(slave)
    seen = b""
    took = cpu = float("inf")
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break
            seen += chunk
            text = ESCAPES.sub(b"", seen).decode("utf-8", "replace")
            if all(m in text for m in MARKERS) and any(s in text for s in STATUS):
                took = time.perf_counter() - start
                cpu = cpu_seconds(proc.pid)
                break
    finally:
        try:
            os.write(master, b"\x11")  # ctrl+q
            end = time.perf_counter() + 5
            while proc.poll() is None and time.perf_counter() < end:
                if select.select([master], [], [], 0.1)[0]:
                    try:
                        os.read(master, 1 << 16)
                    except OSError:
                        break
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            os.close(master)
    return took, cpu


def child_env(**extra) -> dict[str, str]:
    """The environment of the timed processes: as an installed nntui runs, with its bytecode cached
    (PYTHONDONTWRITEBYTECODE, set in some shells and CI images, would compile every module from
    source at every start: about 0.15 s of nntui's start on the machine of 2 December)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def compile_bytecode() -> None:
    """Write the bytecode of nntui's modules (what ``pip install`` does for an installed copy)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "nntui")], env=child_env(), check=True)


def import_seconds(code: str) -> tuple[float, float]:
    """(wall, CPU) seconds of ``python -c code``."""
    start, before = time.perf_counter(), os.times()
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, env=child_env())
    after = os.times()
    return time.perf_counter() - start, (after.children_user - before.children_user
                                         + after.children_system - before.children_system)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", default="mnist,mnist-cnn")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args(argv)
    presets = [p for p in args.presets.split(",") if p]
    size = tuple(int(v) for v in args.size.lower().split("x"))
    jobs = {f"frame {p}": (lambda p=p: first_frame(p, size)) for p in presets}
    jobs["import cli"] = lambda: import_seconds("import nntui.cli")
    jobs["import cli+app"] = lambda: import_seconds("import nntui.cli, nntui.tui.app")
    compile_bytecode()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in jobs}
    names = list(jobs)
    for r in range(args.rounds):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            times[name].append(jobs[name]())
        print(f"round {r + 1}: " + "  ".join(f"{n} {times[n][-1][0]:.2f} s (CPU {times[n][-1][1]:.2f})"
                                             for n in names), flush=True)
    print(f"wall / CPU seconds over {args.rounds} rounds, median (min):")
    for name, v in times.items():
        wall, cpu = [t[0] for t in v], [t[1] for t in v]
        print(f"  {name:<18} wall {statistics.median(wall):.2f} ({min(wall):.2f})  "
              f"CPU {statistics.median(cpu):.2f} ({min(cpu):.2f})")


if __name__ == "__main__":
    main()
