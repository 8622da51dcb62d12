"""Pydantic v2 models from the schema, through LinkML's own PydanticGenerator.

LinkML 1.12's generator gets four things wrong for this contract; each is corrected here, at
generation time, so the committed module is never touched by hand:

- a polymorphic slot (``parts``) comes out as the abstract base class, which loses every kind;
  it becomes a pydantic discriminated union on ``type``, so one bad part gives one error;
- array slots (``logits``, ``last_hidden_state``) come out as nested lists, which turns a tensor
  into Python floats; they become ``tensor(dims)``, which keeps a ``torch.Tensor`` as given;
- a type's ``minimum_value`` is not carried onto slots of that type, and bounds on a list slot
  land on the list rather than on its elements; both are put where they belong here;
- a ``pattern`` becomes pydantic-core's own pattern constraint instead of a Python validator;
- the module template imports a fixed set of names; the ones the module does not use are dropped;
- strict mode (chosen in ``lmcontract.lib.base``) would refuse enum values given as strings and
  ISO timestamps given as strings from Python, and 1.0 for an integer, which JSON Schema takes;
  those fields accept exactly what the JSON Schema accepts;
- hand-written behaviour classes from ``lmcontract.lib`` are put into the bases of the generated
  classes, so that nested instances (``response.outputs[0].parts[0]``) carry the behaviour too,
  which subclassing the generated classes cannot do;
- for import time: a subclass does not re-declare inherited fields it leaves unchanged, pydantic's
  RootModel is imported only when a class needs it, and the module does not build every class
  at its end (``model_rebuild()``): classes are built on first use (``defer_build``).
"""

from __future__ import annotations

import ast
from pathlib import Path

from linkml.generators.pydanticgen import PydanticGenerator
from linkml.generators.pydanticgen.template import Import, Imports, ObjectImport
from linkml_runtime.linkml_model.meta import SlotDefinition

from codegen.common import LINKML_VERSION, banner

TEMPLATES = Path(__file__).parent / "templates"

# Which hand-written behaviour class goes first in the bases of which generated class. A class
# gets one only when it has rules or methods to carry; adding one here is the whole seam.
BEHAVIOURS: dict[str, str] = {
    "LMResponse": "ResponseBehaviour",
    "LMOutput": "OutputBehaviour",
    "LMMessage": "MessageBehaviour",
    "MediaPart": "MediaBehaviour",
    "EncodedTensor": "EncodedTensorBehaviour",
    "Citation": "CitationBehaviour",
}
BEHAVIOUR_MODULE = "lmcontract.lib.behaviour"
TENSOR_MODULE = "lmcontract.lib.tensors"
PART_ROOT = "LMPart"
# Schema types with a hand-written pydantic type of the same name in lmcontract.lib.base.
LIB_TYPES = ("LogProbability",)
PART_UNION = "AnyLMPart"


def dtype_bytes(sv) -> dict[str, int]:
    """Bytes per element of each TensorDtype value, from its ``bytes`` annotation."""
    enum = sv.get_enum("TensorDtype")
    if enum is None:  # a schema without tensors
        return {}
    return {name: int(pv.annotations["bytes"].value) for name, pv in enum.permissible_values.items()}


def truncating_finish_reasons(sv) -> tuple[str, ...]:
    """The FinishReason values annotated ``truncates: true``, in schema order."""
    enum = sv.get_enum("FinishReason")
    if enum is None:  # a schema without finish reasons
        return ()
    return tuple(
        name
        for name, pv in enum.permissible_values.items()
        if "truncates" in pv.annotations and str(pv.annotations["truncates"].value).lower() == "true"
    )


def tensor_dtypes(sv, slot) -> tuple[str, ...]:
    """The dtypes a tensor slot admits (its ``dtypes`` annotation), each a TensorDtype value."""
    declared = tuple(str(slot.annotations["dtypes"].value).split()) if "dtypes" in slot.annotations else ()
    known = dtype_bytes(sv)
    if not declared or not set(declared) <= set(known):
        raise ValueError(f"tensor slot {slot.name}: annotation dtypes must list TensorDtype values, got {declared}")
    return declared


def _take_bounds(attr) -> str:
    """The attribute's bounds as ``ge=.., le=..`` arguments, removed from the attribute itself."""
    bounds = [f"ge={attr.minimum_value}"] if attr.minimum_value is not None else []
    bounds += [f"le={attr.maximum_value}"] if attr.maximum_value is not None else []
    attr.minimum_value = attr.maximum_value = None
    return ", ".join(bounds)


class ContractPydanticGenerator(PydanticGenerator):
    """PydanticGenerator with the corrections listed in the module docstring."""

    def __init__(self, schema: str, **kwargs):
        super().__init__(
            schema,
            template_dir=str(TEMPLATES),
            metadata_mode=None,
            black=False,
            **kwargs,
        )

    # -- helpers -------------------------------------------------------------------------
    def concrete_parts(self) -> list[str]:
        sv = self.schemaview
        names = [
            n
            for n in sv.class_descendants(PART_ROOT, reflexive=False)
            if not sv.get_class(n).abstract
        ]
        order = list(sv.all_classes())  # schema order, so output is stable
        return sorted(names, key=order.index)

    def _type_bounds(self, slot: SlotDefinition) -> None:
        sv = self.schemaview
        rng = slot.range and sv.get_type(slot.range)
        while rng is not None:
            if slot.minimum_value is None and rng.minimum_value is not None:
                slot.minimum_value = rng.minimum_value
            if slot.maximum_value is None and rng.maximum_value is not None:
                slot.maximum_value = rng.maximum_value
            rng = sv.get_type(rng.typeof) if rng.typeof else None

    def _is_integer(self, name: str | None) -> bool:
        sv = self.schemaview
        typ = name and sv.get_type(name)
        while typ is not None and typ.typeof:
            name, typ = typ.typeof, sv.get_type(typ.typeof)
        return name == "integer"

    # -- lifecycle overrides -------------------------------------------------------------
    def generate_slot(self, slot, cls):
        self._type_bounds(slot)
        array = slot.array
        result = super().generate_slot(slot, cls)
        attr = result.attribute
        optional = not (slot.required or slot.identifier or slot.key)
        item = None
        if slot.range == PART_ROOT:
            item = PART_UNION
        elif array is not None:
            # The whole annotation, not wrapped in Optional, so that what it says of the field
            # (left out of JSON unless asked for) applies.
            dims = ", ".join(repr(d.alias) for d in array.dimensions)
            dtypes = tensor_dtypes(self.schemaview, slot)
            attr.range = f"tensor({dims}, dtypes={dtypes!r}, optional={optional})"
            return result
        elif slot.range in LIB_TYPES:
            _take_bounds(attr)  # the lib type carries its own bounds
            item = slot.range
        elif slot.range == "Any":
            item = "JsonValue"
        elif slot.range in self.schemaview.all_enums():
            # Strict mode would demand Enum members from Python callers; the string values
            # are what JSON carries and what the JSON Schema accepts, so accept them too.
            item = f"Annotated[{slot.range}, Strict(False)]"
        elif attr.pattern is not None:
            # LinkML's pattern validator is Python code that re-compiles the regex per call and
            # quotes the whole value in its error; pydantic-core's own pattern does neither.
            # repr() already writes a valid literal for the pattern; an r prefix on it would double
            # every backslash (^\\d+$ would then match a literal backslash).
            item = f"Annotated[str, Field(pattern={attr.pattern!r})]"
            attr.pattern = None
        elif slot.range == "JsonObject":
            item = "JsonObjectValue"
        elif slot.range == "datetime":
            item = "IsoDateTime"
        elif self._is_integer(slot.range):
            item = f"Annotated[int, JsonInt({_take_bounds(attr)})]"
        elif slot.multivalued and (attr.minimum_value is not None or attr.maximum_value is not None):
            # Bounds on a list slot are bounds on each element, not on the list.
            inner = attr.range
            if inner.startswith("Optional["):
                inner = inner[len("Optional[") : -1]
            inner = inner[len("list[") : -1]
            item = f"Annotated[{inner}, Field({_take_bounds(attr)})]"
        if item is not None:
            if slot.multivalued and array is None:
                item = f"list[{item}]"
            attr.range = f"Optional[{item}]" if optional else item
        return result

    def after_generate_class(self, result, sv):
        self._drop_unchanged_inherited(result.cls)
        behaviour = BEHAVIOURS.get(result.cls.name)
        if behaviour:
            bases = result.cls.bases
            bases = [bases] if isinstance(bases, str) else list(bases)
            result.cls.bases = [behaviour, *bases]
        return result

    def before_render_template(self, module, sv):
        self._drop_unused_root_model(module)
        parts = ", ".join(f'"{p}"' for p in self.concrete_parts())
        module.injected_classes = [
            "# Every kind of part, told apart by its `type` field.\n"
            f'{PART_UNION} = Annotated[Union[{parts}], Field(discriminator="type")]',
            "# Bytes per element of each TensorDtype (its `bytes` annotation).\n"
            f"TENSOR_DTYPE_BYTES = {dtype_bytes(self.schemaview)!r}",
            "# The finish reasons that truncate an output (annotation `truncates`).\n"
            f"TRUNCATING_FINISH_REASONS = {truncating_finish_reasons(self.schemaview)!r}",
        ]
        module.python_imports += Imports(
            imports=[
                Import(module="typing", objects=[ObjectImport(name="Annotated")]),
                Import(module="lmcontract.lib.base", objects=[ObjectImport(name="ContractModel")]),
                Import(
                    module=BEHAVIOUR_MODULE,
                    objects=[ObjectImport(name=b) for b in sorted(set(BEHAVIOURS.values()))],
                ),
                Import(module=TENSOR_MODULE, objects=[ObjectImport(name="tensor")]),
                Import(module="lmcontract.lib.base", objects=[ObjectImport(name="IsoDateTime")]),
                Import(module="lmcontract.lib.base", objects=[ObjectImport(name="JsonInt")]),
                Import(
                    module="lmcontract.lib.base",
                    objects=[ObjectImport(name=n) for n in ("JsonObjectValue", "JsonValue", *LIB_TYPES)],
                ),
                Import(module="pydantic", objects=[ObjectImport(name="Strict")]),
            ]
        )
        return module

    def _drop_unchanged_inherited(self, cls) -> None:
        # LinkML re-declares every inherited field in each subclass. A field the subclass does
        # not change is inherited as it is (pydantic keeps its place), and re-declaring it only
        # costs import time: each declaration is evaluated and checked again.
        done = self.__dict__.setdefault("_attributes_by_class", {})
        bases = [cls.bases] if isinstance(cls.bases, str) else list(cls.bases)
        inherited = {}
        for base in bases:
            inherited.update(done.get(base, {}))
        attributes = dict(cls.attributes or {})
        done[cls.name] = {**inherited, **attributes}
        cls.attributes = {name: a for name, a in attributes.items() if inherited.get(name) != a}

    @staticmethod
    def _drop_unused_root_model(module) -> None:
        # LinkML always imports pydantic's RootModel; importing it builds that class, which loads
        # every installed package's metadata (pydantic's plugin scan), a large part of the
        # models' import time. Import it only when a generated class is a RootModel.
        bases = [c.bases for c in module.classes.values()]
        if any("RootModel" in (b if isinstance(b, str) else " ".join(b)) for b in bases):
            return
        for imp in module.python_imports.imports:
            if getattr(imp, "module", None) == "pydantic":
                imp.objects = [o for o in imp.objects if o.name != "RootModel"]

    def after_render_template(self, template: str, sv) -> str:
        return banner("#") + drop_unused_imports(template)


def drop_unused_imports(source: str) -> str:
    """The module without the imports it never uses (LinkML's template imports a fixed set)."""
    tree = ast.parse(source)
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    lines = source.splitlines(keepends=True)
    for node in reversed(tree.body):
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or getattr(node, "module", None) == "__future__":
            continue
        keep = [a for a in node.names if (a.asname or a.name).split(".")[0] in used]
        if len(keep) == len(node.names):
            continue
        if not keep:
            text = ""
        elif isinstance(node, ast.Import):
            text = "".join(f"import {a.name}\n" for a in keep)
        elif len(keep) == 1:
            text = f"from {node.module} import {keep[0].name}\n"
        else:
            text = f"from {node.module} import (\n" + ",\n".join(f"    {a.name}" for a in keep) + "\n)\n"
        lines[node.lineno - 1 : node.end_lineno] = [text]
    return "".join(lines)


def generate(schema: Path) -> str:
    return ContractPydanticGenerator(str(schema)).serialize()


__all__ = ["LINKML_VERSION", "generate"]
