import assert from "node:assert/strict";
import { test } from "node:test";

import { explicitValue, Inspected, serverSettings } from "../src/settings";

function inspector(values: Record<string, Inspected>) {
  return (key: string) => values[key];
}

test("only values the user set are sent, under the server's names", () => {
  const settings = serverSettings(
    inspector({
      select: { defaultValue: undefined, globalValue: ["SVC", "API"] },
      ignore: { defaultValue: undefined },
      severity: { workspaceValue: { SVC001: "error" } },
      perFileIgnores: { globalValue: { "tests/*": ["SEC"] } },
      docsUrl: { workspaceFolderValue: "https://docs.example.com/rules" },
      apiRoots: { defaultValue: ["/api"] },
      httpTimeout: { globalValue: 5 },
    }),
  );
  assert.deepEqual(settings, {
    select: ["SVC", "API"],
    severity: { SVC001: "error" },
    "per-file-ignores": { "tests/*": ["SEC"] },
    "docs-url": "https://docs.example.com/rules",
    "http-timeout": 5,
  });
});

test("nothing set: an empty section, so pyproject.toml decides", () => {
  assert.deepEqual(serverSettings(() => undefined), {});
  assert.deepEqual(serverSettings(() => ({ defaultValue: ["ALL"] })), {});
});

test("the most specific scope wins: folder over workspace over user", () => {
  assert.deepEqual(explicitValue({ globalValue: ["A"], workspaceValue: ["B"], workspaceFolderValue: ["C"] }), ["C"]);
  assert.deepEqual(explicitValue({ globalValue: ["A"], workspaceValue: ["B"] }), ["B"]);
  assert.deepEqual(explicitValue({ globalValue: ["A"], defaultValue: ["Z"] }), ["A"]);
  assert.equal(explicitValue({ defaultValue: ["Z"] }), undefined);
  assert.equal(explicitValue(undefined), undefined);
});

test("an empty list set on purpose is sent: it clears pyproject's list", () => {
  assert.deepEqual(serverSettings(inspector({ ignore: { workspaceValue: [] } })), { ignore: [] });
});

test("the values are copies, not the configuration objects", () => {
  const severity = { SVC: "hint" };
  const settings = serverSettings(inspector({ severity: { globalValue: severity } }));
  assert.deepEqual(settings.severity, severity);
  assert.notEqual(settings.severity, severity);
});
