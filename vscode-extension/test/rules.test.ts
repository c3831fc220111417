import assert from "node:assert/strict";
import { test } from "node:test";

import { isRuleList, openKind, RuleEntry, rulePicks } from "../src/rules";

const RULES: RuleEntry[] = [
  { code: "SVC001", rule: "http-without-timeout", title: "HTTP call without timeout", summary: "s1", href: "file:///x/http_without_timeout.md" },
  { code: "API001", rule: "a", title: "Title A", summary: "s2", href: "https://docs.example.com/a" },
  { code: "API002", rule: "b", title: "Title B", summary: "s3", href: "" },
];

test("the codes under the cursor come first, then the others by code", () => {
  const picks = rulePicks(RULES, ["SVC001"]);
  assert.deepEqual(picks.map((p) => p.code), ["SVC001", "API001", "API002"]);
  assert.equal(picks[0].description, "HTTP call without timeout (under the cursor)");
  assert.equal(picks[1].description, "Title A");
  assert.deepEqual(rulePicks(RULES, []).map((p) => p.code), ["API001", "API002", "SVC001"]);
});

test("a local document opens in the Markdown preview, a URL in the browser", () => {
  assert.equal(openKind("file:///x/http_without_timeout.md"), "markdown-preview");
  assert.equal(openKind("https://docs.example.com/a"), "external");
  assert.equal(openKind(""), "none");
});

test("the server's answer is checked before use", () => {
  assert.ok(isRuleList(RULES));
  assert.ok(isRuleList([]));
  assert.ok(!isRuleList(null));
  assert.ok(!isRuleList([{ code: 1 }]));
});
