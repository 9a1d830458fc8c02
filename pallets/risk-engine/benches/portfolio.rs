//! How long one portfolio margin check takes in the risk engine: what the clearing pallet
//! spends on a portfolio-margined account's trade, withdrawal or health check, before
//! storage reads.
//!
//!   cargo bench -p risk-engine --bench portfolio
//!
//! Cases: one underlying (BTC at 60,000, 60% volatility) on the standard grid
//! ([`ScenarioGrid::STANDARD`]: 17 price points x 3 volatility shocks + 2 extremes), with 1,
//! 16 and 50 legs. The single leg is an option; the larger books are options with distinct
//! (kind, strike, expiry), strikes from 70% to 130% of the index and expiries from a week to
//! half a year, long and short, plus one perpetual as the delta hedge. Every option leg is
//! distinct, so the figures are those of a book no deduplication shortens.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use risk_engine::{
	options::OptionKind,
	portfolio::{portfolio_margin, Leg, ScenarioGrid, UnderlyingBook},
};
use sp_arithmetic::FixedI128;

const ONE: i128 = 1_000_000_000_000_000_000;
const INDEX: i128 = 60_000;

/// The `i`th option leg: strikes step through 70% to 130% of the index, expiries through
/// 7, 30, 90 and 180 days, calls and puts alternate, and so do longs and shorts.
fn option(i: usize) -> Leg {
	let i = i as i128;
	let strike = INDEX * (70 + (i * 7) % 61) / 100;
	let days = [7, 30, 90, 180][(i % 4) as usize];
	let kind = if i % 2 == 0 { OptionKind::Call } else { OptionKind::Put };
	let whole_units = if (i / 2) % 2 == 0 { 2 } else { -3 };
	Leg::Option {
		kind,
		strike: FixedI128::from_inner(strike * ONE),
		years: FixedI128::from_inner(days * ONE / 365),
		size: FixedI128::from_inner(whole_units * ONE / 10),
		mark: None,
	}
}

/// A book of `legs` legs: options, and a perpetual hedge once there are two or more.
fn legs(legs: usize) -> Vec<Leg> {
	let options = if legs == 1 { 1 } else { legs - 1 };
	let mut book: Vec<Leg> = (0..options).map(option).collect();
	if legs > 1 {
		book.push(Leg::Perpetual { size: FixedI128::from_inner(-ONE / 4), mark: None });
	}
	book
}

fn portfolio_check(c: &mut Criterion) {
	let grid = ScenarioGrid::STANDARD;
	let correlations = [FixedI128::from_inner(ONE)];
	let mut group = c.benchmark_group("portfolio_margin");
	for count in [1usize, 16, 50] {
		let legs = legs(count);
		assert_eq!(legs.len(), count);
		let book = UnderlyingBook {
			index: FixedI128::from_inner(INDEX * ONE),
			volatility: FixedI128::from_inner(ONE * 6 / 10),
			legs: &legs,
			price_range: None,
		};
		group.bench_with_input(BenchmarkId::from_parameter(count), &book, |b, book| {
			b.iter(|| {
				portfolio_margin(&grid, black_box(core::slice::from_ref(book)), &correlations, 6)
					.unwrap()
					.initial_requirement
			})
		});
	}
	group.finish();
}

criterion_group!(benches, portfolio_check);
criterion_main!(benches);
