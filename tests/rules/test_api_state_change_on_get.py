"""API001 state-change-on-get: GET handlers that write, in Flask and FastAPI."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.fixes import apply_fixes
from tests.lsp_helpers import parses
from tests.rules.helpers import findings, fixed as fix_all, lines_of, workspace_findings

FLASK_HEAD = """\
from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)
"""


def fixed(source: str, **settings) -> str:
    return fix_all(source, "API001", **settings)

def flask_handler(decorator: str, body: str) -> str:
    """A Flask module with one handler; the decorator is on line 8."""
    return FLASK_HEAD + "\n\n" + decorator + "\ndef handler(item_id):\n" + textwrap.indent(textwrap.dedent(body), "    ")


# --- Flask -----------------------------------------------------------------------------------


def test_flask_default_methods_route_that_commits_is_reported_at_the_decorator():
    source = flask_handler(
        '@app.route("/items/<int:item_id>/archive")',
        """\
        item = db.get_or_404(Item, item_id)
        item.archived = True
        db.session.commit()
        return jsonify({"ok": True})
        """,
    )
    found = findings(source, "API001")
    assert [(f.span.start, f.span.end[0]) for f in found] == [((8, 0), 8)]
    assert "GET" in found[0].message and "PATCH" in found[0].message
    assert [r.span.start[0] for r in found[0].related] == [12]
    assert found[0].fix.title == 'Add `methods=["PATCH"]`'
    assert 'methods=["PATCH"])' in fixed(source)


def test_flask_route_without_methods_that_creates_gets_post():
    source = flask_handler(
        "@app.route('/items/<int:item_id>/copy')",
        """\
        db.session.add(Item(source=item_id))
        db.session.commit()
        return jsonify({"ok": True})
        """,
    )
    assert "@app.route('/items/<int:item_id>/copy', methods=['POST'])" in fixed(source)


def test_flask_explicit_get_is_replaced_by_delete_when_it_only_deletes():
    source = flask_handler(
        '@app.route("/items/<int:item_id>/remove", methods=["GET"])',
        """\
        db.session.delete(db.get_or_404(Item, item_id))
        db.session.commit()
        return "", 204
        """,
    )
    assert '@app.route("/items/<int:item_id>/remove", methods=["DELETE"])' in fixed(source)


def test_flask_get_shortcut_has_its_verb_replaced():
    source = flask_handler(
        '@app.get("/items/<int:item_id>/touch")',
        """\
        Item.query.filter_by(id=item_id).update({"seen": True})
        db.session.commit()
        return jsonify({"ok": True})
        """,
    )
    found = findings(source, "API001")
    assert found[0].fix.title == "Change the method to PATCH"
    assert '@app.patch("/items/<int:item_id>/touch")' in fixed(source)


def test_get_and_post_route_loses_get():
    source = flask_handler(
        '@app.route("/items/<int:item_id>", methods=["GET", "POST"])',
        """\
        db.session.add(Item(name=request.form["name"]))
        db.session.commit()
        return jsonify({"ok": True})
        """,
    )
    found = findings(source, "API001")
    assert found[0].fix.title == "Remove GET from the methods"
    assert '@app.route("/items/<int:item_id>", methods=["POST"])' in fixed(source)


def test_methods_tuple_keeps_its_shape_and_letter_case():
    source = flask_handler(
        "@app.route('/items/<int:item_id>', methods=('get', 'head'))",
        """\
        db.session.delete(db.get_or_404(Item, item_id))
        db.session.commit()
        return "", 204
        """,
    )
    assert "@app.route('/items/<int:item_id>', methods=('delete',))" in fixed(source)


def test_blueprint_routes_and_aliased_flask():
    source = """\
    from flask import Blueprint as B, Flask as F

    from .models import db

    app = F(__name__)
    admin = B("admin", __name__, url_prefix="/admin")


    @admin.route("/purge")
    def purge():
        db.session.execute(db.text("DELETE FROM sessions"))
        return "done"


    @app.route("/ping")
    def ping():
        return "pong"


    app.register_blueprint(admin)
    """
    assert lines_of(source, "API001") == [9]


@pytest.mark.parametrize(
    "decorator",
    [
        '@app.post("/items/<int:item_id>")',
        '@app.route("/items/<int:item_id>", methods=["POST"])',
        '@app.route("/items/<int:item_id>", methods=["PUT", "PATCH"])',
        '@app.delete("/items/<int:item_id>")',
    ],
)
def test_handlers_not_reachable_by_get_are_not_reported(decorator):
    body = """\
    db.session.delete(db.get_or_404(Item, item_id))
    db.session.commit()
    return "", 204
    """
    assert findings(flask_handler(decorator, body), "API001") == []


def test_methods_that_cannot_be_read_statically_are_left_alone():
    source = FLASK_HEAD + """
ALLOWED = ["GET", "POST"]


@app.route("/items", methods=ALLOWED)
def items():
    db.session.add(Item())
    db.session.commit()
    return "ok"
"""
    assert findings(source, "API001") == []


def test_a_write_in_a_function_nested_in_the_handler_is_not_the_handlers():
    source = flask_handler(
        '@app.get("/items/<int:item_id>")',
        """\
        def later():
            db.session.delete(Item.query.get(item_id))
            db.session.commit()

        schedule(later)
        return jsonify({"scheduled": True})
        """,
    )
    assert findings(source, "API001") == []


def test_a_write_outside_any_handler_is_not_reported():
    source = FLASK_HEAD + """

def reset():
    db.session.query(Item).delete()
    db.session.commit()


@app.get("/items")
def items():
    return jsonify([i.name for i in Item.query.all()])
"""
    assert findings(source, "API001") == []


def test_two_get_decorators_on_one_handler_are_reported_each():
    source = flask_handler(
        '@app.get("/items/<int:item_id>/hide")\n@app.route("/items/<int:item_id>/conceal")',
        """\
        db.session.merge(Item(id=item_id, hidden=True))
        db.session.commit()
        return "ok"
        """,
    )
    assert lines_of(source, "API001") == [8, 9]


# --- what counts as a write ------------------------------------------------------------------

WRITES = [
    "db.session.add(Item())",
    "db.session.add_all([Item(), Item()])",
    "db.session.delete(item)",
    "db.session.merge(item)",
    "db.session.commit()",
    "db.session.flush()",
    "Item.query.filter_by(id=item_id).update({'seen': True})",
    "Item.query.filter(Item.id == item_id).delete()",
    "db.session.query(Item).filter_by(id=item_id).delete()",
    "item.save()",
    "item.delete()",
    "Item.objects.create(name='x')",
    "Item.objects.bulk_create([Item()])",
    "Item.objects.get_or_create(name='x')",
    "Item.objects.update_or_create(name='x', defaults={})",
    "Item.objects.filter(id=item_id).update(seen=True)",
    "Item.objects.filter(id=item_id).delete()",
    "cursor.execute('INSERT INTO items (name) VALUES (%s)', [name])",
    "cursor.execute(\"  update items set seen = 1\")",
    "db.session.execute(text('DELETE FROM items'))",
    "cursor.execute('DROP TABLE items')",
    "cursor.execute('ALTER TABLE items ADD COLUMN seen INT')",
    "cursor.execute(f'DELETE FROM items WHERE id = {item_id}')",
    "create_item(name)",
    "createItem(name)",
    "services.update_item(item_id)",
    "repository.deleteItem(item_id)",
    "remove_item(item_id)",
    "items_collection.insert_one({'id': item_id})",
    "save_changes()",
    "stripe.Customer.create(email=email)",
    "s3.delete_object(Bucket='b', Key=key)",
    "session.commit()",
    "db_session.add(item)",
]

NOT_WRITES = [
    "data = {}\n    data.update(name='x')",
    "query = dict(request.args)\n    query.update(page=1)",
    "names.remove('x')",
    "names.insert(0, 'x')",
    "cache.delete('items')",
    "cache.delete_many(['a', 'b'])",
    "current_app.cache.delete_memoized(load_items)",
    "image.save(buffer, format='PNG')",
    "upload.save(path)",
    "'x'.removeprefix('a')",
    "CreateItemRequest(name='x')",
    "UpdateItem(name='x')",
    "cursor.execute('SELECT * FROM items')",
    "db.session.execute(text('SELECT 1'))",
    "Item.query.get(item_id)",
    "client.chat.completions.create(model='m', messages=[])",
    "loop.create_task(work())",
    "response.delete_cookie('token')",
    "updated_at()",
    "created = item.created",
    "hashlib.sha256().update(b'x')",
    "request.session.update({'seen': True})",
    "http.delete(url)",
]


@pytest.mark.parametrize("statement", WRITES)
def test_writes_are_reported(statement):
    source = "import hashlib\nfrom sqlalchemy import text\n" + flask_handler(
        '@app.get("/items/<int:item_id>")', f"{statement}\nreturn 'ok'\n"
    )
    assert lines_of(source, "API001") == [10], statement


@pytest.mark.parametrize("statement", NOT_WRITES)
def test_what_is_not_a_record_write_is_not_reported(statement):
    source = "import hashlib\nimport requests\n" + flask_handler(
        '@app.get("/items/<int:item_id>")', f"http = requests.Session()\n{statement}\nreturn 'ok'\n"
    )
    assert findings(source, "API001") == [], statement


@pytest.mark.parametrize(
    "imports, statement",
    [
        ("import os", "os.remove(path)"),
        ("import shutil", "shutil.rmtree(path)"),
        ("import requests", "requests.delete(url)"),
        ("from flask import session", "session.update({'seen': True})"),
        ("from flask import session", "session.clear()"),
        ("from flask_jwt_extended import create_access_token", "create_access_token(identity=1)"),
        ("from sqlalchemy import create_engine", "create_engine('sqlite://')"),
        ("import functools", "functools.update_wrapper(a, b)"),
        ("from django.contrib.auth import update_session_auth_hash", "update_session_auth_hash(request, user)"),
    ],
)
def test_library_calls_that_do_not_touch_records_are_not_reported(imports, statement):
    source = f"{imports}\n" + flask_handler('@app.get("/items/<int:item_id>")', f"{statement}\nreturn 'ok'\n")
    assert findings(source, "API001") == [], statement


# --- FastAPI ---------------------------------------------------------------------------------


def test_fastapi_module_import_and_annotated_session_parameter():
    source = """\
    import fastapi
    from sqlalchemy.orm import Session

    from .database import get_db
    from .models import Item

    app = fastapi.FastAPI()


    @app.get("/items/{item_id}/claim")
    def claim(item_id: int, db: Session = fastapi.Depends(get_db)):
        db.add(Item(owner=item_id))
        db.commit()
        return {"ok": True}
    """
    found = findings(source, "API001")
    assert [f.span.start for f in found] == [(10, 0)]
    assert '@app.post("/items/{item_id}/claim")' in fixed(source)


def test_fastapi_aliased_router_with_delete_only():
    source = """\
    from typing import Annotated

    from fastapi import APIRouter as R, Depends
    from sqlalchemy.ext.asyncio import AsyncSession

    router = R(prefix="/items")


    @router.get("/{item_id}/drop")
    async def drop(item_id: int, db: Annotated[AsyncSession, Depends(get_db)]):
        await db.delete(await db.get(Item, item_id))
        await db.commit()
        return None
    """
    assert lines_of(source, "API001") == [9]
    assert '@router.delete("/{item_id}/drop")' in fixed(source)


def test_fastapi_untyped_db_parameter_is_not_guessed():
    source = """\
    from fastapi import FastAPI, Depends

    app = FastAPI()


    @app.get("/items/{item_id}")
    def show(item_id: int, db=Depends(get_db)):
        db.add(Visit(item_id=item_id))
        return {"id": item_id}
    """
    assert findings(source, "API001") == []


def test_fastapi_session_from_a_sessionmaker_in_a_with_block():
    source = """\
    from fastapi import FastAPI
    from sqlalchemy.orm import sessionmaker

    app = FastAPI()
    SessionLocal = sessionmaker()


    @app.get("/visits/{item_id}")
    def visit(item_id: int):
        with SessionLocal() as db:
            db.add(Visit(item_id=item_id))
            db.commit()
        return {"id": item_id}
    """
    assert lines_of(source, "API001") == [8]


def test_fastapi_api_route_defaults_to_get_and_gets_methods():
    source = """\
    from fastapi import FastAPI

    app = FastAPI()


    @app.api_route("/items/{item_id}/reset")
    def reset(item_id: int, session):
        session.query(Item).filter_by(id=item_id).update({"count": 0})
        session.commit()
        return {}
    """
    assert '@app.api_route("/items/{item_id}/reset", methods=["PATCH"])' in fixed(source)


def test_fastapi_api_route_with_get_and_put_loses_get():
    source = """\
    from fastapi import FastAPI

    app = FastAPI()


    @app.api_route("/items/{item_id}", methods=["GET", "PUT"])
    def upsert(item_id: int, session):
        session.merge(Item(id=item_id))
        session.commit()
        return {}
    """
    assert '@app.api_route("/items/{item_id}", methods=["PUT"])' in fixed(source)


def test_fastapi_post_and_requests_session_are_not_reported():
    source = """\
    import requests
    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/items")
    def create(session):
        session.add(Item())
        session.commit()
        return {}


    @app.get("/mirror/{item_id}")
    def mirror(item_id: int):
        with requests.Session() as session:
            session.delete(f"https://cache.example.com/{item_id}", timeout=5)
        return {}
    """
    assert findings(source, "API001") == []


# --- writes that only other methods reach -----------------------------------------------------

FORM_VIEWS = [
    """\
    if request.method == "POST":
        db.session.add(Item(name=request.form["name"]))
        db.session.commit()
        return redirect("/items")
    return render_template("new_item.html")
    """,
    """\
    if request.method == 'GET':
        return render_template("new_item.html")
    db.session.add(Item(name=request.form["name"]))
    db.session.commit()
    return redirect("/items")
    """,
    """\
    form = ItemForm()
    if form.validate_on_submit():
        db.session.add(Item(name=form.name.data))
        db.session.commit()
        return redirect("/items")
    return render_template("new_item.html", form=form)
    """,
    """\
    if request.method != "GET":
        db.session.commit()
    return render_template("new_item.html")
    """,
    """\
    if request.method in ("POST", "PUT") and request.form:
        db.session.commit()
    return render_template("new_item.html")
    """,
    """\
    if request.method == "GET":
        items = Item.query.all()
    else:
        db.session.commit()
    return render_template("new_item.html")
    """,
    """\
    if "POST" == request.method:
        db.session.commit()
    return render_template("new_item.html")
    """,
]

FORM_VIEWS_THAT_WRITE_ON_GET = [
    """\
    if request.method == "GET":
        db.session.commit()
    return render_template("new_item.html")
    """,
    """\
    if request.method == "POST":
        flash("saved")
    db.session.commit()
    return render_template("new_item.html")
    """,
    """\
    if request.args:
        pass
    elif request.method == "GET":
        return render_template("new_item.html")
    db.session.commit()
    return redirect("/items")
    """,
    """\
    if request.method not in ("POST", "PUT"):
        db.session.commit()
    return render_template("new_item.html")
    """,
]


@pytest.mark.parametrize("body", FORM_VIEWS)
def test_writes_only_other_methods_reach_are_not_reported(body):
    source = flask_handler('@app.route("/items/new", methods=["GET", "POST"])', body)
    assert findings(source, "API001") == []


@pytest.mark.parametrize("body", FORM_VIEWS_THAT_WRITE_ON_GET)
def test_writes_a_get_can_still_reach_are_reported(body):
    source = flask_handler('@app.route("/items/new", methods=["GET", "POST"])', body)
    assert lines_of(source, "API001") == [8]


# --- routes registered by call and class-based views ------------------------------------------

METHOD_VIEW = """\
from flask import Flask
from flask.views import MethodView

app = Flask(__name__)


class ItemAPI(MethodView):
    def get(self, item_id):
        db.session.delete(Item.query.get(item_id))
        db.session.commit()
        return ""
{extra}

app.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))
"""


def test_method_view_get_is_reported_at_its_def_and_renamed():
    source = METHOD_VIEW.format(extra="")
    found = findings(source, "API001")
    assert [f.span.start for f in found] == [(8, 4)]
    assert found[0].fix.title == "Rename `get` to `delete`"
    assert "    def delete(self, item_id):\n" in fixed(source)


def test_method_view_get_is_not_renamed_onto_an_existing_method():
    extra = """
    def delete(self, item_id):
        return "", 204
"""
    found = findings(METHOD_VIEW.format(extra=extra), "API001")
    assert [f.span.start for f in found] == [(8, 4)]
    assert found[0].fix is None


def test_add_url_rule_routes():
    source = """\
    from flask import Flask

    app = Flask(__name__)


    def touch():
        db.session.commit()
        return ""


    def show():
        return ""


    app.add_url_rule("/touch", "touch", touch)
    app.add_url_rule("/show", "show", show)
    app.add_url_rule("/poke", view_func=touch, methods=["POST"])
    """
    found = findings(textwrap.dedent(source), "API001")
    assert [f.span.start[0] for f in found] == [15]
    assert 'app.add_url_rule("/touch", "touch", touch, methods=["POST"])' in fixed(source)


def test_a_record_of_a_library_model_is_still_a_record():
    source = "from django.contrib.auth.models import User\n" + flask_handler(
        '@app.get("/users/new")', "user = User(username='guest')\nuser.save()\nreturn 'ok'\n"
    )
    assert lines_of(source, "API001") == [9]


DJANGO_URLS = """\
from django.urls import path
from . import views

urlpatterns = [path("users/<int:pk>/deactivate/", views.deactivate), path("users/", views.listing)]
"""


def test_django_function_view_open_to_every_method_that_writes(tmp_path):
    """A Django function view with no method restriction answers GET: its writes are reported on
    the `def` line, and the fix restricts it with `@require_POST` and its import."""
    views = """\
    from django.http import JsonResponse
    from .models import User


    def deactivate(request, pk):
        user = User.objects.get(pk=pk)
        user.is_active = False
        user.save()
        return JsonResponse({"id": user.pk})


    def listing(request):
        return JsonResponse({"users": list(User.objects.values("pk"))})
    """
    files = {"app/__init__.py": "", "app/urls.py": DJANGO_URLS, "app/views.py": views, "settings.py": 'ROOT_URLCONF = "app.urls"\n'}
    (finding,) = workspace_findings(tmp_path, files, "app/views.py", "API001")
    assert finding.span.start == (5, 0)
    assert finding.fix.title == "Allow only POST with `@require_POST`"
    text, applied = apply_fixes((tmp_path / "app/views.py").read_text(), [finding.fix])
    assert applied and parses(text)
    assert "from django.views.decorators.http import require_POST\n" in text
    assert "\n@require_POST\ndef deactivate(request, pk):" in text
    files["app/views.py"] = text
    assert workspace_findings(tmp_path / "after", files, "app/views.py", "API001") == []


def test_django_view_restricted_to_post_by_a_decorator_is_not_reported(tmp_path):
    views = """\
    from django.views.decorators.http import require_POST
    from .models import User


    @require_POST
    def deactivate(request, pk):
        User.objects.filter(pk=pk).update(is_active=False)


    def listing(request):
        return None
    """
    files = {"app/__init__.py": "", "app/urls.py": DJANGO_URLS, "app/views.py": views, "settings.py": 'ROOT_URLCONF = "app.urls"\n'}
    assert workspace_findings(tmp_path, files, "app/views.py", "API001") == []
