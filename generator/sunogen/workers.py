"""Worker processes: the specs a run must make, in batches handed out to one process per core it may use.

A batch is made and formatted where it is made, and each of its specs stored in the cache there: what the parent
is left with is putting the package together and writing it, so a run scales with its cores (bench figure 3).
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Mapping
from types import MappingProxyType

from . import vendor_files
from .cache import Cache
from .cli import end_without_teardown
from .format import format_files
from .vendor_files import Made


def usable_cores() -> int:
    """The cores this process may run on (its affinity: `taskset -c 0 sunogen generate` has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _started() -> None:
    """A worker's initializer: at its exit, after its last batch, it ends without interpreter teardown.

    Tearing down datamodel-code-generator, pydantic and the pipeline takes a worker longer than making a small batch,
    and the parent waits for every worker to end before it writes a file. Its results are sent by then (a batch's
    result is written to the pipe before the worker takes the next), what it printed is flushed, and the pool
    reads no worker's exit status; mypy and the cli's `run` end the same way.
    """
    atexit.register(end_without_teardown, 0)


def batches(specs: dict[str, str], jobs: int) -> list[dict[str, str]]:
    """The specs in batches for `jobs` workers, largest specs first, each batch a 2*jobs-th of what is left.

    Each batch costs one ruff run (about 15 ms of its own), so batches are large while much is left and shrink
    towards the end, where the last batch decides when the run ends ("guided" scheduling, as OpenMP calls it).
    """
    order = sorted(specs, key=lambda file: (-len(specs[file]), file))
    found: list[dict[str, str]] = []
    while order:
        size = -(-len(order) // (2 * jobs))  # rounded up: at least one
        found.append({file: specs[file] for file in order[:size]})
        order = order[size:]
    return found


def make_batch(
    specs: dict[str, str], cache: Cache, extra: Mapping[str, str] = MappingProxyType({})
) -> tuple[dict[str, Made], dict[str, str]]:
    """Each spec made (`make_vendor`), then every file they made formatted in one ruff run, and each result stored
    in the cache under its spec's key; by file name. A spec with errors is returned with them, and not stored.

    `extra`: other files to format in the same run (the package's own), returned formatted: ruff costs about as much
    to start as to format a vendor's files.
    """
    made = {file: vendor_files.make_vendor(file, text, cache) for file, text in specs.items()}
    batch = {path: text for result in made.values() for path, text in result.files.items()} | dict(extra)
    formatted = format_files(batch) if batch else {}
    done: dict[str, Made] = {}
    for file, result in made.items():
        if result.errors:
            done[file] = result
            continue
        done[file] = Made(result.vendor, result.content_hash, {path: formatted[path] for path in result.files})
        cache.put(vendor_files.vendor_key(cache, file, specs[file]), done[file].entry())
    return done, {path: formatted[path] for path in extra}


def make_each(
    specs: dict[str, str], cache: Cache, jobs: int, extra: Mapping[str, str] = MappingProxyType({})
) -> tuple[dict[str, Made], dict[str, str]]:
    """`make_batch` over all the specs (file name to text), in at most `jobs` worker processes; by file name, and
    `extra` formatted.

    One job, or one spec, is made in this process in one batch, `extra` in it: a worker's start-up (a new
    interpreter, the pipeline and datamodel-code-generator imported again) would only add to the time. With workers,
    this process formats `extra` while they make the specs.
    """
    if jobs <= 1 or len(specs) <= 1:
        return make_batch(specs, cache, extra)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    work = batches(specs, jobs)
    made: dict[str, Made] = {}
    # spawn, not fork: a worker starts from a clean interpreter whatever threads or state this process holds
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(jobs, len(work)), mp_context=spawn, initializer=_started) as pool:
        results = pool.map(make_batch, work, [cache] * len(work))
        formatted = format_files(dict(extra)) if extra else {}
        for done, _ in results:
            made |= done
    return made, formatted
