"""One YAML document checked against its model, every error placed at its ``FILE:LINE`` with a
message staff can act on ("did you mean ...")."""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from kiosk.config.errors import ConfigError
from kiosk.config.yaml_source import Loc, YamlDocument


def validate_document(model: type[BaseModel], document: YamlDocument, context: dict[str, Any],
                      errors: list[ConfigError]) -> Any:
    """Validate one document; collect its errors and return None when there are any."""
    if not isinstance(document.data, dict):
        errors.append(document.error((), "expected keys and values at the top of the file"))
        return None
    try:
        return model.model_validate(document.data, context=context)
    except ValidationError as exc:
        details = exc.errors(include_url=False)
        for detail in details:
            loc = tuple(detail["loc"])
            if detail["type"] == "too_short" and _has_deeper(loc, details):
                continue
            where = loc[:-1] if detail["type"] == "missing" else loc
            errors.append(document.error(where, _message(model, detail, loc)))
        return None


def _has_deeper(loc: Loc, details: list[Any]) -> bool:
    """A list too short only because its items failed: the item errors say it better."""
    return any(len(other["loc"]) > len(loc) and tuple(other["loc"][:len(loc)]) == loc
               for other in details)


def _message(model: type[BaseModel], detail: Any, loc: Loc) -> str:
    kind = detail["type"]
    if kind == "missing":
        return f"missing key {loc[-1]!r}"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {guess[0]!r}?" if guess else ""
        known = f" (known keys: {', '.join(allowed)})" if allowed and not guess else ""
        return f"unknown key {loc[-1]!r}{hint}{known}"
    message = str(detail["msg"]).removeprefix("Value error, ")
    value = detail.get("input")
    if kind != "value_error" and isinstance(value, str | int | float) and len(repr(value)) < 40:
        message += f" (got {value!r})"
    return message


def _allowed_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys a mapping at ``loc`` accepts, for "did you mean"."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        elif get_origin(current) in (list, tuple):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` to ``X``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation
