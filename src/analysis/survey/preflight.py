"""Check a survey config and the files it names before a build starts (``make report`` runs it).

``python -m analysis.survey.preflight config/demo.yaml`` exits 0 when the config loads, or prints
the loader's message (file, line, key, what to do) and exits 2: a missing or misnamed data file
is reported here, not by ``make``.
"""

from __future__ import annotations

import sys

from analysis.survey.config import load_config
from analysis.survey.errors import SurveyConfigError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m analysis.survey.preflight <config.yaml>", file=sys.stderr)
        return 2
    try:
        load_config(argv[0])
    except SurveyConfigError as exc:
        print(f"{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
