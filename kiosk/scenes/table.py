"""What lies where on the table, kept from the device events."""

from __future__ import annotations

from dataclasses import dataclass

from hardware.events import HardwareEvent, Placed, Removed, SourceStatus


@dataclass(frozen=True)
class Item:
    """A product on the table; ``position`` in fractions of the table surface."""

    code: str
    source: str
    position: tuple[float, float]
    angle: float
    since: float


class Table:
    """The table's contents and the state of each device, updated once per frame."""

    def __init__(self) -> None:
        self._items: dict[str, Item] = {}
        self.statuses: dict[str, SourceStatus] = {}
        self.version = 0

    @property
    def items(self) -> tuple[Item, ...]:
        """Products in the order they were put down."""
        return tuple(self._items.values())

    def get(self, code: str) -> Item | None:
        """The item with ``code``, if it is on the table."""
        return self._items.get(code)

    def __len__(self) -> int:
        return len(self._items)

    def apply(self, event: HardwareEvent) -> bool:
        """Take one event into account; True when what lies on the table changed."""
        if isinstance(event, Placed):
            previous = self._items.get(event.code)
            since = previous.since if previous else event.t
            item = Item(event.code, event.source, event.position, event.angle, since)
            if previous == item:
                return False
            self._items[event.code] = item
        elif isinstance(event, Removed):
            item = self._items.get(event.code)
            if item is None or item.source != event.source:
                return False
            del self._items[event.code]
        elif isinstance(event, SourceStatus):
            self.statuses[event.source] = event
            return False
        self.version += 1
        return True
