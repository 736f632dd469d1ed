"""Open Food Facts: names, brand, ingredients, Nutri-Score and allergens of grocery products.

Read through the public API v2 (``/api/v2/product/{gtin}.json``), which needs no key but asks
for a User-Agent naming the app. The data is under the ODbL, so every patch carries the
attribution the panel must show. Same robustness as the REST source (see ``rest.py``).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any
from urllib.parse import quote, urlsplit

from hardware.gtin import display_gtin
from kiosk.catalog.sources.patch import ProductPatch
from kiosk.catalog.sources.rest import LenientFetch, Unusable, as_text, get_json, make_session
from kiosk.config.content import OpenFoodFactsSourceConfig

log = logging.getLogger(__name__)

ATTRIBUTION = "Open Food Facts — ODbL"
NAME_KEY = re.compile(r"product_name_([a-z]{2})")
INGREDIENTS_KEY = re.compile(r"ingredients_text_([a-z]{2})")
TAG_PREFIX = re.compile(r"^[a-z]{2,3}:")
ALLERGEN_MARK = re.compile(r"_([^_]+)_")
MAX_NAME = 200
MAX_INGREDIENTS = 2000
GRADES = ("a", "b", "c", "d", "e")


def _by_locale(product: dict[str, Any], key: re.Pattern[str], plain: str,
               limit: int) -> dict[str, str] | None:
    """``product_name_fr``-style texts by locale; the unsuffixed one counts for the
    product's main language (``lang``) when that has no text of its own."""
    texts: dict[str, str] = {}
    for name, value in product.items():
        match = key.fullmatch(name)
        text = as_text(value, limit) if match else None
        if match and text:
            texts[match.group(1)] = text
    main = product.get("lang") or product.get("lc")
    text = as_text(product.get(plain), limit)
    if text:
        texts.setdefault(main if isinstance(main, str) and len(main) == 2 else "en", text)
    return texts or None


def _ingredients(product: dict[str, Any]) -> dict[str, str] | None:
    """Ingredients by locale, without the underscores Open Food Facts puts around allergens
    (``_noisettes_ 13%`` reads ``noisettes 13%``)."""
    texts = _by_locale(product, INGREDIENTS_KEY, "ingredients_text", MAX_INGREDIENTS)
    if texts is None:
        return None
    return {locale: ALLERGEN_MARK.sub(r"\1", text) for locale, text in texts.items()}


def _allergens(product: dict[str, Any]) -> tuple[str, ...] | None:
    """``en:milk``, ``en:sesame-seeds`` to ``milk``, ``sesame seeds``. None when none are
    listed: "no allergens" would be a claim the data does not make."""
    tags = product.get("allergens_tags")
    if not isinstance(tags, list):
        return None
    names: list[str] = []
    for tag in tags:
        name = as_text(TAG_PREFIX.sub("", tag).replace("-", " ")) if isinstance(tag,
                                                                               str) else None
        if name and name not in names:
            names.append(name)
    return tuple(names) or None


def _nutriscore(product: dict[str, Any]) -> str | None:
    for key in ("nutriscore_grade", "nutrition_grades"):
        grade = product.get(key)
        if isinstance(grade, str) and grade.strip().lower() in GRADES:
            return grade.strip().lower()
    return None  # "unknown", "not-applicable" or absent


def _brand(product: dict[str, Any]) -> str | None:
    brands = product.get("brands")
    if not isinstance(brands, str):
        return None
    return as_text(brands.split(",")[0])


def _image(product: dict[str, Any]) -> str | None:
    for key in ("image_front_url", "image_url"):
        url = product.get(key)
        if isinstance(url, str) and urlsplit(url).scheme in ("http", "https") and len(url) < 500:
            return url
    return None


def patch_from_answer(data: Any, fetched_at: float) -> ProductPatch | None:
    """The patch an API v2 answer gives; None for "product not found" or no usable field.
    Raises Unusable when the answer is not shaped like the API's at all."""
    if not isinstance(data, dict):
        raise Unusable("not an Open Food Facts answer (no JSON object)")
    if data.get("status") in (0, "0") or data.get("status_verbose") == "product not found":
        return None
    product = data.get("product")
    if not isinstance(product, dict):
        raise Unusable("not an Open Food Facts answer (no product)")
    patch = ProductPatch(
        source=OpenFoodFactsSource.name, fetched_at=fetched_at,
        names=_by_locale(product, NAME_KEY, "product_name", MAX_NAME),
        ingredients=_ingredients(product), nutriscore=_nutriscore(product),
        allergens=_allergens(product), image_url=_image(product), brand=_brand(product),
        attribution=ATTRIBUTION)
    return patch if patch.has_content() else None


class OpenFoodFactsSource(LenientFetch):
    """Open Food Facts' product API; ``url`` is overridable (a mirror, or a test server)."""

    name = "openfoodfacts"

    def __init__(self, config: OpenFoodFactsSourceConfig) -> None:
        self.config = config
        self.ttl_s = config.ttl_s
        self._session = make_session()

    def fetch_strict(self, gtin14: str) -> ProductPatch | None:
        """As ``fetch``, but an unusable answer raises Unusable."""
        gtin = display_gtin(gtin14)
        fetched_at = time.time()
        data = get_json(self._session, self.config.url.format(gtin=quote(gtin, safe="")),
                        headers={}, timeout_s=self.config.timeout_s,
                        max_bytes=self.config.max_bytes, follow_redirects=True)
        patch = None if data is None else patch_from_answer(data, fetched_at)
        if patch is None:
            log.debug("%s does not know GTIN %s", self.name, gtin)
        return patch

    def close(self) -> None:
        """Close the connections kept alive."""
        self._session.close()
