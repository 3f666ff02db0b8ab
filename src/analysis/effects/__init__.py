"""Treatment-effect estimators: before-after, TWFE DiD, wild bootstrap, Callaway-Sant'Anna.

Public: ``estimate_effects`` (tidy table of all methods) and ``fit_twfe`` (several treatment
terms in one fixed-effects regression).
"""

from .api import estimate_effects
from .did import fit_twfe
from .result import COLUMNS
from .spec import METHODS

__all__ = ["estimate_effects", "fit_twfe", "COLUMNS", "METHODS"]
