"""Say why a path named in a config cannot be read, and what the user probably meant.

The config loader calls :func:`missing_file_hint` for every file that is not there, so a typo is
reported by the loader (with the config's file and line) rather than by ``make``.
"""

from __future__ import annotations

from pathlib import Path

SWAPPED_SUFFIXES = {".yml": ".yaml", ".yaml": ".yml", ".xls": ".xlsx", ".xlsx": ".xls",
                    ".csv": ".txt", ".txt": ".csv"}


def missing_file_hint(path: Path) -> str:
    """Empty string when ``path`` is a readable file; otherwise why not, with a suggestion."""
    path = Path(path)
    if path.is_file():
        return ""
    if path.is_symlink() and not path.exists():
        return f"it is a link to {path.readlink()}, which does not exist"
    if path.is_dir():
        return "it is a folder, not a file: name the file inside it"
    parent = path.parent
    if not parent.is_dir():
        return f"its folder {parent} does not exist"
    names = {p.name: p for p in parent.iterdir()}
    same_case = [n for n in names if n.lower() == path.name.lower()]
    if same_case:
        return f"did you mean {same_case[0]!r}? (names are case-sensitive)"
    alt = SWAPPED_SUFFIXES.get(path.suffix.lower())
    if alt:
        twin = [n for n in names if n.lower() == (path.stem + alt).lower()]
        if twin:
            return f"did you mean {twin[0]!r}? (the file has the extension {alt})"
    near = sorted(n for n in names if n.lower().startswith(path.stem.lower()[:4]) and not n.startswith("."))
    if near:
        return "files with a similar name there: " + ", ".join(near[:5])
    return "no file with that name in " + str(parent)


def describe_missing(path: Path, what: str = "file") -> str:
    """'file does not exist: <path> (did you mean ...?)'."""
    hint = missing_file_hint(path)
    return f"{what} does not exist: {path}" + (f" ({hint})" if hint else "")
