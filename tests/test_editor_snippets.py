"""The editor setups in editors/ and the README's Editors section: they parse, start the server
the same way (`backend-ls serve`), map Python files, and hold settings the server accepts. (The
Neovim setups are also run in a real Neovim by tests/e2e/test_neovim.py.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from backend_ls.options import Settings, apply_overrides

ROOT = Path(__file__).resolve().parents[1]
EDITORS = ROOT / "editors"
COMMAND = ["backend-ls", "serve"]


def readme_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Editors\n") : text.index("## Configuration\n")]
    return re.findall(rf"^```{language}\n(.*?)^```", section, re.M | re.S)


def accepted(settings: dict) -> bool:
    _, problems = apply_overrides(Settings(), settings, "editor settings")
    assert not problems, problems
    return True


def test_the_command_every_setup_uses_exists():
    run = subprocess.run([sys.executable, "-m", "backend_ls", "serve", "--help"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_helix():
    for text in [(EDITORS / "helix" / "languages.toml").read_text(), *readme_blocks("toml")]:
        config = tomllib.loads(text)
        server = config["language-server"]["backend-ls"]
        assert [server["command"], *server["args"]] == COMMAND
        assert accepted(server["config"]["settings"])
        python = next(language for language in config["language"] if language["name"] == "python")
        assert "backend-ls" in python["language-servers"]


def test_sublime():
    clients = [json.loads((EDITORS / "sublime" / "LSP.sublime-settings").read_text())["clients"]]
    clients += [json.loads(block)["clients"] for block in readme_blocks("json") if '"clients"' in block]
    assert len(clients) == 2
    for client in clients:
        server = client["backend-ls"]
        assert server["command"] == COMMAND and server["selector"] == "source.python" and server["enabled"]
        assert accepted(server["settings"]["backend-ls"])


def test_jetbrains_template():
    folder = EDITORS / "jetbrains" / "backend-ls"
    template = json.loads((folder / "template.json").read_text())
    assert template["programArgs"]["default"].split() == COMMAND
    assert template["fileTypeMappings"] == [
        {"fileType": {"name": "Python", "patterns": ["*.py"]}, "languageId": "python"}
    ]
    # LSP4IJ answers workspace/configuration with the value under the section's name.
    assert accepted(json.loads((folder / "settings.json").read_text())["backend-ls"])
    assert accepted(json.loads((folder / "initializationOptions.json").read_text())["settings"])
    assert (folder / "README.md").is_file()
    # The settings example of the step-by-step guide is valid too.
    guide = (EDITORS / "jetbrains" / "README.md").read_text()
    example = re.search(r"```json\n(.*?)```", guide, re.S).group(1)
    assert accepted(json.loads(example)["backend-ls"])


def balanced(lisp: str) -> bool:
    depth = 0
    code = re.sub(r'"(\\.|[^"\\])*"', '""', lisp)
    code = re.sub(r";.*", "", code)
    for char in code:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_emacs():
    for text in [(EDITORS / "emacs" / "backend-ls.el").read_text(), *readme_blocks("elisp")]:
        assert balanced(text)
        assert '("backend-ls" "serve")' in text
        assert "python-mode python-ts-mode" in text


def test_neovim_blocks_match_the_files():
    blocks = readme_blocks("lua")
    assert len(blocks) == 2
    for block in blocks:
        assert '{ "backend-ls", "serve" }' in block and '{ "python" }' in block
    setup = (EDITORS / "neovim" / "backend_ls.lua").read_text()
    assert 'root_markers = { "pyproject.toml", "setup.cfg", "setup.py", ".git" }' in setup
    assert 'root_markers = { "pyproject.toml", "setup.cfg", "setup.py", ".git" }' in blocks[0]
