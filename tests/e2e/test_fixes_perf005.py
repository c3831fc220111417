"""PERF005 quick fixes through the protocol: `len()` of rows becomes `.count()`."""

from __future__ import annotations

from tests.lsp_helpers import fix_through_lsp, open_document, wait_for_diagnostics

FLASK = '''from flask import Flask, jsonify
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


class Ticket(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.String(20), index=True)


@app.get("/api/v1/tickets/open-count")
def open_count():
    return jsonify({"open": len(Ticket.query.filter_by(status="open").all())})
'''

DJANGO = '''from django.http import JsonResponse

from .models import Ticket


def open_count(request):
    tickets = Ticket.objects.filter(status="open")
    return JsonResponse({"open": len(tickets)})
'''

FASTAPI = '''from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from .database import get_db
from .models import Ticket

app = FastAPI()


@app.get("/api/v1/tickets/count")
def count(db: Session = Depends(get_db)):
    return {"all": len(
        db.query(Ticket)
        .filter(Ticket.status != "closed")
        .all()
    )}
'''


async def test_flask_sqlalchemy_query(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "tickets.py", FLASK, "PERF005")
    assert fixed == FLASK.replace('len(Ticket.query.filter_by(status="open").all())', 'Ticket.query.filter_by(status="open").count()')


async def test_django_queryset_in_a_name(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "tickets" / "views.py", DJANGO, "PERF005")
    assert fixed == DJANGO.replace("len(tickets)", "tickets.count()")


async def test_a_query_over_several_lines(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "api.py", FASTAPI, "PERF005")
    assert fixed == FASTAPI.replace(
        'len(\n        db.query(Ticket)\n        .filter(Ticket.status != "closed")\n        .all()\n    )',
        '(db.query(Ticket)\n        .filter(Ticket.status != "closed")).count()',
    )


async def test_the_diagnostic_sits_on_the_len_call(client, workspace):
    uri = open_document(client, workspace / "where.py", FLASK)
    [diagnostic] = [d for d in await wait_for_diagnostics(client, uri, 1) if d.code == "PERF005"]
    line = FLASK.splitlines()[diagnostic.range.start.line]
    assert line[diagnostic.range.start.character:diagnostic.range.end.character] == 'len(Ticket.query.filter_by(status="open").all())'
    assert diagnostic.code_description.href.endswith("len_of_query.md")
