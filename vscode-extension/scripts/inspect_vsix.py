"""Inspect a packaged .vsix (a zip): the manifest declares the settings and commands, the main
bundle is inside and loads with nothing but `vscode` supplied, and every analysis setting is one
the server accepts. Exit status 1, with the reasons, when something is wrong."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

SETTINGS = {
    "backendLs.interpreter",
    "backendLs.select",
    "backendLs.ignore",
    "backendLs.severity",
    "backendLs.docsUrl",
    "backendLs.trace.server",
}
CLIENT_ONLY = {"backendLs.interpreter", "backendLs.trace.server"}
COMMANDS = {"backendLs.restart", "backendLs.showOutput", "backendLs.openRuleDocument"}

# Load the bundle with a stand-in for the `vscode` module: any other missing module fails.
LOADER = """
const Module = require("module");
const original = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") {
    return new Proxy({}, { get: () => new Proxy(function () {}, { get: (t, k) => (k === "then" ? undefined : t) }) });
  }
  return original.apply(this, arguments);
};
const extension = require(process.argv[1]);
if (typeof extension.activate !== "function" || typeof extension.deactivate !== "function") {
  console.error("the bundle does not export activate and deactivate");
  process.exit(1);
}
"""


def snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()


def inspect(vsix: Path) -> list[str]:
    problems = []
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        if "extension/package.json" not in names:
            return [f"{vsix}: no extension/package.json"]
        manifest = json.loads(archive.read("extension/package.json"))
        main = "extension/" + manifest.get("main", "").removeprefix("./")
        if not main.endswith(".js"):
            main += ".js"
        if main not in names or archive.getinfo(main).file_size == 0:
            problems.append(f"the main bundle {main} is missing or empty")
        if any(name.startswith("extension/node_modules/") for name in names):
            problems.append("node_modules is packaged: the bundle should hold the dependencies")
        if any(name.startswith(("extension/src/", "extension/out/")) for name in names):
            problems.append("sources or test output are packaged")
        properties = manifest.get("contributes", {}).get("configuration", {}).get("properties", {})
        for setting in sorted(SETTINGS - set(properties)):
            problems.append(f"the setting {setting} is not declared")
        commands = {command["command"] for command in manifest.get("contributes", {}).get("commands", [])}
        for command in sorted(COMMANDS - commands):
            problems.append(f"the command {command} is not declared")
        if "onLanguage:python" not in manifest.get("activationEvents", []):
            problems.append("the extension does not activate on Python files")
        try:
            from backend_ls.options import CONVERTERS
        except ImportError:
            print("backend_ls is not importable: the settings are not compared with the server's", file=sys.stderr)
        else:
            for setting in sorted(set(properties) - CLIENT_ONLY):
                key = snake(setting.removeprefix("backendLs."))
                if key not in CONVERTERS:
                    problems.append(f"the server does not accept the setting {setting} ({key})")
        if main in names:
            with tempfile.TemporaryDirectory() as folder:
                bundle = Path(folder) / "extension.js"
                bundle.write_bytes(archive.read(main))
                loaded = subprocess.run(["node", "-e", LOADER, str(bundle)], capture_output=True, text=True)
                if loaded.returncode != 0:
                    lines = [line for line in loaded.stderr.splitlines() if line.strip()]
                    reason = next((line for line in lines if "rror" in line), lines[0] if lines else "")
                    problems.append(f"the bundle does not load: {reason.strip()}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: inspect_vsix.py FILE.vsix", file=sys.stderr)
        return 2
    problems = inspect(Path(argv[0]))
    for problem in problems:
        print(f"{argv[0]}: {problem}", file=sys.stderr)
    if not problems:
        print(f"{argv[0]}: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
