"""Labels of everything meant for office staff (the HTML report, the workbook, the
calendar and the export command's messages), read from one message catalogue:
``data/messages.json``, with a ``vi`` (default) and an ``en`` table holding the same
keys. Parquet column names are the data contract and are never translated.

>>> m = messages("vi")
>>> m("sheet.tasks")
'Nhiệm vụ'
>>> m.date(datetime.date(2024, 7, 31))
'31/07/2024'
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    data = json.loads(resources.files("plan_extract.data").joinpath("messages.json").read_text("utf-8"))
    return {lang: data[lang] for lang in LANGS}


class Messages:
    """The labels of one language: ``m(key, **values)`` formats a label."""

    def __init__(self, lang: str = DEFAULT_LANG):
        if lang not in LANGS:
            raise ValueError(f"language must be one of {', '.join(LANGS)}, not {lang!r}")
        self.lang = lang
        self.table = catalogue()[lang]

    def __call__(self, key: str, **values: Any) -> str:
        try:
            text = self.table[key]
        except KeyError:
            raise KeyError(f"no label {key!r} in data/messages.json ({self.lang})") from None
        return text.format(**values) if values else text

    def get(self, key: str, default: str = "") -> str:
        return self.table.get(key, default)

    def date(self, value, precision: str = "day") -> str:
        """A date as office staff write it (``31/07/2024`` in vi, ``2024-07-31`` in en);
        ``precision`` ``month`` or ``year`` prints only what is known. Empty for null."""
        import pandas as pd

        if value is None:
            return ""
        try:
            if pd.isna(value):
                return ""
            value = pd.Timestamp(value).date()  # dates, datetimes, Timestamps, ISO strings
        except (TypeError, ValueError):
            return str(value)
        if precision == "year":
            return str(value.year)
        if precision == "month":
            return value.strftime(self.table["month_format"])
        return value.strftime(self.table["date_format"])

    def kind(self, kind) -> str:
        return self.table.get(f"kind.{kind}", str(kind)) if kind else ""

    def recurrence(self, rec) -> str:
        return self.table.get(f"recurrence.{rec}", str(rec)) if rec else ""

    def role(self, role) -> str:
        return self.table.get(f"role.{role}", str(role)) if role else ""


def messages(lang: str = DEFAULT_LANG) -> Messages:
    return Messages(lang)
