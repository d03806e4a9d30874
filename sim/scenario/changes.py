"""What differs between two scenarios or plans, and the name and description of a changed one.

:func:`changes` lists the fields that differ, in words. :func:`edited` names and describes a
scenario changed from another so that it can never pass for the original: its name says it was
edited (or modified) and what changed, and the original's description, which no longer describes
it, is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.domain.vocabulary import pretty
from sim.scenario.frozen import Frozen
from sim.scenario.schema import Scenario

MAX_NAME = 120  # as sim.scenario.schema.Scenario.name


@dataclass(frozen=True)
class Change:
    """One field that differs between two configurations: its path, and the value before and
    after (a list whose length changed is one change)."""

    path: tuple
    before: object
    after: object

    @property
    def field(self) -> str:
        return ".".join(str(p) for p in self.path)

    def words(self) -> str:
        where = " ".join(f"#{p + 1}" if isinstance(p, int) else pretty(p) for p in self.path)
        return f"{where} {_shown(self.before)} -> {_shown(self.after)}"


def _shown(value: object) -> str:
    if isinstance(value, list):
        return (
            f"{len(value)} entr{'y' if len(value) == 1 else 'ies'}"
            if value and isinstance(value[0], dict)
            else ", ".join(map(str, value)) or "none"
        )
    if isinstance(value, dict):
        return "set"
    if value is None:
        return "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _diff(before: object, after: object, path: tuple) -> list[Change]:
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in dict.fromkeys([*before, *after]):
            out += _diff(before.get(key), after.get(key), path + (key,))
        return out
    if (
        isinstance(before, list)
        and isinstance(after, list)
        and len(before) == len(after)
        and any(isinstance(v, dict) for v in before)
    ):
        return [
            c
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for c in _diff(b, a, path + (i,))
        ]
    return [] if before == after else [Change(path, before, after)]


def changes(before: Frozen, after: Frozen) -> tuple[Change, ...]:
    """What differs between two scenarios or two plans, leaving out their name and
    description."""

    def data(model: Frozen) -> dict:
        found = model.model_dump(mode="json")
        found.pop("name", None)
        found.pop("description", None)
        return found

    return tuple(_diff(data(before), data(after), ()))


def edited_name(name: str, found: tuple[Change, ...], verb: str = "edited") -> str:
    """``name`` with what was changed: ``S2 NDelius upgrade (edited: outages down #1 duration
    days 4 -> 6)``, shortened to a count of changes if it would be too long."""
    for summary in (
        "; ".join(c.words() for c in found),
        f"{len(found)} change{'' if len(found) == 1 else 's'}",
    ):
        tail = f" ({verb}: {summary})"
        if len(name) + len(tail) <= MAX_NAME:
            return name + tail
    return name[: MAX_NAME - len(tail) - 1] + "…" + tail


def edited(
    original: Scenario,
    new: Scenario,
    origin: str,
    verb: str = "edited",
    rename: bool = True,
    redescribe: bool = True,
) -> Scenario:
    """``new`` named (``rename``) and described (``redescribe``) as the change of ``original``
    it is (``origin``: where the original came from, such as its file); ``new`` as it is if
    nothing but its name or description differs."""
    found = changes(original, new)
    if not found:
        return new
    listed = "; ".join(c.words() for c in found)
    update = {}
    if redescribe:
        update["description"] = (
            f"{verb.capitalize()} from the scenario '{original.name}' ({origin}). Changed: "
            f"{listed}. The original's description no longer describes these settings; the "
            f"disruptions as run are in the table of disruptions."
        )
    if rename:
        update["name"] = edited_name(original.name, found, verb)
    return type(new).model_validate({**new.model_dump(), **update})
