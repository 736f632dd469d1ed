"""Product content from remote sources (the web shop's API, Open Food Facts), cached, fetched
off the frame loop, and laid over the local catalog in source order."""

from kiosk.content.cache import ContentCache
from kiosk.content.fetcher import ContentFetcher, remote_sources, source_ttls
from kiosk.content.openfoodfacts import OpenFoodFactsSource
from kiosk.content.patch import ProductPatch, apply_patches, product_from_patches
from kiosk.content.rest import RestSource, SourceUnavailable

__all__ = ["ContentCache", "ContentFetcher", "OpenFoodFactsSource", "ProductPatch",
           "RestSource", "SourceUnavailable", "apply_patches", "product_from_patches",
           "remote_sources", "source_ttls"]
