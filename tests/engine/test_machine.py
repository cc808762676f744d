"""What the engine reads from the machine: caches (a fake sysfs tree), CPUs, cgroup quotas, and the
sizes derived from them."""

import os
from pathlib import Path

import numpy as np

from nntui.engine import machine
from nntui.engine.layers import Conv2D
from nntui.engine.model import Model
from nntui.engine.optimizers import block_size, get_optimizer


def fake_cpu(root: Path, cpu: int, caches, siblings="0"):
    """A sysfs-like cpu<N> folder: caches as (level, type, size text, shared_cpu_list)."""
    for i, (level, kind, size, shared) in enumerate(caches):
        d = root / f"cpu{cpu}" / "cache" / f"index{i}"
        d.mkdir(parents=True)
        (d / "level").write_text(f"{level}\n")
        (d / "type").write_text(f"{kind}\n")
        (d / "size").write_text(f"{size}\n")
        (d / "shared_cpu_list").write_text(f"{shared}\n")
    topo = root / f"cpu{cpu}" / "topology"
    topo.mkdir(parents=True, exist_ok=True)
    (topo / "thread_siblings_list").write_text(f"{siblings}\n")


def test_sizes_and_cpu_lists_parse_like_sysfs():
    assert machine.parse_size("2048K") == 2 << 20
    assert machine.parse_size("32M") == 32 << 20
    assert machine.parse_size("512") == 512
    assert machine.parse_cpu_list("0-3,8,10-11") == {0, 1, 2, 3, 8, 10, 11}


def test_the_private_cache_is_the_largest_one_no_other_core_shares(tmp_path):
    # Intel-like: L1d and L2 per core, L3 shared by all
    fake_cpu(tmp_path, 0, [(1, "Data", "48K", "0"), (1, "Instruction", "32K", "0"),
                           (2, "Unified", "2048K", "0"), (3, "Unified", "307200K", "0-1")])
    caches = machine.read_caches(0, tmp_path)
    assert [c.level for c in caches] == [1, 1, 2, 3]
    assert machine.private_cache_bytes(caches, machine.core_siblings(0, tmp_path)) == 2 << 20


def test_a_cache_shared_by_the_core_s_own_hardware_threads_counts_as_private(tmp_path):
    # AMD-like with SMT: the L2 is shared by the two threads of one core, the L3 by eight cores
    fake_cpu(tmp_path, 0, [(1, "Data", "32K", "0,16"), (2, "Unified", "512K", "0,16"),
                           (3, "Unified", "32768K", "0-7,16-23")], siblings="0,16")
    size = machine.private_cache_bytes(machine.read_caches(0, tmp_path), machine.core_siblings(0, tmp_path))
    assert size == 512 << 10


def test_no_sysfs_means_no_private_cache(tmp_path):
    assert machine.read_caches(0, tmp_path) == []
    assert machine.private_cache_bytes([], frozenset({0})) is None
    assert machine.core_cache_bytes() > 0  # this machine's, or the fallback


def test_cgroup_quotas(tmp_path):
    assert machine.cgroup_cpu_limit(tmp_path) is None
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert machine.cgroup_cpu_limit(tmp_path) is None
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert machine.cgroup_cpu_limit(tmp_path) == 1.5
    assert 1 <= machine.usable_cpus()


def test_the_load_meter_reports_others_or_nothing(tmp_path):
    meter = machine.LoadMeter()
    others = meter.others()
    assert others is None or others >= 0.0
    assert machine.machine_busy_seconds(tmp_path / "missing") is None


def test_conv_chunks_follow_the_machine_s_cache(monkeypatch):
    layer = Conv2D(filters=8, kernel_size=3)
    per_sample = 6 * 6 * (3 * 3 * 2 + 1) * 4
    monkeypatch.setattr("nntui.engine.layers.conv.core_cache_bytes", lambda: 5 * per_sample)
    Model((8, 8, 2), [layer]).build(seed=0)
    assert layer.chunk == 5
    layer.chunk_bytes = 2 * per_sample  # an explicit budget still wins
    layer.build(layer.input_shape)
    assert layer.chunk == 2


def test_optimizer_blocks_follow_the_cache_and_do_not_change_the_update():
    assert block_size(4, 4, 2 << 20) == 65_536
    assert block_size(4, 4, 512 << 10) == 16_384
    assert block_size(5, 4, 1 << 10) == 4096  # never tiny
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=100_000).astype(np.float32)
    grads = rng.normal(size=(3, 100_000)).astype(np.float32)
    results = []
    for block in (theta0.size, 4096):
        opt = get_optimizer("adam")
        opt.build(theta0.size, block=block)
        assert len(opt._blocks) == -(-theta0.size // block)
        theta = theta0.copy()
        for g in grads:
            assert opt.step(theta, g)
        results.append(theta)
    np.testing.assert_array_equal(results[0], results[1])


def test_runnable_threads_are_read_from_proc_stat(tmp_path):
    stat = tmp_path / "stat"
    stat.write_text("cpu  10 0 5 100 0 0 0 0 0 0\ncpu0 5 0 2 50 0 0 0 0 0 0\nprocs_running 4\nprocs_blocked 0\n")
    assert machine.runnable_now(stat) == 4
    assert machine.others_runnable(samples=2, gap=0, path=stat, own=lambda: 1) == 3  # the caller is one of them
    assert machine.others_runnable(samples=2, gap=0, path=stat, own=lambda: 3) == 1  # BLAS's threads are ours
    assert machine.machine_busy_seconds(stat) == 15 / os.sysconf("SC_CLK_TCK")
    assert machine.runnable_now(tmp_path / "missing") is None
    assert machine.others_runnable(path=tmp_path / "missing") is None


def test_own_runnable_threads_count_a_spinning_blas_thread_as_ours():
    """Right after a threaded product OpenBLAS's worker spins: it is this process's, not another's."""
    import numpy as np

    assert machine.own_runnable_now() >= 1  # the caller
    a = np.ones((1500, 1500), np.float32)
    a @ a
    assert machine.others_runnable(samples=3, gap=0) <= machine.runnable_now() - 1
