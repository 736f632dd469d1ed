"""The frame loop: drain the devices, keep the table, draw the scene; the screen, pacing and
the full-screen window of ``kiosk run``. It never waits on I/O."""
