//! European options on a forward, priced with Black-76: the premium and the greeks the
//! portfolio margin revalues with.
//!
//! For a forward (or index) `F`, strike `K`, time to expiry `T` in years, volatility `s`
//! (annualized, 0.6 for 60%) and a continuously compounded rate `r` (zero unless a market
//! says otherwise), with `D = e^(-rT)`:
//!
//! - `d1 = (ln(F/K) + s^2 T / 2) / (s sqrt(T))`, `d2 = d1 - s sqrt(T)`;
//! - call `= D (F N(d1) - K N(d2))`, put `= D (K N(-d2) - F N(-d1))`;
//! - delta: call `D N(d1)`, put `-D N(-d1)`; gamma `D n(d1) / (F s sqrt(T))`;
//!   vega `D F n(d1) sqrt(T)` per unit of volatility (divide by 100 for one vol point).
//!
//! At expiry (`T = 0`) or with no volatility the option is worth its discounted intrinsic
//! value, its delta is `D` (call) or `-D` (put) in the money and zero out of it (at the
//! money, half), and gamma and vega are zero.
//!
//! All arithmetic is [`FixedI128`] (18 decimals) through [`crate::fixed_math`]. The
//! results are checked against 336 options priced by mpmath at 50 digits
//! (`tests/reference/black76.csv`: forwards of 60,000 and 3,000, strikes from half to twice
//! the forward, one day to one year, volatility 20% to 150%) in `tests/options.rs`: the
//! premium and vega within [`PRICE_MAX_ERROR_PER_USD`] and [`VEGA_MAX_ERROR_PER_USD`] units
//! per USD of forward plus strike, delta within [`DELTA_MAX_ERROR`] units, gamma within
//! one unit plus 10^-12 of itself. (Seen: premiums and vegas under one unit per USD,
//! deltas within 11 units, gammas within one.)
//!
//! [`black76_premium_fast`] is [`black76_premium`] with the fast distribution function
//! ([`crate::fixed_math::norm_cdf_fast`]), for the portfolio scan: the same formula and the
//! same `d1` and `d2`, so it differs from the exact premium by at most
//! [`FAST_PREMIUM_MAX_DEVIATION_PER_USD`] units per USD of forward plus strike plus
//! [`FAST_PREMIUM_MAX_DEVIATION_ROUNDING`], a bound the scan adds to its losses
//! ([`crate::portfolio`]). `tests/options.rs` checks it on the reference options at the
//! scan's forwards and volatilities (seen: one unit per USD).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	traits::{One, Zero},
	FixedI128, FixedPointNumber,
};

use crate::{
	fixed_math::{
		checked_add as add, checked_div as div, checked_mul as mul, checked_sub as sub, exp, ln,
		norm_cdf, norm_cdf_fast, norm_pdf, sqrt, NORM_CDF_FAST_MAX_ERROR, NORM_CDF_MAX_ERROR,
	},
	RiskError,
};

/// The most a premium is off, in units of 10^-18 per whole USD of forward plus strike.
pub const PRICE_MAX_ERROR_PER_USD: i128 = 4;
/// The most a delta is off, in units of 10^-18: `d1` divides by `s sqrt(T)`, which
/// magnifies the logarithm's last-digit rounding for short expiries and low volatility.
pub const DELTA_MAX_ERROR: i128 = 100;
/// A gamma is off by at most one unit plus `1 / GAMMA_MAX_RELATIVE_ERROR` of itself.
pub const GAMMA_MAX_RELATIVE_ERROR: i128 = 1_000_000_000_000;
/// The most a vega is off, in units of 10^-18 per whole USD of forward plus strike.
pub const VEGA_MAX_ERROR_PER_USD: i128 = 4;
/// The most [`black76_premium_fast`] differs from [`black76_premium`], in units of 10^-18
/// per whole USD of forward plus strike (each distribution value by both functions' errors),
/// besides [`FAST_PREMIUM_MAX_DEVIATION_ROUNDING`].
pub const FAST_PREMIUM_MAX_DEVIATION_PER_USD: i128 = NORM_CDF_MAX_ERROR + NORM_CDF_FAST_MAX_ERROR;
/// Units of 10^-18 [`black76_premium_fast`] may differ from [`black76_premium`] besides
/// [`FAST_PREMIUM_MAX_DEVIATION_PER_USD`]: the truncation of its two products.
pub const FAST_PREMIUM_MAX_DEVIATION_ROUNDING: i128 = 2;

/// A call or a put.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum OptionKind {
	/// The right to buy at the strike.
	Call,
	/// The right to sell at the strike.
	Put,
}

/// What Black-76 needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Black76 {
	/// Call or put.
	pub kind: OptionKind,
	/// The forward (the perpetual's index), USD per whole unit; positive.
	pub forward: FixedI128,
	/// The strike, USD per whole unit; positive.
	pub strike: FixedI128,
	/// Time to expiry in years; zero or more.
	pub years: FixedI128,
	/// Annualized volatility (0.6 for 60%); zero or more.
	pub volatility: FixedI128,
	/// Continuously compounded annual rate; zero for undiscounted premiums.
	pub rate: FixedI128,
}

/// An option's premium and greeks, per whole unit of the underlying.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Valuation {
	/// The premium, USD.
	pub price: FixedI128,
	/// `dPrice/dF`.
	pub delta: FixedI128,
	/// `d2Price/dF2`, per USD.
	pub gamma: FixedI128,
	/// `dPrice/ds`, USD per unit of volatility.
	pub vega: FixedI128,
}

/// Black-76 premium and greeks (see the module docs). Fails with
/// [`RiskError::OutOfDomain`] for a forward or strike that is not positive, or a negative
/// time or volatility.
pub fn black76(option: &Black76) -> Result<Valuation, RiskError> {
	let zero = FixedI128::zero();
	let one = FixedI128::one();
	let Black76 { kind, forward, strike, years, .. } = *option;
	let (discount, sigma_root_t) = discount_and_spread(option)?;
	if sigma_root_t.is_zero() {
		// Expired, or no volatility: the discounted intrinsic value.
		let (intrinsic, moneyness) = match kind {
			OptionKind::Call => (sub(forward, strike)?, forward.cmp(&strike)),
			OptionKind::Put => (sub(strike, forward)?, strike.cmp(&forward)),
		};
		let sign = if kind == OptionKind::Call { one } else { -one };
		let delta = match moneyness {
			core::cmp::Ordering::Greater => mul(discount, sign)?,
			core::cmp::Ordering::Equal => {
				div(mul(discount, sign)?, FixedI128::saturating_from_integer(2))?
			},
			core::cmp::Ordering::Less => zero,
		};
		return Ok(Valuation {
			price: mul(discount, intrinsic.max(zero))?,
			delta,
			gamma: zero,
			vega: zero,
		});
	}

	let log_moneyness = ln(div(forward, strike)?)?;
	let half_variance =
		div(mul(sigma_root_t, sigma_root_t)?, FixedI128::saturating_from_integer(2))?;
	let d1 = div(add(log_moneyness, half_variance)?, sigma_root_t)?;
	let d2 = sub(d1, sigma_root_t)?;
	let density = norm_pdf(d1)?;
	let (price, delta) = match kind {
		OptionKind::Call => {
			let n1 = norm_cdf(d1)?;
			let n2 = norm_cdf(d2)?;
			(sub(mul(forward, n1)?, mul(strike, n2)?)?, mul(discount, n1)?)
		},
		OptionKind::Put => {
			let n1 = norm_cdf(-d1)?;
			let n2 = norm_cdf(-d2)?;
			(sub(mul(strike, n2)?, mul(forward, n1)?)?, -mul(discount, n1)?)
		},
	};
	Ok(Valuation {
		// Rounding can leave a deep out-of-the-money premium a unit below zero.
		price: mul(discount, price)?.max(zero),
		delta,
		gamma: div(mul(discount, density)?, mul(forward, sigma_root_t)?)?,
		vega: mul(mul(discount, forward)?, mul(density, sqrt(years)?)?)?,
	})
}

/// The discount factor `e^(-rT)` and `s sqrt(T)` of `option`, after checking its domain
/// (see [`black76`]).
fn discount_and_spread(option: &Black76) -> Result<(FixedI128, FixedI128), RiskError> {
	let zero = FixedI128::zero();
	let Black76 { forward, strike, years, volatility, rate, .. } = *option;
	if forward <= zero || strike <= zero || years < zero || volatility < zero {
		return Err(RiskError::OutOfDomain);
	}
	Ok((exp(-mul(rate, years)?)?, mul(volatility, sqrt(years)?)?))
}

/// [`black76`]'s premium alone, to the same bits, without the greeks (no density, no vega or
/// gamma): what a mark needs. With a rate it discounts as [`black76`] does. The same errors.
pub fn black76_price(option: &Black76) -> Result<FixedI128, RiskError> {
	discounted_premium(option, black76_premium)
}

/// [`black76_price`] with the fast distribution function ([`norm_cdf_fast`], within one
/// unit of `Phi` as [`norm_cdf`] is): what a series is marked with, a fraction of the work
/// in the wasm runtime, where [`norm_cdf`]'s 27-decimal series is 128-bit library calls.
/// The same formula, `d1` and `d2` to the same bits and the same discount, so it is within
/// [`FAST_PREMIUM_MAX_DEVIATION_PER_USD`] units of 10^-18 per whole USD of forward plus
/// strike, plus [`FAST_PREMIUM_MAX_DEVIATION_ROUNDING`] and a unit for the discount's
/// product, of [`black76_price`]; against the reference table it meets the same
/// [`PRICE_MAX_ERROR_PER_USD`]. The same errors as [`black76`].
pub fn black76_price_fast(option: &Black76) -> Result<FixedI128, RiskError> {
	discounted_premium(option, black76_premium_fast)
}

/// `option`'s premium by `premium` (exact or fast), discounted: what [`black76_price`] and
/// [`black76_price_fast`] share.
fn discounted_premium(
	option: &Black76,
	premium: fn(
		OptionKind,
		FixedI128,
		FixedI128,
		FixedI128,
		FixedI128,
	) -> Result<FixedI128, RiskError>,
) -> Result<FixedI128, RiskError> {
	let zero = FixedI128::zero();
	let Black76 { kind, forward, strike, .. } = *option;
	let (discount, sigma_root_t) = discount_and_spread(option)?;
	// With no volatility left the premium is the intrinsic value, which needs no logarithm.
	let log_moneyness = if sigma_root_t.is_zero() { zero } else { ln(div(forward, strike)?)? };
	let premium = premium(kind, forward, strike, log_moneyness, sigma_root_t)?;
	Ok(mul(discount, premium)?.max(zero))
}

/// The undiscounted Black-76 premium alone, from `ln(F/K)` and `s sqrt(T)` worked out by
/// the caller: what a scenario scan needs, which revalues one option at many forwards and
/// volatilities and shares those pieces between them. The same formula as [`black76`] with
/// no rate; with `s sqrt(T)` zero it is the intrinsic value.
pub fn black76_premium(
	kind: OptionKind,
	forward: FixedI128,
	strike: FixedI128,
	log_moneyness: FixedI128,
	sigma_root_t: FixedI128,
) -> Result<FixedI128, RiskError> {
	let half_variance = half_variance(sigma_root_t)?;
	premium_with(kind, forward, strike, log_moneyness, sigma_root_t, half_variance, norm_cdf)
}

/// [`black76_premium`] with [`norm_cdf_fast`] in place of [`norm_cdf`]: what the portfolio
/// scan revalues with. It differs from [`black76_premium`] by at most
/// [`FAST_PREMIUM_MAX_DEVIATION_PER_USD`] units of 10^-18 per whole USD of forward plus
/// strike, plus [`FAST_PREMIUM_MAX_DEVIATION_ROUNDING`] units: both compute `d1` and `d2`
/// to the same bits, and each of the two distribution values differs by at most the sum
/// of the two functions' errors, which the forward and the strike multiply; each product
/// truncates, which can add a unit.
pub fn black76_premium_fast(
	kind: OptionKind,
	forward: FixedI128,
	strike: FixedI128,
	log_moneyness: FixedI128,
	sigma_root_t: FixedI128,
) -> Result<FixedI128, RiskError> {
	let half_variance = half_variance(sigma_root_t)?;
	scan_premium(kind, forward, strike, log_moneyness, sigma_root_t, half_variance)
}

/// [`black76_premium_fast`] with `s^2 T / 2` ([`half_variance`]) worked out by the caller,
/// once per option and volatility scenario.
pub(crate) fn scan_premium(
	kind: OptionKind,
	forward: FixedI128,
	strike: FixedI128,
	log_moneyness: FixedI128,
	sigma_root_t: FixedI128,
	half_variance: FixedI128,
) -> Result<FixedI128, RiskError> {
	let fast = |x| Ok(norm_cdf_fast(x));
	premium_with(kind, forward, strike, log_moneyness, sigma_root_t, half_variance, fast)
}

/// `s^2 T / 2` from `s sqrt(T)`, as [`black76_premium`] computes it.
pub(crate) fn half_variance(sigma_root_t: FixedI128) -> Result<FixedI128, RiskError> {
	div(mul(sigma_root_t, sigma_root_t)?, FixedI128::saturating_from_integer(2))
}

/// The undiscounted premium with `cdf` as the normal distribution function: one formula
/// for the exact and the fast premium, so that they can differ only where the functions do.
fn premium_with(
	kind: OptionKind,
	forward: FixedI128,
	strike: FixedI128,
	log_moneyness: FixedI128,
	sigma_root_t: FixedI128,
	half_variance: FixedI128,
	cdf: impl Fn(FixedI128) -> Result<FixedI128, RiskError>,
) -> Result<FixedI128, RiskError> {
	let zero = FixedI128::zero();
	if sigma_root_t.is_zero() {
		let intrinsic = match kind {
			OptionKind::Call => sub(forward, strike)?,
			OptionKind::Put => sub(strike, forward)?,
		};
		return Ok(intrinsic.max(zero));
	}
	let d1 = div(add(log_moneyness, half_variance)?, sigma_root_t)?;
	let d2 = sub(d1, sigma_root_t)?;
	let premium = match kind {
		OptionKind::Call => sub(mul(forward, cdf(d1)?)?, mul(strike, cdf(d2)?)?)?,
		OptionKind::Put => sub(mul(strike, cdf(-d2)?)?, mul(forward, cdf(-d1)?)?)?,
	};
	Ok(premium.max(zero))
}
