"""Parsers: read the intermediate representation and produce the parts of the
extracted document (header, sections, footnotes, references, task table)."""
