"""API001 through the protocol: a GET handler that writes is moved to the method its writes call for."""

from __future__ import annotations

from tests.lsp_helpers import fix_through_lsp, open_document, wait_for_diagnostics
from tests.rules.helpers import findings

FLASK_DEFAULT_METHODS = '''from flask import Flask as F, jsonify
from flask_sqlalchemy import SQLAlchemy

app = F(__name__)
db = SQLAlchemy(app)


@app.route("/api/v1/users/<int:user_id>/deactivate")
def deactivate_user(user_id):
    user = db.get_or_404(User, user_id)
    user.active = False
    db.session.commit()
    return jsonify({"id": user.id})
'''

FASTAPI_ROUTER = '''from fastapi import APIRouter as R, Depends
from sqlalchemy.orm import Session

from .database import get_db
from .models import Order

router = R(prefix="/api/v1/orders")


@router.get("/{order_id}/cancel")
def cancel_order(order_id: int, db: Session = Depends(get_db)):
    db.delete(db.get(Order, order_id))
    db.commit()
    return None
'''

GET_AND_POST = '''from flask import Blueprint
from .models import Comment, db

comments = Blueprint("comments", __name__, url_prefix="/api/v1/comments")


@comments.route("/", methods=["GET", "POST"])
def comments_index():
    db.session.add(Comment(text="first"))
    db.session.commit()
    return {"ok": True}
'''

NEAR_MISSES = '''import fastapi
from flask import Flask, redirect, render_template, request

app = Flask(__name__)
api = fastapi.FastAPI()


@app.post("/api/v1/users")
def create_user():
    db.session.add(User())
    db.session.commit()
    return {}


@app.get("/api/v1/users/<int:user_id>")
def show_user(user_id):
    def audit():
        db.session.add(Audit(user_id=user_id))
        db.session.commit()

    background(audit)
    filters = {}
    filters.update(active=True)
    cache.delete("users")
    return {}


@app.route("/api/v1/users/new", methods=["GET", "POST"])
def new_user():
    if request.method == "POST":
        db.session.add(User(name=request.form["name"]))
        db.session.commit()
        return redirect("/")
    return render_template("new_user.html")


@api.get("/api/v1/reports/{name}")
def report(name: str):
    image.save(buffer, format="PNG")
    return {}
'''


async def test_flask_route_with_default_methods_gets_methods(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "users.py", FLASK_DEFAULT_METHODS, "API001")
    assert fixed == FLASK_DEFAULT_METHODS.replace(
        '@app.route("/api/v1/users/<int:user_id>/deactivate")',
        '@app.route("/api/v1/users/<int:user_id>/deactivate", methods=["PATCH"])',
    )


async def test_fastapi_get_that_only_deletes_becomes_delete(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "orders.py", FASTAPI_ROUTER, "API001")
    assert fixed == FASTAPI_ROUTER.replace("@router.get(", "@router.delete(")


async def test_get_is_removed_from_get_and_post(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "comments.py", GET_AND_POST, "API001")
    assert fixed == GET_AND_POST.replace('methods=["GET", "POST"]', 'methods=["POST"]')
    assert findings(fixed, "API001") == []


async def test_near_misses_are_quiet(client, workspace):
    uri = open_document(client, workspace / "quiet.py", NEAR_MISSES)
    diagnostics = await wait_for_diagnostics(client, uri, 1)
    assert [d for d in diagnostics if d.code == "API001"] == []


async def test_diagnostic_sits_on_the_decorator(client, workspace):
    uri = open_document(client, workspace / "where.py", FLASK_DEFAULT_METHODS)
    diagnostics = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "API001"]
    assert [(d.range.start.line, d.range.start.character, d.source) for d in diagnostics] == [(7, 0, "backend-ls")]
    assert diagnostics[0].code_description.href.endswith("state_change_on_get.md")
