"""YAML read strictly: one document, a mapping of fields, plain values only.

Anchors and aliases (a billion-laughs expansion), merge keys, tags and duplicate keys are
refused with a :class:`~sim.scenario.problems.ScenarioError` naming the line and the fix, and the
line of every field is kept (an :data:`~sim.scenario.problems.Index`) so that a validation problem
found later can name it too.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from sim.scenario.problems import (
    MAX_PROBLEMS,
    REFERENCE,
    Index,
    Problem,
    ScenarioError,
    dotted,
    fail,
    short,
)


class _PythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's pure-Python reader, scanner and parser."""

    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


# libyaml's reader, scanner and parser where PyYAML has it (several times faster); the nodes
# are composed in Python either way, so the check on anchors below sees every event.
_ParserBase: Any = getattr(yaml, "cyaml", None) and getattr(yaml.cyaml, "CParser", None)
if _ParserBase is None:  # pragma: no cover - PyYAML built without libyaml
    _ParserBase = _PythonParser


class _StrictLoader(
    _ParserBase,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    yaml.resolver.Resolver,
):
    """A safe loader that refuses anchors and aliases, so no billion-laughs expansion."""

    def __init__(self, stream: str):
        _ParserBase.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            sigil = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise yaml.composer.ComposerError(
                None,
                None,
                f"anchors and aliases ({sigil}{event.anchor}) are not allowed",
                event.start_mark,
            )
        return super().compose_node(parent, index)


_PLAIN_TAGS = ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
_YAML_FIXES = (  # (part of the yaml problem, fix)
    ("anchors and aliases", "write the value out in full instead of using &name / *name"),
    ("'\\t'", "indent with spaces, not tabs"),
    ("could not find expected ':'", "add ': ' after the key, or close a quote or bracket"),
    ("mapping values are not allowed", "check the indentation; quote a value that contains ': '"),
    ("the tag", "remove the '!' tag; scenario files use plain values only"),
    ("tag handle", "remove the '!' tag; scenario files use plain values only"),
    ("end of stream", "close the quote or bracket that is left open"),
)


def _yaml_problem(file: str, exc: yaml.YAMLError, text: str) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        return Problem(
            file,
            text.count("\n", 0, exc.position) + 1,
            "",
            "",
            f"the file contains the control character {exc.character:#06x}",
            "delete it (it may have been pasted from elsewhere)",
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem, context = getattr(exc, "problem", None) or str(exc), getattr(exc, "context", None)
    syntax = isinstance(exc, (yaml.scanner.ScannerError, yaml.parser.ParserError))
    message = "YAML syntax error: " * syntax + problem + (f" ({context})" if context else "")
    lines = text.splitlines()
    tab = (
        mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]
    )
    fix = next(
        (f for key, f in _YAML_FIXES if key in problem),
        "indent with spaces, not tabs"
        if tab
        else "check the indentation and punctuation on this line and the line before",
    )
    return Problem(file, mark.line + 1 if mark else None, "", "", message, fix)


def parse(text: str, file: str) -> tuple[dict, Index]:
    """YAML text -> (top-level mapping, line index), refusing anything ambiguous."""
    loader = None
    index: Index = {}
    dupes: list[Problem] = []
    for separator in ("\u2028", "\u2029", "\x85"):
        if separator in text:
            at = text.index(separator)
            raise fail(
                file,
                f"the file contains the invisible line-break character U+{ord(separator):04X}, "
                "which YAML reads as the end of a line",
                "delete it (it may have been pasted from a word processor or web page)",
                text.count("\n", 0, at) + 1,
            )
    try:
        loader = _StrictLoader(text)
        loader.get_event()  # stream start
        root = None if loader.check_event(yaml.StreamEndEvent) else loader.compose_document()
        if not loader.check_event(yaml.StreamEndEvent):
            raise fail(
                file,
                "the file holds more than one YAML document",
                "keep one scenario "
                "per file: remove the '---' line and what follows, or split the file",
                loader.peek_event().start_mark.line + 1,
            )
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag.endswith(":null")):
            raise fail(file, "the file is empty", f"write a scenario (copy {REFERENCE})")
        if not isinstance(root, yaml.MappingNode):
            kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
            raise fail(
                file,
                f"the file holds {kind}, not a mapping of fields",
                f"start with top-level fields such as 'name:' (see {REFERENCE})",
                root.start_mark.line + 1,
            )
        data = _build(loader, root, (), root.start_mark.line + 1, file, index, dupes)
    except yaml.YAMLError as exc:
        raise ScenarioError(file, [_yaml_problem(file, exc, text)]) from None
    except RecursionError:
        raise fail(file, "the file is nested too deeply", "flatten the structure") from None
    finally:
        if loader is not None:
            loader.dispose()
    if dupes:
        raise ScenarioError(file, dupes[:MAX_PROBLEMS], max(0, len(dupes) - MAX_PROBLEMS))
    return data, index


def _yaml_11_surprise(node: yaml.Node, tag: str, value: Any) -> tuple[str, str] | None:
    """(message, fix) for a plain value that would not be read as it looks: YAML 1.1, which
    PyYAML follows, reads ``1:30`` as the base-60 number 90, ``010`` as the octal 8, ``1_000``
    as 1000 and yes/no/on/off as true or false; and no field of a scenario or plan takes true or
    false (YAML would turn them into 1 and 0 for a number). Else None."""
    if getattr(node, "style", None) not in (None, ""):  # quoted or a block: text, as written
        return None
    text = short(str(node.value)).strip("'")
    if tag == "float" and (math.isnan(value) or math.isinf(value)):
        return (
            f"{text} is not an ordinary number "
            f"({'not a number' if math.isnan(value) else 'infinite'})",
            "give an ordinary number",
        )
    digits = text.lstrip("+-").replace("_", "")
    if tag in ("int", "float") and ":" in text:
        return (
            f"{text} would be read as the base-60 number {value:g} (YAML 1.1 reads 1:30 as 90)",
            "write the number in the field's unit, as its name says: 1.5 for an hour and a "
            "half in hours, 90 in minutes, 9.5 for half past nine",
        )
    sign = "-" if text.startswith("-") else ""
    if tag == "int" and len(digits) > 1 and digits.startswith("0") and digits.isdigit():
        return (
            f"{text} would be read as the octal number {value} (YAML 1.1 reads 010 as 8)",
            f"write it without the leading zero: {sign}{digits.lstrip('0') or '0'}",
        )
    if "_" in text and tag in ("int", "float"):
        return (
            f"{text} would be read as {value:g} (YAML 1.1 ignores underscores in numbers)",
            f"write it without underscores: {text.replace('_', '')}",
        )
    if tag == "bool":
        meant = "true" if text.lower() in ("yes", "y", "on", "true") else "false"
        read = "" if text.lower() == meant else f" (YAML reads {text} as {meant})"
        return (
            f"{text} is a yes/no value{read}, and no field of a scenario or plan takes one",
            "write the number or the text the field takes (a share is a fraction such as 0.3; "
            "put a word in quotes to keep it as text)",
        )
    return None


def _build(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: tuple,
    line: int,
    file: str,
    index: Index,
    dupes: list[Problem],
) -> Any:
    """Python data for a node, noting the line of every path and every duplicate key."""
    index[path] = (file, line)
    tag = node.tag.removeprefix("tag:yaml.org,2002:")
    if tag not in _PLAIN_TAGS:
        raise fail(
            file,
            f"the tag {tag!r} is not allowed",
            "remove the '!' tag; scenario files use plain values only",
            line,
            dotted(path, None),
            short(node.value) if isinstance(node.value, str) else "",
        )
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, item, path + (i,), item.start_mark.line + 1, file, index, dupes)
            for i, item in enumerate(node.value)
        ]
    if not isinstance(node, yaml.MappingNode):
        if tag in ("int", "float") and len(str(node.value)) > 100:
            raise fail(
                file,
                f"a number of {len(str(node.value)):,} characters is far beyond any limit",
                "give a value within the field's limits",
                line,
                dotted(path, None),
                short(node.value),
            )
        try:
            value = loader.construct_object(node, deep=True)
        except Exception:  # "!!int x", "!!bool maybe", "!!timestamp x": the file is at fault
            raise fail(
                file,
                f"{short(node.value)} cannot be read as {tag}",
                "write a plain value (in quotes to keep it as text)",
                line,
                dotted(path, None),
                short(node.value),
            ) from None
        # (under a key that is not text, such as on:, the key's own problem is reported)
        surprise = _yaml_11_surprise(node, tag, value)
        if surprise is not None and all(type(k) in (str, int) for k in path):
            message, fix = surprise
            raise fail(file, message, fix, line, dotted(path, None), short(node.value))
        return value
    out: dict = {}
    first: dict = {}
    for knode, vnode in node.value:
        kline = knode.start_mark.line + 1
        if knode.tag == "tag:yaml.org,2002:merge":
            raise fail(file, "merge keys (<<) are not allowed", "write the keys out in full", kline)
        if not isinstance(knode, yaml.ScalarNode):
            raise fail(
                file,
                "a key must be a plain name, not a list or mapping",
                "write the key as a single word",
                kline,
            )
        key = loader.construct_object(knode, deep=True)
        if key in first:
            dupes.append(
                Problem(
                    file,
                    kline,
                    dotted(path + (key,), None),
                    "",
                    f"{key} is given twice, on line {first[key]} and line {kline} "
                    "(YAML would silently keep the last)",
                    "delete one of the two",
                )
            )
            continue
        first[key] = kline
        out[key] = _build(loader, vnode, path + (key,), kline, file, index, dupes)
    return out


# ----------------------------------------------------------------------------- files and extends
