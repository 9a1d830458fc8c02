//! Listing collateral and markets, and the risk origin's market and price-age calls.

use super::*;

#[test]
fn register_collateral_checks_origin_oracle_key_and_haircuts() {
	new_test_ext().execute_with(|| {
		let mut config = btc_config();
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::signed(ALICE), BTC, config.clone()),
			DispatchError::BadOrigin
		);
		config.oracle_key = None;
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, config.clone()),
			Error::<Test>::InvalidOracleKey
		);
		let mut usdc = usdc_config();
		usdc.oracle_key = Some(BTC_PRICE);
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), USDC, usdc),
			Error::<Test>::InvalidOracleKey
		);
		let mut bad = btc_config();
		bad.params.maintenance_haircut = Perbill::from_percent(50);
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, bad),
			Error::<Test>::InvalidHaircuts
		);
		let mut decimals = btc_config();
		decimals.params.decimals = 40;
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, decimals),
			Error::<Test>::UnsupportedDecimals
		);
		let mut lower_cap = btc_config();
		lower_cap.deposit_cap = ONE_BTC;
		assert_ok!(ClearingPallet::register_collateral(
			RuntimeOrigin::root(),
			BTC,
			lower_cap.clone()
		));
		assert_eq!(CollateralAssets::<Test>::get(BTC), Some(lower_cap.clone()));
		assert_eq!(
			events().last(),
			Some(&Event::CollateralRegistered { asset: BTC, config: lower_cap })
		);
	});
}

#[test]
fn register_market_validates_every_parameter() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::signed(ALICE), 7, btc_perp()),
			DispatchError::BadOrigin
		);
		let mut tiers = btc_perp();
		tiers.tiers[0].maintenance_fraction = Perbill::from_percent(6);
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, tiers),
			Error::<Test>::InvalidMarginTiers
		);
		let mut no_tiers = btc_perp();
		no_tiers.tiers.clear();
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, no_tiers),
			Error::<Test>::InvalidMarginTiers
		);
		// One satoshi at a 0.1 USD tick is 0.000001 USD... times 10^-2: not a whole unit.
		let mut inexact = btc_perp();
		inexact.lot_size = 1;
		inexact.min_size = 1;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, inexact),
			Error::<Test>::InvalidMarketSizes
		);
		let mut odd_minimum = btc_perp();
		odd_minimum.min_size = 15_000;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, odd_minimum),
			Error::<Test>::InvalidMarketSizes
		);
		let mut zero_tick = btc_perp();
		zero_tick.tick_size = FixedU128::from_inner(0);
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, zero_tick),
			Error::<Test>::InvalidMarketSizes
		);
		let mut no_interval = btc_perp();
		no_interval.funding_interval_ms = 0;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, no_interval),
			Error::<Test>::InvalidFundingInterval
		);
		let mut decimals = btc_perp();
		decimals.size_decimals = 30;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, decimals),
			Error::<Test>::UnsupportedDecimals
		);
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 7, btc_perp()));
		assert_eq!(Markets::<Test>::get(7), Some(btc_perp()));
		let mut rescaled = btc_perp();
		rescaled.size_decimals = 6;
		rescaled.lot_size = 100;
		rescaled.min_size = 100;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, rescaled),
			Error::<Test>::MarketIdentityFixed
		);
		let mut rekeyed = btc_perp();
		rekeyed.oracle_key = 11;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, rekeyed),
			Error::<Test>::MarketIdentityFixed
		);
		assert_eq!(MarketStates::<Test>::get(7).last_funding_ms, now());
		assert_eq!(
			events().last(),
			Some(&Event::MarketRegistered { market: 7, params: btc_perp() })
		);
	});
}

#[test]
fn market_status_and_max_price_age_are_risk_parameters() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ClearingPallet::set_market_status(
				RuntimeOrigin::signed(ALICE),
				BTC_PERP,
				MarketStatus::Closed
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ClearingPallet::set_market_status(RuntimeOrigin::root(), 42, MarketStatus::Closed),
			Error::<Test>::UnknownMarket
		);
		assert_ok!(ClearingPallet::set_market_status(
			RuntimeOrigin::root(),
			BTC_PERP,
			MarketStatus::ReduceOnly
		));
		// Scheduled: the rest of this block still trades.
		assert_eq!(Markets::<Test>::get(BTC_PERP).unwrap().status, MarketStatus::Active);
		start_next_block();
		assert_eq!(Markets::<Test>::get(BTC_PERP).unwrap().status, MarketStatus::ReduceOnly);
		assert_eq!(
			events().last(),
			Some(&Event::RiskParameterChanged {
				change: crate::RiskChange::MarketStatus {
					market: BTC_PERP,
					status: MarketStatus::ReduceOnly
				}
			})
		);

		assert_noop!(
			ClearingPallet::set_max_price_age(RuntimeOrigin::signed(ALICE), 5),
			DispatchError::BadOrigin
		);
		for out_of_bounds in
			[0, 1, crate::MIN_PRICE_AGE_LIMIT_MS - 1, crate::MAX_PRICE_AGE_LIMIT_MS + 1]
		{
			assert_noop!(
				ClearingPallet::set_max_price_age(RuntimeOrigin::root(), out_of_bounds),
				Error::<Test>::InvalidMaxPriceAge
			);
		}
		assert_ok!(ClearingPallet::set_max_price_age(RuntimeOrigin::root(), 5_000));
		start_next_block();
		assert_eq!(MaxPriceAge::<Test>::get(), 5_000);
		assert_eq!(
			events().last(),
			Some(&Event::RiskParameterChanged {
				change: crate::RiskChange::MaxPriceAge { max_price_age_ms: 5_000 }
			})
		);
	});
}
