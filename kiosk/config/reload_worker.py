"""A changed config validated in a child process, bounded in time and memory.

Validating a big catalog is seconds of pure Python; in a thread of the kiosk it held the GIL
against the frame loop (a 100,000-product catalog: 5 minutes at 46 fps, stalls of a second).
In a child process it competes for nothing but a CPU core, at a lower priority. The child gets
``timeout_s`` seconds and ``memory_bytes`` of address space beyond what it starts with
(``RLIMIT_AS``); one that runs out of either, or dies, is a reload error like a typo, and the
running config stays.

The child compiles the changed catalog files into the index (``catalog_index``), where the
kiosk's catalog reads them once it swaps the new config in; what comes back is small: the
store's settings and the catalog's place, then the NFC tag map in pieces that the parent
unpickles one at a time with a pause between them, so taking it in never holds the GIL for
more than a millisecond or two.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kiosk.config.errors import ConfigError, ConfigInvalid
from kiosk.config.loader import KioskConfig, gc_paused, load_config

log = logging.getLogger(__name__)

RELOAD_TIMEOUT_S = 300.0
"""The biggest catalog the limits allow (126 MB, 145,000 products) took 58 s to validate and
94 s from the save to the hand-over on a 2-core PC: three times that, then it is stopped."""
RELOAD_MEMORY_BYTES = 4 * 1024**3
"""That catalog's check grew by 1.8 GB of address space (1.75 GB resident): about twice that."""
ITEMS_PER_PIECE = 2000
PAUSE_S = 0.002
"""Between two pieces: the frame loop gets the GIL at once when it asks for it."""
CHILD_NICENESS = 10
MAX_ERRORS = 100
"""Errors handed over for one reload; the rest are counted."""
Validated = KioskConfig | tuple[ConfigError, ...]


class ReloadAborted(Exception):
    """The watcher is stopping: the child was ended and nothing is handed over."""


class _ChildFailed(Exception):
    """The child failed while sending a valid config (out of memory while pickling it)."""


def validate_in_child(config_dir: Path, media_dir: Path, index_dir: Path | None,
                      stop: threading.Event, *, timeout_s: float = RELOAD_TIMEOUT_S,
                      memory_bytes: int = RELOAD_MEMORY_BYTES) -> Validated:
    """The config (catalog files that fail on their last good content, see ``load_config``),
    or every error that keeps it from loading (those of the child's limits and death
    included); the catalog is compiled into the index in ``index_dir``. ``ReloadAborted``
    when ``stop`` is set meanwhile."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, name="config-check", daemon=True,
                            args=(sender, config_dir, media_dir, index_dir, timeout_s,
                                  memory_bytes))
    child.start()
    sender.close()
    try:
        return _receive(receiver, child, config_dir, stop, timeout_s, memory_bytes)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5.0)


def warm_up() -> None:
    """Start the fork server now (it imports the loader once), so the first reload is quick."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _context() -> Any:
    """Fork server where there is one (a child in milliseconds, the loader already imported);
    spawn elsewhere. Never a plain fork of the kiosk: its threads hold locks."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["kiosk.config.reload_worker"])
        return context
    return multiprocessing.get_context("spawn")


def _receive(receiver: Connection, child: Any, config_dir: Path, stop: threading.Event,
             timeout_s: float, memory_bytes: int) -> Validated:
    deadline = time.monotonic() + timeout_s
    too_long = _failed(config_dir, f"the check of the new config took longer than "
                       f"{timeout_s:g} s and was stopped: is a catalog file very large?")
    if not _wait(receiver, stop, deadline):
        return too_long
    try:
        kind, _, value = pickle.loads(receiver.recv_bytes())
        if kind == "invalid":
            return tuple(value)
        if kind == "failed":
            return _failed(config_dir, value)
        return _unpack(receiver, stop, deadline)
    except TimeoutError:
        return too_long
    except _ChildFailed as failed:
        return _failed(config_dir, str(failed))
    except (EOFError, OSError):
        child.join(5.0)
        code = child.exitcode
        if code in (-signal.SIGKILL, -signal.SIGSEGV):
            return _failed(config_dir, f"the check of the new config was killed (signal "
                           f"{-code}): out of memory? it may use "
                           f"{memory_bytes // 1024**2} MB")
        return _failed(config_dir, f"the check of the new config stopped unexpectedly "
                       f"(exit code {code})")


def _wait(receiver: Connection, stop: threading.Event, deadline: float) -> bool:
    """Whether a message came before ``deadline``; ``ReloadAborted`` on ``stop``."""
    while not receiver.poll(min(0.1, max(0.0, deadline - time.monotonic()))):
        if stop.is_set():
            raise ReloadAborted
        if time.monotonic() >= deadline:
            return False
    return True


def _failed(config_dir: Path, message: str) -> tuple[ConfigError, ...]:
    return (ConfigError(str(config_dir), 1, (), message),)


def _child(sender: Connection, config_dir: Path, media_dir: Path, index_dir: Path | None,
           timeout_s: float, memory_bytes: int) -> None:
    """In the child: limits first, then the load; one message says how it went."""
    signal.alarm(int(timeout_s) + 30)  # gone even if the kiosk dies and nobody reads
    try:
        os.nice(CHILD_NICENESS)
    except OSError:
        pass
    _limit_memory(memory_bytes)
    try:
        try:
            config = load_config(config_dir, media_dir, index_dir, keep_last_good=True)
        except ConfigInvalid as invalid:
            sender.send_bytes(_dump(("invalid", 0, _few(invalid.errors))))
            return
        sender.send_bytes(_dump(("ok", 0, None)))
        for piece in _pack(config):
            sender.send_bytes(piece)
        sender.send_bytes(b"")
    except MemoryError:
        sender.send_bytes(_dump(("failed", 0, "the check of the new config ran out of memory "
                                 f"(it may use {memory_bytes // 1024**2} MB): is a catalog file "
                                 "very large?")))
    except Exception as exc:  # a bug in validation is reported, never a silent child
        sender.send_bytes(_dump(("failed", 0, f"the check of the new config failed: "
                                 f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()


def _few(errors: list[ConfigError]) -> list[ConfigError]:
    """The first ``MAX_ERRORS`` and a line counting the others: a broken catalog of 100,000
    products is not worth 100,000 lines on the staff screen and in the log."""
    if len(errors) <= MAX_ERRORS:
        return errors
    rest = len(errors) - MAX_ERRORS
    return [*errors[:MAX_ERRORS],
            ConfigError(errors[MAX_ERRORS].file, errors[MAX_ERRORS].line, (),
                        f"and {rest:,} more error{'s' if rest != 1 else ''}: run kiosk validate "
                        "to list them all")]


def _limit_memory(memory_bytes: int) -> None:
    """``memory_bytes`` of address space beyond what the child has on starting (the fork
    server's imports, mapped but mostly shared)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux: no way to tell, so no cap rather than a wrong one
        return
    limit = current + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _pack(config: KioskConfig) -> Iterator[bytes]:
    """The config as small pickles: first the whole of it without its tag map, then that in
    pieces."""
    yield _dump(("head", 0, dataclasses.replace(config, nfc_tags={})))
    yield from _items("tags", 0, list(config.nfc_tags.items()))


def _items(kind: str, index: int, items: list[Any]) -> Iterator[bytes]:
    for start in range(0, len(items), ITEMS_PER_PIECE):
        yield _dump((kind, index, items[start:start + ITEMS_PER_PIECE]))


def _dump(piece: tuple[str, int, Any]) -> bytes:
    return pickle.dumps(piece, protocol=pickle.HIGHEST_PROTOCOL)


def _unpack(receiver: Connection, stop: threading.Event, deadline: float) -> KioskConfig:
    """Rebuild the config from its pieces (up to an empty one), pausing after each.

    The cyclic garbage collector is paused meanwhile, then everything alive is frozen out of
    its reach (``gc.freeze``): otherwise the millions of new objects set off full collections
    that stopped the frame loop for up to a second. The config has no cycles; refcounting
    frees it when the next one replaces it.
    """
    with gc_paused():
        config = _rebuild(receiver, stop, deadline)
        gc.freeze()
    return config


def _rebuild(receiver: Connection, stop: threading.Event, deadline: float) -> KioskConfig:
    head: KioskConfig | None = None
    tags: dict[str, str] = {}
    while True:
        if not _wait(receiver, stop, deadline):
            raise TimeoutError
        piece = receiver.recv_bytes()
        if not piece:
            break
        kind, _, value = pickle.loads(piece)
        if kind == "failed":
            raise _ChildFailed(value)
        if kind == "head":
            head = value
        else:
            tags.update(value)
        time.sleep(PAUSE_S)
    if head is None:
        raise EOFError("no config in the child's answer")
    return dataclasses.replace(head, nfc_tags=tags)
