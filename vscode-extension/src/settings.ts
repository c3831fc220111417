// VS Code's `backendLs.*` settings -> the server's `backend-ls` configuration section.
// No `vscode` import here: this logic is unit-tested under plain Node.

/** The server's name for each `backendLs.<key>` setting that configures the analysis. */
export const SERVER_KEYS: Readonly<Record<string, string>> = {
  select: "select",
  ignore: "ignore",
  severity: "severity",
  perFileIgnores: "per-file-ignores",
  docsUrl: "docs-url",
  apiRoots: "api-roots",
  httpTimeout: "http-timeout",
};

/** What `WorkspaceConfiguration.inspect` returns (the parts used here). */
export interface Inspected<T = unknown> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value the user set, from the most specific scope that sets one; undefined when only the
 * default applies. Defaults are never sent, so that `[tool.backend-ls]` in pyproject.toml keeps
 * deciding everything the user did not set in the editor.
 */
export function explicitValue<T>(inspected: Inspected<T> | undefined): T | undefined {
  if (!inspected) {
    return undefined;
  }
  for (const value of [inspected.workspaceFolderValue, inspected.workspaceValue, inspected.globalValue]) {
    if (value !== undefined && value !== null) {
      return value;
    }
  }
  return undefined;
}

/** The section the server reads through `workspace/configuration`. */
export function serverSettings(inspect: (key: string) => Inspected | undefined): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, serverKey] of Object.entries(SERVER_KEYS)) {
    const value = explicitValue(inspect(key));
    if (value !== undefined) {
      settings[serverKey] = copy(value);
    }
  }
  return settings;
}

/** Plain JSON, detached from VS Code's read-only configuration proxies. */
function copy(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** Settings whose change needs a new server process rather than a new configuration. */
export const RESTART_SETTINGS = ["backendLs.interpreter"];
