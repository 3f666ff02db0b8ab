"""Wild-bootstrap weights, drawn exactly as the ``wildboottest`` package draws them.

The fast bootstrap (:mod:`analysis.effects.bootstrap`) must reproduce pyfixest's
``Feols.wildboottest`` p-values draw for draw, so its weights come from the same random-number
calls as ``wildboottest.weights.draw_weights`` (MIT licence): ``rng.choice`` over the support of
each distribution, one G·B vector reshaped to G × B, or the 2^G sign patterns of full
enumeration. Having them here keeps ``wildboottest`` (and the ~190 MB of numba and llvmlite it
pulls) out of the runtime dependencies; ``tests/test_effects_wild_fast.py`` checks equality with
the original, which stays in the ``test`` extra.
"""

from __future__ import annotations

from itertools import product

import numpy as np

WEIGHT_TYPES = ("rademacher", "mammen", "norm", "webb")


def _draw(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "rademacher":
        return rng.choice([-1, 1], size=n, replace=True)
    if kind == "mammen":
        return rng.choice(a=np.array([-1, 1]) * (np.sqrt(5) + np.array([-1, 1])) / 2, size=n,
                          replace=True, p=(np.sqrt(5) + np.array([1, -1])) / (2 * np.sqrt(5)))
    if kind == "norm":
        return rng.normal(size=n)
    if kind == "webb":
        return rng.choice(a=np.concatenate([-np.sqrt(np.array([3, 2, 1]) / 2),
                                            np.sqrt(np.array([1, 2, 3]) / 2)]), replace=True, size=n)
    raise ValueError(f"weights {kind!r} not supported; use one of {list(WEIGHT_TYPES)}")


def draw_weights(kind: str, full_enumeration: bool, n_clusters: int, reps: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """G × B weight matrix and B (2^G under full enumeration of Rademacher signs)."""
    if full_enumeration:
        v = np.transpose(np.array(list(product([-1, 1], repeat=n_clusters))))
    else:
        v = _draw(kind, n_clusters * reps, rng).reshape(n_clusters, reps)
    return v, v.shape[1]
