//! Deposits and withdrawals.

use super::*;

#[test]
fn deposit_moves_tokens_into_the_pool() {
	new_test_ext().execute_with(|| {
		let pallet = ClearingPallet::account_id();
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(ALICE, BTC, ONE_BTC);
		assert_eq!(usdc_tokens(ALICE), 990_000 * ONE_USDC);
		assert_eq!(usdc_tokens(pallet), 10_000 * ONE_USDC);
		assert_eq!(<Assets as Inspect<u64>>::balance(BTC, &pallet), ONE_BTC);
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, 10_000 * ONE_USDC as i128);
		assert_eq!(CollateralBalances::<Test>::get(ALICE).get(&BTC), Some(&(ONE_BTC as i128)));
		assert_eq!(TotalDeposits::<Test>::get(BTC), ONE_BTC);
		assert_eq!(
			events().last(),
			Some(&Event::Deposited { who: ALICE, asset: BTC, amount: ONE_BTC })
		);
	});
}

#[test]
fn deposit_errors() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ClearingPallet::deposit(RuntimeOrigin::signed(ALICE), USDC, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			ClearingPallet::deposit(RuntimeOrigin::signed(ALICE), 77, 1),
			Error::<Test>::UnknownCollateral
		);
		let mut capped = btc_config();
		capped.deposit_cap = ONE_BTC;
		assert_ok!(ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, capped));
		deposit(ALICE, BTC, ONE_BTC / 2);
		assert_noop!(
			ClearingPallet::deposit(RuntimeOrigin::signed(BOB), BTC, ONE_BTC / 2 + 1),
			Error::<Test>::DepositCapExceeded
		);
		// More than the account holds: the token transfer fails and nothing is booked.
		assert_noop!(
			ClearingPallet::deposit(RuntimeOrigin::signed(BOB), USDC, 2_000_000 * ONE_USDC),
			sp_runtime::TokenError::FundsUnavailable
		);
	});
}

#[test]
fn a_pool_holds_a_bounded_number_of_assets() {
	use frame_support::traits::fungibles::{Create, Mutate};
	new_test_ext().execute_with(|| {
		// MaxCollateralAssets is 4 besides USDC: the chain lists BTC and three more, and an
		// account may hold all of them (a fifth cannot even be listed).
		for asset in 10..13u32 {
			assert_ok!(<Assets as Create<u64>>::create(asset, ALICE, true, 1));
			assert_ok!(<Assets as Mutate<u64>>::mint_into(asset, &ALICE, 1_000));
			assert_ok!(ClearingPallet::register_collateral(
				RuntimeOrigin::root(),
				asset,
				btc_config()
			));
		}
		deposit(ALICE, BTC, 1);
		for asset in 10..13u32 {
			deposit(ALICE, asset, 1);
		}
		assert_eq!(CollateralBalances::<Test>::get(ALICE).len(), 4);
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), 13, btc_config()),
			Error::<Test>::TooManyCollateralListings
		);
	});
}

#[test]
fn amounts_beyond_the_ledger_range_overflow_cleanly() {
	new_test_ext().execute_with(|| {
		let mut uncapped = usdc_config();
		uncapped.deposit_cap = u128::MAX;
		assert_ok!(ClearingPallet::register_collateral(RuntimeOrigin::root(), USDC, uncapped));
		assert_noop!(
			ClearingPallet::deposit(RuntimeOrigin::signed(ALICE), USDC, 1u128 << 127),
			Error::<Test>::Overflow
		);
		assert_noop!(
			ClearingPallet::add_isolated_margin(
				RuntimeOrigin::signed(ALICE),
				BTC_PERP,
				1u128 << 127
			),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn withdraw_returns_tokens_without_positions_even_at_stale_prices() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, BTC, ONE_BTC);
		clear_price(BTC_PRICE);
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), BTC, ONE_BTC));
		assert_eq!(<Assets as Inspect<u64>>::balance(BTC, &ALICE), 10 * ONE_BTC);
		assert!(CollateralBalances::<Test>::get(ALICE).is_empty());
		assert_eq!(TotalDeposits::<Test>::get(BTC), 0);
		assert_eq!(
			events().last(),
			Some(&Event::Withdrawn { who: ALICE, asset: BTC, amount: ONE_BTC })
		);
	});
}

#[test]
fn withdraw_errors() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 1_000 * ONE_USDC);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), 77, 1),
			Error::<Test>::UnknownCollateral
		);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 1_000 * ONE_USDC + 1),
			Error::<Test>::InsufficientCollateral
		);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), BTC, 1),
			Error::<Test>::InsufficientCollateral
		);
	});
}

#[test]
fn withdraw_beyond_free_collateral_is_refused_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		// Alice: 10,000 - 30 taker fee = 9,970; initial requirement 5% of 60,000 = 3,000.
		let free = 9_970 * ONE_USDC - 3_000 * ONE_USDC;
		assert_eq!(ClearingPallet::account_report(&ALICE).unwrap().free_collateral, free as i128);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, free + 1),
			Error::<Test>::BelowInitialMargin
		);
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, free));
		assert_eq!(ClearingPallet::account_report(&ALICE).unwrap().free_collateral, 0);
	});
}

#[test]
fn withdraw_needing_a_stale_price_is_refused() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		advance(60_001);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, ONE_USDC),
			Error::<Test>::StalePrice
		);
	});
}
