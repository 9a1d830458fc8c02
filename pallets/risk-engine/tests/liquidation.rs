//! Partial liquidation sizing: the boundary, minimality, penalties and the full-close case.

use risk_engine::*;
use sp_arithmetic::{traits::Zero, FixedI128, FixedU128, Perbill};

const USDC: i128 = 1_000_000;
const BTC: i128 = 100_000_000;
const LOT: u128 = 10_000;
const BTC_SCALE: UnitScale = UnitScale::new(8, 6);

fn usd(dollars: u128) -> Price {
	FixedU128::from_inner(dollars * 1_000_000_000_000_000_000)
}

/// 5% / 3% below 1M USDC of notional, 10% / 6% above.
fn tiers() -> Vec<MarginTier> {
	vec![
		MarginTier {
			notional_floor: 0,
			initial_fraction: Perbill::from_percent(5),
			maintenance_fraction: Perbill::from_percent(3),
		},
		MarginTier {
			notional_floor: 1_000_000 * USDC as u128,
			initial_fraction: Perbill::from_percent(10),
			maintenance_fraction: Perbill::from_percent(6),
		},
	]
}

fn exposure(tiers: &[MarginTier], size: i128, mark: u128) -> PerpExposure<'_> {
	PerpExposure {
		position: Position { size, cost: 0, funding_index: FixedI128::zero() },
		mark: usd(mark),
		funding_index: FixedI128::zero(),
		scale: BTC_SCALE,
		tiers,
		open_orders: Default::default(),
	}
}

fn context(health: i128, requirement: u128) -> LiquidationContext {
	LiquidationContext {
		health,
		maintenance_requirement: requirement,
		penalty: Perbill::from_percent(1),
		buffer: Perbill::from_percent(10),
	}
}

#[test]
fn closes_the_fewest_lots_that_restore_health_with_the_buffer() {
	let tiers = tiers();
	// Long 1 BTC at 50,000: maintenance 1,500. Health -100 USDC.
	let position = exposure(&tiers, BTC, 50_000);
	let ctx = context(-100 * USDC, 1_500 * USDC as u128);
	let size = partial_liquidation_size(&ctx, &position, LOT).unwrap().unwrap();
	// Closing q BTC frees 3% x 50,000 q = 1,500 q and costs 1% x 50,000 q = 500 q:
	// health(q) = -100 + 1,000 q; target 10% x 1,500 (1 - q) = 150 - 150 q.
	// -100 + 1,000 q >= 150 - 150 q  <=>  q >= 250 / 1,150 = 0.21739 BTC -> 2,174 lots.
	assert_eq!(size.units, 2_174 * LOT);
	assert!(size.restores);
	assert_eq!(size.penalty, 108_700_000); // 1% of 0.2174 x 50,000 = 108.7
										// The rule by hand: one lot less does not reach the target.
	let check = |units: u128| {
		let remaining = BTC as u128 - units;
		let requirement_after = Perbill::from_percent(3).mul_ceil(remaining * 50_000 / 100);
		let released = 1_500 * USDC as u128 - requirement_after;
		let penalty = Perbill::from_percent(1).mul_ceil(units * 50_000 / 100);
		let health = -100 * USDC + released as i128 - penalty as i128;
		health >= Perbill::from_percent(10).mul_ceil(requirement_after) as i128
	};
	assert!(check(2_174 * LOT));
	assert!(!check(2_173 * LOT));
}

#[test]
fn a_healthy_account_closes_one_lot_at_most_and_a_flat_one_nothing() {
	let tiers = tiers();
	let position = exposure(&tiers, -BTC, 50_000);
	// Already above the buffer: the smallest search result is one lot (callers only
	// liquidate unhealthy accounts; the function still answers minimally).
	let healthy = context(1_000 * USDC, 1_500 * USDC as u128);
	assert_eq!(partial_liquidation_size(&healthy, &position, LOT).unwrap().unwrap().units, LOT);
	assert_eq!(
		partial_liquidation_size(&healthy, &exposure(&tiers, 0, 50_000), LOT).unwrap(),
		None
	);
}

#[test]
fn an_account_too_deep_for_this_position_closes_all_of_it() {
	let tiers = tiers();
	// Short 1 BTC, health -2,000: closing all frees 1,500 and costs 500: -1,000 after.
	let position = exposure(&tiers, -BTC, 50_000);
	let ctx = context(-2_000 * USDC, 1_500 * USDC as u128);
	let size = partial_liquidation_size(&ctx, &position, LOT).unwrap().unwrap();
	assert_eq!(size.units, BTC as u128);
	assert!(!size.restores);
	assert_eq!(size.health_after, -1_000 * USDC);
}

#[test]
fn other_positions_keep_their_requirement() {
	let tiers = tiers();
	// The account's maintenance is 3,000: 1,500 of this position, 1,500 of another.
	let position = exposure(&tiers, BTC, 50_000);
	let ctx = context(-100 * USDC, 3_000 * USDC as u128);
	let size = partial_liquidation_size(&ctx, &position, LOT).unwrap().unwrap();
	// -100 + 1,000 q >= 10% x (3,000 - 1,500 q) = 300 - 150 q  <=>  q >= 0.3478.. -> 3,479 lots.
	assert_eq!(size.units, 3_479 * LOT);
	assert!(size.restores);
}

#[test]
fn an_odd_remainder_goes_with_the_last_lot() {
	let tiers = tiers();
	// 1.5 lots long and deep underwater: the full close is 15,000 units.
	let position = exposure(&tiers, 15_000, 50_000);
	let ctx = context(-1_000 * USDC, 1);
	let size = partial_liquidation_size(&ctx, &position, LOT).unwrap().unwrap();
	assert_eq!(size.units, 15_000);
	assert!(!size.restores);
}
