"""`python -m bench [module ...]`: set up a throwaway database, run each figure module, print its lines."""

import importlib
import os
import sys
import time

# Celery eager, locmem cache and e-mail, fast hashing: no worker or Redis needed.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
# Eager Celery logs every task at INFO, inside the timed request: a worker would log it elsewhere.
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")  # config.settings.test reads it

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.database import throwaway_database  # noqa: E402
from bench.figures import Figure, comment  # noqa: E402

# Figure modules, in order. Each has run() yielding Figure objects (and str comments).
MODULES = ["scan", "scan_http", "imports", "tracking", "billing", "bags", "trips", "receiving", "faults"]


def main(argv: list[str]) -> int:
    names = argv or MODULES
    unknown = [name for name in names if name not in MODULES]
    if unknown:
        print(f"Unknown bench module(s): {', '.join(unknown)}. Known: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    with throwaway_database() as vendor:
        print(comment(f"bench_database: {vendor}"), flush=True)
        for index, name in enumerate(names):
            if index:  # every module starts from an empty (migrated) database
                call_command("flush", interactive=False, verbosity=0)
            module = importlib.import_module(f"bench.{name}")
            started = time.perf_counter()
            for item in module.run():
                print(str(item) if isinstance(item, Figure) else comment(item), flush=True)
            print(comment(f"{name}: done in {time.perf_counter() - started:.1f} s"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
