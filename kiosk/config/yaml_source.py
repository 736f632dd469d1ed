"""YAML files read with the line of every key, so errors can name ``FILE:LINE``."""

from __future__ import annotations

import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.config.errors import ConfigError
from kiosk.config.limits import (
    CATALOG_LIMIT,
    MAX_DEPTH,
    MAX_NODES,
    MAX_TOTAL_NODES,
    FileLimit,
    too_large,
)

Loc = tuple[str | int, ...]
_WITH_LIBYAML = hasattr(yaml, "CSafeLoader")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader on libyaml's parser where PyYAML was built with it (4 to 5 times faster
    than the pure-Python one; the same nodes, with the same marks)."""


def _timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    """A date that looks like one but is not (``2026-13-45``) is an error with its line, not
    a ``ValueError`` out of the loader."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a valid date ({exc})", node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


@dataclass(frozen=True)
class YamlDocument:
    """Parsed data plus where each key and item stands in the file."""

    path: Path
    display_name: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """Line of ``loc``, or of its nearest ancestor the file has (a missing key's parent)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1

    def error(self, loc: Loc, message: str) -> ConfigError:
        """A ConfigError located at ``loc`` in this file."""
        return ConfigError(self.display_name, self.line_of(loc), loc, message)


def read_yaml(path: Path, display_name: str, limit: FileLimit = CATALOG_LIMIT,
              budget: NodeBudget | None = None) -> tuple[YamlDocument | None, list[ConfigError]]:
    """Parse ``path``; return the document or the errors that prevent reading it.

    The file's size is checked before it is read, and its shape (nesting, values once aliases
    are expanded) from the parser's events before any of it is built, so an oversized or
    hostile file costs milliseconds, not gigabytes. ``budget`` counts values across files.
    """
    raw, errors = read_bytes(path, display_name, limit)
    if raw is None:
        return None, errors
    return parse_yaml(raw, path, display_name, budget)


def read_bytes(path: Path, display_name: str,
               limit: FileLimit = CATALOG_LIMIT) -> tuple[bytes | None, list[ConfigError]]:
    """The file's bytes when it is a regular file within ``limit``; else why not."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a pipe would block the read for ever
            return None, [ConfigError(display_name, 1, (), "not a regular file")]
        if status.st_size > limit.bytes:
            return None, [ConfigError(display_name, 1, (), too_large(status.st_size, limit))]
        with path.open("rb") as handle:
            raw = handle.read(limit.bytes + 1)
    except OSError as exc:
        return None, [ConfigError(display_name, 1, (), f"cannot read file: {exc.strerror}")]
    if len(raw) > limit.bytes:  # it grew since stat
        return None, [ConfigError(display_name, 1, (), too_large(len(raw), limit))]
    return raw, []


def parse_yaml(raw: bytes, path: Path, display_name: str, budget: NodeBudget | None = None,
               *, lines: bool = True) -> tuple[YamlDocument | None, list[ConfigError]]:
    """The document in ``raw``, or its errors. Without ``lines`` the data is built straight
    from libyaml's events (about ten times faster, no line numbers kept); any file that path
    does not take as it is (tags, anchors, merge keys, keys written twice, a syntax error) is
    read the full way, with the same errors as ever."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [ConfigError(display_name, 1, (), f"not UTF-8 text ({exc.reason})")]
    budget = budget if budget is not None else NodeBudget()
    if not lines and _WITH_LIBYAML:
        fast = data_from_events(text, min(MAX_NODES, budget.left))
        if fast is not None:
            data, count = fast
            budget.left -= count
            return YamlDocument(path, display_name, data), []
    try:
        shape_error = _check_shape(_Loader(text), display_name, budget)
        if shape_error is not None:
            return None, [shape_error]
        node, data, lines, errors = _build(text, display_name)
    except yaml.YAMLError as exc:
        deep = "nesting depth" in str(exc)  # the Python parser is quadratic in that depth
        return None, [_syntax_error(display_name,
                                    (None if deep else _python_parser_error(text)) or exc)]
    if node is None:
        return None, [ConfigError(display_name, 1, (), "the file is empty")]
    if errors:
        return None, errors
    return YamlDocument(path, display_name, data, lines), []


def _build(text: str, display_name: str) -> tuple[Any, Any, dict[Loc, int], list[ConfigError]]:
    """The node tree, the data, the line of every key and item, and keys written twice."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None, {}, []
        lines: dict[Loc, int] = {}
        errors: list[ConfigError] = []
        _index(node, (), lines, errors, display_name)
        return node, loader.construct_document(node), lines, errors
    finally:
        loader.dispose()


def _syntax_error(display_name: str, exc: yaml.YAMLError) -> ConfigError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        return ConfigError(display_name, mark.line + 1 if mark else 1, (),
                           f"YAML syntax error: {problem}")
    return ConfigError(display_name, 1, (), f"YAML error: {exc}")


def _python_parser_error(text: str) -> yaml.YAMLError | None:
    """The pure-Python parser's account of a syntax error, when libyaml found one: its words
    and line are the ones staff know (libyaml often points past the end of what is wrong).
    Events only, no nodes: bounded like the shape check, and only on the error path."""
    if not _WITH_LIBYAML:
        return None
    try:
        parser = yaml.SafeLoader(text)  # its reader checks every character first
        while parser.check_event():
            parser.get_event()
    except yaml.YAMLError as exc:
        return exc
    return None


@dataclass
class NodeBudget:
    """Values still allowed across the files of one config (``MAX_TOTAL_NODES`` at first)."""

    left: int = field(default_factory=lambda: MAX_TOTAL_NODES)


def _check_shape(events: Any, display_name: str, budget: NodeBudget) -> ConfigError | None:
    """Walk the parser's events (no nodes built): nesting depth, and the number of values once
    aliases are expanded, which is what indexing and validation will visit. An alias to a
    collection still open (a loop) is refused too. Takes the budget's share on success."""
    cap = min(MAX_NODES, budget.left)
    expanded = 0
    open_starts: list[tuple[str | None, int]] = []
    sizes: dict[str, int] = {}
    try:
        while events.check_event():
            event = events.get_event()
            if isinstance(event, yaml.AliasEvent):
                if any(anchor == event.anchor for anchor, _ in open_starts):
                    return _shape_error(display_name, event,
                                        f"alias *{event.anchor} refers to a list or mapping "
                                        "that contains it (a loop)")
                expanded += sizes.get(event.anchor or "", 1)
            elif isinstance(event, yaml.ScalarEvent):
                expanded += 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.CollectionStartEvent):
                expanded += 1
                open_starts.append((event.anchor, expanded))
                if len(open_starts) > MAX_DEPTH:
                    return _shape_error(display_name, event,
                                        f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent) and open_starts:
                anchor, started = open_starts.pop()
                if anchor:
                    sizes[anchor] = expanded - started + 1
            if expanded > cap:
                return _shape_error(display_name, event, _too_many(cap))
    finally:
        events.dispose()
    budget.left -= expanded
    return None


def _too_many(cap: int) -> str:
    if cap < MAX_NODES:
        return (f"the config files hold too many values together (at most {MAX_TOTAL_NODES:,}"
                "): remove catalog files the store does not need")
    return (f"too many values (at most {MAX_NODES:,} in one file, aliases counted as often as "
            "they are used): split the catalog by department")


def _shape_error(display_name: str, event: Any, message: str) -> ConfigError:
    mark = getattr(event, "start_mark", None)
    return ConfigError(display_name, mark.line + 1 if mark else 1, (), message)


def _index(node: yaml.Node, loc: Loc, lines: dict[Loc, int], errors: list[ConfigError],
           display_name: str) -> None:
    """Record the line of every key and item; report keys written twice (YAML keeps the last)."""
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = sys.intern(str(key_node.value))
            line = key_node.start_mark.line + 1
            if key in seen:
                errors.append(ConfigError(display_name, line, (*loc, key),
                                          f"key {key!r} is written twice (first on line "
                                          f"{seen[key]}); keep one"))
                continue
            seen[key] = line
            lines[(*loc, key)] = line
            _index(value_node, (*loc, key), lines, errors, display_name)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, (*loc, index), lines, errors, display_name)


_PLAIN_STR = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = _Loader(b"")


def data_from_events(text: str, cap: int) -> tuple[Any, int] | None:
    """The data of a plain document (mappings, lists and scalars; no tags, anchors or merge
    keys, each key written once, at most ``cap`` values and ``MAX_DEPTH`` deep) with its
    number of values, built from libyaml's events with plain scalars resolved once per
    distinct text. None for anything else, or any error: the full reader decides then."""
    parser = yaml.CSafeLoader(text)
    resolved: dict[str, Any] = {}
    stack: list[list[Any]] = []  # [container, pending key, is mapping]
    count = 0
    try:
        for expected in (yaml.StreamStartEvent, yaml.DocumentStartEvent):
            if not isinstance(parser.get_event(), expected):
                return None
        while True:
            event = parser.get_event()
            kind = type(event)
            count += 1
            if count > cap or getattr(event, "anchor", None) is not None:
                return None
            if kind is yaml.ScalarEvent:
                if event.tag is not None:
                    return None
                value: Any = event.value
                if event.implicit[0]:
                    if value in resolved:
                        value = resolved[value]
                    else:
                        value = resolved.setdefault(value, _plain(value))
                        if value is _MERGE:
                            return None
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if not event.implicit or len(stack) >= MAX_DEPTH:
                    return None
                mapping = kind is yaml.MappingStartEvent
                stack.append([{} if mapping else [], _NO_KEY, mapping])
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                count -= 1
                value = stack.pop()[0]
            else:
                return None
            if not stack:
                return (value, count) if _ends(parser) else None
            top = stack[-1]
            if not top[2]:
                top[0].append(value)
            elif top[1] is _NO_KEY:
                if isinstance(value, dict | list) or value in top[0]:
                    return None
                top[1] = value
            else:
                top[0][top[1]] = value
                top[1] = _NO_KEY
    except (yaml.YAMLError, ValueError, OverflowError, TypeError, KeyError):
        return None
    finally:
        parser.dispose()


_NO_KEY = object()
_MERGE = object()


def _plain(text: str) -> Any:
    """A plain scalar's value as the safe loader makes it (``12`` an int, ``yes`` True, a date
    a date); ``_MERGE`` for ``<<``."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _PLAIN_STR:
        return text
    if tag == "tag:yaml.org,2002:merge":
        return _MERGE
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, text))


def _ends(parser: Any) -> bool:
    """Whether the document ends there and no other one follows."""
    return (isinstance(parser.get_event(), yaml.DocumentEndEvent)
            and isinstance(parser.get_event(), yaml.StreamEndEvent))
