//! Borrows under portfolio margin (`crate::portfolio`, `crate::liquidation`,
//! `crate::borrow_liquidation`): a borrow is a spot short in the scan, and a portfolio
//! account below maintenance gives up the same share of every position and every borrow,
//! so that a hedge keeps its ratio while the requirement falls.

use super::*;
use crate::{LiquidationOutcome, LiquidationReach, MarginMode};
use sp_arithmetic::FixedPointNumber;

/// BTC borrowable up to 10 BTC; Charlie supplies 5 BTC, Bob 100,000 USDC for trades.
fn btc_borrowable() {
	LendingMarkets::<Test>::mutate(BTC, |market| {
		market.as_mut().expect("BTC's market is open").borrow_cap = 10 * ONE_BTC;
	});
	PortfolioMinimumEquity::<Test>::put(1_000 * ONE_USDC);
	deposit(CHARLIE, BTC, 5 * ONE_BTC);
	deposit(BOB, USDC, 100_000 * ONE_USDC);
}

/// Alice, under portfolio margin, with `cash` USDC of her own, borrows a BTC against the
/// 60,000 USDC she would sell it for (deposited first): equity `cash`, short 1 BTC.
fn alice_short_a_borrowed_btc(cash: u128) {
	deposit(ALICE, USDC, (cash + 60_000) * ONE_USDC);
	assert_ok!(ClearingPallet::set_margin_mode(
		RuntimeOrigin::signed(ALICE),
		MarginMode::Portfolio
	));
	assert_ok!(borrow(ALICE, BTC, ONE_BTC));
}

/// Moves the BTC index by `step` dollars at a time from `from` until Alice is below
/// maintenance, between 6,000 and 180,000; returns the price (`None`: she never is).
fn move_until_liquidatable(from: u128, step: i128) -> Option<u128> {
	let mut price = from as i128;
	while (6_000..=180_000).contains(&price) {
		set_price(BTC_PRICE, price as u128);
		if ClearingPallet::cross_liquidatable(&ALICE) {
			return Some(price as u128);
		}
		price += step;
	}
	None
}

/// `(closed size, borrow taken)` from the events: what left Alice's book.
fn closed_and_moved() -> (Vec<i128>, Vec<(u32, u128, u32, u128)>) {
	let closes = events()
		.into_iter()
		.filter_map(|event| match event {
			Event::Liquidated { who: ALICE, closed_size, .. } => Some(closed_size),
			_ => None,
		})
		.collect();
	let moves = events()
		.into_iter()
		.filter_map(|event| match event {
			Event::BorrowLiquidated {
				who: ALICE,
				asset,
				amount,
				collateral_asset,
				collateral_amount,
				..
			} => Some((asset, amount, collateral_asset, collateral_amount)),
			_ => None,
		})
		.collect();
	(closes, moves)
}

/// A borrow alone under portfolio margin, below maintenance when its asset rises: the fund
/// takes over the share the scan asks for, paid in her USDC at the price over `1 - penalty`,
/// and she is back above maintenance with the rest of her borrow.
#[test]
fn a_portfolio_borrow_is_liquidated_by_the_share_the_scan_asks_for() {
	new_test_ext().execute_with(|| {
		btc_borrowable();
		alice_short_a_borrowed_btc(10_000);
		let before = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		// Equity at market (70,000 - 60,000); the scan's 5% rise of a short BTC initially.
		assert_eq!(before.equity_initial, 10_000 * ONE_USDC as i128);
		assert_eq!(before.initial_requirement, 3_000 * ONE_USDC);
		let price = move_until_liquidatable(60_000, 100).expect("a rise liquidates her");
		let figures = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		let info = ClearingPallet::liquidate(RuntimeOrigin::none(), ALICE).unwrap();

		let (closes, moves) = closed_and_moved();
		assert!(closes.is_empty());
		assert_eq!(moves.len(), 1, "{moves:?}");
		let (asset, taken, paid_in, paid) = moves[0];
		assert_eq!((asset, paid_in), (BTC, USDC));
		// Part of the borrow, paid at the price over 1 - 1%.
		assert!(taken > 0 && taken < ONE_BTC, "{taken}");
		let value = taken * price / 100; // satoshi x USD / 10^8 x 10^6
		assert_eq!(paid, (value * 100).div_ceil(99), "{paid} {value}");
		assert_eq!(ClearingPallet::balance_of(&ALICE, BTC), -((ONE_BTC - taken) as i128));
		assert_eq!(ClearingPallet::balance_of(&INSURANCE, BTC), -(taken as i128));
		assert_eq!(ClearingPallet::settlement_balance(&INSURANCE), paid as i128);
		let after = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert!(after.health >= 0, "{after:?}");
		// The requirement fell by the share moved.
		let share = FixedU128::from_rational(taken, ONE_BTC);
		let expected =
			(FixedU128::from_u32(1) - share).saturating_mul_int(figures.maintenance_requirement);
		assert!(after.maintenance_requirement.abs_diff(expected) <= ONE_USDC, "{after:?}");

		// Charged the pro rata benchmark, one move and one read of her borrows.
		let outcome = LiquidationOutcome {
			reach: LiquidationReach::Partial,
			market_states_written: 0,
			borrow_moves: 1,
			borrow_checks: 1,
			synthetic_seizures: 0,
		};
		let weight = ClearingPallet::liquidate_weight(MarginMode::Portfolio, 1, outcome);
		assert_eq!(info.actual_weight, Some(weight));
	});
}

/// A long perpetual half hedged by a borrowed BTC: below maintenance after a fall, the
/// liquidation closes the same share of the perpetual as it moves of the borrow, so the
/// hedge keeps its ratio and the requirement falls by that share. Moving the borrow alone
/// would have unhedged the long and raised the requirement.
#[test]
fn a_hedged_portfolio_book_gives_up_the_same_share_of_its_position_and_its_borrow() {
	new_test_ext().execute_with(|| {
		btc_borrowable();
		alice_short_a_borrowed_btc(20_000);
		// Long 2 BTC-PERP against the borrowed BTC: net long 1 BTC in the scan.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, 2 * ONE_BTC as i128, usd(60_000)));
		let report = ClearingPallet::margin_report(&ALICE).unwrap();
		let delta = report.underlyings[0].delta;
		assert!(
			delta.into_inner().abs_diff(1_000_000_000_000_000_000) < 10_000_000_000_000_000,
			"net delta {delta:?}"
		);
		// The scan margins the net long BTC (5% of 60,000), and the basis of the hedged BTC
		// (its perpetual's mark may stand 1% either side of the index: 2% of 60,000); cross
		// margin asks 5% of both perpetuals' notional, and its equity counts the borrow at
		// 1.10 besides.
		assert_eq!(report.portfolio.initial_requirement, (3_000 + 1_200) * ONE_USDC);
		assert_eq!(report.cross.initial_requirement, 6_000 * ONE_USDC);

		move_until_liquidatable(60_000, -100).expect("a fall liquidates her");
		let figures = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		let fund_borrow_before = ClearingPallet::balance_of(&INSURANCE, BTC);
		assert_ok!(ClearingPallet::liquidate(RuntimeOrigin::none(), ALICE));

		let (closes, moves) = closed_and_moved();
		assert_eq!(closes.len(), 1, "{closes:?}");
		assert_eq!(moves.len(), 1, "{moves:?}");
		let closed = closes[0].unsigned_abs();
		let (_, taken, paid_in, _) = moves[0];
		assert_eq!(paid_in, USDC);
		// The same share of each: 2 BTC of perpetual, 1 BTC of borrow (a lot of rounding).
		let lot = 10_000;
		assert!(closed > 0 && closed < 2 * ONE_BTC, "{closed}");
		assert!((2 * taken).abs_diff(closed) <= 2 * lot, "closed {closed}, moved {taken}");
		let left = position(ALICE).expect("part of the long is left").position.size;
		assert_eq!(left as u128, 2 * ONE_BTC - closed);
		assert_eq!(ClearingPallet::balance_of(&ALICE, BTC), -((ONE_BTC - taken) as i128));
		assert_eq!(ClearingPallet::balance_of(&INSURANCE, BTC), fund_borrow_before - taken as i128);
		// Back above maintenance, the requirement down by the share.
		let after = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert!(after.health >= 0, "{after:?}");
		assert!(after.maintenance_requirement < figures.maintenance_requirement);
		let report = ClearingPallet::margin_report(&ALICE).unwrap();
		let share_left = FixedI128::from_rational(left as u128, 2 * ONE_BTC);
		let expected_delta = share_left;
		assert!(
			report.underlyings[0].delta.into_inner().abs_diff(expected_delta.into_inner())
				< 20_000_000_000_000_000,
			"delta {:?}, expected {expected_delta:?}",
			report.underlyings[0].delta
		);
	});
}

/// An account worth less than nothing at market pays no penalty on its borrows (the fund
/// would only cover it again as bad debt): it is bankrupt, the fund takes its borrow and
/// its USDC at market value and pays what is short.
#[test]
fn an_insolvent_portfolio_account_is_bankrupt_without_a_penalty_on_its_borrows() {
	new_test_ext().execute_with(|| {
		btc_borrowable();
		alice_short_a_borrowed_btc(4_000);
		// BTC up 8%: 64,800 owed against 64,000 USDC.
		set_price(BTC_PRICE, 64_800);
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		assert_ok!(ClearingPallet::liquidate(RuntimeOrigin::none(), ALICE));
		let (closes, moves) = closed_and_moved();
		assert!(closes.is_empty() && moves.is_empty(), "{moves:?}");
		let covered = events()
			.into_iter()
			.find_map(|event| match event {
				Event::BadDebtCovered { who: ALICE, paid, .. } => Some(paid),
				_ => None,
			})
			.expect("the fund covered her bad debt");
		assert_eq!(covered, 800 * ONE_USDC);
		// She owes no BTC: the fund took all of it, for all her USDC and the bad debt.
		assert_eq!(ClearingPallet::balance_of(&ALICE, BTC), 0);
		assert_eq!(ClearingPallet::balance_of(&INSURANCE, BTC), -(ONE_BTC as i128));
		assert!(ClearingPallet::settlement_balance(&ALICE) >= 0);
		assert!(!ClearingPallet::may_owe(&ALICE));
	});
}

/// Two borrows, a BTC borrow and a USDC debt, paid for in a third asset: the same share of
/// each moves, though the BTC share's last fraction of a satoshi cannot (it stays with the
/// account, and the USDC debt's share is still paid for).
#[test]
fn every_borrow_gives_up_its_share_though_the_first_leaves_a_fraction_of_a_token() {
	use frame_support::traits::fungibles::{Create, Mutate};
	new_test_ext().execute_with(|| {
		const GOLD: u32 = 10;
		const GOLD_PRICE: u32 = 110;
		const ONE_GOLD: u128 = 1_000_000_000_000_000_000;
		assert_ok!(<Assets as Create<u64>>::create(GOLD, ALICE, true, 1));
		assert_ok!(<Assets as Mutate<u64>>::mint_into(GOLD, &ALICE, 1_000 * ONE_GOLD));
		let mut gold = btc_config();
		gold.oracle_key = Some(GOLD_PRICE);
		gold.params.decimals = 18;
		gold.deposit_cap = 1_000 * ONE_GOLD;
		assert_ok!(ClearingPallet::register_collateral(RuntimeOrigin::root(), GOLD, gold));
		set_price(GOLD_PRICE, 100);
		btc_borrowable();
		LendingMarkets::<Test>::mutate(USDC, |market| {
			market.as_mut().unwrap().borrow_cap = 100_000 * ONE_USDC;
		});
		// 20,000 of GOLD; 0.1 BTC and 5,000 USDC borrowed.
		deposit(ALICE, GOLD, 200 * ONE_GOLD);
		assert_ok!(ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(ALICE),
			MarginMode::Portfolio
		));
		assert_ok!(borrow(ALICE, BTC, ONE_BTC / 10));
		assert_ok!(borrow(ALICE, USDC, 5_000 * ONE_USDC));
		// GOLD falls until she is below maintenance.
		let mut price = 100;
		while !ClearingPallet::cross_liquidatable(&ALICE) {
			price -= 1;
			set_price(GOLD_PRICE, price);
		}
		let btc_owed = ClearingPallet::balance_of(&ALICE, BTC).unsigned_abs();
		let usdc_owed = ClearingPallet::settlement_balance(&ALICE).unsigned_abs();
		assert_ok!(ClearingPallet::liquidate(RuntimeOrigin::none(), ALICE));

		let (_, moves) = closed_and_moved();
		assert_eq!(moves.len(), 2, "{moves:?}");
		assert_eq!((moves[0].0, moves[0].2), (BTC, GOLD));
		assert_eq!((moves[1].0, moves[1].2), (USDC, GOLD));
		let btc_share = FixedU128::from_rational(moves[0].1, btc_owed);
		let usdc_share = FixedU128::from_rational(moves[1].1, usdc_owed);
		// The same share of each, within a satoshi of the BTC borrow (0.1% of it).
		let gap = btc_share.max(usdc_share) - btc_share.min(usdc_share);
		assert!(gap <= FixedU128::from_rational(1, 1_000), "{btc_share:?} {usdc_share:?}");
		assert!(btc_share < FixedU128::from_u32(1));
		assert!(ClearingPallet::cross_figures(&ALICE).unwrap().margin.health >= 0);
	});
}

proptest::proptest! {
	#![proptest_config(proptest::prelude::ProptestConfig::with_cases(
		std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)
	))]

	/// Random portfolio books of a borrowed BTC and a BTC-PERP position (long or short,
	/// hedging or adding to the borrow), after a random move of BTC: a liquidation either
	/// leaves the account above maintenance having given up the same share of its position
	/// and its borrow (within a lot), or takes everything; no value appears (the
	/// invariants hold after every case, `do_try_state`), and nothing is left owed that the
	/// fund did not take over.
	#[test]
	fn a_portfolio_liquidation_takes_the_same_share_of_positions_and_borrows(
		cash_extra in 0u128..10_000,
		borrowed_milli in 100u128..2_000,
		perp_milli in -2_000i128..2_000,
		overshoot_per_mille in 0u128..60,
	) {
		new_test_ext().execute_with(|| {
			btc_borrowable();
			let borrowed = borrowed_milli * ONE_BTC / 1_000;
			// The portfolio minimum (1,000 USDC), 4,000 USDC per BTC borrowed, and some more.
			let cash = 1_000 + 4 * borrowed_milli + cash_extra;
			deposit(ALICE, USDC, (cash + 60 * borrowed_milli) * ONE_USDC);
			assert_ok!(ClearingPallet::set_margin_mode(
				RuntimeOrigin::signed(ALICE),
				MarginMode::Portfolio
			));
			assert_ok!(borrow(ALICE, BTC, borrowed));
			let size = perp_milli * ONE_BTC as i128 / 1_000;
			if size != 0 {
				proptest::prop_assume!(settle(&BOB, &ALICE, BTC_PERP, size, usd(60_000)).is_ok());
			}
			// BTC moves against the book's net delta until it is below maintenance, then on.
			let net = size - borrowed as i128;
			proptest::prop_assume!(net.unsigned_abs() >= ONE_BTC / 100);
			let price = move_until_liquidatable(60_000, if net > 0 { -100 } else { 100 });
			proptest::prop_assume!(price.is_some());
			let price = price.unwrap_or_default();
			let beyond = price * overshoot_per_mille / 1_000;
			set_price(BTC_PRICE, if net > 0 { price - beyond } else { price + beyond });
			let info = ClearingPallet::liquidate(RuntimeOrigin::none(), ALICE);
			proptest::prop_assert!(info.is_ok(), "{info:?}");

			let owed_after = ClearingPallet::balance_of(&ALICE, BTC).min(0).unsigned_abs();
			let left = position(ALICE).map(|record| record.position.size).unwrap_or(0);
			let health = ClearingPallet::cross_figures(&ALICE).unwrap().margin.health;
			if owed_after == 0 && left == 0 {
				// Everything went (a bankrupt account owes nothing after the fund paid).
				proptest::prop_assert!(!ClearingPallet::may_owe(&ALICE) || health >= 0);
			} else {
				proptest::prop_assert!(health >= 0, "health {health}");
				// The same share of each, within a lot (0.0001 BTC) of rounding.
				let moved_share = FixedU128::from_rational(borrowed - owed_after, borrowed);
				if size != 0 {
					let closed = size.unsigned_abs() - left.unsigned_abs();
					let closed_share = FixedU128::from_rational(closed, size.unsigned_abs());
					let lot_share = FixedU128::from_rational(10_000, size.unsigned_abs());
					let gap = if closed_share > moved_share {
						closed_share - moved_share
					} else {
						moved_share - closed_share
					};
					proptest::prop_assert!(
						gap <= lot_share + FixedU128::from_rational(1, 1_000),
						"closed {closed_share:?}, moved {moved_share:?}"
					);
				}
			}
			Ok(())
		})?;
	}
}
