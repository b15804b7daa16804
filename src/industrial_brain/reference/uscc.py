"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

An 18-character code: registration authority (1), organisation type (1), administrative division
(6, GB/T 2260), organisation code (9, GB 11714 with its own check digit) and a check character.
The character set is the 31 characters ``0-9`` and ``A-Y`` without I, O, S, V, Z.

Check character (GB 32100-2015, §5): with character values ``c_i`` and weights ``w_i = 3^(i-1) mod 31``
(i = 1..17), ``C18 = 31 − (Σ c_i w_i mod 31)``, where 31 maps to 0.

References
----------
GB 32100-2015, 法人和其他组织统一社会信用代码编码规则 (Coding rule of the unified social credit
identifier for legal entities and other organizations), §4–§5 and Appendix A.
GB 11714-1997, 全国组织机构代码编制规则, §4 (check digit of the organisation code).
"""

from __future__ import annotations

import numpy as np

from industrial_brain.errors import InputError

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The check character of the first 17 characters of a unified social credit code.

    Notes
    -----
    ``C18 = CHARSET[(31 − Σ_{i=1}^{17} v(c_i)·3^{i−1} mod 31) mod 31]``.

    Examples
    --------
    >>> uscc_check_char("91350100M000100Y4")
    '3'
    """
    s = sum(_VALUE[c] * w for c, w in zip(first17.upper(), WEIGHTS))
    return CHARSET[(31 - s % 31) % 31]


def uscc_problem(code: object) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or ``None`` if it is valid.

    Checks length 18, the character set, the administrative-division digits and the check character.
    """
    if not isinstance(code, str):
        return "not a text value"
    c = code.strip().upper()
    if len(c) != 18:
        return f"has {len(c)} characters, 18 expected"
    bad = [ch for ch in c if ch not in _VALUE]
    if bad:
        return f"character '{bad[0]}' is not allowed (I, O, S, V, Z and lower-case letters are never used)"
    if not c[2:8].isdigit():
        return "characters 3–8 must be a 6-digit GB/T 2260 division code"
    want = uscc_check_char(c[:17])
    if c[17] != want:
        return f"check character is '{c[17]}', '{want}' expected"
    return None


def is_valid_uscc(code: object) -> bool:
    """True when ``code`` is a well-formed unified social credit code with a correct check character.

    Examples
    --------
    >>> is_valid_uscc("91350100M000100Y43")
    True
    >>> is_valid_uscc("91350100M000100Y44")
    False
    """
    return uscc_problem(code) is None


def organisation_code_check(code8: str) -> str:
    """Check digit of a GB 11714 organisation code body (characters 9–16 of a USCC).

    ``C9 = 11 − (Σ v(c_i)·w_i mod 11)`` with ``w = (3, 7, 9, 10, 5, 8, 4, 2)``; 10 → 'X', 11 → '0';
    letters take the values A=10 … Z=35.
    """

    def val(ch: str) -> int:
        return int(ch) if ch.isdigit() else ord(ch.upper()) - 55

    r = 11 - sum(val(ch) * w for ch, w in zip(code8, _ORG_WEIGHTS)) % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def validate_uscc_column(
    codes, *, file: str | None = None, column: str = "uscc", first_row: int = 2
) -> np.ndarray:
    """Validate a column of codes; return them upper-cased, or raise :class:`InputError` at the first bad one.

    ``first_row`` is the file line number of the first value (2 when the header is line 1).
    """
    out = []
    for i, code in enumerate(codes):
        problem = uscc_problem(code)
        if problem is not None:
            raise InputError.at(
                f"invalid unified social credit code: {problem}",
                file=file,
                row=first_row + i,
                column=column,
                value=code,
                expected="an 18-character GB 32100 code with a valid check character",
            )
        out.append(code.strip().upper())
    return np.asarray(out, dtype=object)


def make_usccs(divisions, serials, *, authority: str = "9", kind: str = "1") -> np.ndarray:
    """Well-formed unified social credit codes (vectorised): ``authority`` and ``kind`` (``'91'``: an
    enterprise registered by industry and commerce), the 6-digit ``divisions``, an organisation code
    whose 8-digit body is ``serials`` (integers below 10⁸) with its GB 11714 check character, and the
    GB 32100 check character. For synthetic firms and tests: codes that pass every check.

    >>> make_usccs(["110000"], [1]).tolist()
    ['91110000000000019B']
    >>> is_valid_uscc(make_usccs(["320506"], [12345678])[0])
    True
    """
    div = np.asarray(divisions, dtype="U6")
    body = np.char.zfill(np.asarray(serials, dtype=np.int64).astype("U8"), 8)
    digits = np.char.add(np.char.add(np.full(len(div), authority + kind, dtype="U2"), div), body)
    values = np.frombuffer(digits.astype("S16").tobytes(), dtype=np.uint8).reshape(len(div), 16) - ord("0")
    org = 11 - (values[:, 8:16].astype(np.int64) @ np.asarray(_ORG_WEIGHTS)) % 11
    org_char = np.where(org == 10, "X", np.where(org == 11, "0", org.astype("U2")))
    org_value = np.where(org == 10, _VALUE["X"], np.where(org == 11, 0, org))
    s = values.astype(np.int64) @ np.asarray(WEIGHTS[:16]) + org_value * WEIGHTS[16]
    check = np.asarray(list(CHARSET))[(31 - s % 31) % 31]
    return np.char.add(np.char.add(digits, org_char), check).astype(object)
