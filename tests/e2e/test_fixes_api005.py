"""API005 quick fixes through the protocol: the status added the way each framework takes it."""

from __future__ import annotations

from tests.lsp_helpers import fix_through_lsp, open_document, wait_for_diagnostics

FLASK = '''from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/users/<int:user_id>")
def show(user_id):
    user = USERS.get(user_id)
    if user is None:
        return jsonify({"error": "User not found"})
    return jsonify(user)
'''

FASTAPI = '''from fastapi import FastAPI

app = FastAPI()


@app.post("/login")
def login(form: dict):
    if not check(form):
        return {"detail": "Invalid credentials"}
    return {"token": issue(form)}
'''

DRF = '''from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.response import Response


@api_view(["DELETE"])
def remove(request, pk):
    if not allowed(request.user, pk):
        return Response({"error": "Forbidden"}, status=status.HTTP_200_OK)
    return Response(status=status.HTTP_204_NO_CONTENT)
'''


async def test_flask_gets_404_after_the_body(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "flask_app.py", FLASK, "API005")
    assert fixed == FLASK.replace(
        'return jsonify({"error": "User not found"})', 'return jsonify({"error": "User not found"}), 404'
    )


async def test_fastapi_body_is_kept_in_a_json_response(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "api.py", FASTAPI, "API005")
    assert fixed == FASTAPI.replace(
        "from fastapi import FastAPI\n", "from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\n"
    ).replace(
        'return {"detail": "Invalid credentials"}',
        'return JSONResponse(status_code=401, content={"detail": "Invalid credentials"})',
    )


async def test_drf_status_constant_is_replaced_by_its_error_kin(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "views.py", DRF, "API005")
    assert fixed == DRF.replace("status=status.HTTP_200_OK", "status=status.HTTP_403_FORBIDDEN")


async def test_the_diagnostic_covers_the_return_statement(client, workspace):
    uri = open_document(client, workspace / "where.py", FLASK)
    diagnostics = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "API005"]
    assert [(d.range.start.line, d.range.start.character, d.range.end.line) for d in diagnostics] == [(9, 8, 9)]
    assert diagnostics[0].code_description.href.endswith("error_with_success_status.md")
