"""The architecture's layering, checked on the source: devices never know the app or pygame."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            modules.update(arg.value.split(".")[0] for arg in node.args
                           if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
    return modules


def python_files(*parts: str) -> list[Path]:
    return sorted((REPO.joinpath(*parts)).rglob("*.py"))


@pytest.mark.parametrize("path", python_files("hardware"), ids=lambda p: p.name)
def test_hardware_never_imports_the_app_or_pygame(path: Path) -> None:
    assert imported_modules(path).isdisjoint({"kiosk", "pygame"})


CONTENT = [*python_files("kiosk", "config"), REPO / "kiosk" / "catalog.py",
           REPO / "kiosk" / "table.py", REPO / "kiosk" / "i18n.py"]


@pytest.mark.parametrize("path", CONTENT, ids=lambda p: p.name)
def test_config_and_catalog_code_never_draws(path: Path) -> None:
    assert "pygame" not in imported_modules(path)


@pytest.mark.parametrize("path", python_files("kiosk", "ui") + python_files("kiosk", "scenes"),
                         ids=lambda p: p.name)
def test_ui_code_never_calls_the_network(path: Path) -> None:
    assert imported_modules(path).isdisjoint({"requests", "urllib3", "http", "socket"})


def test_the_check_itself_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import pygame.font\nfrom kiosk.app.loop import App\n__import__('kiosk')\n")
    assert {"pygame", "kiosk"} <= imported_modules(sample)
