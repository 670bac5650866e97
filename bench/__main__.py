"""Run every benchmark and append a dated section to bench/results.md (numbers, not assertions)."""

import os
import platform
import statistics
import sys
from datetime import UTC, datetime

from bench import coldstart, sizes, subrouter
from bench.report import append_section

TARGET_RATIO = 0.85
COLD_START_TARGET = 1.5


def main() -> int:
    """Measure, print and write the results."""
    print("sub-router throughput ...", file=sys.stderr)
    rps = subrouter.measure()
    print("cold starts ...", file=sys.stderr)
    cold = coldstart.measure()
    print("archive sizes ...", file=sys.stderr)
    archive_sizes = sizes.measure()
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}",
        "",
        "### Sub-router throughput: GET /health, variants interleaved in one process",
        "",
    ]
    for mode, rounds in rps.items():
        lines += _throughput_section(mode, rounds)
    lines += _where_the_time_goes(rps["in-process WSGI"])
    lines += [
        "In-process figures have no HTTP at all, so they are the upper bound of the router's "
        "relative cost, and are counted per second of the benchmark thread's CPU time, so "
        "the time it waits while other work on the shared cores runs does not count. The "
        "target is the in-process ratio of main.py on functions-framework to the direct "
        "app. Over HTTP (wall time), the development server opens one connection per "
        "request, and that fixed cost dilutes the router's share, as a real platform's "
        "network hop does. Each round times every variant back to back (the order turning "
        "from round to round), so the per-round ratios are steadier than absolute rates, "
        "and their range shows how noisy the run was.",
        "",
    ]
    lines += _coldstart_section(cold)
    lines += [
        "### Archive sizes",
        "",
        "| archive | bytes | MiB |",
        "|---|---:|---:|",
        *(f"| {name} | {size:,} | {size / 2**20:.2f} |" for name, size in archive_sizes.items()),
        "",
    ]
    append_section(lines)
    print("\n".join(lines))
    return 0


def _throughput_section(mode: str, rounds: subrouter.Rounds) -> list[str]:
    """One table of median rates and the paired ratios, with their spread across rounds."""
    names = list(rounds.rates)
    count = len(rounds.rates[subrouter.ROUTED])
    routed = rounds.median(subrouter.ROUTED)
    direct = rounds.median(subrouter.DIRECT)
    bare = rounds.median(subrouter.BARE)
    vs_direct = rounds.ratios(subrouter.ROUTED, subrouter.DIRECT)
    vs_bare = rounds.ratios(subrouter.ROUTED, subrouter.BARE)
    direct_vs_bare = rounds.ratios(subrouter.DIRECT, subrouter.BARE)
    verdict = "met" if statistics.median(vs_direct) >= TARGET_RATIO else "NOT met"
    return [
        f"#### {mode} ({count} paired rounds)",
        "",
        "| variant | median requests/s | vs direct app | vs bare function |",
        "|---|---:|---:|---:|",
        *(
            f"| {n} | {rounds.median(n):,.0f} | {_median_ratio(rounds, n, subrouter.DIRECT)} "
            f"| {_median_ratio(rounds, n, subrouter.BARE)} |"
            for n in names
        ),
        "",
        f"Mounted API / direct app, median of the per-round ratios: "
        f"**{statistics.median(vs_direct):.2f}x** (target ≥ {TARGET_RATIO:.2f}x: {verdict}; "
        f"rounds ranged {min(vs_direct):.2f} to {max(vs_direct):.2f}x). "
        f"Mounted API / bare function: {statistics.median(vs_bare):.2f}x "
        f"({min(vs_bare):.2f} to {max(vs_bare):.2f}x); direct app / bare function: "
        f"{statistics.median(direct_vs_bare):.2f}x (the API's own hooks, request id and access "
        f"log). Per request main.py adds {(1 / routed - 1 / direct) * 1e6:.0f} µs to the "
        f"direct app and {(1 / routed - 1 / bare) * 1e6:.0f} µs to the bare function "
        "(from the median rates).",
        "",
    ]


def _where_the_time_goes(rounds: subrouter.Rounds) -> list[str]:
    """Split the per-request cost in process: the mount's, and the in-function sub-router's."""
    us = {name: 1e6 / rounds.median(name) for name in rounds.rates}
    mounted = us[subrouter.ROUTED] - us[subrouter.DIRECT]
    unmounted = us[subrouter.UNMOUNTED] - us[subrouter.DIRECT]
    ratio = statistics.median(rounds.ratios(subrouter.UNMOUNTED, subrouter.DIRECT))
    return [
        "Where the in-process time goes, per request (from the median rates): main.py "
        "mounts the API on functions-framework's app, so a request runs one Flask request "
        f"cycle, the API's, and costs {mounted:.0f} µs more than the API called directly "
        "(the framework app's WSGI call and the mount's check for a chunked body). Where "
        "there is no framework app to mount on, main.api's sub-router runs the API's cycle "
        "inside the framework's own (its route, its view around the function, its hooks): "
        f"{unmounted:.0f} µs more than the direct app, {ratio:.2f}x its rate.",
        "",
    ]


def _median_ratio(rounds: subrouter.Rounds, name: str, other: str) -> str:
    """The median per-round ratio of two variants, formatted."""
    return f"{statistics.median(rounds.ratios(name, other)):.2f}x"


def _coldstart_section(timings: coldstart.Timings) -> list[str]:
    """Median milliseconds per variant and, per platform, the paired API / hello-world ratio."""
    runs = len(timings.first_request_ms[coldstart.PLATFORMS[0].api])
    lines = [
        f"### Cold start: first GET /health in a fresh interpreter ({runs} interleaved rounds)",
        "",
        "| platform | variant | import to first response, ms | whole process, ms |",
        "|---|---|---:|---:|",
    ]
    for target in coldstart.PLATFORMS:
        for label, variant in (("API entry point", target.api), ("hello-world", target.bare)):
            first = statistics.median(timings.first_request_ms[variant])
            whole = statistics.median(timings.process_ms[variant])
            lines.append(f"| {target.name} | {label} | {first:.0f} | {whole:.0f} |")
    lines.append("")
    for target in coldstart.PLATFORMS:
        ratios = timings.ratios(target)
        median = statistics.median(ratios)
        verdict = "met" if median <= COLD_START_TARGET else "NOT met"
        lines.append(
            f"{target.name}: API / hello-world, median of the per-round ratios: "
            f"**{median:.2f}x** (target ≤ {COLD_START_TARGET:.1f}x: {verdict}; rounds ranged "
            f"{min(ratios):.2f} to {max(ratios):.2f}x)."
        )
        lines.append("")
    lines += [
        "Each run is a new interpreter that imports the entry module, builds the app from the "
        "deployed environment variables (placeholder values) and answers GET /health through "
        "the platform's adapter; the clock starts before the first import. The whole-process "
        "column adds interpreter start-up, the same for both. The backends (boto3, "
        "google-cloud-storage, the database layer) load on the first request that uses them, "
        "so /health pays for none of them.",
        "",
    ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
