"""A/B tests of conversion rates and the sample size they need.

The test is the two-sided two-proportion z-test with pooled variance
(``statsmodels.stats.proportion.proportions_ztest``); the interval of the difference is
Newcombe's hybrid score interval (``confint_proportions_2indep(method="newcomb")``), the
interval of each rate Wilson's. The sample size uses Cohen's effect size h for two
proportions and the normal power calculation (``NormalIndPower``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cjmlib.analytics._common import fmt_int, fmt_num, fmt_pct, wilson
from cjmlib.errors import CJMError
from cjmlib.messages import t


@dataclass(frozen=True)
class ABTestResult:
    """The outcome of :func:`ab_test`.

    Attributes
    ----------
    table:
        One row per variant: ``variant, n, conversions, rate, ci_low, ci_high``.
    difference:
        rate B - rate A (share, -1..1).
    ci_low, ci_high:
        95 % (or 1 - alpha) Newcombe interval of the difference.
    z, p_value:
        The two-proportion z-test (pooled, two-sided).
    significant:
        ``p_value < alpha``.
    explanation:
        German sentences: what the result means and what it does not mean.
    """

    table: pd.DataFrame
    difference: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    alpha: float
    significant: bool
    explanation: str
    methods: dict[str, str] = field(default_factory=dict)


def _check_counts(conversions: int, n: int, name: str) -> None:
    ok = (
        isinstance(conversions, (int, np.integer))
        and isinstance(n, (int, np.integer))
        and 0 <= conversions <= n
        and n > 0
    )
    if not ok:
        raise CJMError(
            t("analytics.error.ab_counts", name=name, conversions=conversions, n=n),
            field=name,
            value=(conversions, n),
        )


def ab_test(
    conversions_a: int,
    n_a: int,
    conversions_b: int,
    n_b: int,
    *,
    alpha: float = 0.05,
    labels: tuple[str, str] = ("A", "B"),
) -> ABTestResult:
    """Compare the conversion rates of two variants (A = control, B = new).

    Parameters
    ----------
    conversions_a, n_a:
        Conversions and visitors (customers) of variant A.
    conversions_b, n_b:
        The same for variant B.
    alpha:
        Significance level (0.05 = 95 % confidence).
    labels:
        Names of the two variants for the table and the explanation.

    Returns
    -------
    ABTestResult
        Rates, the difference B - A with its interval, z, p and a German explanation.
    """
    _check_counts(conversions_a, n_a, "conversions_a")
    _check_counts(conversions_b, n_b, "conversions_b")
    if not 0 < alpha < 0.5:
        raise CJMError(t("analytics.error.alpha", value=alpha), field="alpha", value=alpha)
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    ra, rb = conversions_a / n_a, conversions_b / n_b
    if conversions_a + conversions_b in (0, n_a + n_b):
        z, p = 0.0, 1.0  # both all-or-nothing: no variance, no evidence of a difference
    else:
        z, p = proportions_ztest(
            [conversions_b, conversions_a], [n_b, n_a], alternative="two-sided"
        )
    low, high = confint_proportions_2indep(
        conversions_b, n_b, conversions_a, n_a, method="newcomb", alpha=alpha
    )
    wl, wh = wilson([conversions_a, conversions_b], [n_a, n_b], alpha=alpha)
    table = pd.DataFrame(
        {
            "variant": list(labels),
            "n": [n_a, n_b],
            "conversions": [conversions_a, conversions_b],
            "rate": [ra, rb],
            "ci_low": wl,
            "ci_high": wh,
        }
    )
    significant = bool(p < alpha)
    level = fmt_num(100 * (1 - alpha), 0)
    diff = rb - ra
    a, b = labels
    parts = [
        t(
            "analytics.ab.rates",
            a=a,
            b=b,
            ra=fmt_pct(ra),
            rb=fmt_pct(rb),
            na=fmt_int(n_a),
            nb=fmt_int(n_b),
            diff=fmt_num(100 * diff),
            low=fmt_num(100 * low),
            high=fmt_num(100 * high),
            level=level,
        )
    ]
    if significant:
        parts.append(
            t(
                "analytics.ab.significant",
                p=fmt_num(float(p), 4),
                alpha=fmt_num(alpha, 2),
                direction=t("analytics.ab.higher" if diff > 0 else "analytics.ab.lower"),
                a=a,
                b=b,
            )
        )
        parts.append(t("analytics.ab.not_meaning_sig"))
    else:
        parts.append(
            t("analytics.ab.not_significant", p=fmt_num(float(p), 4), alpha=fmt_num(alpha, 2))
        )
        parts.append(t("analytics.ab.not_meaning_ns"))
    table.attrs["explanation"] = " ".join(parts)
    return ABTestResult(
        table=table,
        difference=float(diff),
        ci_low=float(low),
        ci_high=float(high),
        z=float(z),
        p_value=float(p),
        alpha=alpha,
        significant=significant,
        explanation=" ".join(parts),
        methods={"test": t("analytics.ab.method_test"), "interval": t("analytics.ab.method_ci")},
    )


def sample_size(baseline: float, target: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Return the visitors needed **per variant** to detect a change of the rate.

    Parameters
    ----------
    baseline:
        The current conversion rate (share 0..1), e.g. 0.10.
    target:
        The rate you hope to detect, e.g. 0.12.
    alpha:
        Significance level of the two-sided test.
    power:
        Chance to detect the change if it is real (0.8 = 80 %).

    Returns
    -------
    int
        n per variant, rounded up: ``2 * ((z_{1-alpha/2} + z_{power}) / h)**2`` with
        Cohen's ``h = 2 asin(sqrt(target)) - 2 asin(sqrt(baseline))`` (the arcsine
        transform has variance 1/n per group, so a difference of two groups has 2/n).
    """
    for name, value in (("baseline", baseline), ("target", target)):
        if not (isinstance(value, (int, float)) and 0 < value < 1):
            raise CJMError(
                t("analytics.error.rate", name=name, value=value), field=name, value=value
            )
    if baseline == target:
        raise CJMError(t("analytics.error.same_rate", value=baseline), field="target", value=target)
    if not 0 < power < 1 or not 0 < alpha < 0.5:
        raise CJMError(t("analytics.error.alpha", value=alpha), field="alpha", value=alpha)
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    h = abs(proportion_effectsize(target, baseline))
    n = NormalIndPower().solve_power(
        effect_size=h, alpha=alpha, power=power, ratio=1.0, alternative="two-sided"
    )
    return int(np.ceil(n))


def explain_sample_size(
    baseline: float, target: float, *, alpha: float = 0.05, power: float = 0.8
) -> str:
    """Return a German sentence with the sample size of :func:`sample_size`."""
    n = sample_size(baseline, target, alpha=alpha, power=power)
    return t(
        "analytics.ab.sample_size",
        n=fmt_int(n),
        total=fmt_int(2 * n),
        base=fmt_pct(baseline),
        target=fmt_pct(target),
        power=fmt_pct(power, 0),
        level=fmt_num(100 * (1 - alpha), 0),
    )
