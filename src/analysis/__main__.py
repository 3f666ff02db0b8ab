"""``python -m analysis`` is the ``redes`` command line (``analysis.cli``): ``redes --help``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run ``redes`` on ``argv`` (default ``sys.argv[1:]``); return its exit code (0, 1 or 2)."""
    from analysis.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
