"""Build: what stage 3 puts in the IR for a minimal hand-written spec (operations, methods, the poll, rules with
their ids and JSON pointers), and the spec errors only building finds."""

from __future__ import annotations

import pytest

from sunogen import ir
from sunogen.build import build
from sunogen.check import check
from sunogen.diagnostics import SpecErrors
from sunogen.load import load

from .conftest import ROOT

BASE = (ROOT / "tests" / "specs_with_errors" / "_valid.yaml").read_text(encoding="utf-8")
"""A create with one rule (custom-needs-prompt) and no poll."""

POLL = """\
  /task/{task_id}:
    get:
      operationId: get_task
      x-sunogen-poll:
        status: data.status
        pending: [queued]
        success: [done]
        failure: [failed]
        clips: data.clips
      parameters:
        - {name: task_id, in: path, required: true, schema: {type: string}}
        - {name: withClips, in: query, schema: {type: boolean}}
        - {name: from, in: query, schema: {type: [integer, string]}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/CreateResponse'}
"""


def _built(text: str, vendor: str = "example") -> ir.Vendor:
    spec = load(f"specs/{vendor}.yaml", text)
    errors = check(spec)
    assert not errors, "\n".join(map(str, errors))
    return build(spec)


CLIPS = "x-sunogen-clips: {fields: {id: id, audio_url: audio_url, image_url: image_url, title: title, duration: d}}\n"


def _with_poll(text: str = BASE) -> str:
    """BASE whose create makes a task that get_task polls (and whose clips the spec describes)."""
    text = text.replace("components:\n", CLIPS + "components:\n", 1)
    data = "        data: {type: object, properties: {task_id: {type: string}}}\n"
    text = text.replace("        code: {type: integer}\n", "        code: {type: integer}\n" + data, 1)
    return (
        text.replace(
            "      x-sunogen-creates-task: true\n",
            "      x-sunogen-creates-task: true\n      x-sunogen-task: {id: data.task_id, poll: get_task}\n",
        )
        + POLL
    )


def test_each_operation_is_built_in_spec_order_with_its_place_models_and_verb() -> None:
    vendor = _built(_with_poll())
    create, get_task = vendor.operations
    assert (create.id, create.pointer, create.method, create.path) == (
        "create",
        "/paths/~1create/post",
        "POST",
        "/create",
    )
    assert (create.request, create.result_model, create.creates_task) == ("CreateRequest", "CreateResponse", True)
    assert create.task is not None
    assert create.task.poll == "get_task"
    assert (get_task.pointer, get_task.method, get_task.request) == ("/paths/~1task~1{task_id}/get", "GET", None)
    assert get_task.poll is not None
    assert (get_task.poll.pending, get_task.poll.success, get_task.poll.failure) == (
        ("queued",),
        ("done",),
        ("failed",),
    )


def test_parameters_get_python_names_and_types() -> None:
    (task_id, with_clips, from_) = _built(_with_poll()).operations[1].params
    assert (task_id.name, task_id.python_name, task_id.location, task_id.required) == (
        "task_id",
        "task_id",
        "path",
        True,
    )
    assert (with_clips.python_name, with_clips.python_type, with_clips.required) == ("with_clips", "bool", False)
    assert (from_.python_name, from_.python_type) == ("from_", "int | str")


def test_the_methods_are_the_operations_then_wait_then_create_and_wait_bound_to_the_poll() -> None:
    vendor = _built(_with_poll())
    get_task = vendor.operations[1]
    assert [(m.name, m.kind, m.operation.id) for m in vendor.methods] == [
        ("create", "create", "create"),
        ("get_task", "call", "get_task"),
        ("wait", "wait", "get_task"),
        ("create_and_wait", "create_and_wait", "create"),
    ]
    assert vendor.methods[0].returns.startswith("NewTask[")
    and_wait = vendor.methods[-1]
    assert and_wait.poll == get_task
    assert and_wait.params == "CreateRequestParams"
    assert and_wait.returns == "TaskResult[models.CreateResponse]"


def test_without_a_task_and_its_poll_an_operation_is_a_plain_call_with_no_wait() -> None:
    assert [(m.name, m.kind, m.returns) for m in _built(BASE).methods] == [("create", "call", "models.CreateResponse")]


def test_two_creates_get_an_and_wait_method_each_named_after_them() -> None:
    text = _with_poll()
    text += """\
  /remix:
    post:
      operationId: remix
      x-sunogen-creates-task: true
      x-sunogen-task: {id: data.task_id, poll: get_task}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/CreateResponse'}
"""
    names = [m.name for m in _built(text).methods if m.kind == "create_and_wait"]
    assert names == ["create_and_wait", "remix_and_wait"]


def test_a_rule_is_in_the_ir_with_its_id_message_severity_and_pointer() -> None:
    request = next(c for c in _built(BASE).components if c.name == "CreateRequest")
    assert request.request
    assert request.schema.pointer == "/components/schemas/CreateRequest"
    (rule_node,) = request.schema.schemas("allOf")
    assert rule_node.pointer == "/components/schemas/CreateRequest/allOf/0"
    assert rule_node.rule == ir.Rule("custom-needs-prompt", "mode=custom: prompt is required.", "error")
    then = rule_node.schema("then")
    assert then is not None
    assert (then.pointer, then.names("required"), then.rule) == (
        "/components/schemas/CreateRequest/allOf/0/then",
        ("prompt",),
        None,
    )
    mode = dict(request.schema.members("properties"))["mode"]
    assert (mode.pointer, mode.enum) == ("/components/schemas/CreateRequest/properties/mode", ("simple", "custom"))


def test_a_warning_rule_is_a_warning_and_so_is_a_rule_inside_it() -> None:
    text = BASE.replace(
        '          description: "mode=custom: prompt is required."\n',
        '          description: "mode=custom: prompt is required."\n          x-sunogen-severity: warning\n',
    )
    request = next(c for c in _built(text).components if c.name == "CreateRequest")
    (rule_node,) = request.schema.schemas("allOf")
    assert rule_node.rule is not None
    assert rule_node.rule.severity == "warning"


def test_a_response_component_holds_no_rule_and_is_not_a_request() -> None:
    response = next(c for c in _built(BASE).components if c.name == "CreateResponse")
    assert not response.request
    assert response.schema.rule is None


def test_the_vendor_is_named_from_its_file_and_the_spec_s_auth_and_envelope() -> None:
    vendor = _built(BASE, "my_gateway")
    assert (vendor.id, vendor.file, vendor.env_key) == (
        "my_gateway",
        "specs/my_gateway.yaml",
        "SUNOGEN_MY_GATEWAY_API_KEY",
    )
    assert vendor.auth == ir.Auth("header", "x-api-key")
    assert (vendor.envelope.code, vendor.envelope.success, vendor.envelope.data) == ("code", (200,), "data")
    assert vendor.base_url == "https://example.invalid"


def test_the_content_hash_follows_the_text_and_not_where_the_specs_folder_is() -> None:
    assert _built(BASE).content_hash == _built(BASE).content_hash
    assert _built(BASE).content_hash != _built(BASE + "# a comment\n").content_hash


def test_an_operation_id_that_is_a_python_keyword_is_a_spec_error_that_only_build_finds() -> None:
    text = BASE.replace("operationId: create", "operationId: lambda")
    spec = load("specs/example.yaml", text)
    assert check(spec) == []
    with pytest.raises(SpecErrors) as caught:
        build(spec)
    assert [e.code for e in caught.value.errors] == ["bad-name"]
    assert "'lambda' is a Python keyword" in str(caught.value.errors[0])
