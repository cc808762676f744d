"""The Inside view: one sample through the network, every layer's output, weights, gradients, health.

Give it a model and the samples to choose from (:meth:`InsideView.set_model`), then an
:class:`~nntui.engine.probe.Inspection` whenever there is a new snapshot (:meth:`show_inspection`;
the training screen's worker takes them between batches, at most twice a second). The view owns an
engine :class:`~nntui.engine.probe.Probe` loaded from the latest snapshot: choosing another sample
runs that one sample through it (well under a millisecond for the shipped presets) and redraws.

Keys: ←/→ the previous/next sample, m the next misclassified one, 0-9 the next image of that digit,
↑/↓ (k/j) the layer, [ and ] page the feature maps or units, v the next part of the layer (compact
layout), h all the health notes.
"""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widget import Widget

from ...engine.model import Model
from ...engine.probe import Inspection, LayerOutput, LayerStats, Probe, layer_statistics
from ..common.css import tcss
from .entries import LayerEntry, layer_entries
from .feature_maps import MapsData
from .health_lines import HealthLines
from .heat_strip import VectorData
from .input_picture import InputPicture, PictureData
from .kernel_pictures import KernelData
from .layer_detail import DetailData, LayerDetail
from .layer_list import LayerList
from .probability_bars import ProbabilityData, class_probabilities
from .sample_bar import SampleBar, SampleInfo
from .samples import InsideSamples, classes_of, next_misclassified, next_of_digit
from .unit_pictures import UnitData
from .weight_histograms import WeightData

COMPACT_WIDTH = 110
COMPACT_HEIGHT = 30


class InsideView(Widget, can_focus=True):
    """Samples, layers and health of one model; ``sample`` and ``chosen_layer`` are the choices (not ``layer``: a Widget property)."""

    DEFAULT_CSS = tcss(__file__)

    BINDINGS = [
        Binding("left", "sample(-1)", "Sample", show=False),
        Binding("right", "sample(1)", "Sample", key_display="←→"),
        Binding("m", "misclassified", "Next wrong"),
        Binding("up,k", "layer(-1)", "Layer", show=False),
        Binding("down,j", "layer(1)", "Layer", key_display="↑↓"),
        Binding("left_square_bracket", "page(-1)", "Page", show=False),
        Binding("right_square_bracket", "page(1)", "Page", key_display="[]"),
        Binding("v", "pane", "Part", show=False),
        Binding("h", "health", "Health"),
        *[Binding(str(d), f"digit({d})", f"Digit {d}", show=False) for d in range(10)],
    ]

    sample: reactive[int] = reactive(0, init=False)
    chosen_layer: reactive[int] = reactive(0, init=False)
    compact: reactive[bool] = reactive(False, init=False)
    expanded: reactive[bool] = reactive(False, init=False)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.model: Model | None = None
        self.probe: Probe | None = None
        self.samples: InsideSamples | None = None
        self.entries: list[LayerEntry] = []
        self.outputs: dict[str, LayerOutput] = {}
        self.inspection: Inspection | None = None
        self.history: list[list[LayerStats]] = []
        self.note = ""
        self._weight_stats: list[LayerStats] = []
        self._parts_key: tuple | None = None
        self._parts: dict = {}
        self._pictures: dict[tuple, PictureData | None] = {}

    def compose(self) -> ComposeResult:
        yield SampleBar()
        with Horizontal(id="inside-body"):
            with Vertical(id="inside-left"):
                yield InputPicture(id="inside-input")
                yield LayerList()
            yield LayerDetail()
        yield HealthLines()

    def on_mount(self) -> None:
        self._layout_for(self.app.size.width, self.app.size.height)

    def on_resize(self) -> None:
        self._layout_for(self.app.size.width, self.app.size.height)

    def _layout_for(self, width: int, height: int) -> None:
        self.compact = width < COMPACT_WIDTH or height < COMPACT_HEIGHT

    # ------------------------------------------------------------------------------------------ data
    def set_model(self, model: Model, samples: InsideSamples, start: int = 0) -> None:
        """Show ``model`` (built; its current weights until an inspection comes) on ``samples``."""
        self.model = model
        self.probe = Probe(model)
        self.samples = samples
        self.entries = layer_entries(model, self.probe)
        self.inspection = None
        self.history = []
        self._weight_stats = layer_statistics(self.probe.layout, self.probe.snapshot)
        self.query_one(LayerList).entries = tuple(self.entries)
        self.query_one(HealthLines).notes = ()
        self.set_reactive(InsideView.chosen_layer, min(self.chosen_layer, len(self.entries) - 1))
        self.set_reactive(InsideView.sample, min(max(0, start), max(0, len(samples) - 1)))
        self._run_sample()

    def show_inspection(self, inspection: Inspection, history: list[list[LayerStats]] | None = None) -> None:
        """A new snapshot (weights, gradients, statistics, health): run the sample again and redraw."""
        if self.probe is None:
            return
        self.inspection = inspection
        self.history = list(history) if history is not None else self.history + [inspection.stats]
        self.probe.load(inspection.snapshot)
        self.query_one(HealthLines).notes = tuple(inspection.notes)
        self.query_one(LayerList).marks = tuple(sorted({n.layer for n in inspection.notes
                                                        if n.layer and n.level == "warning"}))
        self._run_sample()

    # ------------------------------------------------------------------------------------------ watchers
    def watch_sample(self) -> None:
        self._run_sample()

    def watch_chosen_layer(self) -> None:
        self.query_one(LayerList).selected = self.chosen_layer
        self._show_layer()

    def watch_compact(self, compact: bool) -> None:
        self.set_class(compact, "-compact")
        self.query_one(SampleBar).compact = compact
        self.query_one(LayerDetail).compact = compact
        self.query_one(HealthLines).brief = compact and not self.expanded

    def watch_expanded(self, expanded: bool) -> None:
        self.set_class(expanded, "-health")
        health = self.query_one(HealthLines)
        health.set_class(expanded, "-expanded")
        health.brief = self.compact and not expanded

    # ------------------------------------------------------------------------------------------ actions
    def action_sample(self, delta: int) -> None:
        if self.samples is not None and len(self.samples):
            self.note = ""
            self.sample = (self.sample + delta) % len(self.samples)

    def action_digit(self, digit: int) -> None:
        if self.samples is None:
            return
        found = next_of_digit(self.samples, self.sample, digit)
        self.note = "" if found is not None else f"no {digit} among the {self.samples.source} images"
        if found is not None and found != self.sample:
            self.sample = found
        else:
            self._run_sample()

    def action_misclassified(self) -> None:
        if self.samples is None or self.probe is None:
            return
        found, looked = next_misclassified(self.probe, self.samples, self.sample)
        if found is None:
            self.note = f"none wrong in the next {looked:,}; m looks further"
            self.sample = (self.sample + looked) % len(self.samples)
        else:
            self.note = ""
            self.sample = found
        self._run_sample()

    def action_layer(self, delta: int) -> None:
        if self.entries:
            self.chosen_layer = min(max(0, self.chosen_layer + delta), len(self.entries) - 1)

    def action_page(self, delta: int) -> None:
        self.query_one(LayerDetail).turn(delta)

    def action_pane(self) -> None:
        self.query_one(LayerDetail).next_pane()

    def action_health(self) -> None:
        self.expanded = not self.expanded

    def on_layer_list_selected(self, message: LayerList.Selected) -> None:
        self.chosen_layer = message.position

    # ------------------------------------------------------------------------------------------ drawing
    def _run_sample(self) -> None:
        samples, probe = self.samples, self.probe
        if samples is None or probe is None or not len(samples):
            return
        i = self.sample
        self.outputs = {o.name: o for o in probe.outputs(samples.x[i])}
        judged = self.outputs.get(samples.output) if samples.output is not None else None
        true = int(samples.classes[i])
        true_name = samples.class_names[true] if true >= 0 else ""  # a drawing: no true class
        info = SampleInfo(i, len(samples), true_name, source=samples.source_of(i), note=self.note)
        if judged is not None:
            probs = class_probabilities(judged.value[0])
            predicted = int(classes_of(judged.value)[0])
            info = SampleInfo(i, len(samples), true_name, samples.class_names[predicted],
                              float(probs[predicted]), samples.source_of(i), self.note)
        self.query_one(SampleBar).info = info
        self.query_one("#inside-input", InputPicture).picture = self._picture(i, f"#{i:,} · {true_name or 'your drawing'}")
        self._show_layer()

    def _picture(self, i: int, caption: str) -> PictureData | None:
        """The i-th sample's picture, the same object while the sample is the same (so that a new
        inspection, which does not change the input, redraws no picture of it)."""
        key = (id(self.samples), i, caption)
        if key not in self._pictures:
            if len(self._pictures) > 8:
                self._pictures.clear()
            picture = self.samples.picture(i)
            self._pictures[key] = PictureData(picture, caption) if picture is not None else None
        return self._pictures[key]

    def _stats(self, name: str) -> LayerStats | None:
        stats = self.inspection.stats if self.inspection is not None else self._weight_stats
        return next((s for s in stats if s.name == name), None)

    def _show_layer(self) -> None:
        if not self.entries or self.samples is None:
            return
        self.query_one(LayerDetail).detail = self._detail(self.entries[self.chosen_layer])

    def _detail(self, entry: LayerEntry) -> DetailData:
        samples, i = self.samples, self.sample
        if entry.index is None:
            picture = self._picture(i, "the input, as the network reads it")
            if picture is not None:
                return DetailData(entry, picture=picture)
            return DetailData(entry, vector=VectorData(np.asarray(samples.x[i]).ravel(), entry.name))
        value = self.outputs[entry.name].value[0]
        d = dict(entry=entry)
        if entry.kind == "maps":
            d["maps"] = MapsData(value, entry.name)
        elif entry.kind == "sequence":
            d["maps"] = MapsData(value, entry.name, sequence=True)
        elif entry.kind == "probabilities":
            probabilities = class_probabilities(value)
            target = samples.target(entry.name)
            names = tuple(str(k) for k in range(probabilities.size))
            true = None
            if target is not None and len(target[1]) == probabilities.size:
                names, true = target[1], (int(target[0][i]) if int(target[0][i]) >= 0 else None)
            d["probabilities"] = ProbabilityData(probabilities, names, true)
        else:
            d["vector"] = VectorData(value.ravel(), entry.name)
        snapshot = self.inspection.snapshot if self.inspection is not None else self.probe.snapshot
        if entry.has_weights and snapshot is not None:
            d.update(self._weight_parts(entry, snapshot))
            if entry.unit_image is not None:
                d["units"] = UnitData(d["kernel"], entry.unit_image, value.ravel(), entry.name)
            del d["kernel"]
        return DetailData(**d)

    def _weight_parts(self, entry: LayerEntry, snapshot) -> dict:
        """The weights' parts of a layer's detail, the same objects while the snapshot is the same (so that
        choosing another sample redraws neither the histograms nor the kernels)."""
        key = self._parts_key
        if key is not None and key[0] == entry.name and key[1] is snapshot:
            return self._parts
        main = entry.slot.main
        weights = snapshot.theta[main.start:main.stop].reshape(main.shape)
        grads = snapshot.grad[main.start:main.stop] if snapshot.grad is not None else None
        d = {"kernel": weights}
        stats = self._stats(entry.name)
        if stats is not None:
            mine = [s for h in self.history for s in h if s.name == entry.name]
            start = mine[0].weight_std if mine else None
            d["weights"] = WeightData(entry.name, main.name, main.shape, weights, grads, stats,
                                      tuple(s.update_ratio for s in mine), start, tuple(s.grad_rms for s in mine))
        if entry.type == "Conv2D":
            d["kernels"] = KernelData(weights)
        self._parts_key, self._parts = (entry.name, snapshot), d
        return d
