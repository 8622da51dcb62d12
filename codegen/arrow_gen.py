"""Arrow types for every class of the schema, and the flat outputs table derived from them.

LinkML 1.12 has no Arrow, Parquet or DuckDB generator, and its Polars one keeps only the base
fields of parts; this one walks ``SchemaView`` and writes ``src/lmcontract/generated/arrow_schema.py``.
Nothing in it names a class or a slot of the contract: every rule is about the kind of range.

- a string, integer, float or boolean range is the Arrow type of its LinkML base; integers are
  ``int64`` (what DuckDB, Spark and pandas read without surprise);
- an enum is a dictionary-encoded string whose dictionary is the enum's values in schema order;
- ``Any`` and ``JsonObject`` (class_uri ``linkml:Any``) are Arrow's JSON type, which Parquet
  stores as its JSON logical type and DuckDB reads as JSON;
- a ``datetime`` is a UTC timestamp in microseconds, with a sibling ``<slot>_utc_offset`` holding
  the offset it was written with (seconds east of UTC), so the original comes back exactly;
- a slot with an ``array`` (a tensor) is a struct of dtype, shape and the raw little-endian bytes,
  as ``EncodedTensor`` describes them (there is no variable-shape tensor type in Parquet);
- a class range is a struct; a range with several concrete kinds (the abstract ``LMPart``) is one
  wide struct with every kind's fields and the designator (``type``) that says which kind a row
  is, because Parquet cannot store Arrow unions; two kinds that give one field name two different
  Arrow types stop the generation;
- a multivalued slot is a list of its element type.

Each struct field carries its slot's description as Arrow metadata. ``LAYOUT`` says, per class,
how ``lmcontract.arrow`` reads and writes each field; ``OUTPUT_COLUMNS`` defines the flat table
(one row per output) as paths into the responses table, derived by the rules in ``outputs()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from linkml_runtime.linkml_model.meta import SlotDefinition
from linkml_runtime.utils.schemaview import SchemaView

from codegen.common import banner

ROOT_CLASS = "LMResponse"
ROW_CLASS = "LMOutput"  # one row of the flat table
TENSOR_CLASS = "EncodedTensor"  # describes a tensor's dtype and shape
OFFSET_SUFFIX = "_utc_offset"
ANY_URI = "linkml:Any"
BASES = {"str": "pa.string()", "int": "pa.int64()", "float": "pa.float64()", "Bool": "pa.bool_()", "bool": "pa.bool_()"}
JSON = "pa.json_()"
TIMESTAMP = 'pa.timestamp("us", tz="UTC")'
OFFSET = "pa.int32()"
RAW_BYTES = "The raw element bytes, little-endian, C order."


@dataclass
class Field:
    """One Arrow field of one class: how it is typed, described and converted."""

    name: str
    arrow: str  # a pyarrow expression
    kind: str  # value, enum, json, datetime, offset, tensor, class, kinds
    target: str | None
    multivalued: bool
    description: str


class ArrowSchemaBuilder:
    def __init__(self, schema: Path) -> None:
        self.sv = SchemaView(str(schema))
        self.order = list(self.sv.all_classes())
        self.structs: dict[str, list[Field]] = {}  # class (or kinds root) -> fields, in dependency order
        self.kinds: dict[str, tuple[str, dict[str, str]]] = {}  # root -> (designator, value -> class)

    # -- ranges ------------------------------------------------------------------------------
    def is_any(self, name: str) -> bool:
        cls = self.sv.get_class(name)
        return cls is not None and cls.class_uri == ANY_URI

    def concrete_kinds(self, name: str) -> list[str]:
        names = [n for n in self.sv.class_descendants(name, reflexive=True) if not self.sv.get_class(n).abstract]
        return sorted(names, key=self.order.index)

    def slots_of(self, cls: str) -> list[SlotDefinition]:
        """Induced slots, inherited ones first, each class's own in schema order."""
        induced = {s.name: s for s in self.sv.class_induced_slots(cls)}
        names: list[str] = []
        for ancestor in reversed(self.sv.class_ancestors(cls)):
            for name in self.sv.get_class(ancestor).slots or []:
                if name not in names:
                    names.append(name)
        return [induced[n] for n in names]

    def base_of(self, type_name: str) -> str:
        typ = self.sv.induced_type(type_name)
        return typ.base or self.base_of(typ.typeof)

    def element(self, slot: SlotDefinition, owner: str) -> tuple[str, str, str | None]:
        """(arrow expression, kind, target) of one value of ``slot``."""
        rng = slot.range
        if slot.array is not None:
            self.tensor_struct()
            return "TENSOR", "tensor", None
        if rng in self.sv.all_enums():
            return "pa.dictionary(pa.int32(), pa.string())", "enum", rng
        if rng in self.sv.all_classes():
            if self.is_any(rng):
                return JSON, "json", None
            kinds = self.concrete_kinds(rng)
            if len(kinds) > 1 or self.sv.get_class(rng).abstract:
                self.wide_struct(rng, kinds)
                return rng, "kinds", rng
            self.struct(rng)
            return rng, "class", rng
        if rng == "datetime":
            return TIMESTAMP, "datetime", None
        base = self.base_of(rng)
        if base not in BASES:
            raise ValueError(f"{owner}.{slot.name}: no Arrow type for range {rng} (base {base})")
        return BASES[base], "value", None

    def fields_of(self, slot: SlotDefinition, owner: str) -> list[Field]:
        arrow, kind, target = self.element(slot, owner)
        multi = bool(slot.multivalued) and slot.array is None
        if multi:
            arrow = f"pa.list_({arrow})"
        description = " ".join((slot.description or "").split())
        fields = [Field(slot.name, arrow, kind, target, multi, description)]
        if kind == "datetime":
            if multi:
                raise ValueError(f"{owner}.{slot.name}: a list of datetimes has no place for its offsets")
            fields.append(
                Field(
                    slot.name + OFFSET_SUFFIX,
                    OFFSET,
                    "offset",
                    slot.name,
                    False,
                    f"The time zone offset {slot.name} was written with, in seconds east of UTC "
                    "(7200 for +02:00); null for a time without one.",
                )
            )
        return fields

    # -- structs -----------------------------------------------------------------------------
    def struct(self, cls: str) -> None:
        if cls in self.structs:
            return
        self.structs[cls] = []  # a placeholder while its fields are typed
        fields = [f for slot in self.slots_of(cls) for f in self.fields_of(slot, cls)]
        del self.structs[cls]  # re-inserted after the structs it uses: dependency order
        self.structs[cls] = fields

    def tensor_struct(self) -> None:
        """``TENSOR``: the tensor class's fields, with the base64 text replaced by the raw bytes."""
        if "TENSOR" in self.structs:
            return
        fields = [f for slot in self.slots_of(TENSOR_CLASS) for f in self.fields_of(slot, TENSOR_CLASS)]
        self.structs["TENSOR"] = [
            Field(f.name, "pa.large_binary()", "value", None, False, RAW_BYTES) if f.arrow == BASES["str"] else f
            for f in fields
        ]

    def wide_struct(self, root: str, kinds: list[str]) -> None:
        if root in self.structs:
            return
        self.structs[root] = []
        designators = set()
        values: dict[str, str] = {}
        merged: dict[str, Field] = {}
        for kind in kinds:
            for slot in self.slots_of(kind):
                if slot.equals_string is not None:
                    designators.add(slot.name)
                    values[slot.equals_string] = kind
                for field in self.fields_of(slot, kind):
                    seen = merged.setdefault(field.name, field)
                    if (seen.arrow, seen.kind, seen.multivalued) != (field.arrow, field.kind, field.multivalued):
                        raise ValueError(
                            f"{root}: kinds give field {field.name!r} two Arrow types, {seen.arrow} and {field.arrow}"
                        )
        if len(designators) != 1 or len(values) != len(kinds):
            raise ValueError(f"{root}: every kind must fix one designator slot with equals_string")
        del self.structs[root]
        (designator,) = designators
        self.structs[root] = list(merged.values())
        self.kinds[root] = (designator, values)

    # -- the flat outputs table --------------------------------------------------------------
    def outputs(self) -> list[tuple[str, str, str, str, str]]:
        """(column, source, path, operation, description) for each column of the flat table.

        - the response's own single values (not lists, structs or JSON), then the single values
          of its single-struct slots, flattened as ``<slot>_<field>``; a name the output also has
          (or the response's identifier) gets the ``response_`` prefix;
        - the output's own single values and single-struct values, the same way;
        - for each list slot of the output, its length ``n_<slot>``; for a list of kinds, one
          count per kind ``n_<designator value>``; for a list of a class with one required float
          slot, its sum, minimum and mean ``<slot>_sum`` / ``_min`` / ``_mean``.
        """

        def singles(cls: str) -> list[tuple[str, str, str]]:
            found = []
            for f in self.structs[cls]:
                if f.multivalued:
                    continue
                if f.kind in ("value", "enum", "datetime"):
                    found.append((f.name, f.name, f.description))
                elif f.kind == "class":
                    for sub in self.structs[f.target]:
                        if not sub.multivalued and sub.kind in ("value", "enum", "datetime"):
                            found.append((f"{f.name}_{sub.name}", f"{f.name}.{sub.name}", sub.description))
            return found

        row = singles(ROW_CLASS)
        row_names = {name for name, _, _ in row}
        identifier = next((s.name for s in self.sv.class_induced_slots(ROOT_CLASS) if s.identifier), "id")
        columns = []
        for name, path, description in singles(ROOT_CLASS):
            if name in row_names or name == identifier:
                name = "response_" + name
            columns.append((name, "response", path, "value", f"Of the response: {description}"))
        columns += [(name, "output", path, "value", description) for name, path, description in row]
        for f in self.structs[ROW_CLASS]:
            if not f.multivalued:
                continue
            columns.append((f"n_{f.name}", "output", f.name, "count", f"How many entries {f.name} holds."))
            if f.kind == "kinds":
                designator, values = self.kinds[f.target]
                for value in values:
                    columns.append(
                        (
                            f"n_{value}",
                            "output",
                            f"{f.name}.{designator}",
                            f"count={value}",
                            f"How many {value} {f.name}.",
                        )
                    )
            elif f.kind == "class":
                floats = [
                    s for s in self.slots_of(f.target) if s.required and self.element(s, f.target)[0] == BASES["float"]
                ]
                if len(floats) == 1:
                    path = f"{f.name}.{floats[0].name}"
                    for op, what in (("sum", "Sum"), ("min", "Least"), ("mean", "Mean")):
                        columns.append((f"{f.name}_{op}", "output", path, op, f"{what} of {path}."))
        names = [c[0] for c in columns]
        if len(set(names)) != len(names):
            raise ValueError(f"outputs table: repeated column names in {names}")
        return columns

    # -- rendering ---------------------------------------------------------------------------
    def render(self) -> str:
        for cls in self.order:
            c = self.sv.get_class(cls)
            if not c.abstract and not self.is_any(cls):
                self.struct(cls)
        columns = self.outputs()
        version = self.sv.schema.version
        out = [banner("#")]
        out.append(
            '"""Arrow types for every class of schema/lmcontract.yaml (see codegen/arrow_gen.py for the rules).\n\n'
            "Needs pyarrow (``pip install 'lmcontract[arrow]'``); use it through ``lmcontract.arrow``.\n"
            '"""\n\n'
            "from __future__ import annotations\n\n"
            "import pyarrow as pa\n\n"
            f"SCHEMA_VERSION = {version!r}\n"
            f"ROOT_CLASS = {ROOT_CLASS!r}\n"
            f"ROW_CLASS = {ROW_CLASS!r}\n"
            f"OFFSET_SUFFIX = {OFFSET_SUFFIX!r}\n\n"
            "# Each enum's values, in schema order: the dictionary of its dictionary-encoded columns.\n"
            "ENUMS: dict[str, tuple[str, ...]] = {\n"
        )
        for name, enum in self.sv.all_enums().items():
            out.append(f"    {name!r}: {tuple(enum.permissible_values)!r},\n")
        out.append("}\n\n")
        out.append(
            "# Polymorphic ranges: the designator field and the class each of its values selects.\n"
            "KINDS: dict[str, tuple[str, dict[str, str]]] = {\n"
        )
        for root, (designator, values) in self.kinds.items():
            out.append(f"    {root!r}: ({designator!r}, {values!r}),\n")
        out.append("}\n\n\n")
        out.append(
            "def _field(name: str, type_: pa.DataType, description: str) -> pa.Field:\n"
            '    return pa.field(name, type_, metadata={"description": description})\n\n\n'
        )
        for name, fields in self.structs.items():
            if name == "TENSOR":
                comment = "# A tensor slot: dtype, shape and the raw bytes."
            elif name in self.kinds:
                comment = f"# {name}: one wide struct for all its kinds, told apart by {self.kinds[name][0]}."
            else:
                comment = f"# {name}."
            out.append(comment + f"\n{name} = pa.struct(\n    [\n")
            for f in fields:
                out.append(f"        _field({f.name!r}, {f.arrow}, {f.description!r}),\n")
            out.append("    ]\n)\n\n")
        out.append(
            "# How lmcontract.arrow converts each field: (name, kind, target, multivalued).\n"
            "LAYOUT: dict[str, tuple[tuple[str, str, str | None, bool], ...]] = {\n"
        )
        for name, fields in self.structs.items():
            rows = "".join(f"        ({f.name!r}, {f.kind!r}, {f.target!r}, {f.multivalued!r}),\n" for f in fields)
            out.append(f"    {name!r}: (\n{rows}    ),\n")
        out.append("}\n\n")
        out.append(
            "# The flat outputs table: (column, source, path, operation, description); source is the\n"
            "# response or the output a row is for, path a dotted path into it.\n"
            "OUTPUT_COLUMNS: tuple[tuple[str, str, str, str, str], ...] = (\n"
        )
        for column in columns:
            out.append(f"    {column!r},\n")
        out.append(")\n")
        return "".join(out)


def generate(schema: Path) -> str:
    return ArrowSchemaBuilder(schema).render()
