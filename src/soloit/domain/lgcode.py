"""団体コード (local government code): 6 digits, the last a check digit (JIS X 0402 style)."""

from __future__ import annotations

_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> int:
    """check = (11 − Σ digit×weight mod 11) mod 10, weights 6,5,4,3,2 over the first five digits."""
    if len(first_five) != 5 or not first_five.isascii() or not first_five.isdigit():
        raise ValueError("first_five must be 5 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first_five, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def normalise(text: str) -> str:
    """Strip spaces and turn full-width digits into ASCII (users paste ０１２３４５)."""
    table = {ord("０") + i: ord("0") + i for i in range(10)}
    return text.strip().translate(table)


def problem(code: str, prefecture_code: str | None) -> str | None:
    """A Japanese description of what is wrong with `code`, or None when it is valid."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return "団体コードは6桁の数字で入力してください（例: 011002）。"
    if check_digit(code[:5]) != int(code[5]):
        return f"団体コードの検査数字（6桁目）が一致しません。{code[:5]} の検査数字は {check_digit(code[:5])} です。"
    if prefecture_code is not None and code[:2] != prefecture_code:
        return f"団体コードの先頭2桁（{code[:2]}）が都道府県コード（{prefecture_code}）と一致しません。"
    return None


def is_valid(code: str, prefecture_code: str | None = None) -> bool:
    return problem(code, prefecture_code) is None
