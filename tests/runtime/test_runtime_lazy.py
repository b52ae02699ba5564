"""Lazy imports: a module global that imports on first use, and a package __getattr__/__dir__ (PEP 562)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sunogen.runtime.lazy import LazyModule, lazy_exports


def test_a_lazy_module_global_becomes_the_module_itself_on_first_attribute_read() -> None:
    namespace: dict[str, Any] = {}
    namespace["codec"] = LazyModule("json", namespace, "codec")
    assert repr(namespace["codec"]) == "<lazy module 'json'>"
    assert namespace["codec"].dumps is json.dumps
    assert namespace["codec"] is json


def test_a_lazy_module_reports_a_missing_attribute_of_the_real_module() -> None:
    namespace: dict[str, Any] = {}
    namespace["codec"] = LazyModule("json", namespace, "codec")
    with pytest.raises(AttributeError):
        namespace["codec"].no_such_function  # noqa: B018


def test_lazy_exports_resolve_each_name_once_and_then_keep_it_in_the_namespace() -> None:
    namespace: dict[str, Any] = {"__name__": "pkg"}
    getattr_, dir_ = lazy_exports("email", namespace, {"json": ("dumps", "loads")}, submodules=("utils",))
    assert getattr_("dumps") is json.dumps
    assert namespace["dumps"] is json.dumps
    assert getattr_("utils").__name__ == "email.utils"
    assert "loads" not in namespace
    assert dir_() == ["__name__", "dumps", "loads", "utils"]


def test_lazy_exports_reject_a_name_they_do_not_export() -> None:
    getattr_, _ = lazy_exports("email", {}, {"json": ("dumps",)})
    with pytest.raises(AttributeError, match="module 'email' has no attribute 'nope'"):
        getattr_("nope")
