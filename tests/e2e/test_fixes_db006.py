"""DB006 through the protocol: `null=True` dropped from a Django text field."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp_helpers import code_actions, fix_through_lsp, open_document, wait_for_diagnostics

PROFILE = '''from django.db import models


class Profile(models.Model):
    nickname = models.CharField(max_length=40, null=True, blank=True)
    external_id = models.CharField(max_length=64, null=True, unique=True)
'''

MULTILINE = '''from django.db import models


class Page(models.Model):
    slug = models.SlugField(
        null=True,  # pages imported from the old site have none
        max_length=120,
    )
'''


async def test_the_keyword_and_its_comma_go(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "accounts" / "models.py", PROFILE, "DB006")
    assert fixed == PROFILE.replace("max_length=40, null=True, blank=True", "max_length=40, blank=True")


async def test_a_first_argument_on_its_own_line_goes_with_its_comment(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "pages" / "models.py", MULTILINE, "DB006")
    assert fixed == MULTILINE.replace("        null=True,  # pages imported from the old site have none\n", "")


async def test_diagnostic_range_and_unsafe_title(client, workspace):
    uri = open_document(client, workspace / "accounts" / "models.py", PROFILE)
    [diagnostic] = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "DB006"]
    assert diagnostic.range == types.Range(start=types.Position(line=4, character=4), end=types.Position(line=4, character=12))
    actions = await code_actions(client, uri, diagnostic, only=[types.CodeActionKind.QuickFix])
    [fix] = [a for a in actions if a.title.startswith("backend-ls (DB006): ") and "Ignore" not in a.title]
    assert fix.title == "backend-ls (DB006): Drop `null=True` (needs a migration) (unsafe)"
