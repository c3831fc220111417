"""DB004 quick fixes through the protocol: `index=True` / `db_index=True` on the column, in the
model's file, whether the lookup is in the same file or in another one."""

from __future__ import annotations

from lsprotocol import types

from tests.e2e.test_queries_across_files import MODELS, VIEWS, indexed
from tests.lsp_helpers import code_actions, fix_through_lsp, open_document, wait_for_diagnostics

FLASK = '''from flask import Flask, abort
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


class Article(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(
        db.String(120),
        nullable=False,
    )


@app.get("/api/v1/articles/<slug>")
def show(slug):
    article = Article.query.filter_by(slug=slug).first()
    if article is None:
        abort(404)
    return {"id": article.id}
'''

DJANGO = '''from django.db import models
from django.shortcuts import get_object_or_404


class Member(models.Model):
    email = models.EmailField()


def profile(request, email):
    member = get_object_or_404(Member, email=email)
    return member
'''


async def test_flask_sqlalchemy_column_gets_index(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "articles.py", FLASK, "DB004")
    assert fixed == FLASK.replace("        nullable=False,\n    )", "        nullable=False, index=True,\n    )")


async def test_django_field_gets_db_index(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "members.py", DJANGO, "DB004")
    assert fixed == DJANGO.replace("models.EmailField()", "models.EmailField(db_index=True)")


async def test_the_fix_in_the_models_file_for_a_lookup_in_another(client, workspace):
    await indexed(client, workspace, {"shop/__init__.py": "", "shop/views.py": VIEWS, "shop/models.py": MODELS}, "Customer")
    fixed = await fix_through_lsp(client, workspace / "shop" / "models.py", MODELS, "DB004")
    assert fixed == MODELS.replace("email = Column(String(200))", "email = Column(String(200), index=True)")


async def test_the_fix_says_it_needs_a_migration_and_is_no_preferred_fix(client, workspace):
    uri = open_document(client, workspace / "members.py", DJANGO)
    [diagnostic] = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "DB004"]
    actions = await code_actions(client, uri, diagnostic, only=[types.CodeActionKind.QuickFix])
    titles = [a.title for a in actions if a.title.startswith("backend-ls (DB004)") and "Ignore" not in a.title]
    assert titles == ["backend-ls (DB004): Add `db_index=True` (needs a migration) (unsafe)"]
    assert not any(a.is_preferred for a in actions if a.title in titles)
