//! Portfolio margin: scenario-based (SPAN / Deribit style) requirements that net hedged and
//! correlated risk across perpetuals and options.
//!
//! ## The rule
//! 1. **Per underlying, full revaluation.** Every position on the underlying (perpetuals
//!    at their size, options by Black-76) is revalued on a grid of price moves (`points`
//!    evenly spaced moves from `-range` to `+range`) crossed with three volatility shocks
//!    (up, none, down). The vol-up shock of an option expiring within
//!    `short_expiry_days` is scaled by `sqrt(short_expiry_days / days left)`, at most
//!    `max_short_expiry_scale` times, because short-dated volatility moves more.
//! 2. **Extreme moves.** Two more scenarios move the price `extreme_multiple x range` either
//!    way at unchanged volatility; their loss counts at `extreme_fraction`.
//! 3. **The underlying's requirement** is its worst scenario loss (never below zero) plus a
//!    short-option minimum: `short_option_minimum x index` per whole unit of every short
//!    option, so that far out-of-the-money shorts, which no scenario reaches, still carry
//!    margin.
//! 4. **Across underlyings**, the requirements `L` combine through a correlation matrix `R`
//!    as `sqrt(L' R L)`, clamped to `[max L_i, sum L_i]`: correlation can offset risk, but
//!    never below the riskiest underlying alone and never above margining each alone.
//! 5. **Maintenance** is the initial requirement times `maintenance_factor`.
//!
//! ## What it guarantees
//! - A perfectly hedged book on one underlying (a long and a short perpetual of the same
//!   size) loses nothing in any scenario: it needs only the short-option minimums (none).
//! - For perpetual-only books, the portfolio requirement is at most the cross requirement
//!   whenever, for every underlying, `range` is at most the lowest initial fraction of its
//!   markets' margin schedules and `extreme_multiple x extreme_fraction <= 1`: each
//!   underlying's worst loss is `|net size| x index x range`, at most its positions' summed
//!   notionals times their initial fraction, and the combination never exceeds the sum.
//! - A single position's requirement never falls as its size grows.
//! - The fast scan (below) never asks less than the same scan with the exact distribution
//!   function, and at most about 10^-12 USD per unit of option more.
//!
//! The first three are property-tested in `tests/portfolio.rs`, the last in
//! `tests/fast_scan.rs` against a copy of the exact scan.
//!
//! ## The fast scan and its bound
//! The scan revalues each option at 53 scenarios (17 prices x 3 volatilities + 2 extremes
//! on the standard grid), two distribution values each. With [`norm_cdf`](crate::fixed_math::norm_cdf)
//! a 16-leg book took about 15 ms in the wasm runtime; so the scan differs from the
//! exact Black-76 of the marks in three ways:
//! 1. **Shared work.** Legs of one kind, strike and expiry net into one *series*,
//!    revalued once per scenario. Per series, `ln(index / strike)`, `s sqrt(T)` and
//!    `s^2 T / 2` for the three volatilities are worked out once; per scenario,
//!    `ln(price / index)` once, so each series' `ln(F / K)` is an addition. A caller that
//!    scans more than once at the same prices (the runtime, within one call) passes a
//!    [`ScanMemo`] to [`portfolio_margin_with`]: each series' premiums in every scenario,
//!    keyed by everything they depend on, so a later scan of the same series only
//!    multiplies them by its sizes, to the same result.
//! 2. **The fast distribution function.** Premiums use
//!    [`black76_premium_fast`](crate::options::black76_premium_fast): the formula of
//!    [`black76_premium`](crate::options::black76_premium), `d1` and `d2` to the same bits,
//!    with [`norm_cdf_fast`](crate::fixed_math::norm_cdf_fast) (within one unit of `Phi`).
//!    Each of its two distribution values is then within `2` units of the exact one's
//!    (both functions' bounds), which the forward and the strike multiply, and each
//!    product's truncation can add a unit: a premium per whole unit is within
//!    `D (F + K) + 2` units of 10^-18 of the exact one, `D` =
//!    [`FAST_PREMIUM_MAX_DEVIATION_PER_USD`] (2) with `F + K` in USD.
//! 3. **The allowance, against the account.** A series' value is `size x premium`, so it
//!    is within `|net size| x (D (F + K) + 2)` of the exact legs' values, plus a unit per
//!    leg and one per series for the truncation of each product (netting sums the sizes
//!    before multiplying). Summed over series at the highest scenario forward (the extreme
//!    up move), rounded up, this *allowance* is added to every scenario's loss (before an
//!    extreme loss is scaled by its fraction). A loss is `now - value`; `now` is every leg's
//!    mark (an option leg's own `mark`, see [`Leg::Option`], or exact Black-76 at the index
//!    when it has none), the same in both computations, so each fast loss is at least the
//!    one the exact distribution function gives from the same marks, and so is the worst.
//!    Perpetuals are revalued exactly: a book without options has no allowance and the
//!    same requirement to the unit.
//!
//! The allowance is tiny: 3 x 10^5 units (3 x 10^-13 USD) per whole unit of a 60,000
//! option, far below the settlement unit (10^-6 USD), so requirements in settlement
//! units almost never move; `docs/capital-efficiency.md` does not.
//!
//! **Across underlyings.** With no negative correlation, the combination `sqrt(L' R L)`
//! clamped to `[max L, sum L]`, its rounding included, never falls as any `L_i` rises, so
//! the portfolio requirement is at least the exact one. A negative correlation breaks that
//! (a larger requirement on one underlying can lower the combination), but only by `n`
//! times as much (where the square root is above `max L`, its slope in `L_i` is
//! `(R L)_i / sqrt(L' R L)`, at most `sum L / max L <= n`), and each `L_i` is at most twice
//! its allowance plus a unit above the exact one. So then [`portfolio_margin`] adds `n`
//! times those excesses summed, plus the combination's own rounding in both computations
//! (its quadratic form is within `2 n^2` units, which moves the square root by at most
//! `1.42 x 10^9 n` units; [`COMBINATION_ROUNDING_PER_UNDERLYING`] rounds that up to
//! `3 x 10^9` per underlying for the two), when any underlying has options.
//!
//! **The marks and the greeks.** The scan measures its losses from the marks the caller
//! gives (an option leg's `mark`, see [`Leg::Option`]): the account's equity counts them,
//! and the caller has already worked them out, so the scan prices nothing exactly. The net
//! greeks a report shows (exact Black-76, once per series) are a separate function,
//! [`greeks`], which no requirement needs.
//!
//! The benchmark `benches/portfolio.rs` measures one scan of 1, 16 and 50 unmarked legs
//! (the scan prices `now` itself): natively, from 0.77, 3.5 and 11.3 ms to about 0.02,
//! 0.17 and 0.55 ms. Compiled to wasm a scan takes several times as long as natively
//! (128-bit multiplication and division are library calls there); the runtime's whole
//! 16-leg check, marks and storage included, is benchmarked at 0.92 ms (`portfolio_check`
//! in `pallet-clearing`).
//!
//! Figures are [`FixedI128`] USD per whole unit inside; the requirements are settlement
//! units, rounded up.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	traits::{CheckedDiv, One, Zero},
	FixedI128, FixedPointNumber, Perbill,
};

use crate::{
	fixed_math::{
		checked_add as add, checked_div as div, checked_mul as mul, checked_sub as sub, ln, sqrt,
	},
	options::{
		black76, black76_price, half_variance, scan_premium, Black76, OptionKind, Valuation,
		FAST_PREMIUM_MAX_DEVIATION_PER_USD, FAST_PREMIUM_MAX_DEVIATION_ROUNDING,
	},
	RiskError,
};

/// The most price points a scan may have.
pub const MAX_PRICE_POINTS: u32 = 33;

/// Days in a year, for option expiries.
pub const DAYS_PER_YEAR: i128 = 365;

/// The scenario grid and the other parameters of portfolio margin (governance sets them).
/// The figures in the fields' docs are the standard grid's ([`ScenarioGrid::STANDARD`]).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScenarioGrid {
	/// The largest price move of the regular scenarios, as a share of the index (e.g. 5%).
	pub price_range: Perbill,
	/// How many evenly spaced moves from `-range` to `+range` (odd, 3 to 33; 17).
	pub price_points: u32,
	/// The volatility-up shock, as a share of the volatility (e.g. 65%: 60% becomes 99%).
	pub vol_up: Perbill,
	/// The volatility-down shock, as a share of the volatility (e.g. 30%: 60% becomes 42%).
	pub vol_down: Perbill,
	/// Options with fewer days left get a larger vol-up shock (e.g. 30).
	pub short_expiry_days: u32,
	/// The most the vol-up shock is scaled for short expiries (e.g. 3).
	pub max_short_expiry_scale: u32,
	/// Extreme moves, as a multiple of the range (e.g. 3).
	pub extreme_multiple: u32,
	/// The share of an extreme move's loss that counts (e.g. 33%).
	pub extreme_fraction: Perbill,
	/// Minimum per whole unit of every short option, as a share of the index (e.g. 1%).
	pub short_option_minimum: Perbill,
	/// Maintenance as a share of the initial requirement (e.g. 80%).
	pub maintenance_factor: Perbill,
}

impl ScenarioGrid {
	/// The standard grid, the runtime's default: moves of up to 5% in 17 points, volatility
	/// 65% up (up to three times that for options within 30 days of expiry) or 30% down,
	/// extreme moves of 3 x 5% counted at 33%, a short-option minimum of 1% of the index,
	/// maintenance at 80% of initial. The vol-up shock is that large so that maintenance
	/// alone (80% of it, 52%) covers an instantaneous jump of implied volatility by half:
	/// `docs/capital-efficiency.md` backtests books at exactly maintenance through such
	/// jumps, and with a 30% shock a short straddle ended below zero.
	pub const STANDARD: ScenarioGrid = ScenarioGrid {
		price_range: Perbill::from_parts(50_000_000),
		price_points: 17,
		vol_up: Perbill::from_parts(650_000_000),
		vol_down: Perbill::from_parts(300_000_000),
		short_expiry_days: 30,
		max_short_expiry_scale: 3,
		extreme_multiple: 3,
		extreme_fraction: Perbill::from_parts(330_000_000),
		short_option_minimum: Perbill::from_parts(10_000_000),
		maintenance_factor: Perbill::from_parts(800_000_000),
	};

	/// Checks the grid: a positive range, an odd number of points from 3 to
	/// [`MAX_PRICE_POINTS`], a vol-down shock below 100%, scales and multiples of at least
	/// one, and a positive maintenance factor.
	pub fn validate(&self) -> Result<(), RiskError> {
		let points_ok =
			(3..=MAX_PRICE_POINTS).contains(&self.price_points) && self.price_points % 2 == 1;
		if self.price_range.is_zero()
			|| !points_ok
			|| self.vol_down == Perbill::one()
			|| self.max_short_expiry_scale == 0
			|| self.extreme_multiple == 0
			|| self.maintenance_factor.is_zero()
		{
			return Err(RiskError::InvalidScenarioGrid);
		}
		Ok(())
	}
}

/// One position on an underlying, sizes in whole units of the underlying (signed: long is
/// positive).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Leg {
	/// A perpetual.
	Perpetual {
		/// Whole units, signed.
		size: FixedI128,
		/// Its mark, when it differs from the index (a perpetual trades within a band of
		/// it): the scan moves the mark by the same share as the index, so the position
		/// risks `size x mark x move`, as cross margin's notional counts it. `None` for the
		/// index.
		mark: Option<FixedI128>,
	},
	/// A European option on the underlying.
	Option {
		/// Call or put.
		kind: OptionKind,
		/// USD per whole unit.
		strike: FixedI128,
		/// Time to expiry in years.
		years: FixedI128,
		/// Whole units of the underlying the position covers, signed.
		size: FixedI128,
		/// Its premium per whole unit now, USD, as the account is marked: every scenario's
		/// loss is measured from it. `None` to have the scan price it by Black-76 at the
		/// index and the book's volatility.
		mark: Option<FixedI128>,
	},
}

/// Everything on one underlying.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UnderlyingBook<'a> {
	/// The index price, USD per whole unit.
	pub index: FixedI128,
	/// The implied volatility options are marked with (annualized).
	pub volatility: FixedI128,
	/// The positions.
	pub legs: &'a [Leg],
	/// This underlying's price range, when it is not the grid's: adaptive margin scales it
	/// with the underlying's initial fraction (see [`crate::adaptive`]).
	pub price_range: Option<Perbill>,
}

/// One underlying's figures.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct UnderlyingRisk {
	/// The worst scenario loss (zero when no scenario loses), USD.
	pub worst_loss: FixedI128,
	/// The price move of the worst scenario, as a signed share of the index (18 decimals).
	pub worst_move: FixedI128,
	/// The short-option minimum, USD.
	pub short_option_minimum: FixedI128,
	/// `worst_loss + short_option_minimum`, USD.
	pub requirement: FixedI128,
}

/// One underlying's net greeks ([`greeks`]): what a report shows, which no requirement
/// needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Greeks {
	/// Net delta (whole units of the underlying).
	pub delta: FixedI128,
	/// Net gamma (whole units per USD).
	pub gamma: FixedI128,
	/// Net vega (USD per unit of volatility).
	pub vega: FixedI128,
}

/// A book's portfolio margin.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct PortfolioMargin {
	/// Per underlying, in the order given.
	pub underlyings: Vec<UnderlyingRisk>,
	/// The combined requirement, settlement units, rounded up.
	pub initial_requirement: u128,
	/// `initial_requirement x maintenance_factor`, rounded up.
	pub maintenance_requirement: u128,
}

/// A Perbill as an 18-decimal fraction (exact: a part per billion is 10^9 units).
fn share(fraction: Perbill) -> FixedI128 {
	FixedI128::from_inner(i128::from(fraction.deconstruct()) * 1_000_000_000)
}

/// A leg on an option: Black-76 at `forward` and `volatility`, undiscounted.
fn value_option(
	kind: OptionKind,
	strike: FixedI128,
	years: FixedI128,
	forward: FixedI128,
	volatility: FixedI128,
) -> Result<Valuation, RiskError> {
	black76(&Black76 { kind, forward, strike, years, volatility, rate: FixedI128::zero() })
}

/// An option series as the scan revalues it: the book's legs of one kind, strike and
/// expiry, netted, so that each series is revalued once per scenario however many legs it
/// has.
#[derive(Clone, Copy)]
struct ScanSeries {
	kind: OptionKind,
	strike: FixedI128,
	years: FixedI128,
	/// The legs' sizes summed (whole units, signed).
	size: FixedI128,
	/// How many legs it nets (each can add a unit of rounding, see [`scan_allowance`]).
	legs: i128,
}

/// A perpetual's size in index terms, `size x mark / index`: what moves its value by
/// `size x mark x move` when the index moves by `move`.
fn perpetual_exposure(
	size: FixedI128,
	mark: Option<FixedI128>,
	index: FixedI128,
) -> Result<FixedI128, RiskError> {
	match mark {
		Some(mark) if mark != index => div(mul(size, mark)?, index),
		_ => Ok(size),
	}
}

/// The vol-up shock of an option with `years` left: scaled up for short expiries.
fn vol_up_shock(grid: &ScenarioGrid, years: FixedI128) -> Result<FixedI128, RiskError> {
	let shock = share(grid.vol_up);
	let days = mul(years, FixedI128::saturating_from_integer(DAYS_PER_YEAR))?;
	let threshold = FixedI128::saturating_from_integer(grid.short_expiry_days);
	if days >= threshold {
		return Ok(shock);
	}
	let cap = FixedI128::saturating_from_integer(grid.max_short_expiry_scale);
	// A day at least, so that an option expiring now is not scaled without bound.
	let days = days.max(FixedI128::one());
	let scale = sqrt(threshold.checked_div(&days).ok_or(RiskError::Overflow)?)?.min(cap);
	mul(shock, scale)
}

/// An underlying's net greeks: perpetuals count their size in delta, options their exact
/// Black-76 greeks at the index and the book's volatility (once per series), so that they
/// are the marks' to the unit when the marks use the book's volatility.
pub fn greeks(book: &UnderlyingBook) -> Result<Greeks, RiskError> {
	let mut greeks = Greeks::default();
	let mut valued: Vec<((OptionKind, FixedI128, FixedI128), Valuation)> = Vec::new();
	for leg in book.legs {
		match *leg {
			Leg::Perpetual { size, .. } => greeks.delta = add(greeks.delta, size)?,
			Leg::Option { kind, strike, years, size, .. } => {
				let series = (kind, strike, years);
				let valuation = match valued.iter().find(|(s, _)| *s == series) {
					Some((_, valuation)) => *valuation,
					None => {
						let valuation =
							value_option(kind, strike, years, book.index, book.volatility)?;
						valued.push((series, valuation));
						valuation
					},
				};
				greeks.delta = add(greeks.delta, mul(size, valuation.delta)?)?;
				greeks.gamma = add(greeks.gamma, mul(size, valuation.gamma)?)?;
				greeks.vega = add(greeks.vega, mul(size, valuation.vega)?)?;
			},
		}
	}
	Ok(greeks)
}

/// The price moves of the regular scan, as signed shares of the index.
fn price_moves(grid: &ScenarioGrid) -> Result<Vec<FixedI128>, RiskError> {
	let range = share(grid.price_range);
	let steps = i128::from(grid.price_points - 1);
	(0..=steps)
		.map(|j| {
			// -range + 2 range j / steps
			let step = FixedI128::saturating_from_rational(2 * j - steps, steps);
			mul(range, step)
		})
		.collect()
}

/// One underlying's worst loss, its move and its requirement.
pub fn underlying_risk(
	grid: &ScenarioGrid,
	book: &UnderlyingBook,
) -> Result<UnderlyingRisk, RiskError> {
	scan_underlying(grid, book, &mut ScanMemo::default()).map(|(risk, _)| risk)
}

/// The most the fast scan's premiums, netted and summed, differ from the exact ones at a
/// forward of at most `top_forward`, in units of 10^-18 USD (see the module docs): per
/// series, `|net size| x ((F + K) x FAST_PREMIUM_MAX_DEVIATION_PER_USD +
/// FAST_PREMIUM_MAX_DEVIATION_ROUNDING)` rounded up, plus one unit per leg and one per
/// series for the truncation of the sizes' products.
fn scan_allowance(series: &[ScanSeries], top_forward: FixedI128) -> Result<FixedI128, RiskError> {
	let unit = FixedI128::from_inner(1);
	let mut allowance = FixedI128::zero();
	for series in series {
		let per_usd = FixedI128::from_inner(FAST_PREMIUM_MAX_DEVIATION_PER_USD);
		// Per whole unit of the option: the truncated product plus one rounds it up.
		let per_unit = add(
			add(mul(add(top_forward, series.strike)?, per_usd)?, unit)?,
			FixedI128::from_inner(FAST_PREMIUM_MAX_DEVIATION_ROUNDING),
		)?;
		let netted = add(mul(series.size.saturating_abs(), per_unit)?, unit)?;
		let rounding =
			FixedI128::from_inner(series.legs.checked_add(1).ok_or(RiskError::Overflow)?);
		allowance = add(allowance, add(netted, rounding)?)?;
	}
	Ok(allowance)
}

/// [`underlying_risk`], and the most its requirement can exceed the one the exact
/// distribution function would give (twice the allowance, and a unit for the extreme
/// scenarios' fraction): [`portfolio_margin`] needs it to stay conservative under negative
/// correlations.
fn scan_underlying(
	grid: &ScenarioGrid,
	book: &UnderlyingBook,
	memo: &mut ScanMemo,
) -> Result<(UnderlyingRisk, FixedI128), RiskError> {
	let grid = &ScenarioGrid { price_range: book.price_range.unwrap_or(grid.price_range), ..*grid };
	let one = FixedI128::one();
	// Legs of the same series net into one size, so the scan revalues each series once.
	let mut exposures = Vec::new();
	let mut series: Vec<ScanSeries> = Vec::new();
	// Per leg, its series (None for a perpetual).
	let mut series_of_leg = Vec::with_capacity(book.legs.len());
	for leg in book.legs {
		match *leg {
			Leg::Perpetual { size, mark } => {
				exposures.push(perpetual_exposure(size, mark, book.index)?);
				series_of_leg.push(None);
			},
			Leg::Option { kind, strike, years, size, .. } => {
				let same =
					|s: &ScanSeries| s.kind == kind && s.strike == strike && s.years == years;
				if let Some(index) = series.iter().position(same) {
					let netted = &mut series[index];
					netted.size = add(netted.size, size)?;
					netted.legs += 1;
					series_of_leg.push(Some(index));
					continue;
				}
				series_of_leg.push(Some(series.len()));
				series.push(ScanSeries { kind, strike, years, size, legs: 1 });
			},
		}
	}

	// The book now, measured from the marks (an option leg without one is priced by exact
	// Black-76, once per series), and its short-option minimum.
	let mut now = FixedI128::zero();
	let mut minimum = FixedI128::zero();
	let minimum_per_short_unit = mul(book.index, share(grid.short_option_minimum))?;
	let mut premiums: Vec<Option<FixedI128>> = alloc::vec![None; series.len()];
	for (leg, series_index) in book.legs.iter().zip(series_of_leg) {
		match (*leg, series_index) {
			(Leg::Perpetual { size, mark }, _) => {
				now = add(now, mul(perpetual_exposure(size, mark, book.index)?, book.index)?)?;
			},
			(Leg::Option { kind, strike, years, size, mark }, Some(index)) => {
				let premium = match (mark, premiums[index]) {
					(Some(mark), _) => mark,
					(None, Some(premium)) => premium,
					(None, None) => {
						let premium = black76_price(&Black76 {
							kind,
							forward: book.index,
							strike,
							years,
							volatility: book.volatility,
							rate: FixedI128::zero(),
						})?;
						premiums[index] = Some(premium);
						premium
					},
				};
				now = add(now, mul(size, premium)?)?;
				if size < FixedI128::zero() {
					minimum = add(minimum, mul(-size, minimum_per_short_unit)?)?;
				}
			},
			// Never: every option leg was given its series above.
			(Leg::Option { .. }, None) => return Err(RiskError::Overflow),
		}
	}

	// The scenarios: (move, price, volatility scenario or None for an extreme move, which
	// counts at a fraction and keeps the volatility).
	let mut scenarios = Vec::with_capacity(grid.price_points as usize * 3 + 2);
	for moved in price_moves(grid)? {
		let price = mul(book.index, add(one, moved)?)?;
		for vol_scenario in 0..3 {
			scenarios.push((moved, price, Some(vol_scenario)));
		}
	}
	let extreme =
		mul(share(grid.price_range), FixedI128::saturating_from_integer(grid.extreme_multiple))?;
	for moved in [extreme, -extreme] {
		// A move of 100% or more takes the price to zero at most.
		let price = mul(book.index, add(one, moved)?)?.max(FixedI128::from_inner(1));
		scenarios.push((moved, price, None));
	}

	// Each series' fast premium in every scenario, in the scenarios' order: from the memo
	// when an earlier scan in the same call revalued it on this grid at this index and
	// volatility, otherwise worked out into it.
	let context = |item: &ScanSeries| SeriesContext {
		kind: item.kind,
		strike: item.strike,
		years: item.years,
		index: book.index,
		volatility: book.volatility,
		grid: *grid,
	};
	let mut shared: Option<ScenarioShared> = None;
	for item in &series {
		if memo.find(&context(item)).is_some() {
			continue;
		}
		let shared = match shared.as_ref() {
			Some(shared) => shared,
			None => shared.insert(ScenarioShared::new(grid, book, &scenarios)?),
		};
		memo.keep(context(item), revalue_series(grid, book, shared, &scenarios, item)?);
	}
	let series_premiums = series
		.iter()
		.map(|item| memo.find(&context(item)).ok_or(RiskError::Overflow))
		.collect::<Result<Vec<_>, _>>()?;

	// Every loss counts the fast premiums' largest possible shortfall against the exact
	// ones at the highest forward, so that no scenario loses less than the exact
	// distribution function would make it lose (zero without options: perpetuals are exact).
	let top_forward = scenarios.iter().map(|s| s.1).max().unwrap_or(book.index);
	let allowance = scan_allowance(&series, top_forward)?;

	let mut worst = (FixedI128::zero(), FixedI128::zero());
	for (at, (moved, price, vol_scenario)) in scenarios.into_iter().enumerate() {
		let mut value = FixedI128::zero();
		for &exposure in &exposures {
			value = add(value, mul(exposure, price)?)?;
		}
		for (item, premiums) in series.iter().zip(&series_premiums) {
			let premium = *premiums.get(at).ok_or(RiskError::Overflow)?;
			value = add(value, mul(item.size, premium)?)?;
		}
		let loss = add(sub(now, value)?, allowance)?;
		let loss = match vol_scenario {
			Some(_) => loss,
			None => mul(loss, share(grid.extreme_fraction))?,
		};
		if loss > worst.0 {
			worst = (loss, moved);
		}
	}
	// How far above the exact requirement this one can be: the allowance, twice (the
	// premiums can also err the other way), and the extreme fraction's truncation.
	let excess = if series.is_empty() {
		FixedI128::zero()
	} else {
		add(add(allowance, allowance)?, FixedI128::from_inner(1))?
	};

	Ok((
		UnderlyingRisk {
			worst_loss: worst.0,
			worst_move: worst.1,
			short_option_minimum: minimum,
			requirement: add(worst.0, minimum)?,
		},
		excess,
	))
}

/// What every series' revaluation shares in a scan: the vol-down volatility and each
/// scenario's `ln(price / index)` (a series' `ln(F / K)` there is its own `ln(index / K)`
/// plus that).
struct ScenarioShared {
	vol_down: FixedI128,
	log_moves: Vec<FixedI128>,
}

impl ScenarioShared {
	fn new(
		grid: &ScenarioGrid,
		book: &UnderlyingBook,
		scenarios: &[(FixedI128, FixedI128, Option<usize>)],
	) -> Result<Self, RiskError> {
		let vol_down = mul(book.volatility, sub(FixedI128::one(), share(grid.vol_down))?)?;
		// A price's three volatility scenarios follow each other: one logarithm for them.
		let mut log_moves: Vec<FixedI128> = Vec::with_capacity(scenarios.len());
		let mut last: Option<(FixedI128, FixedI128)> = None;
		for (_, price, _) in scenarios {
			let log_move = match last {
				Some((last_price, log_move)) if last_price == *price => log_move,
				_ => ln(div(*price, book.index)?)?,
			};
			last = Some((*price, log_move));
			log_moves.push(log_move);
		}
		Ok(Self { vol_down, log_moves })
	}
}

/// One series' fast premium in every scenario: its `s sqrt(T)` and `s^2 T / 2` in the
/// vol-up, unchanged and vol-down scenarios (the vol-up shock depends on its expiry, not
/// on the price) and `ln(index / strike)`, worked out once.
fn revalue_series(
	grid: &ScenarioGrid,
	book: &UnderlyingBook,
	shared: &ScenarioShared,
	scenarios: &[(FixedI128, FixedI128, Option<usize>)],
	series: &ScanSeries,
) -> Result<Vec<FixedI128>, RiskError> {
	const VOL_UNCHANGED: usize = 1;
	let one = FixedI128::one();
	let root_t = sqrt(series.years)?;
	let up = mul(book.volatility, add(one, vol_up_shock(grid, series.years)?)?)?;
	let log_moneyness = ln(div(book.index, series.strike)?)?;
	let sigma_root_t =
		[mul(up, root_t)?, mul(book.volatility, root_t)?, mul(shared.vol_down, root_t)?];
	let half_variance = [
		half_variance(sigma_root_t[0])?,
		half_variance(sigma_root_t[1])?,
		half_variance(sigma_root_t[2])?,
	];
	scenarios
		.iter()
		.zip(&shared.log_moves)
		.map(|((_, price, vol_scenario), log_move)| {
			let vol = vol_scenario.unwrap_or(VOL_UNCHANGED);
			scan_premium(
				series.kind,
				*price,
				series.strike,
				add(log_moneyness, *log_move)?,
				sigma_root_t[vol],
				half_variance[vol],
			)
		})
		.collect()
}

/// What a series' scenario premiums depend on besides its own terms: the index, the
/// volatility and the grid (its price range the underlying's).
#[derive(Clone, Copy, PartialEq, Eq)]
struct SeriesContext {
	kind: OptionKind,
	strike: FixedI128,
	years: FixedI128,
	index: FixedI128,
	volatility: FixedI128,
	grid: ScenarioGrid,
}

/// Scenario premiums worked out by earlier scans, for later ones over the same series at
/// the same index, volatility and grid ([`portfolio_margin_with`]): a call that checks an
/// account more than once (a liquidation before and after its closes, a taker after each
/// fill) revalues each series once. Keyed by everything the premiums depend on, so a
/// stale entry can never be found: a scan at another index or volatility misses.
#[derive(Default)]
pub struct ScanMemo {
	entries: Vec<(SeriesContext, Vec<FixedI128>)>,
}

impl ScanMemo {
	fn find(&self, context: &SeriesContext) -> Option<&[FixedI128]> {
		self.entries.iter().find(|(key, _)| key == context).map(|(_, premiums)| &premiums[..])
	}

	fn keep(&mut self, context: SeriesContext, premiums: Vec<FixedI128>) {
		self.entries.push((context, premiums));
	}

	/// How many series' premiums it holds.
	pub fn len(&self) -> usize {
		self.entries.len()
	}

	/// Whether it holds none.
	pub fn is_empty(&self) -> bool {
		self.entries.is_empty()
	}
}

/// Checks a correlation matrix for `n` underlyings (row-major): ones on the diagonal,
/// symmetric, every entry in `[-1, 1]`.
pub fn validate_correlations(correlations: &[FixedI128], n: usize) -> Result<(), RiskError> {
	if correlations.len() != n * n {
		return Err(RiskError::InvalidCorrelations);
	}
	let one = FixedI128::one();
	for i in 0..n {
		for j in 0..n {
			let entry = correlations[i * n + j];
			let valid = if i == j {
				entry == one
			} else {
				entry == correlations[j * n + i] && entry <= one && entry >= -one
			};
			if !valid {
				return Err(RiskError::InvalidCorrelations);
			}
		}
	}
	Ok(())
}

/// The portfolio margin of `books` (one per underlying), combined with `correlations`
/// (row-major, `books.len()` squared), in settlement units of `quote_decimals`.
pub fn portfolio_margin(
	grid: &ScenarioGrid,
	books: &[UnderlyingBook],
	correlations: &[FixedI128],
	quote_decimals: u8,
) -> Result<PortfolioMargin, RiskError> {
	portfolio_margin_with(grid, books, correlations, quote_decimals, &mut ScanMemo::default())
}

/// [`portfolio_margin`], taking series' scenario premiums from `memo` where an earlier scan
/// worked them out at the same index, volatility and grid, and keeping the ones it works
/// out: the same result to the unit, with each series revalued once per memo.
pub fn portfolio_margin_with(
	grid: &ScenarioGrid,
	books: &[UnderlyingBook],
	correlations: &[FixedI128],
	quote_decimals: u8,
	memo: &mut ScanMemo,
) -> Result<PortfolioMargin, RiskError> {
	grid.validate()?;
	validate_correlations(correlations, books.len())?;
	let (underlyings, excesses): (Vec<_>, Vec<_>) = books
		.iter()
		.map(|book| scan_underlying(grid, book, memo))
		.collect::<Result<Vec<_>, _>>()?
		.into_iter()
		.unzip();
	let n = underlyings.len();
	let mut sum = FixedI128::zero();
	let mut largest = FixedI128::zero();
	let mut quadratic = FixedI128::zero();
	for i in 0..n {
		let l_i = underlyings[i].requirement;
		sum = add(sum, l_i)?;
		largest = largest.max(l_i);
		for j in 0..n {
			let term = mul(mul(l_i, underlyings[j].requirement)?, correlations[i * n + j])?;
			quadratic = add(quadratic, term)?;
		}
	}
	// A negative form (strong negative correlations) offsets down to the largest alone.
	let combined = sqrt(quadratic.max(FixedI128::zero()))?.max(largest).min(sum);
	// With a negative correlation, a larger requirement on one underlying can lower the
	// combination, so the fast scan's conservative figures no longer carry over by
	// themselves: add the most the combination can have moved (module docs).
	let combined =
		if correlations.iter().any(|c| c.is_negative()) && excesses.iter().any(|e| !e.is_zero()) {
			add(combined, combination_slack(&excesses)?)?
		} else {
			combined
		};
	let initial = to_settlement_units(combined, quote_decimals)?;
	Ok(PortfolioMargin {
		underlyings,
		initial_requirement: initial,
		maintenance_requirement: grid.maintenance_factor.mul_ceil(initial),
	})
}

/// Units of 10^-18 USD per underlying that cover the combination's own rounding (module
/// docs, "Across underlyings"): its
/// quadratic form is within `2 n^2` units of its exact value, which moves the square root
/// by at most `sqrt(2 n^2 x 10^-18)` USD, `1.42 x 10^9 n` units, in each of the two
/// computations compared (module docs).
pub const COMBINATION_ROUNDING_PER_UNDERLYING: i128 = 3_000_000_000;

/// What [`portfolio_margin`] adds under negative correlations: `n` times the underlyings'
/// excesses summed (the combination moves at most `n` times as much as any one
/// requirement), plus its own rounding, twice.
fn combination_slack(excesses: &[FixedI128]) -> Result<FixedI128, RiskError> {
	let n = i128::try_from(excesses.len()).map_err(|_| RiskError::Overflow)?;
	let mut total = FixedI128::zero();
	for excess in excesses {
		total = add(total, *excess)?;
	}
	let lipschitz = mul(total, FixedI128::saturating_from_integer(n))?;
	let rounding = n
		.checked_mul(COMBINATION_ROUNDING_PER_UNDERLYING)
		.and_then(|r| r.checked_add(2))
		.ok_or(RiskError::Overflow)?;
	add(lipschitz, FixedI128::from_inner(rounding))
}

/// USD as settlement units, rounded up.
fn to_settlement_units(usd: FixedI128, quote_decimals: u8) -> Result<u128, RiskError> {
	let raw = usd.into_inner().max(0) as u128;
	let unit = 10u128.checked_pow(u32::from(quote_decimals)).ok_or(RiskError::Overflow)?;
	crate::types::mul_div(raw, unit, FixedI128::DIV as u128, sp_arithmetic::Rounding::Up)
}
