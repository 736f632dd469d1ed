"""Keep a kiosk that runs for months from growing: glibc's allocator tuned for a process that
allocates and frees large buffers (panels, video frames) from several threads.

By default glibc gives each thread its own arena and raises its mmap threshold as large blocks
are freed, so big buffers end up in fragmented heaps that never shrink: memory creeps up with
every video loop. Two arenas and a fixed 128 KiB threshold keep large buffers in mmap (returned
to the system on free) and the heaps few. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 128 * 1024
ARENAS = 2


def tune_malloc() -> bool:
    """Apply the settings; True when glibc took them. Call before threads start.

    ``mallopt`` is looked up among the symbols the process already has (the C library is
    one): ``ctypes.util.find_library`` would run ``ldconfig``, 10 ms of every start."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    ok = bool(mallopt(M_ARENA_MAX, ARENAS)) and bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    log.debug("malloc tuned: %s", ok)
    return ok
