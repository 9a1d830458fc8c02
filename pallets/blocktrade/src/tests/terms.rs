//! A market's block-trade terms: who sets them, and their bounds.

use crate::{mock::*, BlockTradeTerms, Error, Event, Terms, MAX_BLOCK_TRADE_FEE};
use frame_support::{assert_noop, assert_ok};
use sp_arithmetic::Perbill;
use sp_runtime::DispatchError;

#[test]
fn only_the_terms_origin_sets_terms() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			BlockTrade::set_terms(RuntimeOrigin::signed(alice()), SOL_PERP, Some(terms())),
			DispatchError::BadOrigin
		);
		assert_ok!(BlockTrade::set_terms(RuntimeOrigin::root(), SOL_PERP, Some(terms())));
		assert_eq!(Terms::<Test>::get(SOL_PERP), Some(terms()));
		System::assert_last_event(
			Event::TermsSet { market: SOL_PERP, terms: Some(terms()) }.into(),
		);
	});
}

#[test]
fn terms_are_bounded() {
	new_test_ext().execute_with(|| {
		let over = Perbill::from_parts(MAX_BLOCK_TRADE_FEE.deconstruct() + 1);
		let bad = [
			BlockTradeTerms { maker_fee: over, ..terms() },
			BlockTradeTerms { taker_fee: over, ..terms() },
			BlockTradeTerms { min_size: 0, ..terms() },
			BlockTradeTerms { min_size: LOT + 1, ..terms() },
		];
		for terms in bad {
			assert_noop!(
				BlockTrade::set_terms(RuntimeOrigin::root(), SOL_PERP, Some(terms)),
				Error::<Test>::InvalidTerms
			);
		}
		assert_noop!(
			BlockTrade::set_terms(RuntimeOrigin::root(), 9, Some(terms())),
			Error::<Test>::UnknownMarket
		);
		let highest = BlockTradeTerms {
			maker_fee: MAX_BLOCK_TRADE_FEE,
			taker_fee: MAX_BLOCK_TRADE_FEE,
			min_size: LOT,
		};
		assert_ok!(BlockTrade::set_terms(RuntimeOrigin::root(), SOL_PERP, Some(highest)));
	});
}
