"""The generator refuses what it cannot generate, clearly, and keeps the output folder exactly what the specs make.

The refusals with a spec error each have a snapshot in specs_with_errors/ (test_spec_errors.py); here are those
that need a folder, a process or a comparison: `.yml` files and bytes that are not UTF-8 read from a folder,
`--out` naming a file, ruff's verdict on generated code, a removed spec, and a recursion that is not refused.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import suno_clients
import sunogen
from sunogen.cli import main
from sunogen.format import format_files
from sunogen.load import MAX_SPEC_CHARACTERS, PACKAGE_NAMES, vendor_id_problem
from sunogen.write import stale, write

from .conftest import ROOT, SPECS
from .fixture_package import FIXTURE_SPECS, generated_package

VALID = (ROOT / "tests" / "specs_with_errors" / "_valid.yaml").read_text(encoding="utf-8")


def test_a_yml_file_in_the_specs_folder_is_refused_by_name_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "crun.yml").write_text(VALID)
    with pytest.raises(sunogen.SpecErrors) as caught:
        sunogen.generate(sunogen.read_specs(tmp_path))
    assert [str(e) for e in caught.value.errors] == [
        f"{tmp_path}/crun.yml:1:1: bad-file-name: a spec file is named <vendor>.yaml: rename crun.yml to crun.yaml"
    ]


def test_a_spec_that_is_not_utf8_is_a_spec_error_with_its_line_not_a_decoding_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "latin.yaml").write_bytes(VALID.replace("Example gateway", "Passerelle d\xe9mo").encode("latin-1"))
    (tmp_path / "fine.yaml").write_text(VALID)
    assert main(["generate", "--specs", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path}/latin.yaml:4:22: not-utf8: byte 0xe9 is not UTF-8: a spec is UTF-8 text\n" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_spec_larger_than_the_limit_is_refused_before_it_is_parsed() -> None:
    text = VALID + "x-padding: " + "a" * MAX_SPEC_CHARACTERS + "\n"
    with pytest.raises(sunogen.SpecErrors, match=r"specs/big\.yaml:1:1: too-large: the spec has \d+ characters"):
        sunogen.generate({"specs/big.yaml": text})


def test_every_name_of_the_package_namespace_is_refused_as_a_vendor_id(generated_files: dict[str, str]) -> None:
    tree = ast.parse(generated_files["suno_clients/__init__.py"])
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    # and what the package exports lazily (its __getattr__ and __dir__), as a user's attribute access finds it
    names |= set(dir(suno_clients)) - set(suno_clients.VENDORS)
    could_be_vendors = {name for name in names if vendor_id_problem(f"{name.lower()}.yaml") is None or name.islower()}
    clashing = {name for name in could_be_vendors if name.islower() and not name.startswith("_")}
    assert clashing <= PACKAGE_NAMES
    assert all(vendor_id_problem(f"{name}.yaml") is not None for name in clashing)


@pytest.mark.parametrize("command", ["generate", "check"])
def test_out_naming_a_file_is_a_usage_error_and_the_file_is_untouched(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    out.write_text("my notes\n")
    assert main([command, "--specs", str(SPECS), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"sunogen: error: --out {str(out)!r} is a file, not a folder\n"
    assert out.read_text() == "my notes\n"


def test_generation_fails_when_ruff_reports_an_error_in_generated_code() -> None:
    with pytest.raises(RuntimeError, match=r"ruff check fails on the generated code:\n.*E741"):
        format_files({"suno_clients/broken.py": '"""A module."""\n\nl = 1\n'})


def test_the_generated_code_rules_of_ruff_toml_apply_to_the_files_ruff_checks() -> None:
    # nested ifs are how the rule compiler writes; ruff.toml allows them in _validators/ only
    nested = (
        '"""A module."""\n\n\ndef f(x: int) -> int:\n    if x:\n        if x > 1:\n            return 2\n    return 0\n'
    )
    assert "if x > 1" in format_files({"suno_clients/_validators/v.py": nested})["suno_clients/_validators/v.py"]
    with pytest.raises(RuntimeError, match="SIM102"):
        format_files({"suno_clients/v.py": nested})


def _sources(*names: str) -> dict[str, str]:
    return {f"specs/{name}.yaml": (FIXTURE_SPECS / f"{name}.yaml").read_text(encoding="utf-8") for name in names}


def test_removing_a_spec_removes_its_vendor_package_and_check_reports_it_until_then(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    write(sunogen.generate(_sources("advice", "tree")), out)
    cache = out / "suno_clients" / "tree" / "__pycache__"
    cache.mkdir()
    (cache / "models.cpython-311.pyc").write_bytes(b"bytecode an import left behind")
    files = sunogen.generate(_sources("advice"))
    reported = stale(files, out)
    assert "suno_clients/tree/" in reported
    assert "suno_clients/tree/__init__.py" in reported
    assert all("tree" in rel or rel in {"suno_clients/__init__.py"} for rel in reported)
    write(files, out)
    assert not (out / "suno_clients" / "tree").exists()
    assert (out / "suno_clients" / "advice" / "__init__.py").is_file()
    assert stale(files, out) == []


def test_check_reports_a_vendor_folder_that_only_bytecode_is_left_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "advice.yaml").write_text((FIXTURE_SPECS / "advice.yaml").read_text())
    out = tmp_path / "generated"
    assert main(["generate", "--specs", str(specs), "--out", str(out)]) == 0
    leftover = out / "suno_clients" / "gone" / "__pycache__"
    leftover.mkdir(parents=True)
    (leftover / "__init__.cpython-311.pyc").write_bytes(b"")  # `import suno_clients.gone` would still succeed
    capsys.readouterr()
    assert main(["check", "--specs", str(specs), "--out", str(out)]) == 1
    assert f"{out}/suno_clients/gone/: stale (run `make generate`)" in capsys.readouterr().out.splitlines()
    assert main(["generate", "--specs", str(specs), "--out", str(out)]) == 0
    assert not (out / "suno_clients" / "gone").exists()


TREE = {"name": "a", "parts": [{"name": "b", "parts": [{"name": "c", "parts": []}]}]}


def test_a_recursive_structure_is_not_refused_and_both_its_models_and_its_validator_read_a_tree(
    tmp_path: Path,
) -> None:
    # what cannot be generated is a cycle that never descends (check's ref-cycle); a tree is generated
    with generated_package(tmp_path, "tree") as package:
        tree = package.vendor_module("tree")
        root = tree.Part.model_validate(TREE)
        assert package.validate("tree", "create", {"mode": "simple", "parts": [TREE]}) == []
        deep_typo = {"mode": "simple", "parts": [{"parts": [{"parts": [{"parts": 3}]}]}]}
        (found,) = package.validate("tree", "create", deep_typo)
        built = tree.CreateRequest(mode="simple", parts=[TREE])
    assert root.parts[0].parts[0].name == "c"
    assert (found.path, found.keyword) == ("$.parts[0].parts[0].parts[0].parts", "type")
    assert built.parts is not None
