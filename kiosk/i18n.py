"""What the kiosk itself says, in each locale, and how it writes prices and dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

NBSP = "\u00a0"
SHOWN_CODE = 200

STRINGS: dict[str, dict[str, str]] = {
    "invite": {"fr": "Posez un produit sur la table", "en": "Place a product on the table"},
    "invite_sub": {"fr": "Prix, avis et conseils s'affichent à côté",
                   "en": "Prices, reviews and advice appear beside it"},
    "tab.overview": {"fr": "Aperçu", "en": "Overview"},
    "tab.specs": {"fr": "Caractéristiques", "en": "Specs"},
    "tab.reviews": {"fr": "Avis", "en": "Reviews"},
    "key_specs": {"fr": "L'essentiel", "en": "Key specs"},
    "not_found.title": {"fr": "Produit introuvable", "en": "Product not found"},
    "not_found.body": {"fr": "Nous ne reconnaissons pas ce produit. Demandez à un vendeur : "
                             "il vous renseignera volontiers.",
                       "en": "We don't recognise this product. Please ask a member of staff: "
                             "they will be glad to help."},
    "not_found.code": {"fr": "Code lu : {code}", "en": "Code read: {code}"},
    "in_stock": {"fr": "En stock · rayon {aisle}", "en": "In stock · aisle {aisle}"},
    "low_stock": {"fr": "Plus que {n} en stock · rayon {aisle}",
                  "en": "Only {n} left · aisle {aisle}"},
    "last_one": {"fr": "Dernier en stock · rayon {aisle}", "en": "Last one · aisle {aisle}"},
    "out_of_stock": {"fr": "Épuisé dans ce magasin", "en": "Out of stock in this store"},
    "online": {"fr": "En ligne : livré sous {days} j", "en": "Online: delivered in {days} days"},
    "online_now": {"fr": "En ligne : disponible", "en": "Online: available"},
    "online_no": {"fr": "Indisponible en ligne", "en": "Not available online"},
    "other_stores": {"fr": "Aussi à {names}", "en": "Also at {names}"},
    "until": {"fr": "jusqu'au {date}", "en": "until {date}"},
    "reviews_count": {"fr": "{n} avis", "en": "{n} reviews"},
    "no_reviews": {"fr": "Pas encore d'avis", "en": "No reviews yet"},
    "language": {"fr": "Français", "en": "English"},
}

MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


def text(key: str, locale: str, **values: object) -> str:
    """The kiosk's sentence ``key`` in ``locale`` (English when a locale lacks it)."""
    variants = STRINGS[key]
    template = variants.get(locale) or variants["en"]
    return template.format(**values) if values else template


def price(amount: Decimal, currency: str, locale: str) -> str:
    """``1 299 €`` in French, ``€1,299`` in English; cents only when there are some."""
    whole = amount == amount.to_integral_value()
    number = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    if locale == "fr":
        number = number.replace(",", NBSP).replace(".", ",")
        return f"{number}{NBSP}{symbol}"
    return f"{symbol}{number}" if len(symbol) == 1 else f"{symbol}{NBSP}{number}"


def short_date(day: dt.date, locale: str, today: dt.date) -> str:
    """``31 déc.`` / ``31 Dec``, with the year when it is not ``today``'s."""
    months = MONTHS.get(locale, MONTHS["en"])
    label = f"{day.day} {months[day.month - 1]}"
    if day.year != today.year:
        label += f" {day.year}"
    return label


def next_locale(current: str, locales: tuple[str, ...]) -> str:
    """The locale a language button switches to."""
    index = locales.index(current) if current in locales else -1
    return locales[(index + 1) % len(locales)]


def rating(average: float, locale: str) -> str:
    """``4,3`` in French, ``4.3`` in English."""
    formatted = f"{average:.1f}"
    return formatted.replace(".", ",") if locale == "fr" else formatted


def printable(code: str) -> str:
    """Content read from a code, safe to show or log: control characters escaped, bounded."""
    shown = code[:SHOWN_CODE].encode("unicode_escape").decode("ascii")
    return shown + ("…" if len(code) > SHOWN_CODE else "")
