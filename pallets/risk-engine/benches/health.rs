//! How long one account's health check takes in the risk engine: what the liquidation
//! off-chain worker (and `validate_unsigned`) spends per account, before storage reads.
//!
//!   cargo bench -p risk-engine --bench health
//!
//! Cases: an account with 1, 4 and 16 cross positions (the runtime's limit) and two
//! collateral assets, each position with resting orders, through `cross_margin`; and the
//! partial-liquidation sizing of one position.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use risk_engine::*;
use sp_arithmetic::{traits::Zero, FixedI128, FixedU128, Perbill};

const USDC: i128 = 1_000_000;

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
		MarginTier {
			notional_floor: 5_000_000 * USDC as u128,
			initial_fraction: Perbill::from_percent(20),
			maintenance_fraction: Perbill::from_percent(12),
		},
	]
}

fn exposure(tiers: &[MarginTier], i: usize) -> PerpExposure<'_> {
	PerpExposure {
		position: Position {
			size: if i % 2 == 0 { 150_000_000 } else { -70_000_000 },
			cost: if i % 2 == 0 { 90_000 * USDC } else { -42_000 * USDC },
			funding_index: FixedI128::zero(),
		},
		mark: FixedU128::from_u32(59_000 + i as u32),
		funding_index: FixedI128::from_rational(15, 1),
		scale: UnitScale::new(8, 6),
		tiers,
		open_orders: OpenOrders {
			bid_size: 20_000_000,
			bid_value: 11_800 * USDC as u128,
			ask_size: 10_000_000,
			ask_value: 6_000 * USDC as u128,
		},
		option: None,
	}
}

fn health_check(c: &mut Criterion) {
	let tiers = tiers();
	let collateral = [
		CollateralHolding {
			amount: 50_000_000,
			price: FixedU128::from_u32(59_000),
			params: CollateralParams {
				decimals: 8,
				initial_haircut: Perbill::from_percent(90),
				maintenance_haircut: Perbill::from_percent(95),
			},
		},
		CollateralHolding {
			amount: 3_000_000_000_000_000_000,
			price: FixedU128::from_u32(3_000),
			params: CollateralParams {
				decimals: 18,
				initial_haircut: Perbill::from_percent(85),
				maintenance_haircut: Perbill::from_percent(90),
			},
		},
	];
	let mut group = c.benchmark_group("cross_margin");
	for positions in [1usize, 4, 16] {
		let exposures: Vec<PerpExposure> = (0..positions).map(|i| exposure(&tiers, i)).collect();
		let account = CrossAccount {
			settlement_balance: 25_000 * USDC,
			settlement_weights: LiabilityWeights::uniform(FixedU128::from_rational(105, 100)),
			quote_decimals: 6,
			collateral: &collateral,
			liabilities: &[],
			positions: &exposures,
		};
		group.bench_with_input(BenchmarkId::from_parameter(positions), &account, |b, account| {
			b.iter(|| cross_margin(black_box(account)).unwrap().is_liquidatable())
		});
	}
	group.finish();

	let position = exposure(&tiers, 0);
	let context = LiquidationContext {
		health: -500 * USDC,
		maintenance_requirement: 2_700 * USDC as u128,
		penalty: Perbill::from_percent(1),
		buffer: Perbill::from_percent(10),
	};
	c.bench_function("partial_liquidation_size", |b| {
		b.iter(|| partial_liquidation_size(black_box(&context), black_box(&position), 10_000))
	});
}

criterion_group!(benches, health_check);
criterion_main!(benches);
