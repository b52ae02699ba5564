"""connect()'s keyword options are exactly the vendor clients' own: a client option never goes missing from them."""

from __future__ import annotations

import inspect

import pytest

from sunogen.runtime.async_client import AsyncAPIClient
from sunogen.runtime.connect import AsyncClientOptions, ClientOptions
from sunogen.runtime.sync_client import SyncAPIClient


@pytest.mark.parametrize(
    ("options", "client"), [(ClientOptions, SyncAPIClient), (AsyncClientOptions, AsyncAPIClient)], ids=["sync", "async"]
)
def test_the_options_of_connect_are_the_keyword_parameters_of_the_client(options: type, client: type) -> None:
    parameters = inspect.signature(client).parameters
    accepted = {name for name in parameters if name != "self"}
    assert set(options.__annotations__) == accepted  # names only: the types are for type checkers
