"""What the engine asks of the machine it runs on: the cache a core has to itself, the CPUs it may use,
and how busy the other processes keep them.

Sizes that depend on the CPU (the im2col chunks of Conv2D, the optimisers' blocks) are derived from
:func:`core_cache_bytes` rather than tuned on one machine. On Linux everything is read from sysfs and
procfs (``/sys/devices/system/cpu``, ``/sys/fs/cgroup``, ``/proc/stat``); elsewhere the portable
fallbacks apply (``os.sysconf``, ``os.cpu_count``), and :class:`LoadMeter` reports nothing.
"""

from __future__ import annotations

import functools
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

SYS_CPU = Path("/sys/devices/system/cpu")
CGROUP = Path("/sys/fs/cgroup")
PROC_STAT = Path("/proc/stat")
#: The per-core cache assumed where the machine does not say (a common L2 size).
FALLBACK_CACHE_BYTES = 1 << 20


@dataclass(frozen=True)
class Cache:
    """One CPU cache as sysfs describes it."""

    level: int
    type: str  # "Data", "Instruction" or "Unified"
    size: int  # bytes
    shared_with: frozenset[int]  # the CPUs that share it


def parse_size(text: str) -> int:
    """Bytes of a sysfs cache size such as ``2048K`` or ``32M``."""
    text = text.strip().upper()
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    return int(text.rstrip("KMG") or 0) * scale


def parse_cpu_list(text: str) -> frozenset[int]:
    """CPUs of a sysfs list such as ``0-3,8``."""
    cpus = set()
    for part in text.strip().split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return frozenset(cpus)


def read_caches(cpu: int, root: Path = SYS_CPU) -> list[Cache]:
    """The caches of ``cpu`` (empty where sysfs does not list them)."""
    found = []
    for index in sorted((root / f"cpu{cpu}" / "cache").glob("index*")):
        try:
            found.append(Cache(int((index / "level").read_text()), (index / "type").read_text().strip(),
                               parse_size((index / "size").read_text()),
                               parse_cpu_list((index / "shared_cpu_list").read_text())))
        except (OSError, ValueError):
            continue
    return found


def core_siblings(cpu: int, root: Path = SYS_CPU) -> frozenset[int]:
    """The hardware threads of ``cpu``'s core (itself alone where sysfs does not say)."""
    try:
        return parse_cpu_list((root / f"cpu{cpu}" / "topology" / "thread_siblings_list").read_text()) | {cpu}
    except (OSError, ValueError):
        return frozenset({cpu})


def private_cache_bytes(caches: list[Cache], siblings: frozenset[int]) -> int | None:
    """The largest data (or unified) cache that no other core shares, e.g. the L2; None if there is none."""
    own = [c.size for c in caches if c.type in ("Data", "Unified") and c.size and c.shared_with <= siblings]
    return max(own) if own else None


def _first_cpu() -> int:
    try:
        return min(os.sched_getaffinity(0))
    except (AttributeError, OSError, ValueError):
        return 0


@functools.cache
def core_cache_bytes() -> int:
    """Bytes of the cache one core has to itself (the L2 on most CPUs), read from the machine."""
    cpu = _first_cpu()
    size = private_cache_bytes(read_caches(cpu), core_siblings(cpu))
    if size:
        return size
    try:
        size = os.sysconf("SC_LEVEL2_CACHE_SIZE")
    except (AttributeError, ValueError, OSError):
        size = 0
    return size if size and size > 0 else FALLBACK_CACHE_BYTES


def cgroup_cpu_limit(root: Path = CGROUP) -> float | None:
    """CPUs allowed by a cgroup quota (v2 ``cpu.max`` or v1 ``cpu.cfs_quota_us``); None without a quota."""
    try:
        quota, period = (root / "cpu.max").read_text().split()[:2]
        if quota != "max":
            return int(quota) / int(period)
        return None
    except (OSError, ValueError):
        pass
    try:
        quota = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
        return quota / period if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


@functools.cache
def usable_cpus() -> int:
    """How many CPUs this process may run on (its affinity, within any cgroup quota)."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    limit = cgroup_cpu_limit()
    if limit is not None:
        count = min(count, max(1, math.ceil(limit - 1e-9)))
    return max(1, count)


def machine_busy_seconds(path: Path = PROC_STAT) -> float | None:
    """CPU seconds all processes have run (user, nice, system, irq, softirq, steal), or None."""
    try:
        with open(path) as fh:
            values = [int(v) for v in fh.readline().split()[1:]]
        return (values[0] + values[1] + values[2] + values[5] + values[6] + values[7]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def runnable_now(path: Path = PROC_STAT) -> int | None:
    """Threads on the whole machine that are running or ready to run at this instant (the calling
    one included), or None where the machine does not say."""
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith("procs_running"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def own_runnable_now(tasks: Path = Path("/proc/self/task")) -> int:
    """This process's threads that are running or ready to run at this instant, the calling one
    included (at least 1): BLAS's worker threads spin for a while after a product, and they are ours,
    not another process's."""
    count = 0
    try:
        for task in tasks.iterdir():
            try:
                stat = (task / "stat").read_text()
            except OSError:
                continue
            if stat.rsplit(")", 1)[-1].split()[:1] == ["R"]:
                count += 1
    except OSError:
        pass
    return max(1, count)


def others_runnable(samples: int = 5, gap: float = 0.002, path: Path = PROC_STAT,
                    own=own_runnable_now) -> float | None:
    """A quick first guess of how many CPUs other processes want: the mean count of runnable threads
    that are not this process's over a few instants ``gap`` seconds apart (None where unknown)."""
    counts = []
    for k in range(samples):
        if k:
            time.sleep(gap)
        n = runnable_now(path)
        if n is None:
            return None
        counts.append(max(0, n - own()))
    return sum(counts) / len(counts)


def own_cpu_seconds() -> float:
    """CPU seconds this process has run, all its threads."""
    t = os.times()
    return t.user + t.system


class LoadMeter:
    """How many CPUs other processes kept busy since the last reading: machine busy time (/proc/stat)
    minus this process's own CPU time, over the wall time between readings."""

    def __init__(self):
        self._last = self._sample()

    @staticmethod
    def _sample():
        busy = machine_busy_seconds()
        return None if busy is None else (busy, own_cpu_seconds(), time.perf_counter())

    @property
    def available(self) -> bool:
        """Whether the machine reports its load (Linux)."""
        return self._last is not None

    #: Shorter windows say nothing: the kernel counts CPU time in clock ticks (10 ms).
    min_window = 0.25

    def others(self) -> float | None:
        """CPUs' worth of work other processes did since the last reading (or construction); None if
        unknown, or if less than ``min_window`` seconds passed (the window then keeps growing)."""
        now = self._sample()
        last = self._last
        if now is None or last is None:
            self._last = now
            return None
        wall = now[2] - last[2]
        if wall < self.min_window:
            return None
        self._last = now
        return max(0.0, (now[0] - last[0]) - (now[1] - last[1])) / wall
