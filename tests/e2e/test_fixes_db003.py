"""DB003 through the protocol: money columns moved to fixed-point decimals, with their imports."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp_helpers import code_actions, fix_through_lsp, open_document, wait_for_diagnostics
from tests.rules.helpers import findings

CLASSIC = '''import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Product(Base):
    __tablename__ = "products"
    id = sa.Column(sa.Integer, primary_key=True)
    unit_price = sa.Column(sa.Float, nullable=False)
'''

MAPPED = '''from typing import Optional

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    balance: Mapped[Optional[float]] = mapped_column(nullable=True)
'''

SQLMODEL = '''from sqlmodel import Field, SQLModel


class Payout(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    amount: float = Field(ge=0)
'''

DJANGO = '''from django.db import models


class Order(models.Model):
    total = models.FloatField(default=0)
'''


async def test_classic_column_keeps_the_sa_spelling(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "models.py", CLASSIC, "DB003")
    assert fixed == CLASSIC.replace("sa.Column(sa.Float, nullable", "sa.Column(sa.Numeric(12, 2), nullable")


async def test_mapped_float_becomes_decimal_with_numeric_and_imports(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "accounts.py", MAPPED, "DB003")
    assert fixed == MAPPED.replace(
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n",
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\nfrom decimal import Decimal\n"
        "from sqlalchemy import Numeric\n",
    ).replace(
        "balance: Mapped[Optional[float]] = mapped_column(nullable=True)",
        "balance: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2), nullable=True)",
    )
    assert findings(fixed, "DB003") == []


async def test_sqlmodel_field_gets_decimal_digits(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "payouts.py", SQLMODEL, "DB003")
    assert fixed == SQLMODEL.replace(
        "from sqlmodel import Field, SQLModel\n", "from sqlmodel import Field, SQLModel\nfrom decimal import Decimal\n"
    ).replace("amount: float = Field(ge=0)", "amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)")


async def test_django_float_field_becomes_a_decimal_field(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "shop" / "models.py", DJANGO, "DB003")
    assert fixed == DJANGO.replace(
        "models.FloatField(default=0)", "models.DecimalField(default=0, max_digits=12, decimal_places=2)"
    )


async def test_diagnostic_range_severity_and_title(client, workspace):
    uri = open_document(client, workspace / "shop" / "models.py", DJANGO)
    [diagnostic] = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "DB003"]
    assert diagnostic.range == types.Range(start=types.Position(line=4, character=4), end=types.Position(line=4, character=9))
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    actions = await code_actions(client, uri, diagnostic, only=[types.CodeActionKind.QuickFix])
    [fix] = [a for a in actions if a.title.startswith("backend-ls (DB003): ") and "Ignore" not in a.title]
    assert fix.title == "backend-ls (DB003): Use `DecimalField(max_digits=12, decimal_places=2)` (needs a migration) (unsafe)"
