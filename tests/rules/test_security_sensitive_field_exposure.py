"""SEC010 sensitive-field-exposure: whole records with secret fields serialized into responses."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.rules.security.sensitive_field_exposure import secret
from tests.rules.helpers import findings, lines_of, workspace_findings

CODE = "SEC010"


def project(root, files: dict[str, str], target: str):
    return workspace_findings(root, files, target, CODE)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("password", True), ("password_hash", True), ("hashed_password", True), ("passwordHash", True),
        ("api_key", True), ("apiKey", True), ("secret", True), ("otp_secret", True), ("reset_token", True),
        ("ssn", True), ("token", True),
        ("token_expires_at", False), ("password_changed_at", False), ("api_key_id", False),
        ("username", False), ("tokenizer", False), ("secretary", False), ("email", False),
    ],
)
def test_secret_names(name, expected):
    assert secret(name) is expected


FLASK = """\
from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), unique=True)
    password_hash = db.Column(db.String(128))

    def to_dict(self):
        return {c.name: getattr(self, c.name) for c in self.__table__.columns}

    def public(self):
        return {"id": self.id, "email": self.email}

"""


@pytest.mark.parametrize(
    ("statement", "anchored"),
    [
        ("return jsonify(user.__dict__)", "user.__dict__"),
        ("return vars(user)", "vars(user)"),
        ("return jsonify(user.to_dict())", "user.to_dict()"),
        ("return {'user': user.to_dict(), 'ok': True}", "user.to_dict()"),
    ],
)
def test_flask_whole_record_serializations(statement, anchored):
    source = FLASK + textwrap.dedent(f"""\

        @app.get("/users/<int:user_id>")
        def show(user_id):
            user = User.query.get_or_404(user_id)
            {statement}
    """)
    found = findings(source, CODE)
    assert len(found) == 1, found
    line = source.splitlines()[found[0].span.start[0] - 1]
    assert line[found[0].span.start[1]:found[0].span.end[1]] == anchored
    assert "secret field `password_hash` reaches" in found[0].message and found[0].fix is None


def test_a_list_comprehension_over_a_query_and_a_value_assigned_first():
    source = FLASK + textwrap.dedent("""\

        @app.get("/users")
        def index():
            return jsonify([u.to_dict() for u in User.query.all()])

        @app.get("/users/<int:user_id>")
        def show(user_id):
            user = db.session.get(User, user_id)
            data = user.to_dict()
            return jsonify(data)

        @app.get("/team")
        def team():
            users = User.query.filter_by(team=1).all()
            out = []
            for member in users:
                out.append(member.public())
            return jsonify(out)
    """)
    assert lines_of(source, CODE) == [22, 27]


@pytest.mark.parametrize(
    "statement",
    [
        "return jsonify(user.public())",
        "return jsonify({'id': user.id, 'email': user.email})",
        "print(user.__dict__); return jsonify(ok=True)",
        "return jsonify(config.__dict__)",
        "return jsonify(user.to_dict(only=('id', 'email')))",
        "user = user.public(); return jsonify(vars(user))",  # the name holds something else now
    ],
)
def test_flask_chosen_fields_and_other_objects_are_clean(statement):
    source = FLASK + textwrap.dedent(f"""\

        @app.get("/users/<int:user_id>")
        def show(user_id):
            user = User.query.get_or_404(user_id)
            config = load_config()
            {statement}
    """)
    assert findings(source, CODE) == []


def test_seed_good_practice_with_an_unknown_model_is_clean():
    source = textwrap.dedent("""\
        from flask import Flask, jsonify
        app = Flask(__name__)

        @app.route('/api/v1/users/<int:user_id>', methods=['GET'])
        def get_user(user_id):
            user = User.query.get(user_id)
            if user:
                return jsonify(user.to_dict()), 200
            return jsonify({'message': 'User not found'}), 404
    """)
    assert findings(source, CODE) == []


def test_to_dict_that_names_its_secret_to_skip_it_or_picks_it():
    source = textwrap.dedent("""\
        from flask import Flask, jsonify
        from flask_sqlalchemy import SQLAlchemy

        app = Flask(__name__)
        db = SQLAlchemy(app)

        class Account(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            api_key = db.Column(db.String(64))

            def to_dict(self):
                return {c.name: getattr(self, c.name) for c in self.__table__.columns if c.name != "api_key"}

        class Device(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            token = db.Column(db.String(64))
            token_expires_at = db.Column(db.DateTime)

            def to_dict(self):
                return {"id": self.id, "token": self.token}

        @app.get("/accounts/<int:pk>")
        def account(pk):
            return jsonify(Account.query.get_or_404(pk).to_dict())

        @app.get("/accounts/<int:pk>/plain")
        def account_plain(pk):
            account = Account.query.get_or_404(pk)
            return jsonify(account.to_dict())

        @app.get("/devices/<int:pk>")
        def device(pk):
            device = Device.query.get_or_404(pk)
            return jsonify(device.to_dict())
    """)
    found = findings(source, CODE)
    assert [f.span.start[0] for f in found] == [34]
    assert "secret field `token` reaches" in found[0].message and "token_expires_at" not in found[0].message


def test_model_and_serializer_mixin_in_other_files(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/serializers.py": """\
            class SerializerMixin:
                def to_dict(self):
                    return {key: value for key, value in vars(self).items() if not key.startswith("_")}
        """,
        "app/models.py": """\
            from flask_sqlalchemy import SQLAlchemy
            from .serializers import SerializerMixin

            db = SQLAlchemy()

            class Secrets(db.Model):
                __abstract__ = True
                api_token = db.Column(db.String(64))

            class User(SerializerMixin, Secrets):
                id = db.Column(db.Integer, primary_key=True)
        """,
        "app/views.py": """\
            from flask import Blueprint, jsonify
            from .models import User

            bp = Blueprint("users", __name__)

            @bp.get("/users/<int:pk>")
            def show(pk):
                user = User.query.get_or_404(pk)
                return jsonify(user.to_dict())
        """,
    }
    found = project(tmp_path, files, "app/views.py")
    assert [f.span.start[0] for f in found] == [9]
    assert "secret field `api_token` reaches" in found[0].message
    # without the workspace the model cannot be told: silent
    assert findings((tmp_path / "app/views.py").read_text(), CODE) == []


# --- FastAPI / SQLModel ---------------------------------------------------------------------------

SQLMODEL = """\
from fastapi import FastAPI
from sqlmodel import Field, Session, SQLModel, select

app = FastAPI()


class UserBase(SQLModel):
    email: str


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    hashed_password: str


class UserPublic(UserBase):
    id: int

"""


def test_fastapi_table_model_as_response_model():
    source = SQLMODEL + textwrap.dedent("""\
        @app.get("/users/{user_id}", response_model=User)
        def read_user(user_id: int, session: Session):
            return session.get(User, user_id)

        @app.get("/users", response_model=list[User])
        def read_users(session: Session):
            return session.exec(select(User)).all()

        @app.get("/me")
        def me(session: Session) -> User:
            return session.get(User, 1)
    """)
    found = findings(source, CODE)
    spans = [(f.span.start, f.span.end) for f in found]
    assert spans == [((19, 44), (19, 48)), ((23, 39), (23, 43)), ((28, 28), (28, 32))]
    assert "secret field `hashed_password` reaches" in found[0].message


def test_fastapi_schema_as_response_model_is_clean():
    source = SQLMODEL + textwrap.dedent("""\
        @app.get("/users/{user_id}", response_model=UserPublic)
        def read_user(user_id: int, session: Session):
            return session.get(User, user_id)

        @app.get("/users", response_model=list[UserPublic])
        def read_users(session: Session):
            return session.exec(select(User)).all()

        @app.get("/me", response_model=None)
        def me(session: Session) -> User:
            return session.get(User, 1)

        @app.get("/base", response_model=UserBase)
        def base(session: Session):
            return session.get(User, 1)
    """)
    assert findings(source, CODE) == []


def test_fastapi_record_returned_without_a_response_model_and_dumps():
    source = SQLMODEL + textwrap.dedent("""\
        from fastapi.encoders import jsonable_encoder

        @app.get("/users/{user_id}")
        def read_user(user_id: int, session: Session):
            user = session.get(User, user_id)
            return user

        @app.get("/users/{user_id}/dump", response_model=dict)
        def dump(user_id: int, session: Session):
            user = session.get(User, user_id)
            return {"user": user.model_dump()}

        @app.get("/users/{user_id}/encoded", response_model=dict)
        def encoded(user_id: int, session: Session):
            user = session.get(User, user_id)
            return jsonable_encoder(user)

        @app.get("/users/{user_id}/safe", response_model=dict)
        def safe(user_id: int, session: Session):
            user = session.get(User, user_id)
            return user.model_dump(exclude={"hashed_password"})
    """)
    assert lines_of(source, CODE) == [24, 29, 34]


# --- Django and DRF -------------------------------------------------------------------------------


def test_django_model_to_dict():
    source = textwrap.dedent("""\
        from django.contrib.auth.models import User
        from django.forms.models import model_to_dict
        from django.http import JsonResponse
        from django.shortcuts import get_object_or_404

        def profile(request, pk):
            user = get_object_or_404(User, pk=pk)
            return JsonResponse(model_to_dict(user))

        def me(request):
            return JsonResponse(model_to_dict(request.user))

        def short(request, pk):
            user = get_object_or_404(User, pk=pk)
            return JsonResponse(model_to_dict(user, fields=["id", "username"]))

        def without(request, pk):
            user = User.objects.get(pk=pk)
            return JsonResponse(model_to_dict(user, exclude=["password"]))
    """)
    assert lines_of(source, CODE) == [8, 11]


def test_drf_model_serializer_with_all_fields():
    source = textwrap.dedent("""\
        from django.db import models
        from rest_framework import serializers


        class Client(models.Model):
            name = models.CharField(max_length=100)
            api_key = models.CharField(max_length=64)


        class ClientSerializer(serializers.ModelSerializer):
            class Meta:
                model = Client
                fields = "__all__"


        class ClientListSerializer(serializers.ModelSerializer):
            class Meta:
                model = Client
                fields = ["id", "name"]


        class ClientCreateSerializer(serializers.ModelSerializer):
            class Meta:
                model = Client
                fields = "__all__"
                extra_kwargs = {"api_key": {"write_only": True}}


        class ClientSignupSerializer(serializers.ModelSerializer):
            api_key = serializers.CharField(write_only=True)

            class Meta:
                model = Client
                fields = "__all__"


        class NoteSerializer(serializers.ModelSerializer):
            class Meta:
                model = Note
                fields = "__all__"
    """)
    found = findings(source, CODE)
    assert [(f.span.start, f.span.end) for f in found] == [((13, 17), (13, 26))]
    assert "secret field `api_key` reaches" in found[0].message


def test_drf_serializer_with_its_model_and_base_in_other_files(tmp_path):
    files = {
        "shop/__init__.py": "",
        "shop/models.py": """\
            from django.contrib.auth.models import AbstractUser
            from django.db import models

            class Customer(AbstractUser):
                nickname = models.CharField(max_length=30)
        """,
        "shop/base.py": """\
            from rest_framework import serializers

            class BaseSerializer(serializers.ModelSerializer):
                pass
        """,
        "shop/serializers.py": """\
            from .base import BaseSerializer
            from .models import Customer

            class CustomerSerializer(BaseSerializer):
                class Meta:
                    model = Customer
                    fields = "__all__"
        """,
    }
    found = project(tmp_path, files, "shop/serializers.py")
    assert [f.span.start[0] for f in found] == [7]
    assert "secret field `password` reaches" in found[0].message
