//! Liquidating borrows: when closing an account's positions does not bring it back (or it
//! holds none, below maintenance because of what it borrowed), the insurance fund takes
//! over part of its borrows, and for each part collateral worth that part at oracle prices
//! less the liquidation penalty. Nothing is sold and no token moves: balances move between
//! the account and the fund inside the pallet, so a liquidation never waits on the pool's
//! liquidity.
//!
//! ## The rule
//! 1. The target is `buffer x (maintenance requirement + the borrows' margin)`, the borrows'
//!    margin being what their weights add to them (`value x (weight - 1)`): health at the
//!    target survives a move as large as the one the buffer allows for positions.
//! 2. The largest borrow by weighted value (a settlement debt counts at par) against the
//!    collateral that counts the most at maintenance (a positive settlement balance at
//!    par): [`risk_engine::money_market::borrow_liquidation_size`] gives the fewest units
//!    that restore the target, capped by the borrow and by what the collateral pays.
//! 3. The fund takes that part of the borrow and the collateral for it; one
//!    [`Event::BorrowLiquidated`] per move; then again, at most the moves the call was
//!    charged for.
//!
//! The pair always gains health while the borrow weighs more than the collateral counts
//! after the penalty (`weight > haircut / (1 - penalty)`): with the penalty below
//! `1 - 1 / weight`, which the liquidation parameters' bounds keep, every pair qualifies.
//! What the moves cannot restore goes to the bankruptcy path (see [`crate::liquidation`]).

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use risk_engine::{
	money_market::{borrow_liquidation_size, BorrowLiquidation},
	MarginLevel, Price, UnitScale,
};
use sp_arithmetic::{FixedPointNumber, Perbill, Rounding};

use crate::{pallet::*, WeightInfo};

/// The most borrow moves one liquidation of an account makes (and is charged for): the
/// largest borrow against the largest collateral, then the next pair.
pub const MAX_BORROW_MOVES: u32 = 4;

/// One side of a move: an asset, its price and decimals, and how it counts.
struct Leg<AssetId> {
	asset: AssetId,
	/// What it is worth at its price, in settlement units.
	value: u128,
	price: Price,
	decimals: u8,
}

impl<T: Config> Pallet<T> {
	/// Moves borrows of `who`, with collateral for them, to the insurance fund (see the
	/// module docs), at most `max_moves` times. Returns whether the account reached its
	/// target, and how many moves it made.
	pub(crate) fn liquidate_borrows(
		who: &T::AccountId,
		penalty: Perbill,
		buffer: Perbill,
		max_moves: u32,
	) -> Result<(bool, u32), DispatchError> {
		let quote_decimals = T::SettlementDecimals::get();
		let settlement_weight = Self::settlement_weights().maintenance;
		let mut moves = 0;
		loop {
			let inputs = Self::load_cross_inputs(who);
			let (figures, _) = Self::cross_figures_from(who, &inputs)?;
			ensure!(!figures.stale, Error::<T>::StalePrice);
			// The borrows: each priced asset owed, and a settlement debt at par.
			let mut borrows: Vec<(Leg<T::AssetId>, sp_arithmetic::FixedU128)> = inputs
				.liability_holdings
				.iter()
				.zip(inputs.liabilities.iter())
				.filter_map(|(holding, (asset, _, _))| {
					let value =
						risk_engine::liability_market_value(holding, quote_decimals).ok()?;
					let leg = Leg {
						asset: *asset,
						value,
						price: holding.price,
						decimals: holding.decimals,
					};
					Some((leg, holding.weights.maintenance))
				})
				.collect();
			let debt = inputs.settlement_balance.min(0).unsigned_abs();
			if debt > 0 {
				borrows.push((Self::settlement_leg(debt), settlement_weight));
			}
			let weighted = |(leg, weight): &(Leg<T::AssetId>, sp_arithmetic::FixedU128)| {
				weight.saturating_mul_int(leg.value)
			};
			let borrow_margin: u128 = borrows
				.iter()
				.map(|borrow| weighted(borrow).saturating_sub(borrow.0.value))
				.fold(0, u128::saturating_add);
			let target = buffer
				.mul_ceil(figures.margin.maintenance_requirement.saturating_add(borrow_margin));
			let target = i128::try_from(target).unwrap_or(i128::MAX);
			let health = figures.margin.health;
			if health >= target {
				return Ok((true, moves));
			}
			if moves >= max_moves {
				return Ok((false, moves));
			}
			// The collateral: each priced supply, and a positive settlement balance at par.
			let mut collateral: Vec<(Leg<T::AssetId>, Perbill)> = inputs
				.collateral
				.iter()
				.filter_map(|(asset, _, holding)| {
					let holding = (*holding)?;
					let value = risk_engine::holding_market_value(&holding, quote_decimals).ok()?;
					let leg = Leg {
						asset: *asset,
						value,
						price: holding.price,
						decimals: holding.params.decimals,
					};
					Some((leg, holding.params.haircut(MarginLevel::Maintenance)))
				})
				.collect();
			let cash = inputs.settlement_balance.max(0).unsigned_abs();
			if cash > 0 {
				collateral.push((Self::settlement_leg(cash), Perbill::one()));
			}
			let Some(borrow) = borrows.iter().max_by_key(|borrow| weighted(borrow)) else {
				return Ok((false, moves));
			};
			let Some(pledge) =
				collateral.iter().max_by_key(|(leg, haircut)| haircut.mul_floor(leg.value))
			else {
				return Ok((false, moves));
			};
			let size = borrow_liquidation_size(&BorrowLiquidation {
				shortfall: target.saturating_sub(health).unsigned_abs(),
				borrow_value: borrow.0.value,
				borrow_weight: borrow.1,
				collateral_value: pledge.0.value,
				collateral_haircut: pledge.1,
				penalty,
			})
			.map_err(Error::<T>::from)?;
			let Some(size) = size else { return Ok((false, moves)) };
			// What the fund takes over rounds down; what it takes for it rounds up, within
			// what the account holds.
			let borrow_amount =
				Self::amount_worth(&borrow.0, size.borrow_value, quote_decimals, Rounding::Down)?;
			let held = Self::balance_of(who, pledge.0.asset).max(0).unsigned_abs();
			let pledge_amount =
				Self::amount_worth(&pledge.0, size.collateral_value, quote_decimals, Rounding::Up)?
					.min(held);
			if borrow_amount == 0 || pledge_amount == 0 {
				return Ok((false, moves));
			}
			let fund = T::InsuranceAccount::get();
			Self::credit(who, borrow.0.asset, borrow_amount)?;
			Self::debit(&fund, borrow.0.asset, borrow_amount, true)?;
			Self::debit(who, pledge.0.asset, pledge_amount, false)?;
			Self::credit(&fund, pledge.0.asset, pledge_amount)?;
			Self::forget_account(who);
			Self::forget_account(&fund);
			moves += 1;
			Self::deposit_event(Event::BorrowLiquidated {
				who: who.clone(),
				asset: borrow.0.asset,
				amount: borrow_amount,
				collateral_asset: pledge.0.asset,
				collateral_amount: pledge_amount,
				value: size.borrow_value,
				penalty: size.collateral_value.saturating_sub(size.borrow_value),
			});
		}
	}

	/// A settlement balance's worth as a leg: at par.
	fn settlement_leg(value: u128) -> Leg<T::AssetId> {
		Leg {
			asset: T::SettlementAsset::get(),
			value,
			price: Price::from_u32(1),
			decimals: T::SettlementDecimals::get(),
		}
	}

	/// The amount of a leg's asset worth `value` settlement units at its price.
	fn amount_worth(
		leg: &Leg<T::AssetId>,
		value: u128,
		quote_decimals: u8,
		rounding: Rounding,
	) -> Result<u128, DispatchError> {
		let divisor =
			UnitScale::new(leg.decimals, quote_decimals).divisor().map_err(Error::<T>::from)?;
		Ok(risk_engine::types::mul_div(value, divisor, leg.price.into_inner(), rounding)
			.map_err(Error::<T>::from)?)
	}

	/// What one borrow move costs: the account's book read and valued once (the legs and
	/// the figures come from the same inputs), and four balances moved, each with its
	/// market's totals and the borrowers' index.
	pub fn borrow_move_weight() -> Weight {
		T::WeightInfo::check_account(1).saturating_add(T::DbWeight::get().reads_writes(12, 12))
	}
}
