"""Single-use codes: each given once, in order, across a new export of the file and across a
kill -9 of the process giving them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk.config.offers import codes_digest
from kiosk.offers.pool import CodePool, given_codes
from tests.paths import REPO

CODES = [f"C{number:03}" for number in range(40)]

CLAIMER = """
import sys, time
from pathlib import Path
from kiosk.offers.pool import CodePool
pool = CodePool(Path(sys.argv[1]))
while True:
    code = pool.claim("gift", "serial")
    if code is None:
        print("EMPTY", flush=True)
        break
    print(code, flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_codes_are_given_in_order_once_then_none(tmp_path: Path) -> None:
    pool = CodePool(tmp_path / "offers.sqlite3")
    pool.load("gift", CODES[:3], codes_digest(CODES[:3]))
    assert pool.left(["gift", "other"]) == {"gift": 3, "other": 0}
    assert [pool.claim("gift", f"s{n}") for n in range(4)] == [*CODES[:3], None]
    assert pool.left(["gift"]) == {"gift": 0}
    assert given_codes(tmp_path, "gift") == set(CODES[:3])
    pool.close()


def test_a_new_export_adds_codes_withdraws_others_and_keeps_given_ones_given(
        tmp_path: Path) -> None:
    pool = CodePool(tmp_path / "offers.sqlite3")
    pool.load("gift", CODES[:4], codes_digest(CODES[:4]))
    assert pool.claim("gift", "s") == CODES[0]
    export = [CODES[0], CODES[2], CODES[5]]  # CODES[1] and [3] withdrawn, [5] new
    pool.load("gift", export, codes_digest(export))
    assert pool.imported("gift") == codes_digest(export)
    assert [pool.claim("gift", "s") for _ in range(3)] == [CODES[2], CODES[5], None]
    pool.close()


def test_a_code_is_never_given_twice_across_a_kill(tmp_path: Path) -> None:
    """The first process claims as fast as it can (each claim a committed write), so the kill
    lands anywhere: between claims, or inside one."""
    codes = [f"K{number:04}" for number in range(2000)]
    path = tmp_path / "offers.sqlite3"
    pool = CodePool(path)
    pool.load("gift", codes, codes_digest(codes))
    pool.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    printed: list[str] = []
    child = subprocess.Popen([sys.executable, "-c", CLAIMER, str(path), "0"],
                             stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    deadline = time.monotonic() + 30
    while len(printed) < 12 and time.monotonic() < deadline:
        printed.append(child.stdout.readline().strip())
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    printed += [line.strip() for line in child.stdout.read().splitlines()]
    assert len(printed) >= 12, "the first process gave too few codes before the kill"
    rest = subprocess.run([sys.executable, "-c", CLAIMER, str(path), "0"], env=env,
                          capture_output=True, text=True, timeout=60)
    printed += rest.stdout.split()
    assert printed[-1] == "EMPTY" and printed[0] != "EMPTY"
    given = printed[:-1]
    assert len(given) == len(set(given)), "a code was given twice"
    assert given_codes(tmp_path, "gift") == set(codes)
    assert len(codes) - len(given) <= 1  # at most the one committed as the kill came
    assert len(rest.stdout.split()) > 1, "the kill came after the first process was done"


def test_a_full_disk_gives_no_code_and_loses_none(tmp_path: Path) -> None:
    """The sheet says the offer could not be prepared; once the disk is back, the next code
    is given and none was lost or given twice."""
    import time as clock

    from kiosk.catalog.catalog import Catalog
    from kiosk.config import load_config
    from kiosk.handoff.service import SendService
    from kiosk.offers.passes import OfferGone
    from kiosk.offers.service import OfferService
    from tests.faults.disks import fill, small_disk
    from tests.paths import DEMO_CONFIG

    config = load_config(DEMO_CONFIG)
    send = SendService(config, Catalog.from_config(config), None, None, clock.monotonic)
    with small_disk(tmp_path / "disk") as disk:
        offers = OfferService(config, send, CodePool(disk / "offers.sqlite3"), None, None,
                              environ={})
        try:
            offers.settle(10)
            assert offers.prepare("a", "espresso-welcome", "fr").result(10).code == (
                "ESPRESSO-7Q2K")
            ballast = fill(disk)
            failed = offers.prepare("b", "espresso-welcome", "fr")
            error = failed.exception(10)
            assert error is not None and not isinstance(error, OfferGone)
            ballast.unlink()
            deadline = clock.monotonic() + 90  # the file is tried again with backoff
            while clock.monotonic() < deadline:
                again = offers.prepare("b", "espresso-welcome", "fr")
                if again.exception(10) is None:
                    break
                clock.sleep(0.5)
            assert again.result(10).code == "ESPRESSO-M4XD"
        finally:
            offers.close()
            send.close()
