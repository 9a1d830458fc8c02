//! The jump breaker and the oracle's price domain: a price that moves too far from the last
//! accepted one in one update is held until the market confirms it, and a price outside the
//! domain the arithmetic is total over is never taken at all.
//!
//! ## The domain
//! Every price the clearing house works with is in `(0, `[`MAX_PRICE`]`]`: positive and at
//! most one trillion USD per whole unit. An observation outside it (a zero, or a misplaced
//! decimal point far beyond any real asset) is refused at the boundary: [`guard_price`]
//! ignores it as if the oracle had said nothing, so the price in force and its age stay what
//! they were. Within the domain, funding, margin and liquidation arithmetic cannot overflow
//! for any position the open-interest caps allow (see the property tests).
//!
//! ## The rule
//! The clearing house remembers, per oracle key, the last price it accepted (and when the
//! oracle observed it) and, while a jump is held, the jump. A new oracle observation is
//! - **accepted** when it is within `bound` of the accepted price (`|new - accepted| <=
//!   bound x accepted`), or when there is no accepted price yet, or the breaker is off
//!   (`bound = 0`); an observation back within the bound while a jump is held clears the
//!   jump;
//! - **accepted as confirmed** when a jump is held and a *later* observation lands within
//!   `bound` of the held jump: two updates in a row agree (on a chain with several oracle
//!   operators each update is already their combined value), so the move is real;
//! - otherwise **held**: the accepted price stays in force, with its own (older) observation
//!   time, so the usual maximum price age still applies to it.
//!
//! **Time alone never confirms a jump.** A fat-finger print of 600,000 for a 60,000 asset
//! stays held however long nobody corrects it, and a zero is not a price at all. While a
//! jump is held the key is *in doubt* ([`GuardedPrice::in_doubt`]): the clearing house
//! treats every price that depends on it as not fresh, so nothing adds risk on it and
//! nobody is liquidated until an update confirms the jump or returns within the bound.
//! A held jump followed by another, different jump keeps the hold's start block (for
//! reports) and holds the newer observation.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{traits::Zero, Perbill};

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
}

/// The highest price the clearing house takes from an oracle: one trillion USD per whole
/// unit (18 decimals). See the module docs.
pub const MAX_PRICE: Price = Price::from_inner(1_000_000_000_000 * crate::types::FIXED_ONE);

/// Whether `price` is in the domain the clearing house prices with: `(0, MAX_PRICE]`.
pub fn price_in_domain(price: Price) -> bool {
	!price.is_zero() && price <= MAX_PRICE
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

impl GuardedPrice {
	/// Whether a jump is held: the key is in doubt until an update confirms or contradicts
	/// it, and nothing that needs a fresh price may use it.
	pub fn in_doubt(&self) -> bool {
		self.held.is_some()
	}
}

/// Whether `candidate` is within `bound` of `reference`.
fn within(bound: Perbill, reference: Price, candidate: Price) -> bool {
	let distance =
		if candidate > reference { candidate - reference } else { reference - candidate };
	distance <= reference * Price::from_perbill(bound)
}

/// What the breaker makes of an oracle observation `(price, observed_at)` in `block`, given
/// what it remembers: the price now in force and what to remember next (see the module
/// docs). `None` only when nothing is remembered and the observation is outside the domain.
pub fn guard_price(
	remembered: Option<&GuardedPrice>,
	observation: (Price, u64),
	block: u32,
	breaker: &JumpBreaker,
) -> Option<GuardedPrice> {
	let (price, observed_at) = observation;
	if !price_in_domain(price) {
		// Refused at the boundary: as if the oracle had said nothing.
		return remembered.copied();
	}
	let accept = GuardedPrice { accepted: price, observed_at, held: None };
	let Some(state) = remembered else { return Some(accept) };
	if breaker.bound.is_zero() {
		return Some(accept);
	}
	let newest_seen = state.held.map_or(state.observed_at, |held| held.observed_at);
	if observed_at <= newest_seen {
		// Nothing newer than what is in force or held.
		return Some(*state);
	}
	if within(breaker.bound, state.accepted, price) {
		return Some(accept);
	}
	Some(match state.held {
		Some(held) if within(breaker.bound, held.price, price) => accept,
		Some(held) => GuardedPrice {
			held: Some(HeldJump { price, observed_at, since_block: held.since_block }),
			..*state
		},
		None => GuardedPrice {
			held: Some(HeldJump { price, observed_at, since_block: block }),
			..*state
		},
	})
}
