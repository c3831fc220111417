"""API004 missing-not-found: the rule, its fixes, and the record-fetch facts under it."""

from __future__ import annotations

import dataclasses
import textwrap

import parso

from backend_ls.analysis import analyse_module
from backend_ls.facts import module_facts
from backend_ls.fixes import apply_fixes
from backend_ls.facts.model import PathPart, Route
from backend_ls.options import Settings
from backend_ls.positions import Span
from backend_ls.rules.context import RuleContext
from backend_ls.rules.registry import load_rules
from tests.lsp_helpers import parses
from tests.rules.helpers import findings, lines_of

FLASK = """
from flask import Flask, abort, jsonify, request
from models import User, Order

app = Flask(__name__)
"""

FASTAPI = """
from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from models import User, get_db

app = FastAPI()
"""


def fixed(source: str) -> str:
    """The source after the fix of its first API004 finding, checked to parse."""
    source = textwrap.dedent(source)
    found = findings(source, "API004")
    assert found and found[0].fix is not None, found
    text, applied = apply_fixes(source, [found[0].fix])
    assert applied == 1 and parses(text), text
    return text


def fix_of(source: str):
    found = findings(source, "API004")
    assert len(found) == 1, found
    return found[0].fix


# --- Flask and Flask-SQLAlchemy ---------------------------------------------------------------


def test_query_get_used_unchecked_is_flagged_at_the_fetch_and_fixed_with_get_or_404():
    source = FLASK + """
@app.route("/users/<int:user_id>")
def show(user_id):
    user = User.query.get(user_id)
    return jsonify(user.to_dict())
"""
    found = findings(source, "API004")
    assert [f.span for f in found] == [Span((9, 11), (9, 34))]
    assert "`user`" in found[0].message and "404" in found[0].message
    assert found[0].fix.title == "Use `get_or_404`"
    assert "    user = User.query.get_or_404(user_id)\n" in fixed(source)


def test_first_on_a_query_chain_is_fixed_with_first_or_404():
    source = FLASK + """
@app.get("/users/by-name/<name>")
def by_name(name):
    user = User.query.filter_by(name=name).order_by(User.id).first()
    return {"id": user.id}
"""
    assert lines_of(source, "API004") == [9]
    assert "User.query.filter_by(name=name).order_by(User.id).first_or_404()" in fixed(source)


def test_db_session_get_is_fixed_with_db_get_or_404_through_an_aliased_import():
    source = """
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy as SA
    from models import User

    app = Flask(__name__)
    database = SA(app)

    @app.route("/users/<int:user_id>", methods=["DELETE"])
    def remove(user_id):
        user = database.session.get(User, user_id)
        database.session.delete(user)
        database.session.commit()
        return "", 204
    """
    assert lines_of(source, "API004") == [11]
    assert fix_of(source).title == "Use `database.get_or_404`"
    assert "user = database.get_or_404(User, user_id)" in fixed(source)


def test_session_get_without_a_known_flask_sqlalchemy_is_reported_without_a_fix():
    source = """
    from flask import Flask
    from sqlalchemy.orm import Session
    from extensions import db, engine
    from models import User

    app = Flask(__name__)

    @app.route("/a/<int:user_id>")
    def a(user_id):
        user = db.session.get(User, user_id)
        return user.name

    @app.route("/b/<int:user_id>")
    def b(user_id):
        with Session(engine) as session:
            user = session.get(User, user_id)
            return user.name

    @app.route("/c/<int:user_id>")
    def c(user_id):
        return session_factory().query(User).get(user_id).name
    """
    found = findings(source, "API004")
    assert [f.span.start[0] for f in found] == [11, 17, 22]
    assert [f.fix for f in found] == [None, None, None]


def test_direct_uses_of_the_fetched_record():
    source = FLASK + """
@app.route("/a/<int:user_id>")
def a(user_id):
    return jsonify(User.query.get(user_id).to_dict())

@app.route("/b/<int:user_id>")
def b(user_id):
    return User.query.get(user_id)

@app.route("/c/<int:user_id>")
def c(user_id):
    return jsonify(User.query.filter(User.id == user_id).first())

@app.route("/d/<int:user_id>")
def d(user_id):
    return {"name": User.query.get(user_id)["name"]}
"""
    found = findings(source, "API004")
    assert [f.span.start[0] for f in found] == [9, 13, 17, 21]
    assert found[0].message.startswith("The fetched record")
    assert "User.query.get_or_404(user_id).to_dict()" in fixed(source)


def test_the_kinds_of_use_that_count():
    source = FLASK + """
@app.route("/a/<int:order_id>")
def a(order_id):
    order = Order.query.get(order_id)
    total = sum(line.price for line in order.lines)
    return {"total": total}

@app.route("/b/<int:order_id>")
def b(order_id):
    order = Order.query.get(order_id)
    return order

@app.route("/c/<int:order_id>")
def c(order_id):
    order = Order.query.get(order_id)
    return order["id"]

@app.route("/d/<int:order_id>")
def d(order_id):
    order = Order.query.get(order_id)
    app.logger.info("loaded %s", order)
    return render(template="order.html", order=order)

@app.route("/e/<int:order_id>")
def e(order_id):
    order = Order.query.get(order_id)
    name = order.name
    if order is None:
        abort(404)
    return name
"""
    assert lines_of(source, "API004") == [9, 15, 20, 25, 31]


def test_none_checks_before_the_use_are_respected():
    source = FLASK + """
@app.route("/a/<int:user_id>")
def a(user_id):
    user = User.query.get(user_id)
    if not user:
        abort(404)
    return user.to_dict()

@app.route("/b/<int:user_id>")
def b(user_id):
    user = User.query.get(user_id)
    if user is None:
        return {"error": "not found"}, 404
    return user.to_dict()

@app.route("/c/<int:user_id>")
def c(user_id):
    user = User.query.get(user_id) or abort(404)
    return user.to_dict()

@app.route("/d/<int:user_id>")
def d(user_id):
    if (user := User.query.get(user_id)) is None:
        abort(404)
    return user.to_dict()

@app.route("/e/<int:user_id>")
def e(user_id):
    if user := User.query.get(user_id):
        return user.to_dict()
    abort(404)

@app.route("/f/<int:user_id>")
def f(user_id):
    user = User.query.get(user_id)
    assert user is not None
    return user.to_dict()

@app.route("/g/<int:user_id>")
def g(user_id):
    user = User.query.get(user_id)
    return user.to_dict() if user else ({}, 404)

@app.route("/h/<int:user_id>")
def h(user_id):
    user = User.query.get(user_id)
    if user is not None and user.active:
        return user.to_dict()
    abort(404)

@app.route("/i/<int:user_id>")
def i(user_id):
    user = User.query.get(user_id)
    if user == None:
        abort(404)
    return user.to_dict()

@app.route("/j/<int:user_id>")
def j(user_id):
    user = User.query.get(user_id)
    try:
        return user.to_dict()
    except AttributeError:
        abort(404)
"""
    assert lines_of(source, "API004") == []


def test_the_seeds_good_practice_is_clean():
    source = FLASK + """
@app.route('/api/v1/users/<int:user_id>', methods=['GET'])
def get_user(user_id):
    user = User.query.get(user_id)
    if user:
        return jsonify(user.to_dict()), 200
    return jsonify({'message': 'User not found'}), 404
"""
    assert lines_of(source, "API004") == []


def test_forms_that_handle_a_miss_themselves_are_near_misses():
    source = """
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy
    from models import User

    app = Flask(__name__)
    db = SQLAlchemy(app)

    @app.route("/users/<int:user_id>")
    def show(user_id):
        a = User.query.get_or_404(user_id)
        b = User.query.filter_by(id=user_id).first_or_404()
        c = db.get_or_404(User, user_id)
        d = User.query.filter_by(id=user_id).one()
        e = db.session.execute(db.select(User).filter_by(id=user_id)).scalar_one()
        return {"names": [a.name, b.name, c.name, d.name, e.name]}
    """
    assert lines_of(source, "API004") == []


def test_only_handlers_are_checked():
    source = FLASK + """
def load(user_id):
    user = User.query.get(user_id)
    return user.to_dict()

@app.route("/users/<int:user_id>")
def show(user_id):
    def render():
        user = User.query.get(user_id)
        return user.to_dict()
    return render()
"""
    assert lines_of(source, "API004") == []


def test_a_handler_nested_in_an_app_factory_is_checked():
    source = """
    from flask import Flask as F
    from models import User

    def create_app():
        app = F(__name__)

        @app.route("/users/<int:user_id>")
        def show(user_id):
            user = User.query.get(user_id)
            return user.to_dict()

        return app
    """
    assert lines_of(source, "API004") == [10]
    assert "\n        user = User.query.get_or_404(user_id)\n" in fixed(source)


def test_blueprint_routes_are_handlers_too():
    source = """
    from flask import Blueprint
    from models import User

    bp = Blueprint("users", __name__, url_prefix="/users")

    @bp.route("/<int:user_id>")
    def show(user_id):
        user = User.query.filter(User.id == user_id).first()
        return user.to_dict()
    """
    assert lines_of(source, "API004") == [9]


def test_method_views_and_add_url_rule_handlers():
    source = """
    from flask import Flask
    from flask.views import MethodView
    from models import User

    app = Flask(__name__)

    class UserAPI(MethodView):
        def get(self, user_id):
            user = User.query.get(user_id)
            return user.to_dict()

        def _load(self, user_id):
            return User.query.get(user_id).name

    def show(user_id):
        return User.query.get(user_id).name

    app.add_url_rule("/users/<int:user_id>", view_func=UserAPI.as_view("user"))
    app.add_url_rule("/show/<int:user_id>", view_func=show)
    """
    assert lines_of(source, "API004") == [10, 17]


def test_reassignment_or_unclear_flow_stays_silent():
    source = FLASK + """
@app.route("/a/<int:user_id>")
def a(user_id):
    user = User.query.get(user_id)
    user = load_or_default(user_id)
    return user.to_dict()

@app.route("/b/<int:user_id>")
def b(user_id):
    user = User.query.get(user_id)
    if request.args.get("strict"):
        if user is None:
            abort(404)
    return user.to_dict()

@app.route("/c/<int:user_id>")
def c(user_id):
    user = User.query.get(user_id)
    found = user
    return found.to_dict()

@app.route("/d/<int:user_id>")
def d(user_id):
    User.query.get(user_id)
    user = User.query.get(user_id)
    return {"user": user}

@app.route("/e/<int:user_id>")
def e(user_id):
    for user in User.query.get(user_id), None:
        pass
    names = [user.name for user in User.query.all()]
    return {"names": names}

@app.route("/f/<int:user_id>")
def f(user_id):
    self_user, other = User.query.get(user_id), None
    return self_user.name
"""
    assert lines_of(source, "API004") == []


def test_a_use_in_another_branch_or_after_the_block_counts():
    source = FLASK + """
@app.route("/a/<int:user_id>")
def a(user_id):
    if request.args.get("fresh"):
        user = User.query.get(user_id)
    else:
        user = cache_lookup(user_id)
        if user is None:
            abort(404)
    return user.to_dict()
"""
    assert lines_of(source, "API004") == [10]


def test_first_outside_a_query_chain_and_dict_gets_are_not_fetches():
    source = """
    from flask import Flask, session, request
    from models import User

    app = Flask(__name__)

    @app.route("/me")
    def me():
        user_id = session.get("user_id")
        upload = request.files.getlist("f").first()
        item = items.first()
        other = request.session.get("User", None)
        return {"id": user_id.upper(), "upload": upload.name, "item": item.name, "o": other.x}
    """
    assert lines_of(source, "API004") == []


def test_an_unused_fetch_is_not_flagged():
    source = FLASK + """
@app.route("/users/<int:user_id>", methods=["DELETE"])
def remove(user_id):
    user = User.query.get(user_id)
    User.query.filter_by(id=user_id).delete()
    return "", 204
"""
    assert lines_of(source, "API004") == []


# --- FastAPI with SQLAlchemy and SQLModel ----------------------------------------------------


def test_fastapi_query_first_gets_a_404_check_and_the_import():
    source = FASTAPI + """
@app.get("/users/{user_id}")
def read_user(user_id: int, db: Session = Depends(get_db)):
    user = db.query(User).filter(User.id == user_id).first()
    return user
"""
    assert lines_of(source, "API004") == [11]
    assert fix_of(source).title == "Raise 404 when `user` is None"
    result = fixed(source)
    assert result.startswith(
        "\nfrom fastapi import APIRouter, Depends, FastAPI\n"
        "from sqlalchemy import func, select\n"
        "from sqlalchemy.orm import Session\n"
        "from models import User, get_db\n"
        "from fastapi import HTTPException\n"
    )
    assert result.endswith(
        "    user = db.query(User).filter(User.id == user_id).first()\n"
        "    if user is None:\n"
        "        raise HTTPException(status_code=404)\n"
        "    return user\n"
    )
    assert findings(result, "API004") == []


def test_fastapi_fix_keeps_an_existing_import_and_a_multiline_chain():
    source = """
    from fastapi import APIRouter, Depends, HTTPException
    from sqlalchemy.orm import Session
    from models import User, get_db

    router = APIRouter(prefix="/users")

    @router.get("/{user_id}")
    async def read_user(user_id: int, db: Session = Depends(get_db)):
        user = (
            db.query(User)
            .filter(User.id == user_id)
            .first()
        )  # the lookup
        return {"name": user.name}
    """
    assert lines_of(source, "API004") == [11]
    result = fixed(source)
    assert result.count("HTTPException") == 2
    assert "    )  # the lookup\n    if user is None:\n        raise HTTPException(status_code=404)\n    return" in result


def test_fastapi_sqlmodel_and_async_sessions():
    source = """
    from typing import Annotated
    import sqlalchemy as sa
    from fastapi import Depends, FastAPI
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlmodel import Session, select
    from models import Hero, User, get_session

    app = FastAPI()
    SessionDep = Annotated[Session, Depends(get_session)]

    @app.get("/heroes/{hero_id}")
    def read_hero(hero_id: int, session: SessionDep):
        hero = session.get(Hero, hero_id)
        return hero.model_dump()

    @app.get("/heroes/by-name/{name}")
    def by_name(name: str, session: SessionDep):
        hero = session.exec(select(Hero).where(Hero.name == name)).first()
        return {"id": hero.id}

    @app.get("/users/{user_id}")
    async def read_user(user_id: int, db: AsyncSession = Depends(get_session)):
        result = await db.execute(sa.select(User).where(User.id == user_id))
        user = result.scalar_one_or_none()
        return {"name": user.name}

    @app.get("/users/{user_id}/scalar")
    async def scalar_user(user_id: int, db: AsyncSession = Depends(get_session)):
        user = await db.scalar(sa.select(User).where(User.id == user_id))
        return {"name": user.name}

    @app.get("/users/{user_id}/direct")
    async def direct_user(user_id: int, db: AsyncSession = Depends(get_session)):
        return await db.get(User, user_id)

    @app.get("/users/{user_id}/executed")
    def executed(user_id: int, db: Session = Depends(get_session)):
        statement = sa.select(User).where(User.id == user_id)
        user = db.execute(statement).scalar()
        return user
    """
    found = findings(source, "API004")
    assert [f.span.start[0] for f in found] == [14, 19, 25, 30, 35, 40]
    assert [f.fix is not None for f in found] == [True, True, True, True, False, True]


def test_fastapi_awaited_in_parentheses_and_in_a_try_body():
    source = """
    from fastapi import Depends, FastAPI, HTTPException
    from sqlalchemy.exc import SQLAlchemyError
    from models import User, get_session

    app = FastAPI()

    @app.get("/a/{user_id}")
    async def a(user_id: int, session=Depends(get_session)):
        return {"name": (await session.get(User, user_id)).name}

    @app.get("/b/{user_id}")
    async def b(user_id: int, session=Depends(get_session)):
        try:
            user = await session.get(User, user_id)
        except Exception:
            raise HTTPException(status_code=503)
        return {"name": user.name}
    """
    found = findings(source, "API004")
    # In the `try`, an inserted `raise HTTPException(404)` would be caught by `except Exception`.
    assert [(f.span.start[0], f.fix) for f in found] == [(10, None), (15, None)]
    assert found[0].span.start == (10, 27)  # the call, without its `await`


def test_fastapi_near_misses():
    source = FASTAPI + """
@app.get("/a/{user_id}")
def a(user_id: int, db: Session = Depends(get_db)):
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user

@app.get("/b/{user_id}")
def b(user_id: int, db: Session = Depends(get_db)):
    user = db.query(User).filter(User.id == user_id).one()
    return user

@app.get("/count")
def count(db: Session = Depends(get_db)):
    total = db.scalar(select(func.count(User.id)))
    name = db.scalar(select(User.name).where(User.id == 1))
    return {"total": total.real, "name": name.upper()}

@app.get("/c/{key}")
def c(key: str, cache=Depends(get_db)):
    value = cache.get("User", key)
    return value.decode()

def helper(db: Session, user_id: int):
    user = db.get(User, user_id)
    return user.name
"""
    assert lines_of(source, "API004") == []


def test_fastapi_fix_is_withheld_where_it_cannot_be_placed_or_named():
    other_exception = """
    from fastapi import Depends, FastAPI
    from werkzeug.exceptions import HTTPException
    from models import User, get_db

    app = FastAPI()

    @app.get("/a/{user_id}")
    def a(user_id: int, session=Depends(get_db)):
        user = session.get(User, user_id)
        return user.name
    """
    one_line = """
    from fastapi import Depends, FastAPI
    from models import User, get_db

    app = FastAPI()

    @app.get("/b/{user_id}")
    def b(user_id: int, session=Depends(get_db)):
        user = session.get(User, user_id); return user.name

    @app.get("/c/{user_id}")
    def c(user_id: int, flag: bool, session=Depends(get_db)):
        if flag: user = session.get(User, user_id)
        return user.name
    """
    assert [(f.span.start[0], f.fix) for f in findings(other_exception, "API004")] == [(10, None)]
    assert [(f.span.start[0], f.fix) for f in findings(one_line, "API004")] == [(9, None), (13, None)]


# --- Django: the facts now, the rule once Django views are discovered ----------------------


DJANGO = """
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, JsonResponse
from shop.models import Item


def detail(request, pk):
    item = Item.objects.get(pk=pk)
    return JsonResponse({"name": item.name})


def guarded(request, pk):
    try:
        item = Item.objects.get(pk=pk)
    except Item.DoesNotExist:
        raise Http404
    try:
        other = Item.objects.select_related("owner").get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404
    try:
        third = Item.objects.get(pk=pk)
    except:
        raise Http404
    try:
        fourth = Item.objects.get(pk=pk)
    except (ValueError, Exception):
        raise Http404
    return JsonResponse({"name": item.name})


def wrong_handler(request, pk):
    try:
        item = Item.objects.get(pk=pk)
    except ValueError:
        raise Http404
    first = Item.objects.filter(pk=pk).first()
    return JsonResponse({"name": item.name, "first": first.name})
"""


def test_django_objects_get_facts():
    facts = module_facts(parso.parse(DJANGO), "views.py")
    summary = [(f.function, f.kind, f.variable, f.checked, f.model) for f in facts.fetches]
    assert summary == [
        ("detail", "django.get", "item", False, "Item"),
        ("guarded", "django.get", "item", True, "Item"),
        ("guarded", "django.get", "other", True, None),
        ("guarded", "django.get", "third", True, "Item"),
        ("guarded", "django.get", "fourth", True, "Item"),
        ("wrong_handler", "django.get", "item", False, "Item"),
        ("wrong_handler", "first", "first", False, None),
    ]
    first = facts.fetches[-1]
    assert first.used and first.use_span.start[0] == 38


def _as_django_views(source: str, *handlers: str):
    """The rule's findings once `handlers` are known to be Django views (as urls.py will say)."""
    module = parso.parse(source)
    facts = module_facts(module, "views.py")
    routes = []
    for name in handlers:
        function = facts.functions[name]
        routes.append(
            Route(
                framework="django", methods=None, methods_explicit=False,
                parts=(PathPart("items/<int:pk>/", None, "route"),), handler=name,
                anchor=function.def_span, path_value=None, methods_value=None, verb_span=None,
                decorator_close_paren=None, owner="",
            )
        )
    facts = dataclasses.replace(facts, routes=tuple(routes))
    rule = load_rules().rules["API004"]
    context = RuleContext(facts=facts, lines=source.splitlines(keepends=True), settings=Settings())
    return list(rule.check(context))


def test_django_views_are_flagged_and_fixed_with_get_object_or_404():
    found = _as_django_views(DJANGO, "detail", "guarded", "wrong_handler")
    assert [f.span.start[0] for f in found] == [8, 34, 37]
    assert "DoesNotExist" in found[0].message
    text, applied = apply_fixes(DJANGO, [found[0].fix])
    assert applied == 1 and parses(text)
    assert "from django.shortcuts import get_object_or_404\n" in text
    assert "    item = get_object_or_404(Item, pk=pk)\n" in text
    assert found[2].fix is None  # Django has no `first_or_404`
    assert [f.span.start[0] for f in _as_django_views(text, "detail")] == []


def test_rule_findings_through_the_engine_match_the_catalog_severity():
    source = textwrap.dedent(FLASK + """
@app.route("/users/<int:user_id>")
def show(user_id):
    return User.query.get(user_id).name
""")
    module = parso.parse(source)
    analysis = analyse_module(module, source.splitlines(keepends=True), "app.py", Settings(), load_rules())
    assert [(f.code, f.severity, f.rule) for f in analysis.findings] == [("API004", "warning", "missing-not-found")]
