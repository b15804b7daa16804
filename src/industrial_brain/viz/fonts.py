"""Fonts for figures: a CJK-capable sans-serif for Chinese labels when one is installed."""

from __future__ import annotations

import matplotlib
from matplotlib import font_manager

__all__ = ["CJK_FONTS", "cjk_font"]

#: CJK-capable fonts tried in order (Linux, then Windows names).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
)


def cjk_font() -> bool:
    """Use a CJK-capable font for Chinese labels when one is installed; False when none is.

    Sets matplotlib's ``font.sans-serif`` to the first installed font of :data:`CJK_FONTS` (with
    DejaVu Sans as fallback) and turns off the Unicode minus sign, which CJK fonts often lack. When
    matplotlib's font cache predates the CJK fonts (installed after its first import), the system's
    CJK font files are added to it first.
    """
    if not _pick():
        for path in font_manager.findSystemFonts():
            if "CJK" in path and "Sans" in path:
                font_manager.fontManager.addfont(path)
        return _pick()
    return True


def _pick() -> bool:
    for name in CJK_FONTS:
        if any(f.name == name for f in font_manager.fontManager.ttflist):
            matplotlib.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
            matplotlib.rcParams["axes.unicode_minus"] = False
            return True
    return False
