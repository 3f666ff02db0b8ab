"""Exceptions of the survey pipeline and the one-line problem format they print."""

from __future__ import annotations

from dataclasses import dataclass


class SurveyConfigError(ValueError):
    """The YAML config (or the pseudonym key it needs) is wrong: message names file, line, key."""


@dataclass(frozen=True)
class Problem:
    """One data problem located at file/sheet/row/column."""

    file: str
    sheet: str | None
    row: int | str | None
    column: str | None
    value: object
    rule: str

    def line(self) -> str:
        sheet = "-" if self.sheet in (None, "") else self.sheet
        row = "-" if self.row in (None, "") else self.row
        column = "-" if self.column in (None, "") else self.column
        value = "-" if self.value is None else repr(self.value) if isinstance(self.value, str) else self.value
        return (f"file={self.file}, sheet={sheet}, row={row}, column={column}, "
                f"value={value}, rule={self.rule}")


class SurveyValidationError(ValueError):
    """Data problems no stated rule fixes; the message lists every one, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the survey data:"
        super().__init__("\n".join([head] + [p.line() for p in self.problems]))
