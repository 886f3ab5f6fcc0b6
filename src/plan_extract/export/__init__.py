"""``plan-extract export OUTPUT --xlsx FILE --ics DIR``: the office formats of an output
folder. ``--xlsx`` writes one Excel workbook (documents, all tasks, a sheet per lead
agency, warnings); ``--ics`` writes a calendar of due dates per lead agency. Labels are
Vietnamese unless ``--lang en``.

Imports nothing heavy at import time, so ``cli.py`` can import :func:`configure_parser`
cheaply."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["EXPORT_HELP", "configure_parser", "export_main", "run_from_args"]

EXPORT_HELP = """\
Export an output folder of `plan-extract extract` for office use.

  --xlsx FILE   one Excel workbook: Văn bản (documents), Nhiệm vụ (every task row, the
                hierarchy as outline levels, the due date as a date beside the printed
                deadline, lead and supporting agencies, a link to the source file),
                Cơ quan (lead agencies and their sheets), one sheet per lead agency,
                Cảnh báo (warnings)
  --ics DIR     one iCalendar file per lead agency (DIR/<agency>.ics): an all-day event
                per task on its due date, recurring deadlines as recurrence rules; tasks
                without a due date (Thường xuyên, Khi có phát sinh …) are left out and
                counted

Labels are Vietnamese (--lang vi, the default) or English (--lang en). Exit code 0;
1 when the folder holds no tasks; 2 for a folder that is not an output folder or an
unknown --agency.
"""


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("output_dir", type=Path, metavar="OUTPUT", help="output folder of plan-extract extract")
    parser.add_argument("--xlsx", type=Path, metavar="FILE", help="Excel workbook to write")
    parser.add_argument("--ics", type=Path, metavar="DIR", help="folder for one .ics calendar per lead agency")
    parser.add_argument("--agency", metavar="NAME", help="with --ics: only this lead agency (canonical name)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the labels (default vi)")
    return parser


def run_from_args(args: argparse.Namespace) -> int:
    from ..api import load
    from ..i18n import Messages
    from .ics import UnknownAgency, write_calendars
    from .xlsx import NoTasks, write_workbook

    m = Messages(args.lang)

    def say(line: str) -> None:
        print(line, file=sys.stderr)

    if args.xlsx is None and args.ics is None:
        say(f"plan-extract export: {m('export.nothing_asked')}")
        return 2
    try:
        ds = load(args.output_dir)
    except FileNotFoundError as exc:
        say(f"plan-extract export: {exc}")
        return 2
    try:
        if args.xlsx is not None:
            res = write_workbook(ds, args.xlsx, lang=args.lang, log=say)
            say(
                m(
                    "export.xlsx_done",
                    tasks=res["tasks"],
                    agencies=len(res["agencies"]),
                    warnings=res["warnings"],
                    path=res["path"],
                )
            )
        if args.ics is not None:
            res = write_calendars(ds, args.ics, lang=args.lang, agency=args.agency)
            say(
                m(
                    "export.ics_done",
                    events=res["tasks"],
                    files=len(res["files"]),
                    recurring=res["recurring"],
                    path=args.ics,
                )
            )
            left = res["left_out"]
            if left:
                detail = ", ".join(f"{m.kind(k)} {n}" for k, n in left.most_common())
                say(m("export.ics_left_out", n=sum(left.values()), detail=detail))
            if res["no_lead"]:
                say(m("export.ics_no_lead", n=res["no_lead"]))
    except NoTasks as exc:
        say(f"plan-extract export: {exc}")
        return 1
    except UnknownAgency as exc:
        say(f"plan-extract export: {exc.args[0]}")
        return 2
    return 0


def export_main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="plan-extract export", description=EXPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    configure_parser(parser)
    return run_from_args(parser.parse_args(list(argv) if argv is not None else None))
