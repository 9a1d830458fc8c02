//! Margin for resting orders: what an account must hold so that its resting orders could all
//! fill without leaving it below initial margin.
//!
//! ## The rule
//! An account's resting orders in one market are summed per side: total size and total
//! value at the orders' own prices ([`OpenOrders`]). For each side, suppose every order of
//! that side filled:
//! - the position would move by the side's size, and its initial requirement with it:
//!   `max(0, IM(|size + bids| x mark) - IM(|size| x mark))` for bids (`size - asks` for
//!   asks). Orders that reduce the position raise nothing;
//! - the fills would be at the orders' prices, not at the mark: a bid above the mark or an
//!   ask below it loses the difference at once, `max(0, bid value - bids x mark)` (asks:
//!   `max(0, asks x mark - ask value)`). The loss is taken per side, on the side's totals;
//!   the venue re-checks margin at each fill, so this is a commitment limit, not the last
//!   line of defence.
//!
//! Only one side can fill against a given move of the market, so the open-order requirement
//! is the larger of the two sides, added to the account's initial requirement (never to
//! maintenance: resting orders are not a reason to liquidate).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::Rounding;

use crate::{
	collateral::MarginLevel,
	margin::{size_requirement, PerpExposure},
	types::{add, RiskError},
};

/// The side of an order.
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
pub enum OrderSide {
	/// Buys: a fill adds to the position's size.
	Buy,
	/// Sells: a fill takes from the position's size.
	Sell,
}

impl OrderSide {
	/// The other side.
	pub fn opposite(self) -> Self {
		match self {
			OrderSide::Buy => OrderSide::Sell,
			OrderSide::Sell => OrderSide::Buy,
		}
	}

	/// `size` signed from this side: positive for a buy.
	pub fn signed(self, size: u128) -> Result<i128, RiskError> {
		let size = i128::try_from(size).map_err(|_| RiskError::Overflow)?;
		Ok(match self {
			OrderSide::Buy => size,
			OrderSide::Sell => -size,
		})
	}
}

/// An account's resting orders in one market, summed per side.
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
pub struct OpenOrders {
	/// Total size of resting buys, in size units.
	pub bid_size: u128,
	/// Total value of resting buys at their prices, in settlement units.
	pub bid_value: u128,
	/// Total size of resting sells, in size units.
	pub ask_size: u128,
	/// Total value of resting sells at their prices, in settlement units.
	pub ask_value: u128,
}

impl OpenOrders {
	/// Whether no order rests.
	pub fn is_empty(&self) -> bool {
		self.bid_size == 0 && self.ask_size == 0
	}

	/// Adds an order of `size` worth `value` on `side`.
	pub fn add(&mut self, side: OrderSide, size: u128, value: u128) -> Result<(), RiskError> {
		let (total_size, total_value) = self.side_mut(side);
		*total_size = total_size.checked_add(size).ok_or(RiskError::Overflow)?;
		*total_value = total_value.checked_add(value).ok_or(RiskError::Overflow)?;
		Ok(())
	}

	/// Takes an order of `size` worth `value` off `side`. Saturating: a side whose size
	/// reaches zero has no value left either, so no rounding residue survives the last order.
	pub fn remove(&mut self, side: OrderSide, size: u128, value: u128) {
		let (total_size, total_value) = self.side_mut(side);
		*total_size = total_size.saturating_sub(size);
		*total_value = if *total_size == 0 { 0 } else { total_value.saturating_sub(value) };
	}

	fn side_mut(&mut self, side: OrderSide) -> (&mut u128, &mut u128) {
		match side {
			OrderSide::Buy => (&mut self.bid_size, &mut self.bid_value),
			OrderSide::Sell => (&mut self.ask_size, &mut self.ask_value),
		}
	}
}

/// The initial margin the resting `orders` of one market need beyond the position's own
/// requirement (see the module docs), in settlement units, rounded up.
pub fn open_order_margin(exposure: &PerpExposure, orders: &OpenOrders) -> Result<u128, RiskError> {
	if orders.is_empty() {
		return Ok(0);
	}
	let current = size_requirement(exposure, exposure.position.size, MarginLevel::Initial)?;
	let side_requirement = |side: OrderSide| -> Result<u128, RiskError> {
		let (size, value) = match side {
			OrderSide::Buy => (orders.bid_size, orders.bid_value),
			OrderSide::Sell => (orders.ask_size, orders.ask_value),
		};
		if size == 0 {
			return Ok(0);
		}
		let filled_size = add(exposure.position.size, side.signed(size)?)?;
		let filled = size_requirement(exposure, filled_size, MarginLevel::Initial)?;
		let fill_loss = match side {
			OrderSide::Buy => {
				value.saturating_sub(exposure.scale.value(size, exposure.mark, Rounding::Down)?)
			},
			OrderSide::Sell => {
				exposure.scale.value(size, exposure.mark, Rounding::Up)?.saturating_sub(value)
			},
		};
		filled.saturating_sub(current).checked_add(fill_loss).ok_or(RiskError::Overflow)
	};
	Ok(side_requirement(OrderSide::Buy)?.max(side_requirement(OrderSide::Sell)?))
}
