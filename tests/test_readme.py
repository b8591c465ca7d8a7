"""The README's Quick start is two commands that work on a fresh clone of a fresh machine, and
CI runs the second one, word for word."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = "python3 -m venv .venv && . .venv/bin/activate && "


def quick_start() -> list[str]:
    section = (ROOT / "README.md").read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, re.DOTALL)


def test_the_quick_start_is_two_commands_each_in_a_virtual_environment():
    commands = quick_start()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    # Debian's and Ubuntu's own Python refuses a bare `pip install` (externally managed).
    assert all(c.startswith(VENV) for c in commands)
    assert commands[0].endswith("python run.py --demo")
    assert commands[1].endswith("pytest")


def test_ci_runs_the_readmes_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    body = re.search(r"^test_command\(\) \{ (.+) \"\$@\"; \}$", ci, re.MULTILINE).group(1)
    assert body == quick_start()[1]
