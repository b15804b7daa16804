"""The project's exception hierarchy.

Every error a user can cause is an :class:`IndustrialBrainError`. Its message is one line that
names where the problem is (file, row, column), what was found and what was expected. The CLI
prints that line and exits non-zero; the REST API maps each class to a 4xx answer.
"""

from __future__ import annotations


class IndustrialBrainError(Exception):
    """Base class of every error a user can cause; ``str(err)`` is a single line."""

    exit_code = 1

    def __str__(self) -> str:  # keep messages on one line whatever was passed in
        return " ".join(str(self.args[0]).split()) if self.args else self.__class__.__name__


class InputError(IndustrialBrainError):
    """Bad input data or arguments: a file, a cell, a parameter that is not what was expected."""

    exit_code = 2

    @classmethod
    def at(
        cls,
        what: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> "InputError":
        """Build the standard message ``file: row R, column 'C': <what> (found 'v'; expected …)``.

        ``row`` is the 1-based line number as a person counts it in the file (the header is line 1).
        """
        where = []
        if file is not None:
            where.append(str(file))
        loc = []
        if row is not None:
            loc.append(f"row {row}")
        if column is not None:
            loc.append(f"column '{column}'")
        head = ": ".join([*where, ", ".join(loc)] if loc else where)
        detail = []
        if value is not None:
            shown = repr(value) if not isinstance(value, str) else f"'{value}'"
            if len(shown) > 80:
                shown = shown[:77] + "..."
            detail.append(f"found {shown}")
        if expected is not None:
            detail.append(f"expected {expected}")
        msg = f"{head}: {what}" if head else what
        if detail:
            msg += " (" + "; ".join(detail) + ")"
        return cls(msg)


class MethodError(IndustrialBrainError):
    """A method cannot be applied to these (well-formed) inputs: singular system, constant indicator…"""

    exit_code = 3


class AccessError(IndustrialBrainError):
    """The caller's role or the data's grade forbids this read or write."""

    exit_code = 4


class NotAuthenticated(AccessError):
    """No (valid) login where one is required: the REST API answers 401 (other refusals are 403)."""


class StoreBusyError(IndustrialBrainError):
    """Another process holds the store's write lock."""

    exit_code = 5
