// Which command starts the server, and what to tell the user when it cannot start.
// No `vscode` import here: this logic is unit-tested under plain Node.

export type LaunchSource = "python-extension" | "setting" | "path";

export interface ServerLaunch {
  command: string;
  args: string[];
  source: LaunchSource;
  /** The interpreter that runs `-m backend_ls`, when the server is started through one. */
  python?: string;
}

export interface LaunchInputs {
  /** The Python extension's active interpreter for the workspace (absent: extension not installed or no interpreter). */
  pythonExtensionInterpreter?: string;
  /** The `backendLs.interpreter` setting, as written by the user. */
  interpreterSetting?: string;
  /** For `${workspaceFolder}` in the setting. */
  workspaceFolder?: string;
  /** For `~` and `${userHome}` in the setting. */
  home?: string;
}

export const SERVER_MODULE_ARGS = ["-m", "backend_ls", "serve"];
export const SERVER_EXECUTABLE = "backend-ls";
export const PACKAGE = "backend-ls";

/** Expand the variables VS Code users write in path settings. */
export function expandPath(value: string, inputs: LaunchInputs): string {
  let result = value.trim();
  if (inputs.workspaceFolder !== undefined) {
    result = result.split("${workspaceFolder}").join(inputs.workspaceFolder);
  }
  if (inputs.home !== undefined) {
    result = result.split("${userHome}").join(inputs.home);
    if (result === "~" || result.startsWith("~/") || result.startsWith("~\\")) {
      result = inputs.home + result.slice(1);
    }
  }
  return result;
}

/**
 * The Python extension's active interpreter when it is installed, else the `backendLs.interpreter`
 * setting, else `backend-ls` on PATH.
 */
export function chooseLaunch(inputs: LaunchInputs): ServerLaunch {
  const fromExtension = inputs.pythonExtensionInterpreter?.trim();
  if (fromExtension) {
    return { command: fromExtension, args: [...SERVER_MODULE_ARGS], source: "python-extension", python: fromExtension };
  }
  const setting = inputs.interpreterSetting ? expandPath(inputs.interpreterSetting, inputs) : "";
  if (setting) {
    return { command: setting, args: [...SERVER_MODULE_ARGS], source: "setting", python: setting };
  }
  return { command: SERVER_EXECUTABLE, args: ["serve"], source: "path" };
}

/** The command that checks, without starting the server, that it can start. */
export function probeFor(launch: ServerLaunch): { command: string; args: string[] } {
  if (launch.python) {
    return { command: launch.python, args: ["-c", "import backend_ls"] };
  }
  return { command: launch.command, args: ["--version"] };
}

function quote(argument: string, platform: string): string {
  if (/^[\w@%+=:,./\\-]+$/.test(argument)) {
    return argument;
  }
  if (platform === "win32") {
    return `"${argument.replace(/"/g, '""')}"`;
  }
  return `'${argument.replace(/'/g, "'\\''")}'`;
}

/** The pip command that installs the server for the chosen interpreter (or a default one). */
export function installCommand(launch: ServerLaunch, platform: string): string {
  const python = launch.python ?? (platform === "win32" ? "py" : "python3");
  return `${quote(python, platform)} -m pip install ${PACKAGE}`;
}

export function describeLaunch(launch: ServerLaunch): string {
  const line = [launch.command, ...launch.args].join(" ");
  switch (launch.source) {
    case "python-extension":
      return `${line} (the Python extension's interpreter)`;
    case "setting":
      return `${line} (backendLs.interpreter)`;
    default:
      return `${line} (from PATH)`;
  }
}

export type ProbeOutcome = { ok: true } | { ok: false; missing: "interpreter" | "server" | "unknown"; detail: string };

/** Read the outcome of the probe: a spawn error code, or an exit status and stderr. */
export function readProbe(launch: ServerLaunch, error: string | undefined, status: number | null, stderr: string): ProbeOutcome {
  if (error === "ENOENT") {
    // Without an interpreter, `backend-ls` missing from PATH is the same as the server missing.
    return launch.python
      ? { ok: false, missing: "interpreter", detail: `${launch.python} was not found` }
      : { ok: false, missing: "server", detail: `${SERVER_EXECUTABLE} was not found on PATH` };
  }
  if (error) {
    return { ok: false, missing: "unknown", detail: `${launch.command} could not be run (${error})` };
  }
  if (status === 0) {
    return { ok: true };
  }
  if (launch.python && /No module named ['"]?backend_ls/.test(stderr)) {
    return { ok: false, missing: "server", detail: `backend-ls is not installed for ${launch.python}` };
  }
  return { ok: false, missing: "unknown", detail: `${launch.command} exited with status ${status}: ${stderr.trim()}` };
}
