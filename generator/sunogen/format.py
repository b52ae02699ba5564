"""Stage 6, format: ruff (pinned, with the project's one ruff.toml) over a batch of rendered files.

`generate` formats everything one run made in one batch: ruff shares the files among its threads.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

CONFIG = Path(__file__).resolve().parent / "ruff.toml"


def _ruff() -> str:
    from ruff.__main__ import find_ruff_bin

    return str(find_ruff_bin())


def format_files(files: dict[str, str]) -> dict[str, str]:
    """The same files after `ruff check --fix` and `ruff format`: one ruff process each for the whole batch."""
    with tempfile.TemporaryDirectory(prefix="sunogen-") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        ruff = _ruff()
        common = ["--config", str(CONFIG), "--no-cache", "--quiet"]
        for command in (["check", "--fix"], ["format"]):
            # run from the folder: ruff.toml's per-file patterns for generated code resolve against it
            done = subprocess.run([ruff, *command, *common, "."], capture_output=True, text=True, check=False, cwd=root)
            if done.returncode != 0:  # our bug, not the user's: generated code ruff cannot parse or does not pass
                raise RuntimeError(f"ruff {command[0]} fails on the generated code:\n{done.stdout}{done.stderr}")
        return {rel: (root / rel).read_text(encoding="utf-8") for rel in files}
