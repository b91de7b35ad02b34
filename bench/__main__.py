"""`python -m bench [--scale 10k|100k|1m] [--only NAME]`: run benchmarks, write bench/results/."""

import argparse
import importlib
import pkgutil
import time

from bench import benchmarks
from bench.catalog import SCALES
from bench.context import BenchContext
from bench.environment import BENCH_ENV, prepare
from bench.machine import describe
from bench.results import write_summary


def main() -> None:
    names = [module.name for module in pkgutil.iter_modules(benchmarks.__path__)]
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--scale", choices=list(SCALES), default="1m")
    parser.add_argument("--only", choices=names, action="append", help="run only these (repeatable)")
    args = parser.parse_args()

    context = BenchContext(scale=args.scale, env=BENCH_ENV)
    machine = describe(BENCH_ENV["CLICKHOUSE_URL"])
    for name in args.only or names:
        started = time.monotonic()
        print(f"[bench] {name} (scale {args.scale}) …", flush=True)
        prepare()
        module = importlib.import_module(f"bench.benchmarks.{name}")
        for result in module.run(context):
            path = result.write(machine)
            print(
                f"[bench] {result.name}: project {result.project.median:,.1f} {result.project.unit}, "
                f"baseline {result.baseline.median:,.1f} {result.baseline.unit}, ratio {result.ratio:.2f} "
                f"({'pass' if result.passed else 'FAIL'} {result.target.text}) → {path}",
                flush=True,
            )
        print(f"[bench] {name} took {time.monotonic() - started:.0f} s", flush=True)
    print(f"[bench] summary: {write_summary()}")


if __name__ == "__main__":
    main()
