//! The account and market reports.

use super::*;

#[test]
fn account_report_matches_hand_figures() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, BTC, ONE_BTC / 2);
		open_one_btc();
		set_price(BTC_PRICE, 62_000);
		let report = ClearingPallet::account_report(&ALICE).unwrap();
		// Collateral: 9,970 USDC + 0.5 BTC at 62,000 = 31,000 (90%: 27,900; 95%: 29,450).
		assert_eq!(report.collateral.len(), 2);
		assert_eq!(report.collateral[1].value, Some(31_000 * ONE_USDC as i128));
		// Mark: last trade 60,000 clamped to 62,000 x 0.99 = 61,380.
		let position = &report.positions[0];
		assert_eq!(position.mark_price, Some(FixedU128::from_rational(6_138_000, 100)));
		assert_eq!(position.unrealized_pnl, 1_380 * ONE_USDC as i128);
		assert_eq!(position.notional, 61_380 * ONE_USDC);
		// Requirements: 5% and 3% of 61,380.
		assert_eq!(report.initial_requirement, 3_069 * ONE_USDC);
		assert_eq!(report.maintenance_requirement, 1_841_400_000);
		assert_eq!(report.equity_initial, (9_970 + 27_900 + 1_380) * ONE_USDC as i128);
		assert_eq!(report.equity_maintenance, (9_970 + 29_450 + 1_380) * ONE_USDC as i128);
		assert_eq!(report.free_collateral, (39_250 - 3_069) * ONE_USDC as i128);
		assert_eq!(report.health, 40_800 * ONE_USDC as i128 - 1_841_400_000);
		assert!(position.liquidation_price.is_some());
		assert!(!report.uses_stale_prices);

		let market = ClearingPallet::market_report(BTC_PERP).unwrap();
		assert_eq!(market.symbol, b"BTC-PERP".to_vec());
		assert_eq!(market.open_interest, ONE_BTC);
		assert_eq!(market.tiers.len(), 2);
		assert_eq!(
			market.tiers[0],
			MarginTier {
				notional_floor: 0,
				initial_fraction: Perbill::from_percent(5),
				maintenance_fraction: Perbill::from_percent(3),
			}
		);
		assert!(ClearingPallet::market_report(9).is_none());
	});
}
