"""PERF004 blocking-in-async."""

import textwrap

from backend_ls.fixes import apply_fixes
from backend_ls.rules.base import Applicability
from tests.rules.helpers import findings, lines_of


def fixed(source: str) -> str:
    source = textwrap.dedent(source)
    text, _ = apply_fixes(source, [f.fix for f in findings(source, "PERF004") if f.fix is not None])
    return text


def test_requests_and_sync_httpx_in_a_fastapi_handler():
    source = """
    import httpx
    import requests as rq
    from fastapi import FastAPI
    from requests import post as send

    app = FastAPI()

    @app.get("/a")
    async def a(url: str):
        rq.get(url, timeout=5)
        send(url, json={}, timeout=5)
        httpx.get(url)
        with httpx.Client() as client:
            client.post(url)
        session = rq.Session()
        session.put(url, timeout=5)
        return {}
    """
    assert lines_of(source, "PERF004") == [11, 12, 13, 15, 17]


def test_the_same_calls_in_a_plain_def_are_fine():
    source = """
    import time
    import requests
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/a")
    def a(url: str):
        time.sleep(1)
        return requests.get(url, timeout=5).json()
    """
    assert lines_of(source, "PERF004") == []


def test_async_clients_awaited_are_fine():
    source = """
    import aiohttp
    import httpx
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/a")
    async def a(url: str):
        async with httpx.AsyncClient() as client:
            first = await client.get(url)
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as response:
                second = await response.json()
        return {"a": first.json(), "b": second}
    """
    assert lines_of(source, "PERF004") == []


def test_urlopen_sleep_and_subprocess_with_aliases():
    source = """
    import subprocess as sp
    import urllib.request
    from subprocess import check_output
    from time import sleep as pause
    from urllib.request import urlopen

    async def job(url):
        urlopen(url, timeout=5)
        urllib.request.urlopen(url, timeout=5)
        pause(2)
        sp.run(["ls"])
        check_output(["git", "status"])
        sp.Popen(["ls"])
    """
    assert lines_of(source, "PERF004") == [9, 10, 11, 12, 13]


def test_calls_deferred_to_a_thread_or_a_nested_def_are_fine():
    source = """
    import asyncio
    import functools
    import time

    import requests

    async def job(url):
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, lambda: requests.get(url, timeout=5))
        await asyncio.to_thread(requests.get, url, timeout=5)
        await loop.run_in_executor(None, functools.partial(time.sleep, 1))

        def blocking():
            time.sleep(1)
            return requests.get(url, timeout=5)

        return await asyncio.to_thread(blocking)
    """
    assert lines_of(source, "PERF004") == []


def test_a_coroutine_nested_in_a_plain_def_is_checked():
    source = """
    import time

    def make():
        async def inner():
            time.sleep(1)
        return inner
    """
    assert lines_of(source, "PERF004") == [6]


def test_sync_session_in_fastapi_handlers():
    source = """
    from typing import Annotated

    from fastapi import Depends, FastAPI
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from models import User, get_db

    app = FastAPI()

    @app.get("/users")
    async def users(db: Session = Depends(get_db)):
        return db.query(User).all()

    @app.get("/users/{user_id}")
    async def user(user_id: int, db: Annotated[Session, Depends(get_db)]):
        return db.execute(select(User).where(User.id == user_id)).scalar_one()

    @app.post("/users")
    async def create(db: Session = Depends(get_db)):
        user = User()
        db.add(user)
        db.commit()
        db.refresh(user)
        return user
    """
    assert lines_of(source, "PERF004") == [13, 17, 23, 24]


def test_async_session_awaited_is_fine():
    source = """
    from fastapi import Depends, FastAPI
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
    from models import User, engine, get_db

    app = FastAPI()
    SessionLocal = async_sessionmaker(engine)

    @app.get("/users/{user_id}")
    async def user(user_id: int, db: AsyncSession = Depends(get_db)):
        result = await db.execute(select(User).where(User.id == user_id))
        return result.scalar_one()

    @app.post("/users")
    async def create():
        async with SessionLocal() as session:
            session.add(User())
            await session.commit()
        return {}
    """
    assert lines_of(source, "PERF004") == []


def test_sessionmaker_and_sqlmodel_sessions():
    source = """
    import sqlalchemy as sa
    from sqlalchemy.orm import sessionmaker
    from sqlmodel import Session as SMSession, select
    from models import Hero, engine

    SessionLocal = sessionmaker(bind=engine)

    async def count():
        session = SessionLocal()
        return session.scalar(sa.select(sa.func.count()))

    async def heroes():
        with SMSession(engine) as session:
            return session.exec(select(Hero)).all()

    async def unknown(session):
        return session.execute(sa.text("select 1"))
    """
    assert lines_of(source, "PERF004") == [11, 15]


def test_flask_async_view_with_flask_sqlalchemy():
    source = """
    from flask import Flask as F
    from flask_sqlalchemy import SQLAlchemy

    app = F(__name__)
    db = SQLAlchemy(app)

    @app.route("/users")
    async def users():
        rows = db.session.execute(db.select(User)).scalars()
        return {"users": [u.id for u in rows]}
    """
    found = findings(source, "PERF004")
    assert [f.span.start[0] for f in found] == [10]
    assert found[0].fix is None  # Flask has no thread pool to hand a plain def to


def test_django_async_view():
    source = """
    import requests
    from django.http import JsonResponse

    async def profile(request, user_id):
        response = requests.get(f"http://profiles/{user_id}", timeout=5)
        return JsonResponse(response.json())
    """
    found = findings(source, "PERF004", path="shop/views.py")
    assert [f.span.start[0] for f in found] == [6]
    assert "async def profile" in found[0].message and "httpx.AsyncClient" in found[0].message


def test_the_diagnostic_covers_the_call():
    source = """
    import time

    async def job():
        x = 1; time.sleep(x)
    """
    (found,) = findings(source, "PERF004")
    assert found.span.start == (5, 11) and found.span.end == (5, 24)


def test_sleep_fix_adds_await_and_the_import():
    source = """
    import time

    async def job():
        time.sleep(1)
    """
    (found,) = findings(source, "PERF004")
    assert found.fix.applicability == Applicability.SAFE
    assert fixed(source) == textwrap.dedent("""
    import time
    import asyncio

    async def job():
        await asyncio.sleep(1)
    """)


def test_sleep_fix_uses_the_module_spelling_of_asyncio():
    source = """
    import asyncio as aio
    from time import sleep

    async def job(delay):
        await aio.sleep(0)
        sleep(delay)
    """
    assert fixed(source) == textwrap.dedent("""
    import asyncio as aio
    from time import sleep

    async def job(delay):
        await aio.sleep(0)
        await aio.sleep(delay)
    """)


def test_no_sleep_fix_when_asyncio_means_something_else():
    source = """
    import time
    asyncio = object()

    async def job():
        time.sleep(1)
    """
    (found,) = findings(source, "PERF004")
    assert found.fix is None


def test_fastapi_handler_without_await_becomes_a_plain_def():
    source = """
    import requests
    from fastapi import APIRouter

    router = APIRouter(prefix="/quotes")

    @router.get("/{symbol}")
    async   def quote(symbol: str):
        return requests.get(f"https://quotes.example.com/{symbol}", timeout=5).json()
    """
    (found,) = findings(source, "PERF004")
    assert found.fix.applicability == Applicability.UNSAFE
    assert found.fix.title == "Make `quote` a plain `def`"
    assert fixed(source) == textwrap.dedent(source).replace("async   def quote", "def quote")


def test_no_plain_def_fix_when_the_handler_awaits():
    source = """
    import requests
    from fastapi import FastAPI, Request

    app = FastAPI()

    @app.post("/hooks")
    async def hook(request: Request):
        payload = await request.json()
        requests.post("https://audit.example.com/events", json=payload, timeout=5)
        return {}

    @app.get("/stream")
    async def stream(source: str):
        async for chunk in feed(source):
            requests.post("https://audit.example.com/events", json=chunk, timeout=5)
        return {}

    async def helper(url):
        return requests.get(url, timeout=5)
    """
    found = findings(source, "PERF004")
    assert [f.span.start[0] for f in found] == [10, 16, 20]
    assert [f.fix for f in found] == [None, None, None]


def test_no_plain_def_fix_where_a_sleep_gets_awaited():
    source = """
    import time
    import requests
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/a")
    async def a(url: str):
        time.sleep(1)
        return requests.get(url, timeout=5).json()
    """
    found = findings(source, "PERF004")
    assert [(f.span.start[0], f.fix.title if f.fix else None) for f in found] == [
        (10, "Use `await asyncio.sleep`"),
        (11, None),
    ]
