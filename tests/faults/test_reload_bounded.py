"""Hot reload in a bounded child process: the kiosk's own process never validates, a check
that runs out of time or memory or dies is a reload error shown to staff, and the running
config stays (issue 15)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from bench.big_catalog import department_yaml
from kiosk.catalog.catalog import Catalog
from kiosk.config import KioskConfig, load_config
from kiosk.config.watcher import ConfigWatcher, Reloaded, ReloadFailed
from tests.config.test_broken_configs import mutate

TV = "catalog/tv-audio.yaml"
BIG = 10_000
"""Products in the big catalog: 8.7 MB, several seconds to validate."""


def add_big_catalog(config: Path, products: int = BIG, name: str = "big.yaml") -> Path:
    path = config / "catalog" / name
    path.write_text(department_yaml(0, 0, products, ["products/aurel-sb500-1.png"]),
                    encoding="utf-8")
    return path


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    """``condition()`` once it is true, checked every 50 ms for at most ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


def next_result(watcher: ConfigWatcher, timeout: float = 90.0) -> Reloaded | ReloadFailed:
    (result,) = wait_for(watcher.results, timeout, "a reload result")  # type: ignore[misc]
    return result


def checking_child() -> multiprocessing.Process | None:
    return next((child for child in multiprocessing.active_children()
                 if child.name == "config-check"), None)


@pytest.fixture
def watching(store_copy: Path) -> Iterator[Callable[..., ConfigWatcher]]:
    """Start a watcher on the store copy with the given limits; stopped after the test."""
    started: list[ConfigWatcher] = []

    def start(**limits: float) -> ConfigWatcher:
        watcher = ConfigWatcher(store_copy, store_copy.parent / "media", poll_s=0.1, **limits)
        watcher.start()
        started.append(watcher)
        return watcher

    yield start
    for watcher in started:
        watcher.stop(timeout=10.0)


@pytest.mark.timeout(120)
def test_the_kiosk_process_never_validates_a_reload(
        store_copy: Path, watching: Callable[..., ConfigWatcher],
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_load = load_config
    in_this_process: list[int] = []

    def refuse(*args: object, **kwargs: object) -> KioskConfig:
        in_this_process.append(os.getpid())
        raise RuntimeError("validated in the kiosk's own process")

    for where in ("kiosk.config.loader", "kiosk.config.watcher", "kiosk.config.reload_worker",
                  "kiosk.config"):
        if where in sys.modules:
            monkeypatch.setattr(sys.modules[where], "load_config", refuse, raising=False)
    watcher = watching()
    mutate(store_copy, TV, r"^      price: 1099\.00$", "      price: 999.00")
    result = next_result(watcher)
    assert not in_this_process
    assert isinstance(result, Reloaded), result
    expected = real_load(store_copy)
    assert result.config.store == expected.store
    assert result.config.nfc_tags == expected.nfc_tags
    reloaded, loaded = Catalog.from_config(result.config), Catalog.from_config(expected)
    assert list(reloaded.items()) == list(loaded.items())
    assert reloaded.get("3760000000017").promo.price == Decimal("999")


@pytest.mark.timeout(120)
def test_a_check_over_its_time_limit_is_a_reload_error_for_staff(
        store_copy: Path, tmp_path: Path) -> None:
    from kiosk.app.devices import Devices
    from kiosk.app.display import close_screen, open_screen
    from kiosk.assembly import assemble

    screen = open_screen((1280, 720), headless=True)
    kiosk = assemble(load_config(store_copy), (1280, 720), Devices(sources=[]),
                     draw_products=True, data_dir=tmp_path / "data", watch=True)
    kiosk.app.services.watcher = ConfigWatcher(store_copy, store_copy.parent / "media",
                                               poll_s=0.1, timeout_s=0.5)
    kiosk.start()
    try:
        before = kiosk.app.config
        add_big_catalog(store_copy)

        def frame() -> tuple[object, ...]:
            kiosk.app.frame(screen, time.monotonic(), dt.date(2026, 11, 26))
            return kiosk.app.reload_errors

        (error,) = wait_for(frame, 90.0, "the reload error")  # type: ignore[misc]
        assert "took longer than 0.5 s and was stopped" in str(error)
        assert kiosk.app.config is before
        assert wait_for(lambda: checking_child() is None, 10.0, "the child ended")
    finally:
        kiosk.stop()
        close_screen()


@pytest.mark.timeout(120)
def test_a_check_out_of_memory_is_a_reload_error(
        store_copy: Path, watching: Callable[..., ConfigWatcher]) -> None:
    watcher = watching(memory_bytes=32 * 1024 * 1024)
    add_big_catalog(store_copy)
    result = next_result(watcher)
    assert isinstance(result, ReloadFailed), result
    assert "memory" in str(result.errors[0]), result.errors


@pytest.mark.timeout(120)
def test_a_check_that_dies_is_a_reload_error_and_watching_goes_on(
        store_copy: Path, watching: Callable[..., ConfigWatcher]) -> None:
    watcher = watching()
    add_big_catalog(store_copy)
    child = wait_for(checking_child, 30.0, "the checking child")
    os.kill(child.pid, signal.SIGKILL)  # type: ignore[union-attr]
    result = next_result(watcher)
    assert isinstance(result, ReloadFailed), result
    assert "was killed (signal 9)" in str(result.errors[0]), result.errors
    (store_copy / "catalog" / "big.yaml").unlink()
    mutate(store_copy, TV, r"^      price: 1099\.00$", "      price: 999.00")
    assert isinstance(next_result(watcher), Reloaded)


@pytest.mark.timeout(120)
def test_stopping_the_watcher_ends_a_check_under_way(
        store_copy: Path, watching: Callable[..., ConfigWatcher]) -> None:
    watcher = watching()
    add_big_catalog(store_copy)
    child = wait_for(checking_child, 30.0, "the checking child")
    watcher.stop(timeout=10.0)
    child.join(10.0)  # type: ignore[union-attr]
    assert child.exitcode is not None  # type: ignore[union-attr]
    assert watcher.results() == []


@pytest.mark.timeout(120)
def test_a_catalog_broken_everywhere_hands_over_a_hundred_errors_and_a_count(
        store_copy: Path, watching: Callable[..., ConfigWatcher]) -> None:
    watcher = watching()
    big = add_big_catalog(store_copy, products=300)
    big.write_text(big.read_text(encoding="utf-8").replace("  price: ", "  prize: "),
                   encoding="utf-8")
    result = next_result(watcher)
    assert isinstance(result, ReloadFailed), result
    assert len(result.errors) == 101
    assert str(result.errors[-1]).endswith(": and 500 more errors: run kiosk validate to list "
                                           "them all")
