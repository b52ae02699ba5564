"""Where tasks live: in memory by default, in a SQLite file (`--db`) so that they survive a restart.

Both stores keep each task whole (it never changes once created) and, apart, which of its callbacks were
delivered, so a restarted emulator neither loses a task nor calls back twice. A SQLite file may hold the tasks of
several vendors; each emulator sees only its own.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

from .timeline import Task

_SCHEMA_VERSION = 1


class StoreError(Exception):
    """The --db file cannot be used (not SQLite, another program's database, unwritable)."""


class TaskStore(Protocol):
    """What the emulator needs of a place to keep tasks."""

    def add(self, task: Task) -> None:
        """Keep a new task."""

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None."""

    def delivered(self, task_id: str) -> frozenset[str]:
        """The callbacks of this task already delivered (by step key)."""

    def mark_delivered(self, task_id: str, key: str) -> None:
        """Record that one callback of this task was delivered (or given up)."""

    def with_callbacks(self) -> list[Task]:
        """The tasks that have a callback URL, oldest first."""

    def close(self) -> None:
        """Release the store."""


class MemoryStore:
    """Tasks in a dict: gone when the emulator stops."""

    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}
        self._delivered: dict[str, set[str]] = {}

    def add(self, task: Task) -> None:
        self._tasks[task.id] = task

    def get(self, task_id: str) -> Task | None:
        return self._tasks.get(task_id)

    def delivered(self, task_id: str) -> frozenset[str]:
        return frozenset(self._delivered.get(task_id, ()))

    def mark_delivered(self, task_id: str, key: str) -> None:
        self._delivered.setdefault(task_id, set()).add(key)

    def with_callbacks(self) -> list[Task]:
        return sorted((t for t in self._tasks.values() if t.callback_url), key=lambda t: t.created)

    def close(self) -> None:
        self._tasks.clear()


class SqliteStore:
    """Tasks in a SQLite file, one row each (the task as JSON), for one vendor."""

    def __init__(self, path: Path, vendor: str) -> None:
        self._vendor = vendor
        try:
            self._db = sqlite3.connect(path, isolation_level=None)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: not a SQLite database the emulator can use ({exc})") from None
        if (tables and not {"tasks", "deliveries"} <= tables) or version not in (0, _SCHEMA_VERSION):
            self._db.close()
            raise StoreError(f"{path}: a SQLite database of something else than the sunogen emulator")
        try:
            with self._db:
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS tasks "
                    "(vendor TEXT NOT NULL, id TEXT NOT NULL, created REAL NOT NULL, record TEXT NOT NULL, "
                    "PRIMARY KEY (vendor, id))"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS deliveries "
                    "(vendor TEXT NOT NULL, id TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (vendor, id, key))"
                )
                self._db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
        except sqlite3.Error as exc:
            self._db.close()
            raise StoreError(f"{path}: cannot write to it ({exc})") from None

    def add(self, task: Task) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO tasks (vendor, id, created, record) VALUES (?, ?, ?, ?)",
                (self._vendor, task.id, task.created, json.dumps(asdict(task))),
            )

    def get(self, task_id: str) -> Task | None:
        row = self._db.execute(
            "SELECT record FROM tasks WHERE vendor = ? AND id = ?", (self._vendor, task_id)
        ).fetchone()
        return None if row is None else _task(json.loads(row[0]))

    def delivered(self, task_id: str) -> frozenset[str]:
        rows = self._db.execute("SELECT key FROM deliveries WHERE vendor = ? AND id = ?", (self._vendor, task_id))
        return frozenset(row[0] for row in rows)

    def mark_delivered(self, task_id: str, key: str) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO deliveries (vendor, id, key) VALUES (?, ?, ?)", (self._vendor, task_id, key)
            )

    def with_callbacks(self) -> list[Task]:
        rows = self._db.execute("SELECT record FROM tasks WHERE vendor = ? ORDER BY created", (self._vendor,))
        tasks = (_task(json.loads(row[0])) for row in rows)
        return [task for task in tasks if task.callback_url]

    def close(self) -> None:
        self._db.close()


def _task(record: dict[str, Any]) -> Task:
    record["details"] = tuple(tuple(pair) for pair in record.get("details", ()))
    return Task(**record)


def open_store(db: Path | None, vendor: str) -> TaskStore:
    """A SQLite store at `db`, or a memory store when there is none. Raises StoreError."""
    return MemoryStore() if db is None else SqliteStore(db, vendor)
