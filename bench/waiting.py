"""Benchmark: why families wait (voisins.matching.waiting) on the matching benchmark's
instances.

Prints, for each size: the batch run itself (the baseline, in the same process), the index
of the pool, "why waiting" for one family (median and p99, wall and CPU, over a sample of
families the batch left out, beside the plain one-family-at-a-time path on the same
families), and the whole waiting list explained, with the ratio to the batch run, the
peak RSS during it, and the plain path on a part of it (the same answers); and, for a
programme-sized instance, which families a household can be proposed to (beside the
scored search it replaced) and the recruitment gaps of its waiting list. Targets (issue
16): one family among 100,000 x 100,000 under 20 ms median; every unmatched family of that
instance under 10 s more than the batch run, under 2 GiB; the recruitment-gap table of
10,000 families under 1 s. Other work on the machine slows the wall times: the CPU times
(time.process_time) are printed beside them.

    .venv/bin/python bench/waiting.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.matching import generate, machine
from voisins.matching import Point, plan
from voisins.matching.gaps import recruitment_gaps
from voisins.matching.waiting import WaitingIndex, _assigned, explain_waiting


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Start a new peak RSS (Linux: VmHWM); False where it cannot be reset."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def hwm_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_mib()


def timed(call):
    t, c = time.perf_counter(), time.process_time()
    value = call()
    return value, time.perf_counter() - t, time.process_time() - c


def quantiles(values: list[float]) -> str:
    values = sorted(values)
    return (f"median {statistics.median(values) * 1000:.2f} ms, "
            f"p99 {values[int(0.99 * (len(values) - 1))] * 1000:.2f} ms")


def run(size: int, seed: int, sample: int, geography: str, plain_sample: int) -> None:
    families, volunteers = generate(size, size, seed, geography)
    plan(families[:300], volunteers[:300], workers=1)  # warm-up: imports, first calls
    result, batch_s, batch_cpu = timed(lambda: plan(families, volunteers, workers=1))
    proposed = {p.family_id for p in result.proposals}
    left = [f for f in families if f.id not in proposed]
    assigned = _assigned(result.proposals)
    print(f"\n== {size:,} families x {size:,} volunteers, {geography} geography "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(f"  batch run (baseline, one process): {batch_s:.2f} s (CPU {batch_cpu:.2f} s), "
          f"{len(proposed):,} proposed, {len(left):,} left waiting; peak RSS so far "
          f"{peak_mib():,.0f} MiB")

    index, index_s, index_cpu = timed(lambda: WaitingIndex(volunteers))
    print(f"  index of the pool: {index_s:.2f} s (CPU {index_cpu:.2f} s)")
    index.explain(left[0])  # first calls
    walls, cpus, plain_walls, plain_cpus = [], [], [], []
    for family in left[:sample]:
        _w, wall, cpu = timed(lambda f=family: index.explain(f, assigned=assigned))
        walls.append(wall)
        cpus.append(cpu)
        _w, wall, cpu = timed(lambda f=family: index.explain_many(
            [f], assigned=assigned, vectorised=False)[0])
        plain_walls.append(wall)
        plain_cpus.append(cpu)
    print(f"  why one family waits ({len(walls)} families, the pool's index built once): "
          f"wall {quantiles(walls)}; CPU {quantiles(cpus)}")
    print(f"    baseline, the plain path (one family at a time), same families: wall "
          f"{quantiles(plain_walls)}; ratio of the medians "
          f"{statistics.median(walls) / statistics.median(plain_walls):.2f}")

    exact = reset_peak()
    explained, all_s, all_cpu = timed(
        lambda: explain_waiting(families, index, result.proposals))
    phase_peak = hwm_mib()
    reasons: dict[str, int] = {}
    for w in explained:
        reasons[w.reason] = reasons.get(w.reason, 0) + 1
    with_change = sum(1 for w in explained if w.changes)
    print(f"  every family left out ({len(explained):,}), with its changes: {all_s:.2f} s "
          f"(CPU {all_cpu:.2f} s) on top of the batch = {all_s / batch_s:.2f} x the batch "
          f"run (CPU: {all_cpu / batch_cpu:.2f} x); {with_change:,} with at least one change")
    print(f"    peak RSS during it: {phase_peak:,.0f} MiB"
          + ("" if exact else " (peak of the process: could not reset)")
          + f"; peak of the process: {peak_mib():,.0f} MiB")
    print("    reasons: " + ", ".join(f"{k} {v:,}" for k, v in sorted(reasons.items())))
    part = left[:plain_sample]
    plain, plain_s, plain_cpu = timed(lambda: index.explain_many(
        part, assigned=assigned, vectorised=False))
    fast, fast_s, fast_cpu = timed(lambda: index.explain_many(part, assigned=assigned))
    print(f"    baseline, the plain path on {len(part):,} of them: {plain_s:.2f} s "
          f"(CPU {plain_cpu:.2f} s); vectorised on the same: {fast_s:.2f} s (CPU "
          f"{fast_cpu:.2f} s) = {fast_cpu / plain_cpu:.2f} x the plain CPU; same answers: "
          f"{fast == plain}")
    if size <= 10000:
        # Whom to recruit where, over the whole waiting list; areas about 1.5 km wide.
        index = WaitingIndex(volunteers)  # nothing kept: as a new process would
        helped, p_s, p_cpu = timed(lambda: index.proposable(families))
        index = WaitingIndex(volunteers)
        helped_plain, pp_s, pp_cpu = timed(lambda: index.proposable(families, vectorised=False))
        print(f"  which of the {len(families):,} families a household can be proposed to "
              f"now: {p_s:.2f} s (CPU {p_cpu:.2f} s); baseline, the scored search (its "
              f"index built): {pp_s:.2f} s (CPU {pp_cpu:.2f} s) = {p_cpu / pp_cpu:.2f} x; "
              f"same: {bool((helped == helped_plain).all())}")
        area_of = {f.id: (round(f.lat * 75) / 75, round(f.lon * 50) / 50) for f in families}
        points = {a: Point(lat=a[0], lon=a[1]) for a in set(area_of.values())}
        gaps, g_s, g_cpu = timed(lambda: recruitment_gaps(left, area_of, points, radius_km=5))
        print(f"  recruitment gaps of {len(left):,} waiting families over {len(points):,} "
              f"areas: {g_s:.2f} s (CPU {g_cpu:.2f} s; best: {len(gaps[0].family_ids)} "
              "families)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--geography", default="national")
    parser.add_argument("--plain-sample", type=int, default=3000,
                        help="families explained by the plain path too (default 3000)")
    args = parser.parse_args()
    print(machine())
    for size in args.sizes:
        run(size, args.seed, args.sample, args.geography, args.plain_sample)


if __name__ == "__main__":
    main()
