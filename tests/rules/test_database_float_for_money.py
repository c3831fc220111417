"""DB003 float-for-money: SQLAlchemy classic and 2.0, Flask-SQLAlchemy, SQLModel, Django."""

from __future__ import annotations

import textwrap

from backend_ls.facts import module_facts
from backend_ls.analysis import grammar
from backend_ls.fixes import apply_fixes
from backend_ls.positions import Span
from backend_ls.rules.base import Applicability
from tests.lsp_helpers import parses
from tests.rules.helpers import findings, fixed as fix_all, lines_of

CODE = "DB003"


def fixed(source: str, path: str = "models.py") -> str:
    return fix_all(source, CODE, path=path)

# --- what is reported -----------------------------------------------------------------------------


def test_a_classic_float_price_is_reported_on_its_name():
    source = """\
    from sqlalchemy import Column, Float, Integer
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Product(Base):
        __tablename__ = "products"
        id = Column(Integer, primary_key=True)
        price = Column(Float, nullable=False)
    """
    [finding] = findings(source, CODE)
    assert finding.span.start == (9, 4) and finding.span.end == (9, 9)
    assert finding.severity == "warning"
    assert "`price`" in finding.message and "decimal" in finding.message
    assert finding.fix.applicability == Applicability.UNSAFE
    assert finding.fix.title == "Use `Numeric(12, 2)` (needs a migration)"


def test_every_orm_every_float_type_and_aliases():
    source = """\
    import sqlalchemy as sa
    from typing import Optional
    from django.db import models
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
    from sqlmodel import Field, SQLModel

    db = SQLAlchemy()

    class Base(DeclarativeBase):
        pass

    class Account(Base):
        __tablename__ = "accounts"
        id: Mapped[int] = mapped_column(primary_key=True)
        balance: Mapped[float]
        creditLimit: Mapped[Optional[float]] = mapped_column(nullable=True)
        monthly_fee: Mapped[float] = mapped_column(sa.Double)
        total_paid = mapped_column(postgresql.DOUBLE_PRECISION)
        tax = sa.Column(sa.REAL)

    class Invoice(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        subtotal = db.Column(db.Float(precision=10))

    class Payout(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        amount: float = Field(ge=0)
        salaries: float | None = None

    class Order(models.Model):
        discount = models.FloatField(default=0)
    """
    assert lines_of(source, CODE, path="shop/models.py") == [17, 18, 19, 20, 21, 25, 29, 30, 33]


def test_exact_types_other_words_and_non_money_measures_are_quiet():
    source = """\
    from decimal import Decimal
    from django.db import models
    from sqlalchemy import Column, Float, Integer, Numeric
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
    from sqlmodel import Field, SQLModel
    from pydantic import BaseModel

    class Base(DeclarativeBase):
        pass

    class Product(Base):
        __tablename__ = "products"
        id = Column(Integer, primary_key=True)
        price = Column(Numeric(12, 2))
        cost: Mapped[Decimal] = mapped_column(Numeric(10, 2))
        weight = Column(Float)
        tax_rate = Column(Float)
        discount_percent: Mapped[float]
        credit_score = Column(Float)
        total_count = Column(Integer)
        priceless = Column(Float)
        amount_text: Mapped[str]

    class Shipment(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        fee: Decimal = Field(max_digits=12, decimal_places=2)

    class Quote(BaseModel):
        price: float

    class Line(models.Model):
        amount = models.DecimalField(max_digits=12, decimal_places=2)
        ratio = models.FloatField()
    """
    assert lines_of(source, CODE, path="shop/models.py") == []


def test_a_custom_type_with_a_float_annotation_is_not_guessed():
    source = """\
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
    from .types import Money

    class Base(DeclarativeBase):
        pass

    class Wallet(Base):
        __tablename__ = "wallets"
        id: Mapped[int] = mapped_column(primary_key=True)
        balance: Mapped[float] = mapped_column(Money)
    """
    assert lines_of(source, CODE) == []


def test_django_abstract_models_count():
    source = """\
    from django.db.models import FloatField, Model

    class Priced(Model):
        price = FloatField()

        class Meta:
            abstract = True
    """
    assert lines_of(source, CODE, path="shop/models.py") == [4]


# --- fixes ----------------------------------------------------------------------------------------


def test_classic_fixes_keep_the_module_spelling_or_import_numeric():
    source = """\
    import sqlalchemy as sa
    from sqlalchemy import Column, Float, Integer
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()

    class Product(Base):
        __tablename__ = "products"
        id = Column(Integer, primary_key=True)
        price = Column(Float, nullable=False)
        cost = sa.Column(sa.Float(precision=8))
    """
    assert fixed(source) == textwrap.dedent(source).replace(
        "from sqlalchemy.orm import declarative_base\n",
        "from sqlalchemy.orm import declarative_base\nfrom sqlalchemy import Numeric\n",
    ).replace("Column(Float, nullable", "Column(Numeric(12, 2), nullable").replace(
        "sa.Float(precision=8)", "sa.Numeric(12, 2)"
    )


def test_flask_sqlalchemy_db_spelling():
    source = """\
    from flask_sqlalchemy import SQLAlchemy

    db = SQLAlchemy()

    class Invoice(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        total = db.Column(db.Float, nullable=False)
    """
    assert "total = db.Column(db.Numeric(12, 2), nullable=False)" in fixed(source)


def test_mapped_float_gets_decimal_and_a_numeric_type():
    source = """\
    from typing import Optional

    from sqlalchemy import Float, String
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    class Base(DeclarativeBase):
        pass

    class Account(Base):
        __tablename__ = "accounts"
        id: Mapped[int] = mapped_column(primary_key=True)
        balance: Mapped[float] = mapped_column(Float)
        credit: Mapped[Optional[float]] = mapped_column(nullable=True)
        fee: Mapped[float] = mapped_column("fee_amount")
        budget: Mapped[float] = mapped_column()
    """
    titles = [f.fix.title for f in findings(source, CODE)]
    assert titles[0] == "Use `Numeric(12, 2)` (needs a migration)" and titles[1] == "Use `Decimal` (needs a migration)"
    # One fix at a time: each adds the same imports.
    source = textwrap.dedent(source)
    results = []
    for finding in findings(source, CODE):
        text, applied = apply_fixes(source, [finding.fix])
        assert applied and parses(text)
        results.append([line.strip() for line in text.splitlines() if line.strip().startswith(("from decimal", "from sqlalchemy import Numeric", finding_name(finding, source)))])
    assert results == [
        ["from decimal import Decimal", "from sqlalchemy import Numeric", "balance: Mapped[Decimal] = mapped_column(Numeric(12, 2))"],
        ["from decimal import Decimal", "from sqlalchemy import Numeric", "credit: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2), nullable=True)"],
        ["from decimal import Decimal", "from sqlalchemy import Numeric", 'fee: Mapped[Decimal] = mapped_column("fee_amount", Numeric(12, 2))'],
        ["from decimal import Decimal", "from sqlalchemy import Numeric", "budget: Mapped[Decimal] = mapped_column(Numeric(12, 2))"],
    ]


def finding_name(finding, source: str) -> str:
    (line, start), (_, end) = finding.span.start, finding.span.end
    return source.splitlines()[line - 1][start:end] + ":"


def test_sqlmodel_fields_get_decimal_with_digits():
    source = """\
    from typing import Optional

    from sqlmodel import Field, SQLModel

    class Payout(SQLModel, table=True):
        id: Optional[int] = Field(default=None, primary_key=True)
        amount: Optional[float] = Field(default=None, ge=0)
    """
    assert fixed(source) == textwrap.dedent(source).replace(
        "from sqlmodel import Field, SQLModel\n", "from sqlmodel import Field, SQLModel\nfrom decimal import Decimal\n"
    ).replace(
        "amount: Optional[float] = Field(default=None, ge=0)",
        "amount: Optional[Decimal] = Field(default=None, ge=0, max_digits=12, decimal_places=2)",
    )


def test_django_fix_with_a_bare_import_and_an_existing_decimal_field_import():
    source = """\
    from django.db.models import FloatField, Model

    class Priced(Model):
        price = FloatField()
    """
    assert fixed(source, "shop/models.py") == textwrap.dedent(source).replace(
        "from django.db.models import FloatField, Model\n",
        "from django.db.models import FloatField, Model\nfrom django.db.models import DecimalField\n",
    ).replace("price = FloatField()", "price = DecimalField(max_digits=12, decimal_places=2)")
    imported = source.replace("FloatField, Model", "DecimalField, FloatField, Model")
    assert "from django.db.models import DecimalField\n" not in fixed(imported, "shop/models.py")


def test_no_fix_where_it_cannot_be_written_safely():
    source = """\
    from sqlalchemy import Float
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
    from sqlmodel import SQLModel
    from .money import Numeric

    class Base(DeclarativeBase):
        pass

    class Account(Base):
        __tablename__ = "accounts"
        id: Mapped[int] = mapped_column(primary_key=True)
        balance: Mapped[float]
        credit: Mapped["float"] = mapped_column(Float)
        debit = mapped_column(Float)

    class Payout(SQLModel, table=True):
        id: int = Field(primary_key=True)
        amount: float = 0.0
    """
    found = findings(source, CODE)
    assert [f.span.start[0] for f in found] == [12, 13, 14, 18]
    assert [f.fix for f in found] == [None, None, None, None]


def test_model_facts_carry_the_annotation_and_argument_spans():
    source = 'from sqlalchemy.orm import Mapped, mapped_column\nclass A:\n    price: Mapped["float"] = mapped_column()\n' \
             '    cost: Mapped[float | None] = mapped_column("c", nullable = True)\n'
    facts = module_facts(grammar().parse(source), "m.py")
    [model] = facts.models
    price, cost = model.columns
    assert price.python_type == "float" and price.python_type_span is None and price.argument_spans == ()
    assert cost.python_type_span == Span((4, 17), (4, 22))
    assert cost.argument_spans == ((None, Span((4, 47), (4, 50))), ("nullable", Span((4, 52), (4, 67))))


def test_a_module_imported_under_an_alias_names_the_new_types():
    source = """\
    import decimal
    import sqlalchemy as sa
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
    from .money import Numeric

    class Base(DeclarativeBase):
        pass

    class Account(Base):
        __tablename__ = "accounts"
        id: Mapped[int] = mapped_column(primary_key=True)
        balance: Mapped[float] = mapped_column(nullable=False)
        debit = mapped_column(sa.Float)
    """
    assert fixed(source) == textwrap.dedent(source).replace(
        "balance: Mapped[float] = mapped_column(nullable=False)",
        "balance: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(12, 2), nullable=False)",
    ).replace("mapped_column(sa.Float)", "mapped_column(sa.Numeric(12, 2))")
