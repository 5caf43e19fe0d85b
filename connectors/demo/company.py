"""Meridian Supply Co.: the fictional B2B distributor the demo dataset describes.

Fixed reference data only (people, regions, credit terms, the catalogue; service levels are
``connectors.crm.sla``);
nothing here is random. Other parts of aios (users and roles, the knowledge base) may seed
from the same tables.
"""

from __future__ import annotations

from typing import NamedTuple

from connectors.crm.models import Tier

COMPANY_NAME = "Meridian Supply Co."


class Operator(NamedTuple):
    username: str
    display_name: str
    role: str


OPERATORS: tuple[Operator, ...] = (
    Operator("alice", "Alice Moreno", "agent"),
    Operator("bob", "Bob Tanaka", "agent"),
    Operator("carol", "Carol Jensen", "senior_agent"),
    Operator("dave", "Dave Brennan", "finance"),
    Operator("erin", "Erin Castillo", "manager"),
    Operator("frank", "Frank Novak", "auditor"),
    Operator("grace", "Grace Liu", "admin"),
)

ACCOUNT_OWNERS: tuple[str, ...] = ("alice", "bob", "carol", "erin")
"""Operators who manage customer accounts."""

CASE_HANDLERS: tuple[str, ...] = ("alice", "bob", "carol")
ESCALATION_HANDLERS: tuple[str, ...] = ("carol", "erin")
"""Who owns a case escalated to level 1 (senior agent) and level 2 (manager)."""

REGIONS: dict[str, tuple[str, ...]] = {
    "North": ("MN", "WI", "MI", "ND"),
    "South": ("TX", "GA", "FL", "AL"),
    "East": ("NY", "PA", "NJ", "MA"),
    "West": ("CA", "WA", "OR", "NV"),
    "Central": ("IL", "MO", "KS", "OH"),
}
"""Sales regions and the states whose customers they serve."""

AREA_CODES: dict[str, tuple[str, ...]] = {
    "North": ("612", "414", "313", "701"),
    "South": ("512", "404", "305", "205"),
    "East": ("212", "215", "201", "617"),
    "West": ("310", "206", "503", "702"),
    "Central": ("312", "314", "316", "614"),
}

CREDIT_LIMIT_CENTS: dict[str, int] = {"A": 5_000_000, "B": 2_500_000, "C": 1_000_000, "D": 0}
"""Credit limit by credit rating; D is prepayment only."""


def payment_terms_days(tier: Tier) -> int:
    """Net 45 for platinum accounts, net 30 for everyone else."""
    return 45 if tier is Tier.PLATINUM else 30


class CatalogueItem(NamedTuple):
    sku: str
    name: str
    category: str
    price_cents: int


CATALOGUE: tuple[CatalogueItem, ...] = (
    CatalogueItem("SKU-PK-001", "Corrugated shipping box 12x12x12 in (25 pack)", "packaging", 2875),
    CatalogueItem("SKU-PK-002", "Corrugated shipping box 18x18x18 in (20 pack)", "packaging", 3990),
    CatalogueItem("SKU-PK-003", "Double-wall moving box 24x18x18 in (10 pack)", "packaging", 3450),
    CatalogueItem(
        "SKU-PK-004", "Stretch film 18 in x 1500 ft 80 gauge (4 rolls)", "packaging", 4250
    ),
    CatalogueItem("SKU-PK-005", "Packing tape clear 2 in x 110 yd (36 rolls)", "packaging", 6480),
    CatalogueItem("SKU-PK-006", "Bubble wrap 12 in x 175 ft perforated", "packaging", 2240),
    CatalogueItem("SKU-PK-007", "Poly mailer 10x13 in (500 pack)", "packaging", 4900),
    CatalogueItem("SKU-PK-008", "Polypropylene strapping 1/2 in x 9000 ft", "packaging", 5825),
    CatalogueItem("SKU-SF-001", "Nitrile gloves powder-free size L (1000 count)", "safety", 8400),
    CatalogueItem("SKU-SF-002", "Safety glasses clear anti-fog (12 pack)", "safety", 3660),
    CatalogueItem("SKU-SF-003", "High-visibility vest ANSI class 2 (10 pack)", "safety", 7250),
    CatalogueItem("SKU-SF-004", "Hard hat type I class E white", "safety", 1895),
    CatalogueItem("SKU-SF-005", "Foam earplugs NRR 32 (200 pairs)", "safety", 3120),
    CatalogueItem("SKU-SF-006", "Cut-resistant gloves level A3 size M (12 pairs)", "safety", 6780),
    CatalogueItem("SKU-SF-007", "First aid kit 50-person ANSI class A", "safety", 8900),
    CatalogueItem("SKU-SF-008", "Steel-toe safety boots size 10", "safety", 11900),
    CatalogueItem("SKU-JN-001", "Heavy-duty trash bags 55 gal (100 count)", "janitorial", 4690),
    CatalogueItem(
        "SKU-JN-002", "Multi-surface cleaner concentrate 1 gal (4 pack)", "janitorial", 5200
    ),
    CatalogueItem("SKU-JN-003", "Paper towels multifold (4000 sheets)", "janitorial", 4475),
    CatalogueItem("SKU-JN-004", "Toilet tissue 2-ply jumbo roll (12 rolls)", "janitorial", 5840),
    CatalogueItem("SKU-JN-005", "Hand soap foaming refill 1200 ml (2 pack)", "janitorial", 2730),
    CatalogueItem(
        "SKU-JN-006", "Microfiber cleaning cloths 16x16 in (24 pack)", "janitorial", 2160
    ),
    CatalogueItem("SKU-JN-007", "Commercial mop bucket with wringer 35 qt", "janitorial", 9400),
    CatalogueItem("SKU-JN-008", "Floor degreaser 5 gal", "janitorial", 7650),
    CatalogueItem("SKU-OF-001", "Copy paper letter 20 lb (10 reams)", "office", 5490),
    CatalogueItem("SKU-OF-002", "Ballpoint pens blue medium (60 pack)", "office", 1440),
    CatalogueItem("SKU-OF-003", "Ring binder 2 in black (12 pack)", "office", 3840),
    CatalogueItem("SKU-OF-004", "File folders letter manila (100 pack)", "office", 1725),
    CatalogueItem("SKU-OF-005", "Thermal shipping labels 4x6 in (2000 labels)", "office", 3300),
    CatalogueItem("SKU-OF-006", "Sticky notes 3x3 in yellow (24 pads)", "office", 1680),
    CatalogueItem("SKU-OF-007", "Toner cartridge black high-yield (compatible)", "office", 6995),
    CatalogueItem("SKU-OF-008", "Ergonomic office chair mesh back", "office", 24900),
    CatalogueItem("SKU-WH-001", "Pallet jack manual 5500 lb capacity", "warehouse", 38900),
    CatalogueItem("SKU-WH-002", "Boltless steel shelving unit 72x36x24 in", "warehouse", 17900),
    CatalogueItem("SKU-WH-003", "Pallet rack upright frame 12 ft", "warehouse", 21500),
    CatalogueItem("SKU-WH-004", "Pallet rack beam 96 in (pair)", "warehouse", 11200),
    CatalogueItem("SKU-WH-005", "Platform hand truck 500 lb", "warehouse", 14500),
    CatalogueItem("SKU-WH-006", "Floor marking tape yellow 3 in x 108 ft", "warehouse", 2950),
    CatalogueItem("SKU-WH-007", "Plastic stackable bin 18x11x10 in (6 pack)", "warehouse", 8220),
    CatalogueItem("SKU-WH-008", "Wire mesh pallet rack decking 42x46 in", "warehouse", 4875),
)
"""The 2026 price list (``knowledge/sales/price-list-2026.csv``), prices in USD cents."""

PRICES: dict[str, int] = {item.sku: item.price_cents for item in CATALOGUE}

INDUSTRY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "Logistics": ("Logistics", "Freight", "Distribution"),
    "Manufacturing": ("Manufacturing", "Fabrication", "Machine Works"),
    "Healthcare": ("Health Partners", "Medical Group", "Clinics"),
    "Hospitality": ("Hotels", "Hospitality Group", "Resorts"),
    "Retail": ("Outfitters", "Retail Group", "Market"),
    "Construction": ("Builders", "Construction", "Contracting"),
    "Education": ("Academy", "School District", "College"),
    "Food Processing": ("Foods", "Provisions", "Bakeries"),
    "Facilities Management": ("Facility Services", "Property Services", "Maintenance"),
}
"""Industries of generated accounts and the words their names end in."""

NAME_PREFIXES: tuple[str, ...] = (
    "Granite", "Cedar Ridge", "Riverside", "Ironwood", "Lakeshore", "Pioneer", "Keystone",
    "Evergreen", "Silverline", "Canyon", "Prairie", "Summit Peak", "Oakmont", "Redstone",
    "Brightwater", "Copperfield", "Highland", "Maplewood", "Stonebridge", "Clearwater",
    "Falcon", "Bayside", "Frontier", "Horizon", "Juniper", "Kingsway", "Lighthouse",
    "Meadowbrook", "Old Mill", "Pinnacle", "Quarry", "Ridgeline", "Sawtooth", "Timberline",
    "Union Square", "Valley Forge", "Willow Creek", "Beacon", "Crescent", "Driftwood",
    "Eastgate", "Foxhall", "Glacier", "Hillcrest", "Tri-County", "Sterling", "Magnolia",
    "Twin Rivers", "Golden Gate", "Mesa Verde",
)  # fmt: skip
"""First words of generated account names; none resembles a planted name."""

CONTACT_TITLES: tuple[str, ...] = (
    "Purchasing Manager",
    "Accounts Payable Specialist",
    "Operations Director",
    "Facilities Manager",
    "Warehouse Supervisor",
    "Office Manager",
    "Procurement Lead",
    "Controller",
)

PAYMENT_METHODS: tuple[str, ...] = ("ach", "wire", "check", "card")
"""ACH transfer, wire transfer, company check, corporate credit card."""
CARD_LIMIT_CENTS = 1_000_000
"""Cards pay invoices up to $10,000.00 only."""
