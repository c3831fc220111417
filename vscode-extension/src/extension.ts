// The VS Code side of backend-ls: start the server with the right interpreter, pass the settings,
// and give the user commands and a status bar item. Everything the user sees in the editor
// (diagnostics, hovers, quick fixes, code lenses) comes from the server.

import { spawn } from "node:child_process";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

import { chooseLaunch, describeLaunch, installCommand, probeFor, ProbeOutcome, readProbe, ServerLaunch } from "./interpreter";
import { isRuleList, openKind, rulePicks } from "./rules";
import { RESTART_SETTINGS, serverSettings } from "./settings";
import { ServerState, statusView } from "./status";

const CLIENT_ID = "backendLs"; // also the prefix of `backendLs.trace.server`
const SECTION = "backend-ls"; // the section the server asks for
const PROBE_TIMEOUT_MS = 20_000;

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
  resolveEnvironment(environment: { path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}

interface PythonExtensionApi {
  environments?: PythonEnvironmentsApi;
  settings?: {
    getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
    onDidChangeExecutionDetails?: vscode.Event<unknown>;
  };
}

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let launch: ServerLaunch | undefined;
let lastDetail = "";
let starting: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("backend-ls");
  status = vscode.window.createStatusBarItem("backendLs.status", vscode.StatusBarAlignment.Left, 0);
  status.name = "backend-ls";
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("backendLs.restart", () => restart()),
    vscode.commands.registerCommand("backendLs.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("backendLs.openRuleDocument", (code?: string) => openRuleDocument(code)),
    vscode.commands.registerCommand("backendLs.installServer", () => offerInstall(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SETTINGS.some((key) => event.affectsConfiguration(key))) {
        void restart();
      } else if (event.affectsConfiguration(CLIENT_ID) && client?.state === State.Running) {
        // `settings: null` makes the server ask again through workspace/configuration.
        void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart()),
  );
  status.show();
  // Not awaited: activation must not wait for the probe and the server's start.
  void watchPythonInterpreter(context).then(() => restart());
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

function workspaceUri(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

async function pythonExtension(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch (error) {
    output.appendLine(`The Python extension could not be activated: ${error}`);
    return undefined;
  }
}

async function pythonExtensionInterpreter(): Promise<string | undefined> {
  const api = await pythonExtension();
  if (!api) {
    return undefined;
  }
  const resource = workspaceUri();
  try {
    if (api.environments) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await api.environments.resolveEnvironment(active);
      return resolved?.executable.uri?.fsPath ?? active.path;
    }
    return api.settings?.getExecutionDetails(resource).execCommand?.[0];
  } catch (error) {
    output.appendLine(`The Python extension did not give an interpreter: ${error}`);
    return undefined;
  }
}

async function watchPythonInterpreter(context: vscode.ExtensionContext): Promise<void> {
  const api = await pythonExtension();
  const event = api?.environments?.onDidChangeActiveEnvironmentPath ?? api?.settings?.onDidChangeExecutionDetails;
  if (event) {
    context.subscriptions.push(event(() => void restart()));
  }
}

function setState(state: ServerState, detail: string): void {
  lastDetail = detail;
  const view = statusView(state, detail);
  status.text = view.text;
  status.tooltip = view.tooltip;
  status.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
  status.command = state === "missing" ? "backendLs.installServer" : "backendLs.showOutput";
}

function probe(target: ServerLaunch): Promise<ProbeOutcome> {
  const { command, args } = probeFor(target);
  return new Promise((resolve) => {
    let stderr = "";
    let settled = false;
    const finish = (outcome: ProbeOutcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    const child = spawn(command, args, { cwd: workspaceUri()?.fsPath, timeout: PROBE_TIMEOUT_MS });
    child.stderr.on("data", (chunk) => (stderr += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) => finish(readProbe(target, error.code ?? error.message, null, stderr)));
    child.on("close", (code) => finish(readProbe(target, undefined, code, stderr)));
  });
}

async function currentLaunch(): Promise<ServerLaunch> {
  const config = vscode.workspace.getConfiguration(CLIENT_ID, workspaceUri());
  return chooseLaunch({
    pythonExtensionInterpreter: await pythonExtensionInterpreter(),
    interpreterSetting: config.get<string>("interpreter") ?? "",
    workspaceFolder: workspaceUri()?.fsPath,
    home: os.homedir(),
  });
}

function restart(): Promise<void> {
  starting = starting.then(startClient, startClient);
  return starting;
}

async function stopClient(): Promise<void> {
  const previous = client;
  client = undefined;
  if (previous) {
    try {
      await previous.stop();
    } catch (error) {
      output.appendLine(`Stopping the server: ${error}`);
    }
    await previous.dispose();
  }
}

async function startClient(): Promise<void> {
  await stopClient();
  launch = await currentLaunch();
  const described = describeLaunch(launch);
  setState("starting", described);
  output.appendLine(`Starting ${described}`);

  const outcome = await probe(launch);
  if (!outcome.ok) {
    output.appendLine(outcome.detail);
    if (outcome.missing === "unknown") {
      setState("failed", outcome.detail);
      void vscode.window.showErrorMessage(`backend-ls cannot start: ${outcome.detail}`, "Show Output").then((choice) => {
        if (choice) {
          output.show(true);
        }
      });
    } else {
      setState("missing", outcome.detail);
      void offerInstall(false);
    }
    return;
  }

  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    options: { cwd: workspaceUri()?.fsPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    outputChannel: output,
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/pyproject.toml") },
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, index) =>
            item.section === SECTION ? settingsFor(item.scopeUri) : answers[index],
          );
        },
      },
    },
  };
  const created = new LanguageClient(CLIENT_ID, "backend-ls", serverOptions, clientOptions);
  client = created;
  created.onDidChangeState(({ newState }) => {
    if (client !== created) {
      return;
    }
    if (newState === State.Running) {
      setState("running", described);
    } else if (newState === State.Starting) {
      setState("starting", described);
    } else {
      setState("stopped", described);
    }
  });
  try {
    await created.start();
  } catch (error) {
    setState("failed", `${error}`);
    output.appendLine(`The server did not start: ${error}`);
    void vscode.window.showErrorMessage(`backend-ls did not start: ${error}`, "Show Output").then((choice) => {
      if (choice) {
        output.show(true);
      }
    });
  }
}

function settingsFor(scopeUri: string | undefined): Record<string, unknown> {
  const resource = scopeUri ? vscode.Uri.parse(scopeUri) : workspaceUri();
  const config = vscode.workspace.getConfiguration(CLIENT_ID, resource);
  return serverSettings((key) => config.inspect(key));
}

async function offerInstall(fromStatusBar: boolean): Promise<void> {
  const target = launch ?? (await currentLaunch());
  const command = installCommand(target, process.platform);
  const actions = ["Install in Terminal", "Copy Command"];
  if (vscode.extensions.getExtension("ms-python.python")) {
    actions.push("Select Interpreter");
  }
  const prefix = fromStatusBar ? "" : `${lastDetail}. `;
  const choice = await vscode.window.showWarningMessage(
    `${prefix}backend-ls needs its Python package: ${command}`,
    ...actions,
  );
  if (choice === "Install in Terminal") {
    const terminal = vscode.window.createTerminal({ name: "backend-ls install", cwd: workspaceUri()?.fsPath });
    terminal.show();
    terminal.sendText(command);
    const closed = vscode.window.onDidCloseTerminal((which) => {
      if (which === terminal) {
        closed.dispose();
        void restart();
      }
    });
    const again = await vscode.window.showInformationMessage(
      "When the installation has finished, restart backend-ls.",
      "Restart Server",
    );
    if (again) {
      closed.dispose();
      await restart();
    }
  } else if (choice === "Copy Command") {
    await vscode.env.clipboard.writeText(command);
    void vscode.window.showInformationMessage(`Copied: ${command}`);
  } else if (choice === "Select Interpreter") {
    await vscode.commands.executeCommand("python.setInterpreter");
  }
}

function codesAtCursor(): string[] {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return [];
  }
  const position = editor.selection.active;
  return vscode.languages
    .getDiagnostics(editor.document.uri)
    .filter((d) => d.source === "backend-ls" && d.range.contains(position))
    .map((d) => (typeof d.code === "object" ? String(d.code.value) : String(d.code)));
}

async function openRuleDocument(code?: string): Promise<void> {
  if (!client || client.state !== State.Running) {
    void vscode.window.showWarningMessage("backend-ls is not running.", "Show Output").then((choice) => {
      if (choice) {
        output.show(true);
      }
    });
    return;
  }
  const uri = vscode.window.activeTextEditor?.document.uri.toString();
  const rules = await client.sendRequest(ExecuteCommandRequest.type, {
    command: "backend-ls.rules",
    arguments: uri ? [uri] : [],
  });
  if (!isRuleList(rules)) {
    void vscode.window.showErrorMessage("backend-ls did not return its rule list.");
    return;
  }
  const picks = rulePicks(rules, codesAtCursor());
  const chosen = typeof code === "string" ? picks.find((pick) => pick.code === code) : await vscode.window.showQuickPick(picks, {
    title: "backend-ls: open a rule's document",
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!chosen) {
    return;
  }
  switch (openKind(chosen.href)) {
    case "markdown-preview":
      await vscode.commands.executeCommand("markdown.showPreview", vscode.Uri.parse(chosen.href));
      break;
    case "external":
      await vscode.env.openExternal(vscode.Uri.parse(chosen.href));
      break;
    default:
      void vscode.window.showWarningMessage(`${chosen.code} has no document.`);
  }
}
