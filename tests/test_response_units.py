"""Response fields marked `x-sunogen-unit: unix-time` accept unix seconds or milliseconds and hold seconds."""

from __future__ import annotations

import pytest

from suno_clients import crun, gptge, relay


@pytest.mark.parametrize("field", ["submitTime", "startTime", "finishTime", "submit_time"])
def test_relay_times_in_milliseconds_are_read_as_seconds(field: str) -> None:
    task = relay.TaskInfo.model_validate({"task_id": "t", field: 1726911801000})
    assert getattr(task, field) == 1726911801


def test_times_already_in_seconds_and_the_zero_of_an_unfinished_task_are_kept() -> None:
    task = gptge.TaskInfo.model_validate({"task_id": "t", "submit_time": 1726911801, "finish_time": 0})
    assert (task.submit_time, task.finish_time) == (1726911801, 0)


def test_crun_create_at_in_milliseconds_matches_the_documented_seconds() -> None:
    fields = crun.TaskInfo.model_fields
    assert fields["create_at"].json_schema_extra == {"x-sunogen-unit": "unix-time"}
    seconds = crun.TaskInfo.model_validate({"task_id": "t", "create_at": 1768900378})
    millis = crun.TaskInfo.model_validate({"task_id": "t", "create_at": 1768900378000})
    assert seconds.create_at == millis.create_at == 1768900378


def test_a_time_of_the_wrong_type_is_still_a_validation_error() -> None:
    with pytest.raises(ValueError, match="submit_time"):
        gptge.TaskInfo.model_validate({"task_id": "t", "submit_time": "yesterday"})
