"""DB007 cross-shard-query: queries on sharded models without their shard key, only when shard keys
are configured (`[tool.backend-ls.sharding]`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_ls.options import load_settings
from tests.rules.helpers import findings, lines_of

SHARDS = {"sharding": {"Order": "tenant_id"}}

HEAD = '''
import sqlalchemy as sa
from django.shortcuts import get_object_or_404
from sqlalchemy import select
from sqlmodel import select as sm_select

from .models import Order as O, Customer


def load(session, db, tenant, ids, key):
    return QUERY
'''


def lines(query: str, **settings) -> list[int]:
    return lines_of(HEAD.replace("QUERY", query), "DB007", **(settings or SHARDS))


@pytest.mark.parametrize("query", [
    "session.query(O).filter(O.status == 'open').all()",
    "session.query(O).all()",
    "O.query.filter_by(status='open').first()",
    "db.session.get(O, key)",
    "session.execute(select(O).where(O.total > 10)).scalars().all()",
    "session.scalars(sa.select(O)).first()",
    "session.exec(sm_select(O)).all()",
    "O.objects.filter(status='open').count()",
    "list(O.objects.all())",
    "O.objects.get(pk=key)",
    "get_object_or_404(O, number=key)",
    # a constraint on the joined model's key is not one on this model's
    "session.query(O).join(Customer).filter(Customer.tenant_id == tenant).all()",
    # excluding is no constraint
    "O.objects.exclude(tenant_id=tenant).count()",
])
def test_queries_that_ask_every_shard(query):
    assert lines(query) == [11]


def test_the_message():
    [finding] = findings(HEAD.replace("QUERY", "session.query(O).all()"), "DB007", **SHARDS)
    assert finding.message == (
        "`Order` is sharded by `tenant_id`, but this query does not filter on it, so it has to ask every shard; "
        "constrain `tenant_id`."
    )
    assert finding.fix is None


@pytest.mark.parametrize("query", [
    "session.query(O).filter(O.tenant_id == tenant).all()",
    "session.query(O).filter(O.tenant_id.in_([1, 2])).all()",
    "session.query(O).filter(sa.and_(O.tenant_id == tenant, O.total > 3)).all()",
    "O.query.filter_by(tenant_id=tenant, status='open').first()",
    "session.execute(select(O).where(O.tenant_id == tenant)).scalars().all()",
    "session.exec(sm_select(O).where(O.tenant_id == tenant)).all()",
    "O.objects.filter(tenant=tenant).count()",
    "O.objects.filter(tenant_id__in=ids).count()",
    "O.objects.filter(tenant__id=tenant).first()",
    "get_object_or_404(O, tenant_id=tenant, pk=key)",
    # conditions that cannot be read: silent
    "session.query(O).filter(*ids).all()",
    "O.objects.filter(**ids).count()",
    "session.query(O).filter(sa.or_(O.tenant_id == tenant, O.total > 3)).all()",
    # other models, writes, statements never run
    "session.query(Customer).all()",
    "O.objects.create(total=3)",
    "select(O)",
    "O.objects.filter(status='open')",
])
def test_queries_that_name_the_shard_or_that_the_check_cannot_judge(query):
    assert lines(query) == []


def test_nothing_without_configuration():
    assert lines_of(HEAD.replace("QUERY", "session.query(O).all()"), "DB007") == []


def test_a_primary_key_shard_key():
    assert lines("db.session.get(O, key)", sharding={"Order": "id"}) == []
    assert lines("O.objects.get(pk=key)", sharding={"Order": "id"}) == []


def test_the_key_added_through_a_name():
    source = '''
        from sqlalchemy import select

        from .models import Order

        def load(session, tenant, open_only):
            stmt = select(Order)
            stmt = stmt.where(Order.tenant_id == tenant)
            if open_only:
                stmt = stmt.where(Order.status == "open")
            return session.scalars(stmt).all()

        def everything(session):
            stmt = select(Order).order_by(Order.id)
            return session.scalars(stmt).all()
    '''
    assert lines_of(source, "DB007", **SHARDS) == [15]


def test_the_setting_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.backend-ls.sharding]\nOrder = "tenant_id"\nInvoice = "account_id"\n')
    settings, problems = load_settings(tmp_path)
    assert problems == [] and settings.sharding == {"Order": "tenant_id", "Invoice": "account_id"}
    (tmp_path / "pyproject.toml").write_text('[tool.backend-ls.sharding]\nOrder = 3\n')
    settings, problems = load_settings(tmp_path)
    assert settings.sharding == {} and "sharding" in problems[0]


def test_the_readme_configuration_block_is_accepted(tmp_path):
    readme = (Path(__file__).parent.parent.parent / "README.md").read_text()
    section = readme[readme.index("## Configuration\n"):readme.index("## Rules\n")]
    block = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(block)
    settings, problems = load_settings(tmp_path)
    assert problems == []
    assert settings.sharding == {"Order": "tenant_id", "Invoice": "account_id"}
