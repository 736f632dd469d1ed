"""Where an import's files are made before they are the catalog's: a staging folder beside the
config folder holding a copy of it (the hand-written files linked, not copied; the previous
import files left out) whose ``catalog/`` receives the new files as rows are read. The real
config loader checks that copy, as the config would be after the import; then each file is
moved into the real catalog folder with ``os.replace`` (atomic: the staging folder is on the
same file system) and the previous import files no longer made are removed. The staging folder
is removed whatever happens (``close``)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from pathlib import Path

from kiosk.catalog.importing.emit import PREFIX
from kiosk.config import ConfigError, ConfigInvalid, KioskConfig, load_config
from kiosk.config.index_file import departments_by_file

STAGING = ".kiosk-import-"
"""Prefix of the staging folder's name."""


class Staging:
    """The staging folder of one import, with its copy of ``config_dir``."""

    def __init__(self, config_dir: Path) -> None:
        self.real = Path(config_dir)
        self.root = _staging_root(self.real)
        try:
            self.config = self.root / "config"
            shutil.copytree(self.real, self.config, ignore=self._left_out,
                            copy_function=_link_or_copy)
            self.catalog = self.config / "catalog"
            self.catalog.mkdir(exist_ok=True)
        except BaseException:
            self.close()
            raise

    def _left_out(self, folder: str, names: list[str]) -> set[str]:
        if Path(folder) == self.real:
            return {name for name in names if name.startswith(STAGING)}
        if Path(folder) == self.real / "catalog":
            return {name for name in names if name.startswith(PREFIX) and name.endswith(".yaml")}
        return set()

    def validate(self, config: KioskConfig, names: list[str]) -> list[ConfigError]:
        """The real loader's verdict on the copy, ``names`` in its catalog; its catalog
        compiled into the config's own index, so the real load that follows finds every file
        already compiled."""
        try:
            loaded = load_config(self.config, config.media_dir, config.catalog.path.parent)
        except ConfigInvalid as invalid:
            copy, real = str(self.config), str(self.real)
            return [dataclasses.replace(error, file=error.file.replace(copy, real),
                                        message=error.message.replace(copy, real))
                    for error in invalid.errors]
        found = {Path(name).name for name, _ in departments_by_file(loaded.catalog)
                 if Path(name).parent == Path("catalog")}
        if not set(names) <= found:
            return [ConfigError(str(self.real / "store.yaml"), 1, ("catalog",),
                                f"the catalog list does not include catalog/{PREFIX}*.yaml")]
        return []

    def install(self, names: list[str]) -> list[str]:
        """Each file onto disk (``fsync``), then into the real catalog folder; then the
        previous import files not in ``names`` are removed. Returns their names."""
        catalog = self.real / "catalog"
        catalog.mkdir(parents=True, exist_ok=True)
        for name in names:
            staged = self.catalog / name
            os.chmod(staged, 0o644)
            with staged.open("rb") as stream:
                os.fsync(stream.fileno())
        for name in names:
            os.replace(self.catalog / name, catalog / name)
        stale = sorted(path.name for path in catalog.glob(f"{PREFIX}*.yaml")
                       if path.name not in names)
        for name in stale:
            (catalog / name).unlink()
        return stale

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _staging_root(config_dir: Path) -> Path:
    """A new folder beside ``config_dir`` (out of what a running kiosk watches), or inside it
    when the folder above cannot be written or is another file system."""
    device = config_dir.stat().st_dev
    try:
        root = Path(tempfile.mkdtemp(prefix=STAGING, dir=config_dir.resolve().parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix=STAGING, dir=config_dir))
    if root.stat().st_dev != device:
        root.rmdir()
        return Path(tempfile.mkdtemp(prefix=STAGING, dir=config_dir))
    return root


def _link_or_copy(source: str, target: str) -> None:
    """A hard link (the loader only reads the copy), else a copy."""
    try:
        os.link(source, target, follow_symlinks=True)
    except OSError:
        shutil.copy2(source, target)
