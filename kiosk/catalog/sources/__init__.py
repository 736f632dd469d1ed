"""Product content from remote sources (the web shop's API, Open Food Facts), cached, fetched
off the frame loop, and laid over the local catalog in source order."""

from kiosk.catalog.sources.cache import ContentCache
from kiosk.catalog.sources.fetcher import ContentFetcher, remote_sources, source_ttls
from kiosk.catalog.sources.openfoodfacts import OpenFoodFactsSource
from kiosk.catalog.sources.patch import ProductPatch, apply_patches, product_from_patches
from kiosk.catalog.sources.rest import RestSource, SourceUnavailable

__all__ = ["ContentCache", "ContentFetcher", "OpenFoodFactsSource", "ProductPatch",
           "RestSource", "SourceUnavailable", "apply_patches", "product_from_patches",
           "remote_sources", "source_ttls"]
