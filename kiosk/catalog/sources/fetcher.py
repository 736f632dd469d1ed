"""Fetching remote content in a thread of its own, so the frame loop never waits on it.

The app calls ``request(gtin14)`` when a product arrives and drains ``results()`` once per
frame; both only touch a queue under a lock. The worker asks each remote source in order,
through the cache:

- an answer younger than the source's time-to-live is used without a call;
- otherwise the source is asked; its answer (or its "not found") is cached;
- when the source is unavailable, the cached answer of any age is used, marked
  ``from_cache=True`` with the time it was fetched, and the source is left alone for a while
  (5 s, doubling to 5 min) so a dead network does not cost a timeout per product;
- an unusable answer (a maintenance page served with 200) is not cached over the last good
  one: that one is used, marked ``from_cache=True``.

A product requested with ``photo=True`` (one the store's catalog lacks) then gets the photo an
answer links to, through a ``PhotoStore``. When it must be downloaded, the patches are
delivered first and again with the photo, so the panel does not wait for it and the photo's
arrival is reported like any other change.

A source's failures are logged when its state changes, not once per product.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from hardware.backoff import Backoff
from hardware.gtin import display_gtin
from kiosk.catalog.sources.cache import CacheEntry, ContentCache
from kiosk.catalog.sources.openfoodfacts import OpenFoodFactsSource
from kiosk.catalog.sources.patch import ProductPatch
from kiosk.catalog.sources.photos import PhotoStore
from kiosk.catalog.sources.rest import RestSource, SourceUnavailable, Unusable, warn_unusable
from kiosk.config.content import ContentConfig, RestSourceConfig

log = logging.getLogger(__name__)

PRUNE_EVERY_S = 86400.0


class Source(Protocol):
    """What the fetcher needs of a remote source (RestSource, OpenFoodFactsSource, a fake)."""

    name: str

    def fetch(self, gtin14: str) -> ProductPatch | None:
        """The source's patch, None if it has none; raises SourceUnavailable. (A source may
        also offer ``fetch_strict``, raising Unusable for an answer it cannot use.)"""


class ContentFetcher:
    """Background thread: fetches requested GTINs from every remote source in order, with the
    cache (fresh entries within ttl are used without a call; on SourceUnavailable the cached
    entry of any age is used with from_cache=True). Never blocks the caller."""

    def __init__(self, sources: Sequence[Source], cache: ContentCache,
                 ttls: Mapping[str, float], *, max_age_s: float | None = None,
                 retry_initial_s: float = 5.0, retry_max_s: float = 300.0,
                 clock: Callable[[], float] = time.time,
                 photos: PhotoStore | None = None) -> None:
        self._sources = list(sources)
        self._photos = photos
        self._cache = cache
        self._ttls = dict(ttls)
        self._max_age_s = max_age_s
        self._clock = clock
        self._cond = threading.Condition()
        self._pending: dict[str, bool] = {}  # in request order, with "photo wanted"
        self._busy: str | None = None
        self._results: list[tuple[str, tuple[ProductPatch, ...]]] = []
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._backoffs = {source.name: Backoff(retry_initial_s, retry_max_s)
                          for source in self._sources}
        self._down_until: dict[str, float] = {}
        self._down_reason: dict[str, str] = {}
        self._pruned_at = float("-inf")

    # -- the caller's side (the frame loop): never waits ------------------------------------

    def request(self, gtin14: str, *, photo: bool = False) -> None:
        """Ask for this product's content (and with ``photo``, its photo); a request already
        waiting or under way counts."""
        with self._cond:
            if gtin14 == self._busy and gtin14 not in self._pending:
                return
            self._pending[gtin14] = self._pending.get(gtin14, False) or photo
            self._cond.notify_all()

    def results(self) -> list[tuple[str, tuple[ProductPatch, ...]]]:
        """What was fetched since the last call: (GTIN-14, patches in source order)."""
        with self._cond:
            results, self._results = self._results, []
        return results

    def source_states(self) -> dict[str, str | None]:
        """Each source's name and why it is unavailable (None while it answers)."""
        with self._cond:
            return {source.name: self._down_reason.get(source.name)
                    for source in self._sources}

    def start(self) -> None:
        """Start the worker (again, after a stop); waiting requests are then served."""
        if self._thread is not None and self._thread.is_alive():
            return
        with self._cond:
            self._stopping = False
        self._thread = threading.Thread(target=self._run, name="content-fetcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the fetch under way, if any (each is bounded by its source's timeout)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("content fetcher still fetching after %.1f s; leaving it to "
                            "finish", timeout)
            else:
                self._thread = None

    def settle(self, timeout: float) -> bool:
        """Wait until no request is waiting or under way (step-mode tests); False on
        timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and self._busy is None,
                                       timeout)

    # -- the worker -------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._stopping)
                if self._stopping:
                    return
                gtin = next(iter(self._pending))
                photo = self._pending.pop(gtin)
                self._busy = gtin
            patches: list[ProductPatch] = []
            sent: tuple[ProductPatch, ...] | None = None
            try:
                self._prune_now_and_then()
                for source in self._sources:
                    patch = self._fetch(source, gtin)
                    if patch is not None:
                        patches.append(patch)
                if photo and self._photos is not None:
                    sent = self._add_photo(self._photos, gtin, patches)
            except Exception as exc:  # a bug must not end the worker: this product gets
                # what was fetched so far, the next ones are served
                log.error("content fetch stopped early (unexpected %s)", type(exc).__name__)
            finally:
                with self._cond:
                    if tuple(patches) != sent:
                        self._results.append((gtin, tuple(patches)))
                    self._busy = None
                    self._cond.notify_all()

    def _add_photo(self, photos: PhotoStore, gtin: str,
                   patches: list[ProductPatch]) -> tuple[ProductPatch, ...] | None:
        """Give the last patch linking to a photo that photo's file, in place. Returns the
        patches delivered early, before a download, so they are not delivered twice."""
        index = next((index for index in range(len(patches) - 1, -1, -1)
                      if patches[index].image_url), None)
        if index is None:
            return None
        url = patches[index].image_url or ""
        sent = None
        image = photos.stored(gtin)
        if image is None:
            sent = tuple(patches)
            with self._cond:
                self._results.append((gtin, sent))
            image = photos.fetch(gtin, url)
        if image is not None:
            patches[index] = dataclasses.replace(patches[index], image_file=image)
        return sent

    def _fetch(self, source: Source, gtin: str) -> ProductPatch | None:
        """One source's patch for one product: fresh cache, the source, or stale cache."""
        entry = self._cached(source.name, gtin)
        ttl = self._ttls.get(source.name, 0.0)
        if entry is not None and 0 <= self._clock() - entry.fetched_at < ttl:
            return entry.patch  # fresh (None: the source does not know this product)
        if time.monotonic() < self._down_until.get(source.name, float("-inf")):
            return _stale(entry)
        try:
            patch = getattr(source, "fetch_strict", source.fetch)(gtin)
        except SourceUnavailable as exc:
            self._went_down(source.name, str(exc))
            return _stale(entry)
        except Unusable as exc:  # keep what the cache has; the answer may be a glitch
            warn_unusable(source.name, display_gtin(gtin), str(exc))
            self._came_back(source.name)
            return _stale(entry)
        except Exception as exc:  # a source bug must not end the worker; treated as down
            self._went_down(source.name, f"unexpected {type(exc).__name__}")
            return _stale(entry)
        self._came_back(source.name)
        self._store(source.name, gtin, patch)
        return patch

    def _went_down(self, name: str, reason: str) -> None:
        delay = self._backoffs[name].next_delay()
        self._down_until[name] = time.monotonic() + delay
        with self._cond:
            was_up = name not in self._down_reason
            self._down_reason[name] = reason
        level = logging.WARNING if was_up else logging.DEBUG
        log.log(level, "%s source unavailable (%s); using cached content, next try in %.0f s",
                name, reason[:120], delay)

    def _came_back(self, name: str) -> None:
        self._backoffs[name].reset()
        self._down_until.pop(name, None)
        with self._cond:
            reason = self._down_reason.pop(name, None)
        if reason is not None:
            log.info("%s source answers again", name)

    def _cached(self, name: str, gtin: str) -> CacheEntry | None:
        try:
            return self._cache.entry(name, gtin)
        except sqlite3.Error as exc:
            log.warning("content cache unreadable (%s); asking %s directly", exc, name)
            return None

    def _store(self, name: str, gtin: str, patch: ProductPatch | None) -> None:
        try:
            if patch is None:
                self._cache.put_missing(name, gtin)
            else:
                self._cache.put(patch, gtin)
        except sqlite3.Error as exc:
            log.warning("content cache not written (%s); %s's answer is used uncached", exc,
                        name)

    def _prune_now_and_then(self) -> None:
        if self._max_age_s is None or time.monotonic() - self._pruned_at < PRUNE_EVERY_S:
            return
        self._pruned_at = time.monotonic()
        try:
            count = self._cache.prune(self._max_age_s)
        except sqlite3.Error as exc:
            log.warning("content cache not pruned (%s)", exc)
            count = 0
        if count:
            log.info("content cache: forgot %d answers older than %.0f days", count,
                     self._max_age_s / 86400)
        photos = self._photos.prune(self._max_age_s) if self._photos is not None else 0
        if photos:
            log.info("product photos: deleted %d unused for %.0f days", photos,
                     self._max_age_s / 86400)


def _stale(entry: CacheEntry | None) -> ProductPatch | None:
    """The cached patch of any age, marked as served from the cache."""
    if entry is None or entry.patch is None:
        return None
    return dataclasses.replace(entry.patch, from_cache=True)


def remote_sources(config: ContentConfig, store_id: str,
                   environ: Mapping[str, str] = os.environ,
                   ) -> list[RestSource | OpenFoodFactsSource]:
    """The remote sources the config lists, in order (the local catalog is not fetched)."""
    sources: list[RestSource | OpenFoodFactsSource] = []
    for choice in config.remote():
        if isinstance(choice, RestSourceConfig):
            sources.append(RestSource(choice, store_id, environ))
        else:
            sources.append(OpenFoodFactsSource(choice))
    return sources


def source_ttls(config: ContentConfig) -> dict[str, float]:
    """Each remote source's time-to-live, by source name, for ``ContentFetcher``."""
    return {("rest" if isinstance(choice, RestSourceConfig) else "openfoodfacts"): choice.ttl_s
            for choice in config.remote()}
