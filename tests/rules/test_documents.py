"""The documents are tests: each check's Bad Practice triggers it, its Good Practice does not."""

from __future__ import annotations

import pytest

from backend_ls.fixes import apply_fixes
from backend_ls.rules.base import Applicability
from backend_ls.rules.registry import load_rules
from tests.lsp_helpers import parses
from tests.rules.helpers import findings

RULES = load_rules()
CODES = sorted(RULES.rules)


def test_every_document_loads():
    assert RULES.errors == []
    assert {"backend-fundamentals", "restful-api-design", "security", "database-design",
            "performance-optimization", "service-architecture"} <= set(RULES.areas)


def settings_of(code: str) -> dict:
    """The settings a document's examples are checked with (its front matter's `settings:`)."""
    return RULES.document(code).settings or {}


@pytest.mark.parametrize("code", CODES)
def test_bad_practice_triggers(code):
    document = RULES.document(code)
    assert findings(document.bad, code, **settings_of(code)), f"{code}: its Bad Practice block is not reported"


@pytest.mark.parametrize("code", CODES)
def test_good_practice_is_clean(code):
    document = RULES.document(code)
    assert findings(document.good, code, **settings_of(code)) == [], f"{code}: its Good Practice block is reported"


@pytest.mark.parametrize("code", CODES)
def test_document_metadata_matches_the_rule(code):
    document = RULES.document(code)
    assert document.area in RULES.areas
    found = findings(document.bad, code, **settings_of(code))
    offered = {f.fix.applicability for f in found if f.fix is not None}
    if document.fix == "none":
        assert offered == set()
    else:
        expected = Applicability.SAFE if document.fix == "safe" else Applicability.UNSAFE
        assert expected in offered, f"{code}: the document says {document.fix}, the fixes are {offered}"


@pytest.mark.parametrize("code", [c for c in CODES if RULES.document(c).fix != "none"])
def test_fix_of_bad_practice_parses_removes_and_is_idempotent(code):
    source = RULES.document(code).bad
    settings = settings_of(code)
    fixes = [f.fix for f in findings(source, code, **settings) if f.fix is not None]
    fixed, applied = apply_fixes(source, fixes)
    assert applied and parses(fixed), fixed
    assert findings(fixed, code, **settings) == [], fixed
    again, _ = apply_fixes(fixed, [f.fix for f in findings(fixed, code, **settings) if f.fix is not None])
    assert again == fixed


def test_a_broken_document_disables_its_check_with_a_clear_message(tmp_path):
    from backend_ls.rules.base import RuleSet
    from backend_ls.rules.documents import RuleDocumentError, load_document
    from backend_ls.rules.registry import _add
    from backend_ls.rules.services.http_without_timeout import HttpWithoutTimeout

    broken = tmp_path / "broken.md"
    broken.write_text("---\nid: [unclosed\n---\n# Rule\n", encoding="utf-8")
    with pytest.raises(RuleDocumentError, match="not valid YAML"):
        load_document(broken, check=True)
    missing_section = tmp_path / "missing.md"
    missing_section.write_text(RULES.document("SVC001").path.read_text().replace("### Bad Practice:", "### Worse:"))
    ruleset = RuleSet()
    _add(ruleset, type("Copy", (HttpWithoutTimeout,), {"__module__": __name__}), missing_section)
    assert "SVC001" not in ruleset.rules
    assert ruleset.errors == [f"SVC001 is disabled: {missing_section}: no '### Bad Practice:' python code block"]
