"""SVC001 http-without-timeout."""

from tests.rules.helpers import findings, lines_of


def test_module_functions_and_aliases():
    source = """
    import requests
    import requests as rq
    from requests import post as send

    def a(url):
        requests.get(url)
        rq.delete(url)
        send(url, json={})
        requests.request("GET", url)
    """
    assert lines_of(source, "SVC001") == [7, 8, 9, 10]


def test_sessions_bound_anywhere():
    source = """
    import requests

    shared = requests.Session()

    def a(url):
        shared.get(url)
        with requests.Session() as session:
            session.post(url, data=b"")

    def b(url):
        local = requests.session()
        local.put(url, timeout=2)
    """
    assert lines_of(source, "SVC001") == [7, 9]


def test_urlopen_with_and_without_timeout():
    source = """
    from urllib.request import urlopen
    import urllib.request

    def a(url):
        urlopen(url)
        urllib.request.urlopen(url)
        urlopen(url, None, 5)
        urlopen(url, timeout=5)
    """
    assert lines_of(source, "SVC001") == [6, 7]


def test_httpx_only_with_timeout_none():
    source = """
    import httpx

    def a(url):
        httpx.get(url)
        httpx.get(url, timeout=None)
        client = httpx.Client(timeout=None)
        with httpx.Client() as c:
            c.get(url, timeout=None)
    """
    assert lines_of(source, "SVC001") == [6, 7, 9]


def test_near_misses_stay_silent():
    source = """
    import requests

    def through_kwargs(url, **kwargs):
        return requests.get(url, **kwargs)

    def with_timeout(url):
        return requests.get(url, timeout=(3, 10))

    def not_requests(cache, url):
        return cache.get(url)

    def shadowed(requests, url):
        return requests.get(url)
    """
    assert findings(source, "SVC001") == []


def test_unimported_name_is_not_guessed():
    assert findings("requests.get('http://x')\n", "SVC001") == []


def test_fix_inserts_the_configured_timeout():
    (finding,) = findings("import requests\nrequests.get(\n    'http://x',\n)\n", "SVC001", http_timeout=4)
    assert finding.fix.title == "Add `timeout=4`"
    (edit,) = finding.fix.edits
    # `)` alone on its line after a trailing comma: the argument gets a line of its own.
    assert edit.new_text == "    timeout=4,\n"
