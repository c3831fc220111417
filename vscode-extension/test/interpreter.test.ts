import assert from "node:assert/strict";
import { test } from "node:test";

import { chooseLaunch, describeLaunch, expandPath, installCommand, probeFor, readProbe } from "../src/interpreter";

test("the Python extension's interpreter comes first", () => {
  const launch = chooseLaunch({ pythonExtensionInterpreter: "/venv/bin/python", interpreterSetting: "/other/python" });
  assert.deepEqual(launch, {
    command: "/venv/bin/python",
    args: ["-m", "backend_ls", "serve"],
    source: "python-extension",
    python: "/venv/bin/python",
  });
});

test("without the Python extension, the backendLs.interpreter setting", () => {
  const launch = chooseLaunch({ interpreterSetting: "${workspaceFolder}/.venv/bin/python", workspaceFolder: "/repo" });
  assert.equal(launch.command, "/repo/.venv/bin/python");
  assert.deepEqual(launch.args, ["-m", "backend_ls", "serve"]);
  assert.equal(launch.source, "setting");
});

test("a blank interpreter from the Python extension does not count", () => {
  assert.equal(chooseLaunch({ pythonExtensionInterpreter: "  ", interpreterSetting: "/py" }).source, "setting");
});

test("without either, backend-ls from PATH", () => {
  assert.deepEqual(chooseLaunch({ interpreterSetting: "   " }), { command: "backend-ls", args: ["serve"], source: "path" });
  assert.deepEqual(chooseLaunch({}), { command: "backend-ls", args: ["serve"], source: "path" });
});

test("~ and ${userHome} expand to the home folder; other text stays", () => {
  assert.equal(expandPath("~/venvs/api/bin/python", { home: "/home/ada" }), "/home/ada/venvs/api/bin/python");
  assert.equal(expandPath("${userHome}/py", { home: "/home/ada" }), "/home/ada/py");
  assert.equal(expandPath("/opt/~x/python", { home: "/home/ada" }), "/opt/~x/python");
  assert.equal(expandPath("${workspaceFolder}/py", {}), "${workspaceFolder}/py");
});

test("the probe imports the package through an interpreter, or asks the executable its version", () => {
  assert.deepEqual(probeFor(chooseLaunch({ interpreterSetting: "/py" })), { command: "/py", args: ["-c", "import backend_ls"] });
  assert.deepEqual(probeFor(chooseLaunch({})), { command: "backend-ls", args: ["--version"] });
});

test("the pip command uses the chosen interpreter, quoted when it must be", () => {
  assert.equal(installCommand(chooseLaunch({ interpreterSetting: "/venv/bin/python" }), "linux"), "/venv/bin/python -m pip install backend-ls");
  assert.equal(
    installCommand(chooseLaunch({ interpreterSetting: "/My Projects/venv/bin/python" }), "darwin"),
    "'/My Projects/venv/bin/python' -m pip install backend-ls",
  );
  assert.equal(
    installCommand(chooseLaunch({ interpreterSetting: "C:\\Program Files\\Python312\\python.exe" }), "win32"),
    '"C:\\Program Files\\Python312\\python.exe" -m pip install backend-ls',
  );
  assert.equal(installCommand(chooseLaunch({}), "linux"), "python3 -m pip install backend-ls");
  assert.equal(installCommand(chooseLaunch({}), "win32"), "py -m pip install backend-ls");
});

test("reading the probe: what is missing", () => {
  const python = chooseLaunch({ interpreterSetting: "/venv/bin/python" });
  const path = chooseLaunch({});
  assert.deepEqual(readProbe(python, undefined, 0, ""), { ok: true });
  assert.deepEqual(readProbe(python, "ENOENT", null, ""), { ok: false, missing: "interpreter", detail: "/venv/bin/python was not found" });
  assert.deepEqual(readProbe(path, "ENOENT", null, ""), { ok: false, missing: "server", detail: "backend-ls was not found on PATH" });
  assert.deepEqual(
    readProbe(python, undefined, 1, "Traceback...\nModuleNotFoundError: No module named 'backend_ls'\n"),
    { ok: false, missing: "server", detail: "backend-ls is not installed for /venv/bin/python" },
  );
  const other = readProbe(python, undefined, 1, "SyntaxError: bad\n");
  assert.equal(other.ok, false);
  assert.equal(!other.ok && other.missing, "unknown");
  assert.equal(readProbe(path, "EACCES", null, "").ok, false);
});

test("the launch is described with where it came from", () => {
  assert.equal(describeLaunch(chooseLaunch({})), "backend-ls serve (from PATH)");
  assert.equal(
    describeLaunch(chooseLaunch({ pythonExtensionInterpreter: "/v/python" })),
    "/v/python -m backend_ls serve (the Python extension's interpreter)",
  );
});
