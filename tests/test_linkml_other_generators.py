"""LinkML's own SQL and TypeScript generators, for real, type every integer slot as an integer.

Their output is not published; people run them on the schema. Before the schema stated ``base``
on ``NonNegativeInteger``, both typed every count (token counts, indexes, token ids) as text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from linkml.generators.sqltablegen import SQLTableGenerator
from linkml.generators.typescriptgen import TypescriptGenerator
from linkml_runtime.utils.schemaview import SchemaView

SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "lmcontract.yaml"
SV = SchemaView(str(SCHEMA))


def _base(type_name: str) -> str | None:
    typ = SV.get_type(type_name)
    return typ.base or (typ.typeof and _base(typ.typeof)) if typ else None


def _integer_slots(inherited: bool) -> list[tuple[str, str, bool]]:
    """(class, slot, multivalued) for every slot whose range is an integer type.

    ``inherited``: every concrete class with all its slots (a SQL table holds them all);
    otherwise every class with the slots it declares (a TypeScript interface extends its parent's).
    """
    found = []
    for cls, definition in SV.all_classes().items():
        if definition.class_uri == "linkml:Any" or (inherited and definition.abstract):
            continue
        own = set(definition.slots or [])
        for slot in SV.class_induced_slots(cls):
            if not inherited and slot.name not in own:
                continue
            if slot.range in SV.all_types() and _base(slot.range) == "int":
                found.append((cls, slot.name, bool(slot.multivalued)))
    return found


INTEGER_SLOTS = _integer_slots(inherited=True)


def _block(text: str, start: str) -> str:
    i = text.index(start)
    return text[i : text.index("\n}" if "interface" in start else "\n);", i)]


def test_there_are_integer_slots_of_the_schema_s_own_type() -> None:
    assert any(SV.get_slot(s).range == "NonNegativeInteger" for _, s, _ in INTEGER_SLOTS)
    assert len(INTEGER_SLOTS) > 20


@pytest.fixture(scope="module")
def ddl() -> str:
    return SQLTableGenerator(str(SCHEMA)).generate_ddl()


@pytest.fixture(scope="module")
def typescript() -> str:
    return TypescriptGenerator(str(SCHEMA)).serialize()


def test_sql_ddl_types_counts_as_integer(ddl: str) -> None:
    for cls, slot, multi in INTEGER_SLOTS:
        table = _block(ddl, f'CREATE TABLE "{cls}_{slot}" (' if multi else f'CREATE TABLE "{cls}" (')
        (column_type,) = re.findall(rf'^\t"?{slot}"? (\w+)', table, flags=re.M)
        assert column_type == "INTEGER", (cls, slot, column_type)


def test_typescript_types_counts_as_number(typescript: str) -> None:
    for cls, slot, multi in _integer_slots(inherited=False):
        interface = _block(typescript, f"export interface {cls} ")
        (ts_type,) = re.findall(rf"^\s+{slot}\??: ([\w\[\]]+),", interface, flags=re.M)
        assert ts_type == ("number[]" if multi else "number"), (cls, slot, ts_type)
