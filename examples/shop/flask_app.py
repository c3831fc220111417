"""A small Flask shop with the mistakes backend-ls is built to catch."""

import requests
from flask import Blueprint, Flask, jsonify, request

from models import Order, User, db

app = Flask(__name__)
app.config["SECRET_KEY"] = "s3cr3t-shop-key"

users = Blueprint("users", __name__, url_prefix="/api/users")


@users.route("/<int:user_id>")
def show_user(user_id):
    user = User.query.get(user_id)
    return jsonify({"id": user.id, "email": user.email})


@users.route("/<int:user_id>/deactivate")
def deactivate_user(user_id):
    user = User.query.get_or_404(user_id)
    user.status = "inactive"
    db.session.commit()
    return jsonify({"id": user.id, "status": user.status})


@users.post("/<int:user_id>/orders")
def create_order(user_id):
    order = Order(user_id=user_id, total=request.json["total"])
    db.session.add(order)
    db.session.commit()
    requests.post("https://billing.example.com/invoices", json={"order": order.id})
    return jsonify({"id": order.id}), 201


app.register_blueprint(users)

if __name__ == "__main__":
    app.run(debug=True)
