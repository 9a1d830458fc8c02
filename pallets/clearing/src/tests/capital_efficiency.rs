//! Capital efficiency: each book margined isolated, cross and portfolio.

use super::*;

#[test]
fn a_long_perpetual_needs_the_same_under_cross_and_portfolio() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		let report = ClearingPallet::margin_report(&ALICE).unwrap();
		assert_eq!(report.gross_notional, 60_000 * ONE_USDC);
		// 5% tiered initial; a 5% worst move (the extreme 15% counts at 33%: 4.95%).
		assert_eq!(report.cross.initial_requirement, 3_000 * ONE_USDC);
		assert_eq!(report.isolated.initial_requirement, 3_000 * ONE_USDC);
		assert_eq!(report.portfolio.initial_requirement, 3_000 * ONE_USDC);
		assert_eq!(report.portfolio.maintenance_requirement, 2_400 * ONE_USDC);
		assert_eq!(report.cross.capital_efficiency, Some(FixedU128::from_u32(20)));
		assert_eq!(report.underlyings.len(), 1);
		assert_eq!(report.underlyings[0].oracle_key, BTC_PRICE);
		assert_eq!(report.underlyings[0].delta, FixedI128::from_u32(1));
		assert_eq!(
			report.underlyings[0].worst_move,
			FixedI128::from_inner(-50_000_000_000_000_000)
		);
		assert_eq!(report.equity, 9_970 * ONE_USDC as i128);
	});
}

#[test]
fn a_hedge_across_two_markets_on_one_underlying_locks_nothing_under_portfolio() {
	new_test_ext().execute_with(|| {
		let second: MarketId = 5;
		let mut twin = btc_perp();
		twin.symbol = frame_support::BoundedVec::truncate_from(b"BTC-PERP2".to_vec());
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), second, twin));
		deposit(ALICE, USDC, 20_000 * ONE_USDC);
		deposit(BOB, USDC, 20_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		assert_ok!(settle(&BOB, &ALICE, second, -(ONE_BTC as i128), usd(60_000)));

		let report = ClearingPallet::margin_report(&ALICE).unwrap();
		assert_eq!(report.gross_notional, 120_000 * ONE_USDC);
		assert_eq!(report.cross.initial_requirement, 6_000 * ONE_USDC);
		assert_eq!(report.portfolio.initial_requirement, 0);
		assert_eq!(report.portfolio.capital_efficiency, None);
		assert_eq!(report.underlyings[0].delta, FixedI128::from_u32(0));

		// Chain-wide: Alice and Bob both hedged; cross locks 12,000, portfolio nothing.
		let chain = ClearingPallet::capital_efficiency();
		assert_eq!(chain.accounts, 2);
		assert_eq!(chain.gross_notional, 240_000 * ONE_USDC);
		assert_eq!(chain.locked_in_force, 12_000 * ONE_USDC);
		assert_eq!(chain.locked_portfolio, 0);
		assert_eq!(chain.efficiency_in_force, Some(FixedU128::from_u32(20)));
	});
}

#[test]
fn a_simulation_reports_the_book_after_the_trades_and_writes_nothing() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		let trade = |size: i128, price: Option<u128>| crate::SimulatedTrade {
			market: BTC_PERP,
			trade_size: size,
			price: price.map(usd),
		};
		let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
		// Buying a second BTC at the mark: 6,000 of requirement, 30 more of taker fee.
		let doubled = ClearingPallet::simulate(&ALICE, &[trade(ONE_BTC as i128, None)]).unwrap();
		assert_eq!(doubled.gross_notional, 120_000 * ONE_USDC);
		assert_eq!(doubled.cross.initial_requirement, 6_000 * ONE_USDC);
		assert_eq!(doubled.equity, 9_940 * ONE_USDC as i128);
		// Selling it all at 61,000: flat, 1,000 of profit less a 30.5 fee.
		let closed =
			ClearingPallet::simulate(&ALICE, &[trade(-(ONE_BTC as i128), Some(61_000))]).unwrap();
		assert_eq!(closed.gross_notional, 0);
		assert_eq!(closed.cross.initial_requirement, 0);
		assert_eq!(closed.equity, (10_939_500_000) as i128);
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root);
		assert_eq!(
			ClearingPallet::margin_report(&ALICE).unwrap().gross_notional,
			60_000 * ONE_USDC
		);

		assert_eq!(
			ClearingPallet::simulate(&ALICE, &[trade(1, None)]),
			Err(Error::<Test>::InvalidSize.into())
		);
		assert_eq!(
			ClearingPallet::simulate(
				&ALICE,
				&[crate::SimulatedTrade { market: 42, trade_size: ONE_BTC as i128, price: None }]
			),
			Err(Error::<Test>::UnknownMarket.into())
		);
		let too_many = vec![trade(10_000, None); crate::MAX_SIMULATED_TRADES as usize + 1];
		assert_eq!(
			ClearingPallet::simulate(&ALICE, &too_many),
			Err(Error::<Test>::TooManySimulatedTrades.into())
		);
	});
}

#[test]
fn correlation_offsets_two_underlyings_within_bounds() {
	new_test_ext().execute_with(|| {
		// An "ETH" market on its own key at 3,000.
		const ETH_PRICE: u32 = 11;
		set_price(ETH_PRICE, 3_000);
		let mut eth = btc_perp();
		eth.symbol = frame_support::BoundedVec::truncate_from(b"ETH-PERP".to_vec());
		eth.oracle_key = ETH_PRICE;
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 6, eth));
		deposit(ALICE, USDC, 20_000 * ONE_USDC);
		deposit(BOB, USDC, 20_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		// 20 ETH short: 60,000 of notional too.
		assert_ok!(settle(&BOB, &ALICE, 6, -20 * (ONE_BTC as i128), usd(3_000)));
		// Never set: fully correlated, the sum of 3,000 each.
		let summed = ClearingPallet::margin_report(&ALICE).unwrap().portfolio;
		assert_eq!(summed.initial_requirement, 6_000 * ONE_USDC);
		assert_ok!(ClearingPallet::set_correlation(
			RuntimeOrigin::root(),
			BTC_PRICE,
			ETH_PRICE,
			FixedI128::from_u32(0)
		));
		start_next_block();
		// Uncorrelated: sqrt(2) x 3,000 = 4,242.64...
		let offset = ClearingPallet::margin_report(&ALICE).unwrap().portfolio;
		assert_eq!(offset.initial_requirement, 4_242_640_688);
	});
}
