"""The products the simulated Amazon buys: deterministic from the seed, shared with the demo ERP.

Each item has the identifiers Amazon and the vendor use (ASIN, vendor SKU, EAN-13 with a
valid GS1 check digit), how it is packed (units per carton) and its cost to Amazon in USD;
costs in other marketplaces are the USD cost times a fixed exchange rate, to the cent.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from acorn.domain.measures import round_to_gram
from acorn.domain.money import round_money
from acorn.sandbox.accounts import FX_FROM_USD, MARKETPLACES
from acorn.sandbox.gs1 import check_digit

CATALOGUE_SIZE = 40
#: GS1 company prefix of the sandbox vendor (same as ``acorn.config.DEFAULT_ACCOUNTS``).
VENDOR_GS1_PREFIX = "0614141"

_FAMILIES: tuple[tuple[str, str, tuple[str, ...], tuple[int, ...], tuple[str, str]], ...] = (
    # code, noun, variants, case packs, (min, max) unit weight kg
    ("CB", "Oak Cutting Board", ("Small", "Medium", "Large", "XL"), (6, 8, 12), ("0.60", "2.40")),
    ("MG", "Stoneware Mug", ("Sage", "Slate", "Cream", "Rust"), (12, 24, 36), ("0.30", "0.45")),
    ("TT", "Bamboo Tea Tray", ("Round", "Square", "Oval"), (4, 6), ("0.50", "1.20")),
    ("KN", "Chef Knife", ("15cm", "20cm", "25cm"), (6, 10, 12), ("0.15", "0.35")),
    ("JR", "Glass Storage Jar", ("250ml", "500ml", "1L", "2L"), (12, 24), ("0.20", "0.90")),
    ("BL", "Linen Bread Bag", ("Natural", "Charcoal", "Sand"), (20, 24, 48), ("0.05", "0.12")),
    ("SP", "Beechwood Spoon Set", ("3-piece", "5-piece"), (10, 12, 20), ("0.10", "0.30")),
    ("PL", "Enamel Plate", ("White", "Blue", "Green"), (8, 12, 16), ("0.25", "0.50")),
    ("CN", "Cast Iron Skillet", ("20cm", "26cm", "30cm"), (2, 4), ("1.80", "3.90")),
    ("TW", "Waffle Tea Towel", ("Pair", "Four-pack"), (24, 36, 50), ("0.10", "0.25")),
    ("GR", "Salt and Pepper Grinder", ("Walnut", "Acacia"), (6, 12), ("0.30", "0.60")),
    ("BW", "Ceramic Mixing Bowl", ("1.5L", "3L", "5L"), (4, 6, 8), ("0.70", "2.10")),
    ("CO", "Cork Coaster Set", ("Four", "Six"), (24, 40), ("0.05", "0.15")),
    ("KT", "Stovetop Kettle", ("Copper", "Matte Black"), (2, 4, 6), ("1.00", "1.60")),
)


@dataclass(frozen=True)
class CatalogueItem:
    """One product Amazon orders from the vendor. ``net_cost`` is per each, in USD."""

    asin: str
    vendor_sku: str
    ean: str
    title: str
    case_pack: int
    unit_weight_kg: Decimal
    net_cost: Decimal

    def cost_for(self, marketplace: str) -> tuple[Decimal, str]:
        """Unit cost and currency in a marketplace (country code ``"CA"`` or marketplace id)."""
        currency = currency_of(marketplace)
        return net_cost_in(self.net_cost, currency), currency


def currency_of(marketplace: str) -> str:
    for country, mp in MARKETPLACES.items():
        if marketplace in (country, mp.marketplace_id):
            return mp.currency
    raise KeyError(f"the sandbox does not sell into marketplace {marketplace!r}")


def net_cost_in(usd: Decimal, currency: str) -> Decimal:
    """A USD cost converted at the sandbox's fixed rate, rounded as invoices round (``acorn.domain.money``)."""
    return round_money(usd * FX_FROM_USD[currency], currency)


def catalogue(seed: int) -> list[CatalogueItem]:
    """The sandbox's ~40 products for ``seed`` (same seed, same list)."""
    return list(_catalogue(seed))


@lru_cache(maxsize=16)
def _catalogue(seed: int) -> tuple[CatalogueItem, ...]:
    rng = random.Random(f"acorn-sandbox-catalogue:{seed}")
    variants = [(fam, v) for fam in _FAMILIES for v in fam[2]]
    rng.shuffle(variants)
    refs = rng.sample(range(10000, 99999), CATALOGUE_SIZE)
    asins: set[str] = set()
    items = []
    for n, (fam, variant) in enumerate(variants[:CATALOGUE_SIZE]):
        code, noun, _, packs, (lo, hi) = fam
        asin = _asin(rng, asins)
        body = f"{VENDOR_GS1_PREFIX}{refs[n]:05d}"
        grams = rng.randint(int(Decimal(lo) * 1000), int(Decimal(hi) * 1000))
        weight = round_to_gram(Decimal(grams) / 1000)
        cost = Decimal(rng.randint(250, 6000)) / 100
        items.append(CatalogueItem(
            asin=asin,
            vendor_sku=f"ACR-{code}-{n + 1:03d}",
            ean=body + check_digit(body),
            title=f"Acorn {noun}, {variant}",
            case_pack=rng.choice(packs),
            unit_weight_kg=weight,
            net_cost=cost,
        ))
    return tuple(items)


def _asin(rng: random.Random, taken: set[str]) -> str:
    alphabet = string.ascii_uppercase + string.digits
    while True:
        asin = "B0" + "".join(rng.choices(alphabet, k=8))
        if asin not in taken:
            taken.add(asin)
            return asin
