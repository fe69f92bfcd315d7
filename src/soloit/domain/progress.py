"""The official progress rates (総務省): per business (完了済み + 対象外) / 40; per municipality the mean of its 20 rates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from soloit import reference


@dataclass(frozen=True, slots=True)
class Rates:
    """Shares of the 40 steps, each between 0 and 1."""

    complete: float  # 完了率: (完了済み + 対象外) / 40
    in_progress: float  # 作業中率
    not_started: float  # 未着手率

    @property
    def complete_percent(self) -> float:
        return round(self.complete * 100, 1)


def business_rates(statuses: Iterable[str]) -> Rates:
    """Rates of one business from the status codes of its 40 steps."""
    ref = reference.load()
    codes = list(statuses)
    if len(codes) != ref.step_count:
        raise ValueError(f"expected {ref.step_count} step statuses, got {len(codes)}")
    counts = Counter(codes)
    unknown = set(counts) - set(ref.status_by_code)
    if unknown:
        raise ValueError(f"unknown status codes: {sorted(unknown)}")
    total = ref.step_count
    complete = sum(n for code, n in counts.items() if ref.status_by_code[code].counts_as_complete)
    return Rates(
        complete=complete / total,
        in_progress=counts.get(ref.in_progress_status.code, 0) / total,
        not_started=counts.get(ref.default_status.code, 0) / total,
    )


def municipality_rate(per_business: Mapping[str, Rates]) -> Rates:
    """The municipality's rates: the mean of its businesses' rates (all 20 are expected)."""
    if not per_business:
        raise ValueError("no business rates")
    n = len(per_business)
    values = list(per_business.values())
    return Rates(
        complete=sum(r.complete for r in values) / n,
        in_progress=sum(r.in_progress for r in values) / n,
        not_started=sum(r.not_started for r in values) / n,
    )


def format_percent(share: float) -> str:
    """0.625 → '62.5%' (one decimal, as the ministry's dashboard shows)."""
    return f"{share * 100:.1f}%"
