"""Regional innovation chain (创新链): the efficiency of turning R&D into patents and patents into
economic results (pure engines: arrays or frames in, result objects out; no store).

* :mod:`~industrial_brain.innovation.envelopment` — ``dea(inputs, outputs, model, orientation)``:
  CCR/BCC, input/output orientation, two-phase slacks, peers, projections (batched HiGHS LPs)
* :mod:`~industrial_brain.innovation.network` — ``two_stage``: Kao–Hwang (2008) relational two-stage DEA
* :mod:`~industrial_brain.innovation.productivity` — ``malmquist``: Färe et al. (1994) index = EC × TC

See ``docs/innovation-efficiency.md``.
"""

from industrial_brain.innovation.envelopment import MODELS, ORIENTATIONS, DEAResult, dea
from industrial_brain.innovation.network import TwoStageResult, two_stage
from industrial_brain.innovation.productivity import MalmquistResult, malmquist

__all__ = [
    "MODELS",
    "ORIENTATIONS",
    "DEAResult",
    "MalmquistResult",
    "TwoStageResult",
    "dea",
    "malmquist",
    "two_stage",
]
