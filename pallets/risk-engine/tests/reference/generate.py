#!/usr/bin/env python3
"""Reference values for risk-engine's fixed_math and options, computed by mpmath (1.3.0)
at 50 significant digits.

    python3 pallets/risk-engine/tests/reference/generate.py

rewrites, beside this file:
- math.csv: one row per point, `function,x,y`, where x is the input and y the exact value
  rounded to nearest, both as FixedI128 inner integers (units of 10^-18), checked by
  tests/fixed_math.rs;
- black76.csv: `kind,forward,strike,years,volatility,price,delta,gamma,vega`, the same
  way, checked by tests/options.rs.
The points are fixed (grids plus edge values), so the files only change if this script does.
"""
from decimal import Decimal
import os

import mpmath as mp

mp.mp.dps = 50
SCALE = 10**18


def fixed(value):
    """An mpmath number as the nearest FixedI128 inner integer."""
    return int(mp.nint(mp.mpf(value) * SCALE))


def grid(lo, hi, n):
    """n evenly spaced points from lo to hi, as FixedI128 inner integers."""
    step = (Decimal(hi) - Decimal(lo)) / (n - 1)
    return [int((Decimal(lo) + step * i) * SCALE) for i in range(n)]


def x_of(raw):
    return mp.mpf(raw) / SCALE


def norm_cdf(x):
    return mp.ncdf(x)


def norm_pdf(x):
    return mp.npdf(x)


points = {
    "sqrt": grid("0", "4", 51) + [1, 2, 10**17, 2 * SCALE, 3 * SCALE, 10**36, 10**38, 170 * 10**36, 123456789012345678901234],
    "exp": grid("-41", "45.9", 56) + grid("-1", "1", 15) + [0, 1, -1, 10**15, -(10**15)],
    "ln": grid("0.05", "20", 41) + [1, 2, 10**9, 10**17, SCALE, SCALE + 1, SCALE - 1, 10**20, 10**30, 10**38, 170 * 10**36, 2 * SCALE, 7 * 10**17],
    "norm_pdf": grid("-12", "12", 51) + [0, SCALE // 2, -SCALE // 2],
    "norm_cdf": grid("-11", "11", 45) + grid("-0.5", "0.5", 11) + [int(Decimal(x) * SCALE) for x in ("4.99", "5", "5.01", "-4.99", "-5", "-5.01", "8.5", "-8.5", "9.9", "-9.9")],
}
functions = {
    "sqrt": mp.sqrt,
    "exp": mp.exp,
    "ln": mp.log,
    "norm_pdf": norm_pdf,
    "norm_cdf": norm_cdf,
}

rows = []
for name, xs in points.items():
    for raw in sorted(set(xs)):
        rows.append(f"{name},{raw},{fixed(functions[name](x_of(raw)))}")

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "math.csv")
with open(out, "w") as f:
    f.write("# function,x,y: FixedI128 inner integers (10^-18); y = f(x) by mpmath 1.3.0 at 50 digits, rounded to nearest. Regenerate: python3 pallets/risk-engine/tests/reference/generate.py\n")
    f.write("\n".join(rows) + "\n")
print(f"wrote {len(rows)} rows to {out}")


def black76(kind, f, k, t, s):
    """Black-76 (rate 0): premium, delta, gamma, vega per unit of volatility."""
    srt = s * mp.sqrt(t)
    d1 = (mp.log(f / k) + srt * srt / 2) / srt
    d2 = d1 - srt
    if kind == "Call":
        price = f * mp.ncdf(d1) - k * mp.ncdf(d2)
        delta = mp.ncdf(d1)
    else:
        price = k * mp.ncdf(-d2) - f * mp.ncdf(-d1)
        delta = -mp.ncdf(-d1)
    gamma = mp.npdf(d1) / (f * srt)
    vega = f * mp.npdf(d1) * mp.sqrt(t)
    return price, delta, gamma, vega


option_rows = []
for f in ("60000", "3000"):
    for moneyness in ("0.5", "0.8", "0.95", "1", "1.05", "1.25", "2"):
        for t in ("0.0027397260273972603", "0.019178082191780823", "0.25", "1"):
            for s in ("0.2", "0.6", "1.5"):
                for kind in ("Call", "Put"):
                    k = Decimal(f) * Decimal(moneyness)
                    inputs = [int(Decimal(v) * SCALE) for v in (f, k, t, s)]
                    values = black76(kind, *(x_of(v) for v in inputs))
                    option_rows.append(",".join([kind] + [str(v) for v in inputs] + [str(fixed(v)) for v in values]))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "black76.csv")
with open(out, "w") as f:
    f.write("# kind,forward,strike,years,volatility,price,delta,gamma,vega: FixedI128 inner integers (10^-18); Black-76 at rate 0 by mpmath 1.3.0 at 50 digits. Regenerate: python3 pallets/risk-engine/tests/reference/generate.py\n")
    f.write("\n".join(option_rows) + "\n")
print(f"wrote {len(option_rows)} rows to {out}")
