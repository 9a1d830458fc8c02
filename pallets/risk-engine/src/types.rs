//! Units, errors and the rounding-aware conversions every other module builds on.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding, FixedI128, FixedPointNumber, FixedU128,
	Rounding,
};

/// An unsigned token amount in the token's smallest units.
pub type Balance = u128;

/// A signed amount of the settlement asset (USDC) in its smallest units: balances, PnL,
/// funding, equity. Positive means the account holds (or gains) it.
pub type QuoteAmount = i128;

/// A signed position or trade size in the market's smallest size units: positive is long,
/// negative is short.
pub type SizeUnits = i128;

/// A price: US dollars (taken as equal to the settlement asset) per one whole unit of an
/// asset or underlying, as an 18-decimal fixed-point number.
pub type Price = FixedU128;

/// A cumulative funding index: dollars per one whole unit of the underlying, accrued since
/// the market opened. Positive accruals are paid by longs to shorts.
pub type FundingIndex = FixedI128;

/// The largest number of decimals an amount may have; keeps every scale factor within `u128`.
pub const MAX_DECIMALS: u8 = 20;

/// Everything that can go wrong in the risk engine. Every function is total: it returns one
/// of these instead of panicking, whatever its input.
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
pub enum RiskError {
	/// A result or intermediate value does not fit its type.
	Overflow,
	/// An amount or quote has more than [`MAX_DECIMALS`] decimals, or fewer quote decimals
	/// than a price can express.
	UnsupportedDecimals,
	/// A market has no margin tier.
	NoMarginTiers,
	/// The first margin tier must start at notional zero.
	FirstTierNotAtZero,
	/// Margin tiers must start at strictly increasing notionals.
	TierFloorsNotIncreasing,
	/// A higher tier may not ask for a smaller margin fraction than the tier below it.
	TierFractionsDecreasing,
	/// A maintenance fraction must be above zero and below its initial fraction.
	MaintenanceNotBelowInitial,
	/// A collateral haircut must be above zero, and the maintenance haircut at least the
	/// initial one (maintenance counts at least as much of the collateral).
	InvalidHaircuts,
	/// The liability factor of a negative settlement balance must be at least one.
	LiabilityFactorBelowOne,
	/// A position index is not in the account.
	NoSuchPosition,
	/// A math function's argument is outside its domain: the logarithm of a number that is
	/// not positive, the square root of a negative one.
	OutOfDomain,
	/// A portfolio scenario grid is invalid: no range, an even number of points or more
	/// than the most, a vol-down shock of 100%, a zero scale, multiple or maintenance
	/// factor.
	InvalidScenarioGrid,
	/// A correlation matrix is not square for its underlyings, not symmetric, has an entry
	/// outside `[-1, 1]` or a diagonal entry other than one.
	InvalidCorrelations,
	/// Adaptive-margin parameters are invalid: a decay of 100%, a zero interval, gap or
	/// horizon, a negative multiplier, a floor above its cap, maintenance bounds not below
	/// the initial ones, or open-interest bounds out of order.
	InvalidAdaptiveParams,
	/// A lending rate curve is invalid: more than the most segments, segment starts not
	/// strictly rising, a kink outside 1%..=99%, or a rate at 100% utilisation above the
	/// highest borrow rate.
	InvalidRateCurve,
	/// A lending reserve factor above the highest (50%).
	InvalidReserveFactor,
	/// A lending utilisation cap outside 10%..=99%.
	InvalidUtilisationCap,
	/// A borrow or withdrawal would take a lending market's utilisation above its cap.
	UtilisationAboveCap,
	/// A debit larger than the balance, where borrowing is not allowed.
	InsufficientBalance,
	/// Liability weights must satisfy `1 < maintenance <= initial <= 2`.
	InvalidLiabilityWeights,
	/// A synthetic's stability fee above 50% a year, or its issuance or redemption fee
	/// above 5%.
	InvalidSyntheticFees,
}

/// Converts between an amount of something (an asset, or a market's size units) and its value
/// in settlement units at a price.
///
/// `value = amount x price x 10^quote_decimals / 10^amount_decimals`.
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
pub struct UnitScale {
	/// Decimals of one whole unit of the amount (e.g. 8 for BTC in satoshi).
	pub amount_decimals: u8,
	/// Decimals of the settlement asset (6 for USDC).
	pub quote_decimals: u8,
}

impl UnitScale {
	/// A scale from `amount_decimals` to `quote_decimals`.
	pub const fn new(amount_decimals: u8, quote_decimals: u8) -> Self {
		Self { amount_decimals, quote_decimals }
	}

	/// `10^(18 + amount_decimals - quote_decimals)`: what `amount x price.into_inner()`
	/// is divided by to give settlement units.
	pub fn divisor(&self) -> Result<u128, RiskError> {
		if self.amount_decimals > MAX_DECIMALS || self.quote_decimals > MAX_DECIMALS {
			return Err(RiskError::UnsupportedDecimals);
		}
		let exponent = 18u32 + self.amount_decimals as u32;
		let exponent = exponent
			.checked_sub(self.quote_decimals as u32)
			.ok_or(RiskError::UnsupportedDecimals)?;
		10u128.checked_pow(exponent).ok_or(RiskError::UnsupportedDecimals)
	}

	/// The value of `amount` at `price`, in settlement units, rounded as asked.
	pub fn value(&self, amount: u128, price: Price, rounding: Rounding) -> Result<u128, RiskError> {
		mul_div(amount, price.into_inner(), self.divisor()?, rounding)
	}

	/// The signed value of a signed amount, rounded as asked in the signed sense.
	pub fn signed_value(
		&self,
		amount: i128,
		price: Price,
		rounding: SignedRounding,
	) -> Result<i128, RiskError> {
		signed_mul_div(amount, true, price.into_inner(), self.divisor()?, rounding)
	}

	/// The signed value of `amount` units at a signed per-unit index (funding), rounded as
	/// asked in the signed sense.
	pub fn signed_index_value(
		&self,
		amount: i128,
		index: FundingIndex,
		rounding: SignedRounding,
	) -> Result<i128, RiskError> {
		let inner = index.into_inner();
		signed_mul_div(amount, inner >= 0, inner.unsigned_abs(), self.divisor()?, rounding)
	}

	/// The price at which `amount` units are worth `value` settlement units:
	/// `value x divisor / amount`, as an 18-decimal price. `None` for a zero amount.
	pub fn price_of(
		&self,
		value: u128,
		amount: u128,
		rounding: Rounding,
	) -> Result<Option<Price>, RiskError> {
		if amount == 0 {
			return Ok(None);
		}
		Ok(Some(Price::from_inner(mul_div(value, self.divisor()?, amount, rounding)?)))
	}
}

/// How a signed result is rounded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SignedRounding {
	/// Towards minus infinity: the smaller result (conservative for what an account owns).
	Floor,
	/// Towards plus infinity: the larger result (conservative for what an account owes).
	Ceil,
	/// Towards zero: the same magnitude whichever side of a trade computes it.
	TowardZero,
}

/// `a x b / c` with a 256-bit intermediate, rounded as asked. Division by zero and results
/// beyond `u128` are [`RiskError::Overflow`].
pub fn mul_div(a: u128, b: u128, c: u128, rounding: Rounding) -> Result<u128, RiskError> {
	if c == 0 {
		return Err(RiskError::Overflow);
	}
	multiply_by_rational_with_rounding(a, b, c, rounding).ok_or(RiskError::Overflow)
}

/// `sign x |a| x b / c` where the sign is that of `a` (flipped when `b_positive` is false),
/// rounded in the signed sense.
fn signed_mul_div(
	a: i128,
	b_positive: bool,
	b: u128,
	c: u128,
	rounding: SignedRounding,
) -> Result<i128, RiskError> {
	// Negative when exactly one factor is: `a < 0` with `b > 0`, or `a > 0` with `b < 0`.
	let negative = (a < 0) == b_positive && a != 0 && b != 0;
	let magnitude_rounding = match (rounding, negative) {
		(SignedRounding::TowardZero, _) => Rounding::Down,
		(SignedRounding::Floor, false) | (SignedRounding::Ceil, true) => Rounding::Down,
		(SignedRounding::Floor, true) | (SignedRounding::Ceil, false) => Rounding::Up,
	};
	let magnitude = mul_div(a.unsigned_abs(), b, c, magnitude_rounding)?;
	let magnitude = i128::try_from(magnitude).map_err(|_| RiskError::Overflow)?;
	Ok(if negative { -magnitude } else { magnitude })
}

/// `u128` to `i128`, or [`RiskError::Overflow`].
pub fn to_signed(value: u128) -> Result<i128, RiskError> {
	i128::try_from(value).map_err(|_| RiskError::Overflow)
}

/// Checked `a + b`.
pub fn add(a: i128, b: i128) -> Result<i128, RiskError> {
	a.checked_add(b).ok_or(RiskError::Overflow)
}

/// Checked `a - b`.
pub fn sub(a: i128, b: i128) -> Result<i128, RiskError> {
	a.checked_sub(b).ok_or(RiskError::Overflow)
}

/// The value one fixed-point unit (`10^18`) stands for, as used by [`FixedU128`].
pub const FIXED_ONE: u128 = <FixedU128 as FixedPointNumber>::DIV;
