"""Treatment-effect estimators: before-after, TWFE DiD, wild bootstrap, Callaway-Sant'Anna.

Public: ``estimate_effects`` (tidy table of all methods) and ``fit_twfe`` (several treatment
terms in one fixed-effects regression).
"""

import os

# pyfixest's Rust kernels (demeaning, the CRV1 meat) sum in parallel over a rayon thread pool
# whose split of the work depends on the machine's load: two runs of the same build then differ
# in the 9th digit of a standard error. One thread sums in one order (same bytes at every build;
# 10^6 producer-rounds: 97 s instead of 94 s). Set RAYON_NUM_THREADS to use more.
os.environ.setdefault("RAYON_NUM_THREADS", "1")

from .api import estimate_effects  # noqa: E402
from .did import fit_twfe  # noqa: E402
from .result import COLUMNS  # noqa: E402
from .spec import METHODS  # noqa: E402

__all__ = ["estimate_effects", "fit_twfe", "COLUMNS", "METHODS"]
