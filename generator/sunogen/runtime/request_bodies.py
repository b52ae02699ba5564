"""Request bodies: a request model or keyword fields become the exact JSON to send, checked before any network call."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .exceptions import RequestValidationError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .violations import Violation

Check = Callable[[object], "list[Violation]"]
log = logging.getLogger("suno_clients")
_rules: dict[type, Check | None] = {}

# JSON's scalars by exact type, sent as they are; anything else (a model, a tuple, a dict subclass, an enum member)
# takes the general path.
_SCALARS = (str, int, float, bool, type(None))


def to_json(value: Any) -> Any:
    """A payload as it will be sent: models dumped by alias with only the fields that were set, containers copied."""
    if type(value) is dict:
        # a scalar member is taken as it is, without a call: most of a body's members are scalars
        return {key: member if type(member) in _SCALARS else to_json(member) for key, member in value.items()}
    if type(value) is list:
        return [item if type(item) in _SCALARS else to_json(item) for item in value]
    if type(value) in _SCALARS:
        return value
    return _other_to_json(value)


def _other_to_json(value: Any) -> Any:
    # Imported here: a model instance can only exist once its module has imported pydantic, so by the time a
    # payload holds one this costs nothing, and a client that is only imported never loads pydantic's models.
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def rules_of(cls: type) -> Check | None:
    """The compiled validator of a generated request model (all of the spec's rules for it), or None if none.

    The rules of `suno_clients.<vendor>.models` live in `suno_clients._validators.<vendor>.RULES`, keyed by model
    name; that module is imported on first use, so importing a client does not import its validators.
    """
    if cls not in _rules:
        root, _, rest = cls.__module__.partition(".")
        name = f"{root}._validators.{rest.split('.')[0]}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # only "there is no such validators module" (a model written outside suno_clients) means no rules;
            # anything failing inside the module is an error, not a reason to send unchecked requests
            if exc.name is None or not (name == exc.name or name.startswith(f"{exc.name}.")):
                raise
            module = None
        rules: dict[str, Check] = getattr(module, "RULES", {})
        _rules[cls] = rules.get(cls.__name__)
    return _rules[cls]


def prepare_body(
    vendor: str,
    operation: str,
    model: type[BaseModel],
    request: BaseModel | None,
    fields: Mapping[str, Any],
) -> dict[str, Any]:
    """The JSON body of a call, from a `model` instance or from keyword fields, never both.

    The spec's rules for `model` (its compiled validator, the one `validate()` runs for this operation) run on
    exactly what will be sent (a model may have been changed since it was built), so an invalid request raises
    RequestValidationError listing every error and nothing reaches the transport. A request with only warnings
    (the document's advice) is sent, each warning logged at WARNING on the `suno_clients` logger.
    """
    if request is not None and fields:
        raise TypeError(f"{operation}() takes a {model.__name__} or keyword fields, not both")
    if request is not None and not isinstance(request, model):
        raise TypeError(f"{operation}() takes a {model.__name__}, not {type(request).__name__}")
    check = rules_of(model)
    if check is None:
        # A request model always has a compiled validator; without one nothing may be sent unchecked.
        raise LookupError(f"{vendor} {operation}: no compiled validator for {model.__name__}")
    body = to_json(request) if request is not None else to_json(fields if type(fields) is dict else dict(fields))
    violations = check(body)
    if violations:
        errors = [v for v in violations if v.severity == "error"]
        if errors:
            raise RequestValidationError(errors, vendor=vendor, operation=operation)
        for warning in violations:
            log.warning("%s %s: %s", vendor, operation, warning)
    result: dict[str, Any] = body
    return result
