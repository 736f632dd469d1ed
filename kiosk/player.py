"""Headless scenarios: play a timeline against the real app and record what was drawn."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import pygame

from hardware.gtin import normalise_code
from hardware.sim import SimulatedSource
from kiosk.app import App, configured_sources
from kiosk.config import KioskConfig
from kiosk.display import close_screen, open_screen
from kiosk.scenario import Scenario, Step
from kiosk.stats import FrameStats

log = logging.getLogger(__name__)

FPS = 60
TAIL_S = 0.5      # keep drawing a little after the last step
GRACE_S = 5.0     # a scenario never runs longer than its last step plus this
MEDIA_ROUNDS = 4  # step-mode screenshots: how many waves of image loads to wait for


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
    """Wall-clock time since the start, paced at 60 frames a second."""

    start: float = field(default_factory=time.monotonic)
    pacer: pygame.time.Clock = field(default_factory=pygame.time.Clock)

    def now(self) -> float:
        return time.monotonic() - self.start

    def advance(self) -> None:
        self.pacer.tick(FPS)


@dataclass
class PlayResult:
    """What a run produced; ``ok`` is False when a step failed."""

    stats: FrameStats
    screenshots: list[Path]

    @property
    def ok(self) -> bool:
        return not self.stats.errors and not self.stats.missed_taps


def play(config: KioskConfig, scenario: Scenario, screenshots: Path,
         step_mode: bool = False, today: dt.date | None = None) -> PlayResult:
    """Run ``scenario`` on SDL's dummy driver; screenshots go to ``screenshots``."""
    screen = open_screen(scenario.size, headless=True)
    clock: StepClock | RealClock = StepClock() if step_mode else RealClock()
    sim = SimulatedSource("sim", clock.now)
    app = App(config, scenario.size, [sim, *configured_sources(config, clock.now)],
              draw_products=True, locale=scenario.locale)
    stats = FrameStats()
    saved: list[Path] = []
    pending = sorted(scenario.steps, key=lambda step: step.at)
    waiting: dict[int, tuple[str, float]] = {}
    screenshots.mkdir(parents=True, exist_ok=True)
    day = today or dt.date.today()
    app.start()
    try:
        end = scenario.duration + TAIL_S
        while True:
            now = clock.now()
            shots: list[str] = []
            while pending and pending[0].at <= now:
                step = pending.pop(0)
                _run_step(step, app, sim, stats, waiting, shots)
                if step_mode and not sim.settle():
                    stats.errors.append(f"at {step.at} s: the simulated device did not answer")
            started = time.perf_counter()
            drawn = set(app.frame(screen, now, day))
            stats.frame_ms.append((time.perf_counter() - started) * 1000)
            for index, (code, at) in list(waiting.items()):
                if code in drawn:
                    stats.recognition_ms[index] = round((now - at) * 1000, 1)
                    del waiting[index]
            if shots and step_mode:
                _draw_with_media(app, screen, now, day)
            for name in shots:
                saved.append(_screenshot(screen, app, screenshots, name))
            pygame.display.flip()
            pygame.event.pump()
            if (not pending and not waiting and now >= end) or now > end + GRACE_S:
                break
            clock.advance()
    finally:
        app.stop()
        close_screen()
    for code, at in waiting.values():
        stats.errors.append(f"the panel for {code} placed at {at:.2f} s was never drawn")
    return PlayResult(stats, saved)


def _run_step(step: Step, app: App, sim: SimulatedSource, stats: FrameStats,
              waiting: dict[int, tuple[str, float]], shots: list[str]) -> None:
    if step.place is not None:
        sim.place(step.place.gtin, step.place.x, step.place.y, step.place.angle)
        index = len(stats.recognition_ms)
        stats.recognition_ms.append(None)
        waiting[index] = (normalise_code(step.place.gtin), step.at)
    elif step.remove is not None:
        if app.table.get(normalise_code(step.remove.gtin)) is None:
            stats.errors.append(f"at {step.at} s: cannot remove {step.remove.gtin}: it is not on "
                                "the table")
        sim.remove(step.remove.gtin)
    elif step.tap is not None:
        _tap(step, app, stats)
    elif step.screenshot is not None:
        shots.append(step.screenshot)


def _tap(step: Step, app: App, stats: FrameStats) -> None:
    tap = step.tap
    assert tap is not None
    if tap.label is not None:
        point = app.find_label(tap.label)
        if point is None:
            stats.missed_taps.append(tap.label)
            stats.errors.append(f"at {step.at} s: no visible widget labelled {tap.label!r}")
            return
    else:
        assert tap.x is not None and tap.y is not None
        point = (tap.x * app.size[0], tap.y * app.size[1])
    app.pointer_down("scenario", *point, step.at)
    app.pointer_up("scenario", *point, step.at)


def _draw_with_media(app: App, screen: pygame.Surface, now: float, day: dt.date) -> None:
    """Step mode: let images being loaded arrive, so screenshots do not depend on disk speed."""
    for _ in range(MEDIA_ROUNDS):
        if not app.settle_media():
            return
        app.frame(screen, now, day)


def _screenshot(screen: pygame.Surface, app: App, folder: Path, name: str) -> Path:
    image = folder / f"{name}.png"
    pygame.image.save(screen, str(image))
    tree = {"size": list(app.size), "locale": app.locale, "widgets": app.scene.tree()}
    (folder / f"{name}.json").write_text(json.dumps(tree, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    log.info("screenshot %s", image)
    return image
