"""Request parameters and caller dependencies that several routes share, defined once.

``Member`` and ``Runner`` are the caller (a :class:`~industrial_brain.api.security.Principal`) required
to hold one of the named roles (no login → 401, another role → 403); the others are path and query
parameters with their validation and OpenAPI description.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Path, Query

from industrial_brain.api.deps import require_roles
from industrial_brain.api.security import Principal

#: A logged-in account that may read enterprise rows (its own only, for an enterprise account).
Member = Annotated[Principal, Depends(require_roles("admin", "analyst", "enterprise", "steward"))]
#: An enterprise account (it acts only for its own enterprise).
Firm = Annotated[Principal, Depends(require_roles("enterprise"))]
#: A logged-in account that may start analysis jobs.
Runner = Annotated[Principal, Depends(require_roles("admin", "analyst"))]
#: ``format=json|csv|xlsx`` of a table answer (XLSX: source and units in header rows).
Fmt = Annotated[Literal["json", "csv", "xlsx"], Query()]
#: ``lang=en|zh``: the language of labels (never of codes).
Lang = Annotated[Literal["en", "zh"], Query()]
#: An enterprise's unified social credit code in the path.
Uscc = Annotated[str, Path(min_length=1, max_length=40, description="unified social credit code")]
#: A stored input–output table's id in the path.
TableId = Annotated[str, Path(max_length=80, description="e.g. cn_nbs_io_2020_42")]
