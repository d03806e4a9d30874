"""The assumptions a scenario marks as mattering to its verdict, each with the two ends of its
range, so that ``python -m sim robustness`` can rerun the leading plans at both ends and say
whether the ranking holds (:mod:`sim.experiments.robustness`).

An assumption names, in words, what it is (``label``), where it lives (``path``) and its two
ends (``ends``: a low and a high number, or two alternatives such as two rota orders, with
``names`` in words for them if wanted). Where it lives is either

* a field of the scenario, as a dotted path (integers index lists), the paths sweeps use:
  ``caseload.risk_check_max_wait_minutes``, ``outages.down.0.duration_days``; or
* a field of a plan lever, ``levers.<lever>.<field>``: ``levers.paper_fallback.paper_factor``,
  set in every compared plan that pulls that lever (in its levers and in each timed decision
  that pulls it); plans that do not pull it are left as they are.

``path`` may list several paths set together to the same end (a login cap and an email outage
that share one window). The schema checks every path exists and that the scenario (or the
lever) is still valid at each end, so an assumption that cannot be run is refused when the
scenario is loaded, with the field and a fix.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError, field_validator, model_validator

from sim.domain.vocabulary import pretty
from sim.scenario.frozen import Frozen
from sim.scenario.paths import keys, set_in, thawed, value_in
from sim.scenario.plans import Levers, Plan

LEVERS = "levers"  # the first key of a lever's path
MAX_ASSUMPTIONS = 10  # each costs two reruns of the leading plans

End = int | float | str | tuple[str, ...]


def _lever_field(path: str) -> tuple[str, str]:
    """The lever and field of ``levers.<lever>.<field>``, or a ValueError with the fix."""
    parts = keys(path)
    levers = list(Levers.model_fields)
    if len(parts) != 3:
        raise ValueError(
            f"{path!r} is not a lever's field; write levers.<lever>.<field>, e.g. "
            "levers.paper_fallback.paper_factor"
        )
    lever, name = parts[1], parts[2]
    if lever not in levers:
        raise ValueError(
            f"there is no lever {lever!r} in {path!r}; use one of: {', '.join(levers)}"
        )
    fields = list(_lever_class(lever).model_fields)
    if not fields:
        raise ValueError(f"{lever} has no settings to vary; choose a lever with settings")
    if name not in fields:
        raise ValueError(f"{lever} has no field {name!r}; use one of: {', '.join(fields)}")
    return lever, name


def _lever_class(lever: str) -> Any:
    annotation = Levers.model_fields[lever].annotation
    return next(a for a in getattr(annotation, "__args__", (annotation,)) if a is not type(None))


@cache
def _adapter(lever: str, name: str) -> TypeAdapter:
    info = _lever_class(lever).model_fields[name]
    kind: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(kind)


def _first_error(exc: ValidationError) -> str:
    """The first complaint of a validation error in a few words (no fix: ours comes after)."""
    err = exc.errors()[0]
    where = ".".join(str(k) for k in err["loc"])
    why = err["msg"].removeprefix("Value error, ").split(";")[0].strip()
    return f"{where}: {why}" if where else why


class Assumption(Frozen):
    """One assumption that matters: words, where it lives, and the two ends of its range."""

    label: str = Field(
        min_length=1, max_length=80, description="The assumption in words: 'risk-check wait'."
    )
    path: str | tuple[str, ...] = Field(
        description="Where it lives: a dotted path of the scenario, or levers.<lever>.<field> "
        "of every compared plan that pulls that lever; a list of paths is set together."
    )
    ends: tuple[End, End] = Field(
        description="The two ends of its range: low and high, or two alternatives."
    )
    names: tuple[str, str] | None = Field(
        None, description="The two ends in words (for alternatives such as two rota orders)."
    )

    @field_validator("path")
    @classmethod
    def _paths_are_dotted(cls, path: str | tuple[str, ...]) -> str | tuple[str, ...]:
        paths = (path,) if isinstance(path, str) else path
        if not paths:
            raise ValueError("no path given; give a dotted path such as caseload.cases")
        if len(set(paths)) != len(paths):
            raise ValueError("a path is listed twice; list each path once")
        for one in paths:
            keys(one)
            if one.split(".")[0] == LEVERS:
                _lever_field(one)
        return path

    @model_validator(mode="after")
    def _ends_are_values_of_their_field(self) -> Assumption:
        if self.ends[0] == self.ends[1]:
            raise ValueError(
                f"ends are the same ({self.ends[0]!r}), so nothing would vary; give two "
                "different values"
            )
        if self.names is not None and (
            self.names[0] == self.names[1] or not all(n.strip() for n in self.names)
        ):
            raise ValueError("names must be two different words for the two ends; give two")
        for path in self.lever_paths:
            lever, name = _lever_field(path)
            for end in self.ends:
                try:
                    _adapter(lever, name).validate_python(end)
                except ValidationError as exc:
                    raise ValueError(
                        f"ends {end!r} is not a value of {path} ({_first_error(exc)}); give "
                        f"two ends that {lever}'s {name} accepts"
                    ) from None
        return self

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,) if isinstance(self.path, str) else self.path

    @property
    def lever_paths(self) -> tuple[str, ...]:
        return tuple(p for p in self.paths if p.split(".")[0] == LEVERS)

    @property
    def scenario_paths(self) -> tuple[str, ...]:
        return tuple(p for p in self.paths if p.split(".")[0] != LEVERS)

    @property
    def levers(self) -> tuple[str, ...]:
        """The levers this assumption is a setting of (none for a scenario field)."""
        return tuple(dict.fromkeys(_lever_field(p)[0] for p in self.lever_paths))

    def end_words(self, end: int) -> str:
        """End 0 (low) or 1 (high) in words, with its unit: ``60 minutes``."""
        if self.names is not None:
            return self.names[end]
        return value_words(self.paths[0], self.ends[end])

    def range_words(self) -> str:
        """``risk-check wait from 15 minutes to 60 minutes``."""
        return f"{self.label} from {self.end_words(0)} to {self.end_words(1)}"


def value_words(path: str, value: object) -> str:
    """A value of the field at ``path`` in words, its unit read from the field's name (the
    schema fixes units by name: ``*_minutes``, ``*_days``, ``*_per_week``; shares 0-1)."""
    leaf = path.split(".")[-1]
    if isinstance(value, (list, tuple)):
        return ", ".join(pretty(v) for v in value) or "none"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return pretty(value)
    number = f"{value:,g}"
    if "share" in leaf or leaf.endswith(("_rate", "probability")):
        return f"{value:.0%}"
    if leaf == "day" or leaf.endswith("_day"):
        return f"day {number}"
    if "factor" in leaf:
        return f"{number} times"
    one = value == 1
    for ending, unit in (
        ("hours_per_week", "hour a week" if one else "hours a week"),
        ("_per_week", "a week"),
        ("_minutes", "minute" if one else "minutes"),
        ("_hours", "hour" if one else "hours"),
        ("_days", "day" if one else "days"),
        ("_weeks", "week" if one else "weeks"),
    ):
        if leaf.endswith(ending) or leaf == ending.lstrip("_"):
            return f"{number} {unit}"
    return number


def _at(data: dict, assumption: Assumption, end: int, paths: tuple[str, ...], what: str) -> dict:
    changed = thawed(data)
    for path in paths:
        set_in(changed, path, assumption.ends[end], what)
    return changed


def missing_field(scenario: Any, assumption: Assumption) -> str | None:
    """Why the assumption's scenario fields cannot be set in ``scenario`` (a field it does not
    have, or a whole section), with the fix after the last ";"; None if they can."""
    data = scenario.model_dump(mode="python")
    for path in assumption.scenario_paths:
        try:
            found = value_in(data, path)
        except ValueError as exc:
            what, _, fix = str(exc).rpartition(";")
            detail = what.partition(": ")[2] or what
            return f"the scenario has no field {path} ({detail.strip()});{fix}"
        if isinstance(found, dict) or (
            isinstance(found, list) and any(isinstance(v, dict) for v in found)
        ):
            return f"{path!r} is a section of the scenario, not one value; give one value in it"
    return None


def check_scenario_paths(scenario: Any) -> None:
    """Refuse (ValueError, naming ``assumptions.<i>.label`` or ``.ends`` first) a scenario
    whose assumptions share a label, or whose ends make it invalid. ``scenario``: a
    :class:`sim.scenario.schema.Scenario` (its own validator calls this).

    An assumption whose fields the scenario does not have is refused when a file is loaded
    (:func:`sim.scenario.problems.assumption_problems`), not here: a scenario derived from a
    loaded one (its no-outage baseline, an outage removed in the app) keeps it, untested."""
    data = thawed(scenario.model_dump(mode="python"))
    data["assumptions"] = []  # each end is checked as a scenario without assumptions
    labels = [a.label for a in scenario.assumptions]
    for i, label in enumerate(labels):
        if label in labels[:i]:
            raise ValueError(
                f"assumptions.{i}.label {label!r} is used twice; give each assumption its own"
            )
    for i, assumption in enumerate(scenario.assumptions):
        if not assumption.scenario_paths or missing_field(scenario, assumption):
            continue
        for end in (0, 1):
            try:
                type(scenario).model_validate(
                    _at(data, assumption, end, assumption.scenario_paths, "the scenario")
                )
            except ValidationError as exc:
                raise ValueError(
                    f"assumptions.{i}.ends include {assumption.ends[end]!r}, which makes an "
                    f"invalid scenario at {', '.join(assumption.scenario_paths)} "
                    f"({_first_error(exc)}); give two ends the scenario accepts there"
                ) from None


def scenario_at(scenario: Any, assumption: Assumption, end: int) -> Any:
    """The scenario with the assumption's scenario fields at end 0 (low) or 1 (high); the
    scenario itself if the assumption lives in plan levers only."""
    if not assumption.scenario_paths:
        return scenario
    data = scenario.model_dump(mode="python")
    return type(scenario).model_validate(
        _at(data, assumption, end, assumption.scenario_paths, "the scenario")
    )


def pulls(plan: Plan, assumption: Assumption) -> bool:
    """Whether ``plan`` pulls a lever the assumption is a setting of, at any time."""
    sets = [plan.levers, *(s.levers for s in plan.switches)]
    return any(getattr(levers, lever) is not None for levers in sets for lever in assumption.levers)


def plan_at(plan: Plan, assumption: Assumption, end: int) -> Plan:
    """``plan`` with the assumption's lever fields at end 0 (low) or 1 (high) wherever it pulls
    those levers (its levers and each timed decision's); the plan itself if it pulls none.
    ValueError, naming the plan and the end, if the plan is invalid at that end."""
    if not pulls(plan, assumption):
        return plan
    data = thawed(plan.model_dump(mode="python"))
    sets = [data["levers"], *(s["levers"] for s in data["switches"])]
    for path in assumption.lever_paths:
        lever, name = _lever_field(path)
        for levers in sets:
            if levers.get(lever) is not None:
                levers[lever][name] = assumption.ends[end]
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise ValueError(
            f"{assumption.label} at {assumption.end_words(end)} makes plan {plan.name!r} "
            f"invalid ({_first_error(exc)}); give ends that every plan pulling "
            f"{', '.join(assumption.levers)} accepts"
        ) from None
