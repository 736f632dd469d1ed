"""The architecture's layering, checked on the source: each package imports only the packages
below it, devices never know the app or pygame, content code never draws, screens never touch
the network or a database, and only the commands put a kiosk together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

BELOW: dict[str, set[str]] = {
    "kiosk.config": {"hardware"},
    "kiosk.i18n": set(),
    "kiosk.ops": {"hardware"},
    "kiosk.catalog": {"hardware", "kiosk.config", "kiosk.ops"},
    "kiosk.analytics": {"hardware", "kiosk.config", "kiosk.i18n", "kiosk.ops"},
    "kiosk.handoff": {"hardware", "kiosk.config", "kiosk.i18n", "kiosk.ops", "kiosk.catalog",
                      "kiosk.analytics"},
    "kiosk.fleet": {"hardware", "kiosk.config", "kiosk.ops"},
    "kiosk.offers": {"hardware", "kiosk.config", "kiosk.i18n", "kiosk.ops", "kiosk.catalog",
                     "kiosk.analytics", "kiosk.handoff"},
    "kiosk.ui": {"kiosk.config", "kiosk.catalog"},
    "kiosk.scenes": {"hardware", "kiosk.config", "kiosk.i18n", "kiosk.catalog",
                     "kiosk.analytics", "kiosk.handoff", "kiosk.offers", "kiosk.ui"},
    "kiosk.staff": {"kiosk.config", "kiosk.i18n", "kiosk.ui", "kiosk.scenes"},
    "kiosk.app": {"hardware", "kiosk.config", "kiosk.i18n", "kiosk.ops", "kiosk.catalog",
                  "kiosk.analytics", "kiosk.handoff", "kiosk.offers", "kiosk.fleet", "kiosk.ui",
                  "kiosk.scenes", "kiosk.staff"},
    "kiosk.simulator": {"hardware", "kiosk.config", "kiosk.i18n", "kiosk.ops", "kiosk.catalog",
                        "kiosk.ui", "kiosk.scenes", "kiosk.app"},
    "kiosk.install": {"hardware", "kiosk.config", "kiosk.i18n", "kiosk.ops", "kiosk.catalog",
                      "kiosk.app"},
    "kiosk.assembly": {"hardware", "kiosk.config", "kiosk.ops", "kiosk.catalog",
                       "kiosk.analytics", "kiosk.handoff", "kiosk.offers", "kiosk.fleet",
                       "kiosk.app"},
}
"""What each package may import of the project (besides itself). ``kiosk.commands`` may import
anything, ``kiosk.cli`` only the commands (and the config, ops and synced content it needs to
start)."""


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, by its full dotted name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in ("kiosk", "hardware"):
                modules.update(f"{node.module}.{alias.name}" for alias in node.names)
            else:
                modules.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            modules.update(arg.value for arg in node.args
                           if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
    return modules


def package_of(module: str) -> str:
    """``kiosk.catalog.sources.rest`` -> ``kiosk.catalog``; ``hardware.decoding.pipeline`` ->
    ``hardware``; third-party modules -> their top-level name."""
    parts = module.split(".")
    if parts[0] == "kiosk" and len(parts) > 1:
        return f"kiosk.{parts[1]}"
    return parts[0]


def python_files(*parts: str) -> list[Path]:
    folder = REPO.joinpath(*parts)
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [folder.with_suffix(".py")]


def top_level(path: Path) -> set[str]:
    return {package_of(module).split(".")[0] for module in imports(path)}


def project(path: Path) -> set[str]:
    return {package_of(module) for module in imports(path)
            if module.split(".")[0] in ("kiosk", "hardware")}


LAYERED = [(package, path) for package in BELOW
           for path in python_files(*package.split("."))]


@pytest.mark.parametrize(("package", "path"), LAYERED,
                         ids=[str(path.relative_to(REPO)) for _, path in LAYERED])
def test_a_package_imports_only_what_lies_below_it(package: str, path: Path) -> None:
    found = project(path) - {package}
    assert found <= BELOW[package], f"{package} imports {sorted(found - BELOW[package])}"


def test_the_map_covers_every_package() -> None:
    packages = {f"kiosk.{path.stem}" if path.is_file() else f"kiosk.{path.name}"
                for path in (REPO / "kiosk").iterdir()
                if (path.is_dir() and (path / "__init__.py").exists())
                or (path.suffix == ".py" and path.stem not in ("__init__", "__main__", "cli"))}
    assert packages - {"kiosk.commands"} == set(BELOW)


@pytest.mark.parametrize("path", python_files("hardware"), ids=lambda p: p.name)
def test_hardware_never_imports_the_app_or_pygame(path: Path) -> None:
    assert top_level(path).isdisjoint({"kiosk", "pygame"})


CONTENT = [path for package in ("config", "catalog", "handoff", "ops", "i18n")
           for path in python_files("kiosk", package)]


@pytest.mark.parametrize("path", CONTENT, ids=lambda p: str(p.relative_to(REPO)))
def test_content_and_services_never_draw(path: Path) -> None:
    assert "pygame" not in top_level(path)


SCREENS = [path for package in ("ui", "scenes", "staff")
           for path in python_files("kiosk", package)]


@pytest.mark.parametrize("path", SCREENS, ids=lambda p: str(p.relative_to(REPO)))
def test_screens_never_touch_the_network_or_a_database(path: Path) -> None:
    assert top_level(path).isdisjoint({"requests", "urllib3", "http", "socket", "sqlite3"})


def test_only_the_commands_put_a_kiosk_together() -> None:
    assembling = {str(path.relative_to(REPO)) for path in python_files("kiosk")
                  if "kiosk.assembly" in imports(path)}
    assert assembling and all(name.startswith("kiosk/commands/") for name in assembling)


def test_the_cli_only_wires_the_commands() -> None:
    assert project(REPO / "kiosk" / "cli.py") <= {"kiosk.commands", "kiosk.config",
                                                   "kiosk.ops", "kiosk.fleet"}


def test_the_check_itself_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import pygame.font\nfrom kiosk.app.loop import App\nfrom kiosk import "
                      "i18n\n__import__('kiosk.assembly')\n")
    assert imports(sample) == {"pygame.font", "kiosk.app.loop", "kiosk.i18n", "kiosk.assembly"}
    assert project(sample) == {"kiosk.app", "kiosk.i18n", "kiosk.assembly"}
