import assert from "node:assert/strict";
import { test } from "node:test";

import { statusView } from "../src/status";

test("each state has its own icon, and the states that need the user are coloured", () => {
  const states = ["starting", "running", "stopped", "missing", "failed"] as const;
  const texts = states.map((state) => statusView(state, "x").text);
  assert.equal(new Set(texts).size, states.length);
  assert.ok(texts.every((text) => text.endsWith("backend-ls")));
  assert.equal(statusView("running", "x").background, undefined);
  assert.equal(statusView("missing", "x").background, "statusBarItem.warningBackground");
  assert.equal(statusView("failed", "x").background, "statusBarItem.errorBackground");
  assert.match(statusView("missing", "backend-ls was not found on PATH").tooltip, /not found on PATH/);
});
