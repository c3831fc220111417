"""SEC011 jwt-unverified: tokens decoded without their signature checked or algorithms pinned."""

from __future__ import annotations

import textwrap

import pytest

from tests.rules.helpers import findings, lines_of

CODE = "SEC011"


@pytest.mark.parametrize(
    ("call", "says"),
    [
        ("jwt.decode(token, KEY, verify=False)", "verify=False"),
        ('jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_signature": False})', "verify_signature"),
        ('jwt.decode(token, KEY, ["HS256"], {"verify_signature": False})', "verify_signature"),
        ('jwt.decode(token, KEY, algorithms=["none"])', "`none`"),
        ('jwt.decode(token, KEY, algorithms=["HS256", "None"])', "`none`"),
        ("jwt.decode(token, KEY)", "no `algorithms=`"),
        ("jwt.decode(token, KEY, algorithms=None)", "algorithms=None"),
        ("jwt.decode_complete(token, KEY)", "no `algorithms=`"),
        ("jwt.PyJWT().decode(token, KEY)", "no `algorithms=`"),
    ],
)
def test_pyjwt_calls_that_do_not_verify(call, says):
    source = f"import jwt\n\nKEY = load_key()\n\n\ndef claims(token):\n    return {call}\n"
    found = findings(source, CODE)
    assert [f.span.start for f in found] == [(7, 11)]
    assert says in found[0].message
    assert found[0].fix is None and found[0].severity == "error"


@pytest.mark.parametrize(
    "call",
    [
        'jwt.decode(token, KEY, algorithms=["HS256"])',
        'jwt.decode(token, KEY, ["RS256"])',
        "jwt.decode(token, KEY, algorithms=ALGORITHMS)",
        'jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": False})',
        "jwt.decode(token, KEY, **settings.JWT_OPTIONS)",
        "jwt.get_unverified_header(token)",
        "jwt.encode(payload, KEY)",
    ],
)
def test_pyjwt_calls_that_verify_are_clean(call):
    source = f"import jwt\n\nKEY = load_key()\n\n\ndef claims(token):\n    return {call}\n"
    assert findings(source, CODE) == []


def test_python_jose_and_aliases():
    source = textwrap.dedent("""\
        from jose import jwt as jose_jwt
        from jwt import decode

        def one(token, key):
            return jose_jwt.decode(token, key)

        def two(token, key):
            return jose_jwt.decode(token, key, algorithms=["HS256"])

        def three(token):
            return decode(token, options={"verify_signature": False})
    """)
    assert lines_of(source, CODE) == [5, 11]


def test_a_local_object_named_jwt_is_not_pyjwt():
    source = textwrap.dedent("""\
        from myapp.tokens import jwt

        def claims(token):
            return jwt.decode(token)
    """)
    assert findings(source, CODE) == []


def test_fastapi_dependency_and_django_middleware():
    source = textwrap.dedent("""\
        import jwt
        from fastapi import Depends, FastAPI
        from fastapi.security import OAuth2PasswordBearer

        app = FastAPI()
        scheme = OAuth2PasswordBearer(tokenUrl="token")

        def current_user(token: str = Depends(scheme)):
            payload = jwt.decode(token, SECRET)
            return payload["sub"]

        class JwtMiddleware:
            def __call__(self, request):
                request.claims = jwt.decode(request.headers["Authorization"][7:], SECRET, verify=False)
                return self.get_response(request)
    """)
    assert lines_of(source, CODE) == [9, 14]
