"""The CSV ERP adapter on real files: what loads, what is quarantined, what refuses to load."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from acorn.erp import CsvErp, ErpInputError, ErpSource, LoadResult, RowError, SkuRow, StockRow
from acorn.erp.to_domain import sku_infos, stock_levels

SKU_HEADER = "vendor_sku,asin,ean,title,case_pack,unit_weight_kg,carton_weight_kg,unit_cost,currency,discontinued"
GOOD_SKU = "ACR-1,B000000001,4006381333931,Oak Board,6,0.5,3.4,12.5,USD,false"
STOCK_HEADER = "vendor_sku,warehouse,on_hand,restock_date"


def write(path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def skus(tmp_path: Path, *rows: str, header: str = SKU_HEADER) -> LoadResult[SkuRow]:
    erp = CsvErp(write(tmp_path / "skus.csv", header, *rows), tmp_path / "inventory.csv")
    return erp.load_skus()


def stock(tmp_path: Path, *rows: str) -> LoadResult[StockRow]:
    erp = CsvErp(tmp_path / "skus.csv", write(tmp_path / "inventory.csv", STOCK_HEADER, *rows))
    return erp.load_inventory()


def test_a_clean_sku_row_loads_with_its_cost_in_cents_as_a_decimal(tmp_path: Path) -> None:
    result = skus(tmp_path, GOOD_SKU)
    assert result.errors == []
    (row,) = result.rows
    assert row.vendor_sku == "ACR-1"
    assert row.unit_cost == Decimal("12.50") and isinstance(row.unit_cost, Decimal)
    assert row.carton_weight_kg == Decimal("3.4")
    assert row.discontinued is False


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        pytest.param("ACR-2,B00000001,4006381333931,T,6,0.5,,1.00,USD,false", "asin", "10 upper-case", id="short-asin"),
        pytest.param("ACR-2,b000000001,4006381333931,T,6,0.5,,1.00,USD,false", "asin", "upper-case",
                     id="lower-case-asin"),
        pytest.param("ACR-2,B000000001,4006381333932,T,6,0.5,,1.00,USD,false", "ean", "check digit",
                     id="ean-check-digit"),
        pytest.param("ACR-2,B000000001,400638133393X,T,6,0.5,,1.00,USD,false", "ean", "EAN", id="ean-not-digits"),
        pytest.param("ACR-2,B000000001,4006381333931,T,0,0.5,,1.00,USD,false", "case_pack", "greater than 0",
                     id="zero-case-pack"),
        pytest.param("ACR-2,B000000001,4006381333931,T,six,0.5,,1.00,USD,false", "case_pack", "integer",
                     id="case-pack-word"),
        pytest.param("ACR-2,B000000001,4006381333931,T,6,0.5,,1.005,USD,false", "unit_cost", "2 decimal places",
                     id="sub-cent-cost"),
        pytest.param("ACR-2,B000000001,4006381333931,T,6,0.5,,-1.00,USD,false", "unit_cost", "greater than 0",
                     id="negative-cost"),
        pytest.param("ACR-2,B000000001,4006381333931,T,6,0.5,,1.00,USS,false", "currency", "ISO 4217",
                     id="unknown-currency"),
        pytest.param("ACR-2,B000000001,4006381333931,T,6,0.5,,1.00,usd,false", "currency", "ISO 4217",
                     id="lower-case-currency"),
        pytest.param("ACR-2,B000000001,4006381333931,T,6,0.5,,1.00,USD,maybe", "discontinued", "true or false",
                     id="discontinued-maybe"),
        pytest.param("ACR-2,B000000001,4006381333931,T,6,0.5,2.0,1.00,USD,false", "carton_weight_kg",
                     "less than its 6 units", id="carton-lighter-than-units"),
        pytest.param("ACR-2,B000000001,4006381333931,,6,0.5,,1.00,USD,false", "title", "required", id="missing-title"),
        pytest.param("ACR-2,B000000001,4006381333931,T,10001,0.5,,1.00,USD,false", "case_pack",
                     "less than or equal to 10000", id="huge-case-pack"),
        pytest.param("ACR-2,B000000001,4006381333931,T,6,0.5,,1000000000000.00,USD,false", "unit_cost",
                     "less than or equal to 999999999999.99", id="cost-beyond-numeric-14-2"),
        pytest.param("ACR-2,B000000001,4006381333931,T,6,10000000,,1.00,USD,false", "unit_weight_kg",
                     "less than or equal to 9999999.999", id="unit-weight-beyond-numeric-10-3"),
        pytest.param("ACR-2,B000000001,4006381333931,T,6,0.5,99999999,1.00,USD,false", "carton_weight_kg",
                     "less than or equal to 9999999.999", id="carton-weight-beyond-numeric-10-3"),
        pytest.param("ACR-2" + "X" * 40 + ",B000000001,4006381333931,T,6,0.5,,1.00,USD,false", "vendor_sku",
                     "at most 40 characters", id="sku-longer-than-its-column"),
    ],
)
def test_a_bad_sku_row_is_rejected_naming_its_line_field_and_value(tmp_path: Path, row: str, field: str,
                                                                   words: str) -> None:
    result = skus(tmp_path, GOOD_SKU, row)
    assert [r.vendor_sku for r in result.rows] == ["ACR-1"]
    (error,) = result.errors
    assert (error.line, error.field) == (3, field)
    assert error.value == row.split(",")[SKU_HEADER.split(",").index(field)] or error.value is None
    assert words in error.message
    assert error.file.endswith("skus.csv")


def test_a_row_with_several_problems_is_one_error_listing_them_all(tmp_path: Path) -> None:
    result = skus(tmp_path, "ACR-2,bad,123,T,0,0.5,,1.001,XXX,false")
    (error,) = result.errors
    assert error.field == "asin"
    for field in ("asin", "ean", "case_pack", "unit_cost", "currency"):
        assert f"{field}:" in error.message


def test_nothing_is_dropped_rows_read_equal_rows_loaded_plus_errors(tmp_path: Path) -> None:
    result = skus(
        tmp_path,
        GOOD_SKU,
        "",  # blank lines (and rows of empty cells) are not rows
        "ACR-2,B000000002,4006381333931,Mug,12,0.3,,4.00,USD,",
        "ACR-3,B000000003,4006381333932,Mug,12,0.3,,4.00,USD,false",
        ",,,,,,,,,",
        "ACR-1,B000000001,4006381333931,Oak Board,6,0.5,,12.50,USD,true",
        "ACR-4,B000000004,4006381333931,Jar,12,0.3,,4.00,EUR,TRUE",
        "ACR-5,B000000005,,Jar,12,0.3,,4.00,EUR,false",
    )
    with (tmp_path / "skus.csv").open(encoding="utf-8", newline="") as handle:
        data_rows = [r for r in list(csv.reader(handle))[1:] if any(cell.strip() for cell in r)]
    assert len(data_rows) == 6
    assert result.read_count == len(result.rows) + len(result.errors) == len(data_rows)
    assert [r.vendor_sku for r in result.rows] == ["ACR-1", "ACR-2", "ACR-4"]
    assert [e.line for e in result.errors] == [5, 7, 9]
    assert result.rows[2].discontinued is True and result.rows[1].discontinued is False


def test_a_duplicate_vendor_sku_keeps_the_first_row_and_rejects_the_later_one(tmp_path: Path) -> None:
    result = skus(tmp_path, GOOD_SKU, GOOD_SKU.replace("12.5", "99.00"))
    assert [r.unit_cost for r in result.rows] == [Decimal("12.50")]
    (error,) = result.errors
    assert (error.line, error.field, error.value) == (3, "vendor_sku", "ACR-1")
    assert "first seen on line 2" in error.message


def test_a_row_with_more_values_than_columns_is_rejected_rather_than_shifted(tmp_path: Path) -> None:
    result = skus(tmp_path, "ACR-2,B000000002,4006381333931,Oak Board, Large,6,0.5,,12.50,USD,false")
    assert result.rows == []
    (error,) = result.errors
    assert error.field == "(row)" and "11 values" in error.message


def test_headers_match_case_insensitively_in_any_order_and_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    header = " Currency ,VENDOR_SKU,asin,ean,title,case_pack,unit_weight_kg,unit_cost,discontinued,notes"
    path = tmp_path / "skus.csv"
    path.write_text("\ufeff" + header + "\nUSD,ACR-9,B000000009,4006381333931,Bowl,4,1.2,7.10,no,ignored\n",
                    encoding="utf-8")
    result = CsvErp(path, tmp_path / "inventory.csv").load_skus()
    assert result.errors == []
    assert result.rows[0].vendor_sku == "ACR-9" and result.rows[0].carton_weight_kg is None


def test_a_missing_required_column_stops_the_load_naming_file_and_column(tmp_path: Path) -> None:
    header = SKU_HEADER.replace(",unit_cost", "")
    with pytest.raises(ErpInputError) as caught:
        skus(tmp_path, "ACR-1,B000000001,4006381333931,Oak Board,6,0.5,3.4,USD,false", header=header)
    assert caught.value.column == "unit_cost"
    assert caught.value.file.endswith("skus.csv")
    assert "unit_cost" in str(caught.value) and "skus.csv" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(None, "file not found", id="missing-file"),
        pytest.param(b"", "empty", id="empty-file"),
        pytest.param("vendor_sku,warehouse,on_hand\nACR-1,NJ1,5\n".encode("utf-16"), "UTF-8", id="utf-16"),
    ],
)
def test_a_file_that_cannot_be_read_raises_an_input_error_naming_it(tmp_path: Path, content: bytes | None,
                                                                    words: str) -> None:
    path = tmp_path / "inventory.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ErpInputError, match=words) as caught:
        CsvErp(tmp_path / "skus.csv", path).load_inventory()
    assert caught.value.file == str(path)


def test_stock_loads_per_warehouse_with_an_optional_restock_date(tmp_path: Path) -> None:
    result = stock(tmp_path, "ACR-1,NJ1,120,", "ACR-1,PA2,0,2026-03-20")
    assert result.errors == []
    assert [(r.warehouse, r.on_hand, r.restock_date) for r in result.rows] == [
        ("NJ1", 120, None),
        ("PA2", 0, date(2026, 3, 20)),
    ]


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        pytest.param("ACR-2,NJ1,-3,", "on_hand", "greater than or equal to 0", id="negative-stock"),
        pytest.param("ACR-2,NJ1,3.5,", "on_hand", "integer", id="fractional-stock"),
        pytest.param("ACR-2,NJ1,3,20/03/2026", "restock_date", "YYYY-MM-DD", id="european-date"),
        pytest.param("ACR-2,NJ1,3,2026-02-30", "restock_date", "not a calendar date", id="impossible-date"),
        pytest.param("ACR-1,NJ1,7,", "vendor_sku", "duplicate vendor_sku + warehouse", id="same-sku-same-warehouse"),
        pytest.param(",NJ1,7,", "vendor_sku", "required", id="missing-sku"),
        pytest.param("ACR-2,NJ1,99999999999999999999999,", "on_hand", "less than or equal to 100000000",
                     id="on-hand-beyond-any-integer"),
        pytest.param("ACR-2,NJ1,100000001,", "on_hand", "less than or equal to 100000000",
                     id="on-hand-beyond-a-sane-bound"),
        pytest.param("ACR-2,NJ1,1e3,", "on_hand", "integer", id="on-hand-in-exponent-notation"),
        pytest.param("ACR-2," + "W" * 41 + ",7,", "warehouse", "at most 40 characters",
                     id="warehouse-longer-than-its-column"),
        pytest.param("ACR-2,NJ\x001,7,", "warehouse", "NUL byte", id="nul-byte"),
        pytest.param("ACR-2,NJ1,7,\x00", "restock_date", "NUL byte", id="nul-byte-alone"),
    ],
)
def test_a_bad_stock_row_is_rejected_and_the_rest_loads(tmp_path: Path, row: str, field: str, words: str) -> None:
    result = stock(tmp_path, "ACR-1,NJ1,10,", row, "ACR-3,NJ1,5,")
    assert [r.vendor_sku for r in result.rows] == ["ACR-1", "ACR-3"]
    (error,) = result.errors
    assert (error.line, error.field) == (3, field)
    assert words in error.message


def test_quarantine_writes_the_rejected_rows_as_read_with_the_reason(tmp_path: Path) -> None:
    bad = "ACR-2,B000000002,4006381333932,Mug,12,0.3,,4.00,USD,false"
    erp = CsvErp(write(tmp_path / "skus.csv", SKU_HEADER, GOOD_SKU, bad), tmp_path / "inventory.csv",
                 quarantine_dir=tmp_path / "quarantine")
    result = erp.load_skus()
    with (tmp_path / "quarantine" / "skus.rejected.csv").open(encoding="utf-8", newline="") as handle:
        rejected = list(csv.DictReader(handle))
    assert len(rejected) == len(result.errors) == 1
    assert rejected[0]["vendor_sku"] == "ACR-2" and rejected[0]["ean"] == "4006381333932"
    assert rejected[0]["error"].startswith("line 3: ean:")


def test_a_clean_reload_leaves_an_empty_quarantine_file_not_a_stale_one(tmp_path: Path) -> None:
    quarantine = tmp_path / "quarantine"
    path = write(tmp_path / "inventory.csv", STOCK_HEADER, "ACR-1,NJ1,-1,")
    CsvErp(tmp_path / "skus.csv", path, quarantine_dir=quarantine).load_inventory()
    write(path, STOCK_HEADER, "ACR-1,NJ1,1,")
    CsvErp(tmp_path / "skus.csv", path, quarantine_dir=quarantine).load_inventory()
    lines = (quarantine / "inventory.rejected.csv").read_text(encoding="utf-8").splitlines()
    assert lines == [STOCK_HEADER + ",error"]


def test_the_csv_adapter_is_an_erp_source_and_row_errors_read_as_file_line_field() -> None:
    assert isinstance(CsvErp("a.csv", "b.csv"), ErpSource)
    error = RowError(file="skus.csv", line=7, field="ean", value="123", message="bad check digit")
    assert str(error) == "skus.csv:7: ean='123': bad check digit"


def test_rows_convert_to_domain_master_data_and_stock_summed_over_warehouses(tmp_path: Path) -> None:
    infos = sku_infos(skus(tmp_path, GOOD_SKU).rows)
    assert infos["ACR-1"].case_weight_kg == Decimal("3.4")
    levels = stock_levels(stock(tmp_path, "ACR-1,NJ1,10,2026-04-01", "ACR-1,PA2,5,2026-03-20", "ACR-2,NJ1,0,").rows)
    assert (levels["ACR-1"].on_hand, levels["ACR-1"].restock_date) == (15, date(2026, 3, 20))
    only_nj = stock_levels(stock(tmp_path, "ACR-1,NJ1,10,", "ACR-1,PA2,5,").rows, warehouses={"NJ1"})
    assert only_nj["ACR-1"].on_hand == 10


def test_the_public_surface_of_the_erp_package_is_exactly_what_all_lists() -> None:
    import acorn.erp as erp

    exported = {name for name, value in vars(erp).items()
                if not name.startswith("_") and type(value).__name__ != "module"}
    assert set(erp.__all__) == exported - {"annotations"}


def test_a_nul_byte_rejects_the_row_naming_the_field_and_the_quarantine_file_shows_it(tmp_path: Path) -> None:
    path = write(tmp_path / "skus.csv", SKU_HEADER, GOOD_SKU,
                 "ACR-2,B000000002,4006381333931,Oak\x00Board,6,0.5,,12.50,USD,false")
    result = CsvErp(path, tmp_path / "inventory.csv", quarantine_dir=tmp_path / "quarantine").load_skus()
    assert [r.vendor_sku for r in result.rows] == ["ACR-1"]
    (error,) = result.errors
    assert (error.line, error.field) == (3, "title") and "NUL byte" in error.message
    assert str(error).startswith(f"{path}:3: title='Oak\\x00Board'")
    with (tmp_path / "quarantine" / "skus.rejected.csv").open(encoding="utf-8", newline="") as handle:
        (rejected,) = list(csv.DictReader(handle))
    assert rejected["title"] == "Oak\u2400Board"
    assert "\x00" not in (tmp_path / "quarantine" / "skus.rejected.csv").read_text()


def test_stock_of_a_sku_the_load_does_not_know_is_rejected_naming_file_line_and_sku(tmp_path: Path) -> None:
    path = write(tmp_path / "inventory.csv", STOCK_HEADER, "ACR-1,NJ1,10,", "ACR-404,NJ1,5,", "ACR-3,NJ1,5,")
    erp = CsvErp(tmp_path / "skus.csv", path, quarantine_dir=tmp_path / "quarantine")
    result = erp.load_inventory(known_skus={"ACR-1", "ACR-3"})
    assert [r.vendor_sku for r in result.rows] == ["ACR-1", "ACR-3"]
    (error,) = result.errors
    assert (error.file, error.line, error.field, error.value) == (str(path), 3, "vendor_sku", "ACR-404")
    assert "unknown SKU" in error.message and "skus.csv" in error.message
    rejected = (tmp_path / "quarantine" / "inventory.rejected.csv").read_text(encoding="utf-8").splitlines()
    assert rejected[1].startswith("ACR-404,NJ1,5,,line 3: unknown SKU")
    assert erp.load_inventory().errors == [], "without known_skus any SKU is taken, as before"


def test_a_file_that_cannot_be_decoded_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "skus.csv"
    path.write_bytes(b"\xff\xfe\x00\x00\x81\x9f garbage \xc3\x28")
    with pytest.raises(ErpInputError, match="UTF-8") as caught:
        CsvErp(path, tmp_path / "inventory.csv").load_skus()
    assert str(path) in str(caught.value)


ARRIVALS_HEADER = "vendor_sku,warehouse,on_hand,restock_date,restock_units"


def test_stock_may_say_how_many_units_arrive_on_the_restock_date(tmp_path: Path) -> None:
    path = write(tmp_path / "inventory.csv", ARRIVALS_HEADER, "ACR-1,NJ1,0,2026-03-20,240", "ACR-2,NJ1,5,,",
                 "ACR-3,NJ1,5,,40", "ACR-4,NJ1,5,2026-03-20,-1")
    result = CsvErp(tmp_path / "skus.csv", path).load_inventory()
    assert [(r.vendor_sku, r.restock_units) for r in result.rows] == [("ACR-1", 240), ("ACR-2", None)]
    assert [(e.line, e.field) for e in result.errors] == [(4, "restock_units"), (5, "restock_units")]
    assert "needs a restock_date" in result.errors[0].message


def test_the_first_arrivals_units_add_up_over_warehouses_and_one_unknown_makes_them_unknown(tmp_path: Path) -> None:
    rows = ("ACR-1,NJ1,0,2026-03-20,100", "ACR-1,PA2,0,2026-03-20,50", "ACR-1,DE1,0,2026-04-01,999",
            "ACR-2,NJ1,0,2026-03-20,10", "ACR-2,PA2,0,2026-03-20,")
    path = write(tmp_path / "inventory.csv", ARRIVALS_HEADER, *rows)
    levels = stock_levels(CsvErp(tmp_path / "skus.csv", path).load_inventory().rows)
    assert (levels["ACR-1"].restock_date, levels["ACR-1"].restock_units) == (date(2026, 3, 20), 150)
    assert levels["ACR-2"].restock_units is None
