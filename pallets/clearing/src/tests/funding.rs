//! Funding: accrual from the mark premium, settlement on touch, none at a stale index.

use super::*;

#[test]
fn funding_accrues_from_the_mark_premium_and_settles_on_touch() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		// The last trade at 60,000 with the index now at 59,700: mark = 60,000 (inside the
		// 1% band), premium = 300 / 59,700 = 0.5025..%, below the 0.75% cap.
		set_price(BTC_PRICE, 59_700);
		// The end of the block fixes the rate in force from now on: the premium at 59,700.
		<ClearingPallet as frame_support::traits::Hooks<u64>>::on_finalize(1);
		advance(1_800_000); // half an interval
		set_price(BTC_PRICE, 59_700);
		let prices = ClearingPallet::market_prices(
			BTC_PERP,
			&btc_perp(),
			&MarketStates::<Test>::get(BTC_PERP),
		)
		.unwrap();
		assert_eq!(prices.mark, usd(60_000));
		let params = Markets::<Test>::get(BTC_PERP).unwrap();
		let state = ClearingPallet::accrue_funding(BTC_PERP, &params).unwrap();
		// Index moves by rate x index x 0.5 = 300 / 59,700 x 59,700 x 0.5 = 150 USD per BTC.
		// The rate is truncated to 18 decimals before it is multiplied by the index, so the
		// result may fall short by up to 59,700 x 0.5 units of 10^-18.
		let expected = FixedI128::from_inner(150_000_000_000_000_000_000);
		let shortfall = expected.into_inner() - state.funding_index.into_inner();
		assert!((0..=29_850).contains(&shortfall), "{:?}", state.funding_index);
		// Alice (long 1 BTC) pays ~150 USDC when her position is touched; Bob receives.
		let alice_before = SettlementBalances::<Test>::get(ALICE).scaled;
		let bob_before = SettlementBalances::<Test>::get(BOB).scaled;
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -10_000, usd(59_700)));
		let paid = events()
			.iter()
			.find_map(|e| match e {
				Event::FundingSettled { who: ALICE, paid, .. } => Some(*paid),
				_ => None,
			})
			.unwrap();
		assert!((paid - 150 * ONE_USDC as i128).abs() <= 1, "paid {paid}");
		let received = events()
			.iter()
			.find_map(|e| match e {
				Event::FundingSettled { who: BOB, paid, .. } => Some(-*paid),
				_ => None,
			})
			.unwrap();
		// Rounding favours the house: the receiver never gets more than the payer pays.
		assert!(received <= paid && paid - received <= 1);
		assert!(SettlementBalances::<Test>::get(ALICE).scaled < alice_before);
		assert!(SettlementBalances::<Test>::get(BOB).scaled > bob_before - 20 * ONE_USDC as i128);
	});
}

#[test]
fn no_funding_accrues_at_a_stale_index() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		set_price_at(BTC_PRICE, usd(50_000), now());
		advance(120_000);
		let params = Markets::<Test>::get(BTC_PERP).unwrap();
		let before = MarketStates::<Test>::get(BTC_PERP);
		assert_eq!(ClearingPallet::accrue_funding(BTC_PERP, &params).unwrap(), before);
	});
}
