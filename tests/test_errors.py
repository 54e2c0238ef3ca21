"""The error tree drawn in errors.py's docstring is the tree the code has, and reads as a table."""

from __future__ import annotations

import re

from paperradar import errors

_ROW = re.compile(r"^(?P<tree>[ │├└─]*)(?P<name>\w+)(?P<gap> *)(?P<about>.*)$")


def _rows() -> list[re.Match[str]]:
    drawing = errors.__doc__.split("\n\n", 1)[1].strip("\n")
    return [m for line in drawing.splitlines() if (m := _ROW.match(line.rstrip()))]


def test_the_drawn_tree_is_the_class_tree() -> None:
    rows = _rows()
    parents: dict[int, str] = {}
    drawn = {}
    for m in rows:
        depth = len(m["tree"])
        parents[depth] = m["name"]
        drawn[m["name"]] = parents.get(depth - 4) if depth else None
    classes = {name: cls.__bases__[0].__name__ for name, cls in vars(errors).items()
               if isinstance(cls, type) and issubclass(cls, errors.PaperRadarError)}
    assert drawn == {**classes, "PaperRadarError": None}


def test_every_description_starts_in_one_column_two_spaces_after_the_longest_name() -> None:
    # 'PromptTooLong the batch ...' ran into its description, one space after it
    rows = [m for m in _rows() if m["about"]]
    assert len({m.start("about") for m in rows}) == 1, [m.group() for m in rows]
    assert min(len(m["gap"]) for m in rows) == 2
