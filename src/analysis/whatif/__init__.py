"""What-if (假设分析): change inputs of picked schools, see L1–L7, the per-unit verdicts, the CVs and
the 32 statuses through the engine, and save the change as a scenario (see :mod:`.session`).

``analysis.whatif.widgets`` puts ipywidgets controls on the same functions (notebooks/explore.py).
"""

from analysis.whatif.incremental import Reevaluator
from analysis.whatif.session import KIND_NAMES, KINDS, Change, Outcome, WhatIf, WhatIfError, open_period

__all__ = ["KINDS", "KIND_NAMES", "Change", "Outcome", "Reevaluator", "WhatIf", "WhatIfError", "open_period"]
