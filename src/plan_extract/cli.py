"""The ``plan-extract`` command."""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
from pathlib import Path

from . import __version__
from .options import BATCH_SIZE, MAX_PDF_PAGES, Limits

_MB = 1024 * 1024
_LIMITS = Limits()  # the defaults
_REVIEW_LABELS = {
    "no_task_table": "without task rows",
    "table_skipped": "with a data table not taken",
    "not_vietnamese": "with rows that do not read as Vietnamese",
    "repeated_rows": "with repeated rows",
}

EXTRACT_HELP = """\
Extract plan documents into typed JSON and Parquet.

INPUT is any mix of files and folders (folders are searched recursively for
.txt, .md, .docx, .pdf, .html, .htm, .xhtml, .doc, .odt and .rtf files). The output folder gets:

  json/<doc_id>.json     the whole document, nested (header, sections, tasks,
                         references, footnotes, warnings); doc_id = file name
                         without extension
  documents/             one row per document
  sections/              one row per numbered section
  tasks/                 one row per task-table row, deadline_* columns flattened
  task_agencies/         one row per task x agency mention x role
  references/            one row per cited document
                         (Parquet datasets partitioned by the year of issue:
                         tasks/year=2024/part-*.parquet)
  manifest.json          the run: inputs with hashes, counts, and every
                         rejected input with a one-line reason
  datapackage.json       a description of every table and column

Running again into the same output extracts only new and changed files (--force
redoes all) and reports files that disappeared; the manifest still lists every
input, with the rejections of earlier runs. A file that cannot be read or is not a
plan document is rejected with a reason in the manifest; the other files are still
extracted. Files in the folders that are not read (hidden, other formats, Word lock
files ~$…) and folders that cannot be listed are listed as skipped, with the reason.
One run at a time per output folder: a second one refuses (or waits, --wait).

Exit codes:
  0    done (rejected inputs are in the manifest)
  1    --strict: some input was rejected, or no input file was found
  2    usage: a bad option, an INPUT that does not exist, an OUTPUT that is a file
  3    the output cannot be written (read-only folder, disk full, no permission)
  4    the output folder is in use by another run
  130  interrupted (Ctrl-C, kill): every batch committed so far is kept, with
       its manifest; run the same command again to complete it
"""

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_OUTPUT, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


def _number(kind, low: float, inclusive: bool, what: str):
    """An argparse type: a number of ``kind`` above ``low`` (or equal, ``inclusive``)."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value != value or value < low or (value == low and not inclusive) or value in (float("inf"),):
            raise argparse.ArgumentTypeError(f"must be {what}: {text!r}")
        return value

    return parse


_POSITIVE_INT = _number(int, 1, True, "a whole number of 1 or more")
_COUNT = _number(int, 0, True, "a whole number of 0 or more")
_POSITIVE = _number(float, 0, False, "a number above 0")
_NON_NEGATIVE = _number(float, 0, True, "a number of 0 or more")


def shown(text) -> str:
    """A path or reason as printed on the terminal: control characters (an escape
    sequence in a file name would drive the terminal) and undecodable bytes escaped."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="plan-extract",
        description=(
            "Turn Vietnamese administrative plan documents (Kế hoạch, Quyết định ban hành Kế hoạch) "
            "into clean, typed datasets."
        ),
    )
    ap.add_argument("--version", action="version", version=f"plan-extract {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser(
        "extract",
        help="extract documents into JSON and Parquet",
        description=EXTRACT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("inputs", nargs="+", metavar="INPUT", help="files and/or folders")
    ex.add_argument("-o", "--output", required=True, type=Path, metavar="OUTPUT", help="output folder")
    ex.add_argument(
        "--agencies",
        action="append",
        default=[],
        metavar="FILE",
        help="extra agency registry (JSON, same shape as the packaged data/agencies.json); repeatable",
    )
    ex.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when any input is rejected (by this run or, unchanged since, an earlier "
        "one) or no input file is found",
    )
    ex.add_argument(
        "--wait",
        action="store_true",
        help="when another run is writing into OUTPUT, wait for it to finish (default: exit with 4)",
    )
    ex.add_argument(
        "-w",
        "--workers",
        type=_POSITIVE_INT,
        default=None,
        metavar="N",
        help="worker processes (default: the number of cores; 1 runs in process)",
    )
    ex.add_argument("--force", action="store_true", help="re-extract files whose content is unchanged")
    ex.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local process pool (default) or a dask.distributed cluster",
    )
    ex.add_argument(
        "--scheduler", metavar="ADDRESS", help="with --engine dask: the scheduler address, e.g. tcp://10.0.0.5:8786"
    )
    ex.add_argument(
        "--max-pages",
        type=_COUNT,
        default=MAX_PDF_PAGES,
        metavar="N",
        help="reject PDFs with more pages (default %(default)s; 0 for no limit)",
    )
    ex.add_argument(
        "--batch-size",
        type=_POSITIVE_INT,
        default=BATCH_SIZE,
        metavar="N",
        help="documents per Parquet part file and per commit of the run state (default %(default)s; "
        "fewer when there are too few documents to give every worker two batches)",
    )
    ex.add_argument(
        "--max-size",
        type=_POSITIVE,
        default=_LIMITS.max_bytes / _MB,
        metavar="MB",
        help="reject files larger than this (default %(default)g)",
    )
    ex.add_argument(
        "--timeout",
        type=_NON_NEGATIVE,
        default=_LIMITS.max_seconds,
        metavar="SECONDS",
        help="reject a file whose reading and extraction take longer (default %(default)g; 0 for no limit)",
    )
    ex.add_argument(
        "--max-memory",
        type=_COUNT,
        default=_LIMITS.max_memory_mb or 0,
        metavar="MB",
        help="memory limit of each worker process (default %(default)s; 0 for none)",
    )
    ex.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress and no summary (progress is a bar on a terminal, else a line every 500 files or 30 seconds)",
    )
    from .report import REPORT_HELP, configure_parser

    rp = sub.add_parser(
        "report",
        help="build a self-contained HTML report from an output folder",
        description=REPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    configure_parser(rp)
    from .export import EXPORT_HELP
    from .export import configure_parser as configure_export

    xp = sub.add_parser(
        "export",
        help="export an output folder as an Excel workbook and/or iCalendar files",
        description=EXPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    configure_export(xp)
    return ap


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def _check_paths(ap: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Before any work: every INPUT exists, OUTPUT is not a file (exit 2)."""
    missing = [p for p in args.inputs if not os.path.lexists(p)]
    if missing:
        ap.error("no such file or folder: " + ", ".join(shown(p) for p in missing))
    if os.path.exists(args.output) and not os.path.isdir(args.output):
        ap.error(f"the output {shown(args.output)} exists and is not a folder")


def main(argv: list[str] | None = None) -> int:
    ap = _parser()
    args = ap.parse_args(argv)
    if args.command == "extract":
        _check_paths(ap, args)
        from .batch.engines import DaskEngine, LocalEngine
        from .batch.lock import OutputBusy
        from .batch.run import RunConfig, run
        from .options import Options, ReaderOptions

        engine = DaskEngine(args.scheduler) if args.engine == "dask" else LocalEngine(args.workers)
        limits = Limits(
            max_bytes=int(args.max_size * _MB), max_seconds=args.timeout, max_memory_mb=args.max_memory or None
        )
        # the options travel with each batch to the workers (processes or Dask)
        options = Options(
            agency_files=tuple(args.agencies),
            reader=ReaderOptions(max_pdf_pages=args.max_pages if args.max_pages > 0 else None),
        )
        try:  # kill (SIGTERM) stops the run as cleanly as Ctrl-C
            previous = signal.signal(signal.SIGTERM, _stop)
        except ValueError:  # not the main thread
            previous = None
        out = shown(args.output)
        try:
            manifest = run(
                RunConfig(
                    inputs=args.inputs,
                    output=args.output,
                    options=options,
                    limits=limits,
                    engine=engine,
                    force=args.force,
                    progress=not args.quiet,
                    batch_size=args.batch_size,
                    wait=args.wait,
                )
            )
        except KeyboardInterrupt:
            print(
                f"interrupted: {out} keeps the batches committed so far; run the same command again to complete it",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
        except OutputBusy as exc:
            print(f"plan-extract: {out}: {exc}; wait for it to finish, or use --wait", file=sys.stderr)
            return EXIT_BUSY
        except (OSError, sqlite3.Error) as exc:
            print(
                f"plan-extract: cannot write the output {out}: {_os_reason(exc)}; what was committed before is kept",
                file=sys.stderr,
            )
            return EXIT_OUTPUT
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        c, d = manifest.counts, manifest.dataset
        if not args.quiet:
            if c["inputs"] == 0:
                print(
                    f"no input file found in {', '.join(shown(p) for p in args.inputs)} "
                    f"({c['skipped']} skipped: see {out}/manifest.json)",
                    file=sys.stderr,
                )
            print(
                f"{c['extracted']} extracted, {c['rejected']} rejected, {c['unchanged']} unchanged, "
                f"{c['tasks']} task rows -> {out}; the dataset: {d['documents']} documents, "
                f"{d['tasks']} task rows, {d['rejected']} inputs rejected",
                file=sys.stderr,
            )
            review = {k[len("review_") :]: v for k, v in c.items() if k.startswith("review_")}
            if review:
                print(
                    "to review: "
                    + ", ".join(f"{v} {_REVIEW_LABELS.get(k, k)}" for k, v in sorted(review.items()))
                    + f" (see the warnings in {out}/json)",
                    file=sys.stderr,
                )
            for path in manifest.removed:
                print(f"removed since the last run: {shown(path)}", file=sys.stderr)
            for r in manifest.rejected:
                print(f"rejected: {shown(r['path'])}: {shown(r['reason'])}", file=sys.stderr)
        if args.strict and (manifest.rejected or c["inputs"] == 0):
            return EXIT_REJECTED
        return EXIT_OK
    if args.command == "report":
        from .report import run_from_args

        return run_from_args(args)
    if args.command == "export":
        from .export import run_from_args as run_export

        return run_export(args)
    return EXIT_USAGE


def _os_reason(exc: BaseException) -> str:
    """One line: what went wrong, and on which file."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({shown(exc.filename)})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return shown(" ".join(str(exc).split()) or type(exc).__name__)


if __name__ == "__main__":
    sys.exit(main())
