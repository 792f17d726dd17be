"""Fault test: the load of bench/loadtest.py with PostgreSQL stopped for FAULT_SECONDS in the middle.

Run with `make loadtest`, after the load test. The same private PostgreSQL cluster, catalogue, gunicorn
and clients as bench/loadtest.py, for max(LOAD_SECONDS, FAULT_SECONDS + 20) seconds. Half-way through,
PostgreSQL is stopped (`pg_ctl stop -m fast`: every session ends at once, new ones are refused) and
started again FAULT_SECONDS (default 10) after it stopped; gunicorn keeps running.

Targets: until the stop begins, and from RECOVERY_SECONDS (5) after PostgreSQL accepts connections
again, every answer is the expected one; in between, 503 is the only other answer allowed (no 500, no
timeout: the clients give up after LOAD_TIMEOUT seconds); every acknowledged move is kept; check_tree
clean. Prints how long recovery took; exits 1 when a target is missed.
"""

import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadtest import (  # noqa: E402  (sets up Django on the private PostgreSQL cluster)
    CLIENTS,
    MOVERS,
    PG,
    SECONDS,
    TIMEOUT,
    WORKERS,
    after_load_checks,
    examples,
    load_table,
    machine,
    ok,
    report,
    run_load,
    served_catalogue,
    server_log_tail,
    status_counts,
)

FAULT_SECONDS = float(os.environ.get("FAULT_SECONDS", "10"))
RECOVERY_SECONDS = 5.0
DURATION = max(SECONDS, FAULT_SECONDS + 20)


def outage(delay, times):
    """Stop PostgreSQL after `delay` seconds, start it again FAULT_SECONDS after it stopped."""
    time.sleep(delay)
    times["stop"] = time.monotonic()
    PG.stop("fast")
    times["stopped"] = time.monotonic()
    time.sleep(FAULT_SECONDS)
    times["start"] = time.monotonic()
    PG.start()
    times["started"] = time.monotonic()  # accepting connections


def main():
    with served_catalogue() as (plan, port, server):
        print(
            f"{len(plan.slugs)} published roles on PostgreSQL (private, loopback); gunicorn {WORKERS} sync workers, "
            f"DEBUG off; {CLIENTS} clients ({MOVERS} HR movers) for {DURATION:.0f} s without think time, "
            f"timeout {TIMEOUT:.0f} s; PostgreSQL stopped for {FAULT_SECONDS:.0f} s in the middle; {machine()}"
        )
        times = {}
        fault = threading.Thread(target=outage, args=((DURATION - FAULT_SECONDS) / 2, times), daemon=True)
        began, cpu = time.monotonic(), time.process_time()
        fault.start()
        clients = run_load(port, plan, DURATION)
        seconds, cpu = time.monotonic() - began, time.process_time() - cpu
        fault.join(120)
        if "started" not in times:
            sys.exit("PostgreSQL was not restarted")
        results = [r for c in clients for r in c.results]
        print(load_table(results, seconds))

        window_end = times["started"] + RECOVERY_SECONDS
        during = [r for r in results if r.end >= times["stop"] and r.start <= window_end]
        outside = [r for r in results if r.end < times["stop"] or r.start > window_end]
        failures = []
        wrong_outside = [r for r in outside if not ok(r.kind, r.status)]
        if wrong_outside:
            failures.append(
                f"{len(wrong_outside)} unexpected answers before the outage or more than {RECOVERY_SECONDS:.0f} s "
                f"after the restart: {status_counts(wrong_outside)}; e.g. {examples(wrong_outside)}"
            )
        wrong_during = [r for r in during if not ok(r.kind, r.status) and r.status != 503]
        if wrong_during:
            failures.append(
                f"{len(wrong_during)} answers other than 503 during the outage: {status_counts(wrong_during)}; "
                f"e.g. {examples(wrong_during)}"
            )
        if any(isinstance(r.status, int) and r.status >= 500 and r.status != 503 for r in results):
            failures.append(f"server errors; the server's log ends:\n{server_log_tail(server)}")

        refused = [r for r in results if r.status == 503]
        after_restart = [r for r in results if r.start >= times["started"] and ok(r.kind, r.status)]
        failed = [r for r in results if not ok(r.kind, r.status)]
        notes = [
            f"outage: stopping took {times['stopped'] - times['stop']:.1f} s, down {times['start'] - times['stopped']:.1f} s, "
            f"starting took {times['started'] - times['start']:.1f} s",
            f"during the outage: {len(during)} requests, {status_counts(during)}",
            f"the clients themselves used {cpu / seconds:.0%} of one core",
        ]
        if refused:
            first, last = min(r.end for r in refused), max(r.end for r in refused)
            notes.append(
                f"503s from {first - times['stop']:+.1f} s to {last - times['stop']:+.1f} s after the stop began"
            )
        if after_restart:
            notes.append(
                f"first expected answer {min(r.end for r in after_restart) - times['started']:.2f} s after the restart"
            )
        if failed:
            last = max(r.end for r in failed) - times["started"]
            notes.append(
                f"recovery: the last answer other than the expected one came {abs(last):.2f} s "
                f"{'after' if last > 0 else 'before'} PostgreSQL accepted connections again"
            )
        more_failures, more_notes = after_load_checks(plan, clients)
        report("fault test", failures + more_failures, notes + more_notes)


if __name__ == "__main__":
    main()
