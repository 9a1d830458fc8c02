//! Adaptive margin: the EWMA volatility estimate and the fractions it implies.

use proptest::prelude::*;
use risk_engine::adaptive::*;
use sp_arithmetic::{traits::Saturating, FixedI128, FixedPointNumber, FixedU128, Perbill};

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

fn fractions(initial_ppm: u32, maintenance_ppm: u32) -> EffectiveFractions {
	EffectiveFractions {
		initial: Perbill::from_parts(initial_ppm * 1_000),
		maintenance: Perbill::from_parts(maintenance_ppm * 1_000),
	}
}

#[test]
fn the_ramp_rises_by_the_step_and_falls_at_once() {
	let step = Perbill::from_parts(2_500_000); // 0.25% a block
	let mut effective = fractions(50_000, 30_000);
	let target = fractions(150_000, 100_000);
	assert_eq!(ramp_blocks_left(effective, target, step), 40);
	let mut blocks = 0;
	while effective != target {
		let next = ramp_towards(effective, target, step);
		assert!(next.initial.deconstruct() - effective.initial.deconstruct() <= step.deconstruct());
		assert!(
			next.maintenance.deconstruct() - effective.maintenance.deconstruct()
				<= step.deconstruct()
		);
		assert!(next.maintenance < next.initial);
		effective = next;
		blocks += 1;
	}
	assert_eq!(blocks, 40);
	// Calm returns: the target falls and the fractions follow in one block.
	let calm = fractions(40_000, 20_000);
	assert_eq!(ramp_towards(effective, calm, step), calm);
	assert_eq!(ramp_blocks_left(calm, calm, step), 0);
}

#[test]
fn shifted_tiers_move_the_whole_schedule_with_the_first_tier() {
	use risk_engine::{validate_tiers, MarginTier};
	let tier = |floor: u128, initial: u32, maintenance: u32| MarginTier {
		notional_floor: floor,
		initial_fraction: Perbill::from_percent(initial),
		maintenance_fraction: Perbill::from_percent(maintenance),
	};
	let schedule = [tier(0, 5, 3), tier(1_000, 10, 6), tier(10_000, 98, 97)];
	let shifted = shifted_tiers(&schedule, fractions(80_000, 50_000)).unwrap();
	assert_eq!(shifted[0], tier(0, 8, 5));
	assert_eq!(shifted[1], tier(1_000, 13, 8));
	// The top tier is held at 100%, maintenance below it.
	assert_eq!(shifted[2].initial_fraction, Perbill::one());
	assert_eq!(shifted[2].maintenance_fraction, Perbill::from_percent(99));
	validate_tiers(&shifted).unwrap();
	let lowered = shifted_tiers(&schedule, fractions(20_000, 10_000)).unwrap();
	assert_eq!(lowered[0], tier(0, 2, 1));
	assert_eq!(lowered[1], tier(1_000, 7, 4));
	validate_tiers(&lowered).unwrap();
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(500))]

	/// Any valid schedule shifted to any ordered fractions is still valid, and a ramp step
	/// never raises a fraction by more than the step.
	#[test]
	fn shifted_schedules_stay_valid_and_ramps_stay_within_the_step(
		first_initial in 2u32..900_000,
		first_gap in 1u32..1_000,
		raises in proptest::collection::vec((0u32..100_000, 0u32..100_000), 0..4),
		target_initial in 2u32..1_000_000,
		target_gap in 1u32..1_000_000,
		step in 1u32..100_000,
	) {
		use risk_engine::{validate_tiers, MarginTier};
		let first_maintenance = first_initial.saturating_sub(first_gap).max(1);
		let mut schedule = vec![MarginTier {
			notional_floor: 0,
			initial_fraction: Perbill::from_parts(first_initial * 1_000),
			maintenance_fraction: Perbill::from_parts(first_maintenance * 1_000),
		}];
		for (index, (raise_initial, raise_maintenance)) in raises.iter().enumerate() {
			let last = *schedule.last().unwrap();
			let initial = last.initial_fraction.saturating_add(Perbill::from_parts(raise_initial * 1_000));
			let maintenance = last
				.maintenance_fraction
				.saturating_add(Perbill::from_parts(raise_maintenance * 1_000))
				.min(Perbill::from_parts(initial.deconstruct() - 1));
			schedule.push(MarginTier {
				notional_floor: (index as u128 + 1) * 1_000,
				initial_fraction: initial,
				maintenance_fraction: maintenance,
			});
		}
		prop_assume!(validate_tiers(&schedule).is_ok());
		let target = EffectiveFractions {
			initial: Perbill::from_parts(target_initial * 1_000),
			maintenance: Perbill::from_parts(target_initial.saturating_sub(target_gap).max(1) * 1_000),
		};
		prop_assume!(target.maintenance < target.initial);
		validate_tiers(&shifted_tiers(&schedule, target).unwrap()).unwrap();
		let step = Perbill::from_parts(step * 1_000);
		let start = EffectiveFractions {
			initial: schedule[0].initial_fraction,
			maintenance: schedule[0].maintenance_fraction,
		};
		let next = ramp_towards(start, target, step);
		prop_assert!(next.initial.deconstruct() <= start.initial.deconstruct() + step.deconstruct());
		prop_assert!(next.maintenance.deconstruct() <= start.maintenance.deconstruct() + step.deconstruct());
		prop_assert!(next.maintenance < next.initial);
	}
}
