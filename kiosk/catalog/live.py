"""Prices, stock and content from the store's remote sources, laid over the local catalog.

A product laid on the table is asked for at once; the answers (fresh, or from the cache when
the network is down) arrive through the fetcher's queue and give a new catalog between two
frames. Nothing here waits on the network.

A product the store's catalog lacks is built from the answers alone, with the photo Open Food
Facts links to once it is downloaded into ``DATA/content-images/`` (see ``content.photos``);
the catalog's own products keep the images the store chose.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

from kiosk.catalog.catalog import Catalog
from kiosk.catalog.sources import (
    ContentCache,
    ContentFetcher,
    OpenFoodFactsSource,
    ProductPatch,
    RestSource,
    apply_patches,
    product_from_patches,
    remote_sources,
    source_ttls,
)
from kiosk.catalog.sources.photos import FOLDER, PhotoStore
from kiosk.config import KioskConfig
from kiosk.config.catalog import Product
from kiosk.config.content import OpenFoodFactsSourceConfig

CONTENT_FILE = "content.sqlite3"
DAY_S = 86400.0


@dataclass(frozen=True)
class Freshness:
    """When a product's remote content was fetched, and whether it came from the cache."""

    fetched_at: float
    from_cache: bool


class LiveContent:
    """The remote sources of one config; inert when it lists none (or no data folder)."""

    def __init__(self, config: KioskConfig, data_dir: Path | None, *,
                 known: Catalog | None = None) -> None:
        """``known``: the config's catalog, when the caller has it open already (another
        connection to the index would cost its own cache)."""
        self._config = config
        self._patches: dict[str, tuple[ProductPatch, ...]] = {}
        self._fetcher: ContentFetcher | None = None
        self._cache: ContentCache | None = None
        self._photos: PhotoStore | None = None
        self._sources: list[RestSource | OpenFoodFactsSource] = []
        self._known: Container[str] = known if known is not None else Catalog.from_config(config)
        self.photos_dir = data_dir / FOLDER if data_dir is not None else None
        """Where downloaded photos are kept: ``ImageLoader``'s ``remote_dir``."""
        content = config.store.content
        if data_dir is not None and content.remote():
            self._cache = ContentCache(data_dir / CONTENT_FILE)
            self._sources = remote_sources(content, config.store.store.id)
            off = next((choice for choice in content.remote()
                        if isinstance(choice, OpenFoodFactsSourceConfig)), None)
            if off is not None:
                self._photos = PhotoStore(data_dir / FOLDER, max_age_s=content.cache_days * DAY_S,
                                          timeout_s=off.timeout_s, source_url=off.url)
            self._fetcher = ContentFetcher(self._sources, self._cache, source_ttls(content),
                                           max_age_s=content.cache_days * DAY_S,
                                           photos=self._photos)

    @property
    def cache_problem(self) -> str | None:
        """Why fetched content cannot be kept on disk now (it is still shown), or None."""
        return self._cache.problem if self._cache is not None else None

    @property
    def active(self) -> bool:
        """Some remote source is configured."""
        return self._fetcher is not None

    def start(self) -> None:
        """Start fetching in the background."""
        if self._fetcher is not None:
            self._fetcher.start()

    def stop(self) -> None:
        """Stop fetching; close the sources and the cache."""
        if self._fetcher is not None:
            self._fetcher.stop()
        for source in self._sources:
            source.close()
        if self._photos is not None:
            self._photos.close()
        if self._cache is not None:
            self._cache.close()

    def request(self, code: str) -> None:
        """A product was placed: ask its sources (never waits), and for the photo of one the
        catalog lacks."""
        if self._fetcher is not None:
            self._fetcher.request(code, photo=code not in self._known)

    def settle(self, timeout: float) -> bool:
        """Wait until no request is pending (step-mode runs)."""
        return self._fetcher.settle(timeout) if self._fetcher is not None else True

    def poll(self) -> list[str]:
        """Codes whose remote content (or photo) arrived since the last call, each once."""
        if self._fetcher is None:
            return []
        changed: dict[str, None] = {}
        for code, patches in self._fetcher.results():
            self._patches[code] = patches
            changed[code] = None
        return list(changed)

    def catalog(self, base: Catalog) -> Catalog:
        """``base`` with every product that has remote content patched (or added)."""
        self._known = base
        if not self._patches:
            return base
        overrides = {}
        for code, patches in self._patches.items():
            product = self.product(base.get(code), code, patches)
            if product is not None:
                overrides[code] = product
        return base.patched(overrides)

    def product(self, known: Product | None, code: str,
                patches: tuple[ProductPatch, ...]) -> Product | None:
        """One product with its patches: the catalog's, or one built from remote content
        (with its downloaded photo, if any)."""
        store = self._config.store
        if known is not None:
            return apply_patches(known, patches, store.locales)
        return product_from_patches(code, patches, store.locales, store.default_locale,
                                    store.store.currency)

    def freshness(self, code: str) -> Freshness | None:
        """When ``code``'s remote content dates from (None when it has none)."""
        patches = self._patches.get(code)
        if not patches:
            return None
        return Freshness(min(patch.fetched_at for patch in patches),
                         any(patch.from_cache for patch in patches))
