"""Config errors as staff read them: ``FILE:LINE: where.in.the.file: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigError:
    """One problem in one file."""

    file: str
    line: int
    loc: tuple[str | int, ...]
    message: str

    @property
    def where(self) -> str:
        """``products[3].price`` for loc ``("products", 3, "price")``."""
        text = ""
        for part in self.loc:
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                text += f".{part}" if text else str(part)
        return text

    def __str__(self) -> str:
        where = f"{self.where}: " if self.loc else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class ConfigInvalid(Exception):
    """The config cannot be used; carries every error found, not just the first."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = sorted(errors, key=lambda error: (error.file, error.line, error.message))
        super().__init__(self.report())

    def report(self) -> str:
        """All errors, one per line, then a count."""
        lines = [str(error) for error in self.errors]
        count = len(self.errors)
        lines.append(f"{count} error{'s' if count != 1 else ''}: the config was not loaded")
        return "\n".join(lines)
