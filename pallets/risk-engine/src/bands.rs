//! Safety bands: how far each price an account depends on may move before its health can
//! reach zero, so that an oracle update inside every band needs no check of the account.
//!
//! ## The claim
//! A *scope* (a cross book, or one isolated position) has health `H >= 0` at the prices in
//! force `I_k`. Its band is, per oracle key `k` it depends on, a box
//! `[I_k (1 - w_k-), I_k (1 + w_k+)]`, and a time `horizon` the caller chose. The claim:
//!
//! > for every index price inside its box, every perpetual mark anywhere within its
//! > market's mark band around that index, every implied volatility inside its box, any
//! > time up to the horizon (funding at its cap all the way, option time value decaying,
//! > options expiring), health stays at or above zero.
//!
//! So an account whose every price is strictly inside its box, before the horizon, is not
//! liquidatable, and need not be checked.
//!
//! ## How it is worked out
//! Each leg (position or collateral holding) is bounded separately, per key and per
//! direction, by a *rate*: the most health it can lose per unit of relative move of the
//! key (a move of `r` costs at most `rate x |r|`), and a *reserve* for what no index move
//! causes (a perpetual's mark sliding to the edge of its band, funding, a long option's
//! whole premium, settlement rounding). Summing each key's rates over its legs bounds the
//! book's loss for any joint move, whatever the correlation: bounding legs apart can
//! overcount the book's worst loss, never undercount it. Then, with `R` the reserves and
//! `rates_k = max(down_k, up_k)`,
//!
//! `w = clamp((H - R - rounding) / sum_k rates_k, 0, max_width)`,
//!
//! one width for every bounded side (`None` when `H` does not cover `R`: the scope needs a
//! check at every update); a side where no leg loses (a long perpetual's rise, a
//! collateral holding's rise, a short option's volatility fall) gets `max_width`, so that a
//! price far outside every box still gets the account checked.
//!
//! ## The rates (`u` whole units, `I` the index, `m` the mark, `b` the mark band, `f+` the
//! highest maintenance fraction of the schedule, `f_m` the first tier's, `W` `max_width`)
//! | leg | down | up | reserve |
//! | --- | --- | --- | --- |
//! | perpetual long | `u I` | 0 | `u (m - I (1 - b))`, plus funding |
//! | perpetual short | 0 | `u I (1 + b)(1 + f+)` | `u (I (1 + b) - m)(1 + f+)`, plus funding |
//! | long call or put | 0 | 0 | `u P`: the premium is all it can lose (no requirement) |
//! | short call | 0 | `u I (2 + f_m)` | `2 u tick` (settlement price rounding) |
//! | short put | `2 u I` | `u I f_m` | `2 u tick` |
//! | short option, on its volatility key | 0 | `2 u I (1 + W) sqrt(T) sigma 0.4` | |
//! | collateral holding | its maintenance value | 0 | |
//!
//! Why: a perpetual's requirement moves by at most `f+` of its notional's move, and falls
//! as a long's price falls. A short option's health is `entry - 2 P - f_m S` (the premium
//! is marked against equity and counted again in the requirement); Black-76 without
//! discounting has `|delta| <= 1`, rises with volatility at most at its vega bound
//! `F sqrt(T) / sqrt(2 pi) < 0.4 F sqrt(T)`, and falls as time passes. Funding takes at
//! most `funding_share` of the notional at the highest mark in the box over the horizon
//! (the caller sets the share from the funding cap, the interval and the horizon).
//!
//! ## Rounding
//! The edges round inward (a floor up, a ceiling down), and every leg leaves a few units
//! for the engine's own rounding ([`ROUNDING_PER_LEG`]).

use sp_arithmetic::{
	traits::{One, Saturating},
	FixedI128, FixedU128, PerThing, Perbill, Rounding,
};

use crate::{
	collateral::{holding_margin_value, CollateralHolding, MarginLevel},
	fixed_math::sqrt,
	margin::PerpExposure,
	options::OptionKind,
	types::{mul_div, Price, RiskError},
};

/// Settlement units each leg leaves for the rounding of the figures health is made of.
pub const ROUNDING_PER_LEG: u128 = 4;

/// The vega bound's factor: above `1 / sqrt(2 pi) = 0.39894...`, with room for rounding.
const VEGA_BOUND: FixedU128 = FixedU128::from_rational(2, 5);

/// The most a scope's health loses per unit of relative move of one price (a move of `r`
/// costs at most `rate x |r|`), each way, in settlement units.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Sensitivity {
	/// Lost per unit of relative fall.
	pub down: u128,
	/// Lost per unit of relative rise.
	pub up: u128,
}

impl Sensitivity {
	/// Both directions summed with another leg's on the same key.
	pub fn saturating_add(self, other: Sensitivity) -> Sensitivity {
		Sensitivity {
			down: self.down.saturating_add(other.down),
			up: self.up.saturating_add(other.up),
		}
	}

	/// Whether no move of the key costs anything.
	pub fn is_zero(&self) -> bool {
		self.down == 0 && self.up == 0
	}

	/// The rate a single width must cover: the larger direction.
	pub fn rate(&self) -> u128 {
		self.down.max(self.up)
	}
}

/// What one position adds to its scope's band.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct LegBand {
	/// Health held back for what no index move causes, in settlement units.
	pub reserve: u128,
	/// Sensitivity to the market's index (the underlying's, for an option series).
	pub index: Sensitivity,
	/// Sensitivity to an option series' implied volatility; zero for a perpetual.
	pub volatility: Sensitivity,
}

/// What an option series' band needs beyond its exposure.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OptionModel {
	/// Time to expiry in years, zero or more.
	pub years: FixedI128,
	/// Implied volatility in force (0.6 is 60%).
	pub volatility: Price,
	/// The underlying's tick: how far the settlement price may round from the index.
	pub settlement_tick: Price,
}

/// What a position's band needs beyond its [`PerpExposure`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LegMarket {
	/// The index in force (the underlying's, for an option series).
	pub index: Price,
	/// How far a perpetual's mark may be from the index.
	pub mark_band: Perbill,
	/// The most funding can take over the band's horizon, as a share of the notional at the
	/// highest mark in the box; zero for an option series.
	pub funding_share: Perbill,
	/// For an option series, the model's inputs.
	pub option: Option<OptionModel>,
}

/// The band of one position. `exposure.tiers` must be the schedule the band is built for
/// (the highest adaptive margin may reach); the exposure's mark is the mark in force.
pub fn leg_band(
	exposure: &PerpExposure,
	market: &LegMarket,
	max_width: Perbill,
) -> Result<LegBand, RiskError> {
	let size = exposure.position.size;
	if size == 0 {
		return Ok(LegBand::default());
	}
	let units = size.unsigned_abs();
	let scale = &exposure.scale;
	let index_value = scale.value(units, market.index, Rounding::Up)?;
	let rounding = ROUNDING_PER_LEG;
	let Some(option) = exposure.option else {
		return perp_leg_band(exposure, market, max_width, units, index_value);
	};
	if size > 0 {
		// A long option loses at most its premium: its requirement is zero at any price.
		let premium = scale.value(units, exposure.mark, Rounding::Up)?;
		return Ok(LegBand { reserve: premium.saturating_add(rounding), ..Default::default() });
	}
	let first = exposure.tiers.first().ok_or(RiskError::NoMarginTiers)?;
	let maintenance = first.maintenance_fraction.mul_ceil(index_value);
	let twice = index_value.saturating_mul(2);
	let index = match option.kind {
		OptionKind::Call => Sensitivity { down: 0, up: twice.saturating_add(maintenance) },
		OptionKind::Put => Sensitivity { down: twice, up: maintenance },
	};
	let model = market.option.ok_or(RiskError::OutOfDomain)?;
	let years = FixedU128::from_inner(u128::try_from(model.years.into_inner().max(0)).unwrap_or(0));
	let root_years = sqrt(FixedI128::from_inner(years.into_inner() as i128))?;
	let root_years = FixedU128::from_inner(root_years.into_inner().max(0) as u128);
	let highest_index = market.index.saturating_mul(FixedU128::one() + max_width.into());
	let vega_times_volatility = highest_index
		.saturating_mul(root_years)
		.saturating_mul(model.volatility)
		.saturating_mul(VEGA_BOUND);
	let volatility_up = scale.value(units, vega_times_volatility, Rounding::Up)?.saturating_mul(2);
	let tick = scale.value(units, model.settlement_tick, Rounding::Up)?.saturating_mul(2);
	// The fast premium is within 10^-18 of a dollar per unit of a few normal values; a part
	// in 10^12 of the notional covers it many times over.
	let model_error = index_value / 1_000_000_000_000;
	Ok(LegBand {
		reserve: tick.saturating_add(model_error).saturating_add(rounding),
		index,
		volatility: Sensitivity { down: 0, up: volatility_up },
	})
}

/// A perpetual's band (see the module table).
fn perp_leg_band(
	exposure: &PerpExposure,
	market: &LegMarket,
	max_width: Perbill,
	units: u128,
	index_value: u128,
) -> Result<LegBand, RiskError> {
	let scale = &exposure.scale;
	let band = FixedU128::from(market.mark_band);
	let highest_fraction = exposure
		.tiers
		.iter()
		.map(|tier| tier.maintenance_fraction)
		.max()
		.ok_or(RiskError::NoMarginTiers)?;
	let highest_mark = market.index.saturating_add(market.index.saturating_mul(band));
	let lowest_mark = market.index.saturating_sub(market.index.saturating_mul(band));
	let box_top_mark = highest_mark.saturating_mul(FixedU128::one() + max_width.into());
	let funding = market.funding_share.mul_ceil(scale.value(units, box_top_mark, Rounding::Up)?);
	let (reserve, index) = if exposure.position.size > 0 {
		let slide = scale.value(units, exposure.mark.saturating_sub(lowest_mark), Rounding::Up)?;
		(slide, Sensitivity { down: index_value, up: 0 })
	} else {
		let slide = scale.value(units, highest_mark.saturating_sub(exposure.mark), Rounding::Up)?;
		let slide = slide.saturating_add(highest_fraction.mul_ceil(slide));
		let top = scale.value(units, highest_mark, Rounding::Up)?;
		(slide, Sensitivity { down: 0, up: top.saturating_add(highest_fraction.mul_ceil(top)) })
	};
	Ok(LegBand {
		reserve: reserve.saturating_add(funding).saturating_add(ROUNDING_PER_LEG),
		index,
		volatility: Sensitivity::default(),
	})
}

/// A collateral holding's sensitivity to its price: it loses its maintenance value's share
/// of a fall, and nothing on a rise.
pub fn holding_sensitivity(
	holding: &CollateralHolding,
	quote_decimals: u8,
) -> Result<Sensitivity, RiskError> {
	let value = holding_margin_value(holding, quote_decimals, MarginLevel::Maintenance)?;
	Ok(Sensitivity { down: value.saturating_add(ROUNDING_PER_LEG), up: 0 })
}

/// The band's width: `(health - reserve) / sum of the keys' rates`, rounded down, at most
/// `max_width`; `max_width` when no key's move costs anything. `None` when health does not
/// cover the reserve (a mark sliding within its band, or funding, could then take the
/// scope below maintenance with no oracle update at all) or the width rounds to zero: the
/// scope needs a check at every update.
pub fn band_width(
	health: i128,
	reserve: u128,
	sensitivities: impl IntoIterator<Item = Sensitivity>,
	max_width: Perbill,
) -> Result<Option<Perbill>, RiskError> {
	if health <= 0 {
		return Ok(None);
	}
	let spare = (health as u128).saturating_sub(reserve);
	if spare == 0 {
		return Ok(None);
	}
	let total_rate =
		sensitivities.into_iter().fold(0u128, |total, key| total.saturating_add(key.rate()));
	if total_rate == 0 {
		return Ok(Some(max_width));
	}
	let parts = mul_div(spare, Perbill::ACCURACY as u128, total_rate, Rounding::Down)?;
	// A width that rounds to nothing flags the scope at every update: no band at all.
	if parts == 0 {
		return Ok(None);
	}
	Ok(Some(Perbill::from_parts(parts.min(max_width.deconstruct() as u128) as u32)))
}

/// A key's edges: the price at or below which, and the price at or above which, the scope
/// needs a check. A direction where the key's legs lose nothing takes `max_width`. The
/// floor rounds up and the ceiling down, so the box never grows by rounding.
pub fn band_edges(
	index: Price,
	sensitivity: Sensitivity,
	width: Perbill,
	max_width: Perbill,
) -> (Price, Price) {
	let down = if sensitivity.down == 0 { max_width } else { width };
	let up = if sensitivity.up == 0 { max_width } else { width };
	let fall = FixedU128::from_inner(down.mul_ceil(index.into_inner()));
	let rise = FixedU128::from_inner(up * index.into_inner());
	(index.saturating_sub(fall), index.saturating_add(rise))
}

/// Whether `price` leaves the box `(floor, ceiling)`: at or beyond either edge.
pub fn outside_band(price: Price, floor: Price, ceiling: Price) -> bool {
	price <= floor || price >= ceiling
}

/// A funding share for a band's horizon: `cap x (horizon + interval) / interval`, rounded
/// up, at most 100%. The extra interval covers funding charged at the block that follows
/// a move out of the box, and the time before the band was built that the next accrual
/// charges at the new rate.
pub fn funding_share(cap: Perbill, interval_ms: u64, horizon_ms: u64) -> Perbill {
	if interval_ms == 0 {
		return Perbill::one();
	}
	let periods = horizon_ms.saturating_add(interval_ms);
	let parts =
		mul_div(cap.deconstruct() as u128, periods as u128, interval_ms as u128, Rounding::Up)
			.unwrap_or(u128::MAX);
	Perbill::from_parts(parts.min(Perbill::ACCURACY as u128) as u32)
}
