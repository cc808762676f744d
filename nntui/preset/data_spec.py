"""The ``[data]`` table of a preset: which data set, its own settings, and how much of it is used.

Every data set takes ``validation_split`` and ``limit``; the others belong to some sets only:

- ``mnist``, ``fashion_mnist``: nothing more (the files are found by ``--data-dir`` and the usual places);
- ``npz``: ``path`` (Keras's mnist.npz layout: x_train, y_train, x_test, y_test);
- ``csv``: ``path``, ``test_path`` (optional; without it the last ``test_split`` of the rows, 0.2 by
  default, are the test set) and ``label_column`` (default: the first column);
- Playground's ``circles``, ``xor``, ``gaussian``, ``spiral``: ``samples`` (500), ``test_samples``
  (as many), ``noise`` (0 to 0.5) and ``seed`` (0) of the points.

A key of another set is refused with the keys this one takes, so that a typo or a leftover from a
copied preset does not go unnoticed. Relative paths are read from the preset file's folder.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..engine.config import ConfigError, Field, describe

MNIST_SETS = ("mnist", "fashion_mnist")
FILE_SETS = ("npz", "csv")
PLAYGROUND_SETS = ("circles", "xor", "gaussian", "spiral")
DATASETS = MNIST_SETS + FILE_SETS + PLAYGROUND_SETS

DATA_FIELDS = {f.name: f for f in (
    Field("dataset", "choice", "mnist", "where the samples come from", choices=DATASETS),
    Field("validation_split", "float", 0.0, "last fraction of the training data kept for validation",
          min=0.0, max=1.0, max_exclusive=True),
    Field("limit", "int", None, "use only the first N training samples (empty: all)", min=1, allow_none=True,
          max_value=10**9),
    Field("path", "str", None, "the data file (relative paths: from the preset's folder)", allow_none=True),
    Field("test_path", "str", None, "a CSV file of test rows (empty: the last test_split of path's rows)",
          allow_none=True),
    Field("label_column", "str", None, "the name of the label's column (empty: the first column)",
          allow_none=True),
    Field("test_split", "float", 0.2, "without test_path: the last fraction of the rows, kept for test",
          min=0.0, max=1.0, min_exclusive=True, max_exclusive=True),
    Field("samples", "int", 500, "training points", min=2, max=1_000_000),
    Field("test_samples", "int", None, "test points (empty: as many as samples)", min=1, max=1_000_000,
          allow_none=True),
    Field("noise", "float", 0.0, "Playground's noise: 0 to 0.5", min=0.0, max=0.5),
    Field("seed", "int", 0, "seed for drawing the points", min=0, max=2**32 - 1, max_value=2**32 - 1),
)}
COMMON_KEYS = ("dataset", "validation_split", "limit")
#: The keys each data set takes besides the common ones.
OWN_KEYS = {
    **{name: () for name in MNIST_SETS},
    "npz": ("path",),
    "csv": ("path", "test_path", "label_column", "test_split"),
    **{name: ("samples", "test_samples", "noise", "seed") for name in PLAYGROUND_SETS},
}
#: Who a key belongs to, for the message when another set has it.
OWNERS = {"path": "npz and csv", "test_path": "csv", "label_column": "csv", "test_split": "csv",
          **{k: "Playground's sets (" + ", ".join(PLAYGROUND_SETS) + ")"
             for k in ("samples", "test_samples", "noise", "seed")}}
TITLES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST", "npz": "npz file", "csv": "CSV file",
          **{name: f"Playground's {name}" for name in PLAYGROUND_SETS}}


@dataclass
class DataSpec:
    """Where the data comes from and how much of it is used (keys of other sets keep their defaults)."""

    dataset: str = "mnist"
    validation_split: float = 0.0
    limit: int | None = None
    path: str | None = None
    test_path: str | None = None
    label_column: str | None = None
    test_split: float = 0.2
    samples: int = 500
    test_samples: int | None = None
    noise: float = 0.0
    seed: int = 0

    @property
    def is_mnist(self) -> bool:
        """Whether the samples are MNIST's digits (the only set the digit rules apply to)."""
        return self.dataset == "mnist"

    @property
    def is_playground(self) -> bool:
        """Whether the samples are points of one of Playground's 2-D sets."""
        return self.dataset in PLAYGROUND_SETS

    def keys(self) -> tuple[str, ...]:
        """The keys this data set takes, in the order a file lists them."""
        return COMMON_KEYS + OWN_KEYS[self.dataset]

    def settings(self) -> dict:
        """The keys of this data set that differ from their defaults (``dataset`` always), for writing."""
        out = {"dataset": self.dataset}
        for key in self.keys()[1:]:
            value = getattr(self, key)
            if value != DATA_FIELDS[key].default:
                out[key] = value
        return out

    def switched_to(self, dataset: str) -> "DataSpec":
        """This spec for another data set: the common keys kept, the other set's keys at their defaults
        (the own keys kept when both sets take them, e.g. from circles to spiral)."""
        keep = COMMON_KEYS + tuple(k for k in OWN_KEYS[dataset] if k in OWN_KEYS[self.dataset])
        values = {k: getattr(self, k) for k in keep}
        values["dataset"] = dataset
        return DataSpec(**values)


def data_key_error(dataset: str, key: str) -> str | None:
    """Why ``key`` does not belong in the [data] table of ``dataset`` (None when it does)."""
    if key in COMMON_KEYS or key in OWN_KEYS[dataset]:
        return None
    takes = ", ".join(COMMON_KEYS[1:] + OWN_KEYS[dataset])
    if key in OWNERS:
        return f"only for {OWNERS[key]}; dataset {dataset!r} takes: {takes}"
    return f"unknown key (dataset {dataset!r} takes: {takes})"


def validate_data_value(key: str, value):
    """One [data] value, validated by its Field (paths and column names must not be empty)."""
    value = DATA_FIELDS[key].validate(value)
    if key in ("path", "test_path", "label_column") and value is not None and not value.strip():
        raise ConfigError(key, f"expected a non-empty text, got {describe(value)}")
    return value


def parse_data(raw) -> DataSpec:
    """Validate the ``[data]`` table."""
    if not isinstance(raw, dict):
        raise ConfigError("data", f"expected a table, got {describe(raw)}")
    known = {f.name for f in fields(DataSpec)}
    for key in raw:
        if key not in known:
            raise ConfigError(f"data.{key}", f"unknown key (allowed here: {', '.join(DATA_FIELDS)})")
    dataset = _value(raw, "dataset")
    for key in raw:
        problem = data_key_error(dataset, key)
        if problem:
            raise ConfigError(f"data.{key}", problem)
    spec = DataSpec(**{key: _value(raw, key) for key in DATA_FIELDS})
    if dataset in FILE_SETS and spec.path is None:
        example = "data/train.csv" if dataset == "csv" else "data/mnist.npz"
        raise ConfigError("data.path", f"missing: dataset {dataset!r} reads a file (path = {example!r})")
    if "test_split" in raw and spec.test_path is not None:
        raise ConfigError("data.test_split", "not used when data.test_path is given (the test rows come "
                                             "from that file); remove one of them")
    return spec


def _value(raw: dict, key: str):
    try:
        return validate_data_value(key, raw[key]) if key in raw else DATA_FIELDS[key].default
    except ConfigError as exc:
        raise ConfigError(f"data.{key}", exc.reason) from None


__all__ = ["DATASETS", "DATA_FIELDS", "DataSpec", "FILE_SETS", "MNIST_SETS", "PLAYGROUND_SETS", "TITLES",
           "data_key_error", "parse_data", "validate_data_value"]
