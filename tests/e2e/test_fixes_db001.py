"""DB001 through the protocol: the unsafe `index=True` fix in each ORM, and a mixin's foreign key
judged by the tables of the models that use it in another file, kept current as that file changes."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from tests.lsp_helpers import code_actions, fix_through_lsp, open_document, replace_document, wait_for_diagnostics
from tests.rules.helpers import findings

FLASK_MODELS = '''from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
'''

SQLMODEL_MODELS = '''from sqlmodel import Field, SQLModel


class Hero(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int | None = Field(
        default=None,
        foreign_key="team.id",
    )
'''

DJANGO_MODELS = '''from django.db import models


class Order(models.Model):
    store = models.ForeignKey("Store", on_delete=models.CASCADE, db_index=False)
'''


async def test_flask_sqlalchemy_fix_adds_index_true(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "models.py", FLASK_MODELS, "DB001")
    assert fixed == FLASK_MODELS.replace("nullable=False)", "nullable=False, index=True)")
    assert findings(fixed, "DB001") == []


async def test_sqlmodel_fix_keeps_the_trailing_comma(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "heroes.py", SQLMODEL_MODELS, "DB001")
    assert fixed == SQLMODEL_MODELS.replace('foreign_key="team.id",\n', 'foreign_key="team.id", index=True,\n')


async def test_django_fix_drops_db_index_false(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "shop" / "models.py", DJANGO_MODELS, "DB001")
    assert fixed == DJANGO_MODELS.replace(", db_index=False)", ")")


async def test_diagnostic_sits_on_the_column_name_and_the_fix_is_unsafe(client, workspace):
    uri = open_document(client, workspace / "models.py", FLASK_MODELS)
    [diagnostic] = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "DB001"]
    assert diagnostic.range == types.Range(start=types.Position(line=7, character=4), end=types.Position(line=7, character=13))
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    actions = await code_actions(client, uri, diagnostic, only=[types.CodeActionKind.QuickFix])
    [fix] = [a for a in actions if a.title.startswith("backend-ls (DB001): ") and "Ignore" not in a.title]
    assert fix.title == "backend-ls (DB001): Add `index=True` (needs a migration) (unsafe)"
    assert not fix.is_preferred


MIXINS = '''from sqlalchemy import Column, ForeignKey, Integer


class TenantMixin:
    tenant_id = Column(Integer, ForeignKey("tenants.id"))
'''

MODELS = '''from sqlalchemy import Column, Index, Integer
from sqlalchemy.orm import DeclarativeBase

from .mixins import TenantMixin


class Base(DeclarativeBase):
    pass


class Invoice(TenantMixin, Base):
    __tablename__ = "invoices"
    __table_args__ = (Index("ix_invoices_tenant_number", "tenant_id", "number"),)
    id = Column(Integer, primary_key=True)
    number = Column(Integer)
'''


async def test_a_mixin_is_judged_by_the_models_in_another_file(client, workspace):
    (workspace / "billing").mkdir()
    (workspace / "billing" / "__init__.py").write_text("")
    models_uri = open_document(client, workspace / "billing" / "models.py", MODELS)
    await wait_for_diagnostics(client, models_uri, 1)
    mixins_uri = open_document(client, workspace / "billing" / "mixins.py", MIXINS)
    diagnostics = await wait_for_diagnostics(client, mixins_uri, 1)
    assert [d for d in diagnostics if d.code == "DB001"] == []  # the only model indexes tenant_id first
    # The model's index no longer starts with the key: the mixin's diagnostic appears.
    published = len(client.published)
    replace_document(client, models_uri, MODELS.replace('"tenant_id", "number"', '"number", "tenant_id"'), 2)
    await wait_for_diagnostics(client, models_uri, 2)
    latest = []
    for _ in range(400):
        latest = await wait_for_diagnostics(client, mixins_uri, None, after=published)
        if [d for d in latest if d.code == "DB001"]:
            break
        published = len(client.published)
        await asyncio.sleep(0.05)
    assert [(d.range.start.line, d.range.start.character) for d in latest if d.code == "DB001"] == [(4, 4)]
