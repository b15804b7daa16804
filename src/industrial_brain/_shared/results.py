"""Common behaviour of engine result objects (in the manner of linearmodels' results).

A result is a frozen dataclass that mixes in :class:`ResultMixin`. It implements
``_summary_items(lang)`` (label–value pairs) and ``to_frame(lang)`` (the main tidy table);
``summary(lang)`` joins both with the lineage footer, and ``str(result)`` is ``summary()``.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd

from industrial_brain._shared.i18n import check_lang


def readonly(a: Any) -> Any:
    """Return ``a`` with its numpy buffer(s) marked read-only (arrays, Series and DataFrames)."""
    if isinstance(a, np.ndarray):
        a = a.view()
        a.flags.writeable = False
        return a
    if isinstance(a, (pd.Series, pd.DataFrame)):
        values = a.values
        if isinstance(values, np.ndarray) and values.base is not None or isinstance(values, np.ndarray):
            try:
                values.flags.writeable = False
            except ValueError:  # pragma: no cover - non-owned buffers
                pass
    return a


def _fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return "NaN"
        if v != 0 and (abs(v) >= 1e7 or abs(v) < 1e-4):
            return f"{v:.4e}"
        return f"{v:,.4f}"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return str(v)


class ResultMixin:
    """Adds ``summary`` and ``__str__`` to a result dataclass."""

    title_en: str = "Result"
    title_zh: str = "结果"

    def _summary_items(self, lang: str = "en") -> Iterable[tuple[str, Any]]:  # pragma: no cover - abstract
        return ()

    def to_frame(self, lang: str = "en") -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    def summary(self, lang: str = "en", max_rows: int = 20) -> str:
        """A text block: title, label–value pairs, the main table (head), and the lineage footer."""
        check_lang(lang)
        title = self.title_zh if lang == "zh" else self.title_en
        lines = [title, "=" * max(len(title), 8)]
        items = list(self._summary_items(lang))
        if items:
            width = max(len(k) for k, _ in items)
            lines += [f"{k.ljust(width)}  {_fmt(v)}" for k, v in items]
        frame = self.to_frame(lang=lang)
        if frame is not None and len(frame):
            lines.append("")
            with pd.option_context(
                "display.width", 120, "display.max_columns", 12, "display.float_format", "{:,.4f}".format
            ):
                lines.append(frame.head(max_rows).to_string())
            if len(frame) > max_rows:
                lines.append(f"... {len(frame) - max_rows} more rows")
        lineage = getattr(self, "lineage", None)
        if lineage is not None:
            lines += ["", lineage.footer()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:  # notebooks
        return "<pre>" + self.summary().replace("&", "&amp;").replace("<", "&lt;") + "</pre>"
