//! The jump breaker, case by case.

use risk_engine::*;
use sp_arithmetic::{FixedU128, Perbill};

fn usd(dollars: u128) -> Price {
	FixedU128::from_inner(dollars * 1_000_000_000_000_000_000)
}

const BREAKER: JumpBreaker = JumpBreaker { bound: Perbill::from_percent(10), confirm_blocks: 5 };

fn accepted(dollars: u128, at: u64) -> GuardedPrice {
	GuardedPrice { accepted: usd(dollars), observed_at: at, held: None }
}

#[test]
fn the_first_price_and_small_moves_are_accepted() {
	assert_eq!(guard_price(None, (usd(60_000), 1), 1, &BREAKER), accepted(60_000, 1));
	let state = accepted(60_000, 1);
	// Exactly 10% either way is within the bound.
	assert_eq!(guard_price(Some(&state), (usd(66_000), 2), 2, &BREAKER), accepted(66_000, 2));
	assert_eq!(guard_price(Some(&state), (usd(54_000), 2), 2, &BREAKER), accepted(54_000, 2));
	// No newer observation: nothing changes.
	assert_eq!(guard_price(Some(&state), (usd(90_000), 1), 2, &BREAKER), state);
}

#[test]
fn a_jump_is_held_until_a_later_update_confirms_it() {
	let state = accepted(60_000, 1);
	// 10% plus one dollar: held, the old price stays in force with its old time.
	let held = guard_price(Some(&state), (usd(53_999), 2), 7, &BREAKER);
	assert_eq!(held.accepted, usd(60_000));
	assert_eq!(held.observed_at, 1);
	assert_eq!(held.held, Some(HeldJump { price: usd(53_999), observed_at: 2, since_block: 7 }));
	// The same observation again: still held.
	assert_eq!(guard_price(Some(&held), (usd(53_999), 2), 8, &BREAKER), held);
	// A later observation near the jump confirms it.
	assert_eq!(guard_price(Some(&held), (usd(53_000), 3), 8, &BREAKER), accepted(53_000, 3));
	// A later observation back near the accepted price simply stands.
	assert_eq!(guard_price(Some(&held), (usd(60_500), 3), 8, &BREAKER), accepted(60_500, 3));
}

#[test]
fn a_hold_expires_after_confirm_blocks_from_the_first_jump() {
	let state = accepted(60_000, 1);
	let held = guard_price(Some(&state), (usd(40_000), 2), 10, &BREAKER);
	// A different jump (not within 10% of 40,000 either) keeps the hold's start.
	let rejumped = guard_price(Some(&held), (usd(80_000), 3), 12, &BREAKER);
	assert_eq!(rejumped.accepted, usd(60_000));
	assert_eq!(rejumped.held.map(|h| (h.price, h.since_block)), Some((usd(80_000), 10)));
	// Four blocks after the first jump: still held; five: the latest observation stands.
	assert_eq!(guard_price(Some(&rejumped), (usd(80_000), 3), 14, &BREAKER).accepted, usd(60_000));
	assert_eq!(guard_price(Some(&rejumped), (usd(80_000), 3), 15, &BREAKER), accepted(80_000, 3));
}

#[test]
fn a_zero_bound_turns_the_breaker_off() {
	let off = JumpBreaker { bound: Perbill::zero(), confirm_blocks: 5 };
	let state = accepted(60_000, 1);
	assert_eq!(guard_price(Some(&state), (usd(1), 2), 2, &off), accepted(1, 2));
}
