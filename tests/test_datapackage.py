"""datapackage.json validates with the real Frictionless validator, and integer columns are
written as integers (a ``5.0`` in an integer field is a Table Schema type error)."""

from __future__ import annotations

from pathlib import Path

import frictionless
import pandas as pd
import pytest

from sim.exporters.docs import PACKAGE_FILE, write_docs
from sim.run import write_output
from sim.schemas import TABLES, column_meta
from sim.validate import validate_dir

CANONICAL = Path(__file__).resolve().parent.parent / "outputs" / "canonical"


def frictionless_errors(folder: Path) -> list[str]:
    """Every error the Frictionless validator reports for the folder's package, one line each."""
    report = frictionless.validate(str(folder / PACKAGE_FILE))
    errors = [f"package: {e.message}" for e in report.errors]
    errors += [f"{task.name}: {e.message}" for task in report.tasks for e in task.errors]
    return errors


def _integer_columns(name: str) -> list[str]:
    return [c for c, col in TABLES[name].schema.columns.items() if column_meta(col).get("kind") == "integer"]


def test_every_integer_column_of_every_table_is_built_as_integers(small_tables):
    tables, _ = small_tables
    leaks = []
    for rel, df in tables.items():
        name = Path(rel).stem
        for column in _integer_columns(name):
            if column in df.columns and len(df) and not pd.api.types.is_integer_dtype(df[column]):
                leaks.append(f"{rel}.{column}: {df[column].dtype}")
    assert not leaks, f"integer columns built as another dtype (written as 5.0): {leaks}"


def test_a_float_written_into_an_integer_column_fails_the_schema(tmp_path, world):
    spec = TABLES["test_drives"]
    path = tmp_path / spec.path
    path.parent.mkdir(parents=True)
    row = {c: "" for c in spec.schema.columns}
    row.update(booking_id="TD-000001", booking_date="2025-09-03", test_drive_date="2025-09-06", market="UK",
               dealer_id=world.dealers[0].id, dealer_name=world.dealers[0].name, model="DEEPAL_S07",
               source="website", status="COMPLETED", lead_id="LD-000001", feedback_score="5.0",
               feedback_text="Loved it", duration_minutes="45", sale_within_90_days="False")
    pd.DataFrame([row]).to_csv(path, index=False)
    checks = {c.name: c for c in validate_dir(tmp_path, world).checks}
    assert not checks["schema: test_drives"].passed
    assert any("feedback_score: value is not a valid integer" in m and "'5.0'" in m
               for m in checks["schema: test_drives"].messages)


def test_the_package_profile_allows_the_markdown_contracts(world):
    from sim.exporters.docs import datapackage

    package = datapackage(world)
    kinds = {r.get("profile", "data-resource") for r in package["resources"]}
    assert package["profile"] == "data-package" and kinds == {"tabular-data-resource", "data-resource"}


@pytest.mark.slow
def test_the_canonical_package_is_valid_frictionless():
    errors = frictionless_errors(CANONICAL)
    assert not errors, "frictionless validate outputs/canonical/datapackage.json:\n" + "\n".join(errors[:40])


@pytest.mark.slow
def test_a_small_runs_package_is_valid_frictionless(tmp_path, small_world, small_tables):
    tables, documents = small_tables
    out = tmp_path / "small"
    write_output(out, small_world, tables, documents, lambda tmp: write_docs(tmp, small_world))
    errors = frictionless_errors(out)
    assert not errors, "frictionless validate of a 20k-consumer run:\n" + "\n".join(errors[:40])
