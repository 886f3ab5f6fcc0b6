"""The ``plan-extract`` command."""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from . import __version__

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
redoes all) and reports files that disappeared. A file that cannot be read or is
not a plan document is rejected with a reason in the manifest; the other files are
still extracted. Exit code: 0; 1 with --strict when some input was rejected; 130
when interrupted (Ctrl-C, kill), which keeps every batch committed so far.
"""


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="plan-extract", description=(
        "Turn Vietnamese administrative plan documents (Kế hoạch, Quyết định ban hành Kế hoạch) "
        "into clean, typed datasets."))
    ap.add_argument("--version", action="version", version=f"plan-extract {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract documents into JSON and Parquet",
                        description=EXTRACT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    ex.add_argument("inputs", nargs="+", metavar="INPUT", help="files and/or folders")
    ex.add_argument("-o", "--output", required=True, type=Path, metavar="OUTPUT", help="output folder")
    ex.add_argument("--agencies", action="append", default=[], metavar="FILE",
                    help="extra agency registry (JSON, same shape as the packaged data/agencies.json); repeatable")
    ex.add_argument("--strict", action="store_true", help="exit with status 1 when any input is rejected")
    ex.add_argument("-w", "--workers", type=int, default=None, metavar="N",
                    help="worker processes (default: the number of cores; 1 runs in process)")
    ex.add_argument("--force", action="store_true", help="re-extract files whose content is unchanged")
    ex.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="local process pool (default) or a dask.distributed cluster")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="with --engine dask: the scheduler address, e.g. tcp://10.0.0.5:8786")
    ex.add_argument("--max-pages", type=int, default=None, metavar="N",
                    help="reject PDFs with more pages (default 500; 0 for no limit); the same as the "
                         "PLAN_EXTRACT_MAX_PDF_PAGES environment variable, which Dask workers read")
    ex.add_argument("--batch-size", type=int, default=256, metavar="N",
                    help="documents per Parquet part file and per commit of the run state (default 256; "
                         "fewer when there are too few documents to give every worker two batches)")
    ex.add_argument("--max-size", type=float, default=64, metavar="MB", help="reject files larger than this (default 64)")
    ex.add_argument("--timeout", type=float, default=60, metavar="SECONDS",
                    help="reject a file whose extraction takes longer (default 60)")
    ex.add_argument("--max-memory", type=int, default=2048, metavar="MB",
                    help="memory limit of each worker process (default 2048; 0 for none)")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    from .report import REPORT_HELP, configure_parser
    rp = sub.add_parser("report", help="build a self-contained HTML report from an output folder",
                        description=REPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    configure_parser(rp)
    from .export import EXPORT_HELP
    from .export import configure_parser as configure_export
    xp = sub.add_parser("export", help="export an output folder as an Excel workbook and/or iCalendar files",
                        description=EXPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    configure_export(xp)
    return ap


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "extract":
        from .batch.engines import DaskEngine, LocalEngine
        from .batch.limits import Limits
        from .batch.run import RunConfig, run
        from .options import Options
        if args.max_pages is not None:  # read by the PDF reader in this process and its workers
            os.environ["PLAN_EXTRACT_MAX_PDF_PAGES"] = str(max(0, args.max_pages))
        engine = DaskEngine(args.scheduler) if args.engine == "dask" else LocalEngine(args.workers)
        limits = Limits(max_bytes=int(args.max_size * 1024 * 1024), max_seconds=args.timeout,
                        max_memory_mb=args.max_memory or None)
        try:  # kill (SIGTERM) stops the run as cleanly as Ctrl-C
            previous = signal.signal(signal.SIGTERM, _stop)
        except ValueError:  # not the main thread
            previous = None
        try:
            manifest = run(RunConfig(inputs=args.inputs, output=args.output,
                                     options=Options(agency_files=tuple(args.agencies)), limits=limits,
                                     engine=engine, force=args.force, progress=not args.quiet,
                                     batch_size=max(1, args.batch_size)))
        except KeyboardInterrupt:
            print(f"interrupted: {args.output} keeps the batches committed so far; "
                  "run the same command again to complete it", file=sys.stderr)
            return 130
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        c = manifest.counts
        if not args.quiet:
            print(f"{c['extracted']} extracted, {c['rejected']} rejected, {c['unchanged']} unchanged, "
                  f"{c['tasks']} task rows -> {args.output}", file=sys.stderr)
            for path in manifest.removed:
                print(f"removed since the last run: {path}", file=sys.stderr)
            for r in manifest.rejected:
                print(f"rejected: {r['path']}: {r['reason']}", file=sys.stderr)
        return 1 if args.strict and c["rejected"] else 0
    if args.command == "report":
        from .report import run_from_args
        return run_from_args(args)
    if args.command == "export":
        from .export import run_from_args as run_export
        return run_export(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
