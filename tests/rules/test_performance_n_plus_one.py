"""PERF001 n-plus-one: a loop over query rows reading a lazy relationship, for every ORM, in one
module and across modules (models elsewhere, queries built by helpers elsewhere)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from backend_ls.fixes import apply_fixes
from tests.lsp_helpers import parses
from tests.rules.helpers import findings, lines_of
from tests.rules.helpers import workspace_findings

SA_MODELS = '''
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    name = Column(String(100))


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    total = Column(Integer)
    customer_id = Column(Integer, ForeignKey("customers.id"), index=True)
    customer = relationship("Customer", backref="orders"LAZY)
'''


def sa(body: str, lazy: str = "") -> str:
    return SA_MODELS.replace("LAZY", lazy) + textwrap.dedent(body)


def fixed(source: str, code: str = "PERF001", **settings) -> str:
    found = [f for f in findings(source, code, **settings) if f.fix is not None]
    assert found, "no fix offered"
    text, applied = apply_fixes(textwrap.dedent(source), [found[0].fix])
    assert applied and parses(text), text
    return text


LOOP_LINE = 21  # the `def` line of a body appended to SA_MODELS


class TestSqlAlchemyClassic:
    def test_loop_over_all_reading_a_relationship(self):
        source = sa('''
            def labels(session):
                for order in session.query(Order).all():
                    print(order.customer.name)
        ''')
        found = findings(source, "PERF001")
        assert [(f.span.start[0], f.message) for f in found] == [
            (LOOP_LINE + 2, "`order.customer` runs one more query for every row of this loop; eager-load `customer` on the query.")
        ]
        assert [(r.span.start[0], r.message) for r in found[0].related] == [
            (19, "`Order.customer` is a relationship loaded lazily")
        ]

    def test_the_fix_adds_selectinload_and_its_import(self):
        source = sa('''
            def labels(session):
                for order in session.query(Order).filter(Order.total > 10).all():
                    print(order.customer.name)
        ''')
        text = fixed(source)
        assert "from sqlalchemy.orm import selectinload\n" in text
        assert "session.query(Order).options(selectinload(Order.customer)).filter(Order.total > 10).all()" in text
        assert findings(text, "PERF001") == []

    @pytest.mark.parametrize("option", [
        "joinedload(Order.customer)",
        "selectinload(Order.customer)",
        "subqueryload(Order.customer)",
        "contains_eager(Order.customer)",
        "orm.joinedload(Order.customer)",
        'joinedload("customer")',
        'raiseload("*")',
        "Load(Order).joinedload(Order.customer)",
    ])
    def test_eager_loading_on_the_query(self, option):
        source = sa(f'''
            from sqlalchemy import orm
            from sqlalchemy.orm import Load, contains_eager, joinedload, raiseload, selectinload, subqueryload

            def labels(session):
                return [o.customer.name for o in session.query(Order).options({option}).all()]
        ''')
        assert lines_of(source, "PERF001") == []

    def test_eager_loading_of_another_relationship_does_not_count(self):
        source = sa('''
            from sqlalchemy.orm import lazyload

            def labels(session):
                return [o.customer.name for o in session.query(Order).options(lazyload(Order.customer)).all()]
        ''')
        assert lines_of(source, "PERF001") == [LOOP_LINE + 3]

    def test_options_that_cannot_be_read_keep_it_silent(self):
        source = sa('''
            def labels(session, options):
                return [o.customer.name for o in session.query(Order).options(*options).all()]
        ''')
        assert lines_of(source, "PERF001") == []

    @pytest.mark.parametrize("lazy", ['lazy="selectin"', 'lazy="joined"', 'lazy="subquery"', 'lazy="immediate"',
                                      'lazy="raise"', 'lazy="dynamic"', "lazy=False"])
    def test_a_relationship_that_does_not_load_row_by_row(self, lazy):
        source = sa('''
            def labels(session):
                return [o.customer.name for o in session.query(Order).all()]
        ''', lazy=", " + lazy)
        assert lines_of(source, "PERF001") == []

    def test_a_column_is_no_relationship(self):
        source = sa('''
            def totals(session):
                return [o.total + o.customer_id for o in session.query(Order).all()]
        ''')
        assert lines_of(source, "PERF001") == []

    def test_one_finding_per_relationship_and_loop(self):
        source = sa('''
            def labels(session):
                for order in session.query(Order).all():
                    print(order.customer.name)
                    print(order.customer.id)
        ''')
        assert lines_of(source, "PERF001") == [LOOP_LINE + 2]

    def test_a_limited_query_still_loads_row_by_row(self):
        source = sa('''
            def labels(session):
                return [o.customer.name for o in session.query(Order).limit(20)]
        ''')
        assert lines_of(source, "PERF001") == [LOOP_LINE + 1]

    def test_the_query_followed_through_names(self):
        source = sa('''
            def labels(session, minimum):
                query = session.query(Order)
                query = query.filter(Order.total > minimum)
                orders = query.all()
                for position, order in enumerate(orders):
                    print(position, order.customer.name)
        ''')
        assert lines_of(source, "PERF001") == [LOOP_LINE + 5]
        assert "session.query(Order).options(selectinload(Order.customer))\n" in fixed(source)

    def test_eager_loading_added_to_the_name(self):
        source = sa('''
            from sqlalchemy.orm import joinedload

            def labels(session):
                query = session.query(Order)
                query = query.options(joinedload(Order.customer))
                return [o.customer.name for o in query]
        ''')
        assert lines_of(source, "PERF001") == []

    def test_the_reverse_side_of_a_backref(self):
        source = sa('''
            def sizes(session):
                return {c.name: len(c.orders) for c in session.query(Customer).all()}
        ''')
        found = findings(source, "PERF001")
        assert [f.span.start[0] for f in found] == [LOOP_LINE + 1]
        assert found[0].related[0].message == "`orders` is the reverse side of `Order.customer`, loaded lazily"
        assert "session.query(Customer).options(selectinload(Customer.orders)).all()" in fixed(source)

    def test_rows_of_several_entities_or_columns_are_not_models(self):
        source = sa('''
            def labels(session):
                a = [row.customer for row in session.query(Order, Customer).all()]
                b = [row.customer for row in session.query(Order.id).all()]
                return a, b
        ''')
        assert lines_of(source, "PERF001") == []

    def test_a_class_that_is_no_model(self):
        source = '''
            class Order:
                pass

            def labels(session):
                return [o.customer for o in session.query(Order).all()]
        '''
        assert lines_of(source, "PERF001") == []

    def test_nested_function_and_attribute_assignment(self):
        source = sa('''
            def outer(session):
                def inner():
                    for order in session.query(Order).all():
                        order.customer = None
                        yield order.customer_id
                return inner
        ''')
        assert lines_of(source, "PERF001") == []


class TestSqlAlchemy2AndSqlModel:
    def test_scalars_of_select(self):
        source = sa('''
            from sqlalchemy import select

            def labels(session):
                orders = session.scalars(select(Order).where(Order.total > 0)).all()
                return [o.customer.name for o in orders]
        ''')
        assert lines_of(source, "PERF001") == [LOOP_LINE + 4]
        assert "select(Order).options(selectinload(Order.customer)).where(Order.total > 0)" in fixed(source)

    def test_aliased_module_and_awaited_execute(self):
        source = sa('''
            import sqlalchemy as sa
            from sqlalchemy.orm import selectinload

            async def labels(session):
                result = await session.execute(sa.select(Order))
                for order in result.scalars():
                    print(order.customer.name)

            async def eager(session):
                stmt = sa.select(Order).options(selectinload(Order.customer))
                for order in (await session.execute(stmt)).scalars().all():
                    print(order.customer.name)
        ''')
        assert lines_of(source, "PERF001") == [LOOP_LINE + 6]

    def test_rows_of_execute_are_not_models(self):
        source = sa('''
            from sqlalchemy import select

            def labels(session):
                return [row.customer for row in session.execute(select(Order))]
        ''')
        assert lines_of(source, "PERF001") == []

    def test_sqlmodel_exec(self):
        source = '''
            from typing import Optional

            from sqlmodel import Field, Relationship, Session, SQLModel, select


            class Team(SQLModel, table=True):
                id: Optional[int] = Field(default=None, primary_key=True)
                name: str


            class Hero(SQLModel, table=True):
                id: Optional[int] = Field(default=None, primary_key=True)
                team_id: Optional[int] = Field(default=None, foreign_key="team.id", index=True)
                team: Optional[Team] = Relationship(LAZY)


            def names(session: Session):
                return [hero.team.name for hero in session.exec(select(Hero)).all()]
        '''
        assert lines_of(source.replace("LAZY", ""), "PERF001") == [19]
        assert lines_of(source.replace("LAZY", 'sa_relationship_kwargs={"lazy": "selectin"}'), "PERF001") == []
        assert "session.exec(select(Hero).options(selectinload(Hero.team))).all()" in fixed(source.replace("LAZY", ""))


class TestFlaskSqlAlchemy:
    MODELS = '''
        from flask_sqlalchemy import SQLAlchemy as FSA

        db = FSA()


        class Author(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            name = db.Column(db.String(80))


        class Book(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            author_id = db.Column(db.Integer, db.ForeignKey("author.id"), index=True)
            author = db.relationship("Author", backref=db.backref("books"LAZY))
    '''

    def test_query_property_and_db_session(self):
        source = self.MODELS.replace("LAZY", "") + '''

        def titles():
            a = [book.author.name for book in Book.query.order_by(Book.id).all()]
            b = [author.books for author in db.session.query(Author).all()]
            return a, b
        '''
        assert lines_of(source, "PERF001") == [19, 20]
        assert "Book.query.options(selectinload(Book.author)).order_by(Book.id).all()" in fixed(source)

    def test_backref_with_an_eager_strategy(self):
        source = self.MODELS.replace("LAZY", ', lazy="selectin"') + '''

        def titles():
            return [author.books for author in Author.query.all()]
        '''
        assert lines_of(source, "PERF001") == []


class TestDjango:
    MODELS = '''
        from django.db import models


        class Customer(models.Model):
            name = models.CharField(max_length=100)


        class Tag(models.Model):
            label = models.CharField(max_length=30)


        class Order(models.Model):
            customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
            tags = models.ManyToManyField(Tag)
            total = models.IntegerField()
    '''

    def test_foreign_key_gets_select_related(self):
        source = self.MODELS + '''

        def labels(request):
            orders = Order.objects.filter(total__gt=10)
            return [order.customer.name for order in orders]
        '''
        assert lines_of(source, "PERF001") == [21]
        assert 'Order.objects.select_related("customer").filter(total__gt=10)' in fixed(source)

    def test_reverse_and_many_to_many_get_prefetch_related(self):
        source = self.MODELS + '''

        def labels(request):
            for customer in Customer.objects.all():
                print(customer.orders.count())
            return [list(order.tags.all()) for order in Order.objects.all()]
        '''
        found = findings(source, "PERF001")
        assert [(f.span.start[0], f.fix.title) for f in found] == [
            (21, 'Add `.prefetch_related("orders")` to the query'),
            (22, 'Add `.prefetch_related("tags")` to the query'),
        ]

    def test_default_reverse_accessor(self):
        source = self.MODELS.replace(', related_name="orders"', "") + '''

        def labels(request):
            return [c.order_set.count() for c in Customer.objects.all()]
        '''
        assert lines_of(source, "PERF001") == [20]

    @pytest.mark.parametrize("chain", [
        'select_related("customer")',
        'select_related("customer__address")',
        "select_related()",
        'prefetch_related("customer")',
        'prefetch_related(Prefetch("customer"))',
    ])
    def test_eager_loading(self, chain):
        source = self.MODELS + f'''

        from django.db.models import Prefetch

        def labels(request):
            return [order.customer.name for order in Order.objects.{chain}.all()[:20]]
        '''
        assert lines_of(source, "PERF001") == []

    def test_select_related_without_fields_skips_nullable_keys(self):
        source = self.MODELS.replace("on_delete=models.CASCADE", "null=True, on_delete=models.SET_NULL") + '''

        def labels(request):
            return [order.customer for order in Order.objects.select_related()]
        '''
        assert lines_of(source, "PERF001") == [20]

    def test_values_are_no_models(self):
        source = self.MODELS + '''

        def labels(request):
            return [row.customer for row in Order.objects.values("customer")]
        '''
        assert lines_of(source, "PERF001") == []

    def test_helper_of_the_module_and_get_queryset(self):
        source = self.MODELS + '''

        def eager_orders():
            return Order.objects.select_related("customer")


        def lazy_orders():
            return Order.objects.all()


        def labels(request):
            a = [order.customer for order in eager_orders()]
            b = [order.customer for order in lazy_orders()]
            return a, b


        class OrderView:
            def get_queryset(self):
                return Order.objects.all()

            def get(self, request):
                return [order.customer for order in self.get_queryset()]
        '''
        found = findings(source, "PERF001")
        assert [(f.span.start[0], f.fix) for f in found] == [(29, None), (38, None)]


class TestAcrossModules:
    MODELS = SA_MODELS.replace("LAZY", "")

    def test_model_in_another_module(self, tmp_path):
        found = workspace_findings(tmp_path, {
            "shop/__init__.py": "",
            "shop/models.py": self.MODELS,
            "shop/views.py": '''
                from . import models
                from .models import Order as O

                def labels(session):
                    a = [o.customer.name for o in session.query(O).all()]
                    b = [o.customer.name for o in session.query(models.Order).all()]
                    return a, b
            ''',
        }, "shop/views.py", "PERF001")
        assert [f.span.start[0] for f in found] == [6, 7]
        assert [(Path(r.path).name, r.span.start[0]) for r in found[0].related] == [("models.py", 19)]
        assert found[0].fix.edits[-1].new_text == ".options(selectinload(O.customer))"

    def test_eager_loading_through_an_alias(self, tmp_path):
        found = workspace_findings(tmp_path, {
            "models.py": self.MODELS,
            "views.py": '''
                from sqlalchemy.orm import joinedload

                from models import Order as O

                def labels(session):
                    return [o.customer.name for o in session.query(O).options(joinedload(O.customer))]
            ''',
        }, "views.py", "PERF001")
        assert found == []

    def test_eager_strategy_in_the_other_module(self, tmp_path):
        found = workspace_findings(tmp_path, {
            "models.py": SA_MODELS.replace("LAZY", ', lazy="selectin"'),
            "views.py": '''
                from models import Order

                def labels(session):
                    return [o.customer.name for o in session.query(Order).all()]
            ''',
        }, "views.py", "PERF001")
        assert found == []

    def test_helpers_in_another_module(self, tmp_path):
        found = workspace_findings(tmp_path, {
            "shop/__init__.py": "",
            "shop/models.py": self.MODELS,
            "shop/queries.py": '''
                from sqlalchemy.orm import joinedload

                from .models import Order


                def recent_orders(session):
                    query = session.query(Order).options(joinedload(Order.customer))
                    return query.limit(20)


                def plain_orders(session):
                    return session.query(Order).limit(20)
            ''',
            "shop/views.py": '''
                from . import queries
                from .queries import recent_orders

                def labels(session):
                    orders = recent_orders(session)
                    a = [o.customer.name for o in orders]
                    b = [o.customer.name for o in queries.plain_orders(session)]
                    return a, b
            ''',
        }, "shop/views.py", "PERF001")
        assert [(f.span.start[0], f.fix) for f in found] == [(8, None)]
        assert Path(found[0].related[0].path).name == "models.py"

    def test_unknown_model_without_index_is_silent(self):
        source = '''
            from models import Order

            def labels(session):
                return [o.customer.name for o in session.query(Order).all()]
        '''
        assert lines_of(source, "PERF001") == []
