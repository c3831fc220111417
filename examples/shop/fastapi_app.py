"""The shop's public catalogue, in FastAPI."""

import httpx
from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy.orm import Session

from database import get_session
from catalogue import Product

api = FastAPI()
products = APIRouter(prefix="/products")


@products.get("/{product_id}")
def show_product(product_id: int, session: Session = Depends(get_session)):
    product = session.get(Product, product_id)
    return {"id": product.id, "name": product.name}


@products.get("/{product_id}/stock")
async def stock(product_id: int):
    async with httpx.AsyncClient(timeout=None) as client:
        response = await client.get(f"https://warehouse.example.com/stock/{product_id}")
    return response.json()


api.include_router(products, prefix="/api/v1")
