"""YAML files read with the line of every key, so errors can name ``FILE:LINE``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.config.errors import ConfigError

Loc = tuple[str | int, ...]


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


def read_yaml(path: Path, display_name: str) -> tuple[YamlDocument | None, list[ConfigError]]:
    """Parse ``path``; return the document or the errors that prevent reading it."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [ConfigError(display_name, 1, (), f"not UTF-8 text ({exc.reason})")]
    except OSError as exc:
        return None, [ConfigError(display_name, 1, (), f"cannot read file: {exc.strerror}")]
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [ConfigError(display_name, 1, (), "the file is empty")]
        lines: dict[Loc, int] = {}
        errors: list[ConfigError] = []
        _index(node, (), lines, errors, display_name)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [ConfigError(display_name, line, (), f"YAML syntax error: {problem}")]
    except yaml.YAMLError as exc:
        return None, [ConfigError(display_name, 1, (), f"YAML error: {exc}")]
    finally:
        loader.dispose()
    if errors:
        return None, errors
    return YamlDocument(path, display_name, data, lines), []


def _index(node: yaml.Node, loc: Loc, lines: dict[Loc, int], errors: list[ConfigError],
           display_name: str) -> None:
    """Record the line of every key and item; report keys written twice (YAML keeps the last)."""
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
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
