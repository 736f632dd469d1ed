"""What a remote source says about one product, and how it is laid over the catalog's product.

A source never edits a product: it returns a ``ProductPatch`` of the fields it knows (None for
the rest). Patches are applied in source order on top of the local catalog, so a later source
overrides only the fields it provides — the web shop's price and stock beat the morning's YAML,
and Open Food Facts adds what the catalog lacks (ingredients, Nutri-Score, allergens) as specs
rows in every store locale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from hardware.gtin import display_gtin
from kiosk.config.catalog import Product, Promo

log = logging.getLogger(__name__)

NO_IMAGE = "content/no-image.png"
"""The image path of a product built from remote content alone while it has no downloaded
photo (none offered, not yet arrived, or refused). The panel draws it as a missing picture
unless the store ships a placeholder at ``media/content/no-image.png``."""
REMOTE_IMAGES = "@remote/"
"""Prefix of a downloaded photo's image path: ``@remote/03017620422003.jpg`` names a file in
the data folder's ``content-images/``, which ``ImageLoader`` is told of. Why a prefix: a
product's image paths are relative (``ImagePath`` refuses absolute ones, so a config cannot
point outside its media folder), and photos must not go into ``media/``, which is watched for
hot reload. ``@`` starts no media path the demo or a store uses."""
UNKNOWN = "—"
"""Stands for a text the model requires but no source gave (brand, aisle)."""

LABELS: dict[str, dict[str, str]] = {
    "fr": {"nutriscore": "Nutri-Score", "allergens": "Allergènes",
           "ingredients": "Ingrédients", "source": "Source des données",
           "description": "Fiche produit issue d'Open Food Facts."},
    "en": {"nutriscore": "Nutri-Score", "allergens": "Allergens",
           "ingredients": "Ingredients", "source": "Data source",
           "description": "Product information from Open Food Facts."},
}
"""Specs labels per locale; a locale not listed uses English."""

ALLERGENS_FR = {
    "milk": "lait", "gluten": "gluten", "eggs": "œufs", "fish": "poisson",
    "crustaceans": "crustacés", "molluscs": "mollusques", "nuts": "fruits à coque",
    "peanuts": "arachides", "soybeans": "soja", "celery": "céleri", "mustard": "moutarde",
    "sesame seeds": "graines de sésame", "lupin": "lupin",
    "sulphur dioxide and sulphites": "sulfites",
}
"""The EU's fourteen allergens as Open Food Facts names them (``en:`` tags), in French."""
ALLERGEN_NAMES = {"fr": ALLERGENS_FR}


@dataclass(frozen=True)
class ProductPatch:
    """The fields one source gave for one product; None means "this source does not say"."""

    source: str
    fetched_at: float
    from_cache: bool = False
    price: Decimal | None = None
    promo_price: Decimal | None = None
    promo_until: dt.date | None = None
    stock: int | None = None
    aisle: str | None = None
    online: bool | None = None
    delivery_days: int | None = None
    names: dict[str, str] | None = None
    ingredients: dict[str, str] | None = None
    nutriscore: str | None = None
    allergens: tuple[str, ...] | None = None
    image_url: str | None = None
    attribution: str | None = None
    brand: str | None = None
    image_file: str | None = None
    """The photo at ``image_url`` once downloaded and checked (a ``REMOTE_IMAGES`` path); set
    by the fetcher, never cached with the patch: the file on disk is its cache."""

    def has_content(self) -> bool:
        """Whether any field beyond the bookkeeping says something."""
        return any(getattr(self, name) is not None for name in CONTENT_FIELDS)


CONTENT_FIELDS = tuple(field.name for field in dataclasses.fields(ProductPatch)
                       if field.name not in ("source", "fetched_at", "from_cache",
                                             "attribution", "image_file"))


def _last(patches: Sequence[ProductPatch], name: str) -> Any:
    """The value of the last patch that gives ``name`` (later sources override)."""
    for patch in reversed(patches):
        value = getattr(patch, name)
        if value is not None:
            return value
    return None


def _promo(patches: Sequence[ProductPatch], price: Decimal,
           fallback: tuple[Decimal, dt.date] | None) -> tuple[Decimal, dt.date] | None:
    """The last usable promotion: a price and an end date, below the regular price. A promo
    at or above the price (bad data) is ignored, as if the source had not given one."""
    chosen = fallback if fallback is not None and fallback[0] < price else None
    for patch in patches:
        if patch.promo_price is None or patch.promo_until is None:
            continue
        if patch.promo_price < price:
            chosen = (patch.promo_price, patch.promo_until)
        else:
            log.info("%s promo %s is not below the price %s; ignored", patch.source,
                     patch.promo_price, price)
    return chosen


def _label(locale: str, key: str) -> str:
    return LABELS.get(locale, LABELS["en"])[key]


def _allergen(name: str, locale: str) -> str:
    return ALLERGEN_NAMES.get(locale, {}).get(name, name)


def _in_locale(texts: dict[str, str], locale: str, locales: tuple[str, ...]) -> str | None:
    """The text in ``locale``, else in the first store locale that has one, else any."""
    for candidate in (locale, *locales):
        if texts.get(candidate):
            return texts[candidate]
    return next((text for text in texts.values() if text), None)


def _with_rows(specs: dict[str, dict[str, str]], patches: Sequence[ProductPatch],
               locales: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """``specs`` plus Nutri-Score, allergens, ingredients and the data's attribution, in each
    locale (a row a patch gives replaces the catalog's row of the same label)."""
    nutriscore = _last(patches, "nutriscore")
    allergens: tuple[str, ...] | None = _last(patches, "allergens")
    ingredients: dict[str, str] | None = _last(patches, "ingredients")
    attributions = []
    for patch in patches:
        gives = any(getattr(patch, name) is not None
                    for name in ("nutriscore", "allergens", "ingredients"))
        if gives and patch.attribution and patch.attribution not in attributions:
            attributions.append(patch.attribution)
    result = {locale: dict(rows) for locale, rows in specs.items()}
    for locale in locales:
        rows = result.setdefault(locale, {})
        if nutriscore:
            rows[_label(locale, "nutriscore")] = nutriscore.upper()
        if allergens:
            rows[_label(locale, "allergens")] = ", ".join(_allergen(name, locale)
                                                          for name in allergens)
        text = _in_locale(ingredients, locale, locales) if ingredients else None
        if text:
            rows[_label(locale, "ingredients")] = text
        if attributions:
            rows[_label(locale, "source")] = ", ".join(attributions)
    return result


def apply_patches(product: Product, patches: Sequence[ProductPatch],
                  locales: tuple[str, ...]) -> Product:
    """The catalog's product with the patches laid over it in order. Names, descriptions and
    images stay the catalog's: the store wrote them for its shoppers."""
    if not patches:
        return product
    price: Decimal = _last(patches, "price") or product.price
    local_promo = (product.promo.price, product.promo.until) if product.promo else None
    promo = _promo(patches, price, local_promo)
    in_store = product.availability.in_store
    stock, aisle = _last(patches, "stock"), _last(patches, "aisle")
    in_store = in_store.model_copy(update={
        "stock": in_store.stock if stock is None else stock,
        "aisle": aisle or in_store.aisle})
    online = product.availability.online
    available, days = _last(patches, "online"), _last(patches, "delivery_days")
    online = online.model_copy(update={
        "available": online.available if available is None else available,
        "delivery_days": online.delivery_days if days is None else days})
    availability = product.availability.model_copy(update={"in_store": in_store,
                                                           "online": online})
    new_promo = Promo(price=promo[0], until=promo[1]) if promo is not None else None
    return product.model_copy(update={
        "price": price, "promo": new_promo, "availability": availability,
        "specs": _with_rows(product.specs, patches, locales)})


def product_from_patches(gtin14: str, patches: Sequence[ProductPatch],
                         locales: tuple[str, ...], default_locale: str, currency: str,
                         *, image: str = NO_IMAGE) -> Product | None:
    """A product the catalog does not know, from remote content alone (a grocery product Open
    Food Facts knows, priced by the web shop's API). None without a price or a name: the
    table shows nothing rather than a product it cannot price. ``currency`` is the store's;
    prices from the sources are taken to be in it. The photo is the downloaded one, else
    ``image`` (see ``NO_IMAGE``)."""
    price: Decimal | None = _last(patches, "price")
    names: dict[str, str] = {}
    for patch in patches:
        names.update({locale: text for locale, text in (patch.names or {}).items() if text})
    if price is None or not names:
        return None
    filled = {locale: names.get(locale) or names.get(default_locale)
              or next(iter(names.values())) for locale in locales}
    promo = _promo(patches, price, None)
    available, days = _last(patches, "online"), _last(patches, "delivery_days")
    data: dict[str, Any] = {
        "gtin": display_gtin(gtin14),
        "brand": _last(patches, "brand") or UNKNOWN,
        "name": filled,
        "description": {locale: _label(locale, "description") for locale in locales},
        "price": price,
        "promo": {"price": promo[0], "until": promo[1]} if promo else None,
        "availability": {
            "in_store": {"stock": _last(patches, "stock"), "aisle": _last(patches, "aisle")},
            "online": {"available": available, "delivery_days": days}},
        "specs": _with_rows({locale: {} for locale in locales}, patches, locales),
        "images": (_last(patches, "image_file") or image,),
    }
    try:
        return Product.model_validate(data)
    except ValidationError as exc:
        log.warning("content for GTIN %s does not make a product (%d problems, first: %s)",
                    display_gtin(gtin14), exc.error_count(),
                    exc.errors(include_url=False)[0]["msg"][:80])
        return None

