"""Model facts (facts/models.py) for SQLAlchemy, Flask-SQLAlchemy, SQLModel and Django."""

from __future__ import annotations

import pickle
import textwrap

import parso
import pytest

from backend_ls.facts import module_facts
from backend_ls.facts.models import flask_sqlalchemy_table_name, models_in_module
from backend_ls.facts.walk import walk_module
from backend_ls.positions import Span


def models_of(source: str, aliases: dict[str, str] | None = None) -> dict:
    """The models of a snippet by name, straight from the adapter so that any error surfaces."""
    module = parso.parse(textwrap.dedent(source))
    found = models_in_module(walk_module(module, "models.py"), module, aliases)
    assert len({model.name for model in found}) == len(found)
    return {model.name: model for model in found}


def columns(model) -> dict:
    """name -> (type_name, primary_key, index, unique, nullable, foreign_key) for every column."""
    return {
        c.name: (c.type_name, c.primary_key, c.index, c.unique, c.nullable, c.foreign_key) for c in model.columns
    }


def relationships(model) -> dict:
    """name -> (target, kind, collection, lazy) for every relationship."""
    return {r.name: (r.target, r.kind, r.collection, r.lazy) for r in model.relationships}


def bases(model) -> list:
    return [(base.text, base.qualname, base.local, base.kind) for base in model.bases]


def indexes(model) -> list:
    return [(index.kind, index.columns, index.unique, index.name) for index in model.indexes]


# --- SQLAlchemy, classic declarative ----------------------------------------------------------


CLASSIC = """
import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import backref, declarative_base, relationship

Base = declarative_base()

post_tags = sa.Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), unique=True, nullable=False)
    name = Column(String, index=True)
    balance = sa.Column(sa.Float)
    created = sa.Column("created_at", sa.DateTime, nullable=True)
    posts = relationship("Post", back_populates="author", lazy="selectin")
    profile = relationship("Profile", uselist=False)


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), index=False)
    editor_id = Column(ForeignKey(User.id), nullable=False)
    author = relationship("User", back_populates="posts")
    tags = relationship("Tag", secondary=post_tags, backref=backref("posts", lazy="dynamic"))
    comments = relationship("Comment", lazy=True, backref="post")


class Profile(Base):
    __tablename__ = "profiles"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), unique=True)


class Comment(Base):
    __tablename__ = "comments"
    id = Column(Integer, primary_key=True)
    post_id = Column(Integer, ForeignKey("posts.id"))
"""


def test_classic_columns_with_types_flags_and_foreign_keys():
    models = models_of(CLASSIC)
    assert list(models) == ["User", "Post", "Profile", "Comment"]
    user = models["User"]
    assert (user.orm, user.table_name, user.abstract, user.is_mixin, user.inherits_mapped) == (
        "sqlalchemy", "users", False, False, False
    )
    assert bases(user) == [("Base", "sqlalchemy.orm.declarative_base()", False, "declarative")]
    assert columns(user) == {
        "id": ("Integer", True, False, False, False, None),
        "email": ("String", False, False, True, False, None),
        "name": ("String", False, True, False, True, None),
        "balance": ("Float", False, False, False, True, None),
        "created": ("DateTime", False, False, False, True, None),
    }
    created = user.column("created")
    assert created.column_name == "created_at"
    assert created.type_text == "sa.DateTime"
    assert created.keywords == ("nullable",)
    email = user.column("email")
    assert email.type_text == "String(255)"
    assert email.name_span == Span((19, 4), (19, 9))
    assert email.type_span == Span((19, 19), (19, 30))
    assert email.call_close_paren == (19, 59)  # where `index=True` would go
    assert user.column("id").python_type is None

    post = models["Post"]
    assert columns(post) == {
        "id": ("Integer", True, False, False, False, None),
        "author_id": ("Integer", False, False, False, True, "users.id"),
        # No type: SQLAlchemy takes it from the referenced column.
        "editor_id": (None, False, False, False, False, "User.id"),
    }
    assert post.column("author_id").db_index_explicit_false is True
    assert post.column("editor_id").db_index_explicit_false is False
    assert columns(models["Profile"])["user_id"] == ("Integer", False, False, True, True, "users.id")


def test_classic_relationships_with_loading_strategy_and_direction():
    models = models_of(CLASSIC)
    assert relationships(models["User"]) == {
        "posts": ("Post", "one-to-many", True, "selectin"),  # Post.author_id points at users
        "profile": ("Profile", "one-to-one", False, "select"),  # uselist=False, the key is remote
    }
    assert relationships(models["Post"]) == {
        "author": ("User", "many-to-one", False, "select"),
        "tags": ("Tag", "many-to-many", True, "select"),
        "comments": ("Comment", "one-to-many", True, "select"),  # lazy=True is "select"
    }
    posts = models["User"].relationships[0]
    assert (posts.back_populates, posts.backref, posts.secondary) == ("author", None, None)
    assert posts.keywords == ("back_populates", "lazy")
    tags, comments = models["Post"].relationships[1:]
    assert (tags.secondary, tags.backref, tags.backref_lazy) == ("post_tags", "posts", "dynamic")
    assert (comments.backref, comments.backref_lazy) == ("post", "select")


def test_relationship_loading_options():
    models = models_of(
        """
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import declarative_base, relationship

        Base = declarative_base()
        LAZY = "joined"

        class Order(Base):
            __tablename__ = "orders"
            id = Column(Integer, primary_key=True)
            lines = relationship("Line", lazy="dynamic")
            notes = relationship("Note", lazy=False)
            audit = relationship("Audit", lazy=None)
            owner = relationship(lambda: Owner, lazy=LAZY)
            parts = relationship("Part", collection_class=set)
            helper = relationship("Helper", primaryjoin="Helper.order_id == Order.id")
        """
    )
    assert relationships(models["Order"]) == {
        "lines": ("Line", "one-to-many", True, "dynamic"),
        "notes": ("Note", None, None, "joined"),
        "audit": ("Audit", None, None, "noload"),
        "owner": ("Owner", None, None, None),  # a lazy= that is not a literal
        "parts": ("Part", "one-to-many", True, "select"),
        "helper": ("Helper", None, None, "select"),
    }


def test_table_args_indexes_and_constraints():
    models = models_of(
        """
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Membership(Base):
            __tablename__ = "memberships"
            __table_args__ = (
                sa.Index("ix_membership_user_team", "user_id", "team_id"),
                sa.UniqueConstraint("team_id", "email", name="uq_team_email"),
                sa.PrimaryKeyConstraint("user_id", "team_id"),
                sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
                sa.Index("ix_lower_email", sa.func.lower("email"), unique=True),
                {"schema": "app"},
            )
            user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))
            team_id = sa.Column(sa.Integer, sa.ForeignKey("teams.id"))
            email = sa.Column(sa.String)

        class Event(Base):
            __tablename__ = "events"
            __table_args__ = {"sqlite_autoincrement": True}
            id = sa.Column(sa.Integer, primary_key=True)
            kind = sa.Column(sa.String)
            user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"))

        sa.Index("ix_event_user_kind", Event.user_id, Event.kind)

        def table_args():
            return ()

        class Dynamic(Base):
            __tablename__ = "dynamic"
            __table_args__ = table_args()
            id = sa.Column(sa.Integer, primary_key=True)
        """
    )
    membership = models["Membership"]
    assert indexes(membership) == [
        ("index", ("user_id", "team_id"), False, "ix_membership_user_team"),
        ("unique", ("team_id", "email"), True, "uq_team_email"),
        ("primary_key", ("user_id", "team_id"), True, None),
        ("index", (None,), True, "ix_lower_email"),
    ]
    assert membership.indexes[0].span == Span((10, 8), (10, 65))
    assert membership.indexes_known is True
    event = models["Event"]
    assert indexes(event) == [("index", ("user_id", "kind"), False, "ix_event_user_kind")]
    assert event.indexes_known is True
    assert (models["Dynamic"].indexes, models["Dynamic"].indexes_known) == ((), False)


def test_mixins_abstract_bases_and_declared_attr():
    models = models_of(
        """
        from datetime import datetime
        from sqlalchemy import Column, DateTime, ForeignKey, Integer, String
        from sqlalchemy.orm import declarative_base, declared_attr, relationship

        Base = declarative_base()

        class TimestampMixin(object):
            created_at = Column(DateTime, default=datetime.utcnow, nullable=False)

        class OwnedMixin:
            @declared_attr
            def owner_id(cls):
                return Column(Integer, ForeignKey("users.id"))

            @declared_attr
            def owner(cls):
                return relationship("User", lazy="joined")

        class Helpers:
            def describe(self):
                return repr(self)

        class Entity(Base):
            __abstract__ = True
            id = Column(Integer, primary_key=True)

        class Document(TimestampMixin, OwnedMixin, Helpers, Entity):
            __tablename__ = "documents"
            title = Column(String(200))
        """
    )
    assert list(models) == ["TimestampMixin", "OwnedMixin", "Entity", "Document"]
    mixin = models["TimestampMixin"]
    assert (mixin.orm, mixin.is_mixin, mixin.abstract, mixin.table_name, mixin.inherits_mapped) == (
        "sqlalchemy", True, False, None, False
    )
    assert bases(mixin) == [("object", None, False, "plain")]
    assert columns(mixin) == {"created_at": ("DateTime", False, False, False, False, None)}
    owned = models["OwnedMixin"]
    assert columns(owned) == {"owner_id": ("Integer", False, False, False, True, "users.id")}
    assert owned.column("owner_id").name_span == Span((13, 8), (13, 16))  # the function's name
    assert relationships(owned) == {"owner": ("User", None, None, "joined")}
    entity = models["Entity"]
    assert (entity.abstract, entity.is_mixin, entity.table_name) == (True, False, None)
    document = models["Document"]
    assert (document.abstract, document.is_mixin, document.inherits_mapped, document.table_name) == (
        False, False, False, "documents"
    )
    assert bases(document) == [
        ("TimestampMixin", "TimestampMixin", True, "mixin"),
        ("OwnedMixin", "OwnedMixin", True, "mixin"),
        ("Helpers", "Helpers", True, "plain"),
        ("Entity", "Entity", True, "abstract"),
    ]
    assert columns(document) == {"title": ("String", False, False, False, True, None)}


def test_spread_options_and_column_names():
    models = models_of(
        """
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import Mapped, declarative_base, mapped_column

        Base = declarative_base()
        KEY = {"primary_key": True}

        class Login(Base):
            __tablename__ = "logins"
            id = Column(Integer, **KEY)
            user_name: Mapped[str] = mapped_column("username", String(40))
            label = Column(String, name="display_label", nullable=False)
        """
    )
    login = models["Login"]
    assert columns(login) == {
        "id": ("Integer", None, None, None, None, None),  # any flag may be in **KEY
        "user_name": ("String", False, False, False, False, None),
        "label": ("String", False, False, False, False, None),
    }
    assert [c.column_name for c in login.columns] == ["id", "username", "display_label"]


def test_a_model_that_inherits_a_mapped_model():
    models = models_of(
        """
        from sqlalchemy import Column, ForeignKey, Integer, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Employee(Base):
            __tablename__ = "employees"
            id = Column(Integer, primary_key=True)
            type = Column(String(20))
            __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "employee"}

        class Manager(Employee):
            budget = Column(Integer)
            __mapper_args__ = {"polymorphic_identity": "manager"}

        class Engineer(Employee):
            __tablename__ = "engineers"
            id = Column(Integer, ForeignKey("employees.id"), primary_key=True)
        """
    )
    manager, engineer = models["Manager"], models["Engineer"]
    assert bases(manager) == [("Employee", "Employee", True, "model")]
    # Single-table inheritance: the parent's table; joined-table: its own.
    assert (manager.inherits_mapped, manager.table_name, manager.is_mixin) == (True, "employees", False)
    assert (engineer.inherits_mapped, engineer.table_name) == (True, "engineers")
    assert columns(engineer) == {"id": ("Integer", True, False, False, False, "employees.id")}
    assert models["Employee"].inherits_mapped is False


def test_a_base_from_another_module_is_left_for_the_index():
    source = """
    from sqlalchemy import Column, Integer, String
    from .db import Base
    from app.mixins import AuditMixin

    class Invoice(Base):
        __tablename__ = "invoices"
        id = Column(Integer, primary_key=True)
        total = Column(String)

    class Audited(AuditMixin, Base):
        note = Column(String)

    class Service(Base):
        def run(self):
            return 1

    class Schema(AuditMixin):
        name: str = "x"
    """
    models = models_of(source)
    assert list(models) == ["Invoice", "Audited"]  # no ORM attribute: nothing says they are models
    invoice = models["Invoice"]
    assert bases(invoice) == [("Base", ".db.Base", False, None)]
    assert (invoice.orm, invoice.is_mixin, invoice.inherits_mapped, invoice.table_name) == (
        "sqlalchemy", None, None, "invoices"
    )
    assert bases(models["Audited"]) == [
        ("AuditMixin", "app.mixins.AuditMixin", False, None),
        ("Base", ".db.Base", False, None),
    ]
    assert models["Audited"].table_name is None


def test_the_index_can_name_an_imported_flask_sqlalchemy_db():
    source = """
    from .extensions import db

    class Customer(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        vip = db.Column(db.Boolean, default=False)
    """
    assert models_of(source) == {}  # `db` is not known in this module
    customer = models_of(source, {".extensions.db": "flask_sqlalchemy.SQLAlchemy()"})["Customer"]
    assert (customer.orm, customer.table_name, customer.inherits_mapped, customer.is_mixin) == (
        "flask_sqlalchemy", "customer", False, False
    )
    assert columns(customer) == {
        "id": ("Integer", True, False, False, False, None),
        "vip": ("Boolean", False, False, False, True, None),
    }


def test_names_that_only_look_like_an_orm_are_not_models():
    models = models_of(
        """
        from pydantic import BaseModel, Field
        from tables import Column, relationship

        class Payload(BaseModel):
            price: float = Field(gt=0)

        class Sheet:
            price = Column("price")
            owner = relationship("Owner")

        class Plain:
            Column = None
        """
    )
    assert models == {}


def test_a_base_shadowed_by_a_function_parameter():
    models = models_of(
        """
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import declarative_base

        class Base:
            pass

        def make_models(Base):
            class Local(Base):
                __tablename__ = "local"
                id = Column(Integer, primary_key=True)
            return Local
        """
    )
    local = models["Local"]
    assert local.qualname == "make_models.Local"
    assert bases(local) == [("Base", None, False, None)]
    assert (local.is_mixin, local.inherits_mapped) == (None, None)


# --- SQLAlchemy 2.0 -----------------------------------------------------------------------------


MODERN = """
import datetime
from decimal import Decimal
from typing import List, Optional

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, WriteOnlyMapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    nickname: Mapped[Optional[str]]
    balance: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    fee: Mapped[float]
    closed_at: Mapped[datetime.datetime | None] = mapped_column(nullable=False)
    orders: Mapped[List["Order"]] = relationship(back_populates="account", lazy="raise")
    events: WriteOnlyMapped["Event"] = relationship()


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    note: Mapped["str | None"] = mapped_column(String)
    account: Mapped["Account"] = relationship(back_populates="orders")
    parent: Mapped[Optional["Order"]] = relationship()
"""


def test_mapped_columns_read_nullability_and_python_type_from_the_annotation():
    models = models_of(MODERN)
    assert list(models) == ["Account", "Order"]  # the declarative base itself is not a model
    account = models["Account"]
    assert bases(account) == [("Base", "Base", True, "declarative")]
    assert (account.orm, account.table_name, account.is_mixin, account.inherits_mapped) == (
        "sqlalchemy", "accounts", False, False
    )
    # The type is None where SQLAlchemy derives it from the annotation.
    assert columns(account) == {
        "id": (None, True, False, False, False, None),
        "name": ("String", False, True, False, False, None),
        "nickname": (None, False, False, False, True, None),
        "balance": ("Numeric", False, False, False, False, None),
        "fee": (None, False, False, False, False, None),
        "closed_at": (None, False, False, False, False, None),
    }
    assert {c.name: c.python_type for c in account.columns} == {
        "id": "int",
        "name": "str",
        "nickname": "str",
        "balance": "Decimal",
        "fee": "float",
        "closed_at": "datetime.datetime",
    }
    assert account.column("fee").call_close_paren is None
    order = models["Order"]
    assert columns(order) == {
        "id": (None, True, False, False, False, None),
        "account_id": (None, False, False, False, False, "accounts.id"),
        "note": ("String", False, False, False, True, None),
    }


def test_mapped_relationships_take_target_and_collection_from_the_annotation():
    models = models_of(MODERN)
    assert relationships(models["Account"]) == {
        "orders": ("Order", "one-to-many", True, "raise"),
        "events": ("Event", "one-to-many", True, "write_only"),
    }
    assert relationships(models["Order"]) == {
        "account": ("Account", "many-to-one", False, "select"),
        "parent": ("Order", None, False, "select"),  # self-referential: the direction is not read
    }


def test_registry_bases_decorators_and_annotated_bases():
    models = models_of(
        """
        from typing import Any
        from sqlalchemy import Column, Integer, MetaData, String, Table
        from sqlalchemy.ext.declarative import as_declarative
        from sqlalchemy.orm import declarative_base, registry

        mapper_registry = registry()
        RegistryBase = mapper_registry.generate_base()
        TypedBase: Any = declarative_base()
        metadata = MetaData()

        class Tag(RegistryBase):
            __table__ = Table(
                "tags", metadata, Column("id", Integer, primary_key=True), Column("label", String(30), unique=True)
            )

        @mapper_registry.mapped
        class Setting:
            __tablename__ = "settings"
            key = Column(String, primary_key=True)

        class Flag(TypedBase):
            __tablename__ = "flags"
            id = Column(Integer, primary_key=True)

        @as_declarative()
        class CommonBase:
            id = Column(Integer, primary_key=True)

        class Note(CommonBase):
            __tablename__ = "notes"
            body = Column(String)
        """
    )
    assert list(models) == ["Tag", "Setting", "Flag", "CommonBase", "Note"]
    tag = models["Tag"]
    assert (tag.table_name, tag.is_mixin) == ("tags", False)
    assert columns(tag) == {
        "id": ("Integer", True, False, False, False, None),
        "label": ("String", False, False, True, True, None),
    }
    assert bases(tag) == [("RegistryBase", "sqlalchemy.orm.registry().generate_base()", False, "declarative")]
    setting = models["Setting"]
    assert (setting.bases, setting.is_mixin, setting.table_name) == ((), False, "settings")
    assert bases(models["Flag"]) == [("TypedBase", "sqlalchemy.orm.declarative_base()", False, "declarative")]
    assert models["Flag"].is_mixin is False
    # A declarative base with columns hands them to every model, as a mixin does.
    assert (models["CommonBase"].is_mixin, models["CommonBase"].table_name) == (True, None)
    assert bases(models["Note"]) == [("CommonBase", "CommonBase", True, "declarative")]


# --- Flask-SQLAlchemy ---------------------------------------------------------------------------


FLASK_MODELS = """
from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy as SA

db = SA()

followers = db.Table(
    "followers",
    db.Column("follower_id", db.Integer, db.ForeignKey("user_account.id")),
)


class TimestampedModel(db.Model):
    __abstract__ = True
    id = db.Column(db.Integer, primary_key=True)
    created = db.Column(db.DateTime, nullable=False)


class UserAccount(UserMixin, TimestampedModel):
    username = db.Column(db.String(80), unique=True, nullable=False)
    balance = db.Column(db.Float, default=0.0)
    posts = db.relationship("BlogPost", backref="author", lazy=True)
    followed = db.relationship(
        "UserAccount", secondary=followers, backref=db.backref("followers", lazy="dynamic"), lazy="dynamic"
    )


class BlogPost(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.Integer, db.ForeignKey("user_account.id"), nullable=False)
    price = db.Column(db.Numeric(10, 2))


class HTTPLog(db.Model):
    __tablename__ = "http_logs"
    id = db.Column(db.Integer, primary_key=True)


class User2FA(db.Model):
    id = db.Column(db.Integer, primary_key=True)
"""


def test_flask_sqlalchemy_models_through_an_aliased_import():
    models = models_of(FLASK_MODELS)
    assert list(models) == ["TimestampedModel", "UserAccount", "BlogPost", "HTTPLog", "User2FA"]
    abstract = models["TimestampedModel"]
    assert (abstract.orm, abstract.abstract, abstract.is_mixin, abstract.table_name) == (
        "flask_sqlalchemy", True, False, None
    )
    assert bases(abstract) == [("db.Model", "flask_sqlalchemy.SQLAlchemy().Model", False, "declarative")]
    assert columns(abstract) == {
        "id": ("Integer", True, False, False, False, None),
        "created": ("DateTime", False, False, False, False, None),
    }
    user = models["UserAccount"]
    assert bases(user) == [
        ("UserMixin", "flask_login.UserMixin", False, "plain"),
        ("TimestampedModel", "TimestampedModel", True, "abstract"),
    ]
    assert (user.orm, user.table_name, user.inherits_mapped, user.is_mixin) == (
        "flask_sqlalchemy", "user_account", False, False
    )
    assert columns(user) == {
        "username": ("String", False, False, True, False, None),
        "balance": ("Float", False, False, False, True, None),
    }
    assert user.column("balance").type_text == "db.Float"
    assert relationships(user) == {
        "posts": ("BlogPost", "one-to-many", True, "select"),
        "followed": ("UserAccount", "many-to-many", True, "dynamic"),
    }
    followed = user.relationships[1]
    assert (followed.secondary, followed.backref, followed.backref_lazy) == ("followers", "followers", "dynamic")
    post = models["BlogPost"]
    assert post.table_name == "blog_post"
    assert columns(post) == {
        "id": ("Integer", True, False, False, False, None),
        "author_id": ("Integer", False, False, False, False, "user_account.id"),
        "price": ("Numeric", False, False, False, True, None),
    }
    assert models["HTTPLog"].table_name == "http_logs"
    assert models["User2FA"].table_name is None  # Flask-SQLAlchemy 2 and 3 name it differently


def test_flask_sqlalchemy_table_names():
    assert flask_sqlalchemy_table_name("User") == "user"
    assert flask_sqlalchemy_table_name("OrderLine") == "order_line"
    assert flask_sqlalchemy_table_name("HTTPLog") == "http_log"
    assert flask_sqlalchemy_table_name("APIKeyV2") == "api_key_v2"
    assert flask_sqlalchemy_table_name("PDF") is None  # "pdf" in version 3, "PDF" in version 2


def test_flask_sqlalchemy_3_with_mapped_columns_and_disabled_naming():
    models = models_of(
        """
        from flask_sqlalchemy import SQLAlchemy
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        db = SQLAlchemy(model_class=Base, disable_autonaming=True)

        class Product(db.Model):
            id: Mapped[int] = mapped_column(primary_key=True)
            cost: Mapped[float] = db.mapped_column(db.Float)
            parent_id: Mapped[int | None] = mapped_column(db.ForeignKey("product.id"))
        """
    )
    product = models["Product"]
    assert (product.orm, product.table_name) == ("flask_sqlalchemy", None)
    assert columns(product) == {
        "id": (None, True, False, False, False, None),
        "cost": ("Float", False, False, False, False, None),
        "parent_id": (None, False, False, False, True, "product.id"),
    }


# --- SQLModel -----------------------------------------------------------------------------------


SQLMODEL = """
from typing import List, Optional

import sqlalchemy as sa
from sqlmodel import Column, Field, Relationship, SQLModel


class HeroTeamLink(SQLModel, table=True):
    team_id: Optional[int] = Field(default=None, foreign_key="team.id", primary_key=True)
    hero_id: Optional[int] = Field(default=None, foreign_key="hero.id", primary_key=True)


class TeamBase(SQLModel):
    name: str = Field(index=True)
    headquarters: str


class Team(TeamBase, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    budget: float = 0.0
    heroes: List["Hero"] = Relationship(back_populates="team", sa_relationship_kwargs={"lazy": "selectin"})


class TeamRead(TeamBase):
    id: int


class Hero(SQLModel, table=True):
    __tablename__ = "heroes"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    secret_name: Optional[str] = Field(default=None, sa_column=Column(sa.Text, unique=True))
    team_id: Optional[int] = Field(default=None, foreign_key="team.id")
    team: Optional[Team] = Relationship(back_populates="heroes")
    teams: list[Team] = Relationship(link_model=HeroTeamLink)
    _cache: dict = {}
"""


def test_sqlmodel_tables_fields_and_relationships():
    models = models_of(SQLMODEL)
    assert list(models) == ["HeroTeamLink", "TeamBase", "Team", "Hero"]  # TeamRead is a schema
    team_base = models["TeamBase"]
    assert (team_base.orm, team_base.is_mixin, team_base.table_name) == ("sqlmodel", True, None)
    assert columns(team_base) == {
        "name": (None, False, True, False, False, None),
        "headquarters": (None, False, False, False, False, None),
    }
    team = models["Team"]
    assert bases(team) == [("TeamBase", "TeamBase", True, "mixin")]
    assert (team.table_name, team.is_mixin, team.inherits_mapped) == ("team", False, False)
    assert columns(team) == {
        "id": (None, True, False, False, False, None),
        "budget": (None, False, False, False, False, None),
    }
    assert team.column("budget").python_type == "float"
    assert team.column("budget").call_close_paren is None
    assert relationships(team) == {"heroes": ("Hero", "one-to-many", True, "selectin")}
    hero = models["Hero"]
    assert hero.table_name == "heroes"
    assert columns(hero) == {
        "id": (None, True, False, False, False, None),
        "name": (None, False, False, False, False, None),
        "secret_name": ("Text", False, False, True, True, None),
        "team_id": (None, False, False, False, True, "team.id"),
    }
    assert hero.column("secret_name").python_type == "str"
    assert hero.column("team_id").keywords == ("default", "foreign_key")
    assert relationships(hero) == {
        "team": ("Team", "many-to-one", False, "select"),
        "teams": ("Team", "many-to-many", True, "select"),
    }
    assert hero.relationships[1].secondary == "HeroTeamLink"
    link = models["HeroTeamLink"]
    assert columns(link) == {
        "team_id": (None, True, False, False, False, "team.id"),
        "hero_id": (None, True, False, False, False, "hero.id"),
    }


def test_sqlmodel_options_that_cannot_be_read_stay_open():
    models = models_of(
        """
        from typing import Optional
        from sqlmodel import Field, Relationship, SQLModel

        OPTIONS = {"lazy": "joined"}
        EXTRA = {"unique": True}

        class Invoice(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            number: str = Field(sa_column_kwargs=EXTRA)
            customer: Optional["Customer"] = Relationship(sa_relationship_kwargs=OPTIONS)

        class Draft(SQLModel):
            number: str = Field(index=True)
        """
    )
    assert list(models) == ["Invoice"]
    invoice = models["Invoice"]
    assert columns(invoice)["number"] == (None, None, None, None, None, None)
    assert relationships(invoice) == {"customer": ("Customer", None, False, None)}


# --- Django -------------------------------------------------------------------------------------


DJANGO = """
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import CharField as Text


class TimeStamped(models.Model):
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Member(AbstractUser):
    bio = models.TextField(null=True, blank=True)


class Author(TimeStamped):
    name = Text(max_length=100, db_index=True)
    slug = models.SlugField(unique=True)
    email = models.EmailField(null=True)
    mentor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, related_name="mentees")


class Book(models.Model):
    title = models.CharField(max_length=200)
    price = models.FloatField()
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books", db_index=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_column="owner")
    isbn = models.OneToOneField("catalog.Isbn", on_delete=models.PROTECT)
    tags = models.ManyToManyField("Tag", through="BookTag", blank=True)
    objects = models.Manager()

    class Meta:
        db_table = "books"
        indexes = [models.Index(fields=["title", "-price"], name="title_price_idx")]
        constraints = [
            models.UniqueConstraint(fields=["title", "author"], name="unique_title_author"),
            models.CheckConstraint(check=models.Q(price__gte=0), name="price_positive"),
        ]
        unique_together = ("title", "owner")


class Novel(Book):
    genre = models.CharField(max_length=20)
"""


def test_django_fields_with_flags_and_foreign_keys():
    models = models_of(DJANGO)
    assert list(models) == ["TimeStamped", "Member", "Author", "Book", "Novel"]
    stamped = models["TimeStamped"]
    assert (stamped.orm, stamped.abstract, stamped.is_mixin, stamped.table_name) == ("django", True, False, None)
    member = models["Member"]
    assert bases(member) == [("AbstractUser", "django.contrib.auth.models.AbstractUser", False, "abstract")]
    assert (member.inherits_mapped, member.abstract) == (False, False)
    author = models["Author"]
    assert bases(author) == [("TimeStamped", "TimeStamped", True, "abstract")]
    assert columns(author) == {
        "name": ("CharField", False, True, False, False, None),
        "slug": ("SlugField", False, True, True, False, None),  # a SlugField is indexed by default
        "email": ("EmailField", False, False, False, True, None),
        "mentor": ("ForeignKey", False, True, False, True, "Author"),
    }
    assert author.column("name").type_text == "Text"
    book = models["Book"]
    assert (book.table_name, book.inherits_mapped, book.indexes_known) == ("books", False, True)
    assert columns(book) == {
        "title": ("CharField", False, False, False, False, None),
        "price": ("FloatField", False, False, False, False, None),
        "author": ("ForeignKey", False, False, False, False, "Author"),
        "owner": ("ForeignKey", False, True, False, False, "settings.AUTH_USER_MODEL"),
        "isbn": ("OneToOneField", False, True, True, False, "catalog.Isbn"),
    }
    assert {c.name: c.column_name for c in book.columns} == {
        "title": "title",
        "price": "price",
        "author": "author_id",
        "owner": "owner",
        "isbn": "isbn_id",
    }
    price = book.column("price")
    assert price.type_text == "models.FloatField"
    assert price.type_span == Span((28, 12), (28, 29))
    assert price.call_close_paren == (28, 30)
    assert book.column("author").db_index_explicit_false is True
    assert book.column("owner").db_index_explicit_false is False


def test_django_relationships_and_meta():
    models = models_of(DJANGO)
    assert relationships(models["Author"]) == {"mentor": ("Author", "many-to-one", False, "select")}
    assert models["Author"].relationships[0].related_name == "mentees"
    book = models["Book"]
    assert relationships(book) == {
        "author": ("Author", "many-to-one", False, "select"),
        "owner": ("settings.AUTH_USER_MODEL", "many-to-one", False, "select"),
        "isbn": ("catalog.Isbn", "one-to-one", False, "select"),
        "tags": ("Tag", "many-to-many", True, "select"),
    }
    assert [r.related_name for r in book.relationships] == ["books", None, None, None]
    assert book.relationships[3].secondary == "BookTag"
    assert indexes(book) == [
        ("index", ("title", "price"), False, "title_price_idx"),
        ("unique", ("title", "author"), True, "unique_title_author"),
        ("unique", ("title", "owner"), True, None),
    ]
    novel = models["Novel"]
    # Multi-table inheritance: a table of its own, named after the app label.
    assert (novel.inherits_mapped, novel.table_name) == (True, None)


def test_django_meta_that_cannot_be_read_and_forms_that_are_not_models():
    models = models_of(
        """
        from django import forms
        from django.db import models
        from .base import BaseModel, COMMON_INDEXES

        class Tracked(BaseModel):
            code = models.CharField(max_length=10)

            class Meta:
                indexes = COMMON_INDEXES + [models.Index(fields=["code"])]
                unique_together = [["code"]]

        class TrackedForm(forms.Form):
            code = forms.CharField(max_length=10)
        """
    )
    assert list(models) == ["Tracked"]
    tracked = models["Tracked"]
    assert bases(tracked) == [("BaseModel", ".base.BaseModel", False, None)]
    assert (tracked.orm, tracked.is_mixin, tracked.inherits_mapped, tracked.indexes_known) == (
        "django", False, None, False
    )
    assert indexes(tracked) == [("unique", ("code",), True, None)]


# --- the facts layer ----------------------------------------------------------------------------


def test_module_facts_carry_the_models_and_survive_the_disk_cache():
    facts = module_facts(parso.parse(textwrap.dedent(CLASSIC)), "models.py")
    assert [model.name for model in facts.models] == ["User", "Post", "Profile", "Comment"]
    assert pickle.loads(pickle.dumps(facts)).models == facts.models


@pytest.mark.parametrize("source", [CLASSIC, MODERN, FLASK_MODELS, SQLMODEL, DJANGO])
def test_every_prefix_of_a_model_module_is_read_without_error(source):
    text = textwrap.dedent(source)
    for end in range(0, len(text) + 1, 7):
        models_of(text[:end])
