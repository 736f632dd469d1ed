"""One module per ``kiosk`` command: its arguments and what it prints. ``kiosk.cli`` only wires
them; only commands put a kiosk together (``kiosk.assembly``)."""
