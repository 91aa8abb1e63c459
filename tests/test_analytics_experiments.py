"""Does the A/B test agree with the arithmetic done by hand?"""

from __future__ import annotations

import math

import pytest
from scipy.stats import norm

from cjmlib.analytics import ab_test, explain_sample_size, sample_size
from cjmlib.errors import CJMError


def test_ab_test_by_hand():
    result = ab_test(100, 1000, 130, 1000)
    # Pooled rate = 230 / 2000 = 0.115; se = sqrt(0.115 * 0.885 * (1/1000 + 1/1000))
    #            = sqrt(0.00020355) = 0.0142671; z = (0.13 - 0.10) / 0.0142671 = 2.10274.
    se = math.sqrt(0.115 * 0.885 * 2 / 1000)
    assert result.z == pytest.approx(0.03 / se)
    assert result.z == pytest.approx(2.10274, abs=1e-4)
    # Two-sided p = 2 * (1 - Phi(2.10274)) = 0.03549.
    assert result.p_value == pytest.approx(2 * norm.sf(0.03 / se))
    assert result.p_value == pytest.approx(0.03549, abs=1e-4)
    assert result.significant
    # Newcombe: Wilson A = [0.082909, 0.120152], Wilson B = [0.110564, 0.152268];
    # low  = 0.03 - sqrt((0.13 - 0.110564)² + (0.120152 - 0.10)²) = 0.03 - 0.0279975 = 0.0020025
    # high = 0.03 + sqrt((0.152268 - 0.13)² + (0.10 - 0.082909)²) = 0.03 + 0.0280706 = 0.0580706
    assert result.ci_low == pytest.approx(0.0020025, abs=2e-6)
    assert result.ci_high == pytest.approx(0.0580706, abs=2e-6)
    assert result.table["ci_low"].tolist() == pytest.approx([0.082909, 0.110564], abs=1e-6)
    assert result.difference == pytest.approx(0.03)


def test_explanation_says_what_it_means_and_what_not():
    sig = ab_test(100, 1000, 130, 1000).explanation
    assert "statistisch signifikant (p = 0,035; die Grenze ist 0,05)" in sig
    assert "B konvertiert wahrscheinlich besser als A" in sig
    assert "Das heißt nicht, dass der Unterschied groß oder geschäftlich wichtig ist" in sig
    ns = ab_test(50, 500, 55, 500).explanation
    assert "nicht statistisch signifikant" in ns
    assert "Das heißt nicht, dass beide Varianten gleich gut sind" in ns


def test_sample_size_by_hand():
    # Cohen's h = 2 asin(sqrt(0.12)) - 2 asin(sqrt(0.10)) = 0.707485 - 0.643501 = 0.063984.
    # Per variant n = 2 * ((z_0.975 + z_0.8) / h)² = 2 * (2.801585 / 0.063984)² = 3834.5 -> 3835.
    h = 2 * math.asin(math.sqrt(0.12)) - 2 * math.asin(math.sqrt(0.10))
    by_hand = 2 * ((norm.ppf(0.975) + norm.ppf(0.8)) / h) ** 2
    assert by_hand == pytest.approx(3834.5, abs=0.5)
    assert sample_size(0.10, 0.12) == math.ceil(by_hand) == 3835
    assert "je Variante 3.835 Besuchende, zusammen 7.670" in explain_sample_size(0.10, 0.12)


def test_bad_inputs_are_explained():
    with pytest.raises(CJMError, match="0 ≤ Conversions ≤ Besuchende"):
        ab_test(20, 10, 5, 10)
    with pytest.raises(CJMError, match="als Anteil zwischen 0 und 1"):
        sample_size(10, 12)
    with pytest.raises(CJMError, match="einen anderen Wert"):
        sample_size(0.1, 0.1)
