"""Benchmark: why families wait (voisins.matching.waiting) on the matching benchmark's
instances.

Prints, for each size: the batch run itself (the baseline, in the same process), the index
of the pool, "why waiting" for one family (median and p99 over a sample of families the
batch left out), and the whole waiting list explained, with the ratio to the batch run and
the peak memory; and, for a programme-sized instance, the recruitment gaps of its waiting
list. Targets (issue 16): one family among 100,000 x 100,000 under 20 ms
median; every unmatched family of that instance under 10 s more than the batch run, under
2 GiB; the recruitment-gap table of 10,000 families under 1 s.

    .venv/bin/python bench/waiting.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.matching import generate, machine
from voisins.matching import Point, plan
from voisins.matching.gaps import recruitment_gaps
from voisins.matching.waiting import WaitingIndex, explain_waiting


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: int, seed: int, sample: int, geography: str) -> None:
    families, volunteers = generate(size, size, seed, geography)
    plan(families[:300], volunteers[:300], workers=1)  # warm-up: imports, first calls
    t, c = time.perf_counter(), time.process_time()
    result = plan(families, volunteers, workers=1)
    batch_s, batch_cpu = time.perf_counter() - t, time.process_time() - c
    proposed = {p.family_id for p in result.proposals}
    left = [f for f in families if f.id not in proposed]

    t = time.perf_counter()
    index = WaitingIndex(volunteers)
    index_s = time.perf_counter() - t
    index.explain(left[0])  # builds the scoring index once
    times = []
    for family in left[:sample]:
        t = time.perf_counter()
        index.explain(family)
        times.append(time.perf_counter() - t)
    times.sort()

    t, c = time.perf_counter(), time.process_time()
    explained = explain_waiting(families, volunteers, result.proposals)
    all_s, all_cpu = time.perf_counter() - t, time.process_time() - c
    reasons: dict[str, int] = {}
    for w in explained:
        reasons[w.reason] = reasons.get(w.reason, 0) + 1
    with_change = sum(1 for w in explained if w.changes)
    print(f"\n== {size:,} families x {size:,} volunteers, {geography} geography")
    print(f"  batch run (baseline, one process): {batch_s:.2f} s (CPU {batch_cpu:.2f} s), "
          f"{len(proposed):,} proposed, "
          f"{len(left):,} left waiting")
    print(f"  index of the pool: {index_s:.2f} s")
    print(f"  why one family waits ({len(times)} families): median "
          f"{statistics.median(times) * 1000:.2f} ms, p99 "
          f"{times[int(0.99 * (len(times) - 1))] * 1000:.2f} ms")
    print(f"  every family left out ({len(explained):,}), with its changes: {all_s:.2f} s "
          f"(CPU {all_cpu:.2f} s) = {all_s / batch_s:.2f} x the batch run (CPU: "
          f"{all_cpu / batch_cpu:.2f} x, {all_cpu - batch_cpu:+.1f} s); {with_change:,} with "
          "at least one change")
    print("  reasons: " + ", ".join(f"{k} {v:,}" for k, v in sorted(reasons.items())))
    print(f"  peak RSS of this process: {peak_mib():,.0f} MiB")
    if size <= 10000:
        # Whom to recruit where, over the whole waiting list; areas about 1.5 km wide.
        area_of = {f.id: (round(f.lat * 75) / 75, round(f.lon * 50) / 50) for f in families}
        points = {a: Point(lat=a[0], lon=a[1]) for a in set(area_of.values())}
        t, c = time.perf_counter(), time.process_time()
        gaps = recruitment_gaps(left, area_of, points, radius_km=5)
        print(f"  recruitment gaps of {len(left):,} waiting families over {len(points):,} "
              f"areas: {time.perf_counter() - t:.2f} s (CPU {time.process_time() - c:.2f} s; "
              f"best: {len(gaps[0].family_ids)} families)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--geography", default="national")
    args = parser.parse_args()
    print(machine())
    for size in args.sizes:
        run(size, args.seed, args.sample, args.geography)


if __name__ == "__main__":
    main()
