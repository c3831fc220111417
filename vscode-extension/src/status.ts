// The status bar item's text for each state of the server.
// No `vscode` import here: this logic is unit-tested under plain Node.

export type ServerState = "starting" | "running" | "stopped" | "missing" | "failed";

export interface StatusView {
  text: string;
  tooltip: string;
  /** A ThemeColor id for the item's background, for the states that need the user. */
  background?: string;
}

export function statusView(state: ServerState, detail: string): StatusView {
  switch (state) {
    case "starting":
      return { text: "$(sync~spin) backend-ls", tooltip: `backend-ls is starting: ${detail}` };
    case "running":
      return { text: "$(check) backend-ls", tooltip: `backend-ls is running: ${detail}\nClick for the output.` };
    case "stopped":
      return { text: "$(circle-slash) backend-ls", tooltip: `backend-ls is stopped. ${detail}\nClick for the output.` };
    case "missing":
      return {
        text: "$(warning) backend-ls",
        tooltip: `backend-ls is not installed: ${detail}\nClick to install it.`,
        background: "statusBarItem.warningBackground",
      };
    case "failed":
      return {
        text: "$(error) backend-ls",
        tooltip: `backend-ls failed: ${detail}\nClick for the output.`,
        background: "statusBarItem.errorBackground",
      };
  }
}
