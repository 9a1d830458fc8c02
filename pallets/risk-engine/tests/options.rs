//! Black-76 against the reference table (`reference/black76.csv`, mpmath at 50 digits) and
//! its identities.

use risk_engine::fixed_math::{ln, sqrt};
use risk_engine::options::{
	black76, black76_premium, black76_price, black76_price_fast, Black76, OptionKind, Valuation,
};
use risk_engine::options::{
	DELTA_MAX_ERROR, GAMMA_MAX_RELATIVE_ERROR, PRICE_MAX_ERROR_PER_USD, VEGA_MAX_ERROR_PER_USD,
};
use sp_arithmetic::FixedI128;

const ONE: i128 = 1_000_000_000_000_000_000;

fn fixed(raw: i128) -> FixedI128 {
	FixedI128::from_inner(raw)
}

struct Row {
	option: Black76,
	expected: [i128; 4],
}

fn table() -> Vec<Row> {
	include_str!("reference/black76.csv")
		.lines()
		.filter(|line| !line.starts_with('#') && !line.is_empty())
		.map(|line| {
			let fields: Vec<&str> = line.split(',').collect();
			let n = |i: usize| fields[i].parse::<i128>().unwrap();
			let kind = if fields[0] == "Call" { OptionKind::Call } else { OptionKind::Put };
			Row {
				option: Black76 {
					kind,
					forward: fixed(n(1)),
					strike: fixed(n(2)),
					years: fixed(n(3)),
					volatility: fixed(n(4)),
					rate: fixed(0),
				},
				expected: [n(5), n(6), n(7), n(8)],
			}
		})
		.collect()
}

fn parts(v: &Valuation) -> [i128; 4] {
	[v.price.into_inner(), v.delta.into_inner(), v.gamma.into_inner(), v.vega.into_inner()]
}

#[test]
fn every_reference_option_is_priced_within_the_documented_error() {
	let rows = table();
	assert!(rows.len() >= 300);
	let mut worst = [0i128; 4];
	for row in rows {
		let got = parts(&black76(&row.option).unwrap());
		// Errors scale with the prices involved: per whole USD of forward plus strike.
		let usd = (row.option.forward.into_inner() + row.option.strike.into_inner()) / ONE;
		let allowed = [
			PRICE_MAX_ERROR_PER_USD * usd,
			DELTA_MAX_ERROR,
			1 + row.expected[2].abs() / GAMMA_MAX_RELATIVE_ERROR,
			VEGA_MAX_ERROR_PER_USD * usd,
		];
		for i in 0..4 {
			let error = (got[i] - row.expected[i]).abs();
			assert!(
				error <= allowed[i],
				"{:?}: {} off by {error} (got {}, reference {})",
				row.option,
				["price", "delta", "gamma", "vega"][i],
				got[i],
				row.expected[i]
			);
			let scaled = if i == 2 {
				error
			} else if i == 1 {
				error
			} else {
				error / usd.max(1)
			};
			worst[i] = worst[i].max(scaled);
		}
	}
	println!(
		"largest errors: price/USD {}, delta {}, gamma {}, vega/USD {}",
		worst[0], worst[1], worst[2], worst[3]
	);
}

#[test]
fn put_call_parity_holds() {
	for row in table().into_iter().filter(|r| r.option.kind == OptionKind::Call) {
		let call = black76(&row.option).unwrap();
		let put = black76(&Black76 { kind: OptionKind::Put, ..row.option }).unwrap();
		let parity = (row.option.forward - row.option.strike).into_inner();
		let usd = (row.option.forward.into_inner() + row.option.strike.into_inner()) / ONE;
		let gap = (call.price.into_inner() - put.price.into_inner() - parity).abs();
		assert!(gap <= 2 * PRICE_MAX_ERROR_PER_USD * usd, "{:?}: parity off by {gap}", row.option);
		// Call delta minus put delta is one; gamma and vega agree.
		assert!(
			(call.delta.into_inner() - put.delta.into_inner() - ONE).abs() <= 2 * DELTA_MAX_ERROR
		);
		assert_eq!(call.gamma, put.gamma);
		assert_eq!(call.vega, put.vega);
	}
}

#[test]
fn expired_or_volatility_free_options_are_worth_their_intrinsic_value() {
	let at = |kind, strike: i128, years: i128, volatility: i128| {
		black76(&Black76 {
			kind,
			forward: fixed(100 * ONE),
			strike: fixed(strike * ONE),
			years: fixed(years),
			volatility: fixed(volatility),
			rate: fixed(0),
		})
		.unwrap()
	};
	let call = at(OptionKind::Call, 90, 0, ONE);
	assert_eq!(
		(call.price, call.delta, call.gamma, call.vega),
		(fixed(10 * ONE), fixed(ONE), fixed(0), fixed(0))
	);
	let put = at(OptionKind::Put, 90, ONE, 0);
	assert_eq!((put.price, put.delta), (fixed(0), fixed(0)));
	let at_the_money = at(OptionKind::Put, 100, 0, ONE);
	assert_eq!((at_the_money.price, at_the_money.delta), (fixed(0), fixed(-ONE / 2)));
}

#[test]
fn a_positive_rate_discounts_the_premium() {
	let option = Black76 {
		kind: OptionKind::Call,
		forward: fixed(100 * ONE),
		strike: fixed(100 * ONE),
		years: fixed(ONE),
		volatility: fixed(ONE / 5),
		rate: fixed(0),
	};
	let undiscounted = black76(&option).unwrap();
	let discounted = black76(&Black76 { rate: fixed(ONE / 20), ..option }).unwrap();
	// e^-0.05 = 0.951229424500714...
	let expected = undiscounted.price.into_inner() / 1_000_000 * 951_229_424_500 / 1_000_000;
	assert!((discounted.price.into_inner() - expected).abs() < ONE / 1_000_000);
}

#[test]
fn bad_inputs_are_errors() {
	let option = Black76 {
		kind: OptionKind::Call,
		forward: fixed(100 * ONE),
		strike: fixed(100 * ONE),
		years: fixed(ONE),
		volatility: fixed(ONE / 5),
		rate: fixed(0),
	};
	for bad in [
		Black76 { forward: fixed(0), ..option },
		Black76 { strike: fixed(-ONE), ..option },
		Black76 { years: fixed(-1), ..option },
		Black76 { volatility: fixed(-1), ..option },
	] {
		assert_eq!(black76(&bad), Err(risk_engine::RiskError::OutOfDomain));
	}
}

#[test]
fn the_scan_premium_matches_the_reference_table_within_the_same_error() {
	for row in table().into_iter().filter(|r| r.option.rate == FixedI128::from_inner(0)) {
		let Black76 { kind, forward, strike, years, volatility, .. } = row.option;
		let log_moneyness = ln(forward / strike).unwrap();
		let sigma_root_t = volatility * sqrt(years).unwrap();
		let premium = black76_premium(kind, forward, strike, log_moneyness, sigma_root_t).unwrap();
		let usd = (forward.into_inner() + strike.into_inner()) / ONE;
		let error = (premium.into_inner() - row.expected[0]).abs();
		assert!(error <= PRICE_MAX_ERROR_PER_USD * usd, "{:?}: off by {error}", row.option);
	}
	// No volatility: the intrinsic value.
	let premium = |kind| {
		black76_premium(kind, fixed(110 * ONE), fixed(100 * ONE), fixed(0), fixed(0)).unwrap()
	};
	assert_eq!(premium(OptionKind::Call), fixed(10 * ONE));
	assert_eq!(premium(OptionKind::Put), fixed(0));
}

#[test]
fn the_fast_scan_premium_is_within_its_documented_deviation_of_the_exact_one() {
	use risk_engine::options::{
		black76_premium_fast, FAST_PREMIUM_MAX_DEVIATION_PER_USD,
		FAST_PREMIUM_MAX_DEVIATION_ROUNDING,
	};
	let mut worst = 0;
	for row in table() {
		let Black76 { kind, forward, strike, years, volatility, .. } = row.option;
		let log_moneyness = ln(forward / strike).unwrap();
		// The scan's volatilities: shocked down 30%, unchanged, up 65% and three times that.
		for percent in [70, 100, 165, 295] {
			let sigma_root_t = volatility * sqrt(years).unwrap() * fixed(percent * ONE / 100);
			// And its forwards, 15% either way.
			for moved in [85, 100, 115] {
				let forward = forward * fixed(moved * ONE / 100);
				let log_moneyness = log_moneyness + ln(fixed(moved * ONE / 100)).unwrap();
				let exact =
					black76_premium(kind, forward, strike, log_moneyness, sigma_root_t).unwrap();
				let fast = black76_premium_fast(kind, forward, strike, log_moneyness, sigma_root_t)
					.unwrap();
				let usd = (forward.into_inner() + strike.into_inner() + ONE - 1) / ONE;
				let allowed =
					FAST_PREMIUM_MAX_DEVIATION_PER_USD * usd + FAST_PREMIUM_MAX_DEVIATION_ROUNDING;
				let deviation = (fast.into_inner() - exact.into_inner()).abs();
				assert!(deviation <= allowed, "{:?} at {moved}%, vol x {percent}%", row.option);
				worst = worst.max(deviation * 1_000 / usd);
			}
		}
	}
	println!("largest deviation: {worst} thousandths of a unit per USD");
}

/// The fast price (a series' mark) meets the reference table within the exact price's
/// documented error.
#[test]
fn the_fast_price_matches_the_reference_table_within_the_same_error() {
	let mut worst = 0;
	for row in table() {
		let price = black76_price_fast(&row.option).unwrap();
		let usd = (row.option.forward.into_inner() + row.option.strike.into_inner()) / ONE;
		let error = (price.into_inner() - row.expected[0]).abs();
		assert!(error <= PRICE_MAX_ERROR_PER_USD * usd, "{:?}: off by {error}", row.option);
		worst = worst.max(error * 1_000 / usd.max(1));
	}
	println!("largest error: {worst} thousandths of a unit per USD");
}

/// The fast price is within its documented deviation of the exact one on every reference
/// option and a grid with rates, expiries and no volatility, and refuses what `black76`
/// refuses.
#[test]
fn the_fast_price_is_within_its_documented_deviation_of_the_exact_price() {
	use risk_engine::options::{
		FAST_PREMIUM_MAX_DEVIATION_PER_USD, FAST_PREMIUM_MAX_DEVIATION_ROUNDING,
	};
	for option in grid_options() {
		let usd = (option.forward.into_inner() + option.strike.into_inner() + ONE - 1) / ONE;
		let allowed =
			FAST_PREMIUM_MAX_DEVIATION_PER_USD * usd + FAST_PREMIUM_MAX_DEVIATION_ROUNDING + 1;
		let exact = black76_price(&option).unwrap();
		let fast = black76_price_fast(&option).unwrap();
		let deviation = (fast.into_inner() - exact.into_inner()).abs();
		assert!(deviation <= allowed, "{option:?}: {fast:?} vs {exact:?}");
		assert!(fast >= fixed(0));
	}
	let options = grid_options();
	assert!(black76_price_fast(&Black76 { forward: fixed(0), ..options[0] }).is_err());
	assert!(black76_price_fast(&Black76 { volatility: fixed(-1), ..options[0] }).is_err());
	assert!(black76_price_fast(&Black76 { years: fixed(-1), ..options[0] }).is_err());
}

/// The reference options and a grid of forwards, strikes, times (expiry included),
/// volatilities (none included) and rates.
fn grid_options() -> Vec<Black76> {
	let mut options: Vec<Black76> = table().into_iter().map(|row| row.option).collect();
	for kind in [OptionKind::Call, OptionKind::Put] {
		for forward in [1, 900, 30_000, 60_000, 61_234] {
			for strike in [1, 1_000, 55_000, 60_000, 90_000] {
				for (years, volatility) in [(0, 60), (1, 0), (19, 60), (250, 5), (1_000, 150)] {
					for rate in [0, 5] {
						options.push(Black76 {
							kind,
							forward: fixed(forward * ONE),
							strike: fixed(strike * ONE),
							years: fixed(years * ONE / 1_000),
							volatility: fixed(volatility * ONE / 100),
							rate: fixed(rate * ONE / 100),
						});
					}
				}
			}
		}
	}
	options
}

/// The mark's premium without the greeks is Black-76's premium to the bit: on every reference
/// option, with a rate, at expiry and without volatility, and on a grid of forwards, strikes,
/// times and volatilities; and it refuses what `black76` refuses.
#[test]
fn the_price_alone_is_black76s_price_to_the_bit() {
	let options = grid_options();
	for option in &options {
		assert_eq!(black76_price(option), black76(option).map(|v| v.price), "{option:?}");
	}
	let bad = Black76 { forward: fixed(0), ..options[0] };
	assert!(black76_price(&bad).is_err());
	assert!(black76_price(&Black76 { volatility: fixed(-1), ..options[0] }).is_err());
}
