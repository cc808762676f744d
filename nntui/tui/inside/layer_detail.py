"""One layer up close: what it is, its output for the chosen sample, its weights and gradients.

The output is drawn by its kind (see :mod:`.entries`): the input picture, feature maps, a heat
strip, or probability bars. A layer with weights adds the weight/gradient histograms and, for a
Conv2D, its kernels (following the feature maps' page) or, for a Dense layer on the pixels, its
units' weights as pictures. In the compact layout one part is shown at a time (``pane``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive

from ..common.css import tcss
from .entries import LayerEntry
from .feature_maps import FeatureMaps, MapsData
from .heat_strip import HeatStrip, VectorData
from .input_picture import InputPicture, PictureData
from .layer_head import LayerHead
from .kernel_pictures import KernelData, KernelPictures
from .probability_bars import ProbabilityBars, ProbabilityData
from .unit_pictures import UnitData, UnitPictures
from .weight_histograms import WeightData, WeightHistograms


@dataclass(frozen=True, eq=False)
class DetailData:
    """Everything the detail shows for one layer and one sample (None: not for this layer)."""

    entry: LayerEntry
    picture: PictureData | None = None
    maps: MapsData | None = None
    vector: VectorData | None = None
    probabilities: ProbabilityData | None = None
    weights: WeightData | None = None
    kernels: KernelData | None = None
    units: UnitData | None = None

    def panes(self) -> tuple[str, ...]:
        """The parts this layer has, in order (in the compact layout, a Dense layer's unit pictures go
        with its output)."""
        out = ["output"]
        if self.weights is not None:
            out.append("weights")
        if self.kernels is not None:
            out.append("kernels")
        return tuple(out)


class LayerDetail(Vertical):
    """The chosen layer: head line, output, and (if it has weights) histograms and pictures."""

    DEFAULT_CSS = tcss(__file__)

    detail: reactive[DetailData | None] = reactive(None)
    compact: reactive[bool] = reactive(False)
    pane: reactive[str] = reactive("output")

    def compose(self) -> ComposeResult:
        yield LayerHead()
        with Vertical(id="detail-output"):
            yield InputPicture(id="detail-picture")
            yield FeatureMaps()
            yield HeatStrip()
            yield ProbabilityBars()
        yield UnitPictures(id="detail-units")
        with Horizontal(id="detail-weights"):
            yield WeightHistograms()
            yield KernelPictures()

    def on_mount(self) -> None:
        self._show()

    def watch_detail(self) -> None:
        self._show()

    def watch_compact(self) -> None:
        self._show()

    def watch_pane(self) -> None:
        self._show()

    def next_pane(self) -> None:
        """The next part of the layer (compact layout)."""
        panes = self.detail.panes() if self.detail is not None else ("output",)
        self.pane = panes[(panes.index(self.pane) + 1) % len(panes)] if self.pane in panes else panes[0]

    def turn(self, delta: int) -> None:
        """Page the feature maps (and their kernels) or the unit pictures."""
        d = self.detail
        if d is None:
            return
        if d.maps is not None:
            self.query_one(FeatureMaps).turn(delta)
        elif d.units is not None:
            self.query_one(UnitPictures).turn(delta)

    def on_feature_maps_paged(self, message: FeatureMaps.Paged) -> None:
        kernels = self.query_one(KernelPictures)
        if kernels.data is not None:
            kernels.data = replace(kernels.data, first=message.channels.start, stop=message.channels.stop)

    def _show(self) -> None:
        if not self.is_mounted:
            return
        d = self.detail
        if d is None:
            self.query_one(LayerHead).entry = None
            for part in ("#detail-output", "#detail-units", "#detail-weights"):
                self.query_one(part).display = False
            return
        panes = d.panes()
        pane = self.pane if self.pane in panes else "output"
        if self.compact and pane != self.pane:
            self.set_reactive(LayerDetail.pane, pane)
        head = self.query_one(LayerHead)
        head.entry, head.panes, head.pane = d.entry, panes, (pane if self.compact else None)
        show_output = not self.compact or pane == "output"
        self.query_one("#detail-output").display = show_output
        for widget, value, attr in ((self.query_one("#detail-picture", InputPicture), d.picture, "picture"),
                                    (self.query_one(FeatureMaps), d.maps, "maps"),
                                    (self.query_one(HeatStrip), d.vector, "vector"),
                                    (self.query_one(ProbabilityBars), d.probabilities, "data")):
            widget.display = value is not None
            if value is not None:
                setattr(widget, attr, value)
        units = self.query_one(UnitPictures)
        units.display = d.units is not None and (not self.compact or pane == "output")
        if d.units is not None:
            units.data = d.units
        histograms = self.query_one(WeightHistograms)
        kernels = self.query_one(KernelPictures)
        histograms.display = d.weights is not None and (not self.compact or pane == "weights")
        kernels.display = d.kernels is not None and (not self.compact or pane == "kernels")
        self.query_one("#detail-weights").display = histograms.display or kernels.display
        if d.weights is not None:
            histograms.data = d.weights
        if d.kernels is not None:
            shown = self.query_one(FeatureMaps).shown if d.maps is not None else range(0, 16)
            old = kernels.data
            if old is None or old.kernel is not d.kernels.kernel or (old.first, old.stop) != (shown.start, shown.stop):
                kernels.data = replace(d.kernels, first=shown.start, stop=shown.stop)
        self.set_class(self.compact, "-compact")
        self.set_class(d.maps is not None or d.picture is not None, "-tall-output")
