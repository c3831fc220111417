"""DB005 repeated-column-group: numbered columns and id lists in strings, in every ORM."""

from __future__ import annotations

from tests.rules.helpers import findings, lines_of

CODE = "DB005"


def test_three_numbered_columns_are_one_finding_on_the_first():
    source = """\
    from sqlalchemy import Column, Integer, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Contact(Base):
        __tablename__ = "contacts"
        id = Column(Integer, primary_key=True)
        phone2 = Column(String(32))
        phone1 = Column(String(32))
        name = Column(String(80))
        phone3 = Column(String(32))
    """
    [finding] = findings(source, CODE)
    assert finding.span.start == (9, 4) and finding.span.end == (9, 10)  # first in the source
    assert finding.fix is None and finding.severity == "warning"
    assert "`phone2`, `phone1`, `phone3`" in finding.message


def test_every_orm_and_separators():
    source = """\
    import sqlalchemy as sa
    from django.db import models
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
    from sqlmodel import Field, SQLModel

    db = SQLAlchemy()

    class Base(DeclarativeBase):
        pass

    class Address(Base):
        __tablename__ = "addresses"
        id: Mapped[int] = mapped_column(primary_key=True)
        address_line_1: Mapped[str]
        address_line_2: Mapped[str | None]
        address_line_3: Mapped[str | None]

    class Survey(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        answer_1 = db.Column(db.Text)
        answer_2 = db.Column(db.Text)
        answer_3 = db.Column(db.Text)
        answer_4 = db.Column(db.Text)

    class Player(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        slot1: str | None = None
        slot2: str | None = None
        slot3: str | None = None

    class Gallery(models.Model):
        photo1 = models.ForeignKey("Photo", on_delete=models.CASCADE, related_name="+")
        photo2 = models.ForeignKey("Photo", on_delete=models.CASCADE, related_name="+")
        photo3 = models.ForeignKey("Photo", on_delete=models.CASCADE, related_name="+")

    class Legacy(Base):
        __tablename__ = "legacy"
        id = sa.Column(sa.Integer, primary_key=True)
        tag_ids = sa.Column(sa.String(500))
        memberIds = sa.Column(sa.Text)
    """
    assert lines_of(source, CODE, path="app/models.py") == [15, 21, 28, 33, 40, 41]


def test_pairs_versions_sizes_and_real_collections_are_quiet():
    source = """\
    from sqlalchemy import JSON, Column, ForeignKey, Integer, String
    from sqlalchemy.dialects.postgresql import ARRAY
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class File(Base):
        __tablename__ = "files"
        id = Column(Integer, primary_key=True)
        sha1 = Column(String(40))
        sha256 = Column(String(64))
        sha512 = Column(String(128))
        p50 = Column(Integer)
        p90 = Column(Integer)
        p99 = Column(Integer)
        ipv4 = Column(String)
        ipv6 = Column(String)
        x1 = Column(Integer)
        x2 = Column(Integer)
        tag_ids = Column(ARRAY(Integer))
        member_ids = Column(JSON)
        owner_id = Column(Integer, ForeignKey("users.id"))
        idsx = Column(String)
    """
    assert lines_of(source, CODE) == []


def test_mixins_and_abstract_models_are_read_too():
    source = """\
    from django.db import models

    class Tagged(models.Model):
        tag_ids = models.CharField(max_length=500)
        label1 = models.CharField(max_length=20)
        label2 = models.CharField(max_length=20)
        label3 = models.CharField(max_length=20)

        class Meta:
            abstract = True
    """
    assert lines_of(source, CODE, path="blog/models.py") == [4, 5]
