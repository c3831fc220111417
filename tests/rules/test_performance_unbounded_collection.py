"""PERF003 unbounded-collection: GET endpoints that return every row (Flask, FastAPI, Django, DRF)."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings, lines_of
from tests.rules.helpers import workspace_findings

FLASK = '''
from flask import Flask as F, jsonify, request
from flask_sqlalchemy import SQLAlchemy

app = F(__name__)
db = SQLAlchemy(app)


@app.route("/api/v1/users")
def users():
    BODY
'''


def flask(body: str) -> str:
    return FLASK.replace("BODY", body)


@pytest.mark.parametrize("body", [
    "return jsonify([u.to_dict() for u in User.query.all()])",
    "rows = User.query.filter_by(active=True).order_by(User.id).all()\n    return jsonify([r.id for r in rows])",
    "return jsonify([u.id for u in db.session.query(User)])",
    "return jsonify([u.id for u in db.session.scalars(db.select(User)).all()])",
    "result = db.session.execute(db.select(User))\n    return jsonify([u.id for u in result.scalars()])",
    "return jsonify(list(db.session.query(User)))",
])
def test_flask_handlers_returning_every_row(body):
    assert lines_of(flask(body), "PERF003") == [11]


def test_the_message_and_the_anchor():
    found = findings(flask("return jsonify([u.to_dict() for u in User.query.all()])"), "PERF003")
    assert [(f.span.start, f.message) for f in found] == [
        ((11, 41), "This GET endpoint returns every row of `User`, however many there are; add a limit or paginate it.")
    ]


@pytest.mark.parametrize("body", [
    "return jsonify([u.id for u in User.query.limit(20).all()])",
    "return jsonify([u.id for u in User.query.offset(20).all()])",
    "return jsonify([u.id for u in User.query.slice(0, 20).all()])",
    "return jsonify([u.id for u in User.query[:20]])",
    "page = User.query.paginate(page=1, per_page=20)\n    return jsonify([u.id for u in page.items])",
    "return jsonify([u.id for u in db.paginate(db.select(User))])",
    "return jsonify([u.id for u in db.session.scalars(db.select(User).limit(20)).all()])",
    "return jsonify(User.query.filter_by(id=1).first().to_dict())",
    "return jsonify({'count': User.query.count()})",
    # only counted: PERF005's finding
    "rows = User.query.all()\n    return jsonify({'count': len(rows)})",
])
def test_flask_near_misses(body):
    assert lines_of(flask(body), "PERF003") == []


def test_only_get_routes():
    source = FLASK.replace('@app.route("/api/v1/users")', '@app.post("/api/v1/users")').replace(
        "BODY", "return jsonify([u.id for u in User.query.all()])")
    assert lines_of(source, "PERF003") == []
    source = FLASK.replace('@app.route("/api/v1/users")', '@app.route("/api/v1/users", methods=["GET", "POST"])').replace(
        "BODY", "return jsonify([u.id for u in User.query.all()])")
    assert lines_of(source, "PERF003") == [11]


def test_not_in_a_plain_function_or_a_nested_one():
    source = flask("return jsonify(load())") + '''

def load():
    return [u.id for u in User.query.all()]
'''
    assert lines_of(source, "PERF003") == []


def test_fastapi():
    source = '''
        from fastapi import APIRouter, Depends
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        router = APIRouter(prefix="/api/v1/items")


        @router.get("/")
        def read_items(db: Session = Depends(get_db)):
            return db.query(Item).all()


        @router.get("/paged")
        def read_page(skip: int = 0, limit: int = 100, db: Session = Depends(get_db)):
            return db.query(Item).offset(skip).limit(limit).all()


        @router.get("/async")
        async def read_async(db=Depends(get_db)):
            result = await db.execute(select(Item).order_by(Item.id))
            return result.scalars().all()


        @router.delete("/")
        def delete_all(db: Session = Depends(get_db)):
            return db.query(Item).all()
    '''
    assert lines_of(source, "PERF003") == [11, 21]  # the call that runs it, not where its rows are read


DJANGO_URLS = '''
from django.urls import path

from . import views

urlpatterns = [
    path("articles/", views.article_list),
    path("articles/paged/", views.article_page),
    path("articles/count/", views.article_count),
    path("articles/first/", views.first_articles),
    path("articles/titles/", views.article_titles),
]
'''


def test_django_function_views(tmp_path):
    found = workspace_findings(tmp_path, {
        "blog/__init__.py": "",
        "blog/urls.py": DJANGO_URLS,
        "blog/views.py": '''
            from django.core.paginator import Paginator
            from django.shortcuts import render

            from .models import Article


            def article_list(request):
                return render(request, "list.html", {"articles": Article.objects.all()})


            def article_page(request):
                paginator = Paginator(Article.objects.order_by("id").all(), 25)
                return render(request, "list.html", {"page": paginator.get_page(request.GET.get("page"))})


            def article_count(request):
                return render(request, "count.html", {"count": Article.objects.all().count()})


            def first_articles(request):
                return render(request, "list.html", {"articles": Article.objects.all()[:10]})


            def article_titles(request):
                articles = Article.objects.filter(published=True)
                return render(request, "titles.html", {"titles": [a.title for a in articles]})
        ''',
        "config/settings.py": 'ROOT_URLCONF = "config.urls"\n',
        "config/__init__.py": "",
        "config/urls.py": '''
            from django.urls import include, path

            urlpatterns = [path("blog/", include("blog.urls"))]
        ''',
    }, "blog/views.py", "PERF003")
    # a queryset run by iterating its name is reported where it is built
    assert [f.span.start for f in found] == [(9, 53), (26, 15)]


DRF_FILES = {
    "shop/__init__.py": "",
    "shop/urls.py": '''
        from django.urls import path
        from rest_framework.routers import DefaultRouter

        from . import views

        router = DefaultRouter()
        router.register("products", views.ProductViewSet)
        router.register("paged", views.PagedViewSet, basename="paged")
        urlpatterns = router.urls + [
            path("orders/", views.OrderList.as_view()),
            path("stock/", views.StockList.as_view()),
        ]
    ''',
    "shop/views.py": '''
        from rest_framework import generics, viewsets
        from rest_framework.pagination import PageNumberPagination

        from .models import Order, Product


        class ProductViewSet(viewsets.ModelViewSet):
            queryset = Product.objects.all()


        class PagedViewSet(viewsets.ReadOnlyModelViewSet):
            pagination_class = PageNumberPagination

            def get_queryset(self):
                return Product.objects.all()


        class OrderList(generics.ListCreateAPIView):
            def get_queryset(self):
                return Order.objects.filter(customer=self.request.user)


        class StockList(generics.ListAPIView):
            queryset = Product.objects.all()[:100]
    ''',
    "settings.py": 'ROOT_URLCONF = "shop.urls"\nREST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": []}\n',
}


def test_drf_list_views_without_pagination(tmp_path):
    found = workspace_findings(tmp_path, DRF_FILES, "shop/views.py", "PERF003")
    assert [(f.span.start[0], f.message) for f in found] == [
        (9, "This GET endpoint returns every row of `Product`, however many there are; add a limit or paginate it."),
        (21, "This GET endpoint returns every row of `Order`, however many there are; add a limit or paginate it."),
    ]


def test_drf_default_pagination_in_settings(tmp_path):
    files = dict(DRF_FILES)
    files["settings.py"] = (
        'ROOT_URLCONF = "shop.urls"\n'
        'REST_FRAMEWORK = {"DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination"}\n'
    )
    assert workspace_findings(tmp_path, files, "shop/views.py", "PERF003") == []


def test_drf_pagination_turned_off_on_the_view(tmp_path):
    files = dict(DRF_FILES)
    files["settings.py"] = (
        'ROOT_URLCONF = "shop.urls"\n'
        'REST_FRAMEWORK = {"DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination"}\n'
    )
    files["shop/views.py"] = DRF_FILES["shop/views.py"].replace(
        "queryset = Product.objects.all()\n\n\n        class Paged",
        "queryset = Product.objects.all()\n            pagination_class = None\n\n\n        class Paged",
    )
    found = workspace_findings(tmp_path, files, "shop/views.py", "PERF003")
    assert [f.span.start[0] for f in found] == [9]


def test_drf_list_overridden_pages_itself(tmp_path):
    files = dict(DRF_FILES)
    files["shop/views.py"] = '''
        from rest_framework import viewsets
        from rest_framework.response import Response

        from .models import Product


        class ProductViewSet(viewsets.ViewSet):
            def list(self, request):
                page = self.paginate_queryset(Product.objects.all())
                return Response(page)
    '''
    files["shop/urls.py"] = '''
        from rest_framework.routers import DefaultRouter

        from . import views

        router = DefaultRouter()
        router.register("products", views.ProductViewSet, basename="products")
        urlpatterns = router.urls
    '''
    assert workspace_findings(tmp_path, files, "shop/views.py", "PERF003") == []
    files["shop/views.py"] = files["shop/views.py"].replace(
        "page = self.paginate_queryset(Product.objects.all())", "page = [p.id for p in Product.objects.all()]")
    found = workspace_findings(tmp_path, files, "shop/views.py", "PERF003")
    assert [f.span.start[0] for f in found] == [10]
