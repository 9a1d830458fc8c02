//! The portfolio scan revalues options with `norm_cdf_fast`; here it is checked against the
//! scan as it was before, with the exact `norm_cdf` (`exact_worst_loss`, a copy of that
//! code over the public API): the fast scan never finds a smaller worst loss, and never a
//! larger one by more than its allowance (a ten-millionth of a USD per unit of size here),
//! on random books with netted legs, and the portfolio requirement follows, also under
//! negative correlations.

use proptest::prelude::*;
use risk_engine::{
	fixed_math::{ln, sqrt},
	options::{black76, black76_premium, Black76, OptionKind},
	portfolio::{
		greeks, portfolio_margin, portfolio_margin_with, underlying_risk, Leg, ScanMemo,
		ScenarioGrid, UnderlyingBook,
	},
};
use sp_arithmetic::{
	traits::{One, Zero},
	FixedI128, FixedPointNumber, Perbill,
};

const ONE: i128 = 1_000_000_000_000_000_000;

fn config() -> ProptestConfig {
	let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000);
	ProptestConfig { cases, ..ProptestConfig::default() }
}

fn share(fraction: Perbill) -> FixedI128 {
	FixedI128::from_inner(i128::from(fraction.deconstruct()) * 1_000_000_000)
}

/// The scan's worst loss with the exact distribution function, as `underlying_risk`
/// computed it before the fast path: every leg revalued by `black76_premium`.
fn exact_worst_loss(grid: &ScenarioGrid, book: &UnderlyingBook) -> FixedI128 {
	let grid = ScenarioGrid { price_range: book.price_range.unwrap_or(grid.price_range), ..*grid };
	let one = FixedI128::one();
	let zero = FixedI128::zero();
	let vol_down = book.volatility * (one - share(grid.vol_down));
	let vol_up_shock = |years: FixedI128| {
		let shock = share(grid.vol_up);
		let days = years * FixedI128::saturating_from_integer(365);
		let threshold = FixedI128::saturating_from_integer(grid.short_expiry_days);
		if days >= threshold {
			return shock;
		}
		let cap = FixedI128::saturating_from_integer(grid.max_short_expiry_scale);
		shock * sqrt(threshold / days.max(one)).unwrap().min(cap)
	};
	let exposure = |size: FixedI128, mark: Option<FixedI128>| match mark {
		Some(mark) if mark != book.index => size * mark / book.index,
		_ => size,
	};
	let value_at = |price: FixedI128, log_move: FixedI128, vol: usize| {
		let mut total = zero;
		for leg in book.legs {
			total = total
				+ match *leg {
					Leg::Perpetual { size, mark } => exposure(size, mark) * price,
					Leg::Option { kind, strike, years, size, .. } => {
						let root_t = sqrt(years).unwrap();
						let up = book.volatility * (one + vol_up_shock(years));
						let sigma = [up * root_t, book.volatility * root_t, vol_down * root_t][vol];
						let log_moneyness = ln(book.index / strike).unwrap() + log_move;
						size * black76_premium(kind, price, strike, log_moneyness, sigma).unwrap()
					},
				};
		}
		total
	};
	let mut now = zero;
	for leg in book.legs {
		now = now
			+ match *leg {
				Leg::Perpetual { size, mark } => exposure(size, mark) * book.index,
				Leg::Option { kind, strike, years, size, .. } => {
					let option = Black76 {
						kind,
						forward: book.index,
						strike,
						years,
						volatility: book.volatility,
						rate: zero,
					};
					size * black76(&option).unwrap().price
				},
			};
	}
	let log_move = |price: FixedI128| ln(price / book.index).unwrap();
	let range = share(grid.price_range);
	let steps = i128::from(grid.price_points - 1);
	let mut worst = zero;
	for j in 0..=steps {
		let moved = range * FixedI128::saturating_from_rational(2 * j - steps, steps);
		let price = book.index * (one + moved);
		for vol in 0..3 {
			worst = worst.max(now - value_at(price, log_move(price), vol));
		}
	}
	let extreme = range * FixedI128::saturating_from_integer(grid.extreme_multiple);
	for moved in [extreme, -extreme] {
		let price = (book.index * (one + moved)).max(FixedI128::from_inner(1));
		let loss = now - value_at(price, log_move(price), 1);
		worst = worst.max(loss * share(grid.extreme_fraction));
	}
	worst
}

fn option_leg() -> impl Strategy<Value = Leg> {
	(
		prop_oneof![Just(OptionKind::Call), Just(OptionKind::Put)],
		// Strikes on a coarse ladder, expiries from a short list: books repeat series.
		(20i128..=60).prop_map(|k| k * 2_500),
		prop_oneof![Just(1i128), Just(7), Just(30), Just(90), Just(365)],
		-50i128..=50,
	)
		.prop_map(|(kind, strike, days, tenths)| Leg::Option {
			kind,
			strike: FixedI128::from_inner(strike * ONE),
			years: FixedI128::from_inner(days * ONE / 365),
			size: FixedI128::from_inner(tenths * ONE / 10),
			mark: None,
		})
}

fn book_legs() -> impl Strategy<Value = Vec<Leg>> {
	(prop::collection::vec(option_leg(), 1..=12), -30i128..=30).prop_map(|(mut legs, hedge)| {
		legs.push(Leg::Perpetual { size: FixedI128::from_inner(hedge * ONE / 10), mark: None });
		legs
	})
}

fn book(legs: &[Leg], volatility_percent: i128) -> UnderlyingBook<'_> {
	UnderlyingBook {
		index: FixedI128::from_inner(60_000 * ONE),
		volatility: FixedI128::from_inner(volatility_percent * ONE / 100),
		legs,
		price_range: None,
	}
}

proptest! {
	#![proptest_config(config())]

	#[test]
	fn the_fast_scan_never_finds_less_loss_than_the_exact_one_and_little_more(
		legs in book_legs(),
		volatility_percent in 20i128..=150,
	) {
		let grid = ScenarioGrid::STANDARD;
		let book = book(&legs, volatility_percent);
		let fast = underlying_risk(&grid, &book).unwrap().worst_loss;
		let exact = exact_worst_loss(&grid, &book);
		prop_assert!(fast >= exact, "fast {:?} < exact {:?}", fast, exact);
		// The allowance is a few units per USD of forward plus strike per unit of size:
		// about 10^-12 USD here, far below 10^-7 USD per unit.
		let sizes: i128 = legs.iter().map(|leg| match leg {
			Leg::Option { size, .. } | Leg::Perpetual { size, .. } => size.into_inner().abs(),
		}).sum();
		let slack = sizes / 10_000_000 + 1_000;
		prop_assert!(fast.into_inner() - exact.into_inner() <= slack, "fast {:?}, exact {:?}", fast, exact);
	}

	#[test]
	fn the_portfolio_requirement_is_never_below_the_exact_one_even_with_negative_correlation(
		first in book_legs(),
		second in book_legs(),
		rho in -100i128..=100,
	) {
		let grid = ScenarioGrid::STANDARD;
		let books = [book(&first, 60), book(&second, 80)];
		let r = FixedI128::from_inner(rho * ONE / 100);
		let correlations = [FixedI128::one(), r, r, FixedI128::one()];
		let fast = portfolio_margin(&grid, &books, &correlations, 6).unwrap();
		// The exact combination, from the exact worst losses and the same minimums.
		let exact: Vec<FixedI128> = books.iter().zip(&fast.underlyings).map(|(book, risk)| {
			exact_worst_loss(&grid, book) + risk.short_option_minimum
		}).collect();
		let quadratic = exact[0] * exact[0] + exact[1] * exact[1] + (exact[0] * exact[1] * r) * FixedI128::saturating_from_integer(2);
		let largest = exact[0].max(exact[1]);
		let combined = sqrt(quadratic.max(FixedI128::zero())).unwrap().max(largest).min(exact[0] + exact[1]);
		let exact_units = (combined.into_inner() as u128).div_ceil(1_000_000_000_000);
		prop_assert!(fast.initial_requirement >= exact_units, "fast {} < exact {}", fast.initial_requirement, exact_units);
		prop_assert!(fast.initial_requirement <= exact_units + 1, "fast {} > exact {} + 1", fast.initial_requirement, exact_units);
	}
}

#[test]
fn netted_legs_are_revalued_as_one_and_need_what_the_legs_need() {
	let grid = ScenarioGrid::STANDARD;
	let leg = |size: i128| Leg::Option {
		kind: OptionKind::Put,
		strike: FixedI128::from_inner(55_000 * ONE),
		years: FixedI128::from_inner(30 * ONE / 365),
		size: FixedI128::from_inner(size * ONE / 10),
		mark: None,
	};
	// Three legs of one series (a short of 0.3 in three pieces) and one of 0.3.
	let split = [leg(-1), leg(-1), leg(-1)];
	let whole = [leg(-3)];
	let split_risk = underlying_risk(&grid, &book(&split, 60)).unwrap();
	let whole_risk = underlying_risk(&grid, &book(&whole, 60)).unwrap();
	assert!(split_risk.worst_loss >= exact_worst_loss(&grid, &book(&split, 60)));
	// The same series: the same scenarios, a unit of allowance per extra leg apart.
	let gap = (split_risk.worst_loss.into_inner() - whole_risk.worst_loss.into_inner()).abs();
	assert!(gap <= 10, "{split_risk:?} vs {whole_risk:?}");
	assert_eq!(greeks(&book(&split, 60)).unwrap().delta, greeks(&book(&whole, 60)).unwrap().delta);
	assert_eq!(split_risk.short_option_minimum, whole_risk.short_option_minimum);
}

/// Every scenario's loss is measured from the legs' marks: a mark equal to the exact premium
/// asks what no mark does, and a short marked 100 USD higher loses 100 USD less per unit in
/// every scenario, its worst included.
#[test]
fn losses_are_measured_from_the_marks() {
	let grid = ScenarioGrid::STANDARD;
	let (strike, years) =
		(FixedI128::from_inner(62_000 * ONE), FixedI128::from_inner(30 * ONE / 365));
	let leg = |mark| Leg::Option {
		kind: OptionKind::Call,
		strike,
		years,
		size: FixedI128::from_inner(-2 * ONE),
		mark,
	};
	let unmarked = [leg(None)];
	let exact = black76(&Black76 {
		kind: OptionKind::Call,
		forward: FixedI128::from_inner(60_000 * ONE),
		strike,
		years,
		volatility: FixedI128::from_inner(ONE * 6 / 10),
		rate: FixedI128::zero(),
	})
	.unwrap()
	.price;
	let at_exact = [leg(Some(exact))];
	let above = [leg(Some(exact + FixedI128::from_inner(100 * ONE)))];
	let risk = |legs: &[Leg]| underlying_risk(&grid, &book(legs, 60)).unwrap();
	assert_eq!(risk(&unmarked), risk(&at_exact));
	let (base, marked_up) = (risk(&unmarked), risk(&above));
	assert!(base.worst_loss > FixedI128::from_inner(200 * ONE), "{base:?}");
	assert_eq!(marked_up.worst_loss, base.worst_loss - FixedI128::from_inner(200 * ONE));
	assert_eq!(marked_up.worst_move, base.worst_move);
	assert_eq!(marked_up.short_option_minimum, base.short_option_minimum);
}

proptest! {
	#![proptest_config(config())]

	/// A memo of scenario premiums changes no result: a book, then part of it with its first
	/// leg resized (every series found in the memo), then the book at another volatility
	/// (none found), each to the unit what a scan without a memo finds.
	#[test]
	fn a_memo_of_scenario_premiums_changes_no_result(
		legs in book_legs(),
		kept in 1usize..=13,
		volatility in 30i128..=120,
	) {
		let grid = ScenarioGrid::STANDARD;
		let one = [FixedI128::one()];
		let fresh = |legs: &[Leg], volatility| {
			portfolio_margin(&grid, &[book(legs, volatility)], &one, 6).unwrap()
		};
		let with_memo = |legs: &[Leg], volatility, memo: &mut ScanMemo| {
			portfolio_margin_with(&grid, &[book(legs, volatility)], &one, 6, memo).unwrap()
		};
		let mut memo = ScanMemo::default();
		prop_assert_eq!(with_memo(&legs, volatility, &mut memo), fresh(&legs, volatility));
		let series = memo.len();
		prop_assert!(series >= 1);
		let mut part = legs[..kept.min(legs.len())].to_vec();
		if let Some(Leg::Option { size, .. } | Leg::Perpetual { size, .. }) = part.first_mut() {
			*size = *size + FixedI128::from_inner(ONE / 10);
		}
		prop_assert_eq!(with_memo(&part, volatility, &mut memo), fresh(&part, volatility));
		prop_assert_eq!(memo.len(), series, "every series of the part was found");
		prop_assert_eq!(with_memo(&legs, volatility + 5, &mut memo), fresh(&legs, volatility + 5));
		prop_assert_eq!(memo.len(), 2 * series, "none at another volatility");
	}
}
