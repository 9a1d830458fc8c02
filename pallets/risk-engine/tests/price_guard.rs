//! The jump breaker, case by case.

use risk_engine::*;
use sp_arithmetic::{FixedU128, Perbill};

fn usd(dollars: u128) -> Price {
	FixedU128::from_inner(dollars * 1_000_000_000_000_000_000)
}

const BREAKER: JumpBreaker = JumpBreaker { bound: Perbill::from_percent(10) };

/// The breaker's verdict, for an observation the domain takes.
fn guard(
	remembered: Option<&GuardedPrice>,
	observation: (Price, u64),
	block: u32,
	breaker: &JumpBreaker,
) -> GuardedPrice {
	guard_price(remembered, observation, block, breaker).expect("a price in the domain")
}

fn accepted(dollars: u128, at: u64) -> GuardedPrice {
	GuardedPrice { accepted: usd(dollars), observed_at: at, held: None }
}

#[test]
fn the_first_price_and_small_moves_are_accepted() {
	assert_eq!(guard(None, (usd(60_000), 1), 1, &BREAKER), accepted(60_000, 1));
	let state = accepted(60_000, 1);
	// Exactly 10% either way is within the bound.
	assert_eq!(guard(Some(&state), (usd(66_000), 2), 2, &BREAKER), accepted(66_000, 2));
	assert_eq!(guard(Some(&state), (usd(54_000), 2), 2, &BREAKER), accepted(54_000, 2));
	// No newer observation: nothing changes.
	assert_eq!(guard(Some(&state), (usd(90_000), 1), 2, &BREAKER), state);
}

#[test]
fn a_jump_is_held_until_a_later_update_confirms_it() {
	let state = accepted(60_000, 1);
	// 10% plus one dollar: held, the old price stays in force with its old time.
	let held = guard(Some(&state), (usd(53_999), 2), 7, &BREAKER);
	assert_eq!(held.accepted, usd(60_000));
	assert_eq!(held.observed_at, 1);
	assert_eq!(held.held, Some(HeldJump { price: usd(53_999), observed_at: 2, since_block: 7 }));
	// The same observation again: still held.
	assert_eq!(guard(Some(&held), (usd(53_999), 2), 8, &BREAKER), held);
	// A later observation near the jump confirms it.
	assert_eq!(guard(Some(&held), (usd(53_000), 3), 8, &BREAKER), accepted(53_000, 3));
	// A later observation back near the accepted price simply stands.
	assert_eq!(guard(Some(&held), (usd(60_500), 3), 8, &BREAKER), accepted(60_500, 3));
}

#[test]
fn defect_8_time_alone_never_confirms_a_jump() {
	let state = accepted(60_000, 1);
	// A fat-finger print of ten times the price.
	let held = guard(Some(&state), (usd(600_000), 2), 10, &BREAKER);
	assert!(held.in_doubt());
	// Thousands of blocks later, with nothing newer from the oracle, it is still only held:
	// the accepted price stays in force (and ages towards stale by its own time).
	for block in [15, 20, 1_210, 100_000] {
		let later = guard(Some(&held), (usd(600_000), 2), block, &BREAKER);
		assert_eq!(later, held);
		assert_eq!(later.accepted, usd(60_000));
	}
	// The corrected feed clears the doubt; a second print of the same jump would confirm it.
	assert_eq!(guard(Some(&held), (usd(60_100), 3), 100_001, &BREAKER), accepted(60_100, 3));
	assert_eq!(guard(Some(&held), (usd(600_000), 3), 100_001, &BREAKER), accepted(600_000, 3));
}

#[test]
fn a_different_jump_keeps_the_holds_start_and_holds_the_newer_observation() {
	let state = accepted(60_000, 1);
	let held = guard(Some(&state), (usd(40_000), 2), 10, &BREAKER);
	// A different jump (not within 10% of 40,000 either) keeps the hold's start.
	let rejumped = guard(Some(&held), (usd(80_000), 3), 12, &BREAKER);
	assert_eq!(rejumped.accepted, usd(60_000));
	assert_eq!(rejumped.held.map(|h| (h.price, h.since_block)), Some((usd(80_000), 10)));
	// An update agreeing with the newer jump confirms it.
	assert_eq!(guard(Some(&rejumped), (usd(81_000), 4), 13, &BREAKER), accepted(81_000, 4));
}

#[test]
fn defect_8_a_zero_or_out_of_domain_price_is_refused_at_the_boundary() {
	let state = accepted(60_000, 1);
	let zero = Price::from_inner(0);
	let beyond = Price::from_inner(MAX_PRICE.into_inner() + 1);
	// Ignored as if the oracle had said nothing: no hold, no new time.
	assert_eq!(guard_price(Some(&state), (zero, 2), 2, &BREAKER), Some(state));
	assert_eq!(guard_price(Some(&state), (beyond, 2), 2, &BREAKER), Some(state));
	// Even with the breaker off, and with nothing remembered yet.
	let off = JumpBreaker { bound: Perbill::zero() };
	assert_eq!(guard_price(Some(&state), (zero, 2), 2, &off), Some(state));
	assert_eq!(guard_price(None, (zero, 2), 2, &BREAKER), None);
	assert_eq!(guard_price(None, (beyond, 2), 2, &BREAKER), None);
	// So recovery after a bad print takes one true feed, not two.
	let recovered = guard(Some(&state), (usd(60_050), 3), 3, &BREAKER);
	assert_eq!(recovered, accepted(60_050, 3));
	// The edge itself is a price.
	assert!(price_in_domain(MAX_PRICE));
	assert!(price_in_domain(Price::from_inner(1)));
	assert!(!price_in_domain(zero) && !price_in_domain(beyond));
}

#[test]
fn a_zero_bound_turns_the_breaker_off() {
	let off = JumpBreaker { bound: Perbill::zero() };
	let state = accepted(60_000, 1);
	assert_eq!(guard(Some(&state), (usd(1), 2), 2, &off), accepted(1, 2));
}
