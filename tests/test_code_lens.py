"""The signature the server compares after each analysis counts what the lenses would show."""

from __future__ import annotations

import sys
from pathlib import Path

from backend_ls.analysis import analyse_text
from backend_ls.lsp.code_lens import route_lenses, signature
from backend_ls.options import Settings
from backend_ls.rules.registry import load_rules

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from generate import module_source  # noqa: E402

ADDED_ELSEWHERE = '''
from flask import Flask
import requests

app = Flask(__name__)


def ping():
    requests.get("https://example.com")
    return "pong"


app.add_url_rule("/ping", view_func=ping, methods=["POST"])


@app.route("/items/<id>", methods=["GET", "DELETE"])
def item(id):
    requests.get("https://example.com")
    return {"id": id}
'''


def test_the_signature_is_what_the_lenses_show():
    for source in (module_source("orders", 400), ADDED_ELSEWHERE):
        analysis = analyse_text(source, "orders.py", Settings(), load_rules())
        routes = list(analysis.facts.routes)
        assert routes and analysis.findings
        lenses = route_lenses(routes, analysis)
        assert any(lens.findings for lens in lenses)
        assert signature(routes, analysis) == tuple((lens.line, lens.label) for lens in lenses)
