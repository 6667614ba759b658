"""The README's quick start stays true: its command shows the cut, as the README shows it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def quick_start() -> tuple[str, str]:
    """The quick start's command and the output the README shows for it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"```sh\n(.*?)\n```", section, re.DOTALL)
    shown = re.search(r"```text\n(.*?)\n```", section, re.DOTALL)
    assert command and shown
    return command.group(1), shown.group(1)


def test_the_quick_start_prints_what_the_readme_shows() -> None:
    command, shown = quick_start()
    installed = command.rsplit(" && ", 1)[1].split()
    assert installed[0] == ".venv/bin/cleaner" and installed[1] == "explain"
    run = [sys.executable, "-m", "cleaner", *installed[1:]]
    done = subprocess.run(run, cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.endswith("\n")  # the prompt comes back on a line of its own
    tally = shown[shown.index("== removed") :]
    assert done.stdout.endswith(tally + "\n")
    for line in shown[: shown.index("== removed")].splitlines():
        for piece in filter(None, (part.strip() for part in line.split("…"))):
            assert piece in done.stdout, piece  # the excerpts are the real output, shortened
