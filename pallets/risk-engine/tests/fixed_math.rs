//! `fixed_math` against the reference table: every row of `reference/math.csv` (mpmath at
//! 50 digits, see `reference/generate.py`) within the module's documented maximum error.

use risk_engine::fixed_math::{self, *};
use sp_arithmetic::FixedI128;

const ONE: i128 = 1_000_000_000_000_000_000;

struct Row {
	function: String,
	x: i128,
	y: i128,
}

fn table() -> Vec<Row> {
	include_str!("reference/math.csv")
		.lines()
		.filter(|line| !line.starts_with('#') && !line.is_empty())
		.map(|line| {
			let mut fields = line.split(',');
			let function = fields.next().unwrap().to_string();
			let x = fields.next().unwrap().parse().unwrap();
			let y = fields.next().unwrap().parse().unwrap();
			Row { function, x, y }
		})
		.collect()
}

fn evaluate(function: &str, x: i128) -> i128 {
	let f = match function {
		"sqrt" => fixed_math::sqrt,
		"exp" => fixed_math::exp,
		"ln" => fixed_math::ln,
		"norm_pdf" => fixed_math::norm_pdf,
		"norm_cdf" => fixed_math::norm_cdf,
		other => panic!("unknown function {other}"),
	};
	f(FixedI128::from_inner(x)).unwrap_or_else(|e| panic!("{function}({x}): {e:?}")).into_inner()
}

/// The error allowed for `function` at a reference value `y`.
fn allowed(function: &str, y: i128) -> i128 {
	match function {
		"sqrt" => SQRT_MAX_ERROR,
		"ln" => LN_MAX_ERROR,
		"norm_pdf" => NORM_PDF_MAX_ERROR,
		"norm_cdf" => NORM_CDF_MAX_ERROR,
		// Above one, exp's error is relative.
		"exp" => EXP_MAX_ERROR + y / EXP_MAX_RELATIVE_ERROR_DIVISOR,
		other => panic!("unknown function {other}"),
	}
}

#[test]
fn the_table_covers_every_function_with_at_least_three_hundred_points() {
	let rows = table();
	assert!(rows.len() >= 300, "{} rows", rows.len());
	for function in ["sqrt", "exp", "ln", "norm_pdf", "norm_cdf"] {
		assert!(rows.iter().filter(|r| r.function == function).count() >= 30, "{function}");
	}
}

#[test]
fn every_reference_value_is_met_within_the_documented_error() {
	let mut worst: Vec<(String, i128)> = Vec::new();
	for row in table() {
		let got = evaluate(&row.function, row.x);
		let error = (got - row.y).abs();
		assert!(
			error <= allowed(&row.function, row.y),
			"{}({}) = {got}, reference {}, off by {error}",
			row.function,
			row.x,
			row.y
		);
		match worst.iter_mut().find(|(f, _)| *f == row.function) {
			Some((_, e)) => *e = (*e).max(error),
			None => worst.push((row.function.clone(), error)),
		}
	}
	println!("largest errors (10^-18): {worst:?}");
}

#[test]
fn out_of_domain_arguments_are_errors_not_panics() {
	let fixed = FixedI128::from_inner;
	assert_eq!(ln(fixed(0)), Err(risk_engine::RiskError::OutOfDomain));
	assert_eq!(ln(fixed(-ONE)), Err(risk_engine::RiskError::OutOfDomain));
	assert_eq!(sqrt(fixed(-1)), Err(risk_engine::RiskError::OutOfDomain));
	assert_eq!(exp(fixed(47 * ONE)), Err(risk_engine::RiskError::Overflow));
	assert_eq!(exp(fixed(i128::MIN)), Ok(fixed(0)));
	assert_eq!(norm_cdf(fixed(i128::MAX)), Ok(fixed(ONE)));
	assert_eq!(norm_cdf(fixed(i128::MIN)), Ok(fixed(0)));
	assert_eq!(norm_pdf(fixed(i128::MIN)), Ok(fixed(0)));
	assert!(sqrt(fixed(i128::MAX)).is_ok());
	assert!(ln(fixed(i128::MAX)).is_ok());
}

#[test]
fn identities_hold_across_the_range() {
	let fixed = FixedI128::from_inner;
	for step in -400i128..=400 {
		let x = step * ONE / 40;
		// Phi(x) + Phi(-x) = 1, to two units (each side rounds once).
		let sum =
			norm_cdf(fixed(x)).unwrap().into_inner() + norm_cdf(fixed(-x)).unwrap().into_inner();
		assert!((sum - ONE).abs() <= 2, "Phi({x}) + Phi(-x) = {sum}");
		// The density is even.
		assert_eq!(norm_pdf(fixed(x)), norm_pdf(fixed(-x)));
		// ln(e^x) = x where e^x keeps enough digits.
		if x >= -10 * ONE {
			let back = ln(exp(fixed(x)).unwrap()).unwrap().into_inner();
			let tolerance = if x < 0 { 1 + (ONE / exp(fixed(x)).unwrap().into_inner()) } else { 2 };
			assert!((back - x).abs() <= tolerance, "ln(exp({x})) = {back}");
		}
	}
	// The CDF never falls as x rises.
	let mut last = 0;
	for step in -1_100i128..=1_100 {
		let value = norm_cdf(fixed(step * ONE / 100)).unwrap().into_inner();
		assert!(value >= last, "Phi falls at {step}/100");
		last = value;
	}
}

/// `reference/norm_cdf.csv`: `Phi` at 27 decimals by mpmath, at every grid point and
/// midpoint of the fast function's table, the saturation edges and 2,000 random points.
fn fast_cdf_table() -> Vec<(i128, i128)> {
	include_str!("reference/norm_cdf.csv")
		.lines()
		.filter(|line| !line.starts_with('#') && !line.is_empty())
		.map(|line| {
			let (x, y) = line.split_once(',').unwrap();
			(x.parse().unwrap(), y.parse().unwrap())
		})
		.collect()
}

#[test]
fn the_fast_cdf_is_within_its_documented_error_of_every_reference_value() {
	const TO_WIDE: i128 = 1_000_000_000;
	let rows = fast_cdf_table();
	assert!(rows.len() >= 3_000, "{} rows", rows.len());
	let mut worst = 0;
	for (x, y) in rows {
		let got = norm_cdf_fast(FixedI128::from_inner(x)).into_inner();
		// The reference has 27 decimals: the error is measured to 10^-9 of a unit.
		let error = (got * TO_WIDE - y).abs();
		assert!(
			error <= NORM_CDF_FAST_MAX_ERROR * TO_WIDE,
			"norm_cdf_fast({x}) = {got}, reference {y} x 10^-27"
		);
		worst = worst.max(error);
	}
	// The module docs derive 0.72 units at most.
	assert!(worst <= 72 * TO_WIDE / 100, "largest error {worst} x 10^-27");
	println!("largest error of norm_cdf_fast: {worst} x 10^-27");
	// And the 18-decimal references of the exact function's table.
	for row in table().into_iter().filter(|row| row.function == "norm_cdf") {
		let got = norm_cdf_fast(FixedI128::from_inner(row.x)).into_inner();
		assert!((got - row.y).abs() <= NORM_CDF_FAST_MAX_ERROR, "norm_cdf_fast({})", row.x);
	}
}

#[test]
fn the_fast_cdf_is_within_a_unit_of_the_exact_one_every_ten_thousandth_from_minus_ten_to_ten() {
	let fixed = FixedI128::from_inner;
	let mut differing = 0;
	for step in -100_000i128..=100_000 {
		let x = step * ONE / 10_000;
		let fast = norm_cdf_fast(fixed(x)).into_inner();
		let exact = norm_cdf(fixed(x)).unwrap().into_inner();
		// Both are within a unit of Phi, the fast one within 0.72: as integers, within one.
		assert!((fast - exact).abs() <= 1, "Phi({x}): fast {fast}, exact {exact}");
		differing += usize::from(fast != exact);
	}
	println!("the fast and exact CDFs differ by one unit at {differing} of 200,001 points");
}

#[test]
fn the_fast_cdf_is_symmetric_to_the_unit_and_total() {
	let fixed = FixedI128::from_inner;
	for step in -1_000i128..=1_000 {
		let x = step * ONE / 97;
		let sum = norm_cdf_fast(fixed(x)).into_inner() + norm_cdf_fast(fixed(-x)).into_inner();
		assert_eq!(sum, ONE, "Phi({x}) + Phi(-{x})");
	}
	assert_eq!(norm_cdf_fast(fixed(i128::MAX)), fixed(ONE));
	assert_eq!(norm_cdf_fast(fixed(i128::MIN)), fixed(0));
	assert_eq!(norm_cdf_fast(fixed(i128::MIN + 1)), fixed(0));
	assert_eq!(norm_cdf_fast(fixed(0)), fixed(ONE / 2));
	assert_eq!(norm_cdf_fast(fixed(9 * ONE)), fixed(ONE));
	assert_eq!(norm_cdf_fast(fixed(-9 * ONE + 1)).into_inner(), 0);
}

proptest::proptest! {
	#![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

	/// Anywhere, not only on the sweep: within a unit of the exact function.
	#[test]
	fn the_fast_cdf_is_within_a_unit_of_the_exact_one_anywhere(
		x in proptest::prop_oneof![-11 * ONE..11 * ONE, proptest::prelude::any::<i128>()]
	) {
		let fast = norm_cdf_fast(FixedI128::from_inner(x)).into_inner();
		let exact = norm_cdf(FixedI128::from_inner(x)).unwrap().into_inner();
		proptest::prop_assert!((fast - exact).abs() <= 1, "Phi({}): fast {}, exact {}", x, fast, exact);
	}
}
