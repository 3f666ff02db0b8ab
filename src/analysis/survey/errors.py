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


GROUP_AT = 6  # this many rows with the same problem are printed as one line


def grouped_lines(problems: list[Problem]) -> list[str]:
    """One line per problem, except that the same value breaking the same rule in the same column
    on GROUP_AT or more rows is one line: "345 rows: file=..., rows=3, 4, 7, 9, 12, ..., ..."."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        key = (p.file, p.sheet, p.column, repr(p.value), p.rule)
        groups.setdefault(key, []).append(p)
    lines = []
    for members in groups.values():
        if len(members) < GROUP_AT:
            lines += [p.line() for p in members]
            continue
        first = members[0]
        rows = ", ".join(str(p.row) for p in members[:5])
        line = first.line().replace(f"row={first.row}", f"rows={rows}, ...", 1)
        lines.append(f"{len(members)} rows: {line}")
    return lines


class SurveyValidationError(ValueError):
    """Data problems no stated rule fixes; the message lists every one, one per line (identical
    problems on many rows grouped, see ``grouped_lines``)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the survey data:"
        super().__init__("\n".join([head] + grouped_lines(self.problems)))
