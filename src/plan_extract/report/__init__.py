"""``plan-extract report OUTPUT -o report.html``: one self-contained HTML page (inline
CSS and SVG, no network) with the workload per lead agency, a deadline timeline by
month and quarter, the tasks overdue on a date, each document's warnings and one task
table per document (every row has an anchor: ``#doc-<doc_id>-row-<row>``).

This module imports nothing heavy at import time, so ``cli.py`` can import
:func:`configure_parser` cheaply."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["build_report", "report_main", "configure_parser", "run_from_args", "REPORT_HELP"]

REPORT_HELP = """\
Build one self-contained HTML page from an output folder of `plan-extract extract`:
workload per lead agency, deadline timeline (by month and quarter; only deadlines that
are due dates), ongoing and recurring work, tasks overdue on a date, the warnings of
each document and a task table per document with a link to every row; and one printable
page per agency (A4 landscape) in the folder HTML-agencies/ beside it. The pages need no
network (inline CSS and SVG only). Vietnamese by default, English with --lang en.
"""


def build_report(
    output_dir, html_path=None, as_of: dt.date | str | None = None, top: int = 25, lang: str = "vi"
) -> Path:
    """Write the report of ``output_dir`` to ``html_path`` (default
    ``output_dir/report.html``) and return its path; one printable page per agency goes
    to the folder beside it, ``<name>-agencies/<agency>.html``. ``as_of`` is the day
    overdue tasks are counted on (default: today); ``top`` the number of agencies in the
    workload chart; ``lang`` ``vi`` (default) or ``en``."""
    from ..api import load
    from .page import Context, render, render_agency, write

    out = Path(output_dir)
    path = Path(html_path) if html_path is not None else out / "report.html"
    day = _parse_day(as_of) if as_of is not None else dt.date.today()
    ds = load(out)
    folder = path.with_name(f"{path.stem}-agencies")
    cx = Context(ds, day, lang)
    if folder.is_dir():
        for old in folder.glob("*.html"):
            old.unlink()
    for name, slug in cx.agency_slugs.items():
        write(folder / f"{slug}.html", render_agency(cx, name, f"../{path.name}"))
    return write(
        path, render(ds, day, top=top, source=str(out), lang=lang, agency_dir=folder.name if cx.agency_slugs else None)
    )


def _parse_day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def configure_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``report`` arguments to ``parser`` (a sub-command parser or a fresh one)."""
    parser.add_argument("output_dir", type=Path, metavar="OUTPUT", help="output folder of plan-extract extract")
    parser.add_argument(
        "-o", "--html", type=Path, metavar="HTML", default=None, help="HTML file to write (default: OUTPUT/report.html)"
    )
    parser.add_argument(
        "--as-of",
        type=_parse_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="day on which tasks are counted overdue (default: today)",
    )
    parser.add_argument(
        "--top",
        type=int,
        default=25,
        metavar="N",
        help="agencies shown in the workload chart (default: 25; all are in the table)",
    )
    parser.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help="language of the report (default: vi, Vietnamese)"
    )
    return parser


def run_from_args(args: argparse.Namespace) -> int:
    """Run the command from parsed arguments; 0 on success, 2 when the folder is not an output folder."""
    try:
        path = build_report(
            args.output_dir, args.html, as_of=args.as_of, top=args.top, lang=getattr(args, "lang", "vi")
        )
    except FileNotFoundError as exc:
        print(f"plan-extract report: {exc}", file=sys.stderr)
        return 2
    print(f"report -> {path}", file=sys.stderr)
    return 0


def report_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``plan-extract report`` (argv without the ``report`` word)."""
    parser = argparse.ArgumentParser(
        prog="plan-extract report", description=REPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    configure_parser(parser)
    return run_from_args(parser.parse_args(list(argv) if argv is not None else None))


if __name__ == "__main__":
    sys.exit(report_main())
