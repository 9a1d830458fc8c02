//! Isolated positions and their own margin.

use super::*;

#[test]
fn isolated_positions_use_their_own_margin() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			3_100 * ONE_USDC
		));
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, 6_900 * ONE_USDC as i128);
		assert_eq!(
			events().last(),
			Some(&Event::IsolatedMarginAdded {
				who: ALICE,
				market: BTC_PERP,
				amount: 3_100 * ONE_USDC
			})
		);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		let record = position(ALICE).unwrap();
		// The 30 USDC taker fee came out of the isolated margin.
		assert_eq!(record.isolated_margin, Some(3_070 * ONE_USDC as i128));
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, 6_900 * ONE_USDC as i128);
		// 3,070 - 3,000 initial requirement = 70 free: removing 71 is refused.
		assert_noop!(
			ClearingPallet::remove_isolated_margin(
				RuntimeOrigin::signed(ALICE),
				BTC_PERP,
				71 * ONE_USDC
			),
			Error::<Test>::IsolatedMarginInsufficient
		);
		assert_ok!(ClearingPallet::remove_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			70 * ONE_USDC
		));
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, 6_970 * ONE_USDC as i128);
		// The cross pool has no positions: all of it is free.
		assert_eq!(
			ClearingPallet::account_report(&ALICE).unwrap().free_collateral,
			6_970 * ONE_USDC as i128
		);
		// A trade that would take the isolated position past its margin is refused.
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Error::<Test>::TakerMarginInsufficient
		);
	});
}

#[test]
fn isolated_positions_reduce_without_a_fresh_price_but_never_add_risk() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			5_000 * ONE_USDC
		));
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		advance(60_001);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Error::<Test>::StalePrice
		);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128), usd(60_000)));
		let record = position(ALICE).unwrap();
		assert!(record.position.is_flat());
		// Flat, with its margin (less two 30 USDC taker fees) still set aside.
		assert_eq!(record.isolated_margin, Some(4_940 * ONE_USDC as i128));
	});
}

#[test]
fn isolated_margin_errors() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		assert_noop!(
			ClearingPallet::add_isolated_margin(RuntimeOrigin::signed(ALICE), BTC_PERP, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			ClearingPallet::add_isolated_margin(RuntimeOrigin::signed(ALICE), 9, 1),
			Error::<Test>::UnknownMarket
		);
		// Alice's BTC-PERP position is cross.
		assert_noop!(
			ClearingPallet::add_isolated_margin(RuntimeOrigin::signed(ALICE), BTC_PERP, 1),
			Error::<Test>::NotIsolated
		);
		assert_noop!(
			ClearingPallet::remove_isolated_margin(RuntimeOrigin::signed(ALICE), BTC_PERP, 1),
			Error::<Test>::NotIsolated
		);
		assert_noop!(
			ClearingPallet::remove_isolated_margin(RuntimeOrigin::signed(CHARLIE), BTC_PERP, 1),
			Error::<Test>::NotIsolated
		);
		assert_noop!(
			ClearingPallet::remove_isolated_margin(RuntimeOrigin::signed(CHARLIE), 9, 1),
			Error::<Test>::UnknownMarket
		);
		// Moving more into isolated margin than the pool's free collateral allows.
		deposit(CHARLIE, USDC, 100 * ONE_USDC);
		assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, 10_000, usd(60_000)));
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 5, btc_perp()));
		// Charlie: 100 - 0.003 fee = 99.997 USDC, initial requirement 0.3: 99.697 free.
		assert_noop!(
			ClearingPallet::add_isolated_margin(RuntimeOrigin::signed(CHARLIE), 5, 99_698_000),
			Error::<Test>::BelowInitialMargin
		);
		// Withdrawing all of a flat isolated position's margin removes the record.
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(CHARLIE),
			5,
			ONE_USDC
		));
		assert_noop!(
			ClearingPallet::remove_isolated_margin(RuntimeOrigin::signed(CHARLIE), 5, ONE_USDC + 1),
			Error::<Test>::InsufficientCollateral
		);
		assert_ok!(ClearingPallet::remove_isolated_margin(
			RuntimeOrigin::signed(CHARLIE),
			5,
			ONE_USDC
		));
		assert!(Positions::<Test>::get(CHARLIE).get(&5).is_none());
	});
}
