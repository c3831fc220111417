"""SEC009: models built or updated from the whole request payload."""

from __future__ import annotations

from tests.rules.helpers import findings, lines_of
from tests.rules.helpers import workspace_lines


def sec009(source: str, **settings) -> list[int]:
    return lines_of(source, "SEC009", **settings)


FLASK_MODELS = """\
from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import update

app = Flask(__name__)
db = SQLAlchemy(app)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    is_admin = db.Column(db.Boolean, default=False)
"""


def test_flask_payload_forms():
    source = FLASK_MODELS + """

@app.post("/users")
def create_user():
    data = request.get_json() or {}
    db.session.add(User(**data))
    db.session.add(User(**request.json))
    form = request.form.to_dict()
    db.session.add(User(**form))


@app.put("/users/<int:id>")
def update_user(id):
    user = db.get_or_404(User, id)
    payload = request.get_json(force=True)
    for key, value in payload.items():
        setattr(user, key, value)
    User.query.filter_by(id=id).update(payload)
    db.session.execute(update(User).where(User.id == id).values(**payload))
    user.__dict__.update(request.values.to_dict())
"""
    found = findings(source, "SEC009")
    assert [f.span.start[0] for f in found] == [18, 19, 21, 29, 30, 31, 32]
    assert found[0].span.start == (18, 19)
    assert found[0].severity == "warning"
    assert "`User` takes every field of the request payload (`request.get_json() or {}`)" in found[0].message


def test_picked_fields_schemas_and_plain_dicts_are_fine():
    source = FLASK_MODELS + """
from marshmallow import Schema, fields


class UserSchema(Schema):
    name = fields.Str()


@app.post("/users")
def create_user():
    data = request.get_json()
    db.session.add(User(name=data["name"]))
    valid = UserSchema().load(data)
    db.session.add(User(**valid))
    options = {}
    options.update(data)
    log_event(**data)
    for key, value in data.items():
        print(key, value)
"""
    assert sec009(source) == []


def test_a_class_that_is_not_a_model_is_left_alone():
    source = """\
    from flask import request
    from myapp.schemas import UserIn


    def create():
        return UserIn(**request.json)
    """
    assert sec009(source) == []


def test_fastapi_raw_body_and_validated_schema():
    source = """\
    from fastapi import FastAPI, Request
    from pydantic import BaseModel
    from sqlmodel import Field, SQLModel

    app = FastAPI()


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        name: str
        secret_name: str


    class HeroCreate(BaseModel):
        name: str


    @app.post("/heroes")
    async def create_hero(request: Request):
        body = await request.json()
        return Hero(**body)


    @app.post("/heroes/validated")
    def create_validated(hero: HeroCreate):
        return Hero(**hero.model_dump())


    @app.post("/heroes/raw")
    def create_raw(payload: dict):
        return Hero.model_validate(payload)
    """
    assert sec009(source) == [21, 31]


def test_django_and_drf(tmp_path):
    files = {
        "shop/__init__.py": "",
        "shop/models.py": """\
        from django.db import models


        class Item(models.Model):
            name = models.CharField(max_length=80)
            price = models.DecimalField(max_digits=8, decimal_places=2)
        """,
        "shop/views.py": """\
        import json

        from django.http import JsonResponse
        from rest_framework.views import APIView

        from shop.models import Item
        from shop.serializers import ItemSerializer


        def create_item(request):
            item = Item.objects.create(**request.POST.dict())
            return JsonResponse({"id": item.pk})


        def update_item(request, pk):
            data = json.loads(request.body)
            Item.objects.filter(pk=pk).update(**data)
            item = Item.objects.get(pk=pk)
            for field in request.POST:
                setattr(item, field, request.POST[field])


        class ItemView(APIView):
            def post(self, request):
                Item.objects.update_or_create(pk=request.data["id"], defaults=request.data)
                serializer = ItemSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                Item.objects.create(**serializer.validated_data)


        def copy_item(request):
            return Item(**request.POST.dict())
        """,
    }
    assert workspace_lines(tmp_path, files, "shop/views.py", "SEC009") == [11, 17, 20, 25, 32]
    # Without the index `Item` is a name from another module we cannot see, but a Django manager
    # (`Item.objects`) says it is a model all the same.
    assert sec009(files["shop/views.py"]) == [11, 17, 20, 25]
