"""Render the JSON schemas of ``schemas/`` as tables, at build time.

``.. lttb-schema:: artifact.schema.json`` reads the schema from the
repository's ``schemas/`` folder and emits its title and description, a table
of its top-level properties (name, type, whether required, description) and
one table per entry of ``$defs`` that has properties of its own.  The page
then always says what the schema that validates the files says; nothing is
copied by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def type_of(spec: dict) -> str:
    """A short human-readable type of one schema node."""
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    if "enum" in spec:
        return " | ".join(json.dumps(v) for v in spec["enum"])
    if "const" in spec:
        return json.dumps(spec["const"])
    for key in ("oneOf", "anyOf"):
        if key in spec:
            return " or ".join(type_of(s) for s in spec[key])
    kind = spec.get("type", "any")
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if kind == "array" and isinstance(spec.get("items"), dict):
        kind = f"array of {type_of(spec['items'])}"
    return kind


def table(rows: list[list[str]], header: list[str], widths: list[int]) -> nodes.table:
    """A docutils table of plain-text cells (first column as literal)."""
    tab = nodes.table(classes=["lttb-schema"])
    group = nodes.tgroup(cols=len(header))
    tab += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for text in header:
        row += nodes.entry("", nodes.paragraph(text=text))
    head += row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for i, text in enumerate(cells):
            content = nodes.literal(text=text) if i == 0 else nodes.Text(text)
            row += nodes.entry("", nodes.paragraph("", "", content))
        body += row
    return tab


def property_rows(node: dict) -> list[list[str]]:
    required = set(node.get("required", []))
    return [[name, type_of(spec), "yes" if name in required else "", spec.get("description", "")]
            for name, spec in node.get("properties", {}).items()]


class SchemaDirective(SphinxDirective):
    """``.. lttb-schema:: NAME`` with option ``:defs:`` (list the ``$defs`` too)."""

    required_arguments = 1
    option_spec = {"no-defs": directives.flag}

    def run(self) -> list[nodes.Node]:
        path = SCHEMAS / self.arguments[0]
        # Rebuild the page when the schema changes.
        self.env.note_dependency(str(path))
        schema = json.loads(path.read_text(encoding="utf-8"))
        header = ["key", "type", "required", "description"]
        widths = [18, 18, 8, 56]
        result: list[nodes.Node] = []
        if "description" in schema:
            result.append(nodes.paragraph(text=schema["description"]))
        rows = property_rows(schema)
        if rows:
            result.append(table(rows, header, widths))
        if "no-defs" not in self.options:
            for name, node in schema.get("$defs", {}).items():
                rows = property_rows(node)
                if not rows:
                    continue
                section = nodes.rubric(text=f"$defs/{name}")
                result.append(section)
                if "description" in node:
                    result.append(nodes.paragraph(text=node["description"]))
                result.append(table(rows, header, widths))
        return result


def setup(app):
    app.add_directive("lttb-schema", SchemaDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
