//! Synthetic assets: tokens an account mints against its margin, each token a debt of one
//! token's worth at its price.
//!
//! ## The debt
//! An account that mints `n` tokens of a synthetic owes `n` tokens of it: the debt is
//! counted in tokens, so the tokens in circulation and the debt outstanding are the same
//! number at every block, and what the debt is worth follows the synthetic's price (its
//! oracle key's, or a constant for a pegged synthetic). Margin counts it like a short of
//! that size:
//! - under cross margin (and for the pool beside isolated positions), as a liability of
//!   weight `1 + fraction` ([`SyntheticTerms::liability_weights`]): the debt's value comes
//!   off equity, and `value x fraction` is what it requires, the initial fraction to mint
//!   and the maintenance fraction to stay clear of liquidation;
//! - under portfolio margin, at its market value, as a spot short in the scan on its
//!   oracle key, netting against positions on that underlying (a pegged synthetic, which
//!   no scenario moves, keeps its weight).
//!
//! ## Fees
//! - **Issuance fee**: a share of the value minted ([`issuance_fee`]), paid at once.
//! - **Stability fee**: a yearly rate on the debt's value, accrued through a cumulative
//!   index in settlement value per whole token ([`fee_index_increment`], moved at the end
//!   of every block at the price in force); a debt owes the index's growth since it last
//!   paid, times its size ([`fee_owed`]), as a perpetual owes funding. Charging the fee in
//!   the settlement asset, not by growing the debt in tokens (as a debit exchange rate
//!   would), is what keeps the debt equal to the supply.
//! - **Redemption fee**: a share of the value redeemed ([`redemption`]), kept by the
//!   issuer whose debt the redemption retires.
//!
//! ## The peg
//! Anyone may redeem tokens against issuers at the price less the redemption fee, and an
//! issuer may mint at the price plus the issuance fee (with margin). So the token trades
//! within `[price x (1 - redemption fee), price x (1 + issuance fee)]` wherever anyone
//! arbitrages: below the floor, buying and redeeming pays; above the ceiling, minting and
//! selling pays.
//!
//! ## Self-backing
//! A synthetic listed as collateral counts only for the tokens held beyond the account's
//! own debt of it ([`countable_holding`]): tokens that would repay the account's debt back
//! nothing but that debt. So minting, depositing the tokens and minting again gains no
//! margin: the loop ends at its first step, whatever the haircut.
//!
//! Rounding is against the account, as everywhere: fees and debt values up, redemption
//! payouts down.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	traits::{One, Zero},
	FixedU128, PerThing, Perbill, Rounding,
};

use crate::{
	collateral::LiabilityWeights,
	money_market::MS_PER_YEAR,
	types::{mul_div, Balance, Price, RiskError, UnitScale},
};

/// The highest stability fee: 50% of the debt's value a year.
pub const MAX_STABILITY_FEE: Perbill = Perbill::from_percent(50);

/// The highest issuance or redemption fee: 5% of the value minted or redeemed.
pub const MAX_MINT_REDEEM_FEE: Perbill = Perbill::from_percent(5);

/// A synthetic's governed terms: how its debt is margined, what it costs, and how much may
/// be outstanding.
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
pub struct SyntheticTerms {
	/// The margin a debt needs to be minted (and the account to add risk or withdraw), as a
	/// share of its value: the debt weighs `1 + initial_fraction`.
	pub initial_fraction: Perbill,
	/// The margin a debt needs to stay clear of liquidation, as a share of its value: the
	/// debt weighs `1 + maintenance_fraction`.
	pub maintenance_fraction: Perbill,
	/// The yearly stability fee, a share of the debt's value, paid to the insurance fund.
	pub stability_fee: Perbill,
	/// The share of the value minted paid to the insurance fund at minting.
	pub issuance_fee: Perbill,
	/// The share of the value redeemed kept by the issuer the redemption is against.
	pub redemption_fee: Perbill,
	/// The most tokens that may be outstanding (0: no minting).
	pub debt_cap: Balance,
}

impl SyntheticTerms {
	/// Checks `0 < maintenance fraction < initial fraction <= 100%`, the stability fee at
	/// most [`MAX_STABILITY_FEE`] and the issuance and redemption fees at most
	/// [`MAX_MINT_REDEEM_FEE`].
	pub fn validate(&self) -> Result<(), RiskError> {
		if self.maintenance_fraction.is_zero() || self.maintenance_fraction >= self.initial_fraction
		{
			return Err(RiskError::MaintenanceNotBelowInitial);
		}
		if self.stability_fee > MAX_STABILITY_FEE
			|| self.issuance_fee > MAX_MINT_REDEEM_FEE
			|| self.redemption_fee > MAX_MINT_REDEEM_FEE
		{
			return Err(RiskError::InvalidSyntheticFees);
		}
		Ok(())
	}

	/// The debt's liability weights: `1 + fraction` at each level, so that the debt comes
	/// off equity at its value and requires `value x fraction` on top (at most 2, as the
	/// fractions are at most 100%).
	pub fn liability_weights(&self) -> LiabilityWeights {
		let weight = |fraction: Perbill| {
			FixedU128::from_inner(
				FixedU128::one()
					.into_inner()
					.saturating_add(FixedU128::from_perbill(fraction).into_inner()),
			)
		};
		LiabilityWeights {
			initial: weight(self.initial_fraction),
			maintenance: weight(self.maintenance_fraction),
		}
	}
}

/// How far a synthetic's fee index moves over `span_ms` at `price`: the settlement value
/// per whole token the stability fee charges, `price x fee x span / year`, rounded up.
pub fn fee_index_increment(
	price: Price,
	stability_fee: Perbill,
	span_ms: u64,
) -> Result<FixedU128, RiskError> {
	if stability_fee.is_zero() || span_ms == 0 {
		return Ok(FixedU128::zero());
	}
	let per_year = (stability_fee.deconstruct() as u128)
		.checked_mul(span_ms as u128)
		.ok_or(RiskError::Overflow)?;
	let divisor =
		(Perbill::ACCURACY as u128).checked_mul(MS_PER_YEAR as u128).ok_or(RiskError::Overflow)?;
	Ok(FixedU128::from_inner(mul_div(price.into_inner(), per_year, divisor, Rounding::Up)?))
}

/// What a debt of `debt` tokens owes for the fee index's growth from `paid_to` to `now`,
/// in settlement units, rounded up (nothing when the index has not grown).
pub fn fee_owed(
	debt: Balance,
	paid_to: FixedU128,
	now: FixedU128,
	scale: &UnitScale,
) -> Result<Balance, RiskError> {
	let growth = now.into_inner().saturating_sub(paid_to.into_inner());
	if growth == 0 || debt == 0 {
		return Ok(0);
	}
	scale.value(debt, FixedU128::from_inner(growth), Rounding::Up)
}

/// The issuance fee on minting `amount` tokens at `price`: the fee's share of their value
/// (rounded up), rounded up.
pub fn issuance_fee(
	amount: Balance,
	price: Price,
	fee: Perbill,
	scale: &UnitScale,
) -> Result<Balance, RiskError> {
	if fee.is_zero() {
		return Ok(0);
	}
	Ok(fee.mul_ceil(scale.value(amount, price, Rounding::Up)?))
}

/// What a redemption of tokens pays, in settlement units.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Redemption {
	/// The tokens' value at the price, rounded down.
	pub value: Balance,
	/// The redemption fee's share of it, rounded up: the issuer keeps it.
	pub fee: Balance,
	/// What the redeemer receives: `value - fee`.
	pub payout: Balance,
}

/// Prices a redemption of `amount` tokens at `price` with `fee`.
pub fn redemption(
	amount: Balance,
	price: Price,
	fee: Perbill,
	scale: &UnitScale,
) -> Result<Redemption, RiskError> {
	let value = scale.value(amount, price, Rounding::Down)?;
	let fee = fee.mul_ceil(value).min(value);
	Ok(Redemption { value, fee, payout: value - fee })
}

/// The tokens of a synthetic held as collateral that count toward margin: those beyond the
/// holder's own debt of it (see the module docs on self-backing).
pub fn countable_holding(held: Balance, own_debt: Balance) -> Balance {
	held.saturating_sub(own_debt)
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_arithmetic::FixedPointNumber;

	const ONE: u128 = 1_000_000_000_000_000_000;

	fn terms() -> SyntheticTerms {
		SyntheticTerms {
			initial_fraction: Perbill::from_percent(20),
			maintenance_fraction: Perbill::from_percent(10),
			stability_fee: Perbill::from_percent(5),
			issuance_fee: Perbill::from_parts(3_000_000),
			redemption_fee: Perbill::from_parts(5_000_000),
			debt_cap: 1_000,
		}
	}

	#[test]
	fn terms_validate_their_bounds() {
		assert_eq!(terms().validate(), Ok(()));
		let equal = SyntheticTerms { maintenance_fraction: Perbill::from_percent(20), ..terms() };
		assert_eq!(equal.validate(), Err(RiskError::MaintenanceNotBelowInitial));
		let zero = SyntheticTerms { maintenance_fraction: Perbill::zero(), ..terms() };
		assert_eq!(zero.validate(), Err(RiskError::MaintenanceNotBelowInitial));
		let full = SyntheticTerms { initial_fraction: Perbill::one(), ..terms() };
		assert_eq!(full.validate(), Ok(()));
		let stability = SyntheticTerms { stability_fee: Perbill::from_percent(51), ..terms() };
		assert_eq!(stability.validate(), Err(RiskError::InvalidSyntheticFees));
		let at_bound = SyntheticTerms { stability_fee: MAX_STABILITY_FEE, ..terms() };
		assert_eq!(at_bound.validate(), Ok(()));
		let issuance = SyntheticTerms { issuance_fee: Perbill::from_percent(6), ..terms() };
		assert_eq!(issuance.validate(), Err(RiskError::InvalidSyntheticFees));
		let redemption = SyntheticTerms { redemption_fee: Perbill::from_percent(6), ..terms() };
		assert_eq!(redemption.validate(), Err(RiskError::InvalidSyntheticFees));
	}

	#[test]
	fn a_debt_weighs_one_plus_its_fraction() {
		let weights = terms().liability_weights();
		assert_eq!(weights.initial, FixedU128::from_rational(12, 10));
		assert_eq!(weights.maintenance, FixedU128::from_rational(11, 10));
		assert_eq!(weights.validate(), Ok(()));
		// At the highest fraction the weight is the highest a liability may have.
		let full = SyntheticTerms { initial_fraction: Perbill::one(), ..terms() };
		assert_eq!(full.liability_weights().initial, crate::collateral::MAX_LIABILITY_WEIGHT);
	}

	#[test]
	fn the_fee_index_grows_by_price_times_rate_times_time() {
		// 5% a year on a 60,000 USD token for a whole year: 3,000 USD per token.
		let price = FixedU128::from_u32(60_000);
		let year = fee_index_increment(price, Perbill::from_percent(5), MS_PER_YEAR).unwrap();
		assert_eq!(year, FixedU128::from_u32(3_000));
		// One 3 s block: 3,000 x 3 / 31,536,000 = 0.000285388127853881... rounded up.
		let block = fee_index_increment(price, Perbill::from_percent(5), 3_000).unwrap();
		assert_eq!(block.into_inner(), 285_388_127_853_882);
		assert_eq!(fee_index_increment(price, Perbill::zero(), 3_000).unwrap(), FixedU128::zero());
		assert_eq!(
			fee_index_increment(price, Perbill::from_percent(5), 0).unwrap(),
			FixedU128::zero()
		);
	}

	#[test]
	fn a_debt_owes_the_index_growth_rounded_up() {
		// 0.5 BTC (8 decimals) owing 3,000 USD per token: 1,500 USDC (6 decimals).
		let scale = UnitScale::new(8, 6);
		let owed =
			fee_owed(50_000_000, FixedU128::from_u32(100), FixedU128::from_u32(3_100), &scale)
				.unwrap();
		assert_eq!(owed, 1_500_000_000);
		// One satoshi owing a tiny growth still pays a unit: the fee rounds up.
		let tiny = fee_owed(1, FixedU128::zero(), FixedU128::from_inner(1), &scale).unwrap();
		assert_eq!(tiny, 1);
		// Nothing grown, nothing owed; an index behind the record owes nothing either.
		let same = FixedU128::from_u32(7);
		assert_eq!(fee_owed(50_000_000, same, same, &scale).unwrap(), 0);
		assert_eq!(fee_owed(50_000_000, same, FixedU128::from_u32(6), &scale).unwrap(), 0);
	}

	#[test]
	fn issuance_fee_rounds_up() {
		let scale = UnitScale::new(8, 6);
		let price = FixedU128::from_u32(60_000);
		// 0.3% of 1 BTC at 60,000: 180 USDC.
		let fee = issuance_fee(100_000_000, price, Perbill::from_parts(3_000_000), &scale);
		assert_eq!(fee.unwrap(), 180_000_000);
		// 0.3% of one satoshi (0.0006 USDC, 600 units): 1.8 units, paid as 2.
		let fee = issuance_fee(1, price, Perbill::from_parts(3_000_000), &scale);
		assert_eq!(fee.unwrap(), 2);
		assert_eq!(issuance_fee(1, price, Perbill::zero(), &scale).unwrap(), 0);
	}

	#[test]
	fn a_redemption_pays_the_value_less_the_fee_rounded_down() {
		let scale = UnitScale::new(8, 6);
		let price = FixedU128::from_rational(600_005, 10);
		// 0.25 BTC at 60,000.5: 15,000.125 USDC; 0.5% fee 75.000625, paid as 75.000625.
		let out = redemption(25_000_000, price, Perbill::from_parts(5_000_000), &scale).unwrap();
		assert_eq!(out.value, 15_000_125_000);
		assert_eq!(out.fee, 75_000_625);
		assert_eq!(out.payout, out.value - out.fee);
		// A satoshi at 0.00000001 USD is worth nothing after rounding down: nothing is paid.
		let dust = redemption(1, FixedU128::from_inner(ONE / 100), Perbill::zero(), &scale);
		assert_eq!(dust.unwrap(), Redemption { value: 0, fee: 0, payout: 0 });
	}

	#[test]
	fn the_peg_band_runs_from_the_redemption_floor_to_the_minting_ceiling() {
		// sBTC at 60,000 with a 0.5% redemption and a 0.3% issuance fee: a holder always
		// gets 59,700 a token by redeeming, an issuer pays 60,180 a token to mint (before
		// margin). Below 59,700 buying and redeeming pays; above 60,180, minting and
		// selling does.
		let scale = UnitScale::new(8, 6);
		let price = FixedU128::from_u32(60_000);
		let t = terms();
		let floor = redemption(100_000_000, price, t.redemption_fee, &scale).unwrap().payout;
		let fee = issuance_fee(100_000_000, price, t.issuance_fee, &scale).unwrap();
		let ceiling = scale.value(100_000_000, price, Rounding::Up).unwrap() + fee;
		assert_eq!(floor, 59_700_000_000);
		assert_eq!(ceiling, 60_180_000_000);
		// For any amount the floor is below the value and the value below the ceiling.
		for amount in [1u128, 7, 999, 12_345_678, 100_000_000, 2_100_000_000_000_000] {
			let value = scale.value(amount, price, Rounding::Down).unwrap();
			let out = redemption(amount, price, t.redemption_fee, &scale).unwrap();
			let cost = scale.value(amount, price, Rounding::Up).unwrap()
				+ issuance_fee(amount, price, t.issuance_fee, &scale).unwrap();
			assert!(out.payout <= value && value <= cost, "{amount}");
		}
	}

	#[test]
	fn only_tokens_beyond_the_own_debt_count() {
		assert_eq!(countable_holding(100, 0), 100);
		assert_eq!(countable_holding(100, 40), 60);
		assert_eq!(countable_holding(100, 100), 0);
		assert_eq!(countable_holding(40, 100), 0);
	}

	#[test]
	fn the_mint_and_deposit_loop_ends_at_its_first_step() {
		// An account with margin value M mints as much as initial margin allows, deposits the
		// tokens as collateral at haircut h and mints again. With self-backed tokens counted
		// at zero, the second mint finds no more room than the first left.
		let weights = terms().liability_weights();
		let margin: u128 = 1_000_000;
		let haircut = Perbill::from_percent(90);
		let mut debt: u128 = 0;
		let mut held: u128 = 0;
		let room = |debt: u128, held: u128| -> u128 {
			let counted = haircut.mul_floor(countable_holding(held, debt));
			let owed = weights.initial.saturating_mul_int(debt);
			(margin + counted).saturating_sub(owed)
		};
		for step in 0..10 {
			// Mint what the room allows at weight 1.2.
			let mint = mul_div(room(debt, held), ONE, weights.initial.into_inner(), Rounding::Down)
				.unwrap();
			if step > 0 {
				assert_eq!(mint, 0, "step {step} found room");
			}
			debt += mint;
			held += mint;
		}
		assert_eq!(debt, 833_333);
	}
}
