//! Risk parameters: bounds, scheduling, previews.

use super::*;
use crate::{RiskChange, RiskChangeOf, MAX_PENDING_RISK_CHANGES};
use frame_support::BoundedVec;
use risk_engine::JumpBreaker;

fn tiers(maintenance_percent: u32, initial_percent: u32) -> BoundedVec<MarginTier, MaxTiers> {
	BoundedVec::truncate_from(vec![MarginTier {
		notional_floor: 0,
		initial_fraction: Perbill::from_percent(initial_percent),
		maintenance_fraction: Perbill::from_percent(maintenance_percent),
	}])
}

type MaxTiers = <Test as Config>::MaxMarginTiers;

/// Every setter, called with `change`'s values.
fn call_setter(origin: RuntimeOrigin, change: RiskChangeOf<Test>) -> DispatchResult {
	match change {
		RiskChange::MarketMarginTiers { market, tiers } => {
			ClearingPallet::set_market_margin_tiers(origin, market, tiers)
		},
		RiskChange::MarketFees { market, maker_fee, taker_fee } => {
			ClearingPallet::set_market_fees(origin, market, maker_fee, taker_fee)
		},
		RiskChange::MarketFundingCap { market, funding_rate_cap } => {
			ClearingPallet::set_market_funding_cap(origin, market, funding_rate_cap)
		},
		RiskChange::MarketOpenInterestCap { market, open_interest_cap } => {
			ClearingPallet::set_market_open_interest_cap(origin, market, open_interest_cap)
		},
		RiskChange::MarketStatus { market, status } => {
			ClearingPallet::set_market_status(origin, market, status)
		},
		RiskChange::CollateralHaircuts { asset, initial_haircut, maintenance_haircut } => {
			ClearingPallet::set_collateral_haircuts(
				origin,
				asset,
				initial_haircut,
				maintenance_haircut,
			)
		},
		RiskChange::CollateralDepositCap { asset, deposit_cap } => {
			ClearingPallet::set_collateral_deposit_cap(origin, asset, deposit_cap)
		},
		RiskChange::MaxPriceAge { max_price_age_ms } => {
			ClearingPallet::set_max_price_age(origin, max_price_age_ms)
		},
		RiskChange::JumpBreaker { breaker } => {
			ClearingPallet::set_jump_breaker(origin, breaker.bound)
		},
		RiskChange::LiquidationParameters { penalty, buffer } => {
			ClearingPallet::set_liquidation_parameters(origin, penalty, buffer)
		},
		RiskChange::LiquidationScanLimit { accounts_per_block } => {
			ClearingPallet::set_liquidation_scan_limit(origin, accounts_per_block)
		},
		RiskChange::PortfolioGrid { grid } => ClearingPallet::set_portfolio_grid(origin, grid),
		RiskChange::PortfolioMinimumEquity { minimum } => {
			ClearingPallet::set_portfolio_minimum_equity(origin, minimum)
		},
		RiskChange::Correlation { first, second, correlation } => {
			ClearingPallet::set_correlation(origin, first, second, correlation)
		},
		RiskChange::VolatilityModel { model } => {
			ClearingPallet::set_volatility_model(origin, model)
		},
		RiskChange::MarketAdaptiveMargin { market, params } => {
			ClearingPallet::set_market_adaptive_margin(origin, market, params)
		},
		RiskChange::MarginRampStep { step } => ClearingPallet::set_margin_ramp_step(origin, step),
		RiskChange::MarketPriceBand { market, price_band } => {
			ClearingPallet::set_market_price_band(origin, market, price_band)
		},
		RiskChange::LendingMarket { asset, config } => {
			ClearingPallet::set_lending_market(origin, asset, config)
		},
		RiskChange::SyntheticTerms { asset, terms } => {
			ClearingPallet::set_synthetic_terms(origin, asset, terms)
		},
		RiskChange::SyntheticMinting { asset, paused } => {
			ClearingPallet::set_synthetic_minting(origin, asset, paused)
		},
		RiskChange::SyntheticDebtCeiling { ceiling } => {
			ClearingPallet::set_synthetic_debt_ceiling(origin, ceiling)
		},
	}
}

/// A money market for USDC within every bound: 2% a year at rest, 6% at the 80% kink.
fn lending_market() -> crate::LendingConfig {
	crate::LendingConfig {
		base_rate: FixedU128::from_rational(2, 100),
		rate_segments: BoundedVec::truncate_from(vec![
			risk_engine::money_market::RateSegment {
				from: Perbill::zero(),
				slope: FixedU128::from_rational(5, 100),
			},
			risk_engine::money_market::RateSegment {
				from: Perbill::from_percent(80),
				slope: FixedU128::from_u32(2),
			},
		]),
		reserve_factor: Perbill::from_percent(20),
		borrow_cap: 1_000_000 * ONE_USDC,
		utilisation_cap: Perbill::from_percent(85),
		liability_weights: risk_engine::LiabilityWeights {
			initial: FixedU128::from_rational(110, 100),
			maintenance: FixedU128::from_rational(106, 100),
		},
	}
}

/// The parameter `change` names, as it is in storage now.
fn in_force(change: &RiskChangeOf<Test>) -> RiskChangeOf<Test> {
	let market = Markets::<Test>::get(BTC_PERP).unwrap();
	let btc = CollateralAssets::<Test>::get(BTC).unwrap();
	match change {
		RiskChange::MarketMarginTiers { .. } => {
			RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: market.tiers }
		},
		RiskChange::MarketFees { .. } => RiskChange::MarketFees {
			market: BTC_PERP,
			maker_fee: market.maker_fee,
			taker_fee: market.taker_fee,
		},
		RiskChange::MarketFundingCap { .. } => RiskChange::MarketFundingCap {
			market: BTC_PERP,
			funding_rate_cap: market.funding_rate_cap,
		},
		RiskChange::MarketOpenInterestCap { .. } => RiskChange::MarketOpenInterestCap {
			market: BTC_PERP,
			open_interest_cap: market.open_interest_cap,
		},
		RiskChange::MarketStatus { .. } => {
			RiskChange::MarketStatus { market: BTC_PERP, status: market.status }
		},
		RiskChange::CollateralHaircuts { .. } => RiskChange::CollateralHaircuts {
			asset: BTC,
			initial_haircut: btc.params.initial_haircut,
			maintenance_haircut: btc.params.maintenance_haircut,
		},
		RiskChange::CollateralDepositCap { .. } => {
			RiskChange::CollateralDepositCap { asset: BTC, deposit_cap: btc.deposit_cap }
		},
		RiskChange::MaxPriceAge { .. } => {
			RiskChange::MaxPriceAge { max_price_age_ms: MaxPriceAge::<Test>::get() }
		},
		RiskChange::JumpBreaker { .. } => {
			RiskChange::JumpBreaker { breaker: JumpBreakerParams::<Test>::get() }
		},
		RiskChange::LiquidationParameters { .. } => RiskChange::LiquidationParameters {
			penalty: LiquidationPenalty::<Test>::get(),
			buffer: LiquidationBuffer::<Test>::get(),
		},
		RiskChange::LiquidationScanLimit { .. } => RiskChange::LiquidationScanLimit {
			accounts_per_block: ClearingPallet::liquidation_scan_limit(),
		},
		RiskChange::PortfolioGrid { .. } => {
			RiskChange::PortfolioGrid { grid: PortfolioGridParams::<Test>::get() }
		},
		RiskChange::PortfolioMinimumEquity { .. } => {
			RiskChange::PortfolioMinimumEquity { minimum: PortfolioMinimumEquity::<Test>::get() }
		},
		RiskChange::Correlation { first, second, .. } => RiskChange::Correlation {
			first: *first,
			second: *second,
			correlation: Correlations::<Test>::get(second, first).unwrap_or(FixedI128::from_u32(1)),
		},
		RiskChange::VolatilityModel { .. } => {
			RiskChange::VolatilityModel { model: VolatilityModelParams::<Test>::get() }
		},
		RiskChange::MarketAdaptiveMargin { .. } => RiskChange::MarketAdaptiveMargin {
			market: BTC_PERP,
			params: AdaptiveMargins::<Test>::get(BTC_PERP).map(|adaptive| adaptive.params),
		},
		RiskChange::MarginRampStep { .. } => {
			RiskChange::MarginRampStep { step: crate::MarginRampStep::<Test>::get() }
		},
		RiskChange::MarketPriceBand { .. } => {
			RiskChange::MarketPriceBand { market: BTC_PERP, price_band: market.price_band }
		},
		RiskChange::LendingMarket { asset, .. } => RiskChange::LendingMarket {
			asset: *asset,
			config: LendingMarkets::<Test>::get(asset).unwrap(),
		},
		RiskChange::SyntheticTerms { asset, .. } => RiskChange::SyntheticTerms {
			asset: *asset,
			terms: Synthetics::<Test>::get(asset).unwrap().terms,
		},
		RiskChange::SyntheticMinting { asset, .. } => RiskChange::SyntheticMinting {
			asset: *asset,
			paused: Synthetics::<Test>::get(asset).unwrap().minting_paused,
		},
		RiskChange::SyntheticDebtCeiling { .. } => {
			RiskChange::SyntheticDebtCeiling { ceiling: crate::SyntheticDebtCeiling::<Test>::get() }
		},
	}
}

/// One valid change of every parameter.
fn valid_changes() -> Vec<RiskChangeOf<Test>> {
	vec![
		RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(4, 8) },
		RiskChange::MarketFees {
			market: BTC_PERP,
			maker_fee: Perbill::from_parts(100_000),
			taker_fee: Perbill::from_parts(1_000_000),
		},
		RiskChange::MarketFundingCap {
			market: BTC_PERP,
			funding_rate_cap: Perbill::from_percent(1),
		},
		RiskChange::MarketOpenInterestCap { market: BTC_PERP, open_interest_cap: ONE_BTC },
		RiskChange::MarketStatus { market: BTC_PERP, status: MarketStatus::ReduceOnly },
		RiskChange::CollateralHaircuts {
			asset: BTC,
			initial_haircut: Perbill::from_percent(70),
			maintenance_haircut: Perbill::from_percent(80),
		},
		RiskChange::CollateralDepositCap { asset: BTC, deposit_cap: 5 * ONE_BTC },
		RiskChange::MaxPriceAge { max_price_age_ms: 30_000 },
		RiskChange::JumpBreaker { breaker: JumpBreaker { bound: Perbill::from_percent(10) } },
		RiskChange::LiquidationParameters {
			penalty: Perbill::from_percent(2),
			buffer: Perbill::from_percent(25),
		},
		RiskChange::LiquidationScanLimit { accounts_per_block: 1 },
		RiskChange::PortfolioGrid {
			grid: risk_engine::portfolio::ScenarioGrid {
				price_points: 21,
				..PortfolioGridParams::<Test>::get()
			},
		},
		RiskChange::Correlation {
			first: BTC_PRICE,
			second: 11,
			correlation: FixedI128::from_rational(7, 10),
		},
		RiskChange::PortfolioMinimumEquity { minimum: 50_000 * ONE_USDC },
		RiskChange::SyntheticDebtCeiling { ceiling: 5_000_000 * ONE_USDC },
		RiskChange::VolatilityModel {
			model: crate::VolatilityModel {
				params: risk_engine::adaptive::VolatilityParams {
					lambda: Perbill::from_percent(90),
					interval_ms: 60_000,
					max_gap_ms: 60_000,
				},
				seed_volatility: Perbill::from_percent(50),
			},
		},
		RiskChange::MarginRampStep { step: Perbill::from_percent(1) },
		RiskChange::MarketPriceBand { market: BTC_PERP, price_band: Perbill::from_percent(5) },
		RiskChange::LendingMarket { asset: USDC, config: lending_market() },
		// Last: the penalty is 2% by now, below the 2.5% maintenance floor.
		RiskChange::MarketAdaptiveMargin {
			market: BTC_PERP,
			params: Some(super::adaptive_margin::params()),
		},
	]
}

/// Out-of-bound changes and the error each gets.
fn invalid_changes() -> Vec<(RiskChangeOf<Test>, Error<Test>)> {
	vec![
		(
			RiskChange::MarketPriceBand { market: BTC_PERP, price_band: Perbill::zero() },
			Error::<Test>::InvalidPriceBand,
		),
		(
			RiskChange::MarketPriceBand { market: BTC_PERP, price_band: Perbill::from_percent(51) },
			Error::<Test>::InvalidPriceBand,
		),
		// No synthetic listed under the token.
		(
			RiskChange::SyntheticMinting { asset: BTC, paused: true },
			Error::<Test>::UnknownSynthetic,
		),
		// Maintenance not below initial.
		(
			RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(8, 8) },
			Error::<Test>::InvalidMarginTiers,
		),
		// Maintenance of zero.
		(
			RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(0, 8) },
			Error::<Test>::InvalidMarginTiers,
		),
		// No tier at all.
		(
			RiskChange::MarketMarginTiers {
				market: BTC_PERP,
				tiers: BoundedVec::truncate_from(vec![]),
			},
			Error::<Test>::InvalidMarginTiers,
		),
		// Maintenance at the 1% penalty.
		(
			RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(1, 8) },
			Error::<Test>::MaintenanceNotAbovePenalty,
		),
		(
			RiskChange::VolatilityModel {
				model: crate::VolatilityModel {
					params: risk_engine::adaptive::VolatilityParams {
						lambda: Perbill::one(),
						interval_ms: 60_000,
						max_gap_ms: 60_000,
					},
					seed_volatility: Perbill::from_percent(50),
				},
			},
			Error::<Test>::InvalidVolatilityModel,
		),
		(
			RiskChange::VolatilityModel {
				model: crate::VolatilityModel {
					params: risk_engine::adaptive::VolatilityParams {
						lambda: Perbill::from_percent(90),
						interval_ms: 999,
						max_gap_ms: 60_000,
					},
					seed_volatility: Perbill::from_percent(50),
				},
			},
			Error::<Test>::InvalidVolatilityModel,
		),
		(RiskChange::MarginRampStep { step: Perbill::zero() }, Error::<Test>::InvalidRampStep),
		(
			RiskChange::MarketAdaptiveMargin {
				market: 42,
				params: Some(super::adaptive_margin::params()),
			},
			Error::<Test>::UnknownMarket,
		),
		// A maintenance floor at the 1% penalty.
		(
			RiskChange::MarketAdaptiveMargin {
				market: BTC_PERP,
				params: Some(risk_engine::adaptive::AdaptiveParams {
					floor_maintenance: Perbill::from_percent(1),
					..super::adaptive_margin::params()
				}),
			},
			Error::<Test>::InvalidAdaptiveMargin,
		),
		// A multiplier above 20.
		(
			RiskChange::MarketAdaptiveMargin {
				market: BTC_PERP,
				params: Some(risk_engine::adaptive::AdaptiveParams {
					k_initial: FixedI128::from_u32(21),
					..super::adaptive_margin::params()
				}),
			},
			Error::<Test>::InvalidAdaptiveMargin,
		),
		// A maintenance cap above the initial one.
		(
			RiskChange::MarketAdaptiveMargin {
				market: BTC_PERP,
				params: Some(risk_engine::adaptive::AdaptiveParams {
					cap_maintenance: Perbill::from_percent(60),
					..super::adaptive_margin::params()
				}),
			},
			Error::<Test>::InvalidAdaptiveMargin,
		),
		(
			RiskChange::MarketMarginTiers { market: 42, tiers: tiers(4, 8) },
			Error::<Test>::UnknownMarket,
		),
		(
			RiskChange::MarketFees {
				market: BTC_PERP,
				maker_fee: Perbill::zero(),
				taker_fee: Perbill::from_parts(10_000_001),
			},
			Error::<Test>::InvalidTradingFee,
		),
		// At the lowest maintenance fraction (3%).
		(
			RiskChange::MarketFundingCap {
				market: BTC_PERP,
				funding_rate_cap: Perbill::from_percent(3),
			},
			Error::<Test>::InvalidFundingCap,
		),
		(
			RiskChange::MarketStatus { market: 42, status: MarketStatus::Closed },
			Error::<Test>::UnknownMarket,
		),
		(
			RiskChange::CollateralHaircuts {
				asset: BTC,
				initial_haircut: Perbill::zero(),
				maintenance_haircut: Perbill::from_percent(80),
			},
			Error::<Test>::InvalidHaircuts,
		),
		(
			RiskChange::CollateralHaircuts {
				asset: BTC,
				initial_haircut: Perbill::from_percent(90),
				maintenance_haircut: Perbill::from_percent(80),
			},
			Error::<Test>::InvalidHaircuts,
		),
		(
			RiskChange::CollateralDepositCap { asset: 77, deposit_cap: 1 },
			Error::<Test>::UnknownCollateral,
		),
		(RiskChange::MaxPriceAge { max_price_age_ms: 0 }, Error::<Test>::InvalidMaxPriceAge),
		(
			RiskChange::MaxPriceAge { max_price_age_ms: crate::MAX_PRICE_AGE_LIMIT_MS + 1 },
			Error::<Test>::InvalidMaxPriceAge,
		),
		(
			RiskChange::JumpBreaker { breaker: JumpBreaker { bound: Perbill::from_parts(1) } },
			Error::<Test>::InvalidJumpBreaker,
		),
		// At BTC-PERP's lowest maintenance fraction.
		(
			RiskChange::LiquidationParameters {
				penalty: Perbill::from_percent(3),
				buffer: Perbill::from_percent(10),
			},
			Error::<Test>::InvalidLiquidationParameters,
		),
		(
			RiskChange::LiquidationScanLimit { accounts_per_block: 0 },
			Error::<Test>::InvalidScanLimit,
		),
		// The mock's maximum is 2.
		(
			RiskChange::LiquidationScanLimit { accounts_per_block: 3 },
			Error::<Test>::InvalidScanLimit,
		),
		(
			RiskChange::PortfolioGrid {
				grid: risk_engine::portfolio::ScenarioGrid {
					price_points: 20,
					..PortfolioGridParams::<Test>::get()
				},
			},
			Error::<Test>::InvalidScenarioGrid,
		),
		(
			RiskChange::Correlation {
				first: BTC_PRICE,
				second: BTC_PRICE,
				correlation: FixedI128::from_u32(1),
			},
			Error::<Test>::InvalidCorrelation,
		),
		(
			RiskChange::Correlation {
				first: BTC_PRICE,
				second: 11,
				correlation: FixedI128::from_rational(11, 10),
			},
			Error::<Test>::InvalidCorrelation,
		),
		(
			RiskChange::PortfolioMinimumEquity { minimum: 100_000_001 * ONE_USDC },
			Error::<Test>::InvalidPortfolioMinimum,
		),
		// A kink at 99.5%; more than 500% a year at full use; a reserve of 51%; a
		// utilisation cap of 99.5%; a maintenance weight of one; weights out of order.
		(
			RiskChange::LendingMarket {
				asset: USDC,
				config: crate::LendingConfig {
					rate_segments: BoundedVec::truncate_from(vec![
						risk_engine::money_market::RateSegment {
							from: Perbill::from_parts(995_000_000),
							slope: FixedU128::from_u32(1),
						},
					]),
					..lending_market()
				},
			},
			Error::<Test>::InvalidRateCurve,
		),
		(
			RiskChange::LendingMarket {
				asset: USDC,
				config: crate::LendingConfig {
					base_rate: FixedU128::from_rational(501, 100),
					rate_segments: BoundedVec::truncate_from(vec![]),
					..lending_market()
				},
			},
			Error::<Test>::InvalidRateCurve,
		),
		(
			RiskChange::LendingMarket {
				asset: USDC,
				config: crate::LendingConfig {
					reserve_factor: Perbill::from_percent(51),
					..lending_market()
				},
			},
			Error::<Test>::InvalidReserveFactor,
		),
		(
			RiskChange::LendingMarket {
				asset: USDC,
				config: crate::LendingConfig {
					utilisation_cap: Perbill::from_parts(995_000_000),
					..lending_market()
				},
			},
			Error::<Test>::InvalidUtilisationCap,
		),
		(
			RiskChange::LendingMarket {
				asset: USDC,
				config: crate::LendingConfig {
					liability_weights: risk_engine::LiabilityWeights::uniform(FixedU128::from_u32(
						1,
					)),
					..lending_market()
				},
			},
			Error::<Test>::InvalidLiabilityWeights,
		),
		(
			RiskChange::LendingMarket {
				asset: USDC,
				config: crate::LendingConfig {
					liability_weights: risk_engine::LiabilityWeights {
						initial: FixedU128::from_rational(105, 100),
						maintenance: FixedU128::from_rational(110, 100),
					},
					..lending_market()
				},
			},
			Error::<Test>::InvalidLiabilityWeights,
		),
		// A maintenance weight of 1.005 with the 1% penalty: 1 - 1 / 1.005 < 1%.
		(
			RiskChange::LendingMarket {
				asset: USDC,
				config: crate::LendingConfig {
					liability_weights: risk_engine::LiabilityWeights::uniform(
						FixedU128::from_rational(1_005, 1_000),
					),
					..lending_market()
				},
			},
			Error::<Test>::PenaltyAboveLiabilityWeight,
		),
		(
			RiskChange::LendingMarket { asset: 77, config: lending_market() },
			Error::<Test>::UnknownCollateral,
		),
	]
}

#[test]
fn the_liquidation_penalty_stays_below_what_every_borrow_weight_allows() {
	new_test_ext().execute_with(|| {
		// USDC's debt weighed 1.02 at maintenance: a penalty must stay below 1 - 1 / 1.02,
		// 1.96%, or moving a borrow with collateral for it could lower health.
		LendingMarkets::<Test>::mutate(USDC, |market| {
			market.as_mut().unwrap().liability_weights =
				risk_engine::LiabilityWeights::uniform(FixedU128::from_rational(102, 100));
		});
		let change = RiskChange::LiquidationParameters {
			penalty: Perbill::from_parts(25_000_000),
			buffer: Perbill::from_percent(10),
		};
		assert_noop!(
			call_setter(RuntimeOrigin::root(), change),
			Error::<Test>::PenaltyAboveLiabilityWeight
		);
		assert_ok!(call_setter(
			RuntimeOrigin::root(),
			RiskChange::LiquidationParameters {
				penalty: Perbill::from_parts(19_000_000),
				buffer: Perbill::from_percent(10),
			}
		));
	});
}

#[test]
fn a_signed_account_cannot_call_any_setter() {
	new_test_ext().execute_with(|| {
		for change in valid_changes() {
			assert_noop!(
				call_setter(RuntimeOrigin::signed(ALICE), change),
				DispatchError::BadOrigin
			);
		}
	});
}

#[test]
fn every_setter_applies_from_the_next_block_with_one_event() {
	new_test_ext().execute_with(|| {
		for change in valid_changes() {
			let before = in_force(&change);
			assert_ne!(before, change, "the test change must change something");
			System::reset_events();
			assert_ok!(call_setter(RuntimeOrigin::root(), change.clone()));
			// Nothing changes in the block that scheduled it.
			assert_eq!(in_force(&change), before);
			assert!(events().is_empty());
			assert_eq!(PendingRiskChanges::<Test>::get().to_vec(), vec![change.clone()]);

			start_next_block();
			assert_eq!(in_force(&change), change);
			assert_eq!(events(), vec![Event::RiskParameterChanged { change }]);
			assert!(PendingRiskChanges::<Test>::get().is_empty());
		}
	});
}

#[test]
fn out_of_bound_values_fail_with_their_typed_error_and_schedule_nothing() {
	new_test_ext().execute_with(|| {
		for (change, error) in invalid_changes() {
			let error = DispatchError::from(error);
			assert_noop!(call_setter(RuntimeOrigin::root(), change.clone()), error);
			assert_eq!(ClearingPallet::preview_risk_change(change), Err(error));
		}
		assert!(PendingRiskChanges::<Test>::get().is_empty());
	});
}

#[test]
fn changes_are_checked_against_those_already_scheduled() {
	new_test_ext().execute_with(|| {
		// A 2.5% penalty is scheduled: a 2% maintenance fraction is now too low...
		assert_ok!(ClearingPallet::set_liquidation_parameters(
			RuntimeOrigin::root(),
			Perbill::from_parts(25_000_000),
			Perbill::from_percent(10)
		));
		assert_noop!(
			ClearingPallet::set_market_margin_tiers(RuntimeOrigin::root(), BTC_PERP, tiers(2, 8)),
			Error::<Test>::MaintenanceNotAbovePenalty
		);
		// ...and so is listing a market with one.
		let mut low = btc_perp();
		low.tiers = tiers(2, 8);
		low.funding_rate_cap = Perbill::from_percent(1);
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 9, low),
			Error::<Test>::MaintenanceNotAbovePenalty
		);
		start_next_block();
		System::reset_events();

		// A 4% maintenance fraction is scheduled: a 3.5% penalty fits it, but a funding
		// cap of 4% does not.
		assert_ok!(ClearingPallet::set_market_margin_tiers(
			RuntimeOrigin::root(),
			BTC_PERP,
			tiers(4, 8)
		));
		assert_ok!(ClearingPallet::set_liquidation_parameters(
			RuntimeOrigin::root(),
			Perbill::from_parts(35_000_000),
			Perbill::from_percent(10)
		));
		assert_noop!(
			ClearingPallet::set_market_funding_cap(
				RuntimeOrigin::root(),
				BTC_PERP,
				Perbill::from_percent(4)
			),
			Error::<Test>::InvalidFundingCap
		);
		// Two changes of one market in one block both apply, in order.
		assert_ok!(ClearingPallet::set_market_fees(
			RuntimeOrigin::root(),
			BTC_PERP,
			Perbill::zero(),
			Perbill::from_parts(300_000)
		));
		start_next_block();
		let market = Markets::<Test>::get(BTC_PERP).unwrap();
		assert_eq!(market.tiers, tiers(4, 8));
		assert_eq!(market.taker_fee, Perbill::from_parts(300_000));
		assert_eq!(LiquidationPenalty::<Test>::get(), Perbill::from_parts(35_000_000));
		assert_eq!(events().len(), 3);
	});
}

#[test]
fn at_most_sixteen_changes_wait_for_a_block() {
	new_test_ext().execute_with(|| {
		for cap in 0..MAX_PENDING_RISK_CHANGES {
			assert_ok!(ClearingPallet::set_market_open_interest_cap(
				RuntimeOrigin::root(),
				BTC_PERP,
				cap.into()
			));
		}
		assert_noop!(
			ClearingPallet::set_market_open_interest_cap(RuntimeOrigin::root(), BTC_PERP, 99),
			Error::<Test>::TooManyPendingRiskChanges
		);
		start_next_block();
		// The last one scheduled wins.
		assert_eq!(
			Markets::<Test>::get(BTC_PERP).unwrap().open_interest_cap,
			(MAX_PENDING_RISK_CHANGES - 1).into()
		);
	});
}

#[test]
fn a_new_market_fits_within_the_market_limit() {
	new_test_ext().execute_with(|| {
		for id in 1..crate::MAX_MARKETS {
			assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), id, btc_perp()));
		}
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 500, btc_perp()),
			Error::<Test>::TooManyMarkets
		);
		// Replacing a listed market's parameters is still fine.
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 7, btc_perp()));
	});
}

/// Alice: 3,100 USDC, long one BTC at 60,000 (equity 3,070 after the taker fee, initial
/// requirement 3,000 at 5%, maintenance 1,800 at 3%). Bob: 10,000 USDC, short.
fn alice_near_her_initial_margin() {
	deposit(ALICE, USDC, 3_100 * ONE_USDC);
	deposit(BOB, USDC, 10_000 * ONE_USDC);
	assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
}

#[test]
fn the_preview_names_the_accounts_a_change_would_make_liquidatable() {
	new_test_ext().execute_with(|| {
		alice_near_her_initial_margin();
		let alice_equity = 3_070 * ONE_USDC as i128;

		// 6% maintenance: Alice needs 3,600 and has 3,070.
		let raise = RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(6, 8) };
		let root_before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		let preview = ClearingPallet::preview_risk_change(raise.clone()).unwrap();
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root_before);
		assert_eq!(preview.accounts_checked, 2);
		assert_eq!(preview.before, Default::default());
		assert_eq!(preview.after.accounts_below_maintenance, 1);
		assert_eq!(preview.after.equity_below_maintenance, alice_equity);
		assert_eq!(preview.after.accounts_below_initial, 1);
		assert_eq!(preview.newly_below_maintenance, vec![ALICE]);
		assert!(preview.newly_below_initial.is_empty());

		// 4% maintenance, 6% initial: Alice needs 3,600 to add risk, 2,400 to stay.
		let tighten = RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(4, 6) };
		let preview = ClearingPallet::preview_risk_change(tighten).unwrap();
		assert_eq!(preview.after.accounts_below_maintenance, 0);
		assert_eq!(preview.after.accounts_below_initial, 1);
		assert_eq!(preview.after.equity_below_initial, alice_equity);
		assert_eq!(preview.newly_below_initial, vec![ALICE]);

		// What the preview said is what happens.
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		assert_ok!(call_setter(RuntimeOrigin::root(), raise.clone()));
		start_next_block();
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		assert!(!ClearingPallet::cross_liquidatable(&BOB));
		// Once in force, the same change names nobody new.
		let again = ClearingPallet::preview_risk_change(raise).unwrap();
		assert_eq!(again.before, again.after);
		assert!(again.newly_below_maintenance.is_empty());
	});
}

#[test]
fn the_preview_counts_scheduled_changes_as_in_force_and_sees_haircuts() {
	new_test_ext().execute_with(|| {
		// Charlie backs a 0.1 BTC long (maintenance 180 USDC) with 0.1 BTC of collateral
		// only; at a 2% haircut it counts for 120.
		deposit(CHARLIE, BTC, ONE_BTC / 10);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, ONE_BTC as i128 / 10, usd(60_000)));
		let haircut_cut = RiskChange::CollateralHaircuts {
			asset: BTC,
			initial_haircut: Perbill::from_percent(2),
			maintenance_haircut: Perbill::from_percent(2),
		};
		let preview = ClearingPallet::preview_risk_change(haircut_cut.clone()).unwrap();
		assert_eq!(preview.newly_below_maintenance, vec![CHARLIE]);

		// Scheduled, the same cut is "before" in the next preview.
		assert_ok!(call_setter(RuntimeOrigin::root(), haircut_cut.clone()));
		let preview = ClearingPallet::preview_risk_change(haircut_cut).unwrap();
		assert_eq!(preview.before.accounts_below_maintenance, 1);
		assert!(preview.newly_below_maintenance.is_empty());
	});
}

#[test]
fn the_worker_checks_as_many_accounts_as_the_scan_limit_says() {
	let (offchain, _) = sp_core::offchain::testing::TestOffchainExt::new();
	let (pool, _) = sp_core::offchain::testing::TestTransactionPoolExt::new();
	let mut ext = new_test_ext();
	ext.register_extension(sp_core::offchain::OffchainDbExt::new(offchain.clone()));
	ext.register_extension(sp_core::offchain::OffchainWorkerExt::new(offchain));
	ext.register_extension(sp_core::offchain::TransactionPoolExt::new(pool));
	ext.execute_with(|| {
		alice_near_her_initial_margin();
		deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, ONE_BTC as i128 / 10, usd(60_000)));
		// Three accounts hold positions; the mock's maximum (and default) is two a run.
		assert_eq!(ClearingPallet::scan_for_liquidations().unwrap().scanned, 2);
		assert_ok!(ClearingPallet::set_liquidation_scan_limit(RuntimeOrigin::root(), 1));
		start_next_block();
		assert_eq!(ClearingPallet::liquidation_scan_limit(), 1);
		assert_eq!(ClearingPallet::scan_for_liquidations().unwrap().scanned, 1);
	});
}
