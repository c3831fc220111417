"""What the workspace index's stamps change with: checks keep what they derived under them, so a
stamp that does not change when it should leaves stale findings, and one that changes too often
makes every keystroke pay for the whole workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_ls.index import WorkspaceIndex, facts_of_text

MODELS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120){index})
"""

VIEWS = """\
from flask import Blueprint

from shop.models import Order

bp = Blueprint("orders", __name__, url_prefix="/orders")


@bp.get("/<email>")
def by_email(email):
    {padding}return Order.query.filter_by(email=email).first()
"""


def stamps(index: WorkspaceIndex) -> tuple:
    return index.stamp(), index.route_stamp(), index.model_stamp()


def indexed(tmp_path: Path, pinned: bool) -> tuple[WorkspaceIndex, str, str]:
    models, views = str(tmp_path / "shop" / "models.py"), str(tmp_path / "shop" / "views.py")
    index = WorkspaceIndex([tmp_path])
    index.update(models, facts_of_text(MODELS.format(index=""), models), pinned=pinned)
    index.update(views, facts_of_text(VIEWS.format(padding=""), views), pinned=pinned)
    return index, models, views


# Open documents (pinned) compare with what their last update exported, kept; files on disk with
# what their old facts export, computed again.
each_way = pytest.mark.parametrize("pinned", [False, True], ids=["on disk", "open"])


@each_way
def test_a_query_moved_changes_the_stamp_only(tmp_path, pinned):
    index, _, views = indexed(tmp_path, pinned)
    stamp, routes, models = stamps(index)
    moved = VIEWS.format(padding="(").replace("first()", "first())")  # the same query, one column on
    index.update(views, facts_of_text(moved, views), pinned=pinned)
    assert index.stamp() != stamp  # DB004 points at the lookup's new position
    assert (index.route_stamp(), index.model_stamp()) == (routes, models)


@each_way
def test_a_model_changed_changes_the_model_stamp(tmp_path, pinned):
    index, models_path, _ = indexed(tmp_path, pinned)
    stamp, routes, models = stamps(index)
    index.update(models_path, facts_of_text(MODELS.format(index=", index=True"), models_path), pinned=pinned)
    assert index.stamp() != stamp and index.model_stamp() != models
    assert index.route_stamp() == routes


@each_way
def test_a_route_changed_changes_every_stamp(tmp_path, pinned):
    index, _, views = indexed(tmp_path, pinned)
    before = stamps(index)
    index.update(views, facts_of_text(VIEWS.format(padding="").replace('"/<email>"', '"/by/<email>"'), views), pinned=pinned)
    assert all(now != then for now, then in zip(stamps(index), before))
