"""PERF004 quick fixes through the protocol: `await asyncio.sleep` (safe) and a plain `def` FastAPI
handler (unsafe), applied as an editor applies them."""

from __future__ import annotations

from tests.lsp_helpers import fix_through_lsp
from tests.rules.helpers import findings

RETRY = '''import time

import httpx
from fastapi import FastAPI

app = FastAPI()


@app.get("/quotes/{symbol}")
async def quote(symbol: str):
    async with httpx.AsyncClient(timeout=5) as client:
        for attempt in range(3):
            response = await client.get(f"https://quotes.example.com/{symbol}")
            if response.status_code != 503:
                return response.json()
            time.sleep(0.5 * (attempt + 1))
    return {"detail": "quote service unavailable"}
'''

DJANGO_SLEEP = '''import asyncio as aio
from time import sleep

from django.http import JsonResponse


async def poll(request):
    sleep(1)
    return JsonResponse({"ready": True})
'''

FASTAPI_SYNC_SESSION = '''from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from models import User, get_db

app = FastAPI()


@app.get("/users")
async def list_users(db: Session = Depends(get_db)):
    return db.query(User).limit(50).all()
'''


async def test_sleep_becomes_awaited_asyncio_sleep_with_the_import(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "quotes.py", RETRY, "PERF004")
    assert fixed == RETRY.replace("from fastapi import FastAPI\n", "from fastapi import FastAPI\nimport asyncio\n", 1).replace(
        "time.sleep(0.5", "await asyncio.sleep(0.5"
    )
    assert findings(fixed, "PERF004") == []


async def test_sleep_fix_uses_the_imported_alias(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "views.py", DJANGO_SLEEP, "PERF004")
    assert fixed == DJANGO_SLEEP.replace("    sleep(1)", "    await aio.sleep(1)")


async def test_fastapi_handler_becomes_a_plain_def(client, workspace):
    fixed = await fix_through_lsp(client, workspace / "users.py", FASTAPI_SYNC_SESSION, "PERF004")
    assert fixed == FASTAPI_SYNC_SESSION.replace("async def list_users", "def list_users")
