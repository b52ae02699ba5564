"""Set-up: each make target installs only the extra it needs, a .venv of another Python is rebuilt, the generator's
libraries are an extra that `sunogen generate` names when missing, and the generated package stands alone.

The Makefile is exercised with `make -n` (what it would run) in a copy of the project's two set-up files: nothing
is installed and nothing touches the network.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from sunogen.cli import _GENERATOR_MODULES

from .conftest import GENERATED, ROOT

PYTHON_ID = "-".join([sys.implementation.cache_tag or "", *map(str, sys.version_info[:3])])


def extras() -> dict[str, list[str]]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        found: dict[str, list[str]] = tomllib.load(file)["project"]["optional-dependencies"]
    return found


def requirement_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


# -- the generator extra -------------------------------------------------------------------------------------------


def without(modules: tuple[str, ...], *args: str) -> subprocess.CompletedProcess[str]:
    """The console script in a process where `modules` cannot be imported, as after `pip install .`."""
    code = (
        "import sys\n"
        f"for name in {modules!r}:\n"
        "    sys.modules[name] = None\n"
        "sys.argv[0] = 'sunogen'\n"
        "from sunogen.cli import run\n"
        "run()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )


@pytest.mark.parametrize("module", _GENERATOR_MODULES)
@pytest.mark.parametrize("command", ["generate", "check"])
def test_without_the_generator_extra_generate_says_which_extra_to_install(
    module: str, command: str, tmp_path: Path
) -> None:
    done = without((module,), command, "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr == (
        f"sunogen: error: `sunogen {command}` needs the generator's libraries ({module} is not installed): "
        "pip install 'sunogen[generator]'\n"
    )
    assert not (tmp_path / "out").exists()


def test_validate_needs_nothing_of_the_generator_extra(tmp_path: Path) -> None:
    payload = tmp_path / "ok.json"
    payload.write_text('{"model": "suno/music-generate", "input": {"mode": "simple", "prompt": "x"}}')
    done = without(_GENERATOR_MODULES, "validate", "--vendor", "crun", "--operation", "create_task", str(payload))
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{payload}: valid\n", "")


def test_the_libraries_generate_looks_for_are_exactly_the_generator_extra() -> None:
    providers = packages_distributions()
    provided = {requirement_name(dist) for module in _GENERATOR_MODULES for dist in providers.get(module, [])}
    assert provided == {requirement_name(r) for r in extras()["generator"]}


def test_the_package_needs_only_pydantic_and_httpx_at_run_time() -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    assert sorted(requirement_name(r) for r in project["dependencies"]) == ["httpx", "pydantic"]


# -- make --------------------------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with the project's Makefile and pyproject.toml, and a .venv made by this very Python."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / f".python-{PYTHON_ID}").touch()
    return tmp_path


def planned(project: Path, target: str) -> list[str]:
    """The commands `make <target>` would run."""
    # run as a top-level make even under `make test`: a nested one would announce the folder it enters
    env = {name: value for name, value in os.environ.items() if name not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", target, f"PYTHON={sys.executable}"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout.splitlines()


def installs(commands: list[str]) -> list[str]:
    return [m for command in commands for m in re.findall(r"pip install --quiet -e '\.\[([a-z,]+)\]'", command)]


@pytest.mark.parametrize(("target", "extra"), [("generate", "generator"), ("test", "test"), ("check", "check")])
def test_each_make_target_installs_only_the_extra_it_needs(project: Path, target: str, extra: str) -> None:
    assert installs(planned(project, target)) == [extra]


def test_the_test_extra_has_the_generator_and_check_has_the_tests() -> None:
    found = extras()
    assert "sunogen[generator]" in found["test"]
    assert "sunogen[test]" in found["check"]
    assert "pytest" not in {requirement_name(r) for r in found["generator"]}


def test_an_installed_extra_is_not_installed_again(project: Path) -> None:
    (project / ".venv" / ".extra-generator").touch()
    commands = planned(project, "generate")
    assert commands[0] == ".venv/bin/sunogen generate"
    assert installs(commands) == []
    assert not any(" -m venv " in command or command.startswith("rm ") for command in commands)


def test_an_extra_is_installed_again_when_pyproject_changes(project: Path) -> None:
    stamp = project / ".venv" / ".extra-generator"
    stamp.touch()
    os.utime(project / "pyproject.toml", (stamp.stat().st_mtime + 10, stamp.stat().st_mtime + 10))
    assert installs(planned(project, "generate")) == ["generator"]


def test_a_venv_built_by_another_python_is_rebuilt(project: Path) -> None:
    (project / ".venv" / f".python-{PYTHON_ID}").unlink()
    (project / ".venv" / ".python-cpython-310-3-10-12").touch()
    (project / ".venv" / ".installed").touch()  # what the previous Makefile left
    (project / ".venv" / ".extra-generator").touch()
    commands = planned(project, "generate")
    assert commands[:2] == ["rm -rf .venv", f"{sys.executable} -m venv .venv"]
    assert installs(commands) == ["generator"]


# -- the generated package in another project ------------------------------------------------------------------------


def test_the_generated_package_copied_into_another_project_works_without_sunogen(tmp_path: Path) -> None:
    shutil.copytree(GENERATED / "suno_clients", tmp_path / "suno_clients")
    code = (
        "import sys\n"
        "for name in ('sunogen', 'yaml', 'jinja2', 'datamodel_code_generator', 'ruff'):\n"
        "    sys.modules[name] = None\n"
        "import suno_clients\n"
        f"assert suno_clients.__file__.startswith({str(tmp_path)!r}), suno_clients.__file__\n"
        "from suno_clients import crun\n"
        "payload = {'model': 'suno/music-generate', 'input': {'mode': 'simple', 'prompt': 'x'}}\n"
        "assert suno_clients.validate('crun', 'create_task', payload) == []\n"
        "with crun.Client(api_key='sk-test-key') as client:\n"
        "    print(client.base_url)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("https://")


def _closure(names: set[str]) -> set[str]:
    """The distributions `names` install, with everything they require (as installed here), by normalised name."""
    from importlib.metadata import PackageNotFoundError, requires

    found: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        try:
            needed = requires(name) or []
        except PackageNotFoundError:
            continue
        # requirements without a marker (an `extra == ...` marker installs only with that extra of theirs)
        pending += [requirement_name(r) for r in needed if ";" not in r]
    return found


def _extra_closure(extra: str) -> set[str]:
    direct: set[str] = set()
    for requirement in extras()[extra]:
        if requirement.startswith("sunogen["):
            direct |= _extra_closure(requirement[len("sunogen[") : -1])
        else:
            direct.add(requirement_name(requirement))
    return _closure(direct | {"pydantic", "httpx"})


def test_every_library_the_tests_import_is_installed_by_the_test_extra() -> None:
    # `make test` on a fresh machine installs the test extra only: a test that imports a library only the check
    # extra brings passes wherever `make check` ran first, and fails on a fresh clone
    import ast

    providers = packages_distributions()
    installed = _extra_closure("test")
    missing: dict[str, set[str]] = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            for module in modules:
                top = module.split(".")[0]
                dists = {requirement_name(d) for d in providers.get(top, [])}
                if dists and not dists & installed and top not in ("sunogen", "suno_clients"):
                    missing.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    assert not missing, f"imported by tests, not installed by the test extra: {missing}"
