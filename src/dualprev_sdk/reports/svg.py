"""A small SVG builder for the notification cards and four-colour maps, and PNG output where a rasteriser exists.

Why hand-written: the documents need rectangles, lines, text with wrapping and groups — a few dozen lines of
well-escaped XML — and a builder that emits plain SVG 1.1 keeps the output readable by any viewer, printer
driver or :mod:`xml.etree` in tests. Text is escaped by :func:`xml.sax.saxutils.escape`; numbers are rounded so
files are stable across runs.

PNG needs ``cairosvg`` (the optional extra ``dualprev-sdk[render]``); without it :func:`svg_to_png` raises
FailedPrecondition saying how to install it. Chinese text needs a CJK font on the machine that renders:
:data:`FONT_FAMILY` lists the usual ones (Noto Sans CJK on Linux, Microsoft YaHei / SimHei on Windows).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from dualprev_sdk.domain.common import RiskLevel
from dualprev_sdk.errors import FailedPrecondition

__all__ = [
    "FONT_FAMILY",
    "LEVEL_TEXT_COLOR",
    "SvgDocument",
    "level_fill",
    "png_available",
    "svg_to_png",
    "text_width",
    "wrap_text",
]

FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, SimHei, sans-serif"

#: Text colour that stays readable on each level's fill (black on orange and yellow, white on red and blue).
LEVEL_TEXT_COLOR = {
    RiskLevel.MAJOR: "#FFFFFF",
    RiskLevel.SIGNIFICANT: "#000000",
    RiskLevel.GENERAL: "#000000",
    RiskLevel.LOW: "#FFFFFF",
}


def level_fill(level: RiskLevel) -> str:
    """``#FF0000`` for 重大 … ``#0070C0`` for 低 — the same colours as the xlsx fills."""
    return f"#{level.hex_color}"


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


_NO_LINE_START = frozenset("，。；：、）》」』！？,.;:!?)")


def text_width(text: str, size: float) -> float:
    """Approximate rendered width: full-width (CJK) characters are one em, others about half an em."""
    return sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else size * 0.55 for ch in text)


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (character by character: Chinese has no spaces)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for ch in paragraph:
            # 禁则: closing punctuation never starts a line, it stays (slightly over) on the previous one
            if line and text_width(line + ch, size) > width and ch not in _NO_LINE_START:
                lines.append(line)
                line = ch.lstrip()
            else:
                line += ch
        lines.append(line)
    return lines


class SvgDocument:
    """An SVG document built element by element; :meth:`to_string` returns the file text."""

    def __init__(self, width: float, height: float, *, title: str = "", background: str | None = "#FFFFFF") -> None:
        self.width = width
        self.height = height  # may grow while drawing; read at to_string()
        self.title = title
        self.background = background
        self._parts: list[str] = []

    @staticmethod
    def _attrs(attributes: dict[str, object]) -> str:
        out = []
        for key, value in attributes.items():
            if value is None:
                continue
            name = key.rstrip("_").replace("_", "-")
            text = _num(value) if isinstance(value, float) else str(value)
            out.append(f" {name}={quoteattr(text)}")
        return "".join(out)

    def raw(self, markup: str) -> None:
        self._parts.append(markup)

    def rect(self, x: float, y: float, w: float, h: float, **attributes: object) -> None:
        self._parts.append(
            f"<rect{self._attrs({'x': float(x), 'y': float(y), 'width': float(w), 'height': float(h), **attributes})}/>"
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, **attributes: object) -> None:
        self._parts.append(
            f"<line{self._attrs({'x1': float(x1), 'y1': float(y1), 'x2': float(x2), 'y2': float(y2), **attributes})}/>"
        )

    def circle(self, cx: float, cy: float, r: float, **attributes: object) -> None:
        self._parts.append(f"<circle{self._attrs({'cx': float(cx), 'cy': float(cy), 'r': float(r), **attributes})}/>")

    def polygon(self, points: Iterable[tuple[float, float]], **attributes: object) -> None:
        text = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        self._parts.append(f"<polygon{self._attrs({'points': text, **attributes})}/>")

    def text(self, x: float, y: float, content: str, *, size: float = 14, **attributes: object) -> None:
        attributes.setdefault("font_family", FONT_FAMILY)
        self._parts.append(
            f"<text{self._attrs({'x': float(x), 'y': float(y), 'font_size': float(size), **attributes})}>"
            f"{escape(content)}</text>"
        )

    def text_block(
        self,
        x: float,
        y: float,
        content: str,
        *,
        width: float,
        size: float = 14,
        line_height: float = 1.45,
        **attributes: object,
    ) -> float:
        """Wrapped text starting with its first baseline at ``y``; returns the y below the last line."""
        lines = wrap_text(content, width, size)
        for i, line in enumerate(lines):
            self.text(x, y + i * size * line_height, line, size=size, **attributes)
        return y + len(lines) * size * line_height

    def open_group(self, **attributes: object) -> None:
        self._parts.append(f"<g{self._attrs(attributes)}>")

    def close_group(self) -> None:
        self._parts.append("</g>")

    def to_string(self) -> str:
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_num(self.width)}" '
            f'height="{_num(self.height)}" viewBox="0 0 {_num(self.width)} {_num(self.height)}">\n'
        )
        title = f"<title>{escape(self.title)}</title>\n" if self.title else ""
        background = (
            f'<rect x="0" y="0" width="{_num(self.width)}" height="{_num(self.height)}" '
            f'fill="{self.background}" id="background"/>\n'
            if self.background
            else ""
        )
        return head + title + background + "\n".join(self._parts) + "\n</svg>\n"

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.write_text(self.to_string(), encoding="utf-8")
        return target


def png_available() -> bool:
    """Whether :func:`svg_to_png` can work here (``cairosvg`` and its cairo library are importable)."""
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def svg_to_png(svg: str, path: str | Path, *, scale: float = 2.0) -> Path:
    """Rasterise SVG text to a PNG file with cairosvg (``pip install 'dualprev-sdk[render]'``)."""
    try:
        import cairosvg
    except (ImportError, OSError) as exc:
        raise FailedPrecondition(
            "PNG output needs cairosvg and the cairo library: pip install 'dualprev-sdk[render]' "
            f"(SVG output works without it) — {exc}",
            reason="RENDERER_MISSING",
        ) from exc
    target = Path(path)
    cairosvg.svg2png(bytestring=svg.encode("utf-8"), write_to=str(target), scale=scale)
    return target
