"""Headless scenarios: play a timeline against the real app and record what was drawn."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pygame

from hardware.gtin import display_gtin, normalise_code
from hardware.source import ThreadedSource
from kiosk.app.devices import Devices
from kiosk.app.kiosk import Kiosk
from kiosk.app.loop import App
from kiosk.app.pacing import FramePacer
from kiosk.simulator.scenario import Place, Scenario, Step, Tap
from kiosk.simulator.stats import FrameStats

log = logging.getLogger(__name__)

FPS = 60
TAIL_S = 0.5      # keep drawing a little after the last step
GRACE_S = 5.0     # a scenario never runs longer than its last step plus this
MEDIA_ROUNDS = 4  # step-mode screenshots: how many waves of image loads to wait for
CAMERA_EVERY = 2  # step mode: the camera takes a frame every other frame (30 of 60 fps)
PINCH_SPREAD = 70  # design pixels from the centre to each finger of a scripted pinch
NFC_WAIT_S = 20.0  # step mode: how long a tag laid or lifted may take to be read (real time;
# the first read starts the emulator, seconds on a 2-core machine running a test suite)
READY_S = 5.0  # step mode: how long devices may take to open before the first frame


@dataclass
class StepClock:
    """Simulated time: exactly 1/60 s per frame, for deterministic runs."""

    frame: int = 0

    def now(self) -> float:
        return self.frame / FPS

    def advance(self) -> None:
        self.frame += 1


@dataclass
class RealClock:
    """Wall-clock time since the start, paced as ``kiosk run`` paces its frames: every 1/60 s,
    or sooner when the app is woken (a device event, a layer rendered)."""

    start: float = field(default_factory=time.monotonic)
    frame: int = 0
    wake: threading.Event = field(default_factory=threading.Event)
    """The app's wake event (``App.wake``), set by ``play``."""
    _pacer: FramePacer = field(default_factory=lambda: FramePacer(FPS))

    def now(self) -> float:
        return time.monotonic() - self.start

    @property
    def next_frame(self) -> float:
        """When the next frame is due at the latest."""
        return self._pacer.due - self.start

    def wait_until(self, moment: float) -> None:
        """Sleep until ``moment`` (seconds from the start), if it is still ahead."""
        delay = moment - self.now()
        if delay > 0:
            time.sleep(delay)

    def advance(self) -> None:
        """Wait for the next frame, as the kiosk's frame pacer does."""
        self.frame += 1
        self._pacer.wait(self.wake)


@dataclass
class _Motion:
    """Fingers moving in straight lines from ``start`` to ``end`` (seconds)."""

    start: float
    end: float
    fingers: list[tuple[str, tuple[float, float], tuple[float, float]]]


@dataclass
class PlayResult:
    """What a run produced; ``ok`` is False when a step failed."""

    stats: FrameStats
    screenshots: list[Path]

    @property
    def ok(self) -> bool:
        return not self.stats.errors and not self.stats.missed_taps

def play(kiosk: Kiosk, screen: pygame.Surface, clock: StepClock | RealClock,
         scenario: Scenario, screenshots: Path, step_mode: bool = False,
         today: dt.date | None = None) -> PlayResult:
    """Run ``scenario`` against ``kiosk`` (put together with the simulator's devices on
    ``clock``), drawing on ``screen``; screenshots go to ``screenshots``. The kiosk is started
    here and stopped at the end."""
    app, devices = kiosk.app, kiosk.devices
    run = _Run(app, devices, step_mode)
    if devices.virtual_nfc is not None and scenario.uses("nfc"):
        devices.virtual_nfc.start()  # the helper's start-up is not the reader's delay
    saved: list[Path] = []
    pending = sorted(scenario.steps, key=lambda step: step.at)
    screenshots.mkdir(parents=True, exist_ok=True)
    day = today or dt.date.today()
    if isinstance(clock, RealClock):
        app.run_in_real_time()  # as a kiosk runs: no frame waits for a render
        clock.wake = app.wake
    kiosk.start()
    if step_mode:
        for source in devices.sources:
            if isinstance(source, ThreadedSource) and not source.ready.wait(READY_S):
                log.warning("device %s was not ready after %.0f s", source.name, READY_S)
    try:
        end = scenario.duration + TAIL_S
        while True:
            now = clock.now()
            shots: list[str] = []
            while pending and pending[0].at <= now:
                run.step(pending.pop(0), shots)
            run.move_fingers(now)
            if step_mode and clock.frame % CAMERA_EVERY == 0 and not devices.step_camera():
                run.stats.errors.append(f"at {now:.2f} s: the camera did not process its frame")
            started = time.perf_counter()
            drawn = set(app.frame(screen, now, day))
            run.stats.frame_ms.append((time.perf_counter() - started) * 1000)
            run.drawn(drawn, now)
            if shots and step_mode:
                _draw_with_media(app, screen, now, day)
            for name in shots:
                saved.append(_screenshot(screen, app, screenshots, name))
            pygame.display.flip()
            pygame.event.pump()
            if (not pending and not run.waiting and not run.motions and now >= end) or (
                    now > end + GRACE_S):
                break
            if isinstance(clock, RealClock):
                # Devices and fingers do not wait for frames: act at the step's own time.
                while pending and pending[0].screenshot is None and (
                        pending[0].at < clock.next_frame):
                    clock.wait_until(pending[0].at)
                    run.step(pending.pop(0), shots)
            clock.advance()
    finally:
        devices.end_input()
        kiosk.stop()
    run.finish()
    return PlayResult(run.stats, saved)


class _Run:
    """The state of one run: steps carried out, placements waiting for their panel."""

    def __init__(self, app: App, devices: Devices, step_mode: bool) -> None:
        self.app = app
        self.devices = devices
        self.step_mode = step_mode
        self.stats = FrameStats()
        self.waiting: dict[int, tuple[str, float]] = {}
        self.motions: list[_Motion] = []
        self._fingers = itertools.count(1)

    def step(self, step: Step, shots: list[str]) -> None:
        """Carry out one step at its time."""
        if step.place is not None:
            if not self._device(step, step.place.via, step.place.gtin, step.place):
                return
            self.waiting[len(self.stats.recognition_ms)] = (normalise_code(step.place.gtin),
                                                            step.at)
            self.stats.recognition_ms.append(None)
        elif step.remove is not None:
            if self.app.table.get(normalise_code(step.remove.gtin)) is None:
                self.stats.errors.append(f"at {step.at} s: cannot remove {step.remove.gtin}: it "
                                         "is not on the table")
            self._device(step, step.remove.via, step.remove.gtin, None)
        elif step.tap is not None:
            self._tap(step)
        elif step.drag is not None or step.pinch is not None:
            self._gesture(step)
        elif step.screenshot is not None:
            shots.append(step.screenshot)

    def _device(self, step: Step, via: str, code: str, place: Place | None) -> bool:
        """Put or take a product through the simulated device the step names; False when that
        device cannot (the error is recorded)."""
        if via == "nfc":
            return self._nfc(step, code, place is not None)
        x, y = (place.x or 0.0, place.y or 0.0) if place is not None else (0.0, 0.0)
        if via == "camera":
            camera = self.devices.virtual_camera
            if camera is None:
                self.stats.errors.append(f"at {step.at} s: via camera needs the store's camera "
                                         "to be 'sim'")
                return False
            if place is not None:
                camera.place(code, x, y, place.angle)
            else:
                camera.remove(code)
            return True
        sim = self.devices.sim
        assert sim is not None
        if place is not None:
            sim.place(code, x, y, place.angle)
        else:
            sim.remove(code)
        if self.step_mode and not sim.settle():
            self.stats.errors.append(f"at {step.at} s: the simulated device did not answer")
        return True

    def _nfc(self, step: Step, code: str, placing: bool) -> bool:
        """Lay or lift a product's tag on the simulator's NFC reader, one tag at a time."""
        nfc = self.devices.nfc
        if nfc is None or nfc.virtual is None:
            self.stats.errors.append(f"at {step.at} s: via nfc needs the store's NFC reader to "
                                     "be 'sim'")
            return False
        on_reader = nfc.virtual.on_reader
        if placing and on_reader not in (None, normalise_code(code)):
            self.stats.errors.append(f"at {step.at} s: the NFC reader already holds "
                                     f"{display_gtin(on_reader)}; remove it first (one tag at "
                                     "a time)")
            return False
        readings = nfc.source.readings
        if placing:
            nfc.virtual.place(code)
        else:
            nfc.virtual.lift()
        if self.step_mode and not nfc.source.wait_readings(readings + 1, NFC_WAIT_S):
            self.stats.errors.append(f"at {step.at} s: the NFC reader did not read the tag "
                                     f"within {NFC_WAIT_S:.0f} s")
        return True

    def _tap(self, step: Step) -> None:
        assert step.tap is not None
        point = self._where(step, step.tap, tappable=True)
        if point is None:
            return
        self.app.pointer_down("scenario", *point, step.at)
        self.app.pointer_up("scenario", *point, step.at)

    def _where(self, step: Step, target: Tap, tappable: bool) -> tuple[float, float] | None:
        """The screen point a step aims at: a labelled widget's centre or a fraction point;
        None (a missed tap, with the reason) when no such widget is in view, or when another
        layer hides it there (a finger would touch that layer instead)."""
        if target.label is None:
            assert target.x is not None and target.y is not None
            return target.x * self.app.size[0], target.y * self.app.size[1]
        aim = self.app.find_label(target.label, tappable=tappable, within=target.within)
        if aim.point is None:
            reason = "no widget with this label in view"
        elif aim.hidden_by:
            reason = f"covered by {aim.hidden_by!r}"
        else:
            return aim.point
        self.stats.missed_taps.append({"at": step.at, "label": target.label, "reason": reason})
        self.stats.errors.append(f"at {step.at} s: cannot tap {target.label!r}: {reason}")
        return None

    def _gesture(self, step: Step) -> None:
        """Put fingers down for a drag or a pinch; ``move_fingers`` carries it on."""
        gesture = step.drag or step.pinch
        assert gesture is not None
        center = self._where(step, gesture, tappable=False)
        if center is None:
            return
        width, height = self.app.size
        if step.drag is not None:
            end = (center[0] + step.drag.dx * width, center[1] + step.drag.dy * height)
            fingers = [(center, end)]
        else:
            assert step.pinch is not None
            spread = self.app.look.theme.px(PINCH_SPREAD)
            turn = math.radians(step.pinch.rotate)
            fingers = []
            for side in (-1, 1):
                start = (center[0] + side * spread, center[1])
                reach = side * spread * step.pinch.scale
                fingers.append((start, (center[0] + reach * math.cos(turn),
                                        center[1] - reach * math.sin(turn))))
        motion = _Motion(step.at, step.at + gesture.seconds,
                         [(f"finger-{next(self._fingers)}", start, end)
                          for index, (start, end) in enumerate(fingers)])
        for pointer, start, _ in motion.fingers:
            self.app.pointer_down(pointer, *start, step.at)
        self.motions.append(motion)

    def move_fingers(self, now: float) -> None:
        """Move the fingers of gestures in progress; lift them at the gesture's end."""
        for motion in list(self.motions):
            share = min(1.0, (now - motion.start) / (motion.end - motion.start))
            for pointer, start, end in motion.fingers:
                point = (start[0] + (end[0] - start[0]) * share,
                         start[1] + (end[1] - start[1]) * share)
                self.app.pointer_move(pointer, *point, now)
                if share >= 1.0:
                    self.app.pointer_up(pointer, *end, now)
            if share >= 1.0:
                self.motions.remove(motion)

    def drawn(self, codes: set[str], now: float) -> None:
        """Record the delay of placements whose panel this frame drew."""
        for index, (code, at) in list(self.waiting.items()):
            if code in codes:
                self.stats.recognition_ms[index] = round((now - at) * 1000, 1)
                del self.waiting[index]

    def finish(self) -> None:
        """Placements whose panel never came are failures."""
        for code, at in self.waiting.values():
            self.stats.errors.append(f"the panel for {code} placed at {at:.2f} s was never "
                                     "drawn")



def _draw_with_media(app: App, screen: pygame.Surface, now: float, day: dt.date) -> None:
    """Step mode: let images being loaded and messages being stored arrive, so screenshots do
    not depend on disk speed."""
    for _ in range(MEDIA_ROUNDS):
        if not app.settle():
            return
        app.frame(screen, now, day)


def _screenshot(screen: pygame.Surface, app: App, folder: Path, name: str) -> Path:
    image = folder / f"{name}.png"
    pygame.image.save(screen, str(image))
    tree = {"size": list(app.size), "locale": app.locale, "widgets": app.tree()}
    (folder / f"{name}.json").write_text(json.dumps(tree, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    log.info("screenshot %s", image)
    return image
