//! Portfolio margin: the guarantees stated in `risk_engine::portfolio` on random books
//! (1,000 cases each, or `PROPTEST_CASES`), and hand-checked cases.

use proptest::prelude::*;
use risk_engine::{
	margin_requirement,
	options::OptionKind,
	portfolio::{greeks, portfolio_margin, underlying_risk, Leg, ScenarioGrid, UnderlyingBook},
	MarginLevel, MarginTier, UnitScale,
};
use sp_arithmetic::{FixedI128, FixedU128, Perbill, Rounding};

const ONE: i128 = 1_000_000_000_000_000_000;
/// Settlement decimals (USDC).
const QUOTE: u8 = 6;

fn config() -> ProptestConfig {
	let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000);
	ProptestConfig { cases, ..ProptestConfig::default() }
}

fn usd(dollars: i128) -> FixedI128 {
	FixedI128::from_inner(dollars * ONE)
}

fn grid() -> ScenarioGrid {
	ScenarioGrid {
		price_range: Perbill::from_percent(16),
		price_points: 17,
		vol_up: Perbill::from_percent(30),
		vol_down: Perbill::from_percent(30),
		short_expiry_days: 30,
		max_short_expiry_scale: 3,
		extreme_multiple: 3,
		extreme_fraction: Perbill::from_percent(33),
		short_option_minimum: Perbill::from_percent(1),
		maintenance_factor: Perbill::from_percent(80),
	}
}

fn identity(n: usize) -> Vec<FixedI128> {
	(0..n * n).map(|k| if k / n == k % n { usd(1) } else { FixedI128::from_inner(0) }).collect()
}

fn perp(size_units: i128) -> Leg {
	// Sizes in 10^-8 units (satoshi-like).
	Leg::Perpetual { size: FixedI128::from_inner(size_units * 10_000_000_000), mark: None }
}

fn option(kind: OptionKind, strike: i128, days: i128, whole_units: i128) -> Leg {
	Leg::Option {
		kind,
		strike: usd(strike),
		years: FixedI128::from_inner(days * ONE / 365),
		size: usd(whole_units),
		mark: None,
	}
}

fn requirement(books: &[UnderlyingBook], correlations: &[FixedI128]) -> u128 {
	portfolio_margin(&grid(), books, correlations, QUOTE).unwrap().initial_requirement
}

fn btc(legs: &[Leg]) -> UnderlyingBook<'_> {
	UnderlyingBook {
		index: usd(60_000),
		volatility: FixedI128::from_inner(ONE * 6 / 10),
		legs,
		price_range: None,
	}
}

#[test]
fn a_hedged_perpetual_pair_needs_nothing() {
	let legs = [perp(100_000_000), perp(-100_000_000)];
	let margin = portfolio_margin(&grid(), &[btc(&legs)], &identity(1), QUOTE).unwrap();
	assert_eq!(margin.initial_requirement, 0);
	assert_eq!(greeks(&btc(&legs)).unwrap().delta, FixedI128::from_inner(0));
}

#[test]
fn a_long_perpetual_needs_its_worst_move() {
	// 1 BTC at 60,000: the worst regular move (-16%) loses 9,600; the extreme -48% move
	// loses 28,800 x 33% = 9,504, less.
	let legs = [perp(100_000_000)];
	let margin = portfolio_margin(&grid(), &[btc(&legs)], &identity(1), QUOTE).unwrap();
	assert_eq!(margin.initial_requirement, 9_600 * 1_000_000);
	assert_eq!(margin.maintenance_requirement, 7_680 * 1_000_000);
	assert_eq!(margin.underlyings[0].worst_move, FixedI128::from_inner(-ONE * 16 / 100));
}

#[test]
fn a_perpetual_risks_its_mark_not_the_index() {
	// Marked at 60,300 (0.5% above the index): the -16% move loses 16% of 60,300, and the
	// delta is still one BTC.
	let legs = [Leg::Perpetual { size: usd(1), mark: Some(usd(60_300)) }];
	let margin = portfolio_margin(&grid(), &[btc(&legs)], &identity(1), QUOTE).unwrap();
	assert_eq!(margin.initial_requirement, 9_648 * 1_000_000);
	assert_eq!(greeks(&btc(&legs)).unwrap().delta, usd(1));
	// Long at the mark and short at the index still hedge each other's moves in share.
	let pair = [
		Leg::Perpetual { size: usd(1), mark: Some(usd(60_300)) },
		Leg::Perpetual { size: usd(-1), mark: None },
	];
	let hedged = portfolio_margin(&grid(), &[btc(&pair)], &identity(1), QUOTE).unwrap();
	assert_eq!(hedged.initial_requirement, 48 * 1_000_000);
}

#[test]
fn a_delta_hedged_short_straddle_needs_far_less_than_its_legs_alone() {
	// Short 1 call and 1 put at 60,000 (30 days): delta near zero.
	let straddle =
		[option(OptionKind::Call, 60_000, 30, -1), option(OptionKind::Put, 60_000, 30, -1)];
	let hedged = requirement(&[btc(&straddle)], &identity(1));
	let naked_call = requirement(&[btc(&straddle[..1])], &identity(1));
	let naked_put = requirement(&[btc(&straddle[1..])], &identity(1));
	assert!(hedged < naked_call + naked_put, "{hedged} vs {naked_call} + {naked_put}");
	// Short options always carry at least their minimum: 1% of 60,000 per unit.
	let far_put = [option(OptionKind::Put, 20_000, 30, -1)];
	let risk = underlying_risk(&grid(), &btc(&far_put)).unwrap();
	assert_eq!(risk.short_option_minimum, usd(600));
	assert!(risk.requirement >= usd(600));
}

#[test]
fn correlations_offset_within_the_largest_and_the_sum() {
	let btc_legs = [perp(100_000_000)];
	let eth_legs = [Leg::Perpetual { size: usd(-20), mark: None }];
	let eth = UnderlyingBook {
		index: usd(3_000),
		volatility: FixedI128::from_inner(ONE * 7 / 10),
		legs: &eth_legs,
		price_range: None,
	};
	let books = [btc(&btc_legs), eth];
	let each = [9_600u128, 9_600]; // 16% of 60,000 and of 20 x 3,000
	let with = |rho: i128| {
		let r = FixedI128::from_inner(rho * ONE / 100);
		requirement(&books, &[usd(1), r, r, usd(1)])
	};
	assert_eq!(with(100), (each[0] + each[1]) * 1_000_000);
	// Uncorrelated: sqrt(2) x 9,600.
	let uncorrelated = with(0);
	assert!(
		uncorrelated > 13_576 * 1_000_000 && uncorrelated < 13_577 * 1_000_000,
		"{uncorrelated}"
	);
	// Long BTC, short ETH, strongly correlated: offsets down to the larger alone.
	assert_eq!(with(-100), 9_600 * 1_000_000);
	// An asymmetric or out-of-range matrix is refused.
	assert!(portfolio_margin(&grid(), &books, &[usd(1), usd(0), usd(1), usd(1)], QUOTE).is_err());
	assert!(portfolio_margin(&grid(), &books, &[usd(1), usd(2), usd(2), usd(1)], QUOTE).is_err());
}

#[test]
fn bad_grids_are_refused() {
	let legs = [perp(1)];
	for bad in [
		ScenarioGrid { price_points: 16, ..grid() },
		ScenarioGrid { price_points: 35, ..grid() },
		ScenarioGrid { price_range: Perbill::zero(), ..grid() },
		ScenarioGrid { vol_down: Perbill::one(), ..grid() },
		ScenarioGrid { maintenance_factor: Perbill::zero(), ..grid() },
	] {
		assert!(portfolio_margin(&bad, &[btc(&legs)], &identity(1), QUOTE).is_err());
	}
}

/// A perpetual book on up to three underlyings, each with its own schedule whose lowest
/// initial fraction is at least the grid's range.
fn perp_books() -> impl Strategy<Value = Vec<(i128, Vec<i128>, Vec<MarginTier>)>> {
	let underlying = (
		1i128..=100_000,                                                  // index, whole USD
		prop::collection::vec(-1_000_000_000i128..=1_000_000_000, 1..=4), // sizes, 10^-8 units
		16u32..=50,                                                       // first initial fraction, %
		0u32..=30,                                                        // second tier's extra %
	)
		.prop_map(|(index, sizes, first, extra)| {
			let tiers = vec![
				MarginTier {
					notional_floor: 0,
					initial_fraction: Perbill::from_percent(first),
					maintenance_fraction: Perbill::from_percent(first / 2),
				},
				MarginTier {
					notional_floor: 1_000_000 * 1_000_000,
					initial_fraction: Perbill::from_percent(first + extra),
					maintenance_fraction: Perbill::from_percent((first + extra) / 2),
				},
			];
			(index, sizes, tiers)
		});
	prop::collection::vec(underlying, 1..=3)
}

proptest! {
	#![proptest_config(config())]

	/// Perpetual-only books: portfolio <= cross, when every range is at most the lowest
	/// initial fraction (16% here against schedules from 16%) and extreme moves count at
	/// most their range (3 x 33% = 99%).
	#[test]
	fn perpetual_books_never_need_more_than_cross(books in perp_books(), rho in -100i128..=100) {
		let legs: Vec<Vec<Leg>> = books.iter().map(|(_, sizes, _)| sizes.iter().map(|s| perp(*s)).collect()).collect();
		let underlyings: Vec<UnderlyingBook> = books.iter().zip(&legs).map(|((index, _, _), legs)| UnderlyingBook {
			index: usd(*index),
			volatility: FixedI128::from_inner(ONE / 2),
			legs,
			price_range: None,
		}).collect();
		let n = underlyings.len();
		let r = FixedI128::from_inner(rho * ONE / 100);
		let correlations: Vec<FixedI128> = (0..n * n).map(|k| if k / n == k % n { usd(1) } else { r }).collect();
		let portfolio = requirement(&underlyings, &correlations);

		let scale = UnitScale::new(8, QUOTE);
		let mut cross = 0u128;
		for (index, sizes, tiers) in &books {
			for size in sizes {
				let notional = scale.value(size.unsigned_abs(), FixedU128::from_inner(*index as u128 * ONE as u128), Rounding::Up).unwrap();
				cross += margin_requirement(notional, tiers, MarginLevel::Initial).unwrap();
			}
		}
		prop_assert!(portfolio <= cross, "portfolio {} > cross {}", portfolio, cross);
	}

	/// A single position's requirement never falls as its size grows.
	#[test]
	fn one_position_needs_more_as_it_grows(
		small in 1i128..=50,
		extra in 0i128..=50,
		short in any::<bool>(),
		kind in prop_oneof![Just(None), Just(Some(OptionKind::Call)), Just(Some(OptionKind::Put))],
		strike in 20_000i128..=120_000,
		days in 1i128..=365,
	) {
		let sign = if short { -1 } else { 1 };
		let leg = |whole: i128| match kind {
			None => Leg::Perpetual { size: usd(sign * whole), mark: None },
			Some(kind) => option(kind, strike, days, sign * whole),
		};
		let smaller = [leg(small)];
		let larger = [leg(small + extra)];
		let a = requirement(&[btc(&smaller)], &identity(1));
		let b = requirement(&[btc(&larger)], &identity(1));
		prop_assert!(a <= b, "{} units need {}, {} need {}", small, a, small + extra, b);
	}
}

#[test]
fn a_book_scanned_over_its_own_range_scales_with_it() {
	let legs = [perp(100_000_000)];
	let grid = ScenarioGrid::STANDARD;
	let at = |range: Option<Perbill>| {
		let book = UnderlyingBook { price_range: range, ..btc(&legs) };
		portfolio_margin(&grid, &[book], &[FixedI128::from_u32(1)], 6).unwrap().initial_requirement
	};
	// 1 BTC at 60,000: 5% is 3,000; a range of 8% (adaptive margin's 5% scaled by 1.6) is
	// 4,800; no range is the grid's.
	assert_eq!(at(None), 3_000_000_000);
	assert_eq!(at(Some(Perbill::from_percent(5))), 3_000_000_000);
	assert_eq!(at(Some(Perbill::from_percent(8))), 4_800_000_000);
}
