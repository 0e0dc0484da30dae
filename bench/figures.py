"""The output format shared by every figure module: `name: value unit`, one figure a line."""

import math
import os
import re
import statistics
from dataclasses import dataclass

NAME_RE = re.compile(r"^[a-z0-9_]+$")
UNIT_RE = re.compile(r"^[a-z%/]+$")


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    digits: int = 2  # decimals printed; 0 prints an integer

    def __post_init__(self):
        if not NAME_RE.match(self.name):
            raise ValueError(f"figure name {self.name!r} must match {NAME_RE.pattern}")
        if not UNIT_RE.match(self.unit):
            raise ValueError(f"figure unit {self.unit!r} must match {UNIT_RE.pattern}")
        if not math.isfinite(self.value) or self.value < 0:
            raise ValueError(f"figure {self.name} has value {self.value!r}: not a finite number >= 0")

    def __str__(self) -> str:
        return f"{self.name}: {self.value:.{self.digits}f} {self.unit}"


def comment(text: str) -> str:
    return text if text.startswith("# ") else f"# {text}"


def percentile(values, pct: int) -> float:
    """The pct-th percentile (1..99), interpolated between the closest samples."""
    values = list(values)
    if not values:
        raise ValueError("no samples")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def env_int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").replace("_", "").strip()
    value = int(raw) if raw else default
    if value < minimum:
        raise SystemExit(f"{name}={value}: must be at least {minimum}")
    return value
