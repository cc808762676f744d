"""The data set the model trains on: which one, its own settings, and its sizes as the checks see them.

Part of the settings panel (:mod:`.settings_panel`). Choosing another data set is one undoable edit
(the document's ``set_dataset``: the input shape follows the new samples when it cannot hold them);
each setting (a file's path, Playground's samples, noise and seed, ...) another (``set_data``). The
last line says what the data set holds (``spiral: 2 values, 2 classes · 500 training, 500 test``) or
why its file cannot be used. A relative path is taken from the folder nntui was started in and
stored as an absolute one, so that the preset finds its file wherever it is saved.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalGroup
from textual.widgets import Label, Select, Static

from ...preset.data_spec import DATA_FIELDS, DATASETS, TITLES
from ...preset.document import PresetDocument
from ..common.css import tcss
from ..common.field_editor import FieldEditor
from ..common.safe_lists import SafeSelect

PATH_KEYS = ("path", "test_path")


def sizes_text(doc: PresetDocument) -> tuple[str, bool]:
    """The sizes line and whether it reports a problem."""
    check = doc.check()
    if check.data_error:
        return f"✗ {check.data_error}", True
    sizes = check.sizes
    counts = ""
    if sizes.train is not None:
        counts = f" · {sizes.train:,} training, {sizes.test or 0:,} test"
        counts = counts.replace(" training", " training (about)") if sizes.dataset == "csv" and sizes.classes is None \
            else counts
    return sizes.summary() + counts, False


class DataPanel(VerticalGroup):
    """The dataset choice, the chosen set's own settings, and its sizes."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._shown: str | None = None

    @property
    def document(self) -> PresetDocument:
        return self.app.document

    def compose(self) -> ComposeResult:
        data = self.document.preset.data
        yield Static("Data", classes="heading")
        with HorizontalGroup(classes="select-row"):
            yield Label("dataset", classes="name")
            yield SafeSelect([(name, name) for name in DATASETS], value=data.dataset, allow_blank=False,
                             compact=True, id="dataset", tooltip="where the samples come from")
        yield Static(TITLES[data.dataset], id="dataset-title", classes="hint")
        yield VerticalGroup(*self._rows(), id="data-fields")
        yield Static("", id="data-sizes", classes="hint", markup=False)

    def _rows(self) -> list:
        data = self.document.preset.data
        self._shown = data.dataset
        return [FieldEditor(DATA_FIELDS[key], getattr(data, key), show_hint=False, id=f"data-{key}", classes="data")
                for key in data.keys()[3:]]

    def on_mount(self) -> None:
        self.app.document_changed.subscribe(self, self._on_document_changed, immediate=True)
        self._sizes()

    def _on_document_changed(self, _doc=None) -> None:
        self.sync()

    def sync(self) -> None:
        """Show the document's data set and settings (new rows when the data set changed)."""
        data = self.document.preset.data
        select = self.query_one("#dataset", Select)
        if select.value != data.dataset:
            with select.prevent(Select.Changed):
                select.value = data.dataset
        self.query_one("#dataset-title", Static).update(TITLES[data.dataset])
        if data.dataset != self._shown:
            self.call_next(self._replace_rows)
        else:
            for editor in self.query(".data").results(FieldEditor):
                editor.set_value(getattr(data, editor.field.name))
        self._sizes()

    async def _replace_rows(self) -> None:
        box = self.query_one("#data-fields")
        await box.remove_children()
        await box.mount_all(self._rows())

    def _sizes(self) -> None:
        text, problem = sizes_text(self.document)
        line = self.query_one("#data-sizes", Static)
        line.update(text)
        line.set_class(problem, "-error")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "dataset":
            return
        event.stop()
        value = event.value
        if value != self.document.preset.data.dataset:
            self.app.apply(lambda d: d.set_dataset(value))

    def on_field_editor_committed(self, event: FieldEditor.Committed) -> None:
        if not event.editor.has_class("data"):
            return
        event.stop()
        key, value = event.editor.field.name, event.value
        if key in PATH_KEYS and value:
            path = Path(value).expanduser()
            value = str(path if path.is_absolute() else Path(self.app.cwd) / path)
        self.app.apply(lambda d: d.set_data(**{key: value}))
