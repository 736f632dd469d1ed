"""The ``content`` section of ``store.yaml``: where product content comes from, in order.

The local catalog always comes first; each later source (the web shop's REST API, Open Food
Facts) overrides the fields it provides, so the table shows the same prices and stock as the
web site. Secrets are never written here: ``auth`` names the environment variables that hold
them.

Sources are told apart by ``type``. The choice is made by hand rather than by pydantic's tagged
union so that errors keep plain locations (``sources[1].url``, not ``sources[1].rest.url``) and
an unknown key gets a "did you mean" naming the keys of that type of source.
"""

from __future__ import annotations

import difflib
import re
import string
from typing import Annotated, Any, Literal, Union, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from kiosk.config.fields import Strict
from kiosk.config.handoff import EnvName

OFF_URL = "https://world.openfoodfacts.org/api/v2/product/{gtin}.json"
SAMPLE_GTIN = "3017620422003"
HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
PATH_STEP = re.compile(r"""\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\["([^"\\]*)"\]|\['([^'\\]*)'\]""")
PATH_EXAMPLE = '$.offers.price, $.items[0].price or $["unit price"]'

JsonStep = Union[str, int]  # noqa: UP007 (a runtime alias, kept readable on Python 3.10)


def parse_json_path(text: str) -> tuple[JsonStep, ...]:
    """``$.a[0]["b c"]`` to ``("a", 0, "b c")``; ValueError saying where it goes wrong."""
    if not text.startswith("$"):
        raise ValueError(f"{text!r} is not a JSON path: start it with $, e.g. {PATH_EXAMPLE}")
    steps: list[JsonStep] = []
    position = 1
    while position < len(text):
        match = PATH_STEP.match(text, position)
        if match is None:
            raise ValueError(f"{text!r} is not a JSON path (stuck at character {position + 1},"
                             f" {text[position:position + 10]!r}); write it like {PATH_EXAMPLE}")
        name, index, double, single = match.groups()
        if index is not None:
            steps.append(int(index))
        else:
            steps.append(next(part for part in (name, double, single) if part is not None))
        position = match.end()
    return tuple(steps)


def _check_json_path(value: str) -> str:
    parse_json_path(value)
    return value


def _link_template(allowed: tuple[str, ...]) -> AfterValidator:
    """An http(s) link with ``{placeholders}`` among ``allowed``; ``{gtin}`` is required."""

    def check(value: str) -> str:
        listed = ", ".join(f"{{{name}}}" for name in allowed)
        try:
            parsed = list(string.Formatter().parse(value))
        except ValueError as exc:
            raise ValueError(f"broken placeholder in {value!r} ({exc}); use {listed}, and "
                             "{{ }} for a literal brace") from None
        names = []
        for _, name, spec, conversion in parsed:
            if name is None:
                continue
            if name not in allowed:
                raise ValueError(f"unknown placeholder {{{name}}}; use {listed}")
            if spec or conversion:
                raise ValueError(f"write the placeholder plainly, as {{{name}}}")
            names.append(name)
        if "gtin" not in names:
            raise ValueError("the link must contain {gtin}, replaced by the product's barcode "
                             "number")
        sample = value.format(gtin=SAMPLE_GTIN, store_id="store")
        parts = urlsplit(sample)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the link must start with https:// or http:// and name a server, "
                             f"not {value!r}")
        return value

    return AfterValidator(check)


def _header_name(value: str) -> str:
    if not HEADER_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not an HTTP header name; write it like X-Api-Key")
    return value


JsonPath = Annotated[str, AfterValidator(_check_json_path)]
RestField = Literal["price", "promo_price", "promo_until", "stock", "aisle", "online",
                    "delivery_days"]
REST_FIELDS: tuple[str, ...] = get_args(RestField)
"""What a REST source can provide, by the name staff write under ``fields``."""
HeaderName = Annotated[str, AfterValidator(_header_name)]
Seconds = Annotated[float, Field(ge=0, le=30 * 86400)]


class RestAuth(Strict):
    """``{bearer_env: VAR}`` sends ``Authorization: Bearer <$VAR>``; ``{header: X-Api-Key,
    env: VAR}`` sends that header with ``$VAR``."""

    bearer_env: EnvName | None = Field(default=None, description="the environment variable "
                                       "holding the token sent as Authorization: Bearer")
    header: HeaderName | None = Field(default=None, description="a header to send instead, "
                                      "e.g. X-Api-Key")
    env: EnvName | None = Field(default=None, description="the environment variable holding "
                                "that header's value")

    @model_validator(mode="after")
    def _one_way(self) -> RestAuth:
        if self.bearer_env and (self.header or self.env):
            raise ValueError("write either bearer_env, or header with env, not both")
        if self.bearer_env is None and not (self.header and self.env):
            missing = "env" if self.header else "header"
            raise ValueError(f"missing {missing!r}: write {{bearer_env: KIOSK_SHOP_TOKEN}} or "
                             "{header: X-Api-Key, env: KIOSK_SHOP_KEY}")
        return self


class LocalSource(Strict):
    """The YAML catalog: always the first source, even when not listed."""

    type: Literal["local"] = "local"


class RestSourceConfig(Strict):
    """The web shop's product API, read field by field through JSON paths."""

    type: Literal["rest"]
    url: Annotated[str, _link_template(("gtin", "store_id"))] = Field(
        description="the product's address in the API; {gtin} is replaced by its barcode "
                    "number, {store_id} by store.id")
    auth: RestAuth | None = None
    timeout_s: float = Field(default=5.0, gt=0, le=60,
                             description="the longest a whole answer may take")
    ttl_s: Seconds = Field(default=300.0, description="how long an answer is used without "
                                                      "asking again")
    max_bytes: int = Field(default=1_000_000, ge=1000, le=50_000_000,
                           description="the largest answer read; a bigger one is ignored")
    fields: dict[RestField, JsonPath] = Field(
        description="where each field is in the answer, as a JSON path: $.offers.price, "
                    "$.items[0].price, $[\"unit price\"]")

    @field_validator("fields", mode="wrap")
    @classmethod
    def _known_fields(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """Unknown names and broken paths are all reported, each at its own line."""
        details = []
        if isinstance(value, dict) and not value:
            details.append(_error((), value, "list at least one field to read, e.g. price: "
                                             f"$.offers.price (known fields: "
                                             f"{', '.join(REST_FIELDS)})"))
        for name in value if isinstance(value, dict) else ():
            if name in REST_FIELDS:
                continue
            guess = difflib.get_close_matches(str(name), REST_FIELDS, n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            details.append(_error((name,), value, f"unknown field {name!r}; {hint}known fields:"
                                                  f" {', '.join(REST_FIELDS)}"))
        try:
            checked = handler(value)
        except ValidationError as exc:  # unknown names were said better above
            details += [detail for detail in exc.errors(include_url=False)
                        if detail["loc"][-1:] != ("[key]",)]
        if details:
            raise ValidationError.from_exception_data("fields", details)
        return checked


class OpenFoodFactsSourceConfig(Strict):
    """Open Food Facts (ODbL): names, ingredients, Nutri-Score and allergens of groceries."""

    type: Literal["openfoodfacts"]
    url: Annotated[str, _link_template(("gtin",))] = Field(
        default=OFF_URL, description="the public API; another address for a mirror or a test")
    timeout_s: float = Field(default=5.0, gt=0, le=60)
    ttl_s: Seconds = Field(default=86400.0)
    max_bytes: int = Field(default=3_000_000, ge=1000, le=50_000_000)


SOURCE_TYPES: dict[str, type[Strict]] = {"local": LocalSource, "rest": RestSourceConfig,
                                         "openfoodfacts": OpenFoodFactsSourceConfig}
RemoteSourceConfig = Union[RestSourceConfig, OpenFoodFactsSourceConfig]  # noqa: UP007


def _error(loc: tuple[str | int, ...], value: Any, message: str) -> Any:
    """A line error pydantic keeps as is (a value error reads as plain ``message``)."""
    return {"type": "value_error", "loc": loc, "input": value,
            "ctx": {"error": ValueError(message)}}


def _choose_source(value: Any, info: ValidationInfo) -> Any:
    """Validate one ``sources`` item as the model its ``type`` names."""
    if isinstance(value, tuple(SOURCE_TYPES.values())):
        return value
    *first, last = SOURCE_TYPES
    kinds = f"{', '.join(first)} or {last}"
    if not isinstance(value, dict):
        raise ValueError(f"each source is a mapping with a type ({kinds}), e.g. {{type: rest, "
                         "url: ..., fields: ...}")
    kind = value.get("type")
    model = SOURCE_TYPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        if "type" not in value:
            message = f"missing key 'type': say which source this is ({kinds})"
        else:
            guess = difflib.get_close_matches(str(kind), SOURCE_TYPES, n=1, cutoff=0.5)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            message = f"unknown source type {kind!r}; {hint}use {kinds}"
        loc: tuple[str | int, ...] = ("type",) if "type" in value else ()
        raise ValidationError.from_exception_data("source", [_error(loc, value, message)])
    try:
        return model.model_validate(value, context=info.context)
    except ValidationError as exc:
        details = [_readable(model, str(kind), detail)
                   for detail in exc.errors(include_url=False)]
        raise ValidationError.from_exception_data("source", details) from None


def _readable(model: type[BaseModel], kind: str, detail: Any) -> Any:
    """An unknown key gets the keys this type of source accepts, and a "did you mean"."""
    if detail["type"] != "extra_forbidden":
        return detail
    loc = tuple(detail["loc"])
    allowed = _keys_at(model, loc[:-1])
    key = str(loc[-1])
    guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    where = f"a source of type {kind}" if len(loc) == 1 else repr(loc[-2])
    if guess:
        message = f"unknown key {key!r}; did you mean {guess[0]!r}?"
    else:
        message = f"unknown key {key!r} for {where} (known keys: {', '.join(allowed)})"
    return _error(loc, detail["input"], message)


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys accepted at ``loc`` in a source: its own, or its ``auth``'s."""
    target = model if loc == () else RestAuth if loc == ("auth",) else None
    return [name for name in target.model_fields if name != "type"] if target else []


_SOURCE_UNION = Annotated[Union[RestSourceConfig, OpenFoodFactsSourceConfig,  # noqa: UP007
                                LocalSource], Field(discriminator="type")]
SourceChoice = Annotated[_SOURCE_UNION, PlainValidator(_choose_source,
                                                       json_schema_input_type=_SOURCE_UNION)]
"""One item of ``sources``; the JSON Schema (for editors) is the tagged union on ``type``."""


class ContentConfig(Strict):
    """Where product content comes from, in order; later sources override earlier fields."""

    sources: tuple[SourceChoice, ...] = Field(
        default_factory=lambda: (LocalSource(),),
        description="local first, then rest and/or openfoodfacts, each listed once")
    cache_days: int = Field(default=30, ge=1, le=365,
                            description="how long fetched content is kept for when the "
                                        "network is down")

    @field_validator("sources")
    @classmethod
    def _local_first_each_once(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        details = []
        seen: set[str] = set()
        for index, source in enumerate(value):
            if source.type in seen:
                details.append(_error((index, "type"), source.type,
                                      f"{source.type} is already listed; each source type may"
                                      " be listed once"))
            elif source.type == "local" and index > 0:
                details.append(_error((index, "type"), source.type,
                                      "the local catalog always comes first: move "
                                      "'type: local' to the top of the list, or leave it out"))
            seen.add(source.type)
        if details:
            raise ValidationError.from_exception_data("sources", details)
        if not value or value[0].type != "local":
            value = (LocalSource(), *value)
        return value

    def remote(self) -> tuple[RemoteSourceConfig, ...]:
        """The sources fetched over the network, in order."""
        return tuple(source for source in self.sources if not isinstance(source, LocalSource))
