"""The schema reference pages of the docs site: one page per class, slot, enum and type, plus an
overview with a diagram of the whole contract, rendered from the schema through LinkML's
SchemaView and the jinja2 templates in ``codegen/templates/docs/``.

LinkML 1.12's own DocGenerator was measured on this schema and not used as is:

- ranges of built-in types (string, float, ...) link out to XSD URLs, and its mermaid ``click``
  links for them are broken (``../http://www.w3.org/...``);
- the slot tables cut every description at its first full stop or 80 characters;
- a tensor slot (``logits``) shows as ``xsd:float 0..1``: its array dimensions are lost;
- its top-level mermaid class diagram renders as the text ``None``;
- a slot named ``index`` overwrites the home page unless types are put in subfolders.

The pages keep its layout (a subfolder per kind of element, a mermaid class diagram on each
class page) and add what it misses. Output is deterministic: schema order, no timestamps.

The site is built with ``use_directory_urls: false`` (material's offline plugin sets it, so
that the site also works from ``file://``); the mermaid ``click`` links, which mkdocs does not
rewrite, therefore point at ``.html`` pages.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from linkml_runtime.linkml_model.meta import SlotDefinition
from linkml_runtime.utils.schemaview import SchemaView

from codegen.common import banner
from codegen.tables_gen import MERGE, POLICY_ENUM, finish_reason_tables, merge_policies

TEMPLATES = Path(__file__).parent / "templates" / "docs"
OUT = "generated/docs"  # the site's docs_dir gets this folder's content beside docs/ (mkdocs hook)
REF = "reference"  # every generated page lives under this folder of the site
FOLDERS = {"class": "classes", "slot": "slots", "enum": "enums", "type": "types"}

# Built-in LinkML types, as the contract carries them: in JSON (what the JSON Schema says) and
# in Python (what the generated models hold). A built-in type used by the schema but missing
# here stops generation, so a new one cannot slip into the docs undescribed.
BUILTIN_TYPES: dict[str, tuple[str, str]] = {
    "string": ("string", "str"),
    "integer": ("integer", "int"),
    "float": ("number", "float"),
    "double": ("number", "float"),
    "boolean": ("boolean", "bool"),
    "datetime": ("string, format date-time (RFC 3339, with a time zone)", "datetime.datetime"),
    "date": ("string, format date", "datetime.date"),
    "uri": ("string, format uri", "str"),
}

# Classes whose range means "any JSON value" (``class_uri: linkml:Any``), with the Python type
# the generated models give such a field: drawn as attributes, never as boxes in diagrams.
OPAQUE_CLASSES = {"Any": "typing.Any", "JsonObject": "dict[str, Any]"}


def _cell(text: str | None) -> str:
    """Text that is safe inside one markdown table cell."""
    return " ".join((text or "").split()).replace("|", "\\|")


def cardinality(slot: SlotDefinition) -> str:
    low = "1" if slot.required else "0"
    high = "*" if slot.multivalued else "1"
    return low if low == high else f"{low}..{high}"


@dataclass
class Element:
    kind: str  # class, slot, enum, type
    name: str

    @property
    def path(self) -> str:
        """Path of the page in the site's docs tree."""
        return f"{REF}/{FOLDERS[self.kind]}/{self.name}.md"


@dataclass
class Page:
    path: str
    template: str
    context: dict[str, Any]


class Reference:
    """What the templates are given: the schema, walked once, with links between its pages."""

    def __init__(self, schema: Path):
        self.sv = SchemaView(str(schema))
        self.raw = yaml.safe_load(schema.read_text())
        sv = self.sv
        self.classes = list(sv.all_classes())
        self.enums = list(sv.all_enums())
        self.slots = list(sv.all_slots())
        self.induced = {c: sv.class_induced_slots(c) for c in self.classes}
        used_types = {s.range for slots in self.induced.values() for s in slots} | {
            t.typeof for t in sv.all_types().values() if t.from_schema == sv.schema.id and t.typeof
        }
        own = [t for t, d in sv.all_types().items() if d.from_schema == sv.schema.id]
        builtin = [t for t in sv.all_types() if t in used_types and t not in own]
        missing = sorted(set(builtin) - set(BUILTIN_TYPES))
        if missing:
            raise ValueError(f"codegen/docs_gen.py BUILTIN_TYPES does not describe the built-in types {missing}")
        self.types = own + builtin
        self.elements: dict[str, Element] = {}
        for kind, names in (("type", self.types), ("enum", self.enums), ("class", self.classes)):
            for name in names:
                self.elements[name] = Element(kind, name)
        self.slot_elements = {name: Element("slot", name) for name in self.slots}
        # usages[range name] = [(class, induced slot)] for every slot of every class with that range
        self.policies = merge_policies(sv)
        self.usages: dict[str, list[tuple[str, SlotDefinition]]] = {}
        for cls, slots in self.induced.items():
            for slot in slots:
                self.usages.setdefault(slot.range, []).append((cls, slot))

    # -- links -------------------------------------------------------------------------------
    def href(self, target: str, page: str, html: bool = False) -> str:
        """Relative link from one page (docs path) to another; ``.html`` for mermaid links."""
        rel = posixpath.relpath(target, posixpath.dirname(page))
        return rel[: -len(".md")] + ".html" if html else rel

    def link(self, name: str, page: str, slot: bool = False) -> str:
        element = self.slot_elements[name] if slot else self.elements[name]
        return f"[{name}]({self.href(element.path, page)})"

    def range_text(self, slot: SlotDefinition, page: str) -> str:
        """The range of a slot as markdown: linked, with dimensions for arrays and kinds for parts."""
        text = self.link(slot.range, page)
        if slot.array is not None:
            dims = ", ".join(d.alias for d in slot.array.dimensions)
            text = f"tensor ({dims}) of {text}"
        rng = self.sv.get_class(slot.range)
        if rng is not None and rng.abstract:
            text += " (one of its kinds, chosen by `type`)"
        return text

    def constraints(self, slot: SlotDefinition) -> list[str]:
        out = []
        if slot.equals_string is not None:
            out.append(f"always `{slot.equals_string}`")
        if slot.ifabsent is not None:
            default = slot.ifabsent.removeprefix("string(").removesuffix(")")
            out.append(f"default `{default}`")
        low, high = self.bounds(slot)
        if low is not None:
            out.append(f"each ≥ {low}" if slot.multivalued else f"≥ {low}")
        if high is not None:
            out.append(f"each ≤ {high}" if slot.multivalued else f"≤ {high}")
        if slot.array is not None:
            out.append(f"rank {len(slot.array.dimensions)}")
        return out

    def bounds(self, slot: SlotDefinition) -> tuple[Any, Any]:
        """Minimum and maximum of a slot, including those of its range's type chain."""
        low, high = slot.minimum_value, slot.maximum_value
        rng = self.sv.get_type(slot.range)
        while rng is not None:
            low = rng.minimum_value if low is None else low
            high = rng.maximum_value if high is None else high
            rng = self.sv.get_type(rng.typeof) if rng.typeof else None
        return low, high

    def slot_row(self, slot: SlotDefinition, page: str) -> dict[str, str]:
        return {
            "name": self.link(slot.name, page, slot=True),
            "cardinality": cardinality(slot),
            "range": self.range_text(slot, page),
            "constraints": _cell(", ".join(self.constraints(slot))),
            "description": _cell(slot.description),
        }

    def source(self, section: str, name: str) -> str:
        """The element's own YAML from the schema file (what it states, not the induced form)."""
        return yaml.safe_dump({name: self.raw[section][name]}, sort_keys=False, allow_unicode=True, width=100).rstrip()

    # -- diagrams ----------------------------------------------------------------------------
    def is_box(self, name: str) -> bool:
        element = self.elements.get(name)
        return element is not None and element.kind in ("class", "enum") and name not in OPAQUE_CLASSES

    def diagram(self, page: str, focus: list[str], members: bool, enum_values: bool, direction: str = "TB") -> str:
        """A mermaid classDiagram of ``focus`` and the boxes their slots point to, with links.

        Members are written ``+name : Range [card]``: mermaid reads a trailing ``*`` as "abstract"
        and parentheses as a method, so neither may end or appear in a member line.
        """
        sv = self.sv
        lines = ["classDiagram", f"    direction {direction}"]
        shown: list[str] = []

        def show(name: str) -> None:
            if name not in shown:
                shown.append(name)

        edges: list[str] = []
        for cls in focus:
            show(cls)
            for slot in self.induced[cls]:
                if self.is_box(slot.range):
                    show(slot.range)
                    edges.append(f'{cls} --> "{cardinality(slot)}" {slot.range} : {slot.name}')
        for cls in list(shown):
            definition = sv.get_class(cls)
            if definition is None:
                continue
            if definition.is_a and (definition.is_a in shown or cls in focus):
                show(definition.is_a)
                edges.append(f"{definition.is_a} <|-- {cls}")
            if cls in focus:
                for child in sv.class_children(cls):
                    if child not in shown:
                        show(child)
                        edges.append(f"{cls} <|-- {child}")
        for name in shown:
            element = self.elements[name]
            body = []
            if element.kind == "class":
                definition = sv.get_class(name)
                if definition.abstract:
                    body.append("<<abstract>>")
                if members and name in focus:
                    for slot in self.induced[name]:
                        if not self.is_box(slot.range):
                            dims = f"[{', '.join(d.alias for d in slot.array.dimensions)}]" if slot.array else ""
                            body.append(f"+{slot.name} : {slot.range}{dims} [{cardinality(slot)}]")
            else:
                body.append("<<enumeration>>")
                if enum_values:
                    body.extend(sv.get_enum(name).permissible_values)
            if body:
                lines.append(f"    class {name} {{")
                lines.extend(f"        {b}" for b in body)
                lines.append("    }")
            else:
                lines.append(f"    class {name}")
        lines.extend(f"    {e}" for e in edges)
        for name in shown:
            target = self.href(self.elements[name].path, page, html=True)
            if target != posixpath.basename(page)[: -len(".md")] + ".html":  # no link to the page itself
                lines.append(f'    click {name} href "{target}" "{name}"')
        return "\n".join(lines)

    def reachable(self, root: str) -> list[str]:
        """Classes and enums reachable from ``root`` through slots and subclasses, schema order."""
        seen = {root}
        todo = [root]
        while todo:
            name = todo.pop()
            if self.elements[name].kind != "class":
                continue
            nxt = [s.range for s in self.induced[name] if self.is_box(s.range)]
            nxt += self.sv.class_children(name)
            for n in nxt:
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        order = self.classes + self.enums
        return sorted(seen, key=order.index)

    # -- pages -------------------------------------------------------------------------------
    def pages(self) -> list[Page]:
        pages = [self.overview()]
        pages += [self.class_page(c) for c in self.classes]
        pages += [self.slot_page(s) for s in self.slots]
        pages += [self.enum_page(e) for e in self.enums]
        pages += [self.type_page(t) for t in self.types]
        return pages

    def summary(self, names: list[str], page: str, slot: bool = False) -> list[dict[str, str]]:
        rows = []
        for name in names:
            element = self.sv.get_element(name)
            rows.append({"link": self.link(name, page, slot=slot), "description": _cell(element.description)})
        return rows

    def overview(self) -> Page:
        """The whole contract in one diagram, then one diagram per other document class."""
        sv = self.sv
        path = f"{REF}/index.md"
        root = next(c for c, d in sv.all_classes().items() if d.tree_root)
        # Every class no slot points to starts a document of its own (a request, a tensor encoding).
        roots = [root] + [c for c in self.classes if c != root and not self.usages.get(c) and self.is_box(c)]
        listed: list[str] = []
        sections = []
        for start in roots:
            if start in listed:
                continue  # a part kind: reached from the root through its base class
            names = [n for n in self.reachable(start) if n not in listed]
            classes = [n for n in names if self.elements[n].kind == "class"]
            listed += classes
            sections.append(
                {
                    "root": start,
                    "link": self.link(start, path),
                    "description": _cell(sv.get_class(start).description),
                    "diagram": self.diagram(path, classes, members=False, enum_values=True, direction="LR"),
                    "classes": self.summary(classes, path),
                }
            )
        others = [c for c in self.classes if c not in listed]
        return Page(
            path,
            "overview.md.jinja",
            {
                "schema": sv.schema,
                "contract": sections[0],
                "documents": sections[1:],
                "others": self.summary(others, path),
                "enums": self.summary(self.enums, path),
                "types": self.summary(self.types, path),
                "slots": self.summary(self.slots, path, slot=True),
            },
        )

    def class_page(self, name: str) -> Page:
        sv = self.sv
        cls = sv.get_class(name)
        path = self.elements[name].path
        kinds = []
        for child in sv.class_descendants(name, reflexive=False):
            child_def = sv.get_class(child)
            type_slot = next((s for s in self.induced[child] if s.name == "type"), None)
            if not child_def.abstract and type_slot is not None and type_slot.equals_string:
                kinds.append({"type": type_slot.equals_string, "link": self.link(child, path)})
        any_of = []
        for expr in cls.any_of or []:
            any_of.append(" and ".join(f"`{s}`" for s in expr.slot_conditions))
        for ancestor in sv.class_ancestors(name, reflexive=False):
            for expr in sv.get_class(ancestor).any_of or []:
                any_of.append(" and ".join(f"`{s}`" for s in expr.slot_conditions))
        used_by = [
            {"cls": self.link(c, path), "slot": self.link(s.name, path, slot=True), "card": cardinality(s)}
            for c, s in self.usages.get(name, [])
        ]
        parents = [self.link(a, path) for a in reversed(sv.class_ancestors(name, reflexive=False))]
        opaque = OPAQUE_CLASSES.get(name)
        return Page(
            path,
            "class.md.jinja",
            {
                "cls": cls,
                "description": cls.description,
                "uri": sv.get_uri(cls, expand=True),
                "parents": parents,
                "children": [self.link(c, path) for c in sv.class_children(name)],
                "diagram": None if opaque else self.diagram(path, [name], members=True, enum_values=False),
                "slots": [self.slot_row(s, path) for s in self.induced[name]],
                "kinds": kinds,
                "any_of": any_of,
                "used_by": used_by,
                "opaque": opaque,
                "source": self.source("classes", name),
            },
        )

    def slot_page(self, name: str) -> Page:
        sv = self.sv
        slot = sv.induced_slot(name)
        path = self.slot_elements[name].path
        uses = []
        for cls in self.classes:
            for s in self.induced[cls]:
                if s.name == name:
                    differs = " ".join((s.description or "").split()) != " ".join((slot.description or "").split())
                    uses.append(
                        {
                            "cls": self.link(cls, path),
                            "cardinality": cardinality(s),
                            "range": self.range_text(s, path),
                            "constraints": _cell(", ".join(self.constraints(s))),
                            "description": _cell(s.description) if differs else "",
                            "merge": self.policies[cls][name],
                        }
                    )
        dimensions = []
        if slot.array is not None:
            dimensions = [{"alias": d.alias, "description": d.description} for d in slot.array.dimensions]
        return Page(
            path,
            "slot.md.jinja",
            {
                "slot": slot,
                "uri": sv.get_uri(slot, expand=True),
                "range": self.range_text(slot, path),
                "cardinality": cardinality(slot),
                "constraints": self.constraints(slot),
                "dimensions": dimensions,
                "uses": uses,
                "merge": self.merge_policy(slot.annotations[MERGE].value, path),
                "source": self.source("slots", name),
            },
        )

    def merge_policy(self, policy: str, page: str) -> dict[str, str]:
        """A merge policy as the docs show it: its name, linked to the policy enum, and what it means."""
        value = self.sv.get_enum(POLICY_ENUM).permissible_values[policy]
        return {"name": policy, "link": self.link(POLICY_ENUM, page), "description": _cell(value.description)}

    def provider_table(self, name: str) -> dict[str, Any] | None:
        """For FinishReason: per unified value, the provider values that map to it."""
        enum = self.sv.get_enum(name)
        if "providers" not in (enum.annotations or {}):
            return None
        tables = finish_reason_tables(self.sv)
        labels = tables["PROVIDER_LABELS"]
        rows = []
        for unified in enum.permissible_values:
            cells = []
            for provider in labels:
                found = [f"`{raw}`" for raw, u in tables["PROVIDER_FINISH_REASONS"][provider].items() if u == unified]
                found += [
                    f"`{raw}` with a tool call in the output"
                    for raw, u in tables["WITH_TOOL_CALL"].get(provider, {}).items()
                    if u == unified
                ]
                if unified == "other":
                    found.append("any other value")
                cells.append(", ".join(found) or "—")
            rows.append({"value": unified, "cells": cells, "truncates": unified in tables["TRUNCATING"]})
        return {"labels": list(labels.values()), "rows": rows}

    def enum_page(self, name: str) -> Page:
        enum = self.sv.get_enum(name)
        path = self.elements[name].path
        values = [
            {"text": v.text, "description": _cell(v.description), "meaning": v.meaning or ""}
            for v in enum.permissible_values.values()
        ]
        used_by = [
            {"cls": self.link(c, path), "slot": self.link(s.name, path, slot=True), "card": cardinality(s)}
            for c, s in self.usages.get(name, [])
        ]
        return Page(
            path,
            "enum.md.jinja",
            {
                "enum": enum,
                "uri": self.sv.get_uri(enum, expand=True),
                "values": values,
                "providers": self.provider_table(name),
                "used_by": used_by,
                "source": self.source("enums", name),
            },
        )

    def type_page(self, name: str) -> Page:
        sv = self.sv
        typ = sv.induced_type(name)
        path = self.elements[name].path
        own = typ.from_schema == sv.schema.id
        base = name
        while base not in BUILTIN_TYPES:
            base = sv.get_type(base).typeof
        json_type, python_type = BUILTIN_TYPES[base]
        bounds = []
        if typ.minimum_value is not None:
            bounds.append(f"≥ {typ.minimum_value}")
        if typ.maximum_value is not None:
            bounds.append(f"≤ {typ.maximum_value}")
        used_by = [
            {"cls": self.link(c, path), "slot": self.link(s.name, path, slot=True), "card": cardinality(s)}
            for c, s in self.usages.get(name, [])
        ]
        return Page(
            path,
            "type.md.jinja",
            {
                "typ": typ,
                "own": own,
                "typeof": self.link(typ.typeof, path) if typ.typeof else "",
                "uri": typ.uri,
                "json_type": json_type,
                "python_type": python_type,
                "bounds": bounds,
                "used_by": used_by,
                "source": self.source("types", name) if own else "",
            },
        )


def generate(schema: Path) -> dict[str, str]:
    """Every reference page, by path relative to the repository root."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    head = "<!--\n" + banner("").replace("\n ", "\n").lstrip() + "-->\n\n"
    ref = Reference(schema)
    files = {}
    for page in ref.pages():
        text = env.get_template(page.template).render(**page.context)
        files[f"{OUT}/{page.path}"] = head + text.strip() + "\n"
    return files
