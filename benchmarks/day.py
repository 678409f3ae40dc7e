"""What a vendor day costs, stage by stage: ``python benchmarks/day.py --pos 50 --days 3 [--prefect]``.

Prints, per day, the new POs, seconds, CPU seconds, SQL statements (and per PO), and without
Prefect the seconds and statements of each step. See ``acorn/bench_day.py``.
"""

from __future__ import annotations

import argparse
import json

from acorn.bench_day import run_cycle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pos", type=int, default=50, help="new POs per account per day")
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--prefect", action="store_true", help="as real Prefect runs (daily_lifecycle)")
    parser.add_argument("--rate-scale", type=float, default=1000.0, help="1.0: Amazon's real rates")
    parser.add_argument("--history-days", type=int, default=None,
                        help="days of orders before day 1 (default: the sandbox's 3; 0: day 1 is a part day)")
    parser.add_argument("--database-url", default=None, help="an empty database (default: a SQLite file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cycle = run_cycle(pos_per_day=args.pos, days=args.days, with_prefect=args.prefect, rate_scale=args.rate_scale,
                      database_url=args.database_url, history_days=args.history_days)
    if args.json:
        print(json.dumps(cycle.as_dict(), indent=2))
        return
    print(f"start {cycle.start_seconds:.1f} s")
    for d in cycle.days:
        print(f"day {d.day}: {d.pos} POs  {d.seconds:.2f} s  cpu {d.cpu_seconds:.2f} s  {d.statements} statements "
              f"({d.statements_per_po:.1f}/PO)  flow runs {d.flow_runs}  task runs {d.task_runs}"
              + (f"  longest task {d.longest_task!r} {d.longest_task_seconds:.0f} s" if d.longest_task else ""))
        for name, (seconds, statements) in d.stages.items():
            print(f"    {name:<32} {seconds:8.2f} s {int(statements):7d}")


if __name__ == "__main__":
    main()
