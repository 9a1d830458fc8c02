//! Safety bands hold what they claim: for random cross books (perpetuals long and short
//! across tiers, calls and puts long and short, collateral on the same keys, debt) and
//! random moves inside the box (marks anywhere in their band, volatility up, time forward
//! to expiry and past it, funding at its cap), health never goes below zero.
//! 1,000 cases, or `PROPTEST_CASES`.

use proptest::prelude::*;
use risk_engine::{
	bands::{
		band_edges, band_width, holding_sensitivity, leg_band, LegMarket, OptionModel, Sensitivity,
	},
	options::{black76_price_fast, Black76, OptionKind},
	*,
};
use sp_arithmetic::{
	traits::{One, Saturating},
	FixedI128, FixedPointNumber, FixedU128, Perbill,
};

fn config() -> ProptestConfig {
	let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000);
	ProptestConfig { cases, ..ProptestConfig::default() }
}

const KEYS: usize = 3;
const QUOTE_DECIMALS: u8 = 6;
const SIZE_DECIMALS: u8 = 8;
const MAX_WIDTH: Perbill = Perbill::from_percent(25);

/// One position: a perpetual or an option on key `key`.
#[derive(Clone, Debug)]
struct Leg {
	key: usize,
	/// Whole units times 1000, signed.
	milli_units: i64,
	/// Entry price as a share of the index, in per mille.
	entry_per_mille: u32,
	mark_band: Perbill,
	funding_share: Perbill,
	tiers: Vec<MarginTier>,
	option: Option<(OptionKind, u32, u32, u32)>, // kind, strike per mille of index, days, vol %
}

#[derive(Clone, Debug)]
struct Book {
	indexes: [u64; KEYS],
	legs: Vec<Leg>,
	holdings: Vec<(usize, u64, Perbill)>, // key, whole tokens, maintenance haircut
	/// Health aimed for, in parts per thousand of the book's index notional.
	cushion_per_mille: u32,
}

fn tiers() -> impl Strategy<Value = Vec<MarginTier>> {
	(1u32..=10, 1u32..=5, 0u128..=3).prop_map(|(maintenance, step, extra)| {
		let first = Perbill::from_percent(maintenance);
		let mut tiers = vec![MarginTier {
			notional_floor: 0,
			initial_fraction: Perbill::from_percent(maintenance * 2),
			maintenance_fraction: first,
		}];
		for i in 1..=extra {
			let maintenance = Perbill::from_percent(maintenance + step * i as u32);
			tiers.push(MarginTier {
				notional_floor: 50_000_000_000 * i,
				initial_fraction: Perbill::from_percent(
					(maintenance.deconstruct() / 10_000_000) * 2,
				),
				maintenance_fraction: maintenance,
			});
		}
		tiers
	})
}

fn leg() -> impl Strategy<Value = Leg> {
	(
		0..KEYS,
		prop_oneof![-20_000i64..=-1, 1i64..=20_000],
		900u32..=1_100,
		prop_oneof![Just(5u32), Just(50), Just(100)],
		0u32..=10_000,
		tiers(),
		prop::option::of((
			prop_oneof![Just(OptionKind::Call), Just(OptionKind::Put)],
			500u32..=1_500,
			0u32..=365,
			5u32..=150,
		)),
	)
		.prop_map(|(key, milli_units, entry_per_mille, band, funding, tiers, option)| Leg {
			key,
			milli_units,
			entry_per_mille,
			mark_band: Perbill::from_parts(band * 1_000_000),
			funding_share: Perbill::from_parts(funding * 1_000),
			tiers,
			option,
		})
}

fn book() -> impl Strategy<Value = Book> {
	(
		[10u64..=100_000, 10u64..=100_000, 10u64..=100_000],
		prop::collection::vec(leg(), 1..=5),
		prop::collection::vec((0..KEYS, 0u64..=1_000, 50u32..=100), 0..=2),
		0u32..=300,
	)
		.prop_map(|(indexes, legs, holdings, cushion_per_mille)| Book {
			indexes,
			legs,
			holdings: holdings
				.into_iter()
				.map(|(key, tokens, haircut)| (key, tokens, Perbill::from_percent(haircut)))
				.collect(),
			cushion_per_mille,
		})
}

/// Where prices, time and funding stand in one state of the world.
#[derive(Clone, Debug)]
struct World {
	indexes: [Price; KEYS],
	/// Implied volatility per key (%), scaled by `volatility_scale`.
	volatility_scale: FixedU128,
	/// Each leg's mark place in its band (0..=1000).
	mark_places: Vec<u32>,
	/// Share of the days to expiry still left, per mille.
	time_left_per_mille: u32,
	/// Share of each leg's funding allowance charged, per mille.
	funding_per_mille: u32,
	/// Settlement price offset from the index at expiry, per mille of a tick (-1000..=1000).
	settlement_offset: i32,
}

fn price_of(whole: u64) -> Price {
	FixedU128::saturating_from_integer(whole)
}

fn scale() -> UnitScale {
	UnitScale::new(SIZE_DECIMALS, QUOTE_DECIMALS)
}

fn units(leg: &Leg) -> i128 {
	leg.milli_units as i128 * 100_000
}

fn tick() -> Price {
	FixedU128::from_rational(1, 100)
}

fn option_terms(leg: &Leg, base_index: Price) -> Option<(OptionKind, Price, FixedI128, Price)> {
	let (kind, strike, days, vol) = leg.option?;
	let strike = base_index.saturating_mul(FixedU128::from_rational(strike as u128, 1_000));
	let years = FixedI128::from_rational(days as u128, 365);
	Some((kind, strike, years, FixedU128::from_rational(vol as u128, 100)))
}

fn signed(price: Price) -> FixedI128 {
	FixedI128::from_inner(price.into_inner() as i128)
}

fn payoff(kind: OptionKind, strike: Price, price: Price) -> Price {
	match kind {
		OptionKind::Call => price.saturating_sub(strike),
		OptionKind::Put => strike.saturating_sub(price),
	}
}

/// The option's mark in `world` (expired: the payoff at a settlement price within a tick).
fn option_mark(
	kind: OptionKind,
	strike: Price,
	years: FixedI128,
	volatility: Price,
	index: Price,
	settlement_offset: i32,
) -> Price {
	if years.into_inner() == 0 {
		let offset = tick().saturating_mul(FixedU128::from_rational(
			settlement_offset.unsigned_abs() as u128,
			1_000,
		));
		let settlement = if settlement_offset >= 0 {
			index.saturating_add(offset)
		} else {
			index.saturating_sub(offset)
		};
		return payoff(kind, strike, settlement);
	}
	let premium = black76_price_fast(&Black76 {
		kind,
		forward: signed(index),
		strike: signed(strike),
		years,
		volatility: signed(volatility),
		rate: FixedI128::from_inner(0),
	})
	.unwrap();
	FixedU128::from_inner(premium.into_inner().max(0) as u128)
}

/// Each leg's exposure in `world`, with its entry fixed against the base prices.
fn health_in(
	book: &Book,
	base: &[Price; KEYS],
	world: &World,
	settlement_balance: i128,
) -> CrossMargin {
	let mut exposures = Vec::new();
	for (index, leg) in book.legs.iter().enumerate() {
		let size = units(leg);
		let base_index = base[leg.key];
		let index_now = world.indexes[leg.key];
		let entry =
			base_index.saturating_mul(FixedU128::from_rational(leg.entry_per_mille as u128, 1_000));
		let (mark, option, funding_index) = match option_terms(leg, base_index) {
			Some((kind, strike, years, volatility)) => {
				let years = years.saturating_mul(FixedI128::from_rational(
					world.time_left_per_mille as u128,
					1_000,
				));
				let volatility = volatility.saturating_mul(world.volatility_scale);
				let mark = option_mark(
					kind,
					strike,
					years,
					volatility,
					index_now,
					world.settlement_offset,
				);
				(
					mark,
					Some(OptionTerms { kind, strike, underlying: index_now }),
					FixedI128::from_inner(0),
				)
			},
			None => {
				let band = FixedU128::from(leg.mark_band);
				let low = index_now.saturating_sub(index_now.saturating_mul(band));
				let high = index_now.saturating_add(index_now.saturating_mul(band));
				let place = FixedU128::from_rational(world.mark_places[index] as u128, 1_000);
				let mark = low.saturating_add(high.saturating_sub(low).saturating_mul(place));
				// Funding against the position: up to its share of the box's top mark.
				let top = base_index
					.saturating_mul(FixedU128::one() + band)
					.saturating_mul(FixedU128::one() + MAX_WIDTH.into());
				let charged =
					FixedU128::from(leg.funding_share).saturating_mul(top).saturating_mul(
						FixedU128::from_rational(world.funding_per_mille as u128, 1_000),
					);
				let charged = signed(charged);
				let funding_index = if size > 0 {
					charged
				} else {
					FixedI128::from_inner(0).saturating_sub(charged)
				};
				(mark, None, funding_index)
			},
		};
		let cost = scale().signed_value(size, entry, SignedRounding::TowardZero).unwrap();
		exposures.push((
			Position { size, cost, funding_index: FixedI128::from_inner(0) },
			mark,
			funding_index,
			option,
			index,
		));
	}
	let holdings: Vec<CollateralHolding> = book
		.holdings
		.iter()
		.map(|(key, tokens, haircut)| CollateralHolding {
			amount: *tokens as u128 * 1_000_000_000_000_000_000,
			price: world.indexes[*key],
			params: CollateralParams {
				decimals: 18,
				initial_haircut: *haircut,
				maintenance_haircut: *haircut,
			},
		})
		.collect();
	let exposures: Vec<PerpExposure> = exposures
		.iter()
		.map(|(position, mark, funding_index, option, index)| PerpExposure {
			position: *position,
			mark: *mark,
			funding_index: *funding_index,
			scale: scale(),
			tiers: &book.legs[*index].tiers,
			open_orders: OpenOrders::default(),
			option: *option,
		})
		.collect();
	cross_margin(&CrossAccount {
		settlement_balance,
		settlement_weights: LiabilityWeights::uniform(FixedU128::from_rational(11, 10)),
		quote_decimals: QUOTE_DECIMALS,
		collateral: &holdings,
		liabilities: &[],
		positions: &exposures,
	})
	.unwrap()
}

/// The book's band at the base world: width (or `None`) and each key's sensitivity.
fn band_of(
	book: &Book,
	base: &[Price; KEYS],
	world: &World,
	settlement_balance: i128,
) -> (Option<Perbill>, [Sensitivity; KEYS], [Sensitivity; KEYS]) {
	let health = health_in(book, base, world, settlement_balance).health;
	let mut index_rates = [Sensitivity::default(); KEYS];
	let mut volatility_rates = [Sensitivity::default(); KEYS];
	let mut reserve = 0u128;
	for (index, leg) in book.legs.iter().enumerate() {
		let base_index = base[leg.key];
		let entry =
			base_index.saturating_mul(FixedU128::from_rational(leg.entry_per_mille as u128, 1_000));
		let size = units(leg);
		let terms = option_terms(leg, base_index);
		let (mark, option, model) = match terms {
			Some((kind, strike, years, volatility)) => (
				option_mark(kind, strike, years, volatility, base_index, 0),
				Some(OptionTerms { kind, strike, underlying: base_index }),
				Some(OptionModel { years, volatility, settlement_tick: tick() }),
			),
			None => {
				let band = FixedU128::from(leg.mark_band);
				let low = base_index.saturating_sub(base_index.saturating_mul(band));
				let high = base_index.saturating_add(base_index.saturating_mul(band));
				let place = FixedU128::from_rational(world.mark_places[index] as u128, 1_000);
				(low.saturating_add(high.saturating_sub(low).saturating_mul(place)), None, None)
			},
		};
		let exposure = PerpExposure {
			position: Position {
				size,
				cost: scale().signed_value(size, entry, SignedRounding::TowardZero).unwrap(),
				funding_index: FixedI128::from_inner(0),
			},
			mark,
			funding_index: FixedI128::from_inner(0),
			scale: scale(),
			tiers: &leg.tiers,
			open_orders: OpenOrders::default(),
			option,
		};
		let market = LegMarket {
			index: base_index,
			mark_band: leg.mark_band,
			funding_share: if option.is_some() { Perbill::zero() } else { leg.funding_share },
			option: model,
		};
		let band = leg_band(&exposure, &market, MAX_WIDTH).unwrap();
		reserve = reserve.saturating_add(band.reserve);
		index_rates[leg.key] = index_rates[leg.key].saturating_add(band.index);
		volatility_rates[leg.key] = volatility_rates[leg.key].saturating_add(band.volatility);
	}
	for (key, tokens, haircut) in &book.holdings {
		let holding = CollateralHolding {
			amount: *tokens as u128 * 1_000_000_000_000_000_000,
			price: base[*key],
			params: CollateralParams {
				decimals: 18,
				initial_haircut: *haircut,
				maintenance_haircut: *haircut,
			},
		};
		index_rates[*key] = index_rates[*key]
			.saturating_add(holding_sensitivity(&holding, QUOTE_DECIMALS).unwrap());
	}
	let width = band_width(
		health,
		reserve,
		index_rates.iter().chain(volatility_rates.iter()).copied(),
		MAX_WIDTH,
	)
	.unwrap();
	(width, index_rates, volatility_rates)
}

fn moved(price: Price, floor: Price, ceiling: Price, place: u32) -> Price {
	// place 0 is the floor, 1000 the ceiling, both edges included.
	let _ = price;
	floor
		.saturating_add(
			ceiling
				.saturating_sub(floor)
				.saturating_mul(FixedU128::from_rational(place as u128, 1_000)),
		)
		.min(ceiling)
}

proptest! {
	#![proptest_config(config())]

	/// Inside its box, within its horizon, a book with a band stays at or above
	/// maintenance.
	#[test]
	fn a_book_inside_its_band_stays_healthy(
		book in book(),
		base_marks in prop::collection::vec(0u32..=1_000, 5),
		places in prop::collection::vec(prop_oneof![Just(0u32), Just(1_000), 0u32..=1_000], KEYS),
		volatility_place in prop_oneof![Just(0u32), Just(1_000u32), 0u32..=1_000],
		marks in prop::collection::vec(prop_oneof![Just(0u32), Just(1_000), 0u32..=1_000], 5),
		time_left in prop_oneof![Just(0u32), Just(1_000), 0u32..=1_000],
		funding in prop_oneof![Just(1_000u32), 0u32..=1_000],
		settlement_offset in -1_000i32..=1_000,
	) {
		let base: [Price; KEYS] = book.indexes.map(price_of);
		let base_world = World {
			indexes: base,
			volatility_scale: FixedU128::one(),
			mark_places: base_marks.clone(),
			time_left_per_mille: 1_000,
			funding_per_mille: 0,
			settlement_offset: 0,
		};
		// Pick the settlement balance that leaves the aimed-for cushion.
		let bare = health_in(&book, &base, &base_world, 0).health;
		let notional: u128 = book.legs.iter().map(|leg| scale().value(units(leg).unsigned_abs(), base[leg.key], sp_arithmetic::Rounding::Up).unwrap()).sum();
		let cushion = (notional / 1_000 * book.cushion_per_mille as u128) as i128;
		let needed = cushion - bare;
		let balance = if needed >= 0 { needed } else { needed * 10 / 11 };
		let (width, index_rates, volatility_rates) = band_of(&book, &base, &base_world, balance);
		let Some(width) = width else { return Ok(()) };
		prop_assert!(width <= MAX_WIDTH);

		let mut indexes = base;
		for key in 0..KEYS {
			let (floor, ceiling) = band_edges(base[key], index_rates[key], width, MAX_WIDTH);
			indexes[key] = moved(base[key], floor, ceiling, places[key]);
		}
		// Volatility anywhere in its box: a rise is bounded by the width when a short option
		// loses on it; a fall costs nothing (longs reserve their whole premium).
		let rise = if volatility_rates.iter().any(|rate| rate.up > 0) { width } else { MAX_WIDTH };
		let volatility_floor = FixedU128::one().saturating_sub(MAX_WIDTH.into());
		let volatility_top = FixedU128::one().saturating_add(rise.into());
		let volatility_scale =
			moved(FixedU128::one(), volatility_floor, volatility_top, volatility_place);
		let world = World {
			indexes,
			volatility_scale,
			mark_places: marks,
			time_left_per_mille: time_left,
			funding_per_mille: funding,
			settlement_offset,
		};
		let after = health_in(&book, &base, &world, balance);
		prop_assert!(
			after.health >= 0,
			"width {:?}: health {} at {:?} (from {} at {:?})",
			width, after.health, world, health_in(&book, &base, &base_world, balance).health, base
		);
	}
}
