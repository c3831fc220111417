"""API006 quick fixes through the protocol: 201 Created the way each framework takes it."""

from __future__ import annotations

from tests.lsp_helpers import fix_through_lsp, open_document, wait_for_diagnostics

FLASK = '''from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


@app.route("/notes", methods=["POST"])
def create_note():
    note = Note(text=request.get_json()["text"])
    db.session.add(note)
    db.session.commit()
    return jsonify({"id": note.id})
'''

FASTAPI = '''from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

app = FastAPI()


@app.post("/items", response_model=ItemOut)
def create_item(item: ItemIn, db: Session = Depends(get_db)):
    record = Item(**item.model_dump())
    db.add(record)
    db.commit()
    return record
'''

DRF = '''from rest_framework.decorators import api_view
from rest_framework.response import Response


@api_view(["POST"])
def add(request):
    serializer = ItemSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    serializer.save()
    return Response(serializer.data)
'''


async def test_flask_return_gets_201(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "notes.py", FLASK, "API006")
    assert fixed == FLASK.replace('return jsonify({"id": note.id})', 'return jsonify({"id": note.id}), 201')


async def test_fastapi_decorator_gets_status_code(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "items.py", FASTAPI, "API006")
    assert fixed == FASTAPI.replace("response_model=ItemOut)", "response_model=ItemOut, status_code=201)")


async def test_drf_response_gets_status(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "views.py", DRF, "API006")
    assert fixed == DRF.replace("return Response(serializer.data)", "return Response(serializer.data, status=201)")


async def test_fastapi_diagnostic_sits_on_the_decorator(client, workspace):
    uri = open_document(client, workspace / "where.py", FASTAPI)
    diagnostics = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "API006"]
    assert [(d.range.start.line, d.range.start.character) for d in diagnostics] == [(6, 0)]
