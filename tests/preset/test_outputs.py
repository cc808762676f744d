"""Output paths checked before the work: one line naming the option and the path, never a late failure."""

from __future__ import annotations

import os
import tempfile

import pytest

from nntui.preset.errors import RunError
from nntui.preset.outputs import OutputError, check_output_file, check_output_folder, check_outputs


def unwritable_folder(tmp_path):
    """A folder no file can be created in: a read-only folder, or /proc when running as root."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        tempfile.mkstemp(dir=folder)
    except OSError:
        return folder
    if os.path.isdir("/proc"):
        return type(tmp_path)("/proc")
    pytest.skip("no folder here refuses new files (root without /proc)")


def test_output_errors_are_run_errors():
    """One family below the faces: whatever turns a RunError into one line (exit 2) handles these too."""
    assert issubclass(OutputError, RunError)


def test_a_file_in_a_missing_folder(tmp_path):
    with pytest.raises(OutputError) as err:
        check_output_file(tmp_path / "no" / "m.jsonl", "--metrics-out")
    assert str(err.value) == f"--metrics-out {tmp_path / 'no' / 'm.jsonl'}: the folder {tmp_path / 'no'} does not exist"


def test_a_file_that_is_a_folder(tmp_path):
    with pytest.raises(OutputError, match=r"^--save-weights .*: is a folder; give a file name$"):
        check_output_file(tmp_path, "--save-weights")


def test_a_file_where_nothing_can_be_written(tmp_path):
    folder = unwritable_folder(tmp_path)
    with pytest.raises(OutputError, match=rf"^--save-weights {folder}/w.npz: cannot write in {folder} "):
        check_output_file(folder / "w.npz", "--save-weights")


def test_a_read_only_file_is_refused_only_when_rewritten_in_place(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text("old\n")
    path.chmod(0o444)
    if os.access(path, os.W_OK):
        pytest.skip("running as root: every file is writable")
    assert check_output_file(path) == path  # replaced by a rename: fine in a writable folder
    with pytest.raises(OutputError, match="cannot replace the file"):
        check_output_file(path, "--metrics-out", in_place=True)


def test_a_folder_is_checked_without_being_created(tmp_path):
    assert check_output_folder(tmp_path / "new", create=False) == tmp_path / "new"
    assert not (tmp_path / "new").exists()
    assert check_output_folder(tmp_path / "new").is_dir()
    with pytest.raises(OutputError, match="the folder .* does not exist"):
        check_output_folder(tmp_path / "no" / "new", "--checkpoint", create=False)
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match=r"^--export-keras .*f: is a file, not a folder$"):
        check_output_folder(tmp_path / "f", "--export-keras", create=False)
    with pytest.raises(OutputError, match="cannot write in"):
        check_output_folder(unwritable_folder(tmp_path) / "new", "--checkpoint", create=False)
    assert not list(tmp_path.glob("**/.nntui-probe-*"))


def test_check_outputs_takes_them_all_and_skips_none(tmp_path):
    check_outputs(files=[("--metrics-out", tmp_path / "m.jsonl"), ("--save-weights", None)],
                  folders=[("--checkpoint", tmp_path / "ck", ["checkpoint.npz"]), ("--export-keras", None, [])])
    assert not (tmp_path / "ck").exists() and not (tmp_path / "m.jsonl").exists()
    with pytest.raises(OutputError, match=r"^--save-weights .*w.npz: the folder"):
        check_outputs(files=[("--metrics-out", tmp_path / "m.jsonl"), ("--save-weights", tmp_path / "x" / "w.npz")])


def test_two_outputs_that_would_write_the_same_file(tmp_path):
    with pytest.raises(OutputError) as err:
        check_outputs(files=[("--metrics-out", tmp_path / "a"), ("--save-weights", tmp_path / "." / "a")])
    assert str(err.value) == (f"--save-weights {tmp_path / '.' / 'a'}: --metrics-out writes this file too; "
                              "give each output its own path")
    (tmp_path / "ck").mkdir()
    with pytest.raises(OutputError, match=r"^--checkpoint .*metrics.jsonl: --metrics-out writes this file too"):
        check_outputs(files=[("--metrics-out", tmp_path / "ck" / "metrics.jsonl")],
                      folders=[("--checkpoint", tmp_path / "ck", ["checkpoint.npz", "metrics.jsonl"])])
