"""Queries and models in different files, through the protocol: PERF001 in the file with the loop
knows the relationships of models.py, DB004 in models.py knows the lookups of views.py, and both
follow edits of the other file."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from tests.lsp_helpers import open_document, replace_document, wait_for_diagnostics

MODELS = '''\
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    email = Column(String(200))
    name = Column(String(100))


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), index=True)
    customer = relationship("Customer")
'''

VIEWS = '''\
from .models import Customer, Order


def order_labels(session):
    return [f"{order.id}: {order.customer.name}" for order in session.query(Order).all()]


def customer_by_email(session, email):
    return session.query(Customer).filter_by(email=email).first()
'''


async def indexed(client, root: Path, files: dict[str, str], symbol: str) -> None:
    """Write files, tell the server, and wait until the workspace index knows `symbol`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(root / name).as_uri(), type=types.FileChangeType.Created) for name in files]
        )
    )
    for _ in range(400):
        found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=symbol)) or []
        if any(s.name == symbol for s in found):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the index never knew {symbol}")


async def published(client, uri: str, code: str, wanted, seconds: float = 20):
    """The `code` diagnostics last published for `uri`, once `wanted(diagnostics)` holds."""
    latest = []
    for _ in range(int(seconds * 20)):
        for params in reversed(client.published):
            if params.uri == uri:
                latest = [d for d in params.diagnostics if d.code == code]
                break
        if wanted(latest):
            return latest
        await asyncio.sleep(0.05)
    raise AssertionError(f"{code} on {uri}: never as wanted, last {latest}")


def related_places(diagnostic) -> list[tuple[str, int]]:
    return [
        (Path(to_fs_path(r.location.uri)).name, r.location.range.start.line)
        for r in diagnostic.related_information or ()
    ]


async def test_n_plus_one_follows_the_models_file(client, workspace):
    await indexed(client, workspace, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS}, "Order")
    views_uri = open_document(client, workspace / "shop" / "views.py", VIEWS)
    [finding] = [d for d in await wait_for_diagnostics(client, views_uri, 1) if d.code == "PERF001"]
    assert (finding.range.start.line, finding.range.start.character) == (4, 27)
    assert VIEWS.splitlines()[4][27:41] == "order.customer"
    assert related_places(finding) == [("models.py", 17)]

    # `lazy="selectin"` in models.py, edited in the editor: the loop in views.py is fine now.
    models_uri = open_document(client, workspace / "shop" / "models.py", MODELS)
    await wait_for_diagnostics(client, models_uri, 1)
    replace_document(client, models_uri, MODELS.replace('relationship("Customer")', 'relationship("Customer", lazy="selectin")'), 2)
    await published(client, views_uri, "PERF001", lambda found: found == [])

    # ... and back.
    replace_document(client, models_uri, MODELS, 3)
    [again] = await published(client, views_uri, "PERF001", lambda found: len(found) == 1)
    assert again.range.start.line == 4


async def test_unindexed_lookup_follows_the_views_file(client, workspace):
    await indexed(client, workspace, {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS}, "Customer")
    models_uri = open_document(client, workspace / "shop" / "models.py", MODELS)
    [finding] = [d for d in await wait_for_diagnostics(client, models_uri, 1) if d.code == "DB004"]
    assert (finding.range.start.line, finding.range.start.character) == (9, 4)  # `email`
    assert related_places(finding) == [("views.py", 8)]
    assert finding.related_information[0].message == "`Customer` looked up by `email` here"

    # The lookup goes away in views.py (edited in the editor): so does the finding in models.py.
    views_uri = open_document(client, workspace / "shop" / "views.py", VIEWS)
    await wait_for_diagnostics(client, views_uri, 1)
    replace_document(client, views_uri, VIEWS.replace("filter_by(email=email)", "filter_by(id=email)"), 2)
    await published(client, models_uri, "DB004", lambda found: found == [])

    # A second lookup elsewhere brings it back, with both places as related information.
    replace_document(client, views_uri, VIEWS + "\n\ndef again(session, email):\n    return session.query(Customer).filter(Customer.email == email).one()\n", 3)
    [back] = await published(client, models_uri, "DB004", lambda found: len(found) == 1 and len(found[0].related_information) == 2)
    assert related_places(back) == [("views.py", 8), ("views.py", 12)]

    # `index=True` in models.py removes it.
    replace_document(client, models_uri, MODELS.replace("email = Column(String(200))", "email = Column(String(200), index=True)"), 2)
    assert [d for d in await wait_for_diagnostics(client, models_uri, 2) if d.code == "DB004"] == []
