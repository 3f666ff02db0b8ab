"""Check a survey config and the files it names before a build starts (``make report`` runs it).

``python -m analysis.survey.preflight config/demo.yaml`` exits 0 when the config loads, or prints
the loader's message (file, line, key, what to do) and exits 2: a missing or misnamed data file
is reported here, not by ``make``.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.survey.preflight CONFIG`` = ``redes check CONFIG`` (make report)."""
    from analysis.cli import alias

    return alias("check", argv)


if __name__ == "__main__":
    sys.exit(main())
