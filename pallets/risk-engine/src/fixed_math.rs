//! Deterministic fixed-point `sqrt`, `exp`, `ln` and the standard normal density and
//! distribution, for option pricing in the runtime: no floats, the same bits on every
//! validator.
//!
//! Inputs and outputs are [`FixedI128`]s (18 decimals). Inside, each function works in
//! integers at 27 decimals ("wide") so that the rounding of its series stays far below the
//! last output digit, and rounds once, to nearest, at the end.
//!
//! | function | domain | method | maximum error (units of 10^-18) |
//! |---|---|---|---|
//! | [`sqrt`] | `x >= 0` | integer square root of `x * 10^18` | 1 ([`SQRT_MAX_ERROR`]) |
//! | [`exp`] | `x <= 46` | `x = k ln 2 + r`, `|r| <= ln 2 / 2`, Taylor series of `e^r` | 1 plus 10^-25 relative ([`EXP_MAX_ERROR`], [`EXP_MAX_RELATIVE_ERROR_DIVISOR`]) |
//! | [`ln`] | `x > 0` | `x = m 2^k`, `m` in `[0.75, 1.5)`, `ln m = 2 atanh((m-1)/(m+1))` | 1 ([`LN_MAX_ERROR`]) |
//! | [`norm_pdf`] | any | `e^(-x^2/2) / sqrt(2 pi)` | 1 ([`NORM_PDF_MAX_ERROR`]) |
//! | [`norm_cdf`] | any | `|x| <= 5`: `1/2 + phi(x) (x + x^3/3 + x^5/15 + ...)`; beyond, `phi(x)` over the Mills-ratio continued fraction; `|x| > 10`: 0 or 1 | 1 ([`NORM_CDF_MAX_ERROR`]) |
//!
//! The errors are checked against 300 reference values computed by mpmath 1.3.0 at 50
//! significant digits (`tests/reference/math.csv`; regenerate with
//! `python3 pallets/risk-engine/tests/reference/generate.py`), in `tests/fixed_math.rs`.
//! `exp` is the one function whose output grows without bound: its series runs at 27
//! decimals, so a result near 10^19 may be off by about 10^-6 (10^12 units), still 10^-25
//! of itself.

use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub},
	FixedI128, Rounding,
};

use crate::RiskError;

/// The most `sqrt` is off by, in units of 10^-18.
pub const SQRT_MAX_ERROR: i128 = 1;
/// The most `exp` is off by, in units of 10^-18, besides its relative error.
pub const EXP_MAX_ERROR: i128 = 1;
/// `exp`'s relative error is at most `1 / EXP_MAX_RELATIVE_ERROR_DIVISOR` (10^-25): it
/// matters only above about 10^7, where a unit of 10^-18 is below the series' precision.
pub const EXP_MAX_RELATIVE_ERROR_DIVISOR: i128 = 10_000_000_000_000_000_000_000_000;
/// The most `ln` is off by, in units of 10^-18.
pub const LN_MAX_ERROR: i128 = 1;
/// The most `norm_pdf` is off by, in units of 10^-18.
pub const NORM_PDF_MAX_ERROR: i128 = 1;
/// The most `norm_cdf` is off by, in units of 10^-18.
pub const NORM_CDF_MAX_ERROR: i128 = 1;

/// 10^18: one, in the outputs' scale.
const ONE: i128 = 1_000_000_000_000_000_000;
/// 10^27: one, in the wide scale the series run in.
const WIDE: i128 = 1_000_000_000_000_000_000_000_000_000;
/// From the output scale to the wide one.
const WIDEN: i128 = WIDE / ONE;
/// ln 2 at 27 decimals.
const LN2_WIDE: i128 = 693_147_180_559_945_309_417_232_121;
/// ln 2 at 36 decimals, for the argument reduction of `exp`.
const LN2_36: i128 = 693_147_180_559_945_309_417_232_121_458_176_568;
/// 1 / sqrt(2 pi) at 27 decimals.
const INV_SQRT_2PI_WIDE: i128 = 398_942_280_401_432_677_939_946_060;
/// The largest argument of `exp` whose result fits a `FixedI128`.
const EXP_MAX_ARGUMENT: i128 = 46 * ONE;
/// Below this, `exp` rounds to zero.
const EXP_MIN_ARGUMENT: i128 = -42 * ONE;
/// Beyond this distance from zero, `norm_cdf` is 0 or 1 to the last digit (Q(10) ~ 7.6e-24).
const CDF_SATURATION: i128 = 10 * WIDE;
/// Where `norm_cdf` switches from the series to the continued fraction.
const CDF_SERIES_LIMIT: i128 = 5 * WIDE;
/// Terms of the continued fraction, evaluated from the back (enough for 10^-27 at x = 5).
const CDF_FRACTION_TERMS: i128 = 300;

/// `a x b`, or [`RiskError::Overflow`].
pub(crate) fn checked_mul(a: FixedI128, b: FixedI128) -> Result<FixedI128, RiskError> {
	a.checked_mul(&b).ok_or(RiskError::Overflow)
}

/// `a / b`, or [`RiskError::Overflow`] (also for a zero `b`).
pub(crate) fn checked_div(a: FixedI128, b: FixedI128) -> Result<FixedI128, RiskError> {
	a.checked_div(&b).ok_or(RiskError::Overflow)
}

/// `a + b`, or [`RiskError::Overflow`].
pub(crate) fn checked_add(a: FixedI128, b: FixedI128) -> Result<FixedI128, RiskError> {
	a.checked_add(&b).ok_or(RiskError::Overflow)
}

/// `a - b`, or [`RiskError::Overflow`].
pub(crate) fn checked_sub(a: FixedI128, b: FixedI128) -> Result<FixedI128, RiskError> {
	a.checked_sub(&b).ok_or(RiskError::Overflow)
}

/// `a x b / c`, rounded to nearest, for signed `a` and `b` and a positive `c`.
fn mul_div(a: i128, b: i128, c: i128) -> Result<i128, RiskError> {
	if c <= 0 {
		return Err(RiskError::Overflow);
	}
	let negative = (a < 0) != (b < 0);
	let magnitude = multiply_by_rational_with_rounding(
		a.unsigned_abs(),
		b.unsigned_abs(),
		c.unsigned_abs(),
		Rounding::NearestPrefDown,
	)
	.ok_or(RiskError::Overflow)?;
	let magnitude = i128::try_from(magnitude).map_err(|_| RiskError::Overflow)?;
	Ok(if negative { -magnitude } else { magnitude })
}

/// `a x b` in the wide scale.
fn wide_mul(a: i128, b: i128) -> Result<i128, RiskError> {
	mul_div(a, b, WIDE)
}

/// `a / b` in the wide scale.
fn wide_div(a: i128, b: i128) -> Result<i128, RiskError> {
	if b == 0 {
		return Err(RiskError::Overflow);
	}
	let sign = if b < 0 { -1 } else { 1 };
	mul_div(a, WIDE, b.abs()).map(|q| q * sign)
}

/// A wide value rounded to the output scale.
fn narrow(wide: i128) -> i128 {
	let half = WIDEN / 2;
	if wide >= 0 {
		(wide + half) / WIDEN
	} else {
		-((-wide + half) / WIDEN)
	}
}

/// The square root of `x`, to the nearest 10^-18. Fails for a negative `x`.
pub fn sqrt(x: FixedI128) -> Result<FixedI128, RiskError> {
	let raw = x.into_inner();
	if raw < 0 {
		return Err(RiskError::OutOfDomain);
	}
	// sqrt(raw / 10^18) x 10^18 = sqrt(raw x 10^18).
	let root = sqrt_of_product(raw as u128, ONE as u128)?;
	i128::try_from(root).map(FixedI128::from_inner).map_err(|_| RiskError::Overflow)
}

/// `sqrt(a x b)` rounded to nearest, with the product kept in 256 bits.
fn sqrt_of_product(a: u128, b: u128) -> Result<u128, RiskError> {
	if a == 0 || b == 0 {
		return Ok(0);
	}
	let quotient = |y: u128, rounding| {
		multiply_by_rational_with_rounding(a, b, y, rounding).ok_or(RiskError::Overflow)
	};
	// Newton's method from above converges to the floor of the root.
	let bits = |n: u128| 128 - n.leading_zeros();
	let mut y: u128 =
		1u128.checked_shl((bits(a) + bits(b)).div_ceil(2)).ok_or(RiskError::Overflow)?;
	loop {
		let next = (y + quotient(y, Rounding::Down)?) / 2;
		if next >= y {
			break;
		}
		y = next;
	}
	// The root is never exactly y + 1/2, so it rounds up exactly when a b > y (y + 1),
	// that is when ceil(a b / (y + 1)) > y.
	Ok(if quotient(y + 1, Rounding::Up)? > y { y + 1 } else { y })
}

/// `e^r` for a small wide `r` (`|r| <= ln 2 / 2`), wide, by its Taylor series.
fn exp_small_wide(r: i128) -> Result<i128, RiskError> {
	let mut sum = WIDE;
	let mut term = WIDE;
	let mut n = 1;
	while term != 0 {
		term = wide_mul(term, r)? / n;
		sum += term;
		n += 1;
	}
	Ok(sum)
}

/// `x = k ln 2 + r` with `|r| <= ln 2 / 2`, for a wide `x` with `|x| <= 100`; `r` is wide.
/// The subtraction runs at 36 decimals, so that `k` times the rounding of ln 2 stays
/// below the wide scale's last digit.
fn reduce_by_ln2(x_wide: i128) -> Result<(i128, i128), RiskError> {
	let k = mul_div(x_wide, 1, LN2_WIDE)?;
	let x_36 = x_wide.checked_mul(1_000_000_000).ok_or(RiskError::Overflow)?;
	let r_36 = x_36 - k * LN2_36;
	Ok((k, mul_div(r_36, 1, 1_000_000_000)?))
}

/// `e^x` in the wide scale, for `x <= 0` (the density needs it to 27 decimals).
fn exp_wide_nonpositive(x_wide: i128) -> Result<i128, RiskError> {
	if x_wide < EXP_MIN_ARGUMENT * WIDEN * 2 {
		return Ok(0);
	}
	let (k, r) = reduce_by_ln2(x_wide)?;
	let e_r = exp_small_wide(r)?;
	if k >= 0 {
		return e_r.checked_shl(k as u32).ok_or(RiskError::Overflow);
	}
	let shift = (-k) as u32;
	if shift >= 127 {
		return Ok(0);
	}
	Ok((e_r + (1 << (shift - 1))) >> shift)
}

/// `e^x`, within one unit of 10^-18 plus 10^-25 of itself. Fails when the result does not
/// fit (`x > 46`).
pub fn exp(x: FixedI128) -> Result<FixedI128, RiskError> {
	let raw = x.into_inner();
	if raw > EXP_MAX_ARGUMENT {
		return Err(RiskError::Overflow);
	}
	if raw < EXP_MIN_ARGUMENT {
		return Ok(FixedI128::from_inner(0));
	}
	let (k, r) = reduce_by_ln2(raw * WIDEN)?;
	let e_r = exp_small_wide(r)?;
	let result =
		if k >= 0 { mul_div(e_r, 1i128 << k, WIDEN)? } else { mul_div(e_r, 1, WIDEN << (-k))? };
	Ok(FixedI128::from_inner(result))
}

/// The natural logarithm of `x`, to the nearest 10^-18. Fails for `x <= 0`.
pub fn ln(x: FixedI128) -> Result<FixedI128, RiskError> {
	let raw = x.into_inner();
	if raw <= 0 {
		return Err(RiskError::OutOfDomain);
	}
	// x = m 2^k with m in [0.75, 1.5): k from the bit lengths of raw and of 10^18.
	let mut k = (127 - raw.leading_zeros() as i32) - (127 - ONE.leading_zeros() as i32);
	let m_wide = |k: i32| -> Result<i128, RiskError> {
		if k >= 0 {
			mul_div(raw, WIDEN, 1i128 << k)
		} else {
			mul_div(raw, WIDEN << (-k), 1)
		}
	};
	let mut m = m_wide(k)?;
	while m >= WIDE + WIDE / 2 {
		k += 1;
		m = m_wide(k)?;
	}
	while m < WIDE - WIDE / 4 {
		k -= 1;
		m = m_wide(k)?;
	}
	// ln m = 2 (z + z^3/3 + z^5/5 + ...), z = (m - 1)/(m + 1), |z| <= 0.2.
	let z = wide_div(m - WIDE, m + WIDE)?;
	let z2 = wide_mul(z, z)?;
	let mut power = z;
	let mut sum = 0i128;
	let mut n = 1i128;
	while power != 0 {
		sum += power / n;
		power = wide_mul(power, z2)?;
		n += 2;
	}
	let ln_wide = 2 * sum + k as i128 * LN2_WIDE;
	Ok(FixedI128::from_inner(narrow(ln_wide)))
}

/// The standard normal density at a wide `x`, wide.
fn norm_pdf_wide(x_wide: i128) -> Result<i128, RiskError> {
	if x_wide.unsigned_abs() > (40 * WIDE) as u128 {
		return Ok(0);
	}
	let exponent = -wide_mul(x_wide, x_wide)? / 2;
	wide_mul(exp_wide_nonpositive(exponent)?, INV_SQRT_2PI_WIDE)
}

/// The standard normal density `e^(-x^2/2) / sqrt(2 pi)`, to the nearest 10^-18.
pub fn norm_pdf(x: FixedI128) -> Result<FixedI128, RiskError> {
	let x_wide = x.into_inner().checked_mul(WIDEN).ok_or(RiskError::Overflow);
	match x_wide {
		Ok(x_wide) => Ok(FixedI128::from_inner(narrow(norm_pdf_wide(x_wide)?))),
		// Beyond 1.7 x 10^11 the density is zero to any precision.
		Err(_) => Ok(FixedI128::from_inner(0)),
	}
}

/// The standard normal distribution function `P(Z <= x)`, to the nearest 10^-18.
pub fn norm_cdf(x: FixedI128) -> Result<FixedI128, RiskError> {
	let Some(x_wide) = x.into_inner().checked_mul(WIDEN) else {
		return Ok(FixedI128::from_inner(if x.into_inner() > 0 { ONE } else { 0 }));
	};
	if x_wide > CDF_SATURATION {
		return Ok(FixedI128::from_inner(ONE));
	}
	if x_wide < -CDF_SATURATION {
		return Ok(FixedI128::from_inner(0));
	}
	let density = norm_pdf_wide(x_wide)?;
	let cdf_wide = if x_wide.abs() <= CDF_SERIES_LIMIT {
		// 1/2 + phi(x) (x + x^3/3 + x^5/(3 5) + ...): every term has x's sign, so the sum
		// never cancels.
		let x2 = wide_mul(x_wide, x_wide)?;
		let mut term = x_wide;
		let mut sum = 0i128;
		let mut n = 1i128;
		while term != 0 {
			sum += term;
			n += 2;
			term = wide_mul(term, x2)? / n;
		}
		WIDE / 2 + wide_mul(density, sum)?
	} else {
		// The upper tail Q(|x|) = phi(x) / (|x| + 1/(|x| + 2/(|x| + 3/(|x| + ...)))).
		let a = x_wide.abs();
		let mut denominator = a;
		for n in (1..=CDF_FRACTION_TERMS).rev() {
			denominator = a + wide_div(n * WIDE, denominator)?;
		}
		let tail = wide_div(density, denominator)?;
		if x_wide > 0 {
			WIDE - tail
		} else {
			tail
		}
	};
	Ok(FixedI128::from_inner(narrow(cdf_wide)))
}
