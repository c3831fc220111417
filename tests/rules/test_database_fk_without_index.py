"""DB001 fk-without-index: SQLAlchemy classic and 2.0, Flask-SQLAlchemy, SQLModel, Django; indexes that
start with the key, inherited table arguments and mixins used in other modules."""

from __future__ import annotations

import textwrap

from backend_ls.rules.base import Applicability
from tests.rules.helpers import findings, fixed as fix_all, lines_of
from tests.rules.test_database_missing_primary_key import project_findings

CODE = "DB001"


def fixed(source: str, path: str = "models.py") -> str:
    return fix_all(source, CODE, path=path)

# --- what is reported -----------------------------------------------------------------------------


def test_classic_foreign_key_is_reported_on_its_name_with_an_unsafe_fix():
    source = """\
    from sqlalchemy import Column, ForeignKey, Integer
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Order(Base):
        __tablename__ = "orders"
        id = Column(Integer, primary_key=True)
        customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    """
    [finding] = findings(source, CODE)
    assert finding.span.start == (9, 4) and finding.span.end == (9, 15)
    assert finding.severity == "warning"
    assert "`customer_id`" in finding.message and "index=True" in finding.message
    assert finding.fix.title == "Add `index=True` (needs a migration)"
    assert finding.fix.applicability == Applicability.UNSAFE
    assert "ForeignKey(\"customers.id\"), nullable=False, index=True)" in fixed(source)


def test_every_orm_and_aliased_imports():
    source = """\
    import sqlalchemy as sa
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
    from sqlmodel import Field, SQLModel

    db = SQLAlchemy()

    class Base(DeclarativeBase):
        pass

    class Line(Base):
        __tablename__ = "lines"
        id: Mapped[int] = mapped_column(primary_key=True)
        order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"))

    class Post(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        author_id = db.Column(db.Integer, db.ForeignKey("user.id"))

    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")

    class Note(Base):
        __tablename__ = "notes"
        id = sa.Column(sa.Integer, primary_key=True)
        owner_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), index=False)
    """
    assert lines_of(source, CODE) == [14, 18, 22, 27]


def test_keys_with_an_index_of_their_own_or_one_that_starts_with_them():
    source = """\
    from sqlalchemy import Column, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, UniqueConstraint
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
    from sqlmodel import Field, SQLModel

    class Base(DeclarativeBase):
        pass

    class Flags(Base):
        __tablename__ = "flags"
        id = Column(Integer, primary_key=True)
        a_id = Column(Integer, ForeignKey("a.id"), index=True)
        b_id = Column(Integer, ForeignKey("b.id"), unique=True)
        c_id = Column(Integer, ForeignKey("c.id"), primary_key=True)

    class Composite(Base):
        __tablename__ = "composite"
        __table_args__ = (
            Index("ix_composite_store_created", "store_id", "created_at"),
            UniqueConstraint("user_id", "slug"),
            PrimaryKeyConstraint("tenant_id", "number"),
        )
        store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
        user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
        tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
        number: Mapped[int]
        created_at: Mapped[str] = mapped_column(String(32))
        slug: Mapped[str] = mapped_column(String(32))

    class Later(Base):
        __tablename__ = "later"
        id: Mapped[int] = mapped_column(primary_key=True)
        shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))

    Index("ix_later_shop", Later.shop_id)

    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    """
    assert lines_of(source, CODE) == []


def test_a_composite_index_where_the_key_is_not_first_does_not_count():
    source = """\
    from sqlalchemy import Column, ForeignKey, Index, Integer, String
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Comment(Base):
        __tablename__ = "comments"
        __table_args__ = (Index("ix_comments_created_post", "created_at", "post_id"),)
        id = Column(Integer, primary_key=True)
        post_id = Column(Integer, ForeignKey("posts.id"))
        created_at = Column(String)
    """
    assert lines_of(source, CODE) == [10]


def test_flags_and_table_arguments_that_cannot_be_read_stay_quiet():
    source = """\
    from sqlalchemy import Column, ForeignKey, Integer
    from sqlalchemy.orm import declarative_base, declared_attr

    Base = declarative_base()
    OPTIONS = {"index": True}

    class Spread(Base):
        __tablename__ = "spread"
        id = Column(Integer, primary_key=True)
        user_id = Column(Integer, ForeignKey("users.id"), **OPTIONS)

    class Dynamic(Base):
        __tablename__ = "dynamic"
        id = Column(Integer, primary_key=True)
        user_id = Column(Integer, ForeignKey("users.id"))

        @declared_attr
        def __table_args__(cls):
            return (make_indexes(cls),)
    """
    assert lines_of(source, CODE) == []


# --- mixins and abstract models -------------------------------------------------------------------


def test_a_mixin_key_is_reported_on_the_mixin_unless_every_subclass_indexes_it():
    source = """\
    from sqlalchemy import Column, ForeignKey, Index, Integer
    from sqlalchemy.orm import declarative_base, declared_attr

    Base = declarative_base()

    class OwnedMixin:
        @declared_attr
        def owner_id(cls):
            return Column(Integer, ForeignKey("users.id"))

    class TenantMixin:
        tenant_id = Column(Integer, ForeignKey("tenants.id"))

    class Document(OwnedMixin, TenantMixin, Base):
        __tablename__ = "documents"
        __table_args__ = (Index("ix_documents_tenant", "tenant_id", "id"),)
        id = Column(Integer, primary_key=True)

    class Folder(OwnedMixin, TenantMixin, Base):
        __tablename__ = "folders"
        __table_args__ = (Index("ix_folders_tenant_owner", "tenant_id", "owner_id"),)
        id = Column(Integer, primary_key=True)
    """
    assert lines_of(source, CODE) == [8]  # owner_id: Document's table has no index on it


def test_an_index_inherited_from_an_abstract_base_counts():
    source = """\
    from sqlalchemy import Column, ForeignKey, Index, Integer
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Scoped(Base):
        __abstract__ = True
        __table_args__ = (Index(None, "account_id"),)

    class Invoice(Scoped):
        __tablename__ = "invoices"
        id = Column(Integer, primary_key=True)
        account_id = Column(Integer, ForeignKey("accounts.id"))

    class Receipt(Scoped):
        __tablename__ = "receipts"
        __table_args__ = ()
        id = Column(Integer, primary_key=True)
        account_id = Column(Integer, ForeignKey("accounts.id"))
    """
    assert lines_of(source, CODE) == [19]  # Receipt sets its own, empty, table arguments


# --- Django ---------------------------------------------------------------------------------------


def test_django_only_where_db_index_is_false():
    source = """\
    from django.db import models

    class Order(models.Model):
        customer = models.ForeignKey("Customer", on_delete=models.CASCADE)
        store = models.ForeignKey("Store", on_delete=models.CASCADE, db_index=False)
        receipt = models.OneToOneField("Receipt", on_delete=models.CASCADE, db_index=False)
        coupon = models.ForeignKey("Coupon", on_delete=models.SET_NULL, null=True, db_index=False, unique=True)
    """
    [finding] = findings(source, CODE, path="shop/models.py")
    assert finding.span.start == (5, 4)
    assert "db_index=False" in finding.message
    assert finding.fix.title == "Drop `db_index=False` (needs a migration)"
    assert fixed(source, "shop/models.py") == textwrap.dedent(source).replace(
        "on_delete=models.CASCADE, db_index=False)\n    receipt", "on_delete=models.CASCADE)\n    receipt"
    )


def test_django_meta_indexes_that_start_with_the_field_and_abstract_models():
    source = """\
    from django.db import models

    class Entry(models.Model):
        author = models.ForeignKey("auth.User", on_delete=models.CASCADE, db_index=False)
        blog = models.ForeignKey("Blog", on_delete=models.CASCADE, db_index=False)
        tag = models.ForeignKey("Tag", on_delete=models.CASCADE, db_index=False)
        created = models.DateTimeField()

        class Meta:
            indexes = [models.Index(fields=["author", "-created"])]
            unique_together = [("blog", "created")]

    class Owned(models.Model):
        owner = models.ForeignKey("auth.User", on_delete=models.CASCADE, db_index=False)

        class Meta:
            abstract = True
    """
    assert lines_of(source, CODE, path="blog/models.py") == [6, 14]


# --- fixes ----------------------------------------------------------------------------------------


def test_fixes_set_an_explicit_false_and_keep_multi_line_calls_tidy():
    source = """\
    from sqlalchemy import Column, ForeignKey, Integer
    from sqlalchemy.orm import Mapped, declarative_base, mapped_column
    from sqlmodel import Field, SQLModel

    Base = declarative_base()

    class Line(Base):
        __tablename__ = "lines"
        id = Column(Integer, primary_key=True)
        order_id = Column(Integer, ForeignKey("orders.id"), index=False)
        product_id: Mapped[int] = mapped_column(
            ForeignKey("products.id"),
            nullable=False,
        )

    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    """
    titles = [f.fix.title for f in findings(source, CODE)]
    assert titles == ["Set `index=True` (needs a migration)", "Add `index=True` (needs a migration)",
                      "Add `index=True` (needs a migration)"]
    text = fixed(source)
    assert 'ForeignKey("orders.id"), index=True)' in text
    assert 'ForeignKey("products.id"),\n        nullable=False, index=True,\n    )' in text
    assert 'Field(default=None, foreign_key="team.id", index=True)' in text


def test_no_fix_where_the_index_flag_travels_in_sa_column_kwargs():
    source = """\
    from sqlmodel import Field, SQLModel

    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", sa_column_kwargs={"comment": "x"})
    """
    [finding] = findings(source, CODE)
    assert finding.fix is None


# --- across modules, through the workspace index ---------------------------------------------


PROJECT = {
    "app/__init__.py": "",
    "app/db.py": """\
        from sqlalchemy.orm import DeclarativeBase

        class Base(DeclarativeBase):
            pass
        """,
    "app/mixins.py": """\
        from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer

        class TenantMixin:
            tenant_id = Column(Integer, ForeignKey("tenants.id"))

        class AuthorMixin:
            author_id = Column(Integer, ForeignKey("users.id"))

        class Scoped:
            created_at = Column(DateTime)
            __table_args__ = (Index("ix_scoped_account", "account_id", "created_at"),)

        class Opaque:
            __table_args__ = (Index("ix_opaque_account", "account_id"),)
        """,
    "app/models.py": """\
        from sqlalchemy import Column, ForeignKey, Index, Integer
        from .db import Base
        from .mixins import AuthorMixin, Opaque, Scoped, TenantMixin

        class Invoice(TenantMixin, AuthorMixin, Base):
            __tablename__ = "invoices"
            __table_args__ = (Index("ix_invoices_tenant_number", "tenant_id", "number"),)
            id = Column(Integer, primary_key=True)
            number = Column(Integer)

        class Payment(Scoped, Base):
            __tablename__ = "payments"
            id = Column(Integer, primary_key=True)
            account_id = Column(Integer, ForeignKey("accounts.id"))
            invoice_id = Column(Integer, ForeignKey("invoices.id"))

        class Refund(Opaque, Base):
            __tablename__ = "refunds"
            id = Column(Integer, primary_key=True)
            account_id = Column(Integer, ForeignKey("accounts.id"))
        """,
}


def test_mixins_and_table_arguments_in_other_modules(tmp_path):
    # The only model with TenantMixin indexes tenant_id first; author_id has no index anywhere.
    assert [f.span.start for f in project_findings(tmp_path, PROJECT, "app/mixins.py", CODE)] == [(7, 4)]
    # Payment inherits Scoped's __table_args__ from another module: account_id is covered. Refund
    # inherits table arguments from a class the facts do not list, which cannot be read: quiet.
    assert [f.span.start for f in project_findings(tmp_path, PROJECT, "app/models.py", CODE)] == [(15, 4)]


def test_a_mixin_key_is_reported_again_when_a_subclass_drops_its_index(tmp_path):
    project = dict(PROJECT)
    project["app/models.py"] = PROJECT["app/models.py"].replace(
        '__table_args__ = (Index("ix_invoices_tenant_number", "tenant_id", "number"),)',
        '__table_args__ = (Index("ix_invoices_number_tenant", "number", "tenant_id"),)',
    )
    assert [f.span.start for f in project_findings(tmp_path, project, "app/mixins.py", CODE)] == [(4, 4), (7, 4)]
