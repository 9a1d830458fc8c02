//! Segregated collateral (`set_segregated`, `crate::ledger`): an account opts an asset out of
//! lending; its tokens are held apart, earn nothing, are never lent, and leave whatever the
//! market's utilisation; they still count as margin and are taken by liquidations like any
//! other collateral.

use super::*;
use risk_engine::money_market::RateSegment;
use sp_arithmetic::traits::Zero;

const YEAR_MS: u64 = 31_536_000_000;

fn set_segregated(who: u64, asset: u32, segregated: bool) -> DispatchResult {
	ClearingPallet::set_segregated(RuntimeOrigin::signed(who), asset, segregated)
}

fn btc_tokens(who: u64) -> u128 {
	<Assets as Inspect<u64>>::balance(BTC, &who)
}

/// BTC borrowable up to `cap` BTC at 10% a year flat, 90% utilisation cap.
fn btc_borrowable(cap: u128) {
	LendingMarkets::<Test>::mutate(BTC, |market| {
		let market = market.as_mut().expect("BTC's market is open");
		market.borrow_cap = cap * ONE_BTC;
		market.base_rate = FixedU128::from_rational(1, 10);
		market.rate_segments = frame_support::BoundedVec::truncate_from(vec![RateSegment {
			from: Perbill::zero(),
			slope: FixedU128::zero(),
		}]);
		market.utilisation_cap = Perbill::from_percent(90);
	});
}

fn withdraw(who: u64, asset: u32, amount: u128) -> DispatchResult {
	ClearingPallet::withdraw(RuntimeOrigin::signed(who), asset, amount)
		.map(|_| ())
		.map_err(|error| error.error)
}

#[test]
fn a_segregated_holding_earns_nothing_while_the_market_pays_its_suppliers() {
	new_test_ext().execute_with(|| {
		btc_borrowable(10);
		deposit(BOB, BTC, 2 * ONE_BTC);
		deposit(CHARLIE, BTC, 2 * ONE_BTC);
		assert_ok!(set_segregated(BOB, BTC, true));
		assert!(events().contains(&Event::SegregationSet {
			who: BOB,
			asset: BTC,
			segregated: true,
			amount: 2 * ONE_BTC,
		}));
		// His BTC left the market: the supply is Charlie's alone; the holding is whole.
		assert_eq!(ClearingPallet::segregated_of(&BOB, BTC), Some(2 * ONE_BTC));
		assert_eq!(ClearingPallet::balance_of(&BOB, BTC), (2 * ONE_BTC) as i128);
		assert_eq!(SegregatedTotals::<Test>::get(BTC), 2 * ONE_BTC);
		assert_eq!(LendingTotals::<Test>::get(BTC).scaled_supply, 2 * ONE_BTC);
		// Alice borrows 1 BTC against USDC; a year at 10% passes.
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		assert_ok!(borrow(ALICE, BTC, ONE_BTC));
		end_block();
		advance(YEAR_MS);
		set_price(BTC_PRICE, 60_000);
		end_block();
		// Charlie earned (the reserve's 10% aside); Bob's holding did not move.
		let charlie = ClearingPallet::balance_of(&CHARLIE, BTC) as u128;
		assert!(charlie > 2 * ONE_BTC + ONE_BTC / 20, "{charlie}");
		assert_eq!(ClearingPallet::balance_of(&BOB, BTC), (2 * ONE_BTC) as i128);
		// Opting back in supplies the holding: from now on it earns.
		assert_ok!(set_segregated(BOB, BTC, false));
		assert_eq!(ClearingPallet::segregated_of(&BOB, BTC), None);
		assert_eq!(SegregatedBalances::<Test>::get(BOB).len(), 0);
		assert_eq!(SegregatedTotals::<Test>::get(BTC), 0);
		let supplied = ClearingPallet::balance_of(&BOB, BTC) as u128;
		// Its value rounds down by at most a unit.
		assert!(supplied <= 2 * ONE_BTC && supplied + 1 >= 2 * ONE_BTC, "{supplied}");
	});
}

#[test]
fn a_segregated_withdrawal_never_waits_on_utilisation_and_is_never_lent() {
	new_test_ext().execute_with(|| {
		btc_borrowable(10);
		deposit(CHARLIE, BTC, 2 * ONE_BTC);
		deposit(BOB, BTC, 5 * ONE_BTC);
		assert_ok!(set_segregated(BOB, BTC, true));
		deposit(ALICE, USDC, 500_000 * ONE_USDC);
		// The pool holds 7 BTC, but only Charlie's 2 can be lent: 90% of them.
		assert_noop!(borrow(ALICE, BTC, 2 * ONE_BTC), Error::<Test>::UtilisationCapExceeded);
		assert_ok!(borrow(ALICE, BTC, 18 * ONE_BTC / 10));
		// Charlie's supply is lent out to the cap: he cannot leave.
		assert_noop!(withdraw(CHARLIE, BTC, ONE_BTC / 100), Error::<Test>::UtilisationCapExceeded);
		// Bob takes all of his, at once, whatever the utilisation.
		let tokens = btc_tokens(BOB);
		assert_ok!(withdraw(BOB, BTC, 5 * ONE_BTC));
		assert_eq!(btc_tokens(BOB), tokens + 5 * ONE_BTC);
		assert_eq!(ClearingPallet::segregated_of(&BOB, BTC), Some(0));
		assert_eq!(SegregatedTotals::<Test>::get(BTC), 0);
		// A deposit while segregated is held apart too.
		deposit(BOB, BTC, ONE_BTC);
		assert_eq!(ClearingPallet::segregated_of(&BOB, BTC), Some(ONE_BTC));
		let btc = ClearingPallet::money_market().into_iter().find(|m| m.asset == BTC).unwrap();
		assert_eq!(btc.segregated, ONE_BTC);
	});
}

#[test]
fn opting_out_needs_the_headroom_a_withdrawal_would_and_bad_requests_are_refused() {
	new_test_ext().execute_with(|| {
		btc_borrowable(10);
		deposit(CHARLIE, BTC, 52 * ONE_BTC / 10);
		deposit(BOB, BTC, 48 * ONE_BTC / 10);
		deposit(ALICE, USDC, 500_000 * ONE_USDC);
		assert_ok!(borrow(ALICE, BTC, 45 * ONE_BTC / 10));
		// Taking Charlie's 5.2 BTC out of the market would leave 4.5 of 4.8 lent: 93.75%.
		assert_noop!(set_segregated(CHARLIE, BTC, true), Error::<Test>::UtilisationCapExceeded);
		// Once more is lent, the pool no longer holds his tokens at all.
		assert_ok!(borrow(ALICE, BTC, ONE_BTC));
		assert_noop!(set_segregated(CHARLIE, BTC, true), Error::<Test>::InsufficientLiquidity);
		// The settlement asset is the running account of every fill: never segregated.
		assert_noop!(set_segregated(BOB, USDC, true), Error::<Test>::SettlementNotSegregable);
		assert_noop!(set_segregated(BOB, 77, true), Error::<Test>::UnknownCollateral);
		assert_noop!(set_segregated(ALICE, BTC, false), Error::<Test>::SegregationUnchanged);
		// Alice owes BTC: segregated all the same, with an empty holding beside the borrow.
		assert_ok!(set_segregated(ALICE, BTC, true));
		assert_noop!(set_segregated(ALICE, BTC, true), Error::<Test>::SegregationUnchanged);
		assert_eq!(ClearingPallet::segregated_of(&ALICE, BTC), Some(0));
		assert_eq!(ClearingPallet::balance_of(&ALICE, BTC), -(55 * ONE_BTC as i128 / 10));
	});
}

#[test]
fn a_segregated_account_borrows_past_its_holding_and_repays_before_it_holds_again() {
	new_test_ext().execute_with(|| {
		btc_borrowable(10);
		deposit(CHARLIE, BTC, 5 * ONE_BTC);
		deposit(BOB, USDC, 200_000 * ONE_USDC);
		deposit(BOB, BTC, ONE_BTC);
		assert_ok!(set_segregated(BOB, BTC, true));
		// 1.5 BTC out: the holding first, then half a BTC borrowed.
		assert_ok!(borrow(BOB, BTC, 3 * ONE_BTC / 2));
		assert_eq!(ClearingPallet::segregated_of(&BOB, BTC), Some(0));
		assert_eq!(ClearingPallet::balance_of(&BOB, BTC), -((ONE_BTC / 2) as i128));
		assert!(events().contains(&Event::Borrowed {
			who: BOB,
			asset: BTC,
			amount: 3 * ONE_BTC / 2,
			borrowed: ONE_BTC / 2,
		}));
		// A deposit of 1 BTC repays the half and holds the rest apart.
		deposit(BOB, BTC, ONE_BTC);
		assert_eq!(ClearingPallet::segregated_of(&BOB, BTC), Some(ONE_BTC / 2));
		assert_eq!(ClearingPallet::balance_of(&BOB, BTC), (ONE_BTC / 2) as i128);
		assert_eq!(Borrowers::<Test>::get(BOB), None);
		assert_eq!(LendingTotals::<Test>::get(BTC).scaled_borrow, 0);
	});
}

#[test]
fn segregated_collateral_margins_and_is_taken_by_a_borrow_liquidation() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, BTC, ONE_BTC);
		assert_ok!(set_segregated(ALICE, BTC, true));
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		LendingMarkets::<Test>::mutate(USDC, |market| {
			market.as_mut().unwrap().borrow_cap = 1_000_000 * ONE_USDC
		});
		// The holding counts as margin like a supply: 1 BTC at 60,000 backs 50,000 owed.
		assert_ok!(borrow(ALICE, USDC, 50_000 * ONE_USDC));
		let report = ClearingPallet::account_report(&ALICE).unwrap();
		let btc = report.lending.iter().find(|line| line.asset == BTC).unwrap();
		assert_eq!((btc.supplied, btc.segregated, btc.borrowed), (0, ONE_BTC, 0));
		assert_eq!(btc.interest_per_day, 0);
		let usdc = report.lending.iter().find(|line| line.asset == USDC).unwrap();
		assert_eq!(usdc.borrowed, 50_000 * ONE_USDC);
		set_price(BTC_PRICE, 55_000);
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		assert_ok!(liquidate(ALICE));
		let taken = events()
			.into_iter()
			.find_map(|event| match event {
				Event::BorrowLiquidated { collateral_asset, collateral_amount, .. } => {
					Some((collateral_asset, collateral_amount))
				},
				_ => None,
			})
			.expect("a borrow move");
		assert_eq!(taken.0, BTC);
		// It came out of her holding, into the fund's supply.
		assert_eq!(ClearingPallet::segregated_of(&ALICE, BTC), Some(ONE_BTC - taken.1));
		assert_eq!(SegregatedTotals::<Test>::get(BTC), ONE_BTC - taken.1);
		assert_eq!(ClearingPallet::balance_of(&INSURANCE, BTC), taken.1 as i128);
		assert_eq!(ClearingPallet::segregated_of(&INSURANCE, BTC), None);
		assert!(ClearingPallet::cross_figures(&ALICE).unwrap().margin.health > 0);
	});
}

#[test]
fn a_bankrupt_account_s_segregated_holding_goes_to_the_fund() {
	new_test_ext().execute_with(|| {
		// Alice: 1,000 USDC and 0.1 BTC, segregated, behind 1 BTC long at 60,000.
		deposit(ALICE, USDC, 1_000 * ONE_USDC);
		deposit(ALICE, BTC, ONE_BTC / 10);
		assert_ok!(set_segregated(ALICE, BTC, true));
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		// BTC falls to 50,000: past bankruptcy; her BTC goes to the fund at 5,000.
		set_price(BTC_PRICE, 50_000);
		assert_ok!(liquidate(ALICE));
		assert!(Positions::<Test>::get(ALICE).is_empty());
		assert_eq!(ClearingPallet::balance_of(&ALICE, BTC), 0);
		assert_eq!(SegregatedTotals::<Test>::get(BTC), 0);
		assert_eq!(ClearingPallet::balance_of(&INSURANCE, BTC), ONE_BTC as i128 / 10);
		assert!(events().contains(&Event::CollateralSeized {
			who: ALICE,
			asset: BTC,
			amount: ONE_BTC as i128 / 10,
			value: 5_000 * ONE_USDC as i128,
		}));
	});
}

#[test]
fn capital_efficiency_counts_segregated_collateral_as_idle() {
	new_test_ext().execute_with(|| {
		btc_borrowable(10);
		deposit(CHARLIE, BTC, 3 * ONE_BTC);
		deposit(BOB, BTC, ONE_BTC);
		assert_ok!(set_segregated(BOB, BTC, true));
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		assert_ok!(borrow(ALICE, BTC, ONE_BTC));
		end_block();
		let chain = ClearingPallet::capital_efficiency();
		let btc = chain.collateral.iter().find(|line| line.asset == BTC).unwrap();
		assert_eq!(
			(btc.deposited, btc.supplied, btc.segregated),
			(4 * ONE_BTC, 3 * ONE_BTC, ONE_BTC)
		);
		assert_eq!(btc.borrowed, ONE_BTC);
		assert_eq!(btc.productive_share, Perbill::from_percent(25));
		// 10% on a third lent, less 10%, over three quarters of the deposits.
		let expected = FixedU128::from_rational(1, 10)
			* FixedU128::from_rational(1, 3)
			* FixedU128::from_rational(90, 100)
			* FixedU128::from_rational(3, 4);
		let error = btc.average_yield.into_inner().abs_diff(expected.into_inner());
		assert!(error < 1_000_000_000_000, "{:?} vs {expected:?}", btc.average_yield);
		assert_eq!(btc.value, Some(4 * 60_000 * ONE_USDC));
		// Chain-wide by value: Alice's idle 100,000 USDC and 240,000 of BTC, 60,000 lent.
		assert_eq!(chain.productive_share, Some(Perbill::from_rational(60_000u32, 340_000u32)));
		assert!(chain.average_yield.unwrap() > FixedU128::zero());
	});
}
