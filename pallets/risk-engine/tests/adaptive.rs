//! Adaptive margin: the EWMA volatility estimate and the fractions it implies.

use proptest::prelude::*;
use risk_engine::adaptive::*;
use sp_arithmetic::{FixedI128, FixedPointNumber, FixedU128, Perbill};

const DAY_MS: u64 = 86_400_000;
const MINUTE_MS: u64 = 60_000;

fn params() -> VolatilityParams {
	VolatilityParams { lambda: Perbill::from_percent(94), interval_ms: DAY_MS, max_gap_ms: DAY_MS }
}

fn price(dollars: u128) -> FixedU128 {
	FixedU128::from_u32(dollars as u32)
}

fn fixed(numerator: i128, denominator: i128) -> FixedI128 {
	FixedI128::saturating_from_rational(numerator, denominator)
}

fn adaptive() -> AdaptiveParams {
	AdaptiveParams {
		k_initial: FixedI128::from_u32(3),
		k_maintenance: FixedI128::from_u32(2),
		horizon_ms: DAY_MS,
		floor_initial: Perbill::from_percent(2),
		cap_initial: Perbill::from_percent(50),
		floor_maintenance: Perbill::from_percent(1),
		cap_maintenance: Perbill::from_percent(30),
		open_interest_lower: 1_000,
		open_interest_upper: 11_000,
		open_interest_add: Perbill::from_percent(5),
	}
}

#[test]
fn the_first_update_starts_the_estimate_and_a_repeat_changes_nothing() {
	let start = update_volatility(None, price(60_000), 0, fixed(36, 100), &params()).unwrap();
	assert_eq!(start.samples, 0);
	assert_eq!(start.volatility().unwrap(), fixed(6, 10));
	let same_time =
		update_volatility(Some(start), price(70_000), 0, FixedI128::from_u32(0), &params())
			.unwrap();
	assert_eq!(same_time, start);
}

#[test]
fn one_day_of_decay_is_lambda_whatever_the_update_rate() {
	let start = update_volatility(None, price(100), 0, fixed(36, 100), &params()).unwrap();
	// The price does not move for a day: the variance decays to lambda x 0.36, whether the
	// day comes in one update or in 1,440.
	let daily =
		update_volatility(Some(start), price(100), DAY_MS, FixedI128::from_u32(0), &params())
			.unwrap();
	let mut minutely = start;
	for minute in 1..=1_440 {
		minutely = update_volatility(
			Some(minutely),
			price(100),
			minute * MINUTE_MS,
			FixedI128::from_u32(0),
			&params(),
		)
		.unwrap();
	}
	let expected = fixed(94 * 36, 10_000);
	for got in [daily.variance, minutely.variance] {
		assert!((got - expected).into_inner().abs() < 10_000_000, "{got:?} vs {expected:?}");
	}
	assert_eq!(minutely.samples, 1_440);
}

#[test]
fn a_move_raises_the_estimate_by_its_annualized_square() {
	let start = update_volatility(None, price(100), 0, FixedI128::from_u32(0), &params()).unwrap();
	// A 1% log move over one day: sample = 0.01^2 x 365, weighted 6%.
	let moved =
		FixedU128::from_inner(100_000_000_000_000_000_000u128 * 1_010_050_167 / 1_000_000_000);
	let next =
		update_volatility(Some(start), moved, DAY_MS, FixedI128::from_u32(0), &params()).unwrap();
	let expected = fixed(6 * 365, 100 * 10_000);
	assert!((next.variance - expected).into_inner().abs() < 1_000_000_000, "{:?}", next.variance);
	// A gap longer than the longest one counts as the longest: the same move over three
	// days weighs like one day (the sample is annualized over one day, not three).
	let late = update_volatility(Some(start), moved, 3 * DAY_MS, FixedI128::from_u32(0), &params())
		.unwrap();
	assert_eq!(late.variance, next.variance);
}

#[test]
fn bad_inputs_are_errors() {
	let start = update_volatility(None, price(100), 0, FixedI128::from_u32(0), &params()).unwrap();
	let bad = VolatilityParams { lambda: Perbill::one(), ..params() };
	assert!(update_volatility(Some(start), price(101), 1, FixedI128::from_u32(0), &bad).is_err());
	let zero = FixedU128::from_u32(0);
	assert!(update_volatility(Some(start), zero, 1, FixedI128::from_u32(0), &params()).is_err());
	let inverted = AdaptiveParams { floor_maintenance: Perbill::from_percent(2), ..adaptive() };
	assert!(effective_fractions(
		Perbill::from_percent(5),
		Perbill::from_percent(3),
		fixed(6, 10),
		0,
		&inverted
	)
	.is_err());
}

#[test]
fn calm_markets_keep_the_base_and_violent_ones_rise_to_the_cap() {
	let base = (Perbill::from_percent(5), Perbill::from_percent(3));
	// 20% a year over a day: 3 x 0.2 x sqrt(1/365) = 3.1% < 5%: the base holds.
	let calm = effective_fractions(base.0, base.1, fixed(2, 10), 0, &adaptive()).unwrap();
	assert_eq!(calm, EffectiveFractions { initial: base.0, maintenance: base.1 });
	// 200%: 3 x 2 x 0.0523 = 31.4% initial, 20.9% maintenance.
	let violent = effective_fractions(base.0, base.1, fixed(2, 1), 0, &adaptive()).unwrap();
	assert!(
		violent.initial > Perbill::from_percent(31) && violent.initial < Perbill::from_percent(32)
	);
	assert!(
		violent.maintenance > Perbill::from_percent(20)
			&& violent.maintenance < Perbill::from_percent(21)
	);
	// Open interest halfway between its bounds adds half of 5%.
	let crowded = effective_fractions(base.0, base.1, fixed(2, 10), 6_000, &adaptive()).unwrap();
	assert_eq!(crowded.initial, Perbill::from_parts(75_000_000));
	assert_eq!(
		effective_price_range(Perbill::from_percent(5), fixed(2, 1), &adaptive()).unwrap(),
		violent.initial
	);
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(1_000))]

	/// Fractions stay within their bounds, grow with volatility and open interest, and
	/// maintenance stays below initial.
	#[test]
	fn fractions_are_bounded_monotonic_and_ordered(
		base_initial in 1u32..60,
		base_gap in 1u32..20,
		volatility in 0i128..5_000,
		more_volatility in 0i128..5_000,
		open_interest in 0u128..20_000,
		more_open_interest in 0u128..20_000,
	) {
		let params = adaptive();
		let base_i = Perbill::from_percent(base_initial);
		let base_m = Perbill::from_percent(base_initial.saturating_sub(base_gap).max(1));
		let at = |v: i128, oi: u128| effective_fractions(base_i, base_m, fixed(v, 1_000), oi, &params).unwrap();
		let low = at(volatility, open_interest);
		let high = at(volatility + more_volatility, open_interest + more_open_interest);
		for f in [low, high] {
			prop_assert!(f.initial >= params.floor_initial && f.initial <= params.cap_initial);
			prop_assert!(f.maintenance >= params.floor_maintenance && f.maintenance <= params.cap_maintenance);
			prop_assert!(f.maintenance < f.initial);
		}
		prop_assert!(high.initial >= low.initial);
		prop_assert!(high.maintenance >= low.maintenance);
	}
}
