//! Collateral valuation: what an account's pool of assets is worth for margin.
//!
//! The settlement asset (USDC) is the numeraire: a positive settlement balance counts at par,
//! a negative one is a debt weighted up by its liability weight (> 1). Every other asset
//! counts `amount x oracle price x haircut`, where the haircut is the share of the value that
//! counts: a smaller one for initial margin (opening risk), a larger or equal one for
//! maintenance (staying open). A borrow of another asset ([`LiabilityHolding`]) counts
//! against the pool at `amount x oracle price x weight`, the weight larger for initial
//! margin than for maintenance, so that a borrow's own price rise eats into the margin
//! before it can make the account insolvent. Values round down, debts round up: the
//! account is never credited with a unit it does not have.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{traits::One, FixedPointNumber, FixedU128, Perbill, Rounding};

use crate::types::{
	add, mul_div, sub, to_signed, Balance, Price, QuoteAmount, RiskError, UnitScale,
};

/// Whether a figure is for opening risk (initial) or keeping it (maintenance).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MarginLevel {
	/// Required to open or increase risk, and to withdraw.
	Initial,
	/// Required to keep positions open; below it the account is liquidated.
	Maintenance,
}

/// How a collateral asset counts toward margin.
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
pub struct CollateralParams {
	/// Decimals of one whole token.
	pub decimals: u8,
	/// Share of the value that counts toward initial margin, in (0, 1].
	pub initial_haircut: Perbill,
	/// Share of the value that counts toward maintenance margin, in
	/// [`initial_haircut`](Self::initial_haircut), 1].
	pub maintenance_haircut: Perbill,
}

impl CollateralParams {
	/// Checks `0 < initial_haircut <= maintenance_haircut <= 1` and the decimals.
	pub fn validate(&self) -> Result<(), RiskError> {
		UnitScale::new(self.decimals, 0).divisor()?;
		if self.initial_haircut.is_zero() || self.maintenance_haircut < self.initial_haircut {
			return Err(RiskError::InvalidHaircuts);
		}
		Ok(())
	}

	/// The haircut for `level`.
	pub fn haircut(&self, level: MarginLevel) -> Perbill {
		match level {
			MarginLevel::Initial => self.initial_haircut,
			MarginLevel::Maintenance => self.maintenance_haircut,
		}
	}
}

/// One non-settlement asset in an account: how much, at what price, under which parameters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CollateralHolding {
	/// Amount in the token's smallest units.
	pub amount: Balance,
	/// Oracle price of one whole token.
	pub price: Price,
	/// How the asset counts.
	pub params: CollateralParams,
}

/// The market value of a holding (no haircut), in settlement units, rounded down.
pub fn holding_market_value(
	holding: &CollateralHolding,
	quote_decimals: u8,
) -> Result<Balance, RiskError> {
	UnitScale::new(holding.params.decimals, quote_decimals).value(
		holding.amount,
		holding.price,
		Rounding::Down,
	)
}

/// The margin value of a holding: market value x haircut for `level`, rounded down.
pub fn holding_margin_value(
	holding: &CollateralHolding,
	quote_decimals: u8,
	level: MarginLevel,
) -> Result<Balance, RiskError> {
	let market_value = holding_market_value(holding, quote_decimals)?;
	Ok(holding.params.haircut(level).mul_floor(market_value))
}

/// The highest liability weight: a borrow may count at most twice its value.
pub const MAX_LIABILITY_WEIGHT: FixedU128 = FixedU128::from_u32(2);

/// How a borrow (or a negative settlement balance) counts against margin: its value times a
/// weight for each level.
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
pub struct LiabilityWeights {
	/// The weight for initial margin (opening risk, withdrawing, borrowing).
	pub initial: FixedU128,
	/// The weight for maintenance margin (liquidation).
	pub maintenance: FixedU128,
}

impl LiabilityWeights {
	/// The same weight at both levels.
	pub const fn uniform(weight: FixedU128) -> Self {
		Self { initial: weight, maintenance: weight }
	}

	/// Checks `1 < maintenance <= initial <= 2` ([`MAX_LIABILITY_WEIGHT`]).
	pub fn validate(&self) -> Result<(), RiskError> {
		if self.maintenance <= FixedU128::one()
			|| self.initial < self.maintenance
			|| self.initial > MAX_LIABILITY_WEIGHT
		{
			return Err(RiskError::InvalidLiabilityWeights);
		}
		Ok(())
	}

	/// The weight for `level`; below one it is refused
	/// ([`RiskError::LiabilityFactorBelowOne`]): a debt never counts for less than itself.
	pub fn weight(&self, level: MarginLevel) -> Result<FixedU128, RiskError> {
		let weight = match level {
			MarginLevel::Initial => self.initial,
			MarginLevel::Maintenance => self.maintenance,
		};
		if weight < FixedU128::one() {
			return Err(RiskError::LiabilityFactorBelowOne);
		}
		Ok(weight)
	}
}

/// A borrow of a non-settlement asset: how much is owed, at what price, with which weights.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LiabilityHolding {
	/// Amount owed in the token's smallest units (the borrow's value, rounded up).
	pub amount: Balance,
	/// Oracle price of one whole token.
	pub price: Price,
	/// Decimals of one whole token.
	pub decimals: u8,
	/// How the borrow counts.
	pub weights: LiabilityWeights,
}

/// The market value of a borrow (no weight), in settlement units, rounded up.
pub fn liability_market_value(
	liability: &LiabilityHolding,
	quote_decimals: u8,
) -> Result<Balance, RiskError> {
	UnitScale::new(liability.decimals, quote_decimals).value(
		liability.amount,
		liability.price,
		Rounding::Up,
	)
}

/// What a borrow takes from margin: market value x weight for `level`, rounded up.
pub fn liability_margin_value(
	liability: &LiabilityHolding,
	quote_decimals: u8,
	level: MarginLevel,
) -> Result<Balance, RiskError> {
	let market_value = liability_market_value(liability, quote_decimals)?;
	weighted_debt(market_value, liability.weights.weight(level)?)
}

/// `debt x weight`, rounded up.
fn weighted_debt(debt: Balance, weight: FixedU128) -> Result<Balance, RiskError> {
	mul_div(debt, weight.into_inner(), FixedU128::DIV, Rounding::Up)
}

/// The margin value of a settlement balance: at par when positive; a negative balance is a
/// debt of `|balance| x weight` for `level`, rounded up.
pub fn settlement_margin_value(
	balance: QuoteAmount,
	weights: &LiabilityWeights,
	level: MarginLevel,
) -> Result<QuoteAmount, RiskError> {
	let weight = weights.weight(level)?;
	if balance >= 0 {
		return Ok(balance);
	}
	Ok(-to_signed(weighted_debt(balance.unsigned_abs(), weight)?)?)
}

/// The margin value of a whole pool: the settlement balance, plus every holding at its
/// haircut for `level`, less every borrow at its weight for `level`.
pub fn collateral_value(
	settlement_balance: QuoteAmount,
	settlement_weights: &LiabilityWeights,
	holdings: &[CollateralHolding],
	liabilities: &[LiabilityHolding],
	quote_decimals: u8,
	level: MarginLevel,
) -> Result<QuoteAmount, RiskError> {
	let mut total = settlement_margin_value(settlement_balance, settlement_weights, level)?;
	for holding in holdings {
		total = add(total, to_signed(holding_margin_value(holding, quote_decimals, level)?)?)?;
	}
	for liability in liabilities {
		total = sub(total, to_signed(liability_margin_value(liability, quote_decimals, level)?)?)?;
	}
	Ok(total)
}
