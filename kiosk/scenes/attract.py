"""The empty table: the store's images and videos in a loop, an invitation facing each shopper,
the store's logo, and a hint of where to put a product.

Videos decode in their own worker (``kiosk.ui.video``) and images load in the image loader's,
so a frame here is blits plus three circles. With reduced motion nothing moves: a video shows
its first frame, slides cut instead of fading, and the hint is a still ring.
"""

from __future__ import annotations

import weakref
from pathlib import Path

import pygame

from kiosk import i18n
from kiosk.config.fields import is_video
from kiosk.ui.look import Look
from kiosk.ui.video import VideoPlayer, first_frame
from kiosk.ui.widgets import Layer, Rotation, Widget

FADE_S = 1.2
SHADE = 0.58
MAX_VIDEO_S = 60.0
EDGE_ROTATION = {"bottom": 0, "top": 180, "left": 270, "right": 90}
LOGO_CORNER = {"bottom": "bottomleft", "top": "topright", "right": "bottomright",
               "left": "topleft"}  # the shopper's own bottom-left corner
WHITE = pygame.Color(255, 255, 255)
SUBTLE = pygame.Color(220, 224, 230)
SPOT = 92  # design pixels: radius of the hint's still ring
REACH = 130  # design pixels the pulse rings travel beyond it
RINGS = 3
PULSE_HZ = 0.6
LOGO = 120
EDGE_MARGIN = 70
SCRIM = 360  # design pixels: depth of the shade behind each edge's invitation
SCRIM_ALPHA = 170


class AttractLoop:
    """Draws the attract screen; text, logo and hint surfaces are rendered once per size."""

    def __init__(self, look: Look, size: tuple[int, int], media: tuple[str, ...],
                 seconds_per_image: float, edges: tuple[str, ...], locale: str, *,
                 media_dir: Path, logo: str | None = None,
                 hint: tuple[float, float] = (0.5, 0.5), reduced_motion: bool = False) -> None:
        self._look = look
        self._size = size
        self._edges = edges
        self._locale = locale
        self._logo = logo
        self._slides = Slides(look, size, media, seconds_per_image, media_dir, reduced_motion)
        self._hint = Hint(look, size, hint, reduced_motion)
        self._invitations: list[Layer] = []
        self._logos: list[Layer] = []
        self._scrims = [self._scrim(edge) for edge in edges]

    def draw(self, screen: pygame.Surface, now: float) -> None:
        """Draw the loop at time ``now`` (seconds, the scene clock)."""
        if not self._slides.draw(screen, now):
            screen.fill(self._look.theme.background)
        for scrim, topleft in self._scrims:
            screen.blit(scrim, topleft)
        self._hint.draw(screen, now)
        for layer in self.invitations():
            layer.draw(screen)

    def invitations(self) -> list[Layer]:
        """Per shopper edge, turned to face it: the invitation, the hint's caption and the logo
        (once loaded). The scene's widget tree lists their widgets."""
        if not self._invitations:
            self._invitations = [self._invitation(EDGE_ROTATION[edge], edge)
                                 for edge in self._edges]
            self._invitations += [self._hint.caption(EDGE_ROTATION[edge], self._locales())
                                  for edge in self._edges]
        if self._logo and not self._logos:
            self._logos = self._logo_layers(self._logo)
        return self._invitations + self._logos

    def prepare(self) -> None:
        """Do before the first frame what it would otherwise do: render and turn the text,
        open the first videos and ask for the first images (their threads start here)."""
        for layer in self.invitations():
            layer.turned()
        self._slides.prepare()

    def settle(self, timeout: float) -> bool:
        """Wait for the videos' first frames (tests and screenshots only: a frame never waits);
        True when one was awaited, so the frame must be drawn again."""
        return self._slides.settle(timeout)

    def close(self) -> None:
        """Stop the video workers."""
        self._slides.close()

    def _locales(self) -> list[str]:
        return [self._locale] + [x for x in self._look.locales if x != self._locale]

    def _invitation(self, rotation: Rotation, edge: str) -> Layer:
        look, px = self._look, self._look.theme.px
        width = self._size[0] if rotation in (0, 180) else self._size[1]
        sizes = [(60, 26)] + [(34, 22)] * (len(self._locales()) - 1)
        height = sum(look.text.line_height(px(big), index == 0) + look.text.line_height(px(small))
                     + px(14) for index, (big, small) in enumerate(sizes))
        surface = pygame.Surface((min(width, px(1400)), height), pygame.SRCALPHA)
        widgets: list[Widget] = []
        top = 0
        for order, (locale, (big, small)) in enumerate(zip(self._locales(), sizes, strict=True)):
            line = i18n.text("invite", locale)
            rendered = look.text.render(line, px(big), WHITE, order == 0)
            rect = surface.blit(rendered, rendered.get_rect(midtop=(surface.get_width() // 2,
                                                                    top)))
            widgets.append(Widget("invite", rect, text=line, size=big))
            sub = i18n.text("invite_sub", locale)
            rendered = look.text.render(sub, px(small), SUBTLE)
            rect = surface.blit(rendered, rendered.get_rect(midtop=(surface.get_width() // 2,
                                                                    rect.bottom + px(2))))
            widgets.append(Widget("text", rect, text=sub, size=small))
            top = rect.bottom + px(12)
        layer = Layer(surface, widgets, rotation, scale=look.theme.scale)
        margin = px(EDGE_MARGIN)
        screen = pygame.Rect((0, 0), self._size)
        anchors = {
            "bottom": {"midbottom": (screen.centerx, screen.bottom - margin)},
            "top": {"midtop": (screen.centerx, margin)},
            "left": {"midleft": (margin, screen.centery)},
            "right": {"midright": (screen.right - margin, screen.centery)},
        }
        layer.topleft = layer.screen_rect.move_to(**anchors[edge]).topleft
        return layer

    def _scrim(self, edge: str) -> tuple[pygame.Surface, tuple[int, int]]:
        """A shade darkening toward the edge, so the invitation reads on light slides too."""
        across = self._size[0] if edge in ("top", "bottom") else self._size[1]
        depth = min(self._look.theme.px(SCRIM), self._size[1] // 2)
        column = pygame.Surface((1, depth), pygame.SRCALPHA)
        for y in range(depth):
            column.set_at((0, y), (0, 0, 0, round(SCRIM_ALPHA * (y / (depth - 1)) ** 1.6)))
        surface = pygame.transform.rotate(pygame.transform.scale(column, (across, depth)),
                                          EDGE_ROTATION[edge])
        screen = pygame.Rect((0, 0), self._size)
        rect = surface.get_rect(**{f"mid{edge}": getattr(screen, f"mid{edge}")})
        return surface, rect.topleft

    def _logo_layers(self, logo: str) -> list[Layer]:
        """The logo in each shopper's bottom-left corner; none until the loader has it."""
        px = self._look.theme.px
        image = self._look.images.get(logo, (px(LOGO), px(LOGO)))
        if image is None:
            return []
        screen = pygame.Rect((0, 0), self._size).inflate(-2 * px(36), -2 * px(36))
        layers = []
        for edge in self._edges:
            layer = Layer(image, [Widget("logo", image.get_rect(), text=logo)],
                          EDGE_ROTATION[edge])
            corner = {LOGO_CORNER[edge]: getattr(screen, LOGO_CORNER[edge])}
            layer.topleft = layer.screen_rect.move_to(**corner).topleft
            layers.append(layer)
        return layers


class Slides:
    """Which slide shows when, and its pixels: images from the loader, videos from players.

    Kept as a schedule (current slide and when it began) rather than ``now % total``: a
    video's length is known only once its worker opened it, and a slide that cannot be shown
    is skipped. The next video is opened while the current slide shows, so it fades in on
    its first frame and starts playing when it takes the screen.
    """

    def __init__(self, look: Look, size: tuple[int, int], media: tuple[str, ...],
                 seconds_per_image: float, media_dir: Path, reduced_motion: bool) -> None:
        self._look = look
        self._size = size
        self._media = media
        self._seconds = seconds_per_image
        self._media_dir = media_dir
        self._reduced = reduced_motion
        self._players: dict[int, VideoPlayer] = {}
        self._played: set[int] = set()
        self._failed: set[int] = set()
        self._index = 0
        self._playing: int | None = None
        self._started: float | None = None
        weakref.finalize(self, _stop_all, self._players)

    def draw(self, screen: pygame.Surface, now: float) -> bool:
        """Draw the slides at ``now``; False when nothing covered the screen."""
        elapsed = self._advance(now)
        center = screen.get_rect().center
        current = self._surface(self._index)
        if current is not None:
            screen.blit(current, current.get_rect(center=center))
        following = self._following(self._index)
        incoming = self._surface(following)  # also warms the image cache before the fade
        if self._reduced or following == self._index or incoming is None:
            return current is not None
        length = self._length(self._index)
        fade = min(FADE_S, length / 2)
        into = elapsed - (length - fade)
        if into > 0:
            incoming.set_alpha(round(255 * min(1.0, into / fade)))
            screen.blit(incoming, incoming.get_rect(center=center))
            incoming.set_alpha(None)
        return current is not None

    def prepare(self) -> None:
        """Open the players and ask for the images of the first two slides."""
        if not self._media:
            return
        self._open((self._index, self._following(self._index)))
        for index in (self._index, self._following(self._index)):
            self._surface(index)

    def settle(self, timeout: float) -> bool:
        """Wait for every open video's first frame; True when one was not ready yet."""
        waiting = [player for player in self._players.values() if not player.ready]
        for player in waiting:
            player.wait_ready(timeout)
        return bool(waiting)

    def close(self) -> None:
        """Stop and join every video worker."""
        for player in self._players.values():
            player.close()
        self._players.clear()

    def _advance(self, now: float) -> float:
        """Move on to the slide showing at ``now``; returns how long it has been showing."""
        if self._started is None or now < self._started:
            self._started = now
            self._enter()
        self._collect_failures()
        while len(self._failed) < len(self._media):
            length = self._length(self._index)
            if now - self._started < length:
                break
            self._started += length
            self._index = self._following(self._index)
            if now - self._started >= self._length(self._index):
                self._started = now  # back after a long pause (products on the table)
            self._enter()
        return now - self._started

    def _enter(self) -> None:
        """The slide at ``_index`` takes the screen: play it from its start, open the next.

        Video players stay open for the loop's whole life (they rest while not drawn), so a
        table that runs for months does not open a decoder thousands of times.
        """
        current = self._index
        self._open((current, self._following(current)))
        if current in self._players and not self._reduced:
            player = self._players[current]
            if current in self._played:
                player.restart()
            else:
                player.play()
            self._played.add(current)
            self._playing = current

    def _open(self, indexes: tuple[int, ...]) -> None:
        """Players for the videos among slides ``indexes`` (each opened once)."""
        for index in indexes:
            path = self._media[index]
            if is_video(path) and index not in self._players and index not in self._failed:
                make = first_frame if self._reduced else VideoPlayer
                self._players[index] = make(self._media_dir / path, self._size, SHADE)

    def _collect_failures(self) -> None:
        for index, player in list(self._players.items()):
            if player.failed:
                self._failed.add(index)
                self._players.pop(index).stop()

    def _length(self, index: int) -> float:
        """Seconds slide ``index`` stays: an image (or a still) ``seconds_per_image``, a video
        one play (60 s at most, and until its length is known); 0 for one that cannot show."""
        if index in self._failed:
            return 0.0
        if self._reduced or not is_video(self._media[index]):
            return self._seconds
        player = self._players.get(index)
        duration = player.duration if player is not None else None
        return min(duration, MAX_VIDEO_S) if duration else MAX_VIDEO_S

    def _following(self, index: int) -> int:
        for step in range(1, len(self._media) + 1):
            candidate = (index + step) % len(self._media)
            if candidate not in self._failed:
                return candidate
        return index

    def _surface(self, index: int) -> pygame.Surface | None:
        path = self._media[index]
        if not is_video(path):
            return self._look.images.get(path, self._size, "cover", darken=SHADE)
        player = self._players.get(index)
        return None if player is None else player.frame()


class Hint:
    """Where to put a product: rings pulsing out of a still spot, with a caption per edge.

    The spot is rendered once, anti-aliased; the moving rings are drawn each frame on one
    reusable surface as plain circles (an anti-aliased one costs 30 times more, and edges of
    fading, moving rings do not show), so a frame allocates nothing.
    """

    def __init__(self, look: Look, size: tuple[int, int], position: tuple[float, float],
                 reduced_motion: bool) -> None:
        self._look = look
        px = look.theme.px
        self.center = (round(position[0] * size[0]), round(position[1] * size[1]))
        self._reduced = reduced_motion
        self._outer = px(SPOT + REACH)
        self._rings = pygame.Surface((2 * self._outer + 8,) * 2, pygame.SRCALPHA)
        self._spot = self._render_spot()

    def draw(self, screen: pygame.Surface, now: float) -> None:
        """The rings at ``now`` (none with reduced motion), then the spot."""
        if not self._reduced:
            px = self._look.theme.px
            self._rings.fill((0, 0, 0, 0))
            middle = self._rings.get_width() // 2
            color = pygame.Color(self._look.theme.accent)
            for ring in range(RINGS):
                phase = (now * PULSE_HZ + ring / RINGS) % 1.0
                color.a = round(210 * (1 - phase) ** 1.5)
                radius = px(SPOT) + round(phase * px(REACH))
                pygame.draw.circle(self._rings, color, (middle, middle), radius, px(5))
            screen.blit(self._rings, self._rings.get_rect(center=self.center))
        screen.blit(self._spot, self._spot.get_rect(center=self.center))

    def caption(self, rotation: Rotation, locales: list[str]) -> Layer:
        """The caption beside the spot on the side of the shopper it faces."""
        look, px = self._look, self._look.theme.px
        lines = [look.text.render(_hint_text(locale), px(30 if order == 0 else 22),
                                  WHITE if order == 0 else pygame.Color(222, 226, 232),
                                  order == 0)
                 for order, locale in enumerate(locales)]
        pad = px(14)
        width = max(line.get_width() for line in lines) + 2 * px(28)
        height = sum(line.get_height() for line in lines) + 2 * pad
        surface = pygame.Surface((width, height), pygame.SRCALPHA)
        pygame.draw.rect(surface, (12, 14, 18, 170), surface.get_rect(), border_radius=height // 2)
        top = pad
        widgets = []
        for order, line in enumerate(lines):
            rect = surface.blit(line, line.get_rect(midtop=(width // 2, top)))
            widgets.append(Widget("hint", rect, text=_hint_text(locales[order]),
                                  size=30 if order == 0 else 22))
            top = rect.bottom
        layer = Layer(surface, widgets, rotation, scale=look.theme.scale)
        gap = px(SPOT) + px(22)
        x, y = self.center
        anchors = {0: {"midtop": (x, y + gap)}, 180: {"midbottom": (x, y - gap)},
                   90: {"midleft": (x + gap, y)}, 270: {"midright": (x - gap, y)}}
        layer.topleft = layer.screen_rect.move_to(**anchors[rotation]).topleft
        return layer

    def _render_spot(self) -> pygame.Surface:
        """A dark disc for contrast on any slide, the accent ring and a white target."""
        px, accent = self._look.theme.px, self._look.theme.accent
        radius = px(SPOT)
        reach = radius + px(REACH) // 2 if self._reduced else radius
        surface = pygame.Surface((2 * reach + px(8),) * 2, pygame.SRCALPHA)
        middle = surface.get_width() // 2
        spot = (middle, middle)
        pygame.draw.circle(surface, (10, 12, 16, 120), spot, radius)
        if self._reduced:
            still = pygame.Color(accent)
            still.a = 120
            pygame.draw.aacircle(surface, still, spot, radius + px(REACH) // 2, px(5))
        pygame.draw.aacircle(surface, accent, spot, radius, px(7))
        pygame.draw.aacircle(surface, WHITE, spot, px(46), px(5))
        pygame.draw.aacircle(surface, WHITE, spot, px(14))
        return surface


def _hint_text(locale: str) -> str:
    return i18n.text("attract.hint", locale)


def _stop_all(players: dict[int, VideoPlayer]) -> None:
    """When a loop is dropped (the screen was resized), its video workers end too."""
    for player in players.values():
        player.stop()
