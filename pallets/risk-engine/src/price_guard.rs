//! The jump breaker: a price that moves too far from the last accepted one in one update is
//! held until the market confirms it.
//!
//! ## The rule
//! The clearing house remembers, per oracle key, the last price it accepted (and when the
//! oracle observed it) and, while a jump is held, the jump. A new oracle observation is
//! - **accepted** when it is within `bound` of the accepted price (`|new - accepted| <=
//!   bound x accepted`), or when there is no accepted price yet, or the breaker is off
//!   (`bound = 0`);
//! - **accepted as confirmed** when a jump is held and a *later* observation lands within
//!   `bound` of the held jump: two updates in a row agree, so the move is real;
//! - **accepted as expired** when a jump has been held for `confirm_blocks` blocks: the
//!   latest observation then stands whatever it is, so a lasting move is never refused
//!   for long;
//! - otherwise **held**: the accepted price stays in force, with its own (older) observation
//!   time, so the usual maximum price age still applies to it. A held jump blocks nothing by
//!   itself; if it is held long enough for the accepted price to go stale, whatever needs a
//!   fresh price (adding risk, withdrawing, liquidating) waits for the breaker to clear.
//!
//! A held jump that is followed by another, different jump keeps the hold's start block, so
//! `confirm_blocks` bounds the hold from the first jump.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;

use crate::types::Price;

/// The breaker's parameters.
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct JumpBreaker {
	/// The largest move from the accepted price one update may make; zero turns the breaker
	/// off.
	pub bound: Perbill,
	/// How many blocks a jump is held at most.
	pub confirm_blocks: u32,
}

/// A jump being held.
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
pub struct HeldJump {
	/// The jumped price.
	pub price: Price,
	/// When the oracle observed it (ms).
	pub observed_at: u64,
	/// The block the hold started in.
	pub since_block: u32,
}

/// What the clearing house remembers of one oracle key.
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
pub struct GuardedPrice {
	/// The price in force.
	pub accepted: Price,
	/// When the oracle observed it (ms).
	pub observed_at: u64,
	/// A jump being held, if any.
	pub held: Option<HeldJump>,
}

/// Whether `candidate` is within `bound` of `reference`.
fn within(bound: Perbill, reference: Price, candidate: Price) -> bool {
	let distance =
		if candidate > reference { candidate - reference } else { reference - candidate };
	distance <= reference * Price::from_perbill(bound)
}

/// What the breaker makes of an oracle observation `(price, observed_at)` in `block`, given
/// what it remembers: the price now in force and what to remember next (see the module
/// docs).
pub fn guard_price(
	remembered: Option<&GuardedPrice>,
	observation: (Price, u64),
	block: u32,
	breaker: &JumpBreaker,
) -> GuardedPrice {
	let (price, observed_at) = observation;
	let accept = GuardedPrice { accepted: price, observed_at, held: None };
	let Some(state) = remembered else { return accept };
	if breaker.bound.is_zero() {
		return accept;
	}
	if observed_at <= state.observed_at {
		// Nothing newer than what is in force.
		return *state;
	}
	if within(breaker.bound, state.accepted, price) {
		return accept;
	}
	match state.held {
		Some(held)
			if observed_at > held.observed_at && within(breaker.bound, held.price, price) =>
		{
			accept
		},
		Some(held) if block >= held.since_block.saturating_add(breaker.confirm_blocks) => accept,
		Some(held) => GuardedPrice {
			held: Some(HeldJump { price, observed_at, since_block: held.since_block }),
			..*state
		},
		None => GuardedPrice {
			held: Some(HeldJump { price, observed_at, since_block: block }),
			..*state
		},
	}
}
