"""API004 quick fixes through the protocol: each fix form, applied as an editor applies it."""

from __future__ import annotations

from tests.lsp_helpers import fix_through_lsp, open_document, wait_for_diagnostics

FLASK_QUERY_GET = '''from flask import Flask, jsonify
from models import User

app = Flask(__name__)


@app.route("/users/<int:user_id>")
def show(user_id):
    user = User.query.get(user_id)
    return jsonify(user.to_dict())
'''

FLASK_FIRST = '''from flask import Blueprint
from models import User

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("/by-email/<email>")
def by_email(email):
    user = User.query.filter_by(email=email).first()
    return {"id": user.id}
'''

FLASK_SESSION_GET = '''from flask import Flask
from flask_sqlalchemy import SQLAlchemy as SA
from models import User

app = Flask(__name__)
db = SA(app)


@app.delete("/users/<int:user_id>")
def remove(user_id):
    user = db.session.get(User, user_id)
    db.session.delete(user)
    db.session.commit()
    return "", 204
'''

FASTAPI_FIRST = '''from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session
from models import User, get_db

app = FastAPI()


@app.get("/users/{user_id}")
def read_user(user_id: int, db: Session = Depends(get_db)):
    user = db.query(User).filter(User.id == user_id).first()
    return user
'''


async def test_flask_query_get_becomes_get_or_404(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "get.py", FLASK_QUERY_GET, "API004")
    assert fixed == FLASK_QUERY_GET.replace("User.query.get(", "User.query.get_or_404(")


async def test_flask_first_becomes_first_or_404(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "first.py", FLASK_FIRST, "API004")
    assert fixed == FLASK_FIRST.replace(".first()", ".first_or_404()")


async def test_flask_session_get_becomes_db_get_or_404(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "session.py", FLASK_SESSION_GET, "API004")
    assert fixed == FLASK_SESSION_GET.replace("db.session.get(User", "db.get_or_404(User")


async def test_fastapi_gets_a_none_check_and_the_import(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "api.py", FASTAPI_FIRST, "API004")
    assert fixed == (
        FASTAPI_FIRST.replace(
            "from models import User, get_db\n",
            "from models import User, get_db\nfrom fastapi import HTTPException\n",
        ).replace(
            "    return user\n",
            "    if user is None:\n        raise HTTPException(status_code=404)\n    return user\n",
        )
    )


async def test_the_diagnostic_sits_on_the_fetching_call(client, workspace):
    uri = open_document(client, workspace / "where.py", FLASK_QUERY_GET)
    diagnostics = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "API004"]
    assert [(d.range.start.line, d.range.start.character, d.range.end.character) for d in diagnostics] == [(8, 11, 34)]
    assert diagnostics[0].source == "backend-ls"
    assert diagnostics[0].code_description.href.endswith("missing_not_found.md")
