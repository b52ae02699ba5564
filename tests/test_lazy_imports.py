"""Import cost: what importing a vendor's package, client or models does and does not do (each in a fresh process)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import typing

import pytest

import suno_clients


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("vendor", suno_clients.VENDORS)
def test_importing_a_vendors_models_builds_no_validator_until_a_model_is_first_used(vendor: str) -> None:
    code = (
        f"import suno_clients.{vendor}.models as m\n"
        "from pydantic import BaseModel\n"
        "models = [v for v in vars(m).values() if isinstance(v, type) and issubclass(v, BaseModel)]\n"
        "mine = [v for v in models if v.__module__ == m.__name__]\n"
        "print(len(mine), sorted(v.__name__ for v in mine if v.__pydantic_complete__))\n"
    )
    count, built = _run(code).split(" ", 1)
    assert int(count) > 0
    assert built == "[]"


def test_importing_a_vendor_package_imports_neither_its_client_nor_its_models_nor_httpx() -> None:
    code = (
        "import sys, suno_clients.crun\n"
        "heavy = ['suno_clients.crun._client', 'suno_clients.crun.models', 'suno_clients._validators.crun',\n"
        "         'httpx', 'pydantic.main']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    assert _run(code) == "[]"


@pytest.mark.parametrize("vendor", suno_clients.VENDORS)
def test_importing_a_client_defines_no_model_and_imports_no_validator_polling_or_webhook_code(vendor: str) -> None:
    code = (
        "import sys\n"
        f"from suno_clients.{vendor} import AsyncClient, Client\n"
        f"later = ['suno_clients.{vendor}.models', 'suno_clients._validators.{vendor}',\n"
        "         'suno_clients._runtime.model_bases', 'suno_clients._runtime.polling',\n"
        "         'suno_clients._runtime.callbacks', 'pydantic.main']\n"
        "print(sorted(m for m in later if m in sys.modules))\n"
    )
    assert _run(code) == "[]"


def test_a_fresh_client_imports_its_models_on_its_first_call_and_validates_as_before() -> None:
    code = (
        "import httpx\n"
        "from suno_clients.crun import Client\n"
        "def answer(request):\n"
        "    return httpx.Response(200, json={'code': 200, 'message': 'ok', 'data': {'task_id': 't-1'}})\n"
        "http = httpx.Client(transport=httpx.MockTransport(answer))\n"
        "client = Client(api_key='k', http_client=http)\n"
        "created = client.create_task(model='suno/music-generate', input={'mode': 'simple', 'prompt': 'rain'})\n"
        "try:\n"
        "    client.create_task(model='suno/music-generate', input={'mode': 'custom', 'instrumental': 'false'})\n"
        "except Exception as error:\n"
        "    print(type(created).__name__, created.task_id, type(error).__name__)\n"
    )
    assert _run(code) == "NewTask t-1 RequestValidationError"


@pytest.mark.parametrize("vendor", suno_clients.VENDORS)
def test_dir_of_a_vendor_package_lists_every_exported_name_before_any_is_imported(vendor: str) -> None:
    code = (
        f"import suno_clients.{vendor} as m\n"
        "listed = dir(m)\n"
        "print(sorted(set(m.__all__) - set(listed)), 'models' in listed, listed == sorted(listed))\n"
    )
    assert _run(code) == "[] True True"


@pytest.mark.parametrize("vendor", suno_clients.VENDORS)
def test_every_exported_name_is_the_object_its_defining_module_holds(vendor: str) -> None:
    module = suno_clients.vendor_module(vendor)
    sources = [
        importlib.import_module(f"suno_clients.{vendor}._client"),
        importlib.import_module(f"suno_clients.{vendor}.models"),
        importlib.import_module(f"suno_clients.{vendor}.params"),
        importlib.import_module("suno_clients._runtime.exceptions"),
        importlib.import_module(f"suno_clients._validators.{vendor}"),
    ]
    for name in module.__all__:
        value = getattr(module, name)
        assert any(getattr(source, name, None) is value for source in sources), name
    assert module.models is sources[1]
    assert module.params is sources[2]


def test_a_star_import_gives_every_exported_name() -> None:
    namespace: dict[str, object] = {}
    exec("from suno_clients.sunor import *", namespace)
    assert set(suno_clients.vendor_module("sunor").__all__) <= set(namespace)


def test_a_name_a_vendor_package_does_not_export_is_an_attribute_error() -> None:
    module = suno_clients.vendor_module("crun")
    with pytest.raises(AttributeError, match="has no attribute 'Clinet'"):
        module.Clinet  # noqa: B018
    assert not hasattr(module, "Clinet")


@pytest.mark.parametrize("vendor", suno_clients.VENDORS)
def test_the_annotations_of_every_client_method_resolve(vendor: str) -> None:
    module = suno_clients.vendor_module(vendor)
    for cls in (module.Client, module.AsyncClient):
        for name, method in vars(cls).items():
            if callable(method) and not name.startswith("_"):
                hints = typing.get_type_hints(method)
                assert "return" in hints, f"{cls.__name__}.{name}"


@pytest.mark.parametrize("vendor", suno_clients.VENDORS)
def test_a_client_checks_each_body_with_the_validator_validate_uses_for_its_operation(vendor: str) -> None:
    from suno_clients._runtime.request_bodies import rules_of

    module = suno_clients.vendor_module(vendor)
    operations = importlib.import_module(f"suno_clients._validators.{vendor}").OPERATIONS
    assert operations
    for operation, check in operations.items():
        hint = typing.get_type_hints(getattr(module.Client, operation))["request"]
        model = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        assert rules_of(model) is check, operation


@pytest.mark.parametrize("vendor", suno_clients.VENDORS)
def test_a_vendor_module_is_an_attribute_of_the_package_after_import_suno_clients_alone(vendor: str) -> None:
    code = (
        "import sys, suno_clients\n"
        "before = sorted(m for m in sys.modules if m.startswith('suno_clients.') and '._' not in m)\n"
        f"module = suno_clients.{vendor}\n"
        f"print(before, module is sys.modules['suno_clients.{vendor}'], callable(module.Client),\n"
        f"      '{vendor}' in dir(suno_clients))\n"
    )
    assert _run(code) == "[] True True True"


def test_a_request_model_is_reached_from_the_package_as_a_user_would_try() -> None:
    code = "import suno_clients\nprint(suno_clients.crun.CreateTaskRequest.__name__)\n"
    assert _run(code) == "CreateTaskRequest"
    with pytest.raises(AttributeError, match="has no attribute 'crunn'"):
        suno_clients.crunn  # noqa: B018


def test_import_suno_clients_imports_neither_the_song_nor_connect_nor_pydantic_nor_httpx() -> None:
    code = (
        "import sys, suno_clients\n"
        "heavy = ['suno_clients._runtime.song', 'suno_clients._runtime.connect', 'pydantic', 'httpx']\n"
        "print(sorted(m for m in heavy if m in sys.modules), 'Song' in dir(suno_clients))\n"
    )
    assert _run(code) == "[] True"


@pytest.mark.parametrize("vendor", suno_clients.VENDORS)
def test_a_song_is_made_into_a_vendors_body_offline_without_httpx_its_client_or_its_models(vendor: str) -> None:
    code = (
        "import sys\n"
        "from suno_clients import Song, UnsupportedSongError\n"
        "try:\n"
        f"    Song(description='rain', model='v4').to_request({vendor!r})\n"
        "except UnsupportedSongError:\n"
        "    pass\n"
        f"heavy = ['httpx', 'suno_clients.{vendor}._client', 'suno_clients.{vendor}.models']\n"
        f"print(sorted(m for m in heavy if m in sys.modules), 'suno_clients._validators.{vendor}' in sys.modules)\n"
    )
    assert _run(code) == "[] True"
