//! The money market's math: the rate curve at its kinks and bounds, accrual by hand, and
//! properties (1,000 cases each, or `PROPTEST_CASES`):
//! - an accrual splits interest exactly (`interest = supplier + reserve`, the reserve at
//!   least its factor's share) and its carries stay below a unit;
//! - counted interest is the borrowers' exact debt growth, rounded down once over any
//!   number of accruals, and the suppliers' counter likewise their exact gain; the
//!   suppliers' and the reserve's claims grow by exactly the interest;
//! - many accounts, random credits, debits and accruals: the pool always holds at least
//!   what every account could take out, and at most a few units per operation more;
//! - a loop of credits and debits at one set of indices never gains the account anything;
//! - a loop through a segregated holding (opting out of lending, credits and debits beside
//!   it, opting back in) never gains the account anything either;
//! - a pledge pays for a borrow moved to the fund at the penalty, and no more;
//! - the curve rises with utilisation, and `validate_rate_curve` is exactly its bounds.

use proptest::prelude::*;
use risk_engine::{money_market::*, RiskError};
use sp_arithmetic::{
	traits::{One, Zero},
	FixedU128, PerThing, Perbill,
};

fn config() -> ProptestConfig {
	let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000);
	ProptestConfig { cases, ..ProptestConfig::default() }
}

const ONE: u128 = 1_000_000_000_000_000_000;
const DAY_MS: u64 = 86_400_000;

fn rate(permille: u128) -> FixedU128 {
	FixedU128::from_rational(permille, 1_000)
}

/// USDC's default curve: 5% at the 80% kink, 65% at full utilisation.
fn usdc_curve() -> (FixedU128, Vec<RateSegment>) {
	(
		FixedU128::zero(),
		vec![
			RateSegment { from: Perbill::zero(), slope: FixedU128::from_rational(625, 10_000) },
			RateSegment { from: Perbill::from_percent(80), slope: FixedU128::from_u32(3) },
		],
	)
}

/// Indices that have run (the clock started) at `rate`.
fn running(rate: FixedU128) -> Indices {
	Indices { borrow_rate: rate, last_accrual_ms: 1, ..Indices::new() }
}

#[test]
fn the_rate_curve_bends_at_its_kinks() {
	let (base, segments) = usdc_curve();
	let at = |percent: u32| borrow_rate(base, &segments, Perbill::from_percent(percent)).unwrap();
	assert_eq!(at(0), FixedU128::zero());
	assert_eq!(at(40), rate(25));
	assert_eq!(at(80), rate(50));
	assert_eq!(at(90), rate(350));
	assert_eq!(at(100), rate(650));
	// A base rate and a curve that starts flat: the base alone up to the first kink.
	let flat_then_steep =
		[RateSegment { from: Perbill::from_percent(50), slope: FixedU128::from_u32(1) }];
	let at = |percent: u32| {
		borrow_rate(rate(20), &flat_then_steep, Perbill::from_percent(percent)).unwrap()
	};
	assert_eq!(at(30), rate(20));
	assert_eq!(at(50), rate(20));
	assert_eq!(at(75), rate(270));
	// No segment: the base everywhere.
	assert_eq!(borrow_rate(rate(30), &[], Perbill::one()).unwrap(), rate(30));
}

#[test]
fn a_rate_curve_outside_its_bounds_is_refused() {
	let (base, segments) = usdc_curve();
	assert_eq!(validate_rate_curve(base, &segments), Ok(()));
	let segment = |percent: u32, slope: u32| RateSegment {
		from: Perbill::from_percent(percent),
		slope: FixedU128::from_u32(slope),
	};
	let refused = Err(RiskError::InvalidRateCurve);
	// Five segments: one too many.
	let five = [segment(0, 0), segment(10, 0), segment(20, 0), segment(30, 0), segment(40, 0)];
	assert_eq!(validate_rate_curve(base, &five), refused);
	// Starts must rise.
	assert_eq!(
		validate_rate_curve(base, &[segment(0, 0), segment(50, 1), segment(50, 2)]),
		refused
	);
	assert_eq!(validate_rate_curve(base, &[segment(60, 0), segment(50, 1)]), refused);
	// A kink at 0.5% or at 99.5%.
	let half_percent =
		RateSegment { from: Perbill::from_parts(5_000_000), slope: FixedU128::one() };
	assert_eq!(validate_rate_curve(base, &[segment(0, 0), half_percent]), refused);
	let late = RateSegment { from: Perbill::from_parts(995_000_000), slope: FixedU128::one() };
	assert_eq!(validate_rate_curve(base, &[segment(0, 0), late]), refused);
	assert_eq!(validate_rate_curve(base, &[segment(0, 0), segment(99, 100)]), Ok(()));
	// 500% a year at full utilisation is the most: 5.01 is refused.
	assert_eq!(validate_rate_curve(FixedU128::from_u32(5), &[]), Ok(()));
	assert_eq!(validate_rate_curve(rate(5_010), &[]), refused);
	assert_eq!(validate_rate_curve(FixedU128::one(), &[segment(0, 5)]), refused);
	assert_eq!(validate_rate_curve(base, &[segment(0, 0), segment(80, 1_000)]), refused);
}

#[test]
fn utilisation_rounds_up_and_stops_at_one() {
	assert_eq!(utilisation(0, 0), Perbill::zero());
	assert_eq!(utilisation(5, 0), Perbill::one());
	assert_eq!(utilisation(7, 5), Perbill::one());
	assert_eq!(utilisation(1, 3), Perbill::from_parts(333_333_334));
	assert_eq!(utilisation(1, 2), Perbill::from_percent(50));
}

#[test]
fn the_supply_rate_spreads_the_borrow_rate_less_the_reserve() {
	let supply = supply_rate(rate(100), Perbill::from_percent(50), Perbill::from_percent(10));
	assert_eq!(supply, Ok(rate(45)));
	assert_eq!(supply_rate(rate(100), Perbill::zero(), Perbill::zero()), Ok(FixedU128::zero()));
	// Compounded every block, 5% a year yields e^0.05 - 1.
	let apy = annual_yield(rate(50)).unwrap();
	assert!((apy.into_inner() as i128 - 51_271_096_376_024_040).abs() < 1_000, "{apy:?}");
}

#[test]
fn the_caps_hold_at_their_edges() {
	assert_eq!(check_utilisation(90, 100, Perbill::from_percent(90)), Ok(()));
	assert_eq!(
		check_utilisation(91, 100, Perbill::from_percent(90)),
		Err(RiskError::UtilisationAboveCap)
	);
	assert_eq!(
		validate_lending_shares(Perbill::from_percent(50), Perbill::from_percent(99)),
		Ok(())
	);
	assert_eq!(
		validate_lending_shares(Perbill::from_percent(51), Perbill::from_percent(90)),
		Err(RiskError::InvalidReserveFactor)
	);
	assert_eq!(
		validate_lending_shares(Perbill::zero(), Perbill::from_parts(995_000_000)),
		Err(RiskError::InvalidUtilisationCap)
	);
	assert_eq!(
		validate_lending_shares(Perbill::zero(), Perbill::from_percent(9)),
		Err(RiskError::InvalidUtilisationCap)
	);
}

#[test]
fn the_interest_share_bounds_growth_over_a_span() {
	// 500% a year over an hour: x = 5 / 8,760 = 0.000570776..., x + x^2 = 0.000571102...
	let hour = interest_share(FixedU128::from_u32(5), 3_600_000);
	assert_eq!(hour, Perbill::from_parts(571_103));
	// It bounds e^x - 1 (the compounded growth) from above.
	assert!(hour.deconstruct() as f64 / 1e9 >= (5.0f64 / 8_760.0).exp() - 1.0);
	assert_eq!(interest_share(FixedU128::zero(), 3_600_000), Perbill::zero());
	assert_eq!(interest_share(FixedU128::from_u32(5), 365 * DAY_MS), Perbill::one());
	// A 1,000 USDC debt at 1.05 loses at most 0.599659 USDC of health in that hour.
	assert_eq!(debt_interest_reserve(1_000_000_000, rate(1_050), hour), Ok(599_659));
}

#[test]
fn a_year_at_ten_percent_by_hand() {
	// 1,000 USDC borrowed, 2,000 supplied, 10% a year, a tenth to the reserve.
	let start = Indices { last_accrual_ms: 1, borrow_rate: rate(100), ..Indices::new() };
	let usdc = 1_000_000u128;
	let year =
		accrue(&start, 2_000 * usdc, 1_000 * usdc, 1 + 365 * DAY_MS, Perbill::from_percent(10))
			.unwrap();
	assert_eq!(year.indices.borrow, rate(1_100));
	assert_eq!(year.interest, 100 * usdc);
	assert_eq!(year.reserve, 10 * usdc);
	assert_eq!(year.supplier_interest, 90 * usdc);
	assert_eq!(year.indices.supply, FixedU128::from_rational(1_045, 1_000));
	// The reserve's 10 USDC become supply at the new index: 10 / 1.045 scaled units, the
	// fraction carried.
	assert_eq!(year.reserve_scaled, 9_569_377);
	assert_eq!(
		year.reserve_scaled * 1_045_000_000_000_000_000 + year.indices.reserve_carry,
		10 * usdc * ONE
	);
	assert_eq!(supply_value(2_000 * usdc, &year.indices), Ok(2_090 * usdc));
	assert_eq!(borrow_value(1_000 * usdc, &year.indices), Ok(1_100 * usdc));
	// The clock not moving, and a first accrual, change nothing but the time.
	let again =
		accrue(&year.indices, 2_000 * usdc, 1_000 * usdc, 1 + 365 * DAY_MS, Perbill::zero())
			.unwrap();
	assert_eq!((again.indices, again.interest), (year.indices, 0));
	let first = accrue(&Indices::new(), 5, 5, 1_000, Perbill::zero()).unwrap();
	assert_eq!(first.indices, Indices { last_accrual_ms: 1_000, ..Indices::new() });
}

#[test]
fn a_tiny_supply_cannot_inflate_its_index_against_later_deposits() {
	// One scaled unit supplied against a million borrowed (settlement debts can exceed
	// what is lent): at 100% a year for a year, the lone supplier may not take the
	// borrowers' whole interest, or one scaled unit would be worth ~100,000 tokens and a
	// later deposit below that would round to nothing.
	let start = running(FixedU128::one());
	let year = accrue(&start, 1, 1_000_000, 1 + 365 * DAY_MS, Perbill::zero()).unwrap();
	assert_eq!(year.interest, 1_000_000);
	assert!(year.indices.supply <= year.indices.borrow);
	assert_eq!(year.supplier_interest, 1);
	assert_eq!(year.reserve, 999_999);
	let later = credit(0, 1_000, &year.indices).unwrap();
	assert!(supply_value(later.balance as u128, &year.indices).unwrap() >= 998);
}

#[test]
fn credits_repay_before_they_supply_and_debits_spend_before_they_borrow() {
	let indices = Indices {
		supply: FixedU128::from_rational(5, 4),
		borrow: FixedU128::from_rational(3, 2),
		..Indices::new()
	};
	// Owing 100 scaled (150 tokens): 60 tokens repay 40 scaled.
	let part = credit(-100, 60, &indices).unwrap();
	assert_eq!((part.balance, part.borrow_delta, part.netted, part.opened), (-60, -40, 60, 0));
	// 200 tokens repay all 150 and supply 50 / 1.25 = 40 scaled.
	let over = credit(-100, 200, &indices).unwrap();
	assert_eq!(
		(over.balance, over.borrow_delta, over.supply_delta, over.netted, over.opened),
		(40, -100, 40, 150, 50)
	);
	// Holding 80 scaled (100 tokens): 30 tokens spend ceil(24) = 24 scaled.
	let spend = debit(80, 30, &indices, false).unwrap();
	assert_eq!((spend.balance, spend.supply_delta, spend.netted), (56, -24, 30));
	// 130 tokens spend all 100 and borrow ceil(30 / 1.5) = 20 scaled, if allowed.
	assert_eq!(debit(80, 130, &indices, false), Err(RiskError::InsufficientBalance));
	let past = debit(80, 130, &indices, true).unwrap();
	assert_eq!(
		(past.balance, past.supply_delta, past.borrow_delta, past.netted, past.opened),
		(-20, -80, 20, 100, 30)
	);
	// The whole value of a supply takes all of it: no dust left behind.
	let supply = 7;
	let worth = supply_value(supply, &indices).unwrap();
	assert_eq!(worth, 8);
	assert_eq!(debit(supply as i128, worth, &indices, false).unwrap().balance, 0);
	assert_eq!(nominal(7, &indices), Ok(8));
	assert_eq!(nominal(-7, &indices), Ok(-11));
}

#[test]
fn a_segregated_holding_repays_before_it_holds_and_empties_before_it_borrows() {
	let indices = Indices {
		supply: FixedU128::from_rational(5, 4),
		borrow: FixedU128::from_rational(3, 2),
		..Indices::new()
	};
	// Owing 100 scaled (150 tokens): 200 tokens repay all of it and hold 50 apart.
	let over = credit_segregated(0, -100, 200, &indices).unwrap();
	assert_eq!(
		(over.held, over.change.balance, over.change.borrow_delta, over.change.supply_delta),
		(50, 0, -100, 0)
	);
	assert_eq!((over.change.netted, over.change.opened), (150, 50));
	// 60 tokens only repay: nothing held.
	let part = credit_segregated(0, -100, 60, &indices).unwrap();
	assert_eq!((part.held, part.change.balance, part.change.opened), (0, -60, 0));
	// Holding 50: 30 tokens come out of the holding, token for token, no index involved.
	let spend = debit_segregated(50, 0, 30, &indices, false).unwrap();
	assert_eq!((spend.held, spend.change.balance, spend.change.netted), (20, 0, 30));
	// 80 tokens empty it and borrow ceil(30 / 1.5) = 20 scaled, if allowed.
	assert_eq!(debit_segregated(50, 0, 80, &indices, false), Err(RiskError::InsufficientBalance));
	let past = debit_segregated(50, 0, 80, &indices, true).unwrap();
	assert_eq!((past.held, past.change.balance, past.change.borrow_delta), (0, -20, 20));
	assert_eq!((past.change.netted, past.change.opened), (50, 30));
	// A supply is never beside a holding.
	assert_eq!(credit_segregated(0, 1, 5, &indices), Err(RiskError::InsufficientBalance));
	assert_eq!(debit_segregated(0, 1, 5, &indices, true), Err(RiskError::InsufficientBalance));
	// Opting out takes a supply at its value, rounded down; a borrow stays.
	let out = segregate(7, &indices).unwrap();
	assert_eq!((out.held, out.change.balance, out.change.supply_delta), (8, 0, -7));
	let owing = segregate(-7, &indices).unwrap();
	assert_eq!((owing.held, owing.change.balance), (0, -7));
}

#[test]
fn a_borrow_liquidation_takes_the_fewest_units_that_restore_health() {
	// 1,000 short of target; a USDC debt weighed 1.05 against BTC counted at 95%, a 1%
	// penalty: each unit of debt moved gains 1.05 - 0.95 / 0.99 = 0.090404... of health.
	let case = BorrowLiquidation {
		shortfall: 1_000_000_000,
		borrow_value: 50_000_000_000,
		borrow_weight: rate(1_050),
		collateral_value: 60_000_000_000,
		collateral_haircut: Perbill::from_percent(95),
		penalty: Perbill::from_percent(1),
	};
	let size = borrow_liquidation_size(&case).unwrap().unwrap();
	// 1,000 / 0.090404... = 11,061.452514 USDC of debt, and that over 0.99 of BTC.
	assert_eq!(size.borrow_value, 11_061_452_514);
	assert_eq!(size.collateral_value, 11_173_184_358);
	// Capped by what the collateral can pay, at its price less the penalty.
	let thin = BorrowLiquidation { collateral_value: 5_000_000_000, ..case };
	let size = borrow_liquidation_size(&thin).unwrap().unwrap();
	assert_eq!((size.borrow_value, size.collateral_value), (4_950_000_000, 5_000_000_000));
	// Collateral that counts (after the penalty) for more than the borrow weighs cannot
	// help: 1.00 / 0.99 > 1.01.
	let heavy = BorrowLiquidation {
		collateral_haircut: Perbill::from_percent(100),
		borrow_weight: rate(1_010),
		..case
	};
	assert_eq!(borrow_liquidation_size(&heavy), Ok(None));
}

proptest! {
	#![proptest_config(config())]

	/// The size restores the shortfall, or moves all the borrow or all the collateral it
	/// can; one unit less would not restore it; the fund never pays more for the collateral
	/// than its value less the penalty.
	#[test]
	fn borrow_liquidation_sizing_is_minimal_and_never_overpays(
		shortfall in 1u128..=1_000_000_000_000,
		borrow_value in 1u128..=1_000_000_000_000,
		weight in 1_000_000_001u128..=2_000_000_000,
		collateral_value in 1u128..=1_000_000_000_000,
		haircut in 1u32..=1_000_000_000,
		penalty in 0u32..=100_000_000,
	) {
		let case = BorrowLiquidation {
			shortfall,
			borrow_value,
			borrow_weight: FixedU128::from_rational(weight, 1_000_000_000),
			collateral_value,
			collateral_haircut: Perbill::from_parts(haircut),
			penalty: Perbill::from_parts(penalty),
		};
		let gain = |borrow: u128, collateral: u128| -> i128 {
			// Health gained, rounded against the account as the pallet's figures are.
			let weighed = (borrow * weight).div_ceil(1_000_000_000) as i128;
			let counted = Perbill::from_parts(haircut).mul_floor(collateral) as i128;
			weighed - counted
		};
		if let Some(size) = borrow_liquidation_size(&case).unwrap() {
			prop_assert!(size.borrow_value <= borrow_value && size.collateral_value <= collateral_value);
			prop_assert!(Perbill::from_parts(penalty).left_from_one().mul_floor(size.collateral_value) >= size.borrow_value);
			let restored = gain(size.borrow_value, size.collateral_value) >= shortfall as i128 - 2;
			prop_assert!(restored || size.borrow_value == borrow_value || size.collateral_value == collateral_value);
			if size.borrow_value > 1 && size.borrow_value < borrow_value && size.collateral_value < collateral_value {
				let less = size.borrow_value - 1;
				let keep = Perbill::from_parts(penalty).left_from_one();
				let less_collateral = (less as u128 * 1_000_000_000).div_ceil(keep.deconstruct() as u128);
				prop_assert!(gain(less, less_collateral) < shortfall as i128 + 2);
			}
		}
	}
}

proptest! {
	#![proptest_config(config())]

	/// A pledge for a borrow moved to the fund: the fund is paid at least the borrow over
	/// `1 - penalty` (never takes over more than it is paid for), never more collateral than
	/// there is, and, when the collateral suffices, one unit less would not pay it.
	#[test]
	fn a_pledge_pays_for_the_borrow_at_the_penalty_and_no_more(
		borrow_value in 0u128..=1_000_000_000_000_000,
		collateral_value in 0u128..=1_000_000_000_000_000,
		penalty in 0u32..=999_999_999,
	) {
		let penalty = Perbill::from_parts(penalty);
		let keep = penalty.left_from_one();
		match pledge_for(borrow_value, collateral_value, penalty).unwrap() {
			None => prop_assert!(
				borrow_value == 0 || collateral_value == 0 || keep.mul_floor(collateral_value) == 0
			),
			Some(size) => {
				prop_assert!(size.borrow_value > 0 && size.borrow_value <= borrow_value);
				prop_assert!(size.collateral_value <= collateral_value);
				prop_assert!(keep.mul_floor(size.collateral_value) >= size.borrow_value);
				if size.borrow_value == borrow_value {
					prop_assert!(keep.mul_floor(size.collateral_value - 1) < size.borrow_value);
				} else {
					prop_assert_eq!(size.collateral_value, collateral_value);
				}
			},
		}
	}
}

proptest! {
	#![proptest_config(config())]

	/// Opting in and out of lending, and credits and debits on either side, never gain the
	/// account anything: its value after a loop is at most its value before, and the pool
	/// keeps at most a unit per conversion.
	#[test]
	fn segregation_round_trips_never_gain(
		supply_index in ONE..=3 * ONE,
		borrow_extra in 0u128..=ONE,
		start in -1_000_000_000i128..=1_000_000_000,
		moves in proptest::collection::vec((any::<bool>(), 1u128..=1_000_000_000), 0..8),
	) {
		let indices = Indices {
			supply: FixedU128::from_inner(supply_index),
			borrow: FixedU128::from_inner(supply_index + borrow_extra),
			..Indices::new()
		};
		let value_before = nominal(start, &indices).unwrap();
		let out = segregate(start, &indices).unwrap();
		let (mut held, mut balance) = (out.held, out.change.balance);
		prop_assert!(held as i128 + nominal(balance, &indices).unwrap() <= value_before);
		prop_assert!(value_before - (held as i128 + nominal(balance, &indices).unwrap()) <= 1);
		let mut flow: i128 = 0;
		for (is_credit, amount) in moves {
			let before = held as i128 + nominal(balance, &indices).unwrap();
			let next = if is_credit {
				flow += amount as i128;
				credit_segregated(held, balance, amount, &indices).unwrap()
			} else {
				flow -= amount as i128;
				debit_segregated(held, balance, amount, &indices, true).unwrap()
			};
			prop_assert!(next.change.balance <= 0 && (next.held == 0 || next.change.balance == 0));
			let after = next.held as i128 + nominal(next.change.balance, &indices).unwrap();
			let signed = if is_credit { amount as i128 } else { -(amount as i128) };
			// Never more than the tokens that moved; less by at most a scaled unit's worth and
			// a token (a borrow's conversion rounds up twice).
			let slack = borrow_value(1, &indices).unwrap() as i128 + 1;
			prop_assert!(after <= before + signed && after >= before + signed - slack);
			held = next.held;
			balance = next.change.balance;
		}
		// Back in the market: the holding is supplied, the value rounds down.
		let back = credit(balance, held, &indices).unwrap();
		let value_after = nominal(back.balance, &indices).unwrap();
		prop_assert!(value_after <= value_before + flow);
	}
}

/// An accrual step: milliseconds and the rate in force (per mille a year).
fn step() -> impl Strategy<Value = (u64, u128)> {
	(1u64..=30 * DAY_MS, 0u128..=5_000)
}

/// A short accrual step, at most a day at 50% a year: a run of them keeps the indices low.
fn short_step() -> impl Strategy<Value = (u64, u128)> {
	(1u64..=DAY_MS, 0u128..=500)
}

proptest! {
	#![proptest_config(config())]

	#[test]
	fn an_accrual_splits_interest_exactly(
		supply in 0u128..=1_000_000_000_000_000_000_000u128,
		borrow in 0u128..=1_000_000_000_000_000_000_000u128,
		supply_index in ONE..=3 * ONE,
		borrow_index in ONE..=3 * ONE,
		interest_carry in 0u128..ONE,
		reserve_carry_share in 0u128..1_000,
		(elapsed, per_mille) in step(),
		reserve_factor in 0u32..=500_000_000,
	) {
		let supply_index = FixedU128::from_inner(supply_index);
		let indices = Indices {
			supply: supply_index,
			borrow: FixedU128::from_inner(borrow_index),
			borrow_rate: rate(per_mille),
			last_accrual_ms: 1,
			interest_carry,
			reserve_carry: supply_index.into_inner() * reserve_carry_share / 1_000,
			supplier_carry: interest_carry / 3,
		};
		let factor = Perbill::from_parts(reserve_factor);
		let accrual = accrue(&indices, supply, borrow, 1 + elapsed, factor).unwrap();
		prop_assert_eq!(accrual.interest, accrual.supplier_interest + accrual.reserve);
		prop_assert!(accrual.reserve >= factor.mul_floor(accrual.interest));
		prop_assert!(accrual.indices.borrow >= indices.borrow);
		prop_assert!(accrual.indices.supply >= indices.supply);
		prop_assert!(accrual.indices.interest_carry < ONE);
		prop_assert!(accrual.indices.supplier_carry < ONE);
		prop_assert!(accrual.indices.reserve_carry < accrual.indices.supply.into_inner());
		prop_assert_eq!(accrual.indices.last_accrual_ms, 1 + elapsed);
	}

	#[test]
	fn counted_interest_is_the_exact_debt_growth_and_the_claims_grow_by_it(
		borrow in 0u128..=1_000_000_000_000_000u128,
		supply in 0u128..=1_000_000_000_000_000u128,
		steps in prop::collection::vec(step(), 1..20),
		reserve_factor in 0u32..=500_000_000,
	) {
		let factor = Perbill::from_parts(reserve_factor);
		let mut indices = running(FixedU128::zero());
		let mut supply_total = supply;
		let mut counted = 0u128;
		let mut claims_growth = 0u128;
		let (mut supplier_exact, mut supplier_counted) = (0u128, 0u128);
		let mut now = 1;
		for (elapsed, per_mille) in steps {
			indices.borrow_rate = rate(per_mille);
			now += elapsed;
			let before = indices;
			let accrual = accrue(&indices, supply_total, borrow, now, factor).unwrap();
			indices = accrual.indices;
			counted += accrual.interest;
			// In 10^-18 tokens: the suppliers' step over their scaled supply, and the
			// reserve's new supply at the new index.
			let supplier_wad = supply_total * (indices.supply.into_inner() - before.supply.into_inner());
			supplier_exact += supplier_wad;
			supplier_counted += accrual.supplier_interest;
			claims_growth += supplier_wad + accrual.reserve_scaled * indices.supply.into_inner();
			supply_total += accrual.reserve_scaled;
		}
		let exact_debt_growth = borrow * (indices.borrow.into_inner() - ONE);
		prop_assert_eq!(counted, exact_debt_growth / ONE);
		prop_assert_eq!(indices.interest_carry, exact_debt_growth % ONE);
		prop_assert_eq!(claims_growth + indices.reserve_carry, counted * ONE);
		// The suppliers' counter is their exact gain, rounded down once over the span.
		prop_assert_eq!(supplier_counted, supplier_exact / ONE);
		prop_assert_eq!(indices.supplier_carry, supplier_exact % ONE);
	}

	#[test]
	fn the_pool_always_covers_every_claim(
		accounts in 2usize..=20,
		ops in prop::collection::vec((0usize..20, 0u8..4, 1u128..=1_000_000_000u128, short_step()), 1..80),
		reserve_factor in 0u32..=500_000_000,
	) {
		let factor = Perbill::from_parts(reserve_factor);
		let mut balances = vec![0i128; accounts];
		// The insurance fund's scaled supply, credited by accruals.
		let mut fund = 0u128;
		let (mut scaled_supply, mut scaled_borrow) = (0u128, 0u128);
		// Tokens in the pool: credited minus debited.
		let mut cash = 0i128;
		let mut indices = running(FixedU128::zero());
		let mut now = 1u64;
		let mut conversions = 0u128;
		for (who, kind, amount, (elapsed, per_mille)) in ops {
			let who = who % accounts;
			let change = match kind {
				0 => credit(balances[who], amount, &indices),
				1 => debit(balances[who], amount, &indices, false),
				2 => debit(balances[who], amount, &indices, true),
				_ => {
					// An accrual at the rate utilisation sets, bounded like a real curve.
					let used = utilisation(
						borrow_value(scaled_borrow, &indices).unwrap(),
						supply_value(scaled_supply, &indices).unwrap(),
					);
					indices.borrow_rate = rate(per_mille) + borrow_rate(FixedU128::zero(), &[RateSegment { from: Perbill::zero(), slope: FixedU128::one() }], used).unwrap();
					now += elapsed;
					let accrual = accrue(&indices, scaled_supply, scaled_borrow, now, factor).unwrap();
					prop_assert_eq!(accrual.interest, accrual.supplier_interest + accrual.reserve);
					indices = accrual.indices;
					fund += accrual.reserve_scaled;
					scaled_supply += accrual.reserve_scaled;
					continue;
				},
			};
			let Ok(change) = change else { continue };
			conversions += 1;
			prop_assert_eq!(change.netted + change.opened, amount);
			if kind == 0 { cash += amount as i128 } else { cash -= amount as i128 }
			scaled_supply = (scaled_supply as i128 + change.supply_delta) as u128;
			scaled_borrow = (scaled_borrow as i128 + change.borrow_delta) as u128;
			balances[who] = change.balance;
			let supplies: u128 = balances.iter().filter(|b| **b > 0).map(|b| *b as u128).sum();
			let borrows: u128 = balances.iter().filter(|b| **b < 0).map(|b| b.unsigned_abs()).sum();
			prop_assert_eq!((scaled_supply, scaled_borrow), (supplies + fund, borrows));
			let claims: i128 = balances.iter().map(|b| nominal(*b, &indices).unwrap()).sum::<i128>()
				+ supply_value(fund, &indices).unwrap() as i128;
			prop_assert!(claims <= cash, "claims {} above cash {}", claims, cash);
		}
		// What everyone could take out (the fund included), each valued as the pallet
		// values it: never more than the pool holds, and not much less.
		let claims: i128 = balances.iter().map(|b| nominal(*b, &indices).unwrap()).sum::<i128>()
			+ supply_value(fund, &indices).unwrap() as i128;
		prop_assert!(claims <= cash, "claims {} above cash {}", claims, cash);
		// Each conversion and each account's final rounding keep below one scaled unit's
		// worth (the indices stay below 4 here), the carries below two units.
		let slack = (cash - claims) as u128;
		prop_assert!(slack <= 4 * (conversions + accounts as u128 + 1) + 2, "slack {}", slack);
	}

	#[test]
	fn a_loop_at_one_set_of_indices_never_gains(
		start in -1_000_000_000i128..=1_000_000_000,
		supply_index in ONE..=4 * ONE,
		borrow_index in ONE..=4 * ONE,
		moves in prop::collection::vec((any::<bool>(), 1u128..=1_000_000_000u128), 1..30),
	) {
		let indices = Indices {
			supply: FixedU128::from_inner(supply_index),
			borrow: FixedU128::from_inner(borrow_index.max(supply_index)),
			..Indices::new()
		};
		let mut balance = start;
		let mut paid_in = 0i128;
		for (is_credit, amount) in moves {
			let change = if is_credit {
				credit(balance, amount, &indices).unwrap()
			} else {
				debit(balance, amount, &indices, true).unwrap()
			};
			balance = change.balance;
			paid_in += if is_credit { amount as i128 } else { -(amount as i128) };
		}
		let gained = nominal(balance, &indices).unwrap() - nominal(start, &indices).unwrap();
		prop_assert!(gained <= paid_in, "gained {} for {} paid in", gained, paid_in);
	}

	#[test]
	fn the_curve_rises_and_its_bounds_are_exact(
		base in 0u128..=6_000,
		segments in prop::collection::vec((0u32..=1_000_000_000, 0u128..=8_000), 0..6),
		a in 0u32..=1_000_000_000,
		b in 0u32..=1_000_000_000,
	) {
		let base = rate(base);
		let segments: Vec<RateSegment> = segments
			.into_iter()
			.map(|(from, slope)| RateSegment { from: Perbill::from_parts(from), slope: rate(slope) })
			.collect();
		let (low, high) = (Perbill::from_parts(a.min(b)), Perbill::from_parts(a.max(b)));
		prop_assert!(borrow_rate(base, &segments, low).unwrap() <= borrow_rate(base, &segments, high).unwrap());
		// The bounds, worked out independently of `validate_rate_curve`.
		let rising = segments.windows(2).all(|w| w[0].from < w[1].from);
		let kinks_inside = segments.iter().enumerate().all(|(i, s)| {
			(i == 0 && s.from == Perbill::zero()) || (s.from >= MIN_KINK && s.from <= MAX_KINK)
		});
		let mut top = base.into_inner();
		for (i, s) in segments.iter().enumerate() {
			let end = segments.get(i + 1).map_or(1_000_000_000, |next| next.from.deconstruct().max(s.from.deconstruct()));
			let inside = (end - s.from.deconstruct()) as u128;
			top += (s.slope.into_inner() * inside).div_ceil(1_000_000_000);
		}
		let valid = segments.len() <= 4 && rising && kinks_inside && top <= MAX_BORROW_RATE.into_inner();
		prop_assert_eq!(validate_rate_curve(base, &segments).is_ok(), valid);
	}
}
