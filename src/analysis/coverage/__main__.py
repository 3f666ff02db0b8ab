"""``python -m analysis.coverage``: the coverage simulation of the project's own design.

Prints one table (method × level × outcome → coverage with its binomial s.e., bias, mean width)
and writes it as CSV (default ``build/coverage.csv``). ``make simulate`` runs it with
``DRAWS`` (default 1000) draws.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.coverage ARGS`` = ``redes simulate ARGS`` (make simulate)."""
    from analysis.cli import alias

    return alias("simulate", argv)


if __name__ == "__main__":
    raise SystemExit(main())
