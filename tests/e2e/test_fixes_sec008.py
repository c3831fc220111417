"""SEC008 quick fixes through the protocol: a generic message, and the exception logged."""

from __future__ import annotations

from tests.lsp_helpers import fix_through_lsp, open_document, wait_for_diagnostics

FLASK = '''import logging

from flask import Flask, jsonify

app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.post("/orders")
def create_order():
    try:
        order = place_order()
    except Exception as e:
        return jsonify({"error": f"could not place the order: {e}"}), 500
    return jsonify(order), 201
'''

FASTAPI = '''from fastapi import FastAPI, HTTPException

app = FastAPI()


@app.post("/payments")
async def pay(payment: dict):
    try:
        return await charge(payment)
    except GatewayError as exc:
        raise HTTPException(status_code=502, detail=str(exc))
'''

DJANGO = '''import traceback

from django.http import JsonResponse


def import_view(request):
    try:
        run_import(request.FILES["file"])
    except Exception:
        return JsonResponse({"trace": traceback.format_exc()}, status=500)
    return JsonResponse({"ok": True})
'''


async def test_flask_message_is_replaced_and_the_exception_logged(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "orders.py", FLASK, "SEC008")
    assert fixed == FLASK.replace(
        '        return jsonify({"error": f"could not place the order: {e}"}), 500\n',
        '        logger.exception("create_order failed")\n'
        '        return jsonify({"error": "Internal server error"}), 500\n',
    )


async def test_fastapi_detail_with_logging_imported(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "payments.py", FASTAPI, "SEC008")
    assert fixed == FASTAPI.replace(
        "from fastapi import FastAPI, HTTPException\n", "from fastapi import FastAPI, HTTPException\nimport logging\n"
    ).replace(
        "        raise HTTPException(status_code=502, detail=str(exc))\n",
        '        logging.exception("pay failed")\n'
        '        raise HTTPException(status_code=502, detail="Internal server error")\n',
    )


async def test_django_traceback_in_a_bare_except(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "views.py", DJANGO, "SEC008")
    assert fixed == DJANGO.replace(
        "from django.http import JsonResponse\n", "from django.http import JsonResponse\nimport logging\n"
    ).replace(
        '        return JsonResponse({"trace": traceback.format_exc()}, status=500)\n',
        '        logging.exception("import_view failed")\n'
        '        return JsonResponse({"trace": "Internal server error"}, status=500)\n',
    )


async def test_the_diagnostic_covers_the_expression(client, workspace):
    uri = open_document(client, workspace / "where.py", FASTAPI)
    diagnostics = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "SEC008"]
    assert [(d.range.start.line, d.range.start.character, d.range.end.character) for d in diagnostics] == [(10, 52, 60)]
    assert diagnostics[0].code_description.href.endswith("exception_leak.md")
