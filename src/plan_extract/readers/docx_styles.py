"""Paragraph formatting that decides visual blocks in a Word body: alignment and the
space before and after a paragraph, resolved from direct formatting, the paragraph
style chain and the document defaults. Two consecutive centred paragraphs with no
space between them read as one block (a title set as two paragraphs)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .docx_numbering import W, wval


@dataclass(frozen=True)
class ParaFormat:
    align: str | None  # w:jc value: left/start, center, right/end, both, …
    before: int  # twips
    after: int

    @property
    def centred(self) -> bool:
        return self.align == "center"


class Styles:
    def __init__(self, root: etree._Element | None):
        """``styles.xml`` as parsed (entities and DTDs off); None when absent."""
        self.ppr: dict[str, etree._Element | None] = {}
        self.based_on: dict[str, str] = {}
        self.default_style: str | None = None
        self.defaults: etree._Element | None = None
        if root is not None:
            self.defaults = root.find(f"{W}docDefaults/{W}pPrDefault/{W}pPr")
            for st in root.iter(W + "style"):
                if st.get(W + "type") != "paragraph":
                    continue
                sid = st.get(W + "styleId", "")
                self.ppr[sid] = st.find(W + "pPr")
                based = st.find(W + "basedOn")
                if based is not None:
                    self.based_on[sid] = wval(based, "") or ""
                if st.get(W + "default") in ("1", "true"):
                    self.default_style = sid

    def _chain(self, ppr: etree._Element | None) -> list[etree._Element]:
        chain = [ppr] if ppr is not None else []
        sid = wval(ppr.find(W + "pStyle")) if ppr is not None else None
        sid = sid or self.default_style
        seen: set[str] = set()
        while sid and sid not in seen:
            seen.add(sid)
            el = self.ppr.get(sid)
            if el is not None:
                chain.append(el)
            sid = self.based_on.get(sid)
        if self.defaults is not None:
            chain.append(self.defaults)
        return chain

    def format(self, ppr: etree._Element | None) -> ParaFormat:
        chain = self._chain(ppr)
        align = next((wval(el.find(W + "jc")) for el in chain if el.find(W + "jc") is not None), None)

        def spacing(attr: str) -> int:
            for el in chain:
                sp = el.find(W + "spacing")
                if sp is not None and sp.get(W + attr) is not None:
                    try:
                        return int(sp.get(W + attr))
                    except ValueError:
                        return 0
            return 0

        return ParaFormat(align, spacing("before"), spacing("after"))
