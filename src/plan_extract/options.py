"""What an extraction is configured with, and how a document is named: light enough
for the command line and the batch driver to import without the parsers."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Sequence


@dataclass
class Options:
    agency_files: Sequence[str] = field(default_factory=tuple)

    @cached_property
    def registry(self):
        from .normalize.agencies import AgencyRegistry
        return AgencyRegistry.load(extra_files=list(self.agency_files))


def doc_id_for(path: Path) -> str:
    return path.stem
