"""DB004 unindexed-lookup: columns that single records are fetched by, without an index, for every
ORM; lookups in other modules found through the workspace index and shown as related information."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backend_ls.fixes import apply_fixes
from backend_ls.rules.base import Applicability
from tests.lsp_helpers import parses
from tests.rules.helpers import findings, lines_of
from tests.rules.helpers import workspace_findings

SA = '''
from sqlalchemy import Column, Index, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200)EMAIL)
    name = Column(String(100))
    TABLE_ARGS

def find(session, email, name):
    return LOOKUP
'''


def sa(lookup: str, email: str = "", table_args: str = "") -> str:
    return SA.replace("LOOKUP", lookup).replace("EMAIL", email).replace("TABLE_ARGS", table_args)


def apply_first_fix(source: str) -> str:
    [finding] = [f for f in findings(source, "DB004") if f.fix is not None]
    text, applied = apply_fixes(textwrap.dedent(source), [finding.fix])
    assert applied and parses(text), text
    assert findings(text, "DB004") == []
    return text


@pytest.mark.parametrize("lookup", [
    "session.query(User).filter_by(email=email).first()",
    "session.query(User).filter_by(email=email).one()",
    "session.query(User).filter_by(email=email).one_or_none()",
    "session.query(User).filter(User.email == email).first()",
    "session.query(User).filter(email == User.email).one()",
    "session.query(User).filter(User.email == email, User.name.isnot(None)).first()",
    "session.execute(select(User).where(User.email == email)).scalar_one_or_none()",
    "session.scalars(select(User).where(User.email == email)).first()",
    "session.scalar(select(User).filter_by(email=email))",
])
def test_sqlalchemy_lookups(lookup):
    found = findings(sa(lookup), "DB004")
    assert [(f.span.start, f.message) for f in found] == [(
        (11, 4),
        "Single `User` records are looked up by `email` (once) but it has no index, so every lookup scans the "
        "table; index it.",
    )]
    assert [(r.span.start[0], r.message) for r in found[0].related] == [(16, "`User` looked up by `email` here")]
    assert found[0].fix.applicability is Applicability.UNSAFE
    assert found[0].fix.title == "Add `index=True` (needs a migration)"
    assert "email = Column(String(200), index=True)" in apply_first_fix(sa(lookup))


@pytest.mark.parametrize("email, table_args", [
    (", index=True", ""),
    (", unique=True", ""),
    (", primary_key=True", ""),
    ("", '__table_args__ = (Index("ix_users_email_name", "email", "name"),)'),
    ("", '__table_args__ = (UniqueConstraint("email"),)'),
])
def test_indexed_columns(email, table_args):
    assert lines_of(sa("session.query(User).filter_by(email=email).first()", email, table_args), "DB004") == []


def test_a_composite_index_that_does_not_start_with_the_column():
    source = sa("session.query(User).filter_by(email=email).first()", "",
                '__table_args__ = (Index("ix_users_name_email", "name", "email"),)')
    assert lines_of(source, "DB004") == [11]


@pytest.mark.parametrize("lookup", [
    "session.query(User).filter_by(email=email).all()",
    "session.query(User).filter(User.email.like(email)).first()",
    "session.query(User).filter(User.email != email).first()",
    "session.query(User).filter_by(email=email, id=3).first()",
    "session.query(User).filter(User.id == 3).first()",
    "session.get(User, 3)",
    "session.query(User).get(3)",
    "session.query(User).filter_by(nickname=name).first()",
    "session.query(Other).filter_by(email=email).first()",
])
def test_near_misses(lookup):
    assert lines_of(sa(lookup), "DB004") == []


def test_a_lookup_by_two_unindexed_columns_is_reported_on_the_first():
    found = findings(sa("session.query(User).filter_by(name=name, email=email).first()"), "DB004")
    assert [(f.span.start[0], f.message.split(" (")[0]) for f in found] == [
        (12, "Single `User` records are looked up by `name`")
    ]


def test_index_false_written_out_is_reported_without_a_fix():
    found = findings(sa("session.query(User).filter_by(email=email).first()", ", index=False"), "DB004")
    assert [(f.span.start[0], f.fix) for f in found] == [(11, None)]


def test_several_lookups_make_one_finding():
    source = sa("session.query(User).filter_by(email=email).first()") + '''

def again(session, email):
    return session.query(User).filter(User.email == email).one()
'''
    [finding] = findings(source, "DB004")
    assert "(in 2 places)" in finding.message
    assert [r.span.start[0] for r in finding.related] == [16, 20]


def test_a_column_of_a_mixin_is_reported_where_it_is_declared():
    source = '''
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()


        class EmailMixin:
            email = Column(String(200))


        class User(EmailMixin, Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)


        def find(session, email):
            return session.query(User).filter_by(email=email).first()
    '''
    assert lines_of(source, "DB004") == [9]


def test_flask_sqlalchemy():
    source = '''
        from flask import Flask
        from flask_sqlalchemy import SQLAlchemy

        app = Flask(__name__)
        db = SQLAlchemy(app)


        class Account(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            username = db.Column(db.String(80), nullable=False)
            token = db.Column(db.String(64))


        @app.get("/accounts/<username>")
        def show(username):
            account = Account.query.filter_by(username=username).first_or_404()
            other = db.session.execute(db.select(Account).where(Account.token == username)).scalar_one()
            return {"id": account.id, "other": other.id}
    '''
    found = findings(source, "DB004")
    assert [f.span.start[0] for f in found] == [11, 12]
    text = apply_first_fix(source.replace("    token = db.Column(db.String(64))\n", "")
                           .replace("other = db.session", "other = None and db.session"))
    assert "username = db.Column(db.String(80), nullable=False, index=True)" in text


def test_sqlmodel():
    source = '''
        from typing import Optional

        from sqlmodel import Field, Session, SQLModel, select


        class Hero(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            name: str = Field()
            secret_name: str


        def by_name(session: Session, name: str):
            a = session.exec(select(Hero).where(Hero.name == name)).first()
            b = session.exec(select(Hero).where(Hero.secret_name == name)).one()
            return a, b
    '''
    found = findings(source, "DB004")
    assert [(f.span.start[0], f.fix is not None) for f in found] == [(9, True), (10, False)]
    text, _ = apply_fixes(textwrap.dedent(source), [found[0].fix])
    assert "name: str = Field(index=True)" in text


DJANGO = '''
from django.db import models
from django.shortcuts import get_object_or_404


class Author(models.Model):
    name = models.CharField(max_length=100)


class Article(models.Model):
    slug = models.SlugField()
    email = models.EmailField(EMAIL)
    code = models.CharField(max_length=10, unique=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    META

def show(request, value):
    return LOOKUP
'''


@pytest.mark.parametrize("lookup", [
    "Article.objects.get(email=value)",
    "Article.objects.get(email__exact=value)",
    "Article.objects.filter(email=value).first()",
    "Article.objects.filter(email=value).get()",
    "get_object_or_404(Article, email=value)",
    "get_object_or_404(Article.objects.filter(title__contains='x'), email=value)",
])
def test_django_lookups(lookup):
    source = DJANGO.replace("LOOKUP", lookup).replace("EMAIL", "").replace("META", "")
    assert lines_of(source, "DB004") == [12]
    text = apply_first_fix(source)
    assert "email = models.EmailField(db_index=True)" in text


@pytest.mark.parametrize("lookup, email, meta", [
    ("Article.objects.get(slug=value)", "", ""),  # SlugField is indexed by default
    ("Article.objects.get(code=value)", "", ""),
    ("Article.objects.get(author=value)", "", ""),  # a foreign key is indexed by default
    ("Article.objects.get(author_id=value)", "", ""),
    ("Article.objects.get(pk=value)", "", ""),
    ("Article.objects.get(id=value)", "", ""),
    ("Article.objects.get(email__iexact=value)", "", ""),
    ("Article.objects.get(author__name=value)", "", ""),
    ("Article.objects.filter(email=value)", "", ""),
    ("Article.objects.get(email=value)", "db_index=True", ""),
    ("Article.objects.get(email=value)", "", 'class Meta:\n        indexes = [models.Index(fields=["email", "title"])]'),
    ("Article.objects.get(email=value)", "", 'class Meta:\n        unique_together = [("email", "author")]'),
])
def test_django_near_misses(lookup, email, meta):
    source = DJANGO.replace("LOOKUP", lookup).replace("EMAIL", email).replace("META", meta)
    assert lines_of(source, "DB004") == []


MODELS = '''
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200))
'''


def test_lookups_in_other_modules(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/views.py": '''
            from .models import User

            def login(session, email):
                return session.query(User).filter_by(email=email).first()
        ''',
        "app/api/__init__.py": "",
        "app/api/users.py": '''
            from sqlalchemy import select

            from app import models as m

            def by_email(session, email):
                return session.scalars(select(m.User).where(m.User.email == email)).one()
        ''',
    }
    [finding] = workspace_findings(tmp_path, files, "app/models.py", "DB004")
    assert finding.span.start == (11, 4)
    assert "(in 2 places)" in finding.message
    assert [(Path(r.path).relative_to(tmp_path.resolve()).as_posix(), r.span.start[0]) for r in finding.related] == [
        ("app/api/users.py", 7), ("app/views.py", 5),
    ]
    assert workspace_findings(tmp_path, {}, "app/views.py", "DB004") == []


def test_a_mixin_in_another_module(tmp_path):
    files = {
        "mixins.py": '''
            from sqlalchemy import Column, String

            class EmailMixin:
                email = Column(String(200))
        ''',
        "models.py": '''
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base

            from mixins import EmailMixin

            Base = declarative_base()

            class User(EmailMixin, Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
        ''',
        "views.py": '''
            from models import User

            def login(session, email):
                return session.query(User).filter_by(email=email).first()
        ''',
    }
    found = workspace_findings(tmp_path, files, "mixins.py", "DB004")
    assert [f.span.start[0] for f in found] == [5]
    assert workspace_findings(tmp_path, {}, "models.py", "DB004") == []
