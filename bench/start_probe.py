"""The kiosk's start timed from inside, for ``bench.start``'s breakdown: run as

    python -X importtime -m bench.start_probe simulate --headless --scenario ...

it runs ``kiosk`` with these arguments and writes a line per phase to the standard error,
among the interpreter's import lines, so that imports can be told apart from the rest: its own
start, the config loading (start and end) and the first frame drawn, each as
``bench.start_probe: PHASE TIME`` (``time.time()``). It imports nothing of its own before the
first line, so that the imports counted are the kiosk's.
"""

import sys
import time

MARK = "bench.start_probe:"


def mark(phase: str) -> None:
    """One phase line on the standard error, flushed so it stays in order with the imports."""
    sys.stderr.write(f"{MARK} {phase} {time.time():.6f}\n")
    sys.stderr.flush()


def main() -> int:
    """Run the kiosk with the phases marked; its exit code."""
    mark("started")
    from kiosk import cli
    from kiosk.app.loop import App

    load, frame = cli.load_config, App.frame

    def timed_load(*args: object, **kwargs: object) -> object:
        mark("config")
        try:
            return load(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            mark("config-done")

    def first_frame(app: App, *args: object, **kwargs: object) -> list[str]:
        drawn = frame(app, *args, **kwargs)  # type: ignore[arg-type]
        App.frame = frame  # type: ignore[method-assign]
        mark("first-frame")
        return drawn

    cli.load_config = timed_load  # type: ignore[assignment]
    App.frame = first_frame  # type: ignore[method-assign]
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
