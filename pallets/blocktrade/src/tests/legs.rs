//! Each leg against its market (terms, lot, minimum, tick, band), and the package: every
//! leg settles, at the markets' block-trade fees, or none does.

use super::assert_nothing_moved;
use crate::{mock::*, Error, NonceStatus, OrderSide, Pallet, QuoteOf};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_arithmetic::FixedU128;

fn execute(quote: &QuoteOf<Test>) -> sp_runtime::DispatchResult {
	BlockTrade::execute_quote(
		RuntimeOrigin::signed(bob()),
		Box::new(quote.clone()),
		sign("Alice", quote),
	)
	.map(|_| ())
	.map_err(|error| error.error)
}

fn with_legs(legs: Vec<crate::QuoteLeg>) -> QuoteOf<Test> {
	let mut quote = quote();
	quote.legs = BoundedVec::truncate_from(legs);
	quote
}

#[test]
fn every_leg_settles_with_the_markets_block_fees_from_the_takers_side() {
	new_test_ext().execute_with(|| {
		assert_ok!(execute(&quote()));
		let price = |usd: u32| FixedU128::from_u32(usd).into_inner();
		assert_eq!(
			settled(),
			vec![
				// Alice sells BTC: Bob, the taker, buys (+).
				(alice(), bob(), BTC_PERP, ONE as i128, price(60_000), 200_000, 500_000),
				// Alice buys ETH: Bob sells (-).
				(alice(), bob(), ETH_PERP, -10 * ONE as i128, price(3_000), 200_000, 500_000),
			]
		);
	});
}

#[test]
fn one_failing_leg_changes_nothing() {
	new_test_ext().execute_with(|| {
		// The second leg fails in the clearing house (as at a stale price): the first,
		// settled before it, is rolled back with it, and the nonce stays open.
		fail_market(ETH_PERP);
		let quote = quote();
		assert_noop!(execute(&quote), sp_runtime::DispatchError::Other("StalePrice"));
		assert_nothing_moved(&quote);
	});
}

#[test]
fn margin_is_checked_over_the_whole_package() {
	new_test_ext().execute_with(|| {
		// Bob may hold 100,000 USD gross: the package's 60,000 + 30,000 fits; a second
		// copy of it (another nonce) does not, and changes nothing.
		set_limit(&bob(), 100_000);
		assert_ok!(execute(&quote()));
		let mut again = quote();
		again.nonce = 2;
		assert_noop!(execute(&again), sp_runtime::DispatchError::Other("TakerMarginInsufficient"));
		assert_eq!(Pallet::<Test>::nonce_status(&alice(), 2), NonceStatus::Open);
		assert_eq!(position(&bob(), BTC_PERP), ONE as i128);
	});
}

#[test]
fn a_price_outside_the_band_is_refused() {
	new_test_ext().execute_with(|| {
		// The band is 60,000 ± 2%: 58,800 to 61,200. Either side's off-market print is
		// refused, even when both sides agree to it.
		for usd in [58_799, 61_201, 30_000] {
			let quote = with_legs(vec![leg(BTC_PERP, OrderSide::Sell, ONE, usd)]);
			assert_noop!(execute(&quote), Error::<Test>::PriceOutsideBand);
			assert_nothing_moved(&quote);
		}
		// Its edges are inside.
		let mut edge = with_legs(vec![leg(BTC_PERP, OrderSide::Sell, ONE, 61_200)]);
		assert_ok!(execute(&edge));
		edge.nonce = 2;
		edge.legs[0].price = FixedU128::from_u32(58_800);
		assert_ok!(execute(&edge));
	});
}

#[test]
fn a_leg_is_checked_against_its_market() {
	new_test_ext().execute_with(|| {
		let cases = [
			(leg(9, OrderSide::Sell, ONE, 60_000), Error::<Test>::UnknownMarket),
			(leg(SOL_PERP, OrderSide::Sell, ONE, 150), Error::<Test>::MarketNotOpenToBlockTrades),
			(leg(BTC_PERP, OrderSide::Sell, 0, 60_000), Error::<Test>::InvalidSize),
			(leg(BTC_PERP, OrderSide::Sell, ONE + 1, 60_000), Error::<Test>::InvalidSize),
			(
				leg(BTC_PERP, OrderSide::Sell, ONE / 10 - LOT, 60_000),
				Error::<Test>::BelowMinimumSize,
			),
			(
				crate::QuoteLeg {
					market: BTC_PERP,
					side: OrderSide::Sell,
					size: ONE,
					price: FixedU128::from_rational(600_001, 10),
				},
				Error::<Test>::PriceNotOnTick,
			),
			(leg(BTC_PERP, OrderSide::Sell, ONE, 0), Error::<Test>::PriceNotOnTick),
		];
		for (bad, error) in cases {
			// The bad leg second: the good one before it must not stay settled either.
			let quote = with_legs(vec![leg(ETH_PERP, OrderSide::Buy, ONE, 3_000), bad]);
			assert_noop!(execute(&quote), error);
			assert_nothing_moved(&quote);
		}
	});
}

#[test]
fn a_quote_has_legs_each_in_its_own_market() {
	new_test_ext().execute_with(|| {
		assert_noop!(execute(&with_legs(vec![])), Error::<Test>::NoLegs);
		let twice = with_legs(vec![
			leg(BTC_PERP, OrderSide::Sell, ONE, 60_000),
			leg(ETH_PERP, OrderSide::Sell, ONE, 3_000),
			leg(BTC_PERP, OrderSide::Buy, ONE, 60_000),
		]);
		assert_noop!(execute(&twice), Error::<Test>::DuplicateLeg);
		assert_nothing_moved(&twice);
	});
}

#[test]
fn a_closed_market_stops_taking_block_trades() {
	new_test_ext().execute_with(|| {
		assert_ok!(BlockTrade::set_terms(RuntimeOrigin::root(), ETH_PERP, None));
		let quote = quote();
		assert_noop!(execute(&quote), Error::<Test>::MarketNotOpenToBlockTrades);
		assert_nothing_moved(&quote);
	});
}
