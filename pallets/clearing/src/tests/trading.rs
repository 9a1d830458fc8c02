//! Trades settled through the `Clearing` trait: positions, fees, open interest and the trade rules.

use super::*;

#[test]
fn a_trade_opens_both_positions_books_fees_and_open_interest() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		let alice = position(ALICE).unwrap();
		let bob = position(BOB).unwrap();
		assert_eq!(
			(alice.position.size, alice.position.cost),
			(ONE_BTC as i128, 60_000 * ONE_USDC as i128)
		);
		assert_eq!(
			(bob.position.size, bob.position.cost),
			(-(ONE_BTC as i128), -(60_000 * ONE_USDC as i128))
		);
		assert_eq!(alice.isolated_margin, None);
		// Taker 0.05% of 60,000 = 30; maker 0.02% = 12.
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, (10_000 - 30) * ONE_USDC as i128);
		assert_eq!(SettlementBalances::<Test>::get(BOB).scaled, (10_000 - 12) * ONE_USDC as i128);
		assert_eq!(SettlementBalances::<Test>::get(FEES).scaled, 42 * ONE_USDC as i128);
		let state = MarketStates::<Test>::get(BTC_PERP);
		assert_eq!(state.open_interest, ONE_BTC);
		assert_eq!(state.last_trade_price, Some(usd(60_000)));
		assert_eq!(
			events().last(),
			Some(&Event::TradeSettled {
				market: BTC_PERP,
				maker: BOB,
				taker: ALICE,
				trade_size: ONE_BTC as i128,
				price: usd(60_000),
				maker_fee: 12 * ONE_USDC,
				taker_fee: 30 * ONE_USDC,
				maker_realized_pnl: 0,
				taker_realized_pnl: 0,
			})
		);
	});
}

#[test]
fn closing_realizes_pnl_and_releases_open_interest() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		set_price(BTC_PRICE, 61_000);
		// Alice sells her 1 BTC back to Bob at 61,000: +1,000 for Alice, -1,000 for Bob.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128), usd(61_000)));
		assert_eq!(position(ALICE), None);
		assert_eq!(position(BOB), None);
		assert_eq!(MarketStates::<Test>::get(BTC_PERP).open_interest, 0);
		// Fees: Alice 30 + 30.5, Bob 12 + 12.2.
		assert_eq!(
			SettlementBalances::<Test>::get(ALICE).scaled,
			(10_000 + 1_000) * ONE_USDC as i128 - 30 * ONE_USDC as i128 - 30_500_000
		);
		assert_eq!(
			SettlementBalances::<Test>::get(BOB).scaled,
			(10_000 - 1_000) * ONE_USDC as i128 - 12 * ONE_USDC as i128 - 12_200_000
		);
	});
}

#[test]
fn trade_rule_errors() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		let one = ONE_BTC as i128;
		assert_noop!(settle(&ALICE, &ALICE, BTC_PERP, one, usd(60_000)), Error::<Test>::SelfTrade);
		assert_noop!(settle(&BOB, &ALICE, 9, one, usd(60_000)), Error::<Test>::UnknownMarket);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, one, FixedU128::from_rational(600_005, 100)),
			Error::<Test>::PriceNotOnTick
		);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, one, FixedU128::from_inner(0)),
			Error::<Test>::PriceNotOnTick
		);
		assert_noop!(settle(&BOB, &ALICE, BTC_PERP, 0, usd(60_000)), Error::<Test>::InvalidSize);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 15_000, usd(60_000)),
			Error::<Test>::InvalidSize
		);
		// The minimum size is the venue's rule for orders; a fill may be the rest of a partly
		// filled order below it.
		let mut small_lots = btc_perp();
		small_lots.min_size = 20_000;
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), BTC_PERP, small_lots));
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)));
		assert_ok!(ClearingPallet::set_market_status(
			RuntimeOrigin::root(),
			BTC_PERP,
			MarketStatus::Closed
		));
		start_next_block();
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, one, usd(60_000)),
			Error::<Test>::MarketNotTrading
		);
	});
}

#[test]
fn reduce_only_markets_take_only_reducing_trades() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
		assert_ok!(ClearingPallet::set_market_status(
			RuntimeOrigin::root(),
			BTC_PERP,
			MarketStatus::ReduceOnly
		));
		start_next_block();
		let half = ONE_BTC as i128 / 2;
		// Charlie, the maker, would open: his order can never fill here, the venue cancels
		// it and the taker goes on.
		assert_eq!(
			ClearingPallet::settle_trade(&CHARLIE, &ALICE, BTC_PERP, -half, usd(60_000)),
			Err(SettleError::Maker(Error::<Test>::MarketNotTrading.into()))
		);
		// As a taker, opening fails the taker's order.
		assert_noop!(
			settle(&ALICE, &CHARLIE, BTC_PERP, half, usd(60_000)),
			Error::<Test>::MarketNotTrading
		);
		// Alice and Bob both reduce: fine.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -half, usd(60_000)));
		assert_eq!(position(ALICE).unwrap().position.size, half);
	});
}

#[test]
fn open_interest_cap_is_enforced() {
	new_test_ext().execute_with(|| {
		let mut capped = btc_perp();
		capped.open_interest_cap = ONE_BTC;
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), BTC_PERP, capped));
		open_one_btc();
		deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
		assert_noop!(
			settle(&CHARLIE, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Error::<Test>::OpenInterestCapExceeded
		);
		// Moving a long from Alice to Charlie keeps open interest at the cap.
		assert_ok!(settle(&CHARLIE, &ALICE, BTC_PERP, -10_000, usd(60_000)));
		assert_eq!(MarketStates::<Test>::get(BTC_PERP).open_interest, ONE_BTC);
	});
}

#[test]
fn margin_failures_name_the_side_and_change_nothing() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		// 4 BTC at 60,000 needs 12,000 of initial margin (+ fees): too much for either.
		let four = 4 * ONE_BTC as i128;
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, four, usd(60_000)),
			Error::<Test>::MakerMarginInsufficient
		);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, four, usd(60_000)),
			Error::<Test>::TakerMarginInsufficient
		);
		assert_eq!(position(ALICE), None);
		assert_eq!(SettlementBalances::<Test>::get(FEES).scaled, 0);
	});
}

#[test]
fn risk_increasing_trades_need_a_fresh_price_reducing_ones_do_not() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		advance(60_001);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Error::<Test>::StalePrice
		);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -10_000, usd(60_000)));
		// With the feed gone the guard's last accepted index still bands the price.
		<ClearingPallet as frame_support::traits::Hooks<u64>>::on_finalize(1);
		clear_price(BTC_PRICE);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -10_000, usd(60_000)));
		// A market that never had a price has no band: nothing settles in it.
		let mut unpriced = btc_perp();
		unpriced.oracle_key = 11;
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 1, unpriced));
		assert_noop!(settle(&BOB, &ALICE, 1, -10_000, usd(60_000)), Error::<Test>::StalePrice);
	});
}

#[test]
fn too_many_positions_is_a_typed_error() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		for market in 1..=4u32 {
			assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), market, btc_perp()));
		}
		for market in 0..4u32 {
			assert_ok!(settle(&BOB, &ALICE, market, 10_000, usd(60_000)));
		}
		assert_noop!(settle(&BOB, &ALICE, 4, 10_000, usd(60_000)), Error::<Test>::TooManyPositions);
	});
}
