//! Collateral valuation: what an account's pool of assets is worth for margin.
//!
//! The settlement asset (USDC) is the numeraire: a positive settlement balance counts at par,
//! a negative one is a debt weighted up by its liability factor (>= 1). Every other asset
//! counts `amount x oracle price x haircut`, where the haircut is the share of the value that
//! counts: a smaller one for initial margin (opening risk), a larger or equal one for
//! maintenance (staying open). Values round down, debts round up: the account is never
//! credited with a unit it does not have.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{traits::One, FixedPointNumber, FixedU128, Perbill, Rounding};

use crate::types::{add, mul_div, to_signed, Balance, Price, QuoteAmount, RiskError, UnitScale};

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

/// The margin value of a settlement balance: at par when positive; a negative balance is a
/// debt of `|balance| x liability_factor`, rounded up.
pub fn settlement_margin_value(
	balance: QuoteAmount,
	liability_factor: FixedU128,
) -> Result<QuoteAmount, RiskError> {
	if liability_factor < FixedU128::one() {
		return Err(RiskError::LiabilityFactorBelowOne);
	}
	if balance >= 0 {
		return Ok(balance);
	}
	let debt = mul_div(
		balance.unsigned_abs(),
		liability_factor.into_inner(),
		FixedU128::DIV,
		Rounding::Up,
	)?;
	Ok(-to_signed(debt)?)
}

/// The margin value of a whole pool: the settlement balance plus every holding at its
/// haircut for `level`.
pub fn collateral_value(
	settlement_balance: QuoteAmount,
	liability_factor: FixedU128,
	holdings: &[CollateralHolding],
	quote_decimals: u8,
	level: MarginLevel,
) -> Result<QuoteAmount, RiskError> {
	let mut total = settlement_margin_value(settlement_balance, liability_factor)?;
	for holding in holdings {
		total = add(total, to_signed(holding_margin_value(holding, quote_decimals, level)?)?)?;
	}
	Ok(total)
}
