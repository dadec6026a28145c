"""Results, targets and the markdown report."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["s", "MiB", "ms", "MB/s"]

ANALYSIS_START = "<!-- analysis: kept when the report is regenerated -->"
ANALYSIS_END = "<!-- /analysis -->"
_NO_ANALYSIS = (
    "_Write the profiled causes of missed targets here; `python -m benchmarks` "
    "keeps this section when it rewrites the file._"
)


def kept_analysis(previous: str) -> str:
    """The hand-written analysis of an earlier report, if it has one."""
    start, end = previous.find(ANALYSIS_START), previous.find(ANALYSIS_END)
    if start < 0 or end < start:
        return ""
    return previous[start + len(ANALYSIS_START) : end].strip()


@dataclass(frozen=True)
class Target:
    """A goal for a row: a bound on the ratio (ours / theirs) or on our value."""

    bound: float
    on: Literal["ratio", "value"] = "ratio"
    strict: bool = False
    label: str = ""

    def describe(self) -> str:
        if self.label:
            return self.label
        sign = "<" if self.strict else "≤"
        if self.on == "ratio":
            return f"{sign} {self.bound:g}x"
        return f"{sign} {self.bound:g}"

    def met(self, ours: float, ratio: float | None) -> bool | None:
        value = ratio if self.on == "ratio" else ours
        if value is None:
            return None
        return value < self.bound if self.strict else value <= self.bound


@dataclass
class Row:
    """One line of the table: our samples against a baseline's."""

    case: str
    measurement: str
    unit: Unit
    ours: list[float]
    baseline: str = ""
    theirs: list[float] = field(default_factory=list)
    target: Target | None = None
    #: Bytes moved per run: the value cells also show a throughput.
    size_bytes: int | None = None
    #: What ``ours`` measured, when it is not numerapi-gen (a floor, curl).
    subject: str = "numerapi-gen"

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def theirs_median(self) -> float | None:
        return statistics.median(self.theirs) if self.theirs else None

    @property
    def ratio(self) -> float | None:
        theirs = self.theirs_median
        if theirs is None or theirs == 0:
            return None
        return self.ours_median / theirs

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.target.met(self.ours_median, self.ratio)


def format_value(value: float | None, unit: Unit, size_bytes: int | None = None) -> str:
    if value is None:
        return "-"
    if unit in ("MiB", "ms"):
        return f"{value:.1f} {unit}"
    if unit == "MB/s":
        return f"{value:.0f} MB/s"
    text = f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if size_bytes and value > 0:
        text += f" ({size_bytes / value / 2**20:,.0f} MiB/s)"
    return text


def _subject_cell(row: Row) -> str:
    value = format_value(row.ours_median, row.unit, row.size_bytes)
    return value if row.subject == "numerapi-gen" else f"{value} ({row.subject})"


def _met_cell(met: bool | None) -> str:
    if met is None:
        return "info"
    return "**yes**" if met else "**NO**"


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def render(
    rows: Sequence[Row],
    *,
    title: str,
    preamble: Sequence[str],
    environment: Sequence[tuple[str, str]],
    notes: Sequence[str],
    analysis: str = "",
) -> str:
    """The whole BENCHMARKS.md."""
    lines = [f"# {title}", "", *preamble, ""]
    lines += [
        "| Case | Measurement | numerapi-gen | Compared with | Their value "
        "| Ratio (ours/theirs) | Target | Met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        ratio = row.ratio
        lines.append(
            "| "
            + " | ".join(
                _escape(cell)
                for cell in (
                    row.case,
                    row.measurement,
                    _subject_cell(row),
                    row.baseline or "-",
                    format_value(row.theirs_median, row.unit, row.size_bytes),
                    f"{ratio:.2f}x" if ratio is not None else "-",
                    row.target.describe() if row.target else "-",
                    _met_cell(row.met),
                )
            )
            + " |"
        )
    judged = [row for row in rows if row.met is not None]
    missed = [row for row in judged if row.met is False]
    lines += ["", f"Targets met: {len(judged) - len(missed)} of {len(judged)}."]
    lines += [f"- missed: {row.case}: {row.measurement}" for row in missed]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {note}" for note in notes]
    lines += ["", "## Analysis", "", ANALYSIS_START, "", analysis or _NO_ANALYSIS]
    lines += ["", ANALYSIS_END, "", "## Machine and versions", ""]
    lines += ["| | |", "| --- | --- |"]
    lines += [f"| {_escape(key)} | {_escape(value)} |" for key, value in environment]
    lines += [
        "",
        "## Samples",
        "",
        "<details><summary>every run, in order</summary>",
        "",
    ]
    for row in rows:
        ours = ", ".join(format_value(v, row.unit) for v in row.ours)
        line = f"- {row.case} {row.measurement}: {row.subject} [{ours}]"
        if row.theirs:
            theirs = ", ".join(format_value(v, row.unit) for v in row.theirs)
            line += f"; {row.baseline} [{theirs}]"
        lines.append(_escape(line))
    lines += ["", "</details>", ""]
    return "\n".join(lines)
