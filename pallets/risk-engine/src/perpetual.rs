//! Perpetual positions: entry accounting, realized and unrealized PnL, fees and funding.
//!
//! ## Accounting
//! A position keeps its signed `size` and its signed `cost`: the settlement value paid to
//! open what is still open (`size x entry price`, positive for a long). The average entry
//! price is `cost / size`.
//!
//! - Opening or increasing adds the trade's value to `cost`.
//! - Reducing releases `cost x closed / |size|` (rounded toward zero; the remainder stays in
//!   the cost of what is still open) and realizes `closing value - released cost`.
//! - A trade that flips the side closes the whole position and opens the rest.
//!
//! A trade's value is `|size| x price` rounded toward zero with the trade's sign, so maker
//! and taker exchange exactly the same number of settlement units, and closing a whole
//! position releases exactly its cost: opening and closing at the same price realizes zero.
//!
//! ## Funding
//! A market keeps a cumulative funding index (dollars per whole unit). A position remembers
//! the index at which it last settled; it owes `size x (index now - index then)`, rounded
//! up (the payer pays the extra unit, the receiver gets the smaller figure), so rounding
//! never creates money: the clearing house keeps the dust.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	traits::{Bounded, CheckedDiv, CheckedMul, Saturating, Zero},
	FixedI128, FixedPointNumber, FixedU128, Perbill, Rounding,
};

use crate::types::{
	add, sub, to_signed, FundingIndex, Price, QuoteAmount, RiskError, SignedRounding, SizeUnits,
	UnitScale,
};

/// A perpetual position of one account in one market.
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
pub struct Position {
	/// Signed size in the market's size units: positive long, negative short.
	pub size: SizeUnits,
	/// Signed settlement value paid to open what is open (same sign as `size`, zero when flat).
	pub cost: QuoteAmount,
	/// The market's cumulative funding index when this position last settled funding.
	pub funding_index: FundingIndex,
}

impl Position {
	/// A flat position that starts accruing funding from `funding_index`.
	pub fn flat(funding_index: FundingIndex) -> Self {
		Self { size: 0, cost: 0, funding_index }
	}

	/// Whether the position has no size.
	pub fn is_flat(&self) -> bool {
		self.size == 0
	}

	/// The average entry price (`cost / size`), `None` when flat.
	pub fn entry_price(&self, scale: &UnitScale) -> Result<Option<Price>, RiskError> {
		scale.price_of(self.cost.unsigned_abs(), self.size.unsigned_abs(), Rounding::NearestPrefUp)
	}
}

/// What a trade did to a position.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TradeOutcome {
	/// The position after the trade.
	pub position: Position,
	/// Settlement units realized by the closed part (positive: profit).
	pub realized_pnl: QuoteAmount,
	/// The trade's value, `|size| x price` rounded toward zero: the base of fees.
	pub notional: u128,
	/// Whether the trade only reduced the position (no part of it opened or increased risk).
	pub reduces_only: bool,
}

/// The signed settlement value of `size` at `price`, rounded toward zero: both sides of a
/// trade compute the same magnitude.
pub fn trade_value(
	size: SizeUnits,
	price: Price,
	scale: &UnitScale,
) -> Result<QuoteAmount, RiskError> {
	scale.signed_value(size, price, SignedRounding::TowardZero)
}

/// Applies a trade of signed `trade_size` at `price` to `position`. Funding must already be
/// settled (see [`settle_funding`]): the funding index is carried over unchanged.
pub fn apply_trade(
	position: &Position,
	trade_size: SizeUnits,
	price: Price,
	scale: &UnitScale,
) -> Result<TradeOutcome, RiskError> {
	let value = trade_value(trade_size, price, scale)?;
	let notional = value.unsigned_abs();
	let same_direction = position.size == 0 || (position.size > 0) == (trade_size > 0);
	if trade_size == 0 || same_direction {
		let new_position = Position {
			size: add(position.size, trade_size)?,
			cost: add(position.cost, value)?,
			funding_index: position.funding_index,
		};
		return Ok(TradeOutcome {
			position: new_position,
			realized_pnl: 0,
			notional,
			reduces_only: trade_size == 0,
		});
	}

	// Opposite direction: close up to the whole position, then open the rest.
	let open_units = position.size.unsigned_abs();
	let trade_units = trade_size.unsigned_abs();
	let closed_units = open_units.min(trade_units);
	let closed_size =
		to_signed(closed_units)?.checked_mul(trade_size.signum()).ok_or(RiskError::Overflow)?;
	let closing_value = trade_value(closed_size, price, scale)?;
	let opening_value = sub(value, closing_value)?;
	let released_cost = if closed_units == open_units {
		position.cost
	} else {
		let released = crate::types::mul_div(
			position.cost.unsigned_abs(),
			closed_units,
			open_units,
			Rounding::Down,
		)?;
		to_signed(released)?.checked_mul(position.cost.signum()).ok_or(RiskError::Overflow)?
	};
	// Closing a long sells (negative value): realized = proceeds - released cost.
	let realized_pnl = sub(sub(0, closing_value)?, released_cost)?;
	let remaining_cost = add(sub(position.cost, released_cost)?, opening_value)?;
	let new_position = Position {
		size: add(position.size, trade_size)?,
		cost: remaining_cost,
		funding_index: position.funding_index,
	};
	Ok(TradeOutcome {
		position: new_position,
		realized_pnl,
		notional,
		reduces_only: trade_units <= open_units,
	})
}

/// The fee on a trade of `notional` settlement units at `rate`, rounded up.
pub fn trade_fee(notional: u128, rate: Perbill) -> u128 {
	rate.mul_ceil(notional)
}

/// The position's value at `mark`, rounded down in the signed sense (conservative).
pub fn mark_value(
	position: &Position,
	mark: Price,
	scale: &UnitScale,
) -> Result<QuoteAmount, RiskError> {
	scale.signed_value(position.size, mark, SignedRounding::Floor)
}

/// Unrealized PnL at `mark`: mark value minus cost, rounded down.
pub fn unrealized_pnl(
	position: &Position,
	mark: Price,
	scale: &UnitScale,
) -> Result<QuoteAmount, RiskError> {
	sub(mark_value(position, mark, scale)?, position.cost)
}

/// The position's notional at `mark`: `|size| x mark`, rounded up (requirements are
/// conservative).
pub fn notional(position: &Position, mark: Price, scale: &UnitScale) -> Result<u128, RiskError> {
	scale.value(position.size.unsigned_abs(), mark, Rounding::Up)
}

/// Funding the position owes since it last settled, at the market's `current_index`:
/// positive means the account pays. Rounded up.
pub fn funding_owed(
	position: &Position,
	current_index: FundingIndex,
	scale: &UnitScale,
) -> Result<QuoteAmount, RiskError> {
	let delta = current_index
		.into_inner()
		.checked_sub(position.funding_index.into_inner())
		.ok_or(RiskError::Overflow)?;
	scale.signed_index_value(position.size, FixedI128::from_inner(delta), SignedRounding::Ceil)
}

/// Settles funding: the payment owed (positive: the account pays) and the position with its
/// index moved to `current_index`.
pub fn settle_funding(
	position: &Position,
	current_index: FundingIndex,
	scale: &UnitScale,
) -> Result<(Position, QuoteAmount), RiskError> {
	let owed = funding_owed(position, current_index, scale)?;
	Ok((Position { funding_index: current_index, ..*position }, owed))
}

/// The premium of one funding interval: `(mark - index) / index`, clamped to `[-cap, cap]`.
/// Zero when the index price is zero.
pub fn funding_rate(mark: Price, index: Price, cap: Perbill) -> FixedI128 {
	if index.is_zero() {
		return FixedI128::zero();
	}
	let (difference, negative) = if mark >= index {
		(mark.saturating_sub(index), false)
	} else {
		(index.saturating_sub(mark), true)
	};
	let premium = difference.checked_div(&index).unwrap_or_else(FixedU128::max_value);
	let cap = FixedU128::from_perbill(cap);
	let clamped = premium.min(cap).into_inner();
	// `cap <= 1`, so the clamped premium fits an `i128`.
	let magnitude = FixedI128::from_inner(clamped as i128);
	if negative {
		FixedI128::zero().saturating_sub(magnitude)
	} else {
		magnitude
	}
}

/// How much the cumulative index moves over `elapsed` at a per-interval `rate`:
/// `rate x index price x elapsed / interval` (pro rata, also beyond one interval).
pub fn funding_index_increment(
	rate: FixedI128,
	index_price: Price,
	elapsed: u64,
	interval: u64,
) -> Result<FixedI128, RiskError> {
	if interval == 0 {
		return Err(RiskError::Overflow);
	}
	let share = FixedI128::checked_from_rational(elapsed, interval).ok_or(RiskError::Overflow)?;
	let price = FixedI128::from_inner(to_signed(index_price.into_inner())?);
	rate.checked_mul(&price)
		.and_then(|per_interval| per_interval.checked_mul(&share))
		.ok_or(RiskError::Overflow)
}
