//! Hand-checked cases for every function of the risk engine. Each expected figure is written
//! as the arithmetic that produces it, in settlement units (USDC, 6 decimals) unless noted.

use risk_engine::*;
use sp_arithmetic::{
	traits::{One, Zero},
	FixedI128, FixedU128, Perbill,
};

/// One USDC in settlement units.
const USDC: i128 = 1_000_000;
/// One BTC in satoshi (the BTC-PERP size unit and BTC collateral unit).
const BTC: i128 = 100_000_000;
/// One ETH in wei.
const ETH: u128 = 1_000_000_000_000_000_000;

const BTC_SCALE: UnitScale = UnitScale::new(8, 6);

fn usd(dollars: u128) -> Price {
	FixedU128::from_u32(dollars as u32)
}

/// Liability weights of one: a debt at its value.
fn par() -> LiabilityWeights {
	LiabilityWeights::uniform(FixedU128::one())
}

fn percent(p: u32) -> Perbill {
	Perbill::from_percent(p)
}

/// BTC-PERP's schedule: 5%/3% up to 1M USDC, 10%/6% up to 5M, 20%/12% above.
fn btc_tiers() -> Vec<MarginTier> {
	vec![
		MarginTier {
			notional_floor: 0,
			initial_fraction: percent(5),
			maintenance_fraction: percent(3),
		},
		MarginTier {
			notional_floor: 1_000_000 * USDC as u128,
			initial_fraction: percent(10),
			maintenance_fraction: percent(6),
		},
		MarginTier {
			notional_floor: 5_000_000 * USDC as u128,
			initial_fraction: percent(20),
			maintenance_fraction: percent(12),
		},
	]
}

fn btc_collateral(amount: u128, price: Price) -> CollateralHolding {
	CollateralHolding {
		amount,
		price,
		params: CollateralParams {
			decimals: 8,
			initial_haircut: percent(90),
			maintenance_haircut: percent(95),
		},
	}
}

// ---------------------------------------------------------------- units

#[test]
fn unit_scale_divisor_and_value() {
	assert_eq!(BTC_SCALE.divisor(), Ok(10u128.pow(18 + 8 - 6)));
	// 1 BTC at 65,000 USD = 65,000 USDC.
	assert_eq!(
		BTC_SCALE.value(BTC as u128, usd(65_000), sp_arithmetic::Rounding::Down),
		Ok(65_000 * USDC as u128)
	);
	// 1 satoshi at 0.33 USD = 0.0000033 USDC: 3.3 units, down to 3 and up to 4.
	let price = FixedU128::from_rational(33, 100);
	assert_eq!(BTC_SCALE.value(1, price, sp_arithmetic::Rounding::Down), Ok(0));
	assert_eq!(UnitScale::new(0, 6).value(1, price, sp_arithmetic::Rounding::Down), Ok(330_000));
	assert_eq!(UnitScale::new(2, 6).value(1, price, sp_arithmetic::Rounding::Up), Ok(3_300));
	assert_eq!(UnitScale::new(5, 6).value(1, price, sp_arithmetic::Rounding::Up), Ok(4));
	assert_eq!(UnitScale::new(21, 6).divisor(), Err(RiskError::UnsupportedDecimals));
	assert_eq!(UnitScale::new(0, 19).divisor(), Err(RiskError::UnsupportedDecimals));
}

#[test]
fn signed_rounding_directions() {
	let scale = UnitScale::new(5, 6); // one unit at 0.33 USD = 3.3 settlement units
	let price = FixedU128::from_rational(33, 100);
	assert_eq!(scale.signed_value(1, price, SignedRounding::Floor), Ok(3));
	assert_eq!(scale.signed_value(-1, price, SignedRounding::Floor), Ok(-4));
	assert_eq!(scale.signed_value(1, price, SignedRounding::Ceil), Ok(4));
	assert_eq!(scale.signed_value(-1, price, SignedRounding::Ceil), Ok(-3));
	assert_eq!(scale.signed_value(-1, price, SignedRounding::TowardZero), Ok(-3));
	assert_eq!(scale.signed_value(0, price, SignedRounding::Ceil), Ok(0));
}

// ---------------------------------------------------------------- collateral

#[test]
fn settlement_balance_counts_at_par_or_as_weighted_debt() {
	let weights = LiabilityWeights {
		initial: FixedU128::from_rational(11, 10),
		maintenance: FixedU128::from_rational(105, 100),
	};
	let initial = MarginLevel::Initial;
	assert_eq!(settlement_margin_value(1_000 * USDC, &weights, initial), Ok(1_000 * USDC));
	// -100 USDC x 1.1 = -110 USDC; at maintenance x 1.05 = -105.
	assert_eq!(settlement_margin_value(-100 * USDC, &weights, initial), Ok(-110 * USDC));
	assert_eq!(
		settlement_margin_value(-100 * USDC, &weights, MarginLevel::Maintenance),
		Ok(-105 * USDC)
	);
	// -3 units x 1.5 = -4.5, rounded up as a debt to -5.
	let one_and_a_half = LiabilityWeights::uniform(FixedU128::from_rational(3, 2));
	assert_eq!(settlement_margin_value(-3, &one_and_a_half, initial), Ok(-5));
	let below_one = LiabilityWeights::uniform(FixedU128::from_rational(99, 100));
	assert_eq!(
		settlement_margin_value(-1, &below_one, initial),
		Err(RiskError::LiabilityFactorBelowOne)
	);
	// Governed weights: 1 < maintenance <= initial <= 2.
	assert_eq!(weights.validate(), Ok(()));
	for (initial, maintenance) in [(105, 100), (100, 105), (201, 150)] {
		let weights = LiabilityWeights {
			initial: FixedU128::from_rational(initial, 100),
			maintenance: FixedU128::from_rational(maintenance, 100),
		};
		assert_eq!(weights.validate(), Err(RiskError::InvalidLiabilityWeights));
	}
}

#[test]
fn holdings_count_at_price_times_haircut() {
	// 0.5 BTC at 60,000 = 30,000 USDC; 90% = 27,000; 95% = 28,500.
	let btc = btc_collateral(50_000_000, usd(60_000));
	assert_eq!(holding_market_value(&btc, 6), Ok(30_000 * USDC as u128));
	assert_eq!(holding_margin_value(&btc, 6, MarginLevel::Initial), Ok(27_000 * USDC as u128));
	assert_eq!(holding_margin_value(&btc, 6, MarginLevel::Maintenance), Ok(28_500 * USDC as u128));
	// 2 ETH at 3,000.5 = 6,001 USDC; 80% = 4,800.8 USDC.
	let eth = CollateralHolding {
		amount: 2 * ETH,
		price: FixedU128::from_rational(30_005, 10),
		params: CollateralParams {
			decimals: 18,
			initial_haircut: percent(80),
			maintenance_haircut: percent(85),
		},
	};
	assert_eq!(holding_market_value(&eth, 6), Ok(6_001 * USDC as u128));
	assert_eq!(holding_margin_value(&eth, 6, MarginLevel::Initial), Ok(4_800_800_000));
	// The pool: 1,000 USDC + 27,000 + 4,800.8 at initial haircuts.
	assert_eq!(
		collateral_value(1_000 * USDC, &par(), &[btc, eth], &[], 6, MarginLevel::Initial),
		Ok(1_000 * USDC + 27_000 * USDC + 4_800_800_000)
	);
	// A debt of 500 USDC at 1.02 lowers the pool by 510.
	assert_eq!(
		collateral_value(
			-500 * USDC,
			&LiabilityWeights::uniform(FixedU128::from_rational(102, 100)),
			&[btc],
			&[],
			6,
			MarginLevel::Maintenance
		),
		Ok(28_500 * USDC - 510 * USDC)
	);
	// A borrow of 0.1 ETH at 3,000.5 (300.05 USDC, rounded up) at 1.15 initially, 1.10 at
	// maintenance: it takes 345.0575 and 330.055 from the pool, each rounded up.
	let borrow = LiabilityHolding {
		amount: ETH / 10,
		price: FixedU128::from_rational(30_005, 10),
		decimals: 18,
		weights: LiabilityWeights {
			initial: FixedU128::from_rational(115, 100),
			maintenance: FixedU128::from_rational(110, 100),
		},
	};
	assert_eq!(liability_market_value(&borrow, 6), Ok(300_050_000));
	assert_eq!(liability_margin_value(&borrow, 6, MarginLevel::Initial), Ok(345_057_500));
	assert_eq!(liability_margin_value(&borrow, 6, MarginLevel::Maintenance), Ok(330_055_000));
	assert_eq!(
		collateral_value(0, &par(), &[btc], &[borrow], 6, MarginLevel::Maintenance),
		Ok(28_500 * USDC - 330_055_000)
	);
	// One unit of a token worth less than a unit still owes a whole unit.
	let dust = LiabilityHolding { amount: 1, ..borrow };
	assert_eq!(liability_market_value(&dust, 6), Ok(1));
}

#[test]
fn collateral_params_are_validated() {
	let good = CollateralParams {
		decimals: 8,
		initial_haircut: percent(90),
		maintenance_haircut: percent(95),
	};
	assert_eq!(good.validate(), Ok(()));
	assert_eq!(
		CollateralParams { initial_haircut: Perbill::zero(), ..good }.validate(),
		Err(RiskError::InvalidHaircuts)
	);
	assert_eq!(
		CollateralParams { maintenance_haircut: percent(80), ..good }.validate(),
		Err(RiskError::InvalidHaircuts)
	);
	assert_eq!(
		CollateralParams { decimals: 30, ..good }.validate(),
		Err(RiskError::UnsupportedDecimals)
	);
}

// ---------------------------------------------------------------- positions

#[test]
fn trades_move_entry_and_realize_pnl() {
	// Buy 2 BTC at 50,000: cost 100,000 USDC.
	let opened = apply_trade(&Position::default(), 2 * BTC, usd(50_000), &BTC_SCALE).unwrap();
	assert_eq!(opened.position.size, 2 * BTC);
	assert_eq!(opened.position.cost, 100_000 * USDC);
	assert_eq!(
		(opened.realized_pnl, opened.notional, opened.reduces_only),
		(0, 100_000 * USDC as u128, false)
	);
	assert_eq!(opened.position.entry_price(&BTC_SCALE), Ok(Some(usd(50_000))));

	// Sell 0.5 at 52,000: releases 100,000 x 0.5/2 = 25,000 of cost, realizes 26,000 - 25,000.
	let reduced = apply_trade(&opened.position, -BTC / 2, usd(52_000), &BTC_SCALE).unwrap();
	assert_eq!(reduced.realized_pnl, 1_000 * USDC);
	assert_eq!(reduced.position.size, 3 * BTC / 2);
	assert_eq!(reduced.position.cost, 75_000 * USDC);
	assert!(reduced.reduces_only);

	// Sell 3 at 49,000: closes 1.5 (proceeds 73,500, cost 75,000: -1,500), opens 1.5 short.
	let flipped = apply_trade(&reduced.position, -3 * BTC, usd(49_000), &BTC_SCALE).unwrap();
	assert_eq!(flipped.realized_pnl, 73_500 * USDC - 75_000 * USDC);
	assert_eq!(flipped.position.size, -3 * BTC / 2);
	assert_eq!(flipped.position.cost, -73_500 * USDC);
	assert_eq!(flipped.notional, 147_000 * USDC as u128);
	assert!(!flipped.reduces_only);
	assert_eq!(flipped.position.entry_price(&BTC_SCALE), Ok(Some(usd(49_000))));

	// Short 1.5 from 49,000, marked at 48,000: 1.5 x 1,000 = 1,500 profit.
	assert_eq!(unrealized_pnl(&flipped.position, usd(48_000), &BTC_SCALE), Ok(1_500 * USDC));
	assert_eq!(notional(&flipped.position, usd(48_000), &BTC_SCALE), Ok(72_000 * USDC as u128));
}

#[test]
fn partial_release_rounds_toward_zero_and_keeps_the_remainder() {
	let scale = UnitScale::new(6, 6); // one size unit at 1 USD is one settlement unit
	let position = Position { size: 3, cost: 10, funding_index: FixedI128::zero() };
	// Closing 1 of 3 releases floor(10 / 3) = 3; sold at 4: realizes 4 - 3.
	let outcome = apply_trade(&position, -1, usd(4), &scale).unwrap();
	assert_eq!(outcome.realized_pnl, 1);
	assert_eq!(outcome.position.cost, 7);
	// Closing the rest at 4 releases all 7: realizes 8 - 7. Total realized 2 = 12 - 10.
	let closed = apply_trade(&outcome.position, -2, usd(4), &scale).unwrap();
	assert_eq!(closed.realized_pnl, 1);
	assert_eq!(closed.position, Position { size: 0, cost: 0, funding_index: FixedI128::zero() });
}

#[test]
fn both_sides_of_a_trade_exchange_the_same_value() {
	let scale = UnitScale::new(5, 6);
	let price = FixedU128::from_rational(33, 100); // 3.3 units per size unit
	assert_eq!(trade_value(1, price, &scale), Ok(3));
	assert_eq!(trade_value(-1, price, &scale), Ok(-3));
}

#[test]
fn fees_round_up() {
	// 0.05% of 100,000 USDC = 50 USDC.
	assert_eq!(trade_fee(100_000 * USDC as u128, Perbill::from_parts(500_000)), 50 * USDC as u128);
	// 0.05% of 3 units = 0.0015, up to 1.
	assert_eq!(trade_fee(3, Perbill::from_parts(500_000)), 1);
	assert_eq!(trade_fee(3, Perbill::zero()), 0);
}

#[test]
fn funding_owed_from_the_index_rounds_against_the_account() {
	let index = FixedI128::from_rational(25, 2); // 12.5 USD per BTC
	let long = Position { size: BTC, cost: 0, funding_index: FixedI128::zero() };
	let short = Position { size: -BTC, ..long };
	assert_eq!(funding_owed(&long, index, &BTC_SCALE), Ok(12_500_000));
	assert_eq!(funding_owed(&short, index, &BTC_SCALE), Ok(-12_500_000));
	// A negative index move pays longs.
	assert_eq!(
		funding_owed(&long, FixedI128::from_inner(-12_500_000_000_000_000_000), &BTC_SCALE),
		Ok(-12_500_000)
	);
	// One satoshi at 0.005 USD owes 0.00005 USDC: the payer pays 1 unit, the receiver gets 0.
	let tiny = FixedI128::from_rational(5, 1000);
	assert_eq!(funding_owed(&Position { size: 1, ..long }, tiny, &BTC_SCALE), Ok(1));
	assert_eq!(funding_owed(&Position { size: -1, ..long }, tiny, &BTC_SCALE), Ok(0));
	let (settled, paid) = settle_funding(&long, index, &BTC_SCALE).unwrap();
	assert_eq!((settled.funding_index, settled.size, paid), (index, BTC, 12_500_000));
}

#[test]
fn funding_rate_is_the_clamped_premium() {
	let cap = Perbill::from_parts(7_500_000); // 0.75%
										   // (101 - 100) / 100 = 1%, clamped to 0.75%.
	assert_eq!(funding_rate(usd(101), usd(100), cap), FixedI128::from_rational(75, 10_000));
	// (99.9 - 100) / 100 = -0.1%.
	assert_eq!(
		funding_rate(FixedU128::from_rational(999, 10), usd(100), cap),
		FixedI128::from_inner(-1_000_000_000_000_000) // -0.001
	);
	assert_eq!(funding_rate(usd(100), usd(100), cap), FixedI128::zero());
	assert_eq!(funding_rate(usd(100), FixedU128::zero(), cap), FixedI128::zero());
	// Half an interval at 0.1% on a 100 USD index adds 0.001 x 100 x 0.5 = 0.05 USD.
	assert_eq!(
		funding_index_increment(FixedI128::from_rational(1, 1_000), usd(100), 1_800, 3_600),
		Ok(FixedI128::from_rational(5, 100))
	);
	// Two and a half intervals accrue 0.001 x 100 x 2.5 = 0.25 USD.
	assert_eq!(
		funding_index_increment(FixedI128::from_rational(1, 1_000), usd(100), 9_000, 3_600),
		Ok(FixedI128::from_rational(1, 4))
	);
	assert_eq!(funding_index_increment(FixedI128::one(), usd(1), 1, 0), Err(RiskError::Overflow));
}

// ---------------------------------------------------------------- requirements

#[test]
fn tiered_requirement_sums_each_band() {
	let tiers = btc_tiers();
	let m = USDC as u128;
	assert_eq!(margin_requirement(0, &tiers, MarginLevel::Initial), Ok(0));
	// 0.05 of one unit rounds up to 1.
	assert_eq!(margin_requirement(1, &tiers, MarginLevel::Initial), Ok(1));
	// 500,000 USDC: all in the first band.
	assert_eq!(margin_requirement(500_000 * m, &tiers, MarginLevel::Initial), Ok(25_000 * m));
	// 2M: 5% of 1M + 10% of 1M; maintenance 3% of 1M + 6% of 1M.
	assert_eq!(
		margin_requirement(2_000_000 * m, &tiers, MarginLevel::Initial),
		Ok(50_000 * m + 100_000 * m)
	);
	assert_eq!(
		margin_requirement(2_000_000 * m, &tiers, MarginLevel::Maintenance),
		Ok(30_000 * m + 60_000 * m)
	);
	// 6M: 5% of 1M + 10% of 4M + 20% of 1M.
	assert_eq!(
		margin_requirement(6_000_000 * m, &tiers, MarginLevel::Initial),
		Ok(50_000 * m + 400_000 * m + 200_000 * m)
	);
}

#[test]
fn tier_schedules_are_validated() {
	let tiers = btc_tiers();
	assert_eq!(validate_tiers(&tiers), Ok(()));
	assert_eq!(validate_tiers(&[]), Err(RiskError::NoMarginTiers));
	let mut shifted = tiers.clone();
	shifted[0].notional_floor = 1;
	assert_eq!(validate_tiers(&shifted), Err(RiskError::FirstTierNotAtZero));
	let mut unordered = tiers.clone();
	unordered[2].notional_floor = unordered[1].notional_floor;
	assert_eq!(validate_tiers(&unordered), Err(RiskError::TierFloorsNotIncreasing));
	let mut falling = tiers.clone();
	falling[2].initial_fraction = percent(8);
	falling[2].maintenance_fraction = percent(7);
	assert_eq!(validate_tiers(&falling), Err(RiskError::TierFractionsDecreasing));
	let mut inverted = tiers.clone();
	inverted[0].maintenance_fraction = percent(5);
	assert_eq!(validate_tiers(&inverted), Err(RiskError::MaintenanceNotBelowInitial));
	let mut zero = tiers;
	zero[0].maintenance_fraction = Perbill::zero();
	assert_eq!(validate_tiers(&zero), Err(RiskError::MaintenanceNotBelowInitial));
}

// ---------------------------------------------------------------- cross margin

/// 10,000 USDC and 0.5 BTC at 60,000 behind a 1 BTC long from 55,000 marked at 60,000, with
/// 10 USD per BTC of funding accrued since it settled.
fn cross_example(tiers: &[MarginTier]) -> (Vec<CollateralHolding>, Vec<PerpExposure<'_>>) {
	let holdings = vec![btc_collateral(50_000_000, usd(60_000))];
	let positions = vec![PerpExposure {
		position: Position { size: BTC, cost: 55_000 * USDC, funding_index: FixedI128::zero() },
		mark: usd(60_000),
		funding_index: FixedI128::from_u32(10),
		scale: BTC_SCALE,
		tiers,
		open_orders: Default::default(),
		option: None,
	}];
	(holdings, positions)
}

#[test]
fn cross_margin_figures() {
	let tiers = btc_tiers();
	let (holdings, positions) = cross_example(&tiers);
	let account = CrossAccount {
		settlement_balance: 10_000 * USDC,
		settlement_weights: par(),
		quote_decimals: 6,
		collateral: &holdings,
		liabilities: &[],
		positions: &positions,
	};
	let figures = cross_margin(&account).unwrap();
	assert_eq!(figures.collateral_initial, 10_000 * USDC + 27_000 * USDC);
	assert_eq!(figures.collateral_maintenance, 10_000 * USDC + 28_500 * USDC);
	assert_eq!(figures.unrealized_pnl, 60_000 * USDC - 55_000 * USDC);
	assert_eq!(figures.funding_owed, 10 * USDC);
	assert_eq!(figures.notional, 60_000 * USDC as u128);
	assert_eq!(figures.initial_requirement, 3_000 * USDC as u128); // 5% of 60,000
	assert_eq!(figures.maintenance_requirement, 1_800 * USDC as u128); // 3% of 60,000
	assert_eq!(figures.equity_initial, 37_000 * USDC + 5_000 * USDC - 10 * USDC);
	assert_eq!(figures.equity_maintenance, 38_500 * USDC + 5_000 * USDC - 10 * USDC);
	assert_eq!(figures.health, 43_490 * USDC - 1_800 * USDC);
	assert_eq!(figures.free_collateral, 41_990 * USDC - 3_000 * USDC);
	assert!(!figures.is_liquidatable());

	let summary = position_margin(&positions[0]).unwrap();
	assert_eq!(summary.unrealized_pnl, 5_000 * USDC);
	assert_eq!(summary.funding_owed, 10 * USDC);
}

#[test]
fn cross_liquidation_price_of_a_long() {
	let tiers = btc_tiers();
	let (holdings, positions) = cross_example(&tiers);
	let account = CrossAccount {
		settlement_balance: 10_000 * USDC,
		settlement_weights: par(),
		quote_decimals: 6,
		collateral: &holdings,
		liabilities: &[],
		positions: &positions,
	};
	// Health 41,690 USDC is lost at 0.97 per dollar of notional (PnL minus the 3% requirement
	// released): notional falls to 60,000 - 41,690 / 0.97 = 16,510 / 0.97 = 17,020.6185...
	// USDC, i.e. a price of 17,020.6185... USD for 1 BTC, rounded up.
	// Inner: 16,510 / 0.97 x 10^6 units x 10^20 / 10^8 satoshi = 1,651 x 10^21 / 97, which is
	// not exact, so rounding up adds one.
	let expected = FixedU128::from_inner(1_651 * 10u128.pow(21) / 97 + 1);
	assert_eq!(cross_liquidation_price(&account, 0), Ok(Some(expected)));
	assert_eq!(cross_liquidation_price(&account, 1), Err(RiskError::NoSuchPosition));

	// With 200,000 USDC more the account survives even a zero BTC price. (The BTC collateral
	// would fall too, but only the position's own price moves here.)
	let rich = CrossAccount { settlement_balance: 210_000 * USDC, ..account };
	assert_eq!(cross_liquidation_price(&rich, 0), Ok(None));
}

// ---------------------------------------------------------------- isolated margin

#[test]
fn isolated_short_figures_and_liquidation_price() {
	let tiers = btc_tiers();
	// Short 2 BTC from 60,000 with 6,000 USDC of its own margin, marked at 60,000.
	let isolated = IsolatedPosition {
		margin: 6_000 * USDC,
		exposure: PerpExposure {
			position: Position {
				size: -2 * BTC,
				cost: -120_000 * USDC,
				funding_index: FixedI128::zero(),
			},
			mark: usd(60_000),
			funding_index: FixedI128::zero(),
			scale: BTC_SCALE,
			tiers: &tiers,
			open_orders: Default::default(),
			option: None,
		},
	};
	let figures = isolated_margin(&isolated).unwrap();
	assert_eq!(figures.equity, 6_000 * USDC);
	assert_eq!(figures.position.maintenance_requirement, 3_600 * USDC as u128); // 3% of 120,000
	assert_eq!(figures.health, 6_000 * USDC - 3_600 * USDC);
	assert_eq!(figures.free_margin, 0); // 5% of 120,000 = 6,000
									 // Health 2,400 is lost at 1.03 per dollar of notional: notional rises to
									 // 120,000 + 2,400 / 1.03 = 126,000 / 1.03 USDC; price = that / 2 BTC, rounded down.
									 // Inner: 126,000 / 1.03 x 10^6 units x 10^20 / (2 x 10^8 satoshi) = 63 x 10^23 / 103.
	let expected = FixedU128::from_inner(63 * 10u128.pow(23) / 103);
	assert_eq!(isolated_liquidation_price(&isolated), Ok(Some(expected)));
}

#[test]
fn liquidation_price_found_in_a_higher_tier() {
	let tiers = btc_tiers();
	// Short 50 BTC from 60,000 (3M notional) with 250,000 USDC (its initial requirement).
	let isolated = IsolatedPosition {
		margin: 250_000 * USDC,
		exposure: PerpExposure {
			position: Position {
				size: -50 * BTC,
				cost: -3_000_000 * USDC,
				funding_index: FixedI128::zero(),
			},
			mark: usd(60_000),
			funding_index: FixedI128::zero(),
			scale: BTC_SCALE,
			tiers: &tiers,
			open_orders: Default::default(),
			option: None,
		},
	};
	let figures = isolated_margin(&isolated).unwrap();
	// Maintenance: 3% of 1M + 6% of 2M = 150,000.
	assert_eq!(figures.position.maintenance_requirement, 150_000 * USDC as u128);
	assert_eq!(figures.health, 100_000 * USDC);
	// In the second band (floor 1M, requirement at floor 30,000, fraction 6%):
	// n* = (100,000 + 3,000,000 + 150,000 - 30,000 + 0.06 x 1,000,000) / 1.06
	//    = 3,280,000 / 1.06 USDC; price = n* / 50 BTC = 328 x 10^22 / 53 (inner), down.
	let expected = FixedU128::from_inner(328 * 10u128.pow(22) / 53);
	assert_eq!(isolated_liquidation_price(&isolated), Ok(Some(expected)));
}

#[test]
fn flat_positions_have_no_liquidation_price() {
	let tiers = btc_tiers();
	let isolated = IsolatedPosition {
		margin: 0,
		exposure: PerpExposure {
			position: Position::default(),
			mark: usd(60_000),
			funding_index: FixedI128::zero(),
			scale: BTC_SCALE,
			tiers: &tiers,
			open_orders: Default::default(),
			option: None,
		},
	};
	assert_eq!(isolated_liquidation_price(&isolated), Ok(None));
	assert_eq!(isolated_margin(&isolated).unwrap().health, 0);
}

#[test]
fn a_short_underwater_at_every_price_reports_zero() {
	let tiers = btc_tiers();
	// A 70,000 USDC debt behind a 1 BTC short from 60,000: health is -71,800, and even at a zero
	// price the short's 60,000 profit (plus the 1,800 requirement released) does not cover it.
	let position = Position { size: -BTC, cost: -60_000 * USDC, funding_index: FixedI128::zero() };
	let exposure = PerpExposure {
		position,
		mark: usd(60_000),
		funding_index: FixedI128::zero(),
		scale: BTC_SCALE,
		tiers: &tiers,
		open_orders: Default::default(),
		option: None,
	};
	let holdings = [];
	let positions = [exposure];
	let account = CrossAccount {
		settlement_balance: -70_000 * USDC,
		settlement_weights: par(),
		quote_decimals: 6,
		collateral: &holdings,
		liabilities: &[],
		positions: &positions,
	};
	assert_eq!(cross_liquidation_price(&account, 0), Ok(Some(FixedU128::zero())));
}

// ---------------------------------------------------------------- open orders

fn open_order_exposure(tiers: &[MarginTier], size: i128, orders: OpenOrders) -> PerpExposure<'_> {
	PerpExposure {
		position: Position {
			size,
			cost: size / BTC * 60_000 * USDC,
			funding_index: FixedI128::zero(),
		},
		mark: usd(60_000),
		funding_index: FixedI128::zero(),
		scale: BTC_SCALE,
		tiers,
		open_orders: orders,
		option: None,
	}
}

#[test]
fn resting_orders_need_the_requirement_of_their_worse_side() {
	let tiers = btc_tiers();
	// Flat, a 1 BTC bid at 59,000 and a 2 BTC ask at 61,000, marked at 60,000.
	let orders = OpenOrders {
		bid_size: BTC as u128,
		bid_value: 59_000 * USDC as u128,
		ask_size: 2 * BTC as u128,
		ask_value: 122_000 * USDC as u128,
	};
	let exposure = open_order_exposure(&tiers, 0, orders);
	// Bids filled: long 1 BTC = 60,000 notional, 5% = 3,000; bought below the mark: no loss.
	// Asks filled: short 2 BTC = 120,000 notional, 5% = 6,000; sold above the mark: no loss.
	assert_eq!(open_order_margin(&exposure, &orders), Ok(6_000 * USDC as u128));
	let figures = position_margin(&exposure).unwrap();
	assert_eq!(figures.initial_requirement, 0);
	assert_eq!(figures.open_order_requirement, 6_000 * USDC as u128);
}

#[test]
fn orders_that_reduce_the_position_need_nothing() {
	let tiers = btc_tiers();
	// Long 2 BTC with an ask for 2 BTC at 60,000: filling it closes the position.
	let orders = OpenOrders {
		ask_size: 2 * BTC as u128,
		ask_value: 120_000 * USDC as u128,
		..Default::default()
	};
	let exposure = open_order_exposure(&tiers, 2 * BTC, orders);
	assert_eq!(open_order_margin(&exposure, &orders), Ok(0));
	// An ask for 3 BTC flips to a 1 BTC short: 3,000 - 6,000 requirement now, so still 0.
	let flip = OpenOrders {
		ask_size: 3 * BTC as u128,
		ask_value: 180_000 * USDC as u128,
		..Default::default()
	};
	assert_eq!(open_order_margin(&open_order_exposure(&tiers, 2 * BTC, flip), &flip), Ok(0));
	// An ask for 5 BTC flips to a 3 BTC short: 9,000 against 6,000 now.
	let big_flip = OpenOrders {
		ask_size: 5 * BTC as u128,
		ask_value: 300_000 * USDC as u128,
		..Default::default()
	};
	assert_eq!(
		open_order_margin(&open_order_exposure(&tiers, 2 * BTC, big_flip), &big_flip),
		Ok(3_000 * USDC as u128)
	);
}

#[test]
fn orders_through_the_mark_add_their_immediate_loss() {
	let tiers = btc_tiers();
	// A 1 BTC bid at 61,000 with the mark at 60,000 loses 1,000 on fill, plus 3,000 margin.
	let bids = OpenOrders {
		bid_size: BTC as u128,
		bid_value: 61_000 * USDC as u128,
		..Default::default()
	};
	assert_eq!(
		open_order_margin(&open_order_exposure(&tiers, 0, bids), &bids),
		Ok(4_000 * USDC as u128)
	);
	// A 1 BTC ask at 59,500 loses 500, plus 3,000.
	let asks = OpenOrders {
		ask_size: BTC as u128,
		ask_value: 59_500 * USDC as u128,
		..Default::default()
	};
	assert_eq!(
		open_order_margin(&open_order_exposure(&tiers, 0, asks), &asks),
		Ok(3_500 * USDC as u128)
	);
}

#[test]
fn open_order_margin_counts_in_cross_initial_but_not_maintenance() {
	let tiers = btc_tiers();
	let orders = OpenOrders {
		bid_size: 10 * BTC as u128,
		bid_value: 590_000 * USDC as u128,
		..Default::default()
	};
	let positions = vec![open_order_exposure(&tiers, BTC, orders)];
	let account = CrossAccount {
		settlement_balance: 40_000 * USDC,
		settlement_weights: par(),
		quote_decimals: 6,
		collateral: &[],
		liabilities: &[],
		positions: &positions,
	};
	let figures = cross_margin(&account).unwrap();
	// Long 1 BTC: IM 3,000, MM 1,800. Bids filled: long 11 BTC = 660,000, IM 33,000: +30,000.
	assert_eq!(figures.open_order_requirement, 30_000 * USDC as u128);
	assert_eq!(figures.initial_requirement, 33_000 * USDC as u128);
	assert_eq!(figures.maintenance_requirement, 1_800 * USDC as u128);
	assert_eq!(figures.free_collateral, 7_000 * USDC);
	assert_eq!(figures.health, 38_200 * USDC);
}

#[test]
fn open_orders_add_and_remove_without_residue() {
	let mut orders = OpenOrders::default();
	orders.add(OrderSide::Buy, 3, 10).unwrap();
	orders.add(OrderSide::Buy, 2, 7).unwrap();
	orders.add(OrderSide::Sell, 1, 5).unwrap();
	assert_eq!(orders, OpenOrders { bid_size: 5, bid_value: 17, ask_size: 1, ask_value: 5 });
	orders.remove(OrderSide::Buy, 3, 11);
	assert_eq!((orders.bid_size, orders.bid_value), (2, 6));
	orders.remove(OrderSide::Buy, 2, 5);
	assert_eq!((orders.bid_size, orders.bid_value), (0, 0));
	orders.remove(OrderSide::Sell, 1, 5);
	assert!(orders.is_empty());
	assert_eq!(OrderSide::Sell.signed(4), Ok(-4));
	assert_eq!(OrderSide::Buy.opposite(), OrderSide::Sell);
}
