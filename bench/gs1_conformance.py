"""The GS1 conformance table of the README: per form a product may carry its GTIN in, the cases
of ``tests/hardware/gs1_cases.py`` read right and refused right, problems reported, and the
cost of the interpretation per code (what a decoded frame adds to its decoding).

    python -m bench.gs1_conformance [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from typing import Any

from hardware.gs1 import forget, read_content
from tests.hardware.gs1_cases import CASES

REPEAT = 200


def conformance() -> list[dict[str, Any]]:
    """One row per form: cases, products read right, refusals right, problems reported."""
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "cases": 0, "read": 0, "refused": 0, "wrong": 0, "problems_reported": 0,
        "problems_expected": 0})
    for case in CASES:
        row = rows[case.form]
        reading = read_content(case.content, case.fmt, case.symbology)
        row["cases"] += 1
        if reading.gtin != case.gtin:
            row["wrong"] += 1
        elif case.gtin is None:
            row["refused"] += 1
        else:
            row["read"] += 1
        row["problems_expected"] += case.problems
        row["problems_reported"] += case.problems and bool(reading.problems)
    return [{"form": form, **row} for form, row in rows.items()]


def cost_us() -> tuple[float, float]:
    """Mean microseconds to interpret one code's content the first time it is seen, and
    again (a product lying on the table is decoded at every frame), over the whole set."""
    first = 0.0
    for _ in range(REPEAT // 10):
        forget()
        started = time.perf_counter()
        for case in CASES:
            read_content(case.content, case.fmt, case.symbology)
        first += time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(REPEAT):
        for case in CASES:
            read_content(case.content, case.fmt, case.symbology)
    again = time.perf_counter() - started
    return (first / (REPEAT // 10 * len(CASES)) * 1e6,
            again / (REPEAT * len(CASES)) * 1e6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows, (first, again) = conformance(), cost_us()
    if args.json:
        print(json.dumps({"forms": rows, "us_per_code_first": round(first, 1),
                          "us_per_code_again": round(again, 2)}))
        return
    print("| form | cases | products read | refused (no product expected) | wrong | "
          "problems reported / expected |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['form']} | {row['cases']} | {row['read']} | {row['refused']} | "
              f"{row['wrong']} | {row['problems_reported']} / {row['problems_expected']} |")
    total = sum(row["cases"] for row in rows)
    wrong = sum(row["wrong"] for row in rows)
    print(f"\n{total} cases, {wrong} wrong; {first:.1f} µs per code seen the first time, "
          f"{again:.2f} µs when seen again")


if __name__ == "__main__":
    main()
