//! What venues call: resting orders committed against margin, fills, the book's top and the mark.

use super::*;

#[test]
fn a_failed_maker_side_is_reported_as_the_makers() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		deposit(BOB, USDC, 1_000 * ONE_USDC);
		// Bob (maker) cannot carry 1 BTC on 1,000 USDC: the venue is told it is Bob's failure.
		assert_eq!(
			ClearingPallet::settle_trade(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)),
			Err(SettleError::Maker(Error::<Test>::MakerMarginInsufficient.into()))
		);
		// The taker's failure is the trade's.
		assert_eq!(
			ClearingPallet::settle_trade(&ALICE, &BOB, BTC_PERP, ONE_BTC as i128, usd(60_000)),
			Err(SettleError::Trade(Error::<Test>::TakerMarginInsufficient.into()))
		);
		// A fill reports both fees: 60,000 x 0.02% and x 0.05%.
		deposit(BOB, USDC, 9_000 * ONE_USDC);
		assert_eq!(
			ClearingPallet::settle_trade(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)),
			Ok(TradeReceipt { maker_fee: 12 * ONE_USDC, taker_fee: 30 * ONE_USDC })
		);
	});
}

#[test]
fn committed_orders_count_toward_initial_margin_only() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		// A 3 BTC bid at 59,000: filled, long 3 BTC = 180,000 at the 60,000 mark, 5% = 9,000.
		assert_ok!(ClearingPallet::commit_order(
			&ALICE,
			BTC_PERP,
			OrderSide::Buy,
			3 * ONE_BTC,
			usd(59_000)
		));
		let record = position(ALICE).unwrap();
		assert_eq!(record.open_orders.bid_size, 3 * ONE_BTC);
		assert_eq!(record.open_orders.bid_value, 177_000 * ONE_USDC);
		let report = ClearingPallet::account_report(&ALICE).unwrap();
		assert_eq!(report.open_order_requirement, 9_000 * ONE_USDC);
		assert_eq!(report.initial_requirement, 9_000 * ONE_USDC);
		assert_eq!(report.maintenance_requirement, 0);
		assert_eq!(report.free_collateral, 1_000 * ONE_USDC as i128);
		assert_eq!(report.positions[0].open_order_requirement, 9_000 * ONE_USDC);
		// The committed margin cannot be withdrawn ...
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 1_001 * ONE_USDC),
			Error::<Test>::BelowInitialMargin
		);
		// ... nor committed twice: another 1 BTC bid needs 3,000 more.
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Buy, ONE_BTC, usd(59_000)),
			Error::<Test>::OrderMarginInsufficient
		);
		// An ask on the other side needs no more than the worse side: 3 BTC short = 9,000.
		assert_ok!(ClearingPallet::commit_order(
			&ALICE,
			BTC_PERP,
			OrderSide::Sell,
			3 * ONE_BTC,
			usd(61_000)
		));
		assert_eq!(
			ClearingPallet::account_report(&ALICE).unwrap().open_order_requirement,
			9_000 * ONE_USDC
		);
		// Releasing both frees everything and leaves no record behind.
		ClearingPallet::release_order(&ALICE, BTC_PERP, OrderSide::Buy, 3 * ONE_BTC, usd(59_000));
		ClearingPallet::release_order(&ALICE, BTC_PERP, OrderSide::Sell, 3 * ONE_BTC, usd(61_000));
		assert_eq!(position(ALICE), None);
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 10_000 * ONE_USDC));
	});
}

#[test]
fn commit_order_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, 7, OrderSide::Buy, ONE_BTC, usd(60_000)),
			Error::<Test>::UnknownMarket
		);
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Buy, 0, usd(60_000)),
			Error::<Test>::InvalidSize
		);
		// Adding risk needs a fresh price.
		advance(60_001);
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Buy, ONE_BTC, usd(60_000)),
			Error::<Test>::StalePrice
		);
		set_price(BTC_PRICE, 60_000);
		assert_ok!(ClearingPallet::set_market_status(
			RuntimeOrigin::root(),
			BTC_PERP,
			MarketStatus::Closed
		));
		start_next_block();
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Buy, ONE_BTC, usd(60_000)),
			Error::<Test>::MarketNotTrading
		);
	});
}

#[test]
fn orders_in_an_isolated_market_use_the_isolated_margin() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			3_000 * ONE_USDC
		));
		// 1 BTC at the mark needs 3,000: exactly the isolated margin.
		assert_ok!(ClearingPallet::commit_order(
			&ALICE,
			BTC_PERP,
			OrderSide::Buy,
			ONE_BTC,
			usd(60_000)
		));
		// One more lot does not fit, whatever the pool holds.
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Buy, 10_000, usd(60_000)),
			Error::<Test>::OrderMarginInsufficient
		);
	});
}

#[test]
fn the_mark_follows_the_book_inside_the_band() {
	new_test_ext().execute_with(|| {
		let mark = || {
			ClearingPallet::market_prices(
				BTC_PERP,
				&btc_perp(),
				&MarketStates::<Test>::get(BTC_PERP),
			)
			.unwrap()
			.mark
		};
		// No trade, no book: the index.
		assert_eq!(mark(), usd(60_000));
		// One side only, no trade: still the index.
		ClearingPallet::note_book_top(BTC_PERP, Some(usd(59_900)), None);
		assert_eq!(mark(), usd(60_000));
		// Both sides, no trade: the mid.
		ClearingPallet::note_book_top(BTC_PERP, Some(usd(59_900)), Some(usd(60_300)));
		assert_eq!(mark(), usd(60_100));
		// A trade far from the book is pulled inside the spread: median(59,900, 60,300, 59,000).
		MarketStates::<Test>::mutate(BTC_PERP, |s| s.last_trade_price = Some(usd(59_000)));
		assert_eq!(mark(), usd(59_900));
		// A trade inside the spread is the mark.
		MarketStates::<Test>::mutate(BTC_PERP, |s| s.last_trade_price = Some(usd(60_050)));
		assert_eq!(mark(), usd(60_050));
		// Whatever the book, the mark stays within 1% of the index.
		ClearingPallet::note_book_top(BTC_PERP, Some(usd(61_000)), Some(usd(61_500)));
		assert_eq!(mark(), usd(60_600));
		let report = ClearingPallet::market_report(BTC_PERP).unwrap();
		assert_eq!((report.best_bid, report.best_ask), (Some(usd(61_000)), Some(usd(61_500))));
	});
}

#[test]
fn a_book_change_accrues_funding_at_the_mark_that_held_until_then() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		// Funding must not see the new book retroactively: accrue first, then move the book.
		advance(1_800_000);
		set_price(BTC_PRICE, 60_000);
		let before = MarketStates::<Test>::get(BTC_PERP);
		ClearingPallet::note_book_top(BTC_PERP, Some(usd(60_500)), Some(usd(60_600)));
		let after = MarketStates::<Test>::get(BTC_PERP);
		// The mark was 60,000 = index until now: no premium, no funding, but the clock moved.
		assert_eq!(after.funding_index, before.funding_index);
		assert_eq!(after.last_funding_ms, now());
		assert_eq!(after.best_bid, Some(usd(60_500)));
	});
}

/// One venue call's worth of work on the delta-hedged book: fills of a perpetual and an
/// option series between portfolio- and cross-margined accounts, a maker that cannot pay, a
/// taker that cannot, orders committed and released, and the book's top moving the mark in
/// between. Returns every result.
fn a_venue_call() -> Vec<String> {
	let mut results = Vec::new();
	for step in 0..6u128 {
		let price = usd(59_990 + 5 * step);
		results.push(format!(
			"{:?}",
			ClearingPallet::settle_trade(&CHARLIE, &ALICE, BTC_PERP, 10_000, price)
		));
		results.push(format!(
			"{:?}",
			ClearingPallet::settle_trade(
				&ALICE,
				&BOB,
				super::options_and_portfolio::BTC_CALL,
				1_000_000,
				super::options_and_portfolio::tradable_mark(super::options_and_portfolio::BTC_CALL)
			)
		));
		// Far too big for either side.
		results.push(format!(
			"{:?}",
			ClearingPallet::settle_trade(&BOB, &CHARLIE, BTC_PERP, 900 * ONE_BTC as i128, price)
		));
		results.push(format!(
			"{:?}",
			ClearingPallet::settle_trade(&CHARLIE, &BOB, BTC_PERP, 900 * ONE_BTC as i128, price)
		));
		results.push(format!(
			"{:?}",
			ClearingPallet::commit_order(&BOB, BTC_PERP, OrderSide::Buy, ONE_BTC / 10, price)
		));
		ClearingPallet::release_order(&BOB, BTC_PERP, OrderSide::Buy, ONE_BTC / 20, price);
		// The book's top moves the perpetual's mark for the checks that follow.
		ClearingPallet::note_book_top(BTC_PERP, Some(usd(59_950 + 20 * step)), Some(usd(60_100)));
		results.push(format!("{:?}", ClearingPallet::cross_figures(&ALICE).map(|f| f.margin)));
	}
	results
}

#[test]
fn a_working_set_changes_no_outcome_of_a_venue_call() {
	use sp_runtime::StateVersion;
	let run = |in_working_set: bool| {
		new_test_ext().execute_with(|| {
			super::options_and_portfolio::delta_hedged_book();
			assert_ok!(ClearingPallet::set_margin_mode(
				RuntimeOrigin::signed(ALICE),
				crate::MarginMode::Portfolio
			));
			System::reset_events();
			let results = if in_working_set {
				// A venue's working set: accounts' collateral and modes are kept too.
				<ClearingPallet as clearing_traits::Clearing<_, _>>::with_working_set(a_venue_call)
			} else {
				a_venue_call()
			};
			(results, System::events(), sp_io::storage::root(StateVersion::V1))
		})
	};
	let (plain, in_set) = (run(false), run(true));
	assert!(plain.0.iter().any(|r| r.starts_with("Ok")), "some fills settle");
	assert!(plain.0.iter().any(|r| r.contains("Maker")), "a maker fails");
	assert!(plain.0.iter().any(|r| r.contains("Trade")), "a taker fails");
	assert_eq!(plain.0, in_set.0);
	assert_eq!(plain.1, in_set.1);
	assert_eq!(plain.2, in_set.2, "the same state, to the byte");
}

/// Settling a fill releases what the maker's order committed for it and settles the trade,
/// exactly as `release_order` and then `settle_trade` in one storage layer do: the same
/// result, events and state, whether the fill takes part of the order or all of it (the
/// maker's record, flat with nothing committed, is then recreated by the trade), and when it
/// fails (then nothing changes: here the taker, an account without collateral, cannot take
/// the position).
#[test]
fn a_fill_settles_as_a_release_then_a_trade() {
	use sp_runtime::StateVersion;
	const NOBODY: u64 = 77;
	let (bid, committed) = (usd(59_990), ONE_BTC / 10);
	for (taker, sold, settles) in
		[(CHARLIE, committed / 2, true), (CHARLIE, committed, true), (NOBODY, committed / 2, false)]
	{
		let run = |together: bool| {
			new_test_ext().execute_with(|| {
				super::options_and_portfolio::delta_hedged_book();
				assert_ok!(ClearingPallet::commit_order(
					&BOB,
					BTC_PERP,
					OrderSide::Buy,
					committed,
					bid
				));
				System::reset_events();
				let size = -(sold as i128);
				let result = if together {
					ClearingPallet::settle_fill(&BOB, &taker, BTC_PERP, size, bid, true)
				} else {
					frame_support::storage::with_storage_layer(|| {
						ClearingPallet::release_order(&BOB, BTC_PERP, OrderSide::Buy, sold, bid);
						ClearingPallet::settle_trade(&BOB, &taker, BTC_PERP, size, bid)
					})
				};
				let left = ClearingPallet::committed_size(&BOB, BTC_PERP, OrderSide::Buy);
				(
					format!("{result:?}"),
					left,
					System::events(),
					sp_io::storage::root(StateVersion::V1),
				)
			})
		};
		let (apart, together) = (run(false), run(true));
		assert_eq!(apart.0.starts_with("Ok"), settles, "{}", apart.0);
		assert_eq!(apart.1, if settles { committed - sold } else { committed });
		assert_eq!(apart, together);
	}
}
