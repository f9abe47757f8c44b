"""The evaluation's statistics, computed as SPSS 19 computed them for the paper.

Pure functions on plain Python data (lists of numbers, tables of counts), built on
scipy; no models, no database. Each function's docstring names the SPSS output it
matches. Printed forms follow the paper: statistics to two decimals with a real
minus sign (U+2212), p to three decimals, "p < 0.001" below that.

A test that cannot be computed (one group, all answers alike, too few people)
returns a `Result` whose `reason` is a machine code and whose `message` says why in
the user's language, never a made-up number.

Missing values (None, NaN) in a list of numbers are left out, as SPSS leaves out
missing cases analysis by analysis.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _
from scipy import stats

PEARSON = "pearson_chi_square"
YATES = "yates_chi_square"
FISHER = "fisher_exact"
GOODNESS_OF_FIT = "chi_square_goodness_of_fit"
STUDENT = "student_t"
WELCH = "welch_t"
LEVENE = "levene"
SHAPIRO_WILK = "shapiro_wilk"

ONE_GROUP = "one_group"
NO_VARIATION = "no_variation"
TOO_FEW = "too_few"
EMPTY_TABLE = "empty_table"

TEST_LABELS = {
    PEARSON: _("Pearson chi-square"),
    YATES: _("Continuity-corrected chi-square (Yates)"),
    FISHER: _("Fisher's exact test"),
    GOODNESS_OF_FIT: _("Chi-square goodness of fit"),
    STUDENT: _("Student's t-test"),
    WELCH: _("Welch's t-test"),
    LEVENE: _("Levene's test"),
    SHAPIRO_WILK: _("Shapiro–Wilk test"),
}

REASON_MESSAGES = {
    ONE_GROUP: _("Only one group has anyone in it, so there is nothing to compare."),
    NO_VARIATION: _("The values do not vary, so there is nothing to test."),
    TOO_FEW: _("Too few people to compute this test."),
    EMPTY_TABLE: _("No one is counted in this table."),
}
_CANNOT_COMPUTE = _("This test cannot be computed.")

MINUS = "\u2212"
CHI = "χ²"
# SPSS (and the paper) print Fisher's p instead of Pearson's for a 2×2 table with
# an expected count below this.
MIN_EXPECTED = 5.0


# --- Formatting ---------------------------------------------------------------


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def format_statistic(x: float | None) -> str:
    """Two decimals with the real minus sign, as the paper prints: "−2.99"; "" for none."""
    if not _finite(x):
        return ""
    text = f"{x:.2f}"
    if text == "-0.00":  # a tiny negative value rounds to zero, which has no sign
        text = "0.00"
    return text.replace("-", MINUS)


def format_p(p: float | None) -> str:
    """p to three decimals as SPSS shows it and the paper prints it: "p = 0.326";
    0.00079 is "p = 0.001" (the paper's 14 of 15 caregivers: χ²(1) = 11.27,
    p = 0.001). What SPSS would show as .000 (p up to 0.0005) is "p < 0.001",
    never "p = 0.000"."""
    if not _finite(p):
        return ""
    if p <= 0.0005:
        return "p < 0.001"
    return f"p = {p:.3f}"


def format_percent(x: float | None) -> str:
    """One decimal, no sign: "79.2"; "" for none (e.g. a percentage of nobody)."""
    if not _finite(x):
        return ""
    return f"{x:.1f}"


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`; None when `whole` is 0 (a share of nobody)."""
    if whole <= 0:
        return None
    return 100.0 * part / whole


def _format_df(df: float) -> str:
    return str(int(df)) if float(df).is_integer() else f"{df:.2f}"


# --- Results ------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One statistical test.

    `df` is the test's degrees of freedom; None where the test has none (Fisher's
    exact test, Shapiro–Wilk). F tests (Levene) have two: `df` is the numerator's
    (groups − 1) and `df2` the denominator's (N − groups). Welch's df is fractional.
    `statistic` is None for Fisher's exact test: SPSS prints only its p.
    """

    test: str
    statistic: float | None
    df: float | None
    p: float | None
    reason: str | None = None
    df2: float | None = None

    @property
    def computed(self) -> bool:
        return self.reason is None

    @property
    def label(self) -> str:
        """The test's name in the user's language."""
        return str(TEST_LABELS.get(self.test, self.test))

    @property
    def message(self) -> str:
        """Why the test could not be computed, in the user's language; "" when it was."""
        if self.reason is None:
            return ""
        return str(REASON_MESSAGES.get(self.reason, _CANNOT_COMPUTE))

    def printed(self) -> str:
        """The paper's form: "χ²(9) = 10.30, p = 0.326", "t = −2.99, p = 0.004",
        "F = 0.12, p = 0.730", "W = 0.95, p = 0.512", "p = 0.039 (Fisher's exact test)";
        the reason's message when not computed."""
        if not self.computed:
            return self.message
        p = format_p(self.p)
        if self.test in (PEARSON, YATES, GOODNESS_OF_FIT) and self.df is not None:
            return f"{CHI}({_format_df(self.df)}) = {format_statistic(self.statistic)}, {p}"
        if self.test == FISHER:
            return str(_("%(p)s (Fisher's exact test)") % {"p": p})
        symbol = {STUDENT: "t", WELCH: "t", LEVENE: "F", SHAPIRO_WILK: "W"}.get(self.test)
        if symbol is None or self.statistic is None:
            return p
        return f"{symbol} = {format_statistic(self.statistic)}, {p}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready; numbers unrounded."""
        return {
            "test": self.test,
            "statistic": self.statistic,
            "df": self.df,
            "df2": self.df2,
            "p": self.p,
            "reason": self.reason,
            "printed": self.printed(),
        }


def _not_computed(test: str, reason: str) -> Result:
    return Result(test=test, statistic=None, df=None, p=None, reason=reason)


def _clean(values: Iterable[float | None]) -> list[float]:
    """The values as floats, without missing ones (None, NaN)."""
    out = []
    for value in values:
        if value is None:
            continue
        x = float(value)
        if not math.isnan(x):
            out.append(x)
    return out


# --- Descriptives -------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """SPSS Descriptives: N, mean, SD (sample, n − 1), minimum, maximum."""

    n: int
    mean: float | None
    sd: float | None
    minimum: float | None
    maximum: float | None

    def printed(self, decimals: int = 1) -> str:
        """Mean ± SD as Table 2 prints age: "40.2 ± 8.9"; "" when there is no SD."""
        if self.mean is None or self.sd is None:
            return ""
        mean = f"{self.mean:.{decimals}f}".replace("-", MINUS)
        return f"{mean} ± {self.sd:.{decimals}f}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean": self.mean,
            "sd": self.sd,
            "minimum": self.minimum,
            "maximum": self.maximum,
        }


def describe(values: Sequence[float | None]) -> Summary:
    """SPSS Descriptives / Explore: the SD is the sample SD (divisor n − 1), as SPSS
    prints it; no SD for fewer than two values, no mean for none."""
    xs = _clean(values)
    n = len(xs)
    if n == 0:
        return Summary(n=0, mean=None, sd=None, minimum=None, maximum=None)
    arr = np.asarray(xs)
    sd = float(np.std(arr, ddof=1)) if n >= 2 else None
    return Summary(
        n=n, mean=float(arr.mean()), sd=sd, minimum=float(arr.min()), maximum=float(arr.max())
    )


# --- Normality and variances --------------------------------------------------


def shapiro_wilk(values: Sequence[float | None]) -> Result:
    """SPSS Explore, "Tests of Normality", Shapiro–Wilk columns (Statistic, Sig.).

    SPSS and scipy.stats.shapiro both use Royston's algorithm (AS R94), so W and p
    agree. Fewer than three values: "too_few" (SPSS prints nothing either); all
    values equal: "no_variation" (W is undefined for a constant sample).
    """
    xs = _clean(values)
    if len(xs) < 3:
        return _not_computed(SHAPIRO_WILK, TOO_FEW)
    if max(xs) == min(xs):
        return _not_computed(SHAPIRO_WILK, NO_VARIATION)
    res = stats.shapiro(xs)
    return Result(SHAPIRO_WILK, float(res.statistic), None, float(res.pvalue))


def levene(*groups: Sequence[float | None]) -> Result:
    """SPSS "Levene's Test for Equality of Variances" (T-TEST and ONEWAY output).

    SPSS's T-TEST and ONEWAY compute the absolute deviations from each group's
    MEAN and run a one-way ANOVA on them (IBM technote swg21476023); scipy's default
    is centred on the median (the Brown–Forsythe variant), which gives different F
    and p, so center="mean" here. F has df (groups − 1, N − groups): `df` and `df2`.
    Empty groups are left out; fewer than two groups left: "one_group"; no
    denominator df: "too_few"; no spread of deviations: "no_variation".
    """
    clean = [xs for xs in (_clean(g) for g in groups) if xs]
    if len(clean) < 2:
        return _not_computed(LEVENE, ONE_GROUP)
    k = len(clean)
    total = sum(len(xs) for xs in clean)
    if total - k < 1:
        return _not_computed(LEVENE, TOO_FEW)
    deviations = [np.abs(np.asarray(xs) - np.mean(xs)) for xs in clean]
    # F divides by the spread of the deviations within the groups; when that is
    # nil (up to rounding) F is 0/0 or x/0, not a number to print.
    within = sum(float(((d - d.mean()) ** 2).sum()) for d in deviations)
    scale = sum(float((d**2).sum()) for d in deviations)
    if within <= 1e-24 * scale:
        return _not_computed(LEVENE, NO_VARIATION)
    res = stats.levene(*clean, center="mean")
    return Result(
        LEVENE, float(res.statistic), float(k - 1), float(res.pvalue), df2=float(total - k)
    )


# --- Independent-samples t-test -----------------------------------------------


@dataclass(frozen=True)
class TTest:
    """SPSS "Independent Samples Test": Levene's test, then the t-test with equal
    variances assumed (Student's, the one the paper prints) and not assumed (Welch's),
    plus each group's descriptives and Shapiro–Wilk."""

    groups: tuple[Summary, Summary]
    student: Result
    welch: Result
    levene: Result
    normality: tuple[Result, Result]

    def printed(self) -> str:
        return self.student.printed()

    def as_dict(self) -> dict[str, Any]:
        return {
            "groups": [g.as_dict() for g in self.groups],
            "student": self.student.as_dict(),
            "welch": self.welch.as_dict(),
            "levene": self.levene.as_dict(),
            "normality": [r.as_dict() for r in self.normality],
            "printed": self.printed(),
        }


def t_test(a: Sequence[float | None], b: Sequence[float | None]) -> TTest:
    """SPSS T-TEST GROUPS: independent samples, two-sided; t is mean(a) − mean(b)
    over its standard error.

    Student's t pools the variances (df = n₁ + n₂ − 2); Welch's uses separate
    variances with the Welch–Satterthwaite df, as SPSS's "Equal variances not
    assumed" row. An empty group: "one_group"; fewer than two values in a group:
    "too_few" (SPSS refuses too); no variance in either group: "no_variation".
    """
    xa, xb = _clean(a), _clean(b)
    summaries = (describe(xa), describe(xb))
    normality = (shapiro_wilk(xa), shapiro_wilk(xb))
    reason = None
    if not xa or not xb:
        reason = ONE_GROUP
    elif len(xa) < 2 or len(xb) < 2:
        reason = TOO_FEW
    elif max(xa) == min(xa) and max(xb) == min(xb):
        reason = NO_VARIATION
    if reason is not None:
        return TTest(
            groups=summaries,
            student=_not_computed(STUDENT, reason),
            welch=_not_computed(WELCH, reason),
            levene=_not_computed(LEVENE, reason),
            normality=normality,
        )
    with warnings.catch_warnings():
        # scipy warns about "catastrophic cancellation" for a group without
        # variance; the other group carries the variance and t is well defined.
        warnings.simplefilter("ignore", RuntimeWarning)
        student = stats.ttest_ind(xa, xb, equal_var=True)
        welch = stats.ttest_ind(xa, xb, equal_var=False)
    return TTest(
        groups=summaries,
        student=Result(STUDENT, float(student.statistic), float(student.df), float(student.pvalue)),
        welch=Result(WELCH, float(welch.statistic), float(welch.df), float(welch.pvalue)),
        levene=levene(xa, xb),
        normality=normality,
    )


# --- Cross-tables -------------------------------------------------------------


@dataclass(frozen=True)
class CrossTab:
    """SPSS CROSSTABS with /STATISTICS=CHISQ, on a table of counts.

    By convention the columns are the groups compared (peers | consumers; years)
    and the rows the categories (sex, education, communities).
    """

    table: tuple[tuple[int, ...], ...]
    kept_rows: tuple[int, ...]
    kept_columns: tuple[int, ...]
    expected: tuple[tuple[float, ...], ...]
    min_expected: float | None
    pearson: Result
    yates: Result | None
    fisher: Result | None
    printed_p: float | None
    printed_test: str

    def printed(self) -> str:
        """Pearson's χ² and df with the printed p, as the paper: "χ²(1) = 5.53, p = 0.039"
        (that p is Fisher's: see `printed_test`); the reason when not computed."""
        if not self.pearson.computed:
            return self.pearson.message
        stat = format_statistic(self.pearson.statistic)
        return f"{CHI}({_format_df(self.pearson.df)}) = {stat}, {format_p(self.printed_p)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": [list(row) for row in self.table],
            "kept_rows": list(self.kept_rows),
            "kept_columns": list(self.kept_columns),
            "expected": [list(row) for row in self.expected],
            "min_expected": self.min_expected,
            "pearson": self.pearson.as_dict(),
            "yates": self.yates.as_dict() if self.yates else None,
            "fisher": self.fisher.as_dict() if self.fisher else None,
            "printed_p": self.printed_p,
            "printed_test": self.printed_test,
            "printed": self.printed(),
        }


def _counts(table: Sequence[Sequence[int]]) -> list[list[int]]:
    rows = [list(row) for row in table]
    if rows and any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("every row of a cross-table needs the same number of columns")
    out = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, bool) or cell < 0 or int(cell) != cell:
                raise ValueError(f"a cross-table holds counts, not {cell!r}")
            cells.append(int(cell))
        out.append(cells)
    return out


def crosstab(table: Sequence[Sequence[int]]) -> CrossTab:
    """SPSS CROSSTABS "Chi-Square Tests" on a table of counts.

    - Rows and columns whose total is 0 are left out first: SPSS builds the table
      from the cases, so a category nobody has never appears in it (and an empty
      category would make an expected count 0). `kept_rows`/`kept_columns` index the
      original table.
    - "Pearson Chi-Square": without continuity correction, df = (r − 1)(c − 1),
      the figure the paper prints.
    - 2×2 only: "Continuity Correction" (Yates; 0 when |ad − bc| ≤ N/2, as SPSS and
      scipy both do) and "Fisher's Exact Test", Exact Sig. (2-sided): the sum of the
      probabilities of the tables no more likely than the observed one (scipy's
      definition is the same).
    - The p printed is Fisher's for a 2×2 table with an expected count below 5 (SPSS
      footnotes those cells; the paper then prints Fisher's p), else Pearson's.

    Fewer than two columns left: "one_group"; fewer than two rows: "no_variation";
    nobody at all: "empty_table".
    """
    counts = _counts(table)
    n_cols = len(counts[0]) if counts else 0
    kept_rows = tuple(i for i, row in enumerate(counts) if sum(row) > 0)
    kept_columns = tuple(j for j in range(n_cols) if sum(row[j] for row in counts) > 0)
    kept = tuple(tuple(counts[i][j] for j in kept_columns) for i in kept_rows)

    reason = None
    if not kept:
        reason = EMPTY_TABLE
    elif len(kept_columns) < 2:
        reason = ONE_GROUP
    elif len(kept_rows) < 2:
        reason = NO_VARIATION

    if kept:
        arr = np.asarray(kept, dtype=float)
        expected_arr = np.outer(arr.sum(axis=1), arr.sum(axis=0)) / arr.sum()
        expected = tuple(tuple(float(e) for e in row) for row in expected_arr)
        min_expected: float | None = float(expected_arr.min())
    else:
        expected, min_expected = (), None

    if reason is not None:
        return CrossTab(
            table=kept,
            kept_rows=kept_rows,
            kept_columns=kept_columns,
            expected=expected,
            min_expected=min_expected,
            pearson=_not_computed(PEARSON, reason),
            yates=None,
            fisher=None,
            printed_p=None,
            printed_test=PEARSON,
        )

    chi = stats.chi2_contingency(kept, correction=False)
    pearson = Result(PEARSON, float(chi.statistic), float(chi.dof), float(chi.pvalue))
    yates = fisher = None
    printed_p, printed_test = pearson.p, PEARSON
    if len(kept_rows) == 2 and len(kept_columns) == 2:
        corrected = stats.chi2_contingency(kept, correction=True)
        yates = Result(
            YATES, float(corrected.statistic), float(corrected.dof), float(corrected.pvalue)
        )
        exact = stats.fisher_exact(kept, alternative="two-sided")
        # Summing probabilities can overshoot 1 by a rounding error.
        fisher = Result(FISHER, None, None, min(1.0, float(exact.pvalue)))
        if min_expected is not None and min_expected < MIN_EXPECTED:
            printed_p, printed_test = fisher.p, FISHER
    return CrossTab(
        table=kept,
        kept_rows=kept_rows,
        kept_columns=kept_columns,
        expected=expected,
        min_expected=min_expected,
        pearson=pearson,
        yates=yates,
        fisher=fisher,
        printed_p=printed_p,
        printed_test=printed_test,
    )


# --- Goodness of fit ----------------------------------------------------------


def goodness_of_fit(yes: int, no: int) -> Result:
    """SPSS NPAR TESTS /CHISQUARE with equal expected frequencies on a yes/no item:
    χ²(1) of the answers against an even split of those who answered (people not
    assessed are not in it), as the paper tests satisfaction and benefit
    (17 yes, 4 no: χ²(1) = 8.05, p = 0.005). Nobody answered: "too_few".
    """
    if yes < 0 or no < 0:
        raise ValueError("counts cannot be negative")
    if yes + no == 0:
        return _not_computed(GOODNESS_OF_FIT, TOO_FEW)
    res = stats.chisquare([yes, no])
    return Result(GOODNESS_OF_FIT, float(res.statistic), 1.0, float(res.pvalue))
