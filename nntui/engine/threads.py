"""BLAS threads chosen by the engine, layer by layer, for a machine that may be shared.

OpenBLAS's default (one thread per core, spinning while it waits for work) is fast on an idle
machine and slow on a busy one: a product split over two threads waits for the slower half, and
the spinning threads take CPU from the other processes. While a run trains, a
:class:`ThreadGovernor` decides how many threads the products of each layer use (through
threadpoolctl, the well-kept library for it):

- layers without matrix products, and any product that does not gain from a second thread, run on
  one: every so often (at the start and then every ``reprobe_seconds``) the governor times a few
  training steps with every layer on one thread and a few with every layer on all threads it may
  use, alternating, and gives each layer the faster setting (more threads only for a clear gain);
  the first timing is repeated after a few seconds, since the start of a run is a noisy moment;
- it notices busy cores: at the start it counts the other runnable threads, then every second it
  reads how much CPU the other processes took (:class:`~nntui.engine.machine.LoadMeter`, from
  /proc/stat); when they leave less than about two CPUs free, every layer runs on one thread
  (OpenBLAS's threads then sleep instead of spinning), and when the load changes it times again; a
  timing stops early when a step on all threads is much slower than the one before on one;
- outside the layers (loss, optimiser) one thread.

A fixed ``threads=N`` (``Trainer(threads=N)``) skips all of this: N threads throughout. The library's
own setting is restored when the run ends.
"""

from __future__ import annotations

import statistics
import threading
import time

from threadpoolctl import ThreadpoolController

from .machine import LoadMeter, others_runnable, usable_cpus


class BlasPool:
    """The process's BLAS libraries (OpenBLAS, MKL, BLIS) as threadpoolctl finds them; sets their
    thread count, skipping calls that would not change it."""

    _shared: BlasPool | None = None
    _lock = threading.Lock()

    def __init__(self, libraries=None):
        self.libraries = list(libraries) if libraries is not None else \
            ThreadpoolController().select(user_api="blas").lib_controllers
        self.sync()

    def sync(self) -> None:
        """Read the libraries' setting again (someone else may have changed it): it becomes the one
        :meth:`restore` goes back to."""
        counts = [lib.num_threads for lib in self.libraries if lib.num_threads]
        self.original = max(counts) if counts else 1
        self.current = self.original

    @classmethod
    def shared(cls) -> BlasPool:
        """One pool per process (finding the libraries takes a few milliseconds)."""
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def set(self, threads: int) -> None:
        """Let each BLAS call use up to ``threads`` threads (set every time, a few microseconds: another
        thread of the process, e.g. the app's epoch-time probe with threadpoolctl, may have changed it)."""
        for lib in self.libraries:
            lib.set_num_threads(threads)
        self.current = threads

    def restore(self) -> None:
        """Back to the libraries' own setting; another thread may control them next."""
        self.set(self.original)
        for lib in self.libraries:
            clear = getattr(lib, "clear_controlling_thread", None)
            if clear is not None:
                clear()


class _NoGovernor:
    """What a model calls when no run governs its threads: nothing happens."""

    def enter(self, index: int) -> None:
        pass

    def leave(self, index: int) -> None:
        pass

    def outside(self) -> None:
        pass


NO_GOVERNOR = _NoGovernor()


def _median(values):
    return statistics.median(values) if values else float("inf")


class ThreadGovernor:
    """Per-layer BLAS thread counts for one model while it trains (see the module's docstring).

    The model calls :meth:`enter` before and :meth:`leave` after each layer's forward and backward
    (``model.governor``); the trainer calls :meth:`begin_step`, :meth:`end_step` around each
    training step and :meth:`start` / :meth:`finish` around the run. Calls from other threads (a
    face drawing predictions while the run trains) are ignored.
    """

    #: Training steps per setting when timing (alternating one thread / all threads).
    probe_steps = 4
    #: A layer gets more threads only if they make it at least this much faster.
    min_gain = 0.10
    #: Time again after this many seconds of training (conditions drift).
    reprobe_seconds = 30.0
    #: ... but the first timing falls in the run's start, while the process may still be busy starting
    #: it (the app draws its training screen meanwhile): time again this soon after it.
    first_reprobe_seconds = 3.0
    #: Read the load this often (seconds).
    load_interval = 1.0
    #: A timing stops (one thread everywhere) when a step on all threads takes this many times the
    #: step before it on one: the cores are busy, no need to lose more steps finding out.
    give_up = 1.5

    def __init__(self, model, threads: int | None = None, *, pool: BlasPool | None = None,
                 meter: LoadMeter | None = None, cpus: int | None = None, clock=time.perf_counter,
                 first_guess=others_runnable):
        self.model = model
        self.fixed = threads
        self.cpus = cpus if cpus is not None else usable_cpus()
        self.pool = pool
        self.meter = meter
        self.clock = clock
        self.first_guess = first_guess
        n = len(model.layers)
        #: Layers whose forward or backward runs matrix products (the others are never switched).
        self.blas = [bool(layer.weights) for layer in model.layers]
        self.plan = [1] * n
        self.available = 1  # threads the machine leaves us now
        self.probes = 0  # how many times the governor has timed the two settings
        self.busy_seconds = 0.0  # training seconds spent on one thread because the cores were busy
        self._thread = None
        self._timing: list[float] | None = None
        self._entered: list[float] = [0.0] * n
        self._samples: dict[str, list[list[float]]] = {}
        self._last_one_step = None  # seconds of the last timed step on one thread
        self._last_others = None  # the last load reading (CPUs other processes kept busy)
        self._arm: str | None = None
        self._queue: list[str] = []
        self._next_probe = 0.0
        self._next_load = 0.0
        self._others_at_probe = None
        self._step_plan = self.plan

    # ------------------------------------------------------------------ what the faces show
    @property
    def threads(self) -> int:
        """The most threads any layer trains with now."""
        return max(self.plan) if self.plan else 1

    @property
    def most(self) -> int:
        """The most threads the governor may give a layer."""
        return self.fixed if self.fixed is not None else self.cpus

    def describe(self) -> str:
        """One line for a start message: the choice and what it is based on."""
        if self.fixed is not None:
            return f"{self.fixed} BLAS thread{'s' * (self.fixed != 1)} (fixed)"
        return f"BLAS threads chosen per layer, up to {self.cpus} (the CPUs this process may use)"

    # ------------------------------------------------------------------ run
    def start(self) -> None:
        """The run begins (in the calling thread)."""
        self._thread = threading.get_ident()
        if self.pool is None:
            self.pool = BlasPool.shared()
        self.pool.sync()
        if self.fixed is not None:
            self.plan = self._step_plan = [self.fixed] * len(self.plan)
            self.pool.set(self.fixed)
            return
        if self.meter is None:
            self.meter = LoadMeter()
        now = self.clock()
        self._next_load = now + self.load_interval
        self.available = self._available(self.first_guess() if self.first_guess is not None else None)
        self.plan = self._step_plan = [1] * len(self.plan)
        if self.available > 1:
            self._start_probe(skip=1)
        self.pool.set(1)

    def finish(self) -> None:
        """The run is over: the BLAS libraries' own setting again."""
        self._timing = None
        if self.pool is not None and self._thread == threading.get_ident():
            self.pool.restore()
        self._thread = None

    def _available(self, others: float | None) -> int:
        """Threads worth using when other processes keep ``others`` CPUs busy (None: unknown)."""
        if others is None:
            return self.cpus
        self._last_others = others
        return max(1, min(self.cpus, int(self.cpus - others + 0.5)))

    def _start_probe(self, skip: int = 0) -> None:
        arms = ["one", "many"] * self.probe_steps
        self._queue = ["skip"] * skip + arms
        self._samples = {"one": [], "many": []}
        self._last_one_step = None
        self._others_at_probe = self._last_others

    # ------------------------------------------------------------------ steps
    def begin_step(self) -> None:
        """Before a training step: the thread counts for its layers, and whether to time them."""
        if self.fixed is not None or self._thread != threading.get_ident():
            return
        now = self.clock()
        if now >= self._next_load:
            self._check_load(now)
        if not self._queue and self.available > 1 and now >= self._next_probe:
            self._start_probe()
        if self._queue:
            self._arm = self._queue.pop(0)
            many = self.available
            if self._arm == "skip":
                self._step_plan, self._timing = self.plan, None
            else:
                count = 1 if self._arm == "one" else many
                self._step_plan = [count] * len(self.plan)
                self._timing = [0.0] * len(self.plan)
        else:
            self._arm, self._step_plan, self._timing = None, self.plan, None

    def end_step(self, seconds: float) -> None:
        """After a training step of ``seconds``: record what was timed, decide when the timing is done."""
        if self.fixed is not None or self._thread != threading.get_ident():
            return
        if self._timing is not None and self._arm in self._samples:
            self._samples[self._arm].append(self._timing)
            if self._arm == "one":
                self._last_one_step = seconds
            elif self._last_one_step is not None and seconds > self.give_up * self._last_one_step:
                self._give_up()
        self._timing = None
        if self.available == 1:
            self.busy_seconds += seconds
        if self._arm is not None and not self._queue and self._samples.get("many"):
            self._decide()
        self._arm = None
        self._step_plan = self.plan

    def _give_up(self) -> None:
        """All threads were much slower than one: one thread everywhere until the next timing."""
        self.plan = [1] * len(self.plan)
        self._queue = []
        self._samples = {}
        self.probes += 1
        self._next_probe = self.clock() + self._reprobe_after()

    def _reprobe_after(self) -> float:
        return self.first_reprobe_seconds if self.probes == 1 else self.reprobe_seconds

    def _decide(self) -> None:
        """Each layer: all threads if the timed steps show a clear gain, else one."""
        one, many = self._samples["one"], self._samples["many"]
        count = self.available
        for i, uses in enumerate(self.blas):
            if not uses:
                self.plan[i] = 1
                continue
            t1 = _median([s[i] for s in one])
            tn = _median([s[i] for s in many])
            self.plan[i] = count if tn < (1.0 - self.min_gain) * t1 else 1
        self.probes += 1
        self._samples = {}
        self._next_probe = self.clock() + self._reprobe_after()

    def _check_load(self, now: float) -> None:
        self._next_load = now + self.load_interval
        others = self.meter.others()
        if others is None:
            return
        available = self._available(others)
        if available == 1:
            # the cores are busy: no spinning on them, no timing until they are free again
            self.plan = [1] * len(self.plan)
            self._queue = []
            self._samples = {}
        elif available != self.available or (
                self._others_at_probe is not None and abs(others - self._others_at_probe) > 0.5):
            self._next_probe = now  # time the settings again under the new load
            self._queue = []
        self.available = available

    # ------------------------------------------------------------------ layers
    def enter(self, index: int) -> None:
        """Before layer ``index`` runs (forward or backward)."""
        if self._thread != threading.get_ident():
            return
        if self.blas[index]:
            self.pool.set(self._step_plan[index])
        if self._timing is not None:
            self._entered[index] = self.clock()

    def leave(self, index: int) -> None:
        """After layer ``index`` ran."""
        if self._timing is not None and self._thread == threading.get_ident():
            self._timing[index] += self.clock() - self._entered[index]

    def outside(self) -> None:
        """The model's pass is over: one thread for what follows (loss, optimiser)."""
        if self.fixed is None and self._thread == threading.get_ident() and self.pool is not None:
            self.pool.set(1)
