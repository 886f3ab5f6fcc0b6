"""Layout tables read as text: the header (``Số …`` | ``CỘNG HÒA …``) and the closing
(``Nơi nhận`` | signature) that a source lays out in a table are paragraphs to the
header parser, read within each band of rows of the same shape column by column,
the left column first."""

from __future__ import annotations

from collections.abc import Sequence

from ...ir import Block, Paragraph, Provenance, Row, Table


def _cell_paragraphs(text: str, prov: Provenance) -> list[Paragraph]:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    return [Paragraph(ln, prov, gap_before=(k == 0)) for k, ln in enumerate(lines)]


def table_paragraphs(table: Table) -> list[Paragraph]:
    out: list[Paragraph] = []
    band: list[Row] = []

    def flush() -> None:
        if not band:
            return
        ncols = max(len(r.cells) for r in band)
        for ci in range(ncols):
            for row in band:
                if ci < len(row.cells) and not row.cells[ci].v_merged:
                    out.extend(_cell_paragraphs(row.cells[ci].text, row.prov))
        band.clear()

    for row in table.rows:
        if band and len(row.cells) != len(band[-1].cells):
            flush()
        band.append(row)
    flush()
    return out


def linearize(blocks: Sequence[Block], layout: Sequence[Table]) -> list[Block]:
    """The blocks with each of the ``layout`` tables replaced by its paragraphs."""
    ids = {id(t) for t in layout}
    out: list[Block] = []
    for b in blocks:
        if id(b) in ids:
            out.extend(table_paragraphs(b))  # type: ignore[arg-type]
        else:
            out.append(b)
    return out
