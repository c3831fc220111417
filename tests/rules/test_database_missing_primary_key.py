"""DB002 missing-primary-key: SQLAlchemy classic and 2.0, Flask-SQLAlchemy, SQLModel, Django; bases
in other modules settled through the workspace index."""

from __future__ import annotations

import textwrap
from pathlib import Path

from backend_ls.analysis import check_facts
from backend_ls.index import WorkspaceIndex
from backend_ls.model_resolution import ClassRef, ModelResolver
from backend_ls.options import Settings
from backend_ls.rules.registry import load_rules
from tests.rules.helpers import findings, lines_of

CODE = "DB002"


def write_project(root: Path, files: dict[str, str]) -> WorkspaceIndex:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    index = WorkspaceIndex([root])
    index.build()
    return index


def project_findings(root: Path, files: dict[str, str], target: str, code: str):
    """The findings of `code` in `target`, checked with the index of a project made of `files`."""
    index = write_project(root, files)
    path = root / target
    module = index.module_of(str(path))
    assert module is not None, f"{target} is not indexed"
    lines = path.read_text().splitlines(keepends=True)
    analysis = check_facts(module.facts, lines, Settings(), load_rules(), index)
    assert not analysis.problems, analysis.problems
    return [finding for finding in analysis.findings if finding.code == code]


# --- one module ----------------------------------------------------------------------------------


def test_classic_model_without_a_key_is_reported_on_its_name():
    source = """\
    from sqlalchemy import Column, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Tag(Base):
        __tablename__ = "tags"
        label = Column(String(40), nullable=False)
    """
    [finding] = findings(source, CODE)
    assert finding.span.start == (6, 6) and finding.span.end == (6, 9)
    assert finding.severity == "warning" and finding.fix is None
    assert "`Tag`" in finding.message and "primary key" in finding.message


def test_every_orm_and_aliased_imports():
    source = """\
    import sqlalchemy as sa
    from flask_sqlalchemy import SQLAlchemy as FSA
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
    from sqlmodel import Field, SQLModel

    db = FSA()
    Legacy = sa.orm.declarative_base()

    class Base(DeclarativeBase):
        pass

    class Event(Base):
        __tablename__ = "events"
        name: Mapped[str] = mapped_column(sa.String(80))

    class Visit(db.Model):
        path = db.Column(db.String(200))

    class Hero(SQLModel, table=True):
        name: str = Field(index=True)

    class Row(Legacy):
        __tablename__ = "rows"
        body = sa.Column(sa.Text)
    """
    assert lines_of(source, CODE) == [12, 16, 19, 22]


def test_keys_in_the_class_a_mixin_an_abstract_base_or_the_table_arguments():
    source = """\
    from sqlalchemy import Column, Integer, PrimaryKeyConstraint, String
    from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

    class Base(DeclarativeBase):
        pass

    class KeyMixin:
        @declared_attr
        def id(cls):
            return Column(Integer, primary_key=True)

    class Entity(Base):
        __abstract__ = True
        id: Mapped[int] = mapped_column(primary_key=True)

    class Own(Base):
        __tablename__ = "own"
        id = Column(Integer, primary_key=True)

    class FromMixin(KeyMixin, Base):
        __tablename__ = "from_mixin"
        name = Column(String)

    class FromAbstract(Entity):
        __tablename__ = "from_abstract"
        name = Column(String)

    class Composite(Base):
        __tablename__ = "composite"
        __table_args__ = (PrimaryKeyConstraint("left", "right"),)
        left = Column(Integer)
        right = Column(Integer)

    class TwoKeys(Base):
        __tablename__ = "two_keys"
        a = Column(Integer, primary_key=True)
        b = Column(Integer, primary_key=True)
    """
    assert lines_of(source, CODE) == []


def test_a_declarative_base_that_declares_the_key():
    source = """\
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    class Base(DeclarativeBase):
        id: Mapped[int] = mapped_column(primary_key=True)

    class Note(Base):
        __tablename__ = "notes"
        body: Mapped[str]
    """
    assert lines_of(source, CODE) == []


def test_a_mixin_without_a_key_is_not_a_model_but_its_model_is_reported():
    source = """\
    from sqlalchemy import Column, DateTime, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class TimestampMixin:
        created_at = Column(DateTime)

    class Stamped(TimestampMixin):
        note = Column(String)

    class Entry(TimestampMixin, Base):
        __tablename__ = "entries"
        body = Column(String)
    """
    assert lines_of(source, CODE) == [12]


def test_abstract_models_schemas_and_inheritance_are_quiet():
    source = """\
    from sqlalchemy import Column, ForeignKey, Integer, String
    from sqlalchemy.orm import declarative_base
    from sqlmodel import Field, SQLModel

    Base = declarative_base()

    class Entity(Base):
        __abstract__ = True
        name = Column(String)

    class Employee(Base):
        __tablename__ = "employees"
        id = Column(Integer, primary_key=True)
        kind = Column(String(20))

    class Manager(Employee):
        budget = Column(Integer)

    class HeroCreate(SQLModel):
        name: str = Field(min_length=1)
    """
    assert lines_of(source, CODE) == []


def test_a_subclass_of_an_abstract_base_without_a_key_is_reported():
    source = """\
    from sqlalchemy import Column, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Entity(Base):
        __abstract__ = True
        name = Column(String)

    class Folder(Entity):
        __tablename__ = "folders"
        path = Column(String)
    """
    assert lines_of(source, CODE) == [10]


def test_tables_mapped_elsewhere_reflected_or_keyed_by_the_mapper():
    source = """\
    from sqlalchemy import Column, Integer, String, Table
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()
    report_view = Table("report_view", Base.metadata, Column("total", Integer))

    class Report(Base):
        __table__ = report_view
        extra = Column(String)

    class Legacy(Base):
        __tablename__ = "legacy"
        __table_args__ = {"autoload_with": None}
        label = Column(String)

    class Keyed(Base):
        __tablename__ = "keyed"
        code = Column(String)
        __mapper_args__ = {"primary_key": [code]}

    class Spread(Base):
        __tablename__ = "spread"
        code = Column(String, **{"primary_key": True})
    """
    assert lines_of(source, CODE) == []


def test_table_options_that_are_not_reflection_do_not_hide_it():
    source = """\
    from sqlalchemy import Column, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Setting(Base):
        __tablename__ = "settings"
        __table_args__ = {"schema": "config"}
        __mapper_args__ = {"eager_defaults": True}
        value = Column(String)
    """
    assert lines_of(source, CODE) == [6]


def test_django_models_always_have_a_key():
    source = """\
    from django.db import models

    class Tag(models.Model):
        label = models.CharField(max_length=40)

    class Base(models.Model):
        label = models.CharField(max_length=40)

        class Meta:
            abstract = True
    """
    assert lines_of(source, CODE, path="shop/models.py") == []


def test_a_base_from_another_module_without_the_index_stays_quiet():
    source = """\
    from sqlalchemy import Column, String
    from .db import Base

    class Tag(Base):
        __tablename__ = "tags"
        label = Column(String)
    """
    assert lines_of(source, CODE) == []


def test_a_model_defined_in_a_function():
    source = """\
    from sqlalchemy import Column, String
    from sqlalchemy.orm import declarative_base

    def build():
        Base = declarative_base()

        class Temp(Base):
            __tablename__ = "temp"
            label = Column(String)

        return Temp
    """
    assert lines_of(source, CODE) == [7]


# --- across modules, through the workspace index ---------------------------------------------


PROJECT = {
    "shop/__init__.py": "",
    "shop/db.py": """\
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()
        """,
    "shop/base.py": """\
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import DeclarativeBase

        class Base(DeclarativeBase):
            pass

        class Entity(Base):
            __abstract__ = True
            id = Column(Integer, primary_key=True)

        class Bare(Base):
            __abstract__ = True
        """,
    "shop/mixins.py": """\
        from sqlalchemy import Column, DateTime, Integer

        class KeyMixin:
            id = Column(Integer, primary_key=True)

        class TimestampMixin:
            created_at = Column(DateTime)
        """,
    "shop/models.py": """\
        from sqlalchemy import Column, ForeignKey, Integer, String
        from .db import Base
        from .mixins import KeyMixin, TimestampMixin
        from shop import base

        class Keyed(KeyMixin, Base):
            __tablename__ = "keyed"
            name = Column(String)

        class Stamped(TimestampMixin, Base):
            __tablename__ = "stamped"
            name = Column(String)

        class OnlyMixins(TimestampMixin):
            note = Column(String)

        class FromEntity(base.Entity):
            __tablename__ = "from_entity"
            name = Column(String)

        class FromBare(base.Bare):
            __tablename__ = "from_bare"
            name = Column(String)
        """,
    "shop/more.py": """\
        from sqlalchemy import Column, String
        from .models import Keyed

        class Special(Keyed):
            extra = Column(String)
        """,
}


def test_bases_in_other_modules_are_settled_through_the_index(tmp_path):
    found = project_findings(tmp_path, PROJECT, "shop/models.py", CODE)
    assert [f.span.start for f in found] == [(10, 6), (21, 6)]  # Stamped, FromBare
    assert project_findings(tmp_path, PROJECT, "shop/more.py", CODE) == []  # inherits a mapped model


def test_the_resolver_answers_across_modules(tmp_path):
    index = write_project(tmp_path, PROJECT)
    path = str((tmp_path / "shop/models.py").resolve())
    resolver = ModelResolver(index.module_of(path).facts, index)
    keyed = resolver.of_class(ClassRef(path, "Keyed"))
    assert keyed.kind == "model" and [b.kind for b in keyed.bases] == ["mixin", "declarative"]
    assert [(column.name, owner.ref.qualname) for owner, column in resolver.columns(keyed)] == [
        ("name", "Keyed"), ("id", "KeyMixin")
    ]
    assert resolver.inherits_mapped(keyed) is False
    assert resolver.of_class(ClassRef(path, "OnlyMixins")).kind == "mixin"
    from_entity = resolver.of_class(ClassRef(path, "FromEntity"))
    assert [b.kind for b in from_entity.bases] == ["abstract"] and from_entity.kind == "model"
    more = str((tmp_path / "shop/more.py").resolve())
    special = ModelResolver(index.module_of(more).facts, index).of_class(ClassRef(more, "Special"))
    assert special.kind == "model" and special.bases[0].kind == "model"
