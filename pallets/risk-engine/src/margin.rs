//! Margin requirements, cross and isolated margin, and liquidation prices.
//!
//! ## Tiered requirements
//! A market's requirement grows with a position's notional in bands, as dYdX and Hyperliquid
//! do: each [`MarginTier`] starts at a notional floor and applies its fractions to the part of
//! the notional within its band, like income-tax brackets. The requirement is therefore
//! continuous and monotonic in size, and large positions pay the higher fraction only on
//! the part above each floor.
//!
//! ## Cross margin
//! One pool backs every cross position of an account:
//! - `equity(level) = collateral value at the level's haircuts + unrealized PnL - funding owed`;
//! - `requirement(level) = sum over positions of the tiered requirement of its notional`;
//! - `health = equity(maintenance) - maintenance requirement` (liquidatable below zero);
//! - `free collateral = equity(initial) - initial requirement` (what can be withdrawn or
//!   used to open more; negative means no risk may be added). The initial requirement
//!   includes what the account's resting orders need (see [`crate::orders`]).
//!
//! ## Isolated margin
//! An isolated position has its own margin and nothing else behind it:
//! `equity = margin + unrealized PnL - funding owed`, with the same tiered requirements.
//!
//! ## Options
//! An option series margins like Deribit's standard margin, on the underlying index `S`,
//! the option's mark premium `P` and the market's first tier (initial fraction `f_i`,
//! maintenance fraction `f_m`), per whole unit of the underlying:
//! - long: initial `P` (a premium bought must be paid for by collateral, never by the
//!   option itself), maintenance zero (the most a long loses is its premium, already in
//!   equity);
//! - short: initial `P + max(f_i x S - OTM, f_m x S)`, maintenance `P + f_m x S`, where
//!   `OTM` is how far out of the money the option is (`K - S` for a call, `S - K` for a put,
//!   never below zero).
//!
//! Positions are futures-style (premium changes are unrealized PnL, like a perpetual's
//! price changes), which gives the same equity as premium-paid options: a short's equity is
//! its entry premium less the mark, a long's the mark less its entry premium.
//!
//! ## Liquidation price
//! The mark price of one position at which health reaches zero, every other price held
//! still. Health is piecewise linear in that price (the requirement's fraction changes at
//! tier floors), so the engine solves band by band. For a long the price is rounded up, for
//! a short down: the reported price is reached no later than the real one.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{traits::Saturating, PerThing, Perbill, Rounding};

use crate::{
	collateral::{
		collateral_value, CollateralHolding, LiabilityHolding, LiabilityWeights, MarginLevel,
	},
	options::OptionKind,
	orders::{open_order_margin, OpenOrders},
	perpetual::{funding_owed, notional, unrealized_pnl, Position},
	types::{add, mul_div, sub, to_signed, FundingIndex, Price, QuoteAmount, RiskError, UnitScale},
};

/// One band of a market's margin schedule.
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
pub struct MarginTier {
	/// The notional (settlement units) where this band starts; the first band starts at zero.
	pub notional_floor: u128,
	/// Initial margin fraction of the notional within this band.
	pub initial_fraction: Perbill,
	/// Maintenance margin fraction of the notional within this band.
	pub maintenance_fraction: Perbill,
}

impl MarginTier {
	/// The fraction for `level`.
	pub fn fraction(&self, level: MarginLevel) -> Perbill {
		match level {
			MarginLevel::Initial => self.initial_fraction,
			MarginLevel::Maintenance => self.maintenance_fraction,
		}
	}
}

/// Checks a margin schedule: at least one tier; the first at notional zero; floors strictly
/// increasing; in every tier `0 < maintenance < initial <= 1`; fractions never decreasing
/// from one tier to the next.
pub fn validate_tiers(tiers: &[MarginTier]) -> Result<(), RiskError> {
	let first = tiers.first().ok_or(RiskError::NoMarginTiers)?;
	if first.notional_floor != 0 {
		return Err(RiskError::FirstTierNotAtZero);
	}
	for tier in tiers {
		if tier.maintenance_fraction.is_zero() || tier.maintenance_fraction >= tier.initial_fraction
		{
			return Err(RiskError::MaintenanceNotBelowInitial);
		}
	}
	for pair in tiers.windows(2) {
		if pair[1].notional_floor <= pair[0].notional_floor {
			return Err(RiskError::TierFloorsNotIncreasing);
		}
		if pair[1].initial_fraction < pair[0].initial_fraction
			|| pair[1].maintenance_fraction < pair[0].maintenance_fraction
		{
			return Err(RiskError::TierFractionsDecreasing);
		}
	}
	Ok(())
}

/// The tiered requirement of `notional` at `level`: each band's fraction times the part of
/// the notional inside it, each rounded up.
pub fn margin_requirement(
	notional: u128,
	tiers: &[MarginTier],
	level: MarginLevel,
) -> Result<u128, RiskError> {
	let mut total: u128 = 0;
	for (index, tier) in tiers.iter().enumerate() {
		if notional <= tier.notional_floor {
			break;
		}
		let band_end =
			tiers.get(index + 1).map_or(notional, |next| next.notional_floor.min(notional));
		let in_band = band_end.saturating_sub(tier.notional_floor);
		total =
			total.checked_add(tier.fraction(level).mul_ceil(in_band)).ok_or(RiskError::Overflow)?;
	}
	Ok(total)
}

/// What margins an option series: its terms and the underlying's index now.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OptionTerms {
	/// Call or put.
	pub kind: OptionKind,
	/// USD per whole unit of the underlying.
	pub strike: Price,
	/// The underlying's index, USD per whole unit.
	pub underlying: Price,
}

impl OptionTerms {
	/// How far out of the money the option is, USD per whole unit (zero in the money).
	pub fn out_of_the_money(&self) -> Price {
		match self.kind {
			OptionKind::Call => self.strike.saturating_sub(self.underlying),
			OptionKind::Put => self.underlying.saturating_sub(self.strike),
		}
	}
}

/// A position (a perpetual, or an option series with `option`) with what is needed to
/// margin it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PerpExposure<'a> {
	/// The position.
	pub position: Position,
	/// The market's mark price.
	pub mark: Price,
	/// The market's current cumulative funding index.
	pub funding_index: FundingIndex,
	/// Size units to settlement units.
	pub scale: UnitScale,
	/// The market's margin schedule.
	pub tiers: &'a [MarginTier],
	/// The account's resting orders in the market (see [`crate::orders`]).
	pub open_orders: OpenOrders,
	/// For an option series, its terms: `mark` is then the option's premium and the
	/// requirement follows the option rule (see the module docs); `None` for a perpetual.
	pub option: Option<OptionTerms>,
}

/// The requirement at `level` of a position of `size` (signed size units) in the market
/// of `exposure`, at its mark: the tiered requirement of the notional for a perpetual, the
/// option rule for an option series (see the module docs).
pub fn size_requirement(
	exposure: &PerpExposure,
	size: i128,
	level: MarginLevel,
) -> Result<u128, RiskError> {
	let units = size.unsigned_abs();
	let premium_value = exposure.scale.value(units, exposure.mark, Rounding::Up)?;
	let Some(option) = exposure.option else {
		return margin_requirement(premium_value, exposure.tiers, level);
	};
	if size >= 0 {
		return Ok(match level {
			MarginLevel::Initial => premium_value,
			MarginLevel::Maintenance => 0,
		});
	}
	let tier = exposure.tiers.first().ok_or(RiskError::NoMarginTiers)?;
	let underlying_value = exposure.scale.value(units, option.underlying, Rounding::Up)?;
	let maintenance_part = tier.maintenance_fraction.mul_ceil(underlying_value);
	let short_part = match level {
		MarginLevel::Maintenance => maintenance_part,
		MarginLevel::Initial => {
			let out_of_the_money =
				exposure.scale.value(units, option.out_of_the_money(), Rounding::Down)?;
			tier.initial_fraction
				.mul_ceil(underlying_value)
				.saturating_sub(out_of_the_money)
				.max(maintenance_part)
		},
	};
	premium_value.checked_add(short_part).ok_or(RiskError::Overflow)
}

/// Margin figures of one position.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct PositionMargin {
	/// `|size| x mark`, rounded up.
	pub notional: u128,
	/// Mark value minus cost.
	pub unrealized_pnl: QuoteAmount,
	/// Funding owed since the position last settled (positive: the account pays).
	pub funding_owed: QuoteAmount,
	/// Tiered initial requirement of the notional.
	pub initial_requirement: u128,
	/// Tiered maintenance requirement of the notional.
	pub maintenance_requirement: u128,
	/// Initial margin the account's resting orders in the market need on top of
	/// `initial_requirement` (see [`crate::orders`]).
	pub open_order_requirement: u128,
}

/// The margin figures of one position.
pub fn position_margin(exposure: &PerpExposure) -> Result<PositionMargin, RiskError> {
	let notional = notional(&exposure.position, exposure.mark, &exposure.scale)?;
	Ok(PositionMargin {
		notional,
		unrealized_pnl: unrealized_pnl(&exposure.position, exposure.mark, &exposure.scale)?,
		funding_owed: funding_owed(&exposure.position, exposure.funding_index, &exposure.scale)?,
		initial_requirement: size_requirement(
			exposure,
			exposure.position.size,
			MarginLevel::Initial,
		)?,
		maintenance_requirement: size_requirement(
			exposure,
			exposure.position.size,
			MarginLevel::Maintenance,
		)?,
		open_order_requirement: open_order_margin(exposure, &exposure.open_orders)?,
	})
}

/// An account's shared pool and its cross positions.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CrossAccount<'a> {
	/// Settlement-asset balance (may be negative: a debt).
	pub settlement_balance: QuoteAmount,
	/// Weights of a negative settlement balance (>= 1).
	pub settlement_weights: LiabilityWeights,
	/// Decimals of the settlement asset.
	pub quote_decimals: u8,
	/// Other collateral assets.
	pub collateral: &'a [CollateralHolding],
	/// Borrows of other assets.
	pub liabilities: &'a [LiabilityHolding],
	/// Cross positions.
	pub positions: &'a [PerpExposure<'a>],
}

/// Cross-margin figures of an account, all in settlement units.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct CrossMargin {
	/// Collateral value at initial haircuts.
	pub collateral_initial: QuoteAmount,
	/// Collateral value at maintenance haircuts.
	pub collateral_maintenance: QuoteAmount,
	/// Sum of the positions' unrealized PnL.
	pub unrealized_pnl: QuoteAmount,
	/// Sum of the funding the positions owe (positive: the account pays).
	pub funding_owed: QuoteAmount,
	/// Collateral at initial haircuts + unrealized PnL - funding owed.
	pub equity_initial: QuoteAmount,
	/// Collateral at maintenance haircuts + unrealized PnL - funding owed.
	pub equity_maintenance: QuoteAmount,
	/// Sum of the positions' notionals.
	pub notional: u128,
	/// Sum of the positions' initial requirements, resting orders' included.
	pub initial_requirement: u128,
	/// The part of `initial_requirement` that resting orders need.
	pub open_order_requirement: u128,
	/// Sum of the positions' maintenance requirements.
	pub maintenance_requirement: u128,
	/// `equity_maintenance - maintenance_requirement`; below zero the account is liquidatable.
	pub health: QuoteAmount,
	/// `equity_initial - initial_requirement`; below zero no risk may be added or withdrawn.
	pub free_collateral: QuoteAmount,
}

impl CrossMargin {
	/// Whether the account is below maintenance.
	pub fn is_liquidatable(&self) -> bool {
		self.health < 0
	}
}

/// The cross-margin figures of an account.
pub fn cross_margin(account: &CrossAccount) -> Result<CrossMargin, RiskError> {
	let mut figures = CrossMargin {
		collateral_initial: collateral_value(
			account.settlement_balance,
			&account.settlement_weights,
			account.collateral,
			account.liabilities,
			account.quote_decimals,
			MarginLevel::Initial,
		)?,
		collateral_maintenance: collateral_value(
			account.settlement_balance,
			&account.settlement_weights,
			account.collateral,
			account.liabilities,
			account.quote_decimals,
			MarginLevel::Maintenance,
		)?,
		..Default::default()
	};
	for exposure in account.positions {
		let position = position_margin(exposure)?;
		figures.unrealized_pnl = add(figures.unrealized_pnl, position.unrealized_pnl)?;
		figures.funding_owed = add(figures.funding_owed, position.funding_owed)?;
		figures.notional =
			figures.notional.checked_add(position.notional).ok_or(RiskError::Overflow)?;
		figures.open_order_requirement = figures
			.open_order_requirement
			.checked_add(position.open_order_requirement)
			.ok_or(RiskError::Overflow)?;
		figures.initial_requirement = figures
			.initial_requirement
			.checked_add(position.initial_requirement)
			.and_then(|total| total.checked_add(position.open_order_requirement))
			.ok_or(RiskError::Overflow)?;
		figures.maintenance_requirement = figures
			.maintenance_requirement
			.checked_add(position.maintenance_requirement)
			.ok_or(RiskError::Overflow)?;
	}
	let pnl_after_funding = sub(figures.unrealized_pnl, figures.funding_owed)?;
	figures.equity_initial = add(figures.collateral_initial, pnl_after_funding)?;
	figures.equity_maintenance = add(figures.collateral_maintenance, pnl_after_funding)?;
	figures.health = sub(figures.equity_maintenance, to_signed(figures.maintenance_requirement)?)?;
	figures.free_collateral = sub(figures.equity_initial, to_signed(figures.initial_requirement)?)?;
	Ok(figures)
}

/// The liquidation price of cross position `index`: the mark at which the account's health
/// reaches zero with every other price unchanged. `None` when no positive price liquidates
/// the account through this position (a long whose account stays healthy even at zero).
pub fn cross_liquidation_price(
	account: &CrossAccount,
	index: usize,
) -> Result<Option<Price>, RiskError> {
	let exposure = account.positions.get(index).ok_or(RiskError::NoSuchPosition)?;
	let health = cross_margin(account)?.health;
	liquidation_price(health, exposure)
}

/// An isolated position and the margin set aside for it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct IsolatedPosition<'a> {
	/// Settlement units set aside for this position alone, after the fees, funding and
	/// realized PnL it has absorbed (negative only after losses beyond it).
	pub margin: QuoteAmount,
	/// The position.
	pub exposure: PerpExposure<'a>,
}

/// Margin figures of an isolated position, in settlement units.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct IsolatedMargin {
	/// The position's own figures.
	pub position: PositionMargin,
	/// `margin + unrealized PnL - funding owed`.
	pub equity: QuoteAmount,
	/// `equity - maintenance requirement`; below zero the position is liquidatable.
	pub health: QuoteAmount,
	/// `equity - initial requirement - open-order requirement`; what may be removed from
	/// the margin.
	pub free_margin: QuoteAmount,
}

/// The figures of an isolated position.
pub fn isolated_margin(isolated: &IsolatedPosition) -> Result<IsolatedMargin, RiskError> {
	let position = position_margin(&isolated.exposure)?;
	let equity = sub(add(isolated.margin, position.unrealized_pnl)?, position.funding_owed)?;
	Ok(IsolatedMargin {
		position,
		equity,
		health: sub(equity, to_signed(position.maintenance_requirement)?)?,
		free_margin: sub(
			sub(equity, to_signed(position.initial_requirement)?)?,
			to_signed(position.open_order_requirement)?,
		)?,
	})
}

/// The liquidation price of an isolated position.
pub fn isolated_liquidation_price(isolated: &IsolatedPosition) -> Result<Option<Price>, RiskError> {
	let health = isolated_margin(isolated)?.health;
	liquidation_price(health, &isolated.exposure)
}

/// Solves `health(p) = 0` for the mark `p` of `exposure`, given `health` at its current mark.
///
/// With `n(p)` the notional at `p` and `MR` the tiered maintenance requirement, a long's
/// health moves as `H + (n(p) - n(m)) - (MR(n(p)) - MR(n(m)))` and a short's as
/// `H - (n(p) - n(m)) - (MR(n(p)) - MR(n(m)))`. Inside a band starting at `F` with
/// requirement `C = MR(F)` and fraction `f`, `MR(n) = C + f (n - F)`, which gives
/// - long: `n* = (n(m) - MR(n(m)) - H + C - f F) / (1 - f)`;
/// - short: `n* = (H + n(m) + MR(n(m)) - C + f F) / (1 + f)`;
///
/// the first band that contains its own solution holds the root (health is monotonic in `p`).
fn liquidation_price(
	health: QuoteAmount,
	exposure: &PerpExposure,
) -> Result<Option<Price>, RiskError> {
	let size = exposure.position.size;
	// An option's premium is no linear function of one price: no single mark solves it.
	if size == 0 || exposure.option.is_some() {
		return Ok(None);
	}
	let long = size > 0;
	let tiers = exposure.tiers;
	let mark_notional = notional(&exposure.position, exposure.mark, &exposure.scale)?;
	let mark_requirement = margin_requirement(mark_notional, tiers, MarginLevel::Maintenance)?;
	let mark_notional_signed = to_signed(mark_notional)?;
	let mark_requirement_signed = to_signed(mark_requirement)?;
	// The constant part of the numerator, before the band's own terms.
	let base = if long {
		sub(sub(mark_notional_signed, mark_requirement_signed)?, health)?
	} else {
		add(add(health, mark_notional_signed)?, mark_requirement_signed)?
	};
	if base <= 0 {
		// Long: healthy even at a zero price. Short: unhealthy at every price.
		return Ok(if long { None } else { Some(Price::from_inner(0)) });
	}

	let one = Perbill::ACCURACY as i128;
	let mut band_requirement: u128 = 0;
	for (index, tier) in tiers.iter().enumerate() {
		let floor = to_signed(tier.notional_floor)?;
		let fraction = tier.maintenance_fraction.deconstruct() as i128;
		let band_requirement_signed = to_signed(band_requirement)?;
		// n* = numerator / denominator, both scaled by `one`.
		let (numerator, denominator) = if long {
			let scaled =
				add(base, band_requirement_signed)?.checked_mul(one).ok_or(RiskError::Overflow)?;
			(sub(scaled, fraction.checked_mul(floor).ok_or(RiskError::Overflow)?)?, one - fraction)
		} else {
			let scaled =
				sub(base, band_requirement_signed)?.checked_mul(one).ok_or(RiskError::Overflow)?;
			(add(scaled, fraction.checked_mul(floor).ok_or(RiskError::Overflow)?)?, one + fraction)
		};
		let next_floor = tiers.get(index + 1).map(|next| next.notional_floor);
		let above_floor = numerator >= floor.checked_mul(denominator).ok_or(RiskError::Overflow)?;
		let below_next = match next_floor {
			Some(next) => {
				numerator < to_signed(next)?.checked_mul(denominator).ok_or(RiskError::Overflow)?
			},
			None => true,
		};
		if above_floor && below_next {
			if numerator <= 0 {
				return Ok(if long { None } else { Some(Price::from_inner(0)) });
			}
			let units = size.unsigned_abs();
			let divisor = (denominator as u128).checked_mul(units).ok_or(RiskError::Overflow)?;
			let rounding = if long { Rounding::Up } else { Rounding::Down };
			let inner = mul_div(numerator as u128, exposure.scale.divisor()?, divisor, rounding)?;
			return Ok(Some(Price::from_inner(inner)));
		}
		if let Some(next) = next_floor {
			let in_band = next.saturating_sub(tier.notional_floor);
			band_requirement = band_requirement
				.checked_add(tier.maintenance_fraction.mul_ceil(in_band))
				.ok_or(RiskError::Overflow)?;
		}
	}
	// Only reachable with malformed (unvalidated) tiers, e.g. a first floor above zero.
	Err(RiskError::FirstTierNotAtZero)
}
