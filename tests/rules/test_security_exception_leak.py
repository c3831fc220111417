"""SEC008 exception-leak: the text or traceback of a caught exception put into a response."""

from __future__ import annotations

import textwrap

import pytest

from backend_ls.fixes import apply_fixes
from tests.rules.helpers import findings, fixed as fix_all, lines_of

CODE = "SEC008"


def fixed(source: str) -> str:
    return fix_all(source, CODE)

FLASK = """\
import logging
import traceback

from flask import Flask, abort, jsonify

app = Flask(__name__)
logger = logging.getLogger(__name__)

"""


def test_flask_str_of_the_exception_in_a_jsonify_body():
    source = FLASK + textwrap.dedent("""\
        @app.post("/orders")
        def create_order():
            try:
                save_order()
            except Exception as e:
                return jsonify({"error": str(e)}), 500
            return jsonify({"ok": True}), 201
    """)
    found = findings(source, CODE)
    assert [(f.span.start, f.span.end) for f in found] == [((14, 33), (14, 39))]
    assert fixed(source) == source.replace(
        '    except Exception as e:\n        return jsonify({"error": str(e)}), 500\n',
        '    except Exception as e:\n        logger.exception("create_order failed")\n'
        '        return jsonify({"error": "Internal server error"}), 500\n',
    )


@pytest.mark.parametrize(
    ("expression", "anchored"),
    [
        ("repr(e)", "repr(e)"),
        ("e.args", "e.args"),
        ("e.args[0]", "e.args[0]"),
        ("str(e.args)", "str(e.args)"),
        ('f"failed: {e}"', 'f"failed: {e}"'),
        ('f"failed: {e!r}"', 'f"failed: {e!r}"'),
        ('"failed: " + str(e)', '"failed: " + str(e)'),
        ('"failed: %s" % e', '"failed: %s" % e'),
        ('"failed: %s (%d)" % (e, 3)', '"failed: %s (%d)" % (e, 3)'),
        ('"failed: {}".format(e)', '"failed: {}".format(e)'),
        ("format(e)", "format(e)"),
        ("traceback.format_exc()", "traceback.format_exc()"),
        ('"".join(traceback.format_exception(e))', '"".join(traceback.format_exception(e))'),
    ],
)
def test_expressions_that_expose_the_exception(expression, anchored):
    source = FLASK + textwrap.dedent(f"""\
        @app.get("/report")
        def report():
            try:
                return build_report()
            except ValueError as e:
                return {{"error": {expression}}}, 500
    """)
    found = findings(source, CODE)
    assert len(found) == 1
    line = source.splitlines()[found[0].span.start[0] - 1]
    assert line[found[0].span.start[1]:found[0].span.end[1]] == anchored
    assert '"error": "Internal server error"' in fixed(source)


@pytest.mark.parametrize(
    "expression",
    [
        '"Report failed"',
        "type(e).__name__",
        "e.code",  # an attribute the application chose to expose
        'f"failed with {e.status_code}"',
        "str(other)",
    ],
)
def test_expressions_that_do_not_expose_the_exception(expression):
    source = FLASK + textwrap.dedent(f"""\
        @app.get("/report")
        def report():
            try:
                return build_report()
            except ValueError as e:
                return {{"error": {expression}}}, 500
    """)
    assert findings(source, CODE) == []


def test_logging_the_exception_is_not_a_leak():
    source = FLASK + textwrap.dedent("""\
        @app.get("/report")
        def report():
            try:
                return build_report()
            except Exception as e:
                logger.error("report failed: %s", str(e))
                message = traceback.format_exc()
                logger.error(message)
                return {"error": "Report failed"}, 500
    """)
    assert findings(source, CODE) == []


def test_a_value_assigned_in_the_block_and_returned_later():
    source = FLASK + textwrap.dedent("""\
        @app.get("/report")
        def report():
            try:
                data = build_report()
            except Exception as e:
                message = f"report failed: {e}"
                return jsonify(error=message), 500
            return jsonify(data)
    """)
    assert lines_of(source, CODE) == [14]


def test_abort_with_the_exception_text_and_two_leaks_log_once():
    source = FLASK + textwrap.dedent("""\
        @app.get("/report")
        def report():
            try:
                return build_report()
            except KeyError as error:
                if debug():
                    abort(500, description=traceback.format_exc())
                abort(400, str(error))
    """)
    assert lines_of(source, CODE) == [15, 16]
    # The two fixes insert the log at the same place: one round applies one of them.
    once, applied = apply_fixes(source, [f.fix for f in findings(source, CODE)])
    assert applied == 1 and lines_of(once, CODE) == [17]
    result = fixed(once)
    assert result.count("logger.exception(") == 1
    assert 'abort(400, "Internal server error")' in result


def test_validation_errors_are_meant_for_the_client():
    source = FLASK + textwrap.dedent("""\
        from marshmallow import ValidationError

        @app.post("/orders")
        def create_order():
            try:
                payload = OrderSchema().load(request.json)
            except ValidationError as err:
                return jsonify({"errors": str(err)}), 400
            return jsonify(payload), 201
    """)
    assert findings(source, CODE) == []
    mixed = source.replace("except ValidationError as err", "except (ValidationError, KeyError) as err")
    assert lines_of(mixed, CODE) == [16]


def test_a_helper_returning_a_plain_dict_is_not_a_response_but_a_jsonify_is():
    source = FLASK + textwrap.dedent("""\
        def summary():
            try:
                return compute()
            except Exception as e:
                return {"error": str(e)}

        def error_response():
            try:
                return compute()
            except Exception as e:
                return jsonify({"error": str(e)})
    """)
    assert lines_of(source, CODE) == [19]


def test_catch_all_error_handler_logs_with_the_exception():
    source = FLASK + textwrap.dedent("""\
        @app.errorhandler(Exception)
        def handle(error):
            return jsonify({"error": str(error)}), 500

        @app.errorhandler(404)
        def not_found(error):
            return jsonify({"error": str(error)}), 404
    """)
    assert lines_of(source, CODE) == [11]
    assert '    logger.exception("handle failed", exc_info=error)\n' in fixed(source)


def test_the_logging_module_is_used_and_imported_when_there_is_no_logger():
    source = textwrap.dedent("""\
        from flask import Flask, jsonify

        app = Flask(__name__)

        @app.get("/x")
        def show():
            try:
                return jsonify(load())
            except OSError as e:
                return jsonify(error=repr(e)), 500
    """)
    result = fixed(source)
    assert result.startswith("from flask import Flask, jsonify\nimport logging\n")
    assert '        logging.exception("show failed")\n        return jsonify(error="Internal server error"), 500' in result


def test_a_one_line_except_gets_no_fix():
    source = FLASK + textwrap.dedent("""\
        @app.get("/x")
        def show():
            try:
                return jsonify(load())
            except OSError as e: return jsonify(error=str(e)), 500
    """)
    found = findings(source, CODE)
    assert len(found) == 1 and found[0].fix is None


def test_an_existing_log_call_is_kept_and_not_repeated():
    source = FLASK + textwrap.dedent("""\
        @app.get("/x")
        def show():
            try:
                return jsonify(load())
            except OSError as e:
                logger.warning("load failed", exc_info=True)
                return jsonify(error=str(e)), 500
    """)
    result = fixed(source)
    assert "logger.exception" not in result and 'jsonify(error="Internal server error")' in result


# --- FastAPI, Django, DRF -------------------------------------------------------------------------


def test_fastapi_http_exception_detail():
    source = textwrap.dedent("""\
        from fastapi import APIRouter, HTTPException as HE

        router = APIRouter()

        @router.post("/payments")
        async def pay(payment: Payment):
            try:
                return await gateway.charge(payment)
            except GatewayError as exc:
                raise HE(status_code=502, detail=f"gateway said: {exc}")
    """)
    assert lines_of(source, CODE) == [10]
    result = fixed(source)
    assert 'raise HE(status_code=502, detail="Internal server error")' in result
    assert "import logging\n" in result


def test_fastapi_exception_handler_for_exception():
    source = textwrap.dedent("""\
        import logging
        from fastapi import FastAPI, Request
        from fastapi.responses import JSONResponse

        app = FastAPI()
        log = logging.getLogger("api")

        @app.exception_handler(Exception)
        async def unhandled(request: Request, exc: Exception):
            return JSONResponse(status_code=500, content={"detail": repr(exc)})
    """)
    assert lines_of(source, CODE) == [10]
    assert '    log.exception("unhandled failed", exc_info=exc)\n' in fixed(source)


def test_django_view_and_drf_exception_without_the_urlconf():
    source = textwrap.dedent("""\
        import traceback
        from django.http import JsonResponse
        from rest_framework.exceptions import APIException

        def import_view(request):
            try:
                run_import(request.FILES["file"])
            except Exception:
                return JsonResponse({"trace": traceback.format_exc()}, status=500)
            return JsonResponse({"ok": True})

        def sync(request):
            try:
                run_sync()
            except ConnectionError as e:
                raise APIException(detail=str(e))
    """)
    assert lines_of(source, CODE) == [9, 16]


def test_django_http404_and_drf_exceptions_caught_are_public():
    source = textwrap.dedent("""\
        from django.http import Http404, JsonResponse
        from rest_framework.exceptions import NotFound

        def show(request, pk):
            try:
                return JsonResponse(load(pk))
            except Http404 as e:
                return JsonResponse({"detail": str(e)}, status=404)

        def other(request, pk):
            try:
                return JsonResponse(load(pk))
            except NotFound as e:
                return JsonResponse({"detail": str(e)}, status=404)
    """)
    assert findings(source, CODE) == []


def test_the_builtin_str_shadowed_is_not_the_formatter():
    source = textwrap.dedent("""\
        from flask import Flask, jsonify
        from mylib import str

        app = Flask(__name__)

        @app.get("/x")
        def show():
            try:
                return jsonify(load())
            except OSError as e:
                return jsonify(error=str(e)), 500
    """)
    assert findings(source, CODE) == []
