"""Catalog files (``config/catalog/*.yaml``): one department and its products."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from hardware.gtin import to_gtin14
from kiosk.config.fields import (
    Gtin,
    ImagePath,
    Locale,
    LocalSpecs,
    LocalText,
    Slug,
    Strict,
    Text,
)
from kiosk.config.schedule import Window

Money = Decimal


class Promo(Window):
    """A promotional price, from ``starts`` to ``until`` (inclusive), optionally at some hours
    or on some days."""

    price: Money = Field(gt=0, decimal_places=2)
    until: dt.date


class InStore(Strict):
    """What this store has on its shelves. Either may be left out (a spreadsheet without a
    stock column): the panel then says nothing it does not know, rather than "out of stock"."""

    stock: int | None = Field(default=None, ge=0, description=(
        "units on the shelves; 0 shows \"out of stock\", 1 to 3 \"only N left\"; leave it "
        "out when the store does not know (a live source may give it)"))
    aisle: Text | None = Field(default=None, description=(
        "where shoppers find it, shown beside the stock; leave it out if there is no aisle"))


class Online(Strict):
    available: bool | None = Field(default=None, description=(
        "whether the web shop sells it; leave it out when unknown (the panel then says nothing "
        "about buying online)"))
    delivery_days: int | None = Field(default=None, ge=0)


class OtherStore(Strict):
    name: Text
    stock: int = Field(ge=0)
    id: Slug | None = Field(default=None, description=(
        "the store's id (its `store.id`), which a reservation names; without it, the product "
        "cannot be reserved there"))


class Availability(Strict):
    in_store: InStore
    online: Online
    other_stores: tuple[OtherStore, ...] = ()


class Review(Strict):
    rating: int = Field(ge=1, le=5)
    author: Text
    date: dt.date
    locale: Locale
    text: Text
    helpful: int = Field(default=0, ge=0)


class SocialPost(Strict):
    handle: Text
    text: Text
    image: ImagePath


class Product(Strict):
    gtin: Gtin
    brand: Text
    name: LocalText
    description: LocalText
    price: Money = Field(gt=0, decimal_places=2)
    promo: Promo | None = None
    availability: Availability
    specs: LocalSpecs
    reviews: tuple[Review, ...] = ()
    social: tuple[SocialPost, ...] = ()
    cross_sell: tuple[Gtin, ...] = ()
    images: tuple[ImagePath, ...] = Field(min_length=1)
    family: Slug | None = Field(default=None, description=(
        "the model this product is one size or colour of: every variant of a model gives the "
        "same family id, and each keeps its own GTIN"))
    options: LocalSpecs = Field(default_factory=dict, description=(
        "what makes this variant, by language (`fr: {Pointure: \"42\"}`, "
        "`en: {Size: \"42\"}`); required with a family"))
    sku: Text | None = Field(default=None, description=(
        "the web shop's own id for this variant, which its cart links use"))

    @property
    def gtin14(self) -> str:
        """The GTIN-14 every lookup uses."""
        return to_gtin14(self.gtin)

    @field_validator("specs", "options")
    @classmethod
    def _same_count_per_locale(cls, value: dict[str, dict[str, str]],
                               info: ValidationInfo) -> dict[str, dict[str, str]]:
        """Specs and options are the same list in every language, translated."""
        counts = {locale: len(entries) for locale, entries in value.items()}
        if len(set(counts.values())) > 1:
            listed = ", ".join(f"{locale}: {count}" for locale, count in counts.items())
            raise ValueError(f"each locale should list the same {info.field_name} ({listed})")
        return value

    @model_validator(mode="after")
    def _family_has_options(self) -> Product:
        if self.family is not None and not any(self.options.values()):
            raise ValueError("a product of a family says what makes it (options: its size or "
                             "colour)")
        if self.family is None and any(self.options.values()):
            raise ValueError("options belong to a variant: give the family (model) id too")
        return self

    @model_validator(mode="after")
    def _promo_below_price(self) -> Product:
        if self.promo is not None and self.promo.price >= self.price:
            raise ValueError(f"promo price {self.promo.price} must be below the price "
                             f"{self.price}")
        return self

    def rating(self) -> float | None:
        """Average review rating, or None without reviews."""
        if not self.reviews:
            return None
        return sum(review.rating for review in self.reviews) / len(self.reviews)

    def current_price(self, today: dt.date) -> Money:
        """The price a shopper pays now: the promotion's while it runs (``today`` may be a
        datetime, for promotions limited to some hours)."""
        if self.promo is not None and self.promo.active(today):
            return self.promo.price
        return self.price


class Department(Strict):
    id: Slug
    name: LocalText


class CatalogFile(Strict):
    """The whole of one catalog file."""

    department: Department
    products: tuple[Product, ...] = Field(min_length=1)
