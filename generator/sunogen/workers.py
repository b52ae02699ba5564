"""Worker processes: the specs a run must make, handed out one at a time to one process per core it may use."""

from __future__ import annotations

import os

from . import vendor_files
from .cache import Cache
from .vendor_files import Made


def usable_cores() -> int:
    """The cores this process may run on (its affinity: `taskset -c 0 sunogen generate` has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def make_each(specs: dict[str, str], cache: Cache, jobs: int) -> dict[str, Made]:
    """`make_vendor` for each spec (file name to text), in at most `jobs` worker processes; by file name.

    One spec, or one job, is made in this process: a worker's start-up (a new interpreter, the pipeline imported
    again) would only add to the time. Largest specs go first, so that no worker is left with a long one at the end.
    """
    workers = min(jobs, len(specs))
    if workers <= 1:
        return {file: vendor_files.make_vendor(file, text, cache) for file, text in specs.items()}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    order = sorted(specs, key=lambda file: -len(specs[file]))
    # spawn, not fork: a worker starts from a clean interpreter whatever threads or state this process holds
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        made = pool.map(vendor_files.make_vendor, order, [specs[file] for file in order], [cache] * len(order))
        return dict(zip(order, made, strict=True))
