//! Adaptive margin: an EWMA volatility estimate per underlying, and the margin fractions it
//! implies.
//!
//! ## The estimate
//! RiskMetrics' exponentially weighted variance, made time-aware. For an update at price
//! `P` after `dt` ms at the previous price `P'`:
//!
//! - the sample is the annualized squared log return `ln(P / P')^2 x year / dt`;
//! - its weight is `1 - lambda^(dt / interval)`: `lambda` is the decay per reference
//!   `interval`, so that two updates half an interval apart weigh what one update after a
//!   full interval does, and a long gap (a missing update) lets the new sample count more;
//! - `variance = lambda^(dt / interval) x variance + (1 - lambda^(dt / interval)) x sample`.
//!
//! A repeated update (no time passed) changes nothing; a gap longer than `max_gap_ms`
//! counts as `max_gap_ms`, so a feed that stalled for a day does not hand one sample the
//! whole estimate. Volatility is the square root of the variance, annualized (0.6 is 60%).
//!
//! ## The fractions
//! With `s` the volatility and `h` the horizon in years:
//!
//! - `initial = clamp(max(base_initial, k_initial x s x sqrt(h)), floor_initial,
//!   cap_initial)`, then open interest adds up to `open_interest_add`, linearly between
//!   `open_interest_lower` and `open_interest_upper`, within the cap again;
//! - `maintenance = min(clamp(max(base_maintenance, k_maintenance x s x sqrt(h)),
//!   floor_maintenance, cap_maintenance), initial - 1 ppb)`;
//! - a portfolio scan's range scales as the initial fraction does.
//!
//! [`AdaptiveParams::validate`] requires `floor <= cap` for each, and the maintenance floor
//! and cap below the initial ones, so both fractions stay within their bounds, grow with
//! volatility and open interest, and maintenance stays below initial (property-tested in
//! `tests/adaptive.rs`).
//!
//! ## The ramp and the schedule
//! The fractions are a target. [`ramp_towards`] moves the fractions in force to it one
//! block at a time: a fall at once, a rise by at most a step of notional a block, so that
//! no block raises a requirement by more than the step ([`ramp_blocks_left`] counts the
//! blocks still to go). [`shifted_tiers`] puts the fractions in force on a market's first
//! tier and moves every higher tier by the same amount, so the static schedule keeps the
//! steps between tiers.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	traits::{One, Saturating, Zero},
	FixedI128, FixedPointNumber, Perbill,
};

use crate::{
	fixed_math::{checked_add as add, checked_div as div, checked_mul as mul, exp, ln, sqrt},
	margin::MarginTier,
	types::Price,
	RiskError,
};

/// Milliseconds in a 365-day year.
pub const MS_PER_YEAR: u64 = 365 * 24 * 60 * 60 * 1_000;

/// How the volatility estimate learns (governance sets it).
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
pub struct VolatilityParams {
	/// The weight the old variance keeps over one reference interval (RiskMetrics' lambda,
	/// e.g. 94% a day); below 100%.
	pub lambda: Perbill,
	/// The reference interval `lambda` applies to (ms), positive.
	pub interval_ms: u64,
	/// The longest gap between updates one sample stands for (ms), positive.
	pub max_gap_ms: u64,
}

/// An underlying's volatility estimate, as stored between updates.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct VolatilityEstimate {
	/// Annualized variance (18 decimals).
	pub variance: FixedI128,
	/// The price of the last update.
	pub last_price: Price,
	/// When the last update was observed (ms).
	pub last_update_ms: u64,
	/// Updates folded in so far.
	pub samples: u32,
}

impl VolatilityParams {
	/// Checks the parameters: lambda below 100%, a positive interval and gap.
	pub fn validate(&self) -> Result<(), RiskError> {
		if self.lambda == Perbill::one() || self.interval_ms == 0 || self.max_gap_ms == 0 {
			return Err(RiskError::InvalidAdaptiveParams);
		}
		Ok(())
	}
}

impl VolatilityEstimate {
	/// The annualized volatility, `sqrt(variance)`.
	pub fn volatility(&self) -> Result<FixedI128, RiskError> {
		sqrt(self.variance.max(FixedI128::zero()))
	}
}

fn signed(price: Price) -> Result<FixedI128, RiskError> {
	Ok(FixedI128::from_inner(i128::try_from(price.into_inner()).map_err(|_| RiskError::Overflow)?))
}

/// Folds an observation of `price` at `observed_at_ms` into `estimate` (see the module
/// docs). The first observation only starts the estimate (at `initial_variance`); one that
/// is not newer than the last changes nothing.
pub fn update_volatility(
	estimate: Option<VolatilityEstimate>,
	price: Price,
	observed_at_ms: u64,
	initial_variance: FixedI128,
	params: &VolatilityParams,
) -> Result<VolatilityEstimate, RiskError> {
	params.validate()?;
	if price.is_zero() {
		return Err(RiskError::OutOfDomain);
	}
	let Some(previous) = estimate else {
		return Ok(VolatilityEstimate {
			variance: initial_variance,
			last_price: price,
			last_update_ms: observed_at_ms,
			samples: 0,
		});
	};
	if observed_at_ms <= previous.last_update_ms {
		return Ok(previous);
	}
	let gap = (observed_at_ms - previous.last_update_ms).min(params.max_gap_ms);
	let log_return = ln(div(signed(price)?, signed(previous.last_price)?)?)?;
	let per_year = FixedI128::saturating_from_rational(MS_PER_YEAR, gap);
	let sample = mul(mul(log_return, log_return)?, per_year)?;
	// lambda^(gap / interval) = exp(gap / interval x ln(lambda)).
	let lambda = FixedI128::from_perbill(params.lambda);
	let keep = if lambda.is_zero() {
		FixedI128::zero()
	} else {
		let periods = FixedI128::saturating_from_rational(gap, params.interval_ms);
		exp(mul(periods, ln(lambda)?)?)?
	};
	let variance = add(mul(keep, previous.variance)?, mul(FixedI128::one() - keep, sample)?)?;
	Ok(VolatilityEstimate {
		variance,
		last_price: price,
		last_update_ms: observed_at_ms,
		samples: previous.samples.saturating_add(1),
	})
}

/// How volatility and open interest move a market's margin fractions (governance sets it).
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
pub struct AdaptiveParams {
	/// Initial fraction per unit of `volatility x sqrt(horizon)` (e.g. 3: three standard
	/// deviations of the horizon's move).
	pub k_initial: FixedI128,
	/// Maintenance fraction per unit of `volatility x sqrt(horizon)` (e.g. 2).
	pub k_maintenance: FixedI128,
	/// The horizon the move is measured over (ms), positive: how long closing out takes.
	pub horizon_ms: u64,
	/// The lowest initial fraction.
	pub floor_initial: Perbill,
	/// The highest initial fraction.
	pub cap_initial: Perbill,
	/// The lowest maintenance fraction; below `floor_initial`.
	pub floor_maintenance: Perbill,
	/// The highest maintenance fraction; below `cap_initial`.
	pub cap_maintenance: Perbill,
	/// Open interest (size units) from which the initial fraction starts to rise.
	pub open_interest_lower: u128,
	/// Open interest at which the rise reaches `open_interest_add`; above the lower bound.
	pub open_interest_upper: u128,
	/// The most open interest adds to the initial fraction.
	pub open_interest_add: Perbill,
}

impl AdaptiveParams {
	/// Checks the bounds: non-negative multipliers, a positive horizon, each floor at most
	/// its cap, the maintenance floor and cap below the initial ones, and open-interest
	/// bounds in order.
	pub fn validate(&self) -> Result<(), RiskError> {
		let ok = self.k_initial >= FixedI128::zero()
			&& self.k_maintenance >= FixedI128::zero()
			&& self.horizon_ms > 0
			&& self.floor_initial <= self.cap_initial
			&& self.floor_maintenance <= self.cap_maintenance
			&& self.floor_maintenance < self.floor_initial
			&& self.cap_maintenance < self.cap_initial
			&& self.open_interest_lower < self.open_interest_upper;
		if !ok {
			return Err(RiskError::InvalidAdaptiveParams);
		}
		Ok(())
	}
}

/// A market's fractions at a volatility and an open interest.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct EffectiveFractions {
	/// The initial fraction.
	pub initial: Perbill,
	/// The maintenance fraction, below `initial`.
	pub maintenance: Perbill,
}

/// A fraction as a Perbill, rounded up and saturating at 100%.
fn perbill_ceil(fraction: FixedI128) -> Perbill {
	let parts = (fraction.into_inner().max(0) as u128).div_ceil(1_000_000_000);
	Perbill::from_parts(parts.min(1_000_000_000) as u32)
}

/// `max(base, k x move)` clamped to `[floor, cap]`.
fn adapt(
	base: Perbill,
	k: FixedI128,
	horizon_move: FixedI128,
	floor: Perbill,
	cap: Perbill,
) -> Result<Perbill, RiskError> {
	let wanted = perbill_ceil(mul(k, horizon_move)?).max(base);
	Ok(wanted.max(floor).min(cap))
}

/// The volatility's move over the horizon, `volatility x sqrt(horizon in years)`.
pub fn horizon_move(volatility: FixedI128, horizon_ms: u64) -> Result<FixedI128, RiskError> {
	let years = FixedI128::saturating_from_rational(horizon_ms, MS_PER_YEAR);
	mul(volatility.max(FixedI128::zero()), sqrt(years)?)
}

/// A market's effective fractions (see the module docs) from its base (first-tier)
/// fractions, the underlying's `volatility` and the market's `open_interest`.
pub fn effective_fractions(
	base_initial: Perbill,
	base_maintenance: Perbill,
	volatility: FixedI128,
	open_interest: u128,
	params: &AdaptiveParams,
) -> Result<EffectiveFractions, RiskError> {
	params.validate()?;
	let moved = horizon_move(volatility, params.horizon_ms)?;
	let initial =
		adapt(base_initial, params.k_initial, moved, params.floor_initial, params.cap_initial)?;
	let span = params.open_interest_upper - params.open_interest_lower;
	let above = open_interest.saturating_sub(params.open_interest_lower).min(span);
	let added = Perbill::from_rational(above, span) * params.open_interest_add;
	let initial = initial.saturating_add(added).min(params.cap_initial);
	let maintenance = adapt(
		base_maintenance,
		params.k_maintenance,
		moved,
		params.floor_maintenance,
		params.cap_maintenance,
	)?
	.min(Perbill::from_parts(initial.deconstruct().saturating_sub(1)));
	Ok(EffectiveFractions { initial, maintenance })
}

/// A portfolio scan's range at `volatility`: the base range scaled like the initial
/// fraction, within the initial floor and cap.
pub fn effective_price_range(
	base_range: Perbill,
	volatility: FixedI128,
	params: &AdaptiveParams,
) -> Result<Perbill, RiskError> {
	params.validate()?;
	let moved = horizon_move(volatility, params.horizon_ms)?;
	adapt(base_range, params.k_initial, moved, params.floor_initial, params.cap_initial)
}

/// One block of the ramp: `effective` moves to `target`, a fall at once and a rise by at
/// most `step` per fraction, so that no block raises a requirement by more than `step` of
/// notional. Maintenance stays below initial (it does already when both start and end
/// that way; the final `min` only guards malformed input).
pub fn ramp_towards(
	effective: EffectiveFractions,
	target: EffectiveFractions,
	step: Perbill,
) -> EffectiveFractions {
	let approach = |from: Perbill, to: Perbill| {
		if to <= from {
			to
		} else {
			from.saturating_add(step).min(to)
		}
	};
	let initial = approach(effective.initial, target.initial);
	let maintenance = approach(effective.maintenance, target.maintenance)
		.min(Perbill::from_parts(initial.deconstruct().saturating_sub(1)));
	EffectiveFractions { initial, maintenance }
}

/// How many more blocks the ramp needs to reach `target` from `effective` at `step` per
/// block: zero when it is there or falling.
pub fn ramp_blocks_left(
	effective: EffectiveFractions,
	target: EffectiveFractions,
	step: Perbill,
) -> u32 {
	let step = step.deconstruct().max(1);
	let blocks = |from: Perbill, to: Perbill| {
		to.deconstruct().saturating_sub(from.deconstruct()).div_ceil(step)
	};
	blocks(effective.initial, target.initial).max(blocks(effective.maintenance, target.maintenance))
}

/// A market's margin schedule with its first tier at `effective` and every other tier
/// moved by the same amount (within `(0, 100%]`, maintenance below initial): the static
/// schedule's steps between tiers stay as governance set them. A valid schedule stays
/// valid (see `tests/adaptive.rs`).
pub fn shifted_tiers(
	tiers: &[MarginTier],
	effective: EffectiveFractions,
) -> Result<alloc::vec::Vec<MarginTier>, RiskError> {
	let first = tiers.first().ok_or(RiskError::NoMarginTiers)?;
	let shift = |fraction: Perbill, from: Perbill, to: Perbill| {
		let moved = i64::from(fraction.deconstruct()) + i64::from(to.deconstruct())
			- i64::from(from.deconstruct());
		Perbill::from_parts(moved.clamp(1, 1_000_000_000) as u32)
	};
	Ok(tiers
		.iter()
		.map(|tier| {
			let initial = shift(tier.initial_fraction, first.initial_fraction, effective.initial);
			let maintenance =
				shift(tier.maintenance_fraction, first.maintenance_fraction, effective.maintenance)
					.min(Perbill::from_parts(initial.deconstruct().saturating_sub(1)));
			MarginTier {
				notional_floor: tier.notional_floor,
				initial_fraction: initial,
				maintenance_fraction: maintenance,
			}
		})
		.collect())
}
