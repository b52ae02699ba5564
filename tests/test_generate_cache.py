"""The generator's cache: output never differs from a clean run's, and a run redoes only what its change touched."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import sunogen
from sunogen import cache as cache_module
from sunogen import datamodels, render, vendor_files
from sunogen.cache import Cache, fingerprint

from .conftest import ROOT, SPECS

RULE_EDIT = ("maxLength: 3000", "maxLength: 2999")
"""A change to one of crun's rules (v4-tags-and-lyrics-max-length): no model's shape changes."""
SHAPE_EDIT = ("description: 'Generation mode: simple or custom.'", "description: 'Generation mode, simple or custom.'")
"""A change to one of crun's shapes (a description, which its model's docstring prints)."""


def _two_specs(*edits: tuple[str, str]) -> dict[str, str]:
    """crun.yaml with the edits made, and the smallest other spec, as `generate` takes them.

    What a cache hit, a miss or a worker does is the same for two specs as for five, at a fraction of the time; one
    test (a cached run writes what a clean run writes) keeps the whole of specs/.
    """
    sources = sunogen.read_specs(SPECS)
    crun = next(file for file in sources if file.endswith("/crun.yaml"))
    other = min((file for file in sources if file != crun), key=lambda file: len(sources[file]))
    for old, new in edits:
        assert sources[crun].count(old) == 1, f"the edit's anchor must be unique: {old!r}"
        sources[crun] = sources[crun].replace(old, new)
    return {crun: sources[crun], other: sources[other]}


class Made:
    """Counts what a run makes: specs (stages 1 to 5) and models (datamodel-code-generator runs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.specs: list[str] = []
        self.models: list[str] = []
        make_vendor, models_source = vendor_files.make_vendor, datamodels.models_source

        def counted_vendor(file: str, text: str, cache: Cache) -> object:
            self.specs.append(Path(file).stem)
            return make_vendor(file, text, cache)

        def counted_models(request: dict[str, object]) -> str:
            self.models.append(str(request["file"]))
            return models_source(request)

        monkeypatch.setattr(vendor_files, "make_vendor", counted_vendor)
        monkeypatch.setattr(datamodels, "models_source", counted_models)

    def clear(self) -> None:
        self.specs.clear()
        self.models.clear()


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Made:
    return Made(monkeypatch)


def test_a_cached_run_writes_what_a_clean_run_writes(
    tmp_path: Path, generated_files: dict[str, str], made: Made
) -> None:
    cache = Cache(tmp_path / "cache")
    assert sunogen.generate(sunogen.read_specs(SPECS), cache=cache) == generated_files
    made.clear()
    assert sunogen.generate(sunogen.read_specs(SPECS), cache=cache) == generated_files
    assert (made.specs, made.models) == ([], [])


@pytest.mark.parametrize(("edit", "models_made"), [(RULE_EDIT, []), (SHAPE_EDIT, ["specs/crun.yaml"])])
def test_after_a_change_to_one_spec_only_that_spec_is_made_and_the_output_is_a_clean_runs(
    tmp_path: Path, made: Made, edit: tuple[str, str], models_made: list[str]
) -> None:
    cache = Cache(tmp_path / "cache")
    before = sunogen.generate(_two_specs(), cache=cache)
    made.clear()
    after = sunogen.generate(_two_specs(edit), cache=cache)
    assert made.specs == ["crun"]
    assert made.models == models_made  # a change that touched no shape runs no datamodel-code-generator
    assert after == sunogen.generate(_two_specs(edit))
    assert after != before


def test_an_unreadable_or_foreign_entry_is_a_miss_not_an_output(tmp_path: Path) -> None:
    clean = sunogen.generate(_two_specs())
    cache = Cache(tmp_path / "cache")
    sunogen.generate(_two_specs(), cache=cache)
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    assert entries
    for index, entry in enumerate(entries):
        # half cut short, half replaced by another entry (stored under its own key)
        entry.write_bytes(entry.read_bytes()[:100] if index % 2 else entries[index - 1].read_bytes())
    assert sunogen.generate(_two_specs(), cache=cache) == clean


def test_no_cache_reads_and_stores_no_result_but_keeps_the_templates_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, made: Made
) -> None:
    import jinja2

    from sunogen.cli import main

    monkeypatch.setenv("SUNOGEN_CACHE", str(tmp_path / "cache"))
    compiled: list[str | None] = []
    compile_template = jinja2.Environment.compile

    def counted(env: jinja2.Environment, source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return compile_template(env, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    specs = tmp_path / "specs"
    specs.mkdir()
    for file, text in _two_specs().items():
        (specs / Path(file).name).write_text(text)
    common = ["--jobs", "1", "--specs", str(specs), "--out", str(tmp_path / "out")]

    def run(*argv: str) -> list[str]:
        """The files the cache folder holds after `sunogen` runs in a fresh process's state."""
        render._environment.cache_clear()
        try:
            assert main([*argv, *common]) == 0
        finally:
            render._environment.cache_clear()
        return sorted(str(path.relative_to(tmp_path / "cache")) for path in (tmp_path / "cache").rglob("*.*"))

    kept = run("generate", "--no-cache")
    assert compiled  # the first run compiles the templates and keeps them, and stores no result
    assert kept
    assert all(Path(path).parts[0] == "templates" for path in kept)
    stored = run("generate")
    assert any(path.endswith(".json") for path in stored)
    made.clear()
    compiled.clear()
    assert run("generate", "--no-cache") == stored  # nothing read, nothing written
    stems = sorted(Path(file).stem for file in _two_specs())
    assert (sorted(made.specs), sorted(Path(file).stem for file in made.models)) == (stems, stems)
    assert compiled == []


def test_the_generators_fingerprint_covers_every_file_of_its_source_and_templates(tmp_path: Path) -> None:
    package, templates = tmp_path / "sunogen", tmp_path / "templates"
    shutil.copytree(cache_module.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(cache_module.TEMPLATES, templates)
    roots = (package, templates)
    seen = {fingerprint(roots)}
    edits = [
        templates / "client.py.jinja",
        package / "rules" / "compiler.py",
        package / "runtime" / "exchange.py",
        package / "ruff.toml",
    ]
    for path in edits:
        path.write_bytes(path.read_bytes() + b"\n")
        seen.add(fingerprint(roots))
    (package / "rules" / "new_keyword.py").write_text('"""A module added to the generator."""\n')
    seen.add(fingerprint(roots))
    assert len(seen) == len(edits) + 2


def test_the_fingerprinted_folders_are_the_ones_the_generator_reads() -> None:
    assert render.RUNTIME.is_relative_to(cache_module.PACKAGE)
    assert Path(sunogen.__file__).parent == cache_module.PACKAGE
    assert cache_module.TEMPLATES == ROOT / "templates"


def test_after_a_template_change_the_cache_gives_what_a_clean_run_of_the_new_template_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    before = sunogen.generate(_two_specs(), cache=Cache(folder))
    templates = tmp_path / "templates"
    shutil.copytree(cache_module.TEMPLATES, templates)
    client = templates / "client.py.jinja"
    client.write_text(client.read_text().replace('"Blocking" }} client of', '"Blocking" }} client, of', 1))
    monkeypatch.setattr(cache_module, "TEMPLATES", templates)
    render._environment.cache_clear()
    cache_module._this_generator.cache_clear()
    try:
        cached = sunogen.generate(_two_specs(), cache=Cache(folder))
        clean = sunogen.generate(_two_specs())
    finally:
        render._environment.cache_clear()
        cache_module._this_generator.cache_clear()
    assert cached == clean
    assert "Blocking client, of" in cached["suno_clients/crun/_client.py"]
    assert cached != before


def test_worker_processes_make_what_this_process_makes() -> None:
    assert sunogen.generate(_two_specs(), jobs=2) == sunogen.generate(_two_specs())


def test_a_spec_error_found_in_a_worker_is_reported_with_the_others() -> None:
    sources = _two_specs()
    broken = ROOT / "tests" / "specs_with_errors" / "duplicate_key.yaml"
    sources["specs/example.yaml"] = broken.read_text()
    with pytest.raises(sunogen.SpecErrors) as raised:
        sunogen.generate(sources, jobs=2)
    assert [e.code for e in raised.value.errors] == ["duplicate-key"]


def test_the_command_takes_the_generators_fingerprint_once_for_every_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker is another process: left to take the fingerprint itself, it would key its entries by the files as
    # they are when it starts, and an edit made during a run could be stored under the key of the generator before.
    from sunogen import cli

    given: list[Cache] = []

    def generate(sources: dict[str, str], *, cache: Cache, jobs: int) -> dict[str, str]:
        given.append(cache)
        return {}

    monkeypatch.setenv("SUNOGEN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(sunogen, "generate", generate)
    assert cli.main(["generate", "--out", str(tmp_path / "out"), "--jobs", "2"]) == 0
    assert [cache.generator for cache in given] == [fingerprint()]
    assert given[0].folder == tmp_path / "cache"


def test_a_worker_keys_its_entries_by_the_fingerprint_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sunogen.workers import make_each

    sources = _two_specs()
    given = Cache(tmp_path / "cache", "a fingerprint no file has")
    make_each(sources, given, jobs=2)
    made = Made(monkeypatch)
    make_each(sources, given, jobs=1)  # in this process: every model comes from the workers' entries
    assert sorted(made.specs) == sorted(Path(file).stem for file in sources)
    assert made.models == []


def test_templates_are_kept_compiled_per_jinja_version_and_environment(tmp_path: Path) -> None:
    # jinja checks a compiled template against its text only: the environment's options and filters (render.py)
    # and jinja's version decide the rest of its code, so another of either must not read this one's
    compiled = Cache(tmp_path, "one generator").compiled_templates
    assert compiled == Cache(tmp_path, "another generator", results=False).compiled_templates
    assert compiled is not None
    assert compiled.is_relative_to(tmp_path)
    assert Cache(None).compiled_templates is None
    source = Path(render.__file__).read_bytes()
    folders = {
        render.compiled_folder(compiled, "3.1.6", source),
        render.compiled_folder(compiled, "3.1.7", source),
        render.compiled_folder(compiled, "3.1.6", source.replace(b"trim_blocks=True", b"trim_blocks=False")),
    }
    assert len(folders) == 3
    assert all(folder.parent == compiled for folder in folders)


def test_a_cache_folder_that_cannot_be_written_costs_time_not_the_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generated_files: dict[str, str]
) -> None:
    import jinja2

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "dump_bytecode", refuse)
    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "load_bytecode", refuse)
    render._environment.cache_clear()
    try:
        made = sunogen.generate(sunogen.read_specs(SPECS), cache=Cache(tmp_path / "cache", "a full disk"), jobs=1)
    finally:
        render._environment.cache_clear()
    assert made == generated_files


def test_batches_hold_every_spec_once_largest_first_and_shrink_towards_the_end() -> None:
    from sunogen.workers import batches

    specs = {f"specs/v{n:02d}.yaml": "x" * (n * 10 + 1) for n in range(40)}
    found = batches(specs, jobs=2)
    order = [file for batch in found for file in batch]
    assert order == sorted(specs, key=lambda file: -len(specs[file]))  # every spec once, the largest first
    sizes = [len(batch) for batch in found]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == 10  # a quarter of forty: each of two workers starts on a large batch
    assert sizes[-1] == 1  # and the last ones are single specs, so no worker is left long with the others done


def test_workers_format_what_they_make_so_this_process_formats_only_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sunogen import workers
    from sunogen.format import format_files
    from sunogen.render import render_package

    formatted: list[set[str]] = []

    def counted(files: dict[str, str]) -> dict[str, str]:
        formatted.append(set(files))
        return format_files(files)

    monkeypatch.setattr(workers, "format_files", counted)  # what calls ruff in this process; workers do not see it
    in_workers = sunogen.generate(_two_specs(), jobs=2)
    assert formatted == [set(render_package(tuple(Path(file).stem for file in _two_specs())))]
    assert in_workers == sunogen.generate(_two_specs())


def test_a_change_inside_one_spec_leaves_the_package_s_own_files_as_they_are() -> None:
    before, after = sunogen.generate(_two_specs()), sunogen.generate(_two_specs(RULE_EDIT))
    package = ("suno_clients/__init__.py", "suno_clients/_validators/__init__.py", "suno_clients/py.typed")
    assert [before[path] for path in package] == [after[path] for path in package]
    assert before["suno_clients/crun/_client.py"] != after["suno_clients/crun/_client.py"]  # its header's hash


def test_a_worker_ends_without_tearing_its_interpreter_down_once_its_work_is_sent() -> None:
    import subprocess
    import sys

    # an exit handler registered before the worker's initializer runs after the worker's own (last in, first out),
    # as interpreter teardown would: it never runs, and what the worker printed is still flushed
    code = (
        "import atexit\n"
        "atexit.register(print, 'torn down')\n"
        "from sunogen.workers import _started\n"
        "_started()\n"
        "print('sent', end='')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert (done.stdout, done.stderr) == ("sent", "")
    assert done.returncode == 0
