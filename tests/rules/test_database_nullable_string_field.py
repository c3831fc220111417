"""DB006 nullable-string-field: Django text fields with null=True."""

from __future__ import annotations

import textwrap

from backend_ls.rules.base import Applicability
from tests.rules.helpers import findings, fixed as fix_all, lines_of

CODE = "DB006"
PATH = "shop/models.py"


def fixed(source: str) -> str:
    return fix_all(source, CODE, path=PATH)

def test_a_nullable_char_field_is_reported_on_its_name_with_an_unsafe_fix():
    source = """\
    from django.db import models

    class Profile(models.Model):
        nickname = models.CharField(max_length=40, null=True, blank=True)
    """
    [finding] = findings(source, CODE, path=PATH)
    assert finding.span.start == (4, 4) and finding.span.end == (4, 12)
    assert finding.severity == "warning"
    assert "`nickname`" in finding.message and "null=True" in finding.message
    assert finding.fix.title == "Drop `null=True` (needs a migration)"
    assert finding.fix.applicability == Applicability.UNSAFE
    assert fixed(source) == textwrap.dedent(source).replace("max_length=40, null=True, blank=True", "max_length=40, blank=True")


def test_every_text_field_kind_aliases_and_abstract_models():
    source = """\
    from django.db import models as m
    from django.db.models import EmailField, Model

    class Contact(Model):
        email = EmailField(null=True)
        website = m.URLField(blank=True, null=True)
        slug = m.SlugField(null=True)
        bio = m.TextField(null=True)

    class Named(m.Model):
        name = m.CharField(
            null=True,
            max_length=80,
        )

        class Meta:
            abstract = True
    """
    assert lines_of(source, CODE, path=PATH) == [5, 6, 7, 8, 11]
    assert fixed(source) == textwrap.dedent(source).replace("EmailField(null=True)", "EmailField()").replace(
        "URLField(blank=True, null=True)", "URLField(blank=True)"
    ).replace("SlugField(null=True)", "SlugField()").replace("TextField(null=True)", "TextField()").replace(
        "CharField(\n        null=True,\n        max_length=80,", "CharField(\n        max_length=80,"
    )


def test_unique_non_text_unreadable_and_other_orms_are_quiet():
    source = """\
    from django.db import models
    from sqlalchemy import Column, Integer, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()
    OPTIONAL = {"null": True}

    class Account(models.Model):
        external_id = models.CharField(max_length=64, null=True, unique=True)
        nickname = models.CharField(max_length=40, blank=True)
        age = models.IntegerField(null=True)
        parent = models.ForeignKey("self", null=True, on_delete=models.SET_NULL)
        note = models.TextField(**OPTIONAL)
        code = models.CharField(max_length=8, null=False)

    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)
        nickname = Column(String(40), nullable=True)
    """
    assert lines_of(source, CODE, path=PATH) == []


def test_no_fix_when_the_default_is_none():
    source = """\
    from django.db import models

    class Profile(models.Model):
        nickname = models.CharField(max_length=40, null=True, default=None)
    """
    [finding] = findings(source, CODE, path=PATH)
    assert finding.fix is None
