"""API005 error-with-success-status: error bodies sent as 2xx, across Flask, FastAPI, Django and DRF."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.fixes import apply_fixes
from tests.rules.helpers import findings, fixed as fix_all, lines_of, workspace_findings

CODE = "API005"


def fixed(source: str) -> str:
    return fix_all(source, CODE)


def project(root, files: dict[str, str], target: str):
    """The API005 findings of `target` in a small project indexed from disk (Django needs its URLconf)."""
    found = workspace_findings(root, files, target, CODE)
    return found, (root / target).read_text()


FLASK = """\
from flask import Flask, jsonify, make_response

app = Flask(__name__)

"""


# --- Flask ----------------------------------------------------------------------------------------


def test_flask_error_without_status_is_reported_on_the_return_and_gets_404():
    source = FLASK + textwrap.dedent("""\
        @app.route("/users/<int:user_id>")
        def show(user_id):
            user = find(user_id)
            if user is None:
                return jsonify({"error": "User not found"})
            return jsonify(user)
    """)
    found = findings(source, CODE)
    assert [f.span.start for f in found] == [(9, 8)]
    assert "404" in found[0].message and "`show`" in found[0].message
    assert fixed(source) == source.replace('return jsonify({"error": "User not found"})', 'return jsonify({"error": "User not found"}), 404')


def test_seed_good_practice_with_404_is_clean():
    source = FLASK + textwrap.dedent("""\
        @app.route('/api/v1/users/<int:user_id>', methods=['GET'])
        def get_user(user_id):
            user = User.query.get(user_id)
            if user:
                return jsonify(user.to_dict()), 200
            return jsonify({'message': 'User not found'}), 404
    """)
    assert findings(source, CODE) == []


@pytest.mark.parametrize(
    ("statement", "replaced"),
    [
        ('return {"error": "Invalid email"}, 200', 'return {"error": "Invalid email"}, 400'),
        ('return {"message": "Unauthorized"}', 'return {"message": "Unauthorized"}, 401'),
        ('return {"detail": "Forbidden for this role"}', 'return {"detail": "Forbidden for this role"}, 403'),
        ('return "Payment failed"', 'return "Payment failed", 400'),
        ('return jsonify(error="No such order")', 'return jsonify(error="No such order"), 404'),
        ('return jsonify({"success": False, "message": "Card declined"})', 'return jsonify({"success": False, "message": "Card declined"}), 400'),
        ('return {"status": "error", "code": 12}', 'return {"status": "error", "code": 12}, 400'),
        ('return {"errors": errors}', 'return {"errors": errors}, 400'),
        ('return jsonify({"error": "not found"}), {"X-Trace": "1"}', 'return jsonify({"error": "not found"}), 404, {"X-Trace": "1"}'),
        ('return make_response(jsonify(error="Invalid token"))', 'return make_response(jsonify(error="Invalid token"), 401)'),
        ('return make_response({"error": "bad"}, 201)', 'return make_response({"error": "bad"}, 400)'),
        ('return f"Order {order_id} not found"', 'return f"Order {order_id} not found", 404'),
    ],
)
def test_flask_error_shapes_get_the_status_they_call_for(statement, replaced):
    source = FLASK + textwrap.dedent(f"""\
        @app.post("/orders/<int:order_id>")
        def update(order_id):
            errors = validate(order_id)
            {statement}
    """)
    assert lines_of(source, CODE) == [8]
    assert fixed(source) == source.replace(statement, replaced)


@pytest.mark.parametrize(
    "statement",
    [
        'return jsonify({"error": "User not found"}), 404',
        'return {"error": "Invalid"}, status',  # a status the check cannot read
        'return {"error": None, "data": payload}',
        'return {"errors": [], "data": payload}',
        'return {"created": ids, "errors": failures}',  # a partial success carries a result too
        'return {"message": "Status updated"}',
        'return {"message": "Order created"}, 201',
        'return jsonify(result)',
        'return render_template("error.html", message="Not found")',
        'return {"error": "x", **extra}',
        'return make_response(jsonify(error="bad"), status)',
        'return "Everything is fine"',
        'abort(404)',
    ],
)
def test_flask_answers_that_are_not_errors_sent_as_success_are_clean(statement):
    source = FLASK + textwrap.dedent(f"""\
        from flask import render_template, abort

        @app.route("/orders/<int:order_id>")
        def show(order_id):
            {statement}
    """)
    assert findings(source, CODE) == []


def test_a_helper_that_builds_an_error_body_is_not_a_handler():
    source = FLASK + textwrap.dedent("""\
        def error(message):
            return jsonify({"error": message})

        @app.route("/x")
        def show():
            return error("Not found"), 404
    """)
    assert findings(source, CODE) == []


def test_blueprint_handler_with_aliased_imports_and_http_status():
    source = textwrap.dedent("""\
        from http import HTTPStatus
        from flask import Blueprint as B, jsonify as j

        bp = B("users", __name__, url_prefix="/users")

        @bp.route("/<int:user_id>")
        def show(user_id):
            return j({"message": "user does not exist"}), HTTPStatus.OK
    """)
    assert lines_of(source, CODE) == [8]
    assert fixed(source).endswith("HTTPStatus.NOT_FOUND\n")


def test_a_nested_function_return_is_not_the_handlers():
    source = FLASK + textwrap.dedent("""\
        @app.route("/x")
        def show():
            def describe():
                return {"error": "failed"}
            return jsonify(describe()), 500
    """)
    assert findings(source, CODE) == []


def test_flask_response_class_gets_a_status_keyword():
    source = FLASK + textwrap.dedent("""\
        from flask import Response

        @app.route("/x")
        def show():
            return Response("Invalid signature", mimetype="text/plain")
    """)
    assert lines_of(source, CODE) == [9]
    assert 'Response("Invalid signature", mimetype="text/plain", status=400)' in fixed(source)


# --- FastAPI --------------------------------------------------------------------------------------

FASTAPI = """\
from fastapi import FastAPI, HTTPException

app = FastAPI()

"""


def test_fastapi_dict_error_is_wrapped_in_a_json_response_that_keeps_the_body():
    source = FASTAPI + textwrap.dedent("""\
        @app.get("/items/{item_id}")
        def read_item(item_id: int):
            if item_id not in ITEMS:
                return {"detail": "Item not found"}
            return ITEMS[item_id]
    """)
    assert lines_of(source, CODE) == [8]
    result = fixed(source)
    assert 'return JSONResponse(status_code=404, content={"detail": "Item not found"})' in result
    assert "from fastapi.responses import JSONResponse\n" in result


def test_fastapi_http_exception_raised_instead_of_an_error_body_is_clean():
    source = FASTAPI + textwrap.dedent("""\
        @app.get("/items/{item_id}")
        def read_item(item_id: int):
            if item_id not in ITEMS:
                raise HTTPException(status_code=404, detail="Item not found")
            return ITEMS[item_id]
    """)
    assert findings(source, CODE) == []


def test_fastapi_decorator_status_counts():
    source = FASTAPI + textwrap.dedent("""\
        @app.post("/items", status_code=201)
        def create(item: dict):
            if not item:
                return {"error": "Invalid item"}
            return item

        @app.post("/checks", status_code=422)
        def check(item: dict):
            return {"error": "Invalid item"}
    """)
    assert lines_of(source, CODE) == [8]


def test_fastapi_handler_that_sets_the_status_on_the_response_is_clean():
    source = FASTAPI + textwrap.dedent("""\
        from fastapi import Response

        @app.get("/items/{item_id}")
        def read_item(item_id: int, response: Response):
            response.status_code = 404
            return {"error": "Item not found"}
    """)
    assert findings(source, CODE) == []


def test_fastapi_json_response_without_status_gets_status_code():
    source = textwrap.dedent("""\
        from fastapi import APIRouter, status
        from fastapi.responses import JSONResponse as JR

        router = APIRouter(prefix="/items")

        @router.get("/{item_id}")
        async def read_item(item_id: int):
            return JR({"error": "Item not found"})

        @router.delete("/{item_id}")
        async def remove(item_id: int):
            return JR({"error": "Forbidden"}, status_code=status.HTTP_200_OK)
    """)
    assert lines_of(source, CODE) == [8, 12]
    result = fixed(source)
    assert 'JR({"error": "Item not found"}, status_code=status.HTTP_404_NOT_FOUND)' in result
    assert 'status_code=status.HTTP_403_FORBIDDEN' in result


def test_fastapi_body_with_computed_values_gets_no_fix():
    source = FASTAPI + textwrap.dedent("""\
        @app.get("/items/{item_id}")
        def read_item(item_id: int):
            return {"error": "Item not found", "item": lookup(item_id)}
    """)
    # `item` is not an error companion: the body carries a result, a partial success
    assert findings(source, CODE) == []
    source = source.replace('"item": lookup(item_id)', '"details": lookup(item_id)')
    found = findings(source, CODE)
    assert len(found) == 1 and found[0].fix is None


def test_fastapi_json_response_name_taken_by_something_else_gets_no_fix():
    source = FASTAPI + textwrap.dedent("""\
        from myapp.responses import JSONResponse

        @app.get("/x")
        def read():
            return {"error": "failed"}
    """)
    found = findings(source, CODE)
    assert len(found) == 1 and found[0].fix is None


# --- Django and DRF -------------------------------------------------------------------------------

URLS = """\
from django.urls import path
from . import views

urlpatterns = [
    path("orders/<int:pk>/", views.order_detail),
    path("items/<int:pk>/", views.ItemView.as_view()),
]
"""


def test_django_json_response_without_status(tmp_path):
    views = """\
        from django.http import JsonResponse, HttpResponseNotFound
        from django.views import View


        def order_detail(request, pk):
            if pk > 100:
                return JsonResponse({"error": "Order not found"})
            if pk > 50:
                return HttpResponseNotFound("Order not found")
            return JsonResponse({"id": pk})


        class ItemView(View):
            def get(self, request, pk):
                return JsonResponse({"message": "Invalid item id"}, status=200)
    """
    found, text = project(tmp_path, {"shop/urls.py": URLS, "shop/views.py": views, "shop/__init__.py": ""}, "shop/views.py")
    assert [f.span.start[0] for f in found] == [7, 15]
    result, _ = apply_fixes(text, [f.fix for f in found])
    assert 'JsonResponse({"error": "Order not found"}, status=404)' in result
    assert 'JsonResponse({"message": "Invalid item id"}, status=400)' in result


def test_drf_response_uses_the_status_module_the_file_imports(tmp_path):
    views = """\
        from rest_framework import status
        from rest_framework.decorators import api_view
        from rest_framework.response import Response
        from rest_framework.views import APIView


        @api_view(["GET"])
        def order_detail(request, pk):
            return Response({"detail": "Not found."})


        class ItemView(APIView):
            def get(self, request, pk):
                return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)

            def post(self, request, pk):
                return Response({"errors": ["price is required"]}, status.HTTP_200_OK)
    """
    found, text = project(tmp_path, {"shop/urls.py": URLS, "shop/views.py": views, "shop/__init__.py": ""}, "shop/views.py")
    assert [f.span.start[0] for f in found] == [9, 17]
    result, _ = apply_fixes(text, [f.fix for f in found])
    assert 'Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)' in result
    assert 'Response({"errors": ["price is required"]}, status.HTTP_400_BAD_REQUEST)' in result


def test_drf_api_view_is_a_handler_without_its_urlconf():
    source = textwrap.dedent("""\
        from rest_framework.decorators import api_view
        from rest_framework.response import Response

        @api_view(["POST"])
        def login(request):
            return Response({"error": "Invalid credentials"})
    """)
    assert lines_of(source, CODE) == [6]
    assert "Response({\"error\": \"Invalid credentials\"}, status=401)" in fixed(source)


def test_django_view_not_routed_anywhere_is_not_a_handler():
    source = textwrap.dedent("""\
        from django.http import JsonResponse

        def order_detail(request, pk):
            return JsonResponse({"error": "Order not found"})
    """)
    assert findings(source, CODE) == []


def test_django_json_response_with_kwargs_is_left_alone():
    source = textwrap.dedent("""\
        from django.http import JsonResponse
        from django.views.decorators.http import require_GET

        @require_GET
        def order_detail(request, pk):
            return JsonResponse({"error": "Order not found"}, **extra)
    """)
    assert findings(source, CODE) == []
