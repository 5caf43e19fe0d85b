from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import col, select

from connectors._match import contains, equals_ignoring_case
from connectors.erp.models import Product
from connectors.erp.views import ProductView
from connectors.operation import Kind, SystemContext, operation


class FindProductsInput(BaseModel):
    name: str | None = Field(
        None, max_length=200, description="Part of the product name, case-insensitive."
    )
    category: str | None = Field(
        None, max_length=100, description="Only products of this category, case-insensitive."
    )
    in_stock_only: bool = Field(
        False, description="Only products still sold (active) with stock above zero."
    )
    limit: int = Field(20, ge=1, le=200, description="Most products to return.")


class FindProductsOutput(BaseModel):
    products: list[ProductView]


@operation("erp", Kind.READ)
def find_products(ctx: SystemContext, args: FindProductsInput) -> FindProductsOutput:
    """Find products by name or category, with price and stock; sorted by name."""
    query = select(Product)
    if args.name:
        query = query.where(contains(col(Product.name), args.name))
    if args.category:
        query = query.where(equals_ignoring_case(col(Product.category), args.category))
    if args.in_stock_only:
        query = query.where(col(Product.active).is_(True), col(Product.stock) > 0)
    rows = ctx.session.exec(query.order_by(Product.name, Product.sku).limit(args.limit)).all()
    return FindProductsOutput(products=[ProductView.of(r) for r in rows])
