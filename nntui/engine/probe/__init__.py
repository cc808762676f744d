"""Looking inside a network: per-layer outputs for chosen samples, weight/gradient statistics, health.

* :mod:`.snapshot`: :class:`WeightSnapshot` copies taken between batches, :class:`StepRecorder`
  (the last step's gradients and update, at no cost to the batches not asked about);
* :mod:`.forward`: :class:`Probe`, a shadow of the model that runs samples in inference mode and
  returns every layer's output (:class:`LayerOutput`), and counts dead relu units;
* :mod:`.stats`: :class:`LayerStats` per layer, :func:`histogram`;
* :mod:`.health`: :func:`check_health`, plain-words :class:`HealthNote` verdicts;
* :mod:`.inspector`: :class:`RunInspector`, which follows a run's events (per-epoch records).

Pure NumPy, like the rest of the engine; nothing here formats for a screen beyond the health notes'
sentences, which both faces print.
"""

from .forward import LayerOutput, Probe
from .health import HealthNote, check_health, warnings_of
from .inspector import Inspection, RunInspector, probe_batch_size
from .layout import LayerSlot, parameter_layout
from .snapshot import StepRecorder, WeightSnapshot
from .stats import Histogram, LayerStats, histogram, layer_statistics

__all__ = ["HealthNote", "Histogram", "Inspection", "LayerOutput", "LayerSlot", "LayerStats", "Probe",
           "RunInspector", "StepRecorder", "WeightSnapshot", "check_health", "histogram", "layer_statistics",
           "parameter_layout", "probe_batch_size", "warnings_of"]
