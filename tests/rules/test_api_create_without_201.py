"""API006 create-without-201: POST handlers that create a record and answer the default 200."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.fixes import apply_fixes
from tests.rules.helpers import findings, fixed as fix_all, lines_of, workspace_findings

CODE = "API006"


def fixed(source: str) -> str:
    return fix_all(source, CODE)


def project(root, files: dict[str, str], target: str):
    found = workspace_findings(root, files, target, CODE)
    return found, (root / target).read_text()


FLASK = """\
from flask import Flask, jsonify, request, redirect, render_template
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)

"""


# --- Flask ----------------------------------------------------------------------------------------


def test_flask_post_that_adds_and_returns_json_is_reported_on_the_return():
    source = FLASK + textwrap.dedent("""\
        @app.route("/notes", methods=["POST"])
        def create_note():
            note = Note(text=request.json["text"])
            db.session.add(note)
            db.session.commit()
            return jsonify(note.to_dict())
    """)
    found = findings(source, CODE)
    assert [f.span.start for f in found] == [(12, 4)]
    assert "`db.session.add`" in found[0].message
    assert fixed(source) == source.replace("return jsonify(note.to_dict())", "return jsonify(note.to_dict()), 201")


@pytest.mark.parametrize(
    ("statement", "replaced"),
    [
        ("return {'id': note.id}", "return {'id': note.id}, 201"),
        ("return [note.id]", "return [note.id], 201"),
        ("return schema.dump(note)", "return schema.dump(note), 201"),
        ("return jsonify(id=note.id), {'Location': url}", "return jsonify(id=note.id), 201, {'Location': url}"),
    ],
)
def test_flask_json_answers_get_201(statement, replaced):
    source = FLASK + textwrap.dedent(f"""\
        @app.post("/notes")
        def create_note():
            note = create_note_record(request.json)
            {statement}
    """)
    assert lines_of(source, CODE) == [10]
    assert fixed(source) == source.replace(statement, replaced)


@pytest.mark.parametrize(
    "statement",
    [
        "return jsonify(note.to_dict()), 201",
        "return jsonify(note.to_dict()), 200",  # a status written out is a decision, not the default
        "return redirect('/notes')",
        "return render_template('note.html', note=note)",
        "return response",
        "return jsonify({'error': 'Invalid note'})",  # an error answer is API005's
    ],
)
def test_flask_answers_that_are_not_the_default_200_json_are_clean(statement):
    source = FLASK + textwrap.dedent(f"""\
        @app.post("/notes")
        def create_note():
            note = Note(text=request.json["text"])
            db.session.add(note)
            db.session.commit()
            {statement}
    """)
    assert findings(source, CODE) == []


def test_validation_returns_before_the_create_are_not_reported():
    source = FLASK + textwrap.dedent("""\
        @app.post("/notes")
        def create_note():
            data = request.get_json()
            if not data:
                return jsonify({"id": None})
            db.session.add(Note(**data))
            db.session.commit()
            return jsonify({"ok": True})
    """)
    assert lines_of(source, CODE) == [14]


def test_handlers_that_do_not_create_or_do_not_answer_post_are_clean():
    source = FLASK + textwrap.dedent("""\
        @app.post("/notes/<int:note_id>")
        def update_note(note_id):
            note = Note.query.get_or_404(note_id)
            note.text = request.json["text"]
            db.session.commit()
            return jsonify(note.to_dict())

        @app.put("/notes")
        def put_note():
            db.session.add(Note(text="x"))
            db.session.commit()
            return jsonify({})

        @app.post("/search")
        def search():
            return jsonify(find_notes(request.json))
    """)
    assert findings(source, CODE) == []


def test_get_and_post_view_is_reported_in_its_post_branch_only():
    source = FLASK + textwrap.dedent("""\
        @app.route("/notes", methods=["GET", "POST"])
        def notes():
            if request.method == "POST":
                db.session.add(Note(text=request.json["text"]))
                db.session.commit()
                return jsonify({"created": True})
            return jsonify([n.id for n in Note.query.all()])
    """)
    assert lines_of(source, CODE) == [12]


def test_flask_default_methods_are_not_post():
    source = FLASK + textwrap.dedent("""\
        @app.route("/notes")
        def notes():
            db.session.add(Note(text="x"))
            db.session.commit()
            return jsonify({"created": True})
    """)
    assert findings(source, CODE) == []


# --- FastAPI --------------------------------------------------------------------------------------

FASTAPI = """\
from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

app = FastAPI()

"""


def test_fastapi_post_is_reported_on_the_decorator_and_gets_status_code():
    source = FASTAPI + textwrap.dedent("""\
        @app.post("/items", response_model=ItemOut)
        def create_item(item: ItemIn, db: Session = Depends(get_db)):
            record = Item(**item.model_dump())
            db.add(record)
            db.commit()
            return record
    """)
    found = findings(source, CODE)
    assert [f.span.start for f in found] == [(6, 0)]
    assert fixed(source) == source.replace(
        '@app.post("/items", response_model=ItemOut)', '@app.post("/items", response_model=ItemOut, status_code=201)'
    )


def test_fastapi_uses_the_status_module_it_imports_and_fixes_a_json_response_too():
    source = textwrap.dedent("""\
        from fastapi import APIRouter, status
        from fastapi.responses import JSONResponse
        from sqlalchemy.orm import Session

        router = APIRouter()

        @router.post("/items")
        async def create_item(item: dict, db: Session):
            db.add(Item(**item))
            db.commit()
            if item.get("quiet"):
                return JSONResponse({"ok": True})
            return item
    """)
    assert lines_of(source, CODE) == [7]
    result = fixed(source)
    assert '@router.post("/items", status_code=status.HTTP_201_CREATED)' in result
    assert 'JSONResponse({"ok": True}, status_code=status.HTTP_201_CREATED)' in result


@pytest.mark.parametrize(
    "decorator",
    ['@app.post("/items", status_code=201)', '@app.post("/items", status_code=200)', '@app.post("/items", **options)'],
)
def test_fastapi_decorator_with_a_status_is_clean(decorator):
    source = FASTAPI + textwrap.dedent(f"""\
        {decorator}
        def create_item(item: dict, db: Session = Depends(get_db)):
            db.add(Item(**item))
            db.commit()
            return item
    """)
    assert findings(source, CODE) == []


def test_fastapi_handler_that_sets_its_status_itself_is_clean():
    source = FASTAPI + textwrap.dedent("""\
        from fastapi import Response

        @app.post("/items")
        def create_item(item: dict, response: Response, db: Session = Depends(get_db)):
            db.add(Item(**item))
            db.commit()
            response.status_code = 201
            return item
    """)
    assert findings(source, CODE) == []


def test_fastapi_crud_call_counts_as_a_create():
    source = FASTAPI + textwrap.dedent("""\
        from . import crud

        @app.post("/users/")
        def create_user(user: UserCreate, db: Session = Depends(get_db)):
            return crud.create_user(db=db, user=user)
    """)
    assert lines_of(source, CODE) == [8]


# --- Django and DRF -------------------------------------------------------------------------------

URLS = """\
from django.urls import path
from . import views

urlpatterns = [
    path("orders/", views.create_order),
    path("items/", views.ItemList.as_view()),
]
"""


def test_django_view_that_creates_on_post(tmp_path):
    views = """\
        from django.http import JsonResponse
        from django.views import View

        from .models import Item, Order


        def create_order(request):
            if request.method == "POST":
                order = Order.objects.create(total=request.POST["total"])
                return JsonResponse({"id": order.pk})
            return JsonResponse({"orders": []})


        class ItemList(View):
            def post(self, request):
                item = Item(name=request.POST["name"])
                item.save()
                return JsonResponse({"id": item.pk})

            def put(self, request):
                Item.objects.create(name="x")
                return JsonResponse({})
    """
    found, text = project(tmp_path, {"shop/urls.py": URLS, "shop/views.py": views, "shop/__init__.py": ""}, "shop/views.py")
    assert [f.span.start[0] for f in found] == [10, 18]
    result, _ = apply_fixes(text, [f.fix for f in found])
    assert 'JsonResponse({"id": order.pk}, status=201)' in result
    assert 'JsonResponse({"id": item.pk}, status=201)' in result


def test_drf_serializer_save_creates_and_an_update_does_not(tmp_path):
    views = """\
        from rest_framework import status
        from rest_framework.response import Response
        from rest_framework.views import APIView

        from .serializers import ItemSerializer


        class ItemList(APIView):
            def post(self, request):
                serializer = ItemSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                serializer.save()
                return Response(serializer.data)

            def put(self, request):
                serializer = ItemSerializer(self.get_object(), data=request.data)
                serializer.is_valid(raise_exception=True)
                serializer.save()
                return Response(serializer.data)


        def create_order(request):
            pass
    """
    found, text = project(tmp_path, {"shop/urls.py": URLS, "shop/views.py": views, "shop/__init__.py": ""}, "shop/views.py")
    assert [f.span.start[0] for f in found] == [13]
    result, _ = apply_fixes(text, [f.fix for f in found])
    assert "return Response(serializer.data, status=status.HTTP_201_CREATED)" in result


def test_drf_update_with_an_instance_keyword_is_not_a_create():
    source = textwrap.dedent("""\
        from rest_framework.decorators import api_view
        from rest_framework.response import Response

        @api_view(["POST"])
        def rename(request, pk):
            serializer = ItemSerializer(instance=Item.objects.get(pk=pk), data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data)

        @api_view(["POST"])
        def add(request):
            serializer = ItemSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return Response(serializer.data)
    """)
    assert lines_of(source, CODE) == [16]
    assert "return Response(serializer.data, status=201)" in fixed(source)


def test_django_form_save_without_instance_creates():
    source = textwrap.dedent("""\
        from django.http import JsonResponse
        from django.views.decorators.http import require_POST

        @require_POST
        def add(request):
            form = ItemForm(request.POST)
            if form.is_valid():
                item = form.save()
                return JsonResponse({"id": item.pk})
            return JsonResponse({"errors": form.errors}, status=400)
    """)
    assert lines_of(source, CODE) == [9]


def test_drf_viewset_create_override_that_calls_perform_create(tmp_path):
    urls = """\
        from rest_framework.routers import DefaultRouter
        from . import views

        router = DefaultRouter()
        router.register("items", views.ItemViewSet)
        urlpatterns = router.urls
    """
    views = """\
        from rest_framework import viewsets
        from rest_framework.response import Response


        class ItemViewSet(viewsets.ModelViewSet):
            def create(self, request, *args, **kwargs):
                serializer = self.get_serializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                self.perform_create(serializer)
                return Response(serializer.data)
    """
    found, _ = project(tmp_path, {"shop/urls.py": urls, "shop/views.py": views, "shop/__init__.py": ""}, "shop/views.py")
    assert [f.span.start[0] for f in found] == [10]
    assert "`self.perform_create`" in found[0].message
