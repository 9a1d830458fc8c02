//! Who may execute a quote, and when: the named taker, the taker's pool, the expiry, the
//! nonce (replay, cancellation), never the maker itself.

use super::assert_nothing_moved;
use crate::{mock::*, Error, Event, NonceFloor, NonceStatus, Pallet};
use frame_support::{assert_noop, assert_ok};

fn execute(taker: &AccountId, quote: &crate::QuoteOf<Test>) -> sp_runtime::DispatchResult {
	BlockTrade::execute_quote(
		RuntimeOrigin::signed(taker.clone()),
		Box::new(quote.clone()),
		sign("Alice", quote),
	)
	.map(|_| ())
	.map_err(|error| error.error)
}

#[test]
fn a_quote_for_one_taker_refuses_every_other() {
	new_test_ext().execute_with(|| {
		let mut quote = quote();
		quote.taker = Some(bob());
		assert_noop!(execute(&charlie(), &quote), Error::<Test>::WrongTaker);
		assert_nothing_moved(&quote);
		assert_ok!(execute(&bob(), &quote));
	});
}

#[test]
fn a_quote_for_a_pool_refuses_takers_outside_it() {
	new_test_ext().execute_with(|| {
		let mut quote = quote();
		quote.taker_pool = Some(3);
		assert_noop!(execute(&bob(), &quote), Error::<Test>::TakerNotInPool);
		assert_nothing_moved(&quote);
		join_pool(3, &bob());
		assert_ok!(execute(&bob(), &quote));
	});
}

#[test]
fn an_expired_quote_is_refused_and_one_on_its_last_block_executes() {
	new_test_ext().execute_with(|| {
		let quote = quote();
		System::set_block_number(11);
		assert_noop!(execute(&bob(), &quote), Error::<Test>::QuoteExpired);
		System::set_block_number(10);
		assert_ok!(execute(&bob(), &quote));
	});
}

#[test]
fn a_quote_executes_once() {
	new_test_ext().execute_with(|| {
		let quote = quote();
		assert_ok!(execute(&bob(), &quote));
		assert_noop!(execute(&bob(), &quote), Error::<Test>::QuoteAlreadyUsed);
		assert_noop!(execute(&charlie(), &quote), Error::<Test>::QuoteAlreadyUsed);
		// Nonces in the same bitmap word, and the next word, stay open.
		assert_eq!(Pallet::<Test>::nonce_status(&alice(), 0), NonceStatus::Open);
		assert_eq!(Pallet::<Test>::nonce_status(&alice(), 2), NonceStatus::Open);
		assert_eq!(Pallet::<Test>::nonce_status(&alice(), 129), NonceStatus::Open);
		// Another maker's nonce 1 is its own.
		assert_eq!(Pallet::<Test>::nonce_status(&charlie(), 1), NonceStatus::Open);
	});
}

#[test]
fn nonces_far_apart_are_kept_apart() {
	new_test_ext().execute_with(|| {
		for nonce in [0, 127, 128, u64::MAX] {
			let mut quote = quote();
			quote.nonce = nonce;
			assert_ok!(execute(&bob(), &quote));
			assert_eq!(Pallet::<Test>::nonce_status(&alice(), nonce), NonceStatus::Used);
		}
		assert_eq!(Pallet::<Test>::nonce_status(&alice(), 1), NonceStatus::Open);
		assert_eq!(Pallet::<Test>::nonce_status(&alice(), 126), NonceStatus::Open);
		assert_eq!(Pallet::<Test>::nonce_status(&alice(), u64::MAX - 1), NonceStatus::Open);
	});
}

#[test]
fn a_maker_cancels_every_quote_below_a_nonce() {
	new_test_ext().execute_with(|| {
		let mut quote = quote();
		quote.nonce = 5;
		assert_ok!(BlockTrade::cancel_quotes_below(RuntimeOrigin::signed(alice()), 6));
		System::assert_last_event(Event::QuotesCancelled { maker: alice(), below: 6 }.into());
		assert_eq!(Pallet::<Test>::nonce_status(&alice(), 5), NonceStatus::Cancelled);
		assert_noop!(execute(&bob(), &quote), Error::<Test>::QuoteCancelled);
		assert!(settled().is_empty());
		// The floor's own nonce is still good.
		quote.nonce = 6;
		assert_ok!(execute(&bob(), &quote));
	});
}

#[test]
fn the_floor_only_rises() {
	new_test_ext().execute_with(|| {
		assert_ok!(BlockTrade::cancel_quotes_below(RuntimeOrigin::signed(alice()), 6));
		for lower in [0, 5, 6] {
			assert_noop!(
				BlockTrade::cancel_quotes_below(RuntimeOrigin::signed(alice()), lower),
				Error::<Test>::NonceFloorNotRaised
			);
		}
		assert_eq!(NonceFloor::<Test>::get(alice()), 6);
		// One maker's floor is nobody else's.
		assert_eq!(NonceFloor::<Test>::get(bob()), 0);
	});
}

#[test]
fn a_maker_cannot_take_its_own_quote() {
	new_test_ext().execute_with(|| {
		let quote = quote();
		assert_noop!(execute(&alice(), &quote), Error::<Test>::SelfTrade);
	});
}

#[test]
fn an_executed_quote_is_charged_what_the_accounts_cost_within_what_was_charged() {
	new_test_ext().execute_with(|| {
		let quote = quote();
		let charged = Pallet::<Test>::execute_quote_weight(2);
		let info = BlockTrade::execute_quote(
			RuntimeOrigin::signed(bob()),
			Box::new(quote.clone()),
			sign("Alice", &quote),
		)
		.unwrap();
		let actual = info.actual_weight.expect("the call reports its weight");
		assert!(actual.all_lte(charged));
		// Both accounts now hold two positions each: the mock's surcharge counts them.
		assert_eq!(charged.ref_time() - actual.ref_time(), 2 * 3_000_000 - 2 * 2_000_000);
		System::assert_last_event(
			Event::QuoteExecuted {
				maker: alice(),
				taker: bob(),
				nonce: 1,
				legs: 2,
				maker_fees: 12_000_000 + 6_000_000,
				taker_fees: 30_000_000 + 15_000_000,
			}
			.into(),
		);
	});
}
