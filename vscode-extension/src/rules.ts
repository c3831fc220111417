// The rule picker: the server's rule list, the codes under the cursor first.
// No `vscode` import here: this logic is unit-tested under plain Node.

/** One entry of the server's `backend-ls.rules` command. */
export interface RuleEntry {
  code: string;
  rule: string;
  title: string;
  summary: string;
  href: string;
}

export interface RulePick {
  label: string;
  description: string;
  detail: string;
  href: string;
  code: string;
  atCursor: boolean;
}

export function isRuleList(value: unknown): value is RuleEntry[] {
  return (
    Array.isArray(value) &&
    value.every((entry) => entry && typeof entry.code === "string" && typeof entry.href === "string")
  );
}

/** Quick-pick items: the rules reported under the cursor first, then the others by code. */
export function rulePicks(rules: RuleEntry[], codesAtCursor: string[]): RulePick[] {
  const here = new Set(codesAtCursor);
  const picks = rules.map((rule) => ({
    label: rule.code,
    description: rule.title + (here.has(rule.code) ? " (under the cursor)" : ""),
    detail: rule.summary,
    href: rule.href,
    code: rule.code,
    atCursor: here.has(rule.code),
  }));
  return picks.sort((a, b) => Number(b.atCursor) - Number(a.atCursor) || a.code.localeCompare(b.code));
}

/** How a rule's document opens: a local Markdown file in the preview, anything else in the browser. */
export function openKind(href: string): "markdown-preview" | "external" | "none" {
  if (!href) {
    return "none";
  }
  return href.startsWith("file:") ? "markdown-preview" : "external";
}
