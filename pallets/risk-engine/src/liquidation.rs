//! Sizing a partial liquidation: the fewest lots of a position to close so that the account
//! is healthy again, with a buffer.
//!
//! ## The rule
//! The clearing house closes `q` units of one position at the mark price and charges a
//! penalty of `penalty x value(q)` (to the insurance fund). Closing at the mark moves no
//! equity between the position and the account, so with `H` the account's health and `MR`
//! its maintenance requirement before the close:
//!
//! `health(q) = H + (MR - MR(q)) - penalty(q)`, where `MR(q)` is the requirement with the
//! position `q` units smaller (other positions unchanged).
//!
//! The target is `health(q) >= buffer x MR(q)`: back above maintenance with a margin to
//! spare, so that the next tick does not liquidate the account again. `q` is searched in
//! whole lots; while the penalty stays below the maintenance fraction (the governance bound
//! on the penalty), every lot closed raises `health(q) - buffer x MR(q)`, so a binary search
//! finds the smallest `q`, and one lot less would not reach the target.
//!
//! ## Under portfolio margin
//! A portfolio requirement is no sum over positions: closing one leg of a hedge can raise
//! it. So a portfolio-margined account is liquidated pro rata: the same share `f` of every
//! position. Every scenario loss, and so the requirement, scales with the book's size, so
//! with `V` the value of the whole book (the penalty base):
//!
//! `health(f) = H + f MR - penalty f V`, and `health(f) >= buffer (1 - f) MR` from
//! `f = (buffer MR - H) / ((1 + buffer) MR - penalty V)` ([`portfolio_close_share`]). When
//! the penalty on the book outweighs the requirement it frees (the denominator is not
//! positive), only closing everything ends the risk.

use sp_arithmetic::{Perbill, Rounding};

use crate::{
	collateral::MarginLevel,
	margin::{size_requirement, PerpExposure},
	types::{sub, to_signed, QuoteAmount, RiskError},
};

/// How much of a position a partial liquidation closes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LiquidationSize {
	/// Units to close (a whole number of lots, or the whole position).
	pub units: u128,
	/// Whether closing `units` reaches the target; when `false`, `units` is the whole
	/// position and the account needs more (another position closed, or the bad-debt path).
	pub restores: bool,
	/// The account's health after the close, as the rule computes it.
	pub health_after: QuoteAmount,
	/// The penalty on the closed value, in settlement units (rounded up).
	pub penalty: u128,
}

/// The account as a partial liquidation sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LiquidationContext {
	/// The account's (or isolated position's) health now.
	pub health: QuoteAmount,
	/// The account's (or isolated position's) maintenance requirement now.
	pub maintenance_requirement: u128,
	/// The penalty, as a share of the closed value.
	pub penalty: Perbill,
	/// Health to reach after the close, as a share of the remaining maintenance requirement.
	pub buffer: Perbill,
}

/// The account's health, maintenance requirement and the penalty after closing `units` of
/// `exposure` at the mark (see the module docs).
pub fn close_outcome(
	context: &LiquidationContext,
	exposure: &PerpExposure,
	units: u128,
) -> Result<(QuoteAmount, u128, u128), RiskError> {
	let size_units = exposure.position.size.unsigned_abs();
	let remaining = size_units.saturating_sub(units);
	let signed_remaining =
		if exposure.position.size < 0 { -to_signed(remaining)? } else { to_signed(remaining)? };
	let requirement_now =
		size_requirement(exposure, exposure.position.size, MarginLevel::Maintenance)?;
	let requirement_after = size_requirement(exposure, signed_remaining, MarginLevel::Maintenance)?;
	let account_requirement_after = context
		.maintenance_requirement
		.saturating_sub(requirement_now)
		.checked_add(requirement_after)
		.ok_or(RiskError::Overflow)?;
	let closed_value = exposure.scale.value(units.min(size_units), exposure.mark, Rounding::Up)?;
	let penalty = context.penalty.mul_ceil(closed_value);
	let released = to_signed(requirement_now.saturating_sub(requirement_after))?;
	let health_after =
		sub(context.health.checked_add(released).ok_or(RiskError::Overflow)?, to_signed(penalty)?)?;
	Ok((health_after, account_requirement_after, penalty))
}

/// Whether `health_after` reaches `buffer x requirement_after`.
pub fn reaches_target(health_after: QuoteAmount, requirement_after: u128, buffer: Perbill) -> bool {
	let target = buffer.mul_ceil(requirement_after);
	health_after >= 0 && health_after.unsigned_abs() >= target
}

/// The fewest lots of `exposure` to close (see the module docs); `None` when the position
/// is flat. A position that is not a whole number of lots closes its odd remainder with its
/// last lot.
pub fn partial_liquidation_size(
	context: &LiquidationContext,
	exposure: &PerpExposure,
	lot_size: u128,
) -> Result<Option<LiquidationSize>, RiskError> {
	let size_units = exposure.position.size.unsigned_abs();
	if size_units == 0 {
		return Ok(None);
	}
	let lot_size = lot_size.max(1);
	let lots = size_units.div_ceil(lot_size);
	let units_of = |lots_closed: u128| (lots_closed.saturating_mul(lot_size)).min(size_units);
	let evaluate = |lots_closed: u128| -> Result<LiquidationSize, RiskError> {
		let units = units_of(lots_closed);
		let (health_after, requirement_after, penalty) = close_outcome(context, exposure, units)?;
		Ok(LiquidationSize {
			units,
			restores: reaches_target(health_after, requirement_after, context.buffer),
			health_after,
			penalty,
		})
	};
	let full = evaluate(lots)?;
	if !full.restores {
		return Ok(Some(full));
	}
	// The smallest `k` in 1..=lots that restores: `full` does.
	let (mut low, mut high) = (1u128, lots);
	while low < high {
		let middle = low + (high - low) / 2;
		if evaluate(middle)?.restores {
			high = middle;
		} else {
			low = middle + 1;
		}
	}
	Ok(Some(evaluate(low)?))
}

/// The share of every position a portfolio-margined account closes (see the module docs),
/// as `(numerator, denominator)` with `numerator <= denominator`: `(0, 1)` when the account
/// already meets the target, `(1, 1)` when only closing everything does. `book_value` is
/// the value the penalty is charged on if the whole book closes.
pub fn portfolio_close_share(
	context: &LiquidationContext,
	book_value: u128,
) -> Result<(u128, u128), RiskError> {
	let requirement = to_signed(context.maintenance_requirement)?;
	let target = to_signed(context.buffer.mul_ceil(context.maintenance_requirement))?;
	let numerator = sub(target, context.health)?;
	if numerator <= 0 {
		return Ok((0, 1));
	}
	let freed = requirement
		.checked_add(target)
		.ok_or(RiskError::Overflow)?
		.checked_sub(to_signed(context.penalty.mul_ceil(book_value))?)
		.ok_or(RiskError::Overflow)?;
	if freed <= numerator {
		return Ok((1, 1));
	}
	Ok((numerator.unsigned_abs(), freed.unsigned_abs()))
}
