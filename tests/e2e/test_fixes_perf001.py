"""PERF001 quick fixes through the protocol: the eager-loading option each ORM needs, applied as an
editor applies it, with the model in the same file and in another one."""

from __future__ import annotations

from tests.e2e.test_queries_across_files import MODELS, indexed
from tests.lsp_helpers import fix_through_lsp

SQLALCHEMY = MODELS + '''

def order_labels(session):
    orders = session.query(Order).filter(Order.id > 0).all()
    return [f"{order.id}: {order.customer.name}" for order in orders]
'''

SQLALCHEMY_2 = '''from sqlalchemy import select

from shop.models import Order


async def order_labels(session):
    result = await session.execute(select(Order).order_by(Order.id))
    for order in result.scalars():
        print(order.customer.name)
'''

DJANGO = '''from django.db import models
from django.shortcuts import render


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")


def book_list(request):
    books = Book.objects.order_by("title")
    return render(request, "books.html", {"rows": [(b.title, b.author.name) for b in books]})


def author_list(request):
    return render(request, "authors.html", {"rows": [(a.name, a.books.count()) for a in Author.objects.all()]})
'''


async def test_sqlalchemy_gets_selectinload_and_its_import(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "shop.py", SQLALCHEMY, "PERF001")
    assert fixed == SQLALCHEMY.replace(
        "from sqlalchemy.orm import declarative_base, relationship\n",
        "from sqlalchemy.orm import declarative_base, relationship\nfrom sqlalchemy.orm import selectinload\n",
    ).replace("session.query(Order).filter(", "session.query(Order).options(selectinload(Order.customer)).filter(")


async def test_a_select_in_a_file_whose_model_is_elsewhere(client, workspace):
    await indexed(client, workspace, {"shop/__init__.py": "", "shop/models.py": MODELS}, "Order")
    fixed = await fix_through_lsp(client, workspace / "report.py", SQLALCHEMY_2, "PERF001")
    assert fixed == SQLALCHEMY_2.replace(
        "from shop.models import Order\n", "from shop.models import Order\nfrom sqlalchemy.orm import selectinload\n"
    ).replace("select(Order).order_by", "select(Order).options(selectinload(Order.customer)).order_by")


async def test_django_foreign_key_gets_select_related(client, workspace):
    source = DJANGO.replace("(a.name, a.books.count())", "a.name")
    fixed = await fix_through_lsp(client, workspace / "library" / "views.py", source, "PERF001")
    assert fixed == source.replace('Book.objects.order_by("title")', 'Book.objects.select_related("author").order_by("title")')


async def test_django_reverse_relation_gets_prefetch_related(client, workspace):
    source = DJANGO.replace("(b.title, b.author.name)", "b.title")
    fixed = await fix_through_lsp(client, workspace / "library" / "views.py", source, "PERF001")
    assert fixed == source.replace("Author.objects.all()", 'Author.objects.prefetch_related("books").all()')
