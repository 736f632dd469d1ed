"""``kiosk doctor``: what the table's devices need, what is there, and how to fix the rest.

The checks live in ``hardware.diagnose`` and return data; this module decides which problems
matter for this config (a missing camera is only informative when the config uses ``sim``) and
prints a report staff can act on, line by line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from hardware import diagnose
from hardware.diagnose import Finding, User
from kiosk.config import KioskConfig

MARKS = {"ok": "✓", "warning": "!", "problem": "✗"}
EXIT_OK, EXIT_FAILED = 0, 1


def run_doctor(config: KioskConfig, root: Path = Path("/"), out: TextIO = sys.stdout,
               user: User | None = None) -> int:
    """Print the report; 0 when everything the config needs is present, else 1."""
    sources = config.store.sources
    camera, nfc = sources.camera.device, sources.nfc.device
    uses_usb = nfc.lower().startswith("usb")
    found_cameras = diagnose.cameras(root, user)
    found_readers = diagnose.nfc_readers(root, user)
    access = [diagnose.libusb(), *diagnose.kernel_modules(root), diagnose.pcscd(root)]
    needs = diagnose.expected(camera, nfc, found_cameras, found_readers, root=root,
                              base_dir=config.config_dir)

    print(f"kiosk doctor — config {config.config_dir} (camera {camera}, nfc {nfc})", file=out)
    _section(out, "Cameras", found_cameras)
    _section(out, "NFC readers", found_readers)
    _section(out, "USB access for NFC readers"
             + ("" if uses_usb else " (not used: the config's nfc is not a USB reader)"), access)
    _section(out, "What the config needs", needs)

    blocking = [finding for finding in needs if finding.level == "problem"]
    if uses_usb:
        blocking += [finding for finding in access if finding.level == "problem"]
    everything = [*found_cameras, *found_readers, *access, *needs]
    problems = sum(finding.level == "problem" for finding in everything)
    warnings = sum(finding.level == "warning" for finding in everything)
    print(file=out)
    if blocking:
        print(f"✗ {len(blocking)} problem(s) stop what the config needs: "
              + "; ".join(finding.subject for finding in blocking)
              + ". Apply the fixes above, then run kiosk doctor again.", file=out)
        return EXIT_FAILED
    others = problems - len(blocking)
    print(f"✓ Everything the config needs is present ({warnings} warning(s), {others} "
          "problem(s) with devices the config does not use).", file=out)
    return EXIT_OK


def _section(out: TextIO, title: str, findings: list[Finding]) -> None:
    """A heading, one line per finding, and each fix indented beneath it."""
    print(f"\n{title}", file=out)
    for finding in findings:
        print(f"  {MARKS[finding.level]} {finding.subject}: {finding.detail}", file=out)
        if finding.fix and finding.level != "ok":
            for line in finding.fix.splitlines():
                print(f"      {line}", file=out)
