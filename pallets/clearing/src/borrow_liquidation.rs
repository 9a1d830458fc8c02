//! Liquidating borrows (and synthetic debts, moved the same way: see
//! [`crate::synthetics`]): when closing a cross-margined account's positions does not bring
//! it back (or it holds none, below maintenance because of what it borrowed), or beside the
//! closes of a portfolio-margined account (below), the insurance fund takes
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
//!
//! ## Under portfolio margin
//! The rule above sizes from the weights, which a portfolio account's borrows do not carry:
//! they are legs of its scan, and one may hedge a position, so taking it alone could lower
//! health. A portfolio account's liquidation moves instead the same share of every borrow
//! as it closes of every position ([`Pallet::move_borrows_pro_rata`]), the share sized
//! from the scan. Each share is paid for with the collateral that counts the most first,
//! then the next, at the price over `1 - penalty`
//! ([`risk_engine::money_market::pledge_for`]): the fund never takes over more borrow than
//! it is paid for.

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use risk_engine::{
	money_market::{borrow_liquidation_size, BorrowLiquidation, BorrowLiquidationSize},
	MarginLevel, Price, UnitScale,
};
use sp_arithmetic::{FixedPointNumber, FixedU128, Perbill, Rounding};

use crate::{
	margin::{CrossInputs, Owed},
	pallet::*,
	WeightInfo,
};

/// The most borrow moves one liquidation of a cross-margined account makes (and is charged
/// for): the largest borrow against the largest collateral, then the next pair.
pub const MAX_BORROW_MOVES: u32 = 4;

/// One side of a move: an asset, its price and decimals, and what it is worth.
#[derive(Clone, Copy)]
pub(crate) struct Leg<AssetId> {
	asset: AssetId,
	/// Whether the leg is a synthetic debt (of the synthetic `asset`), not a balance.
	synthetic: bool,
	/// Whether a portfolio account's equity counts the leg at its weight (no scenario moves
	/// it): a settlement debt, or a synthetic pegged to a constant.
	weighted_in_portfolio: bool,
	/// What it is worth at its price, in settlement units.
	value: u128,
	price: Price,
	decimals: u8,
}

impl<T: Config> Pallet<T> {
	/// The account's borrows as legs, with their maintenance weights: each priced asset
	/// owed, and a settlement debt at par.
	fn borrow_legs(inputs: &CrossInputs<T>) -> Vec<(Leg<T::AssetId>, FixedU128)> {
		let quote_decimals = T::SettlementDecimals::get();
		let mut borrows: Vec<(Leg<T::AssetId>, FixedU128)> = inputs
			.liability_holdings
			.iter()
			.zip(inputs.liability_keys.iter())
			.zip(inputs.liabilities.iter().filter(|(_, _, holding)| holding.is_some()))
			.filter_map(|((holding, key), (owed, _, _))| {
				let value = risk_engine::liability_market_value(holding, quote_decimals).ok()?;
				let leg = Leg {
					asset: owed.asset(),
					synthetic: matches!(owed, Owed::Synthetic(_)),
					weighted_in_portfolio: key.is_none(),
					value,
					price: holding.price,
					decimals: holding.decimals,
				};
				Some((leg, holding.weights.maintenance))
			})
			.collect();
		let debt = inputs.settlement_balance.min(0).unsigned_abs();
		if debt > 0 {
			borrows.push((Self::settlement_leg(debt), Self::settlement_weights().maintenance));
		}
		borrows
	}

	/// The account's collateral as legs, with the share of each health counts: each priced
	/// supply (a segregated holding included) at its maintenance haircut, and a positive
	/// settlement balance at par.
	fn pledge_legs(inputs: &CrossInputs<T>) -> Vec<(Leg<T::AssetId>, Perbill)> {
		let quote_decimals = T::SettlementDecimals::get();
		let mut collateral: Vec<(Leg<T::AssetId>, Perbill)> = inputs
			.collateral
			.iter()
			.filter_map(|(asset, _, holding)| {
				let holding = (*holding)?;
				let value = risk_engine::holding_market_value(&holding, quote_decimals).ok()?;
				let leg = Leg {
					asset: *asset,
					synthetic: false,
					weighted_in_portfolio: false,
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
		collateral
	}

	/// Moves borrows of `who`, with collateral for them, to the insurance fund (see the
	/// module docs), at most `max_moves` times. Returns whether the account reached its
	/// target, and how many moves it made.
	pub(crate) fn liquidate_borrows(
		who: &T::AccountId,
		penalty: Perbill,
		buffer: Perbill,
		max_moves: u32,
	) -> Result<(bool, u32), DispatchError> {
		let mut moves = 0;
		loop {
			let inputs = Self::load_cross_inputs(who);
			let (figures, _) = Self::cross_figures_from(who, &inputs)?;
			ensure!(!figures.stale, Error::<T>::StalePrice);
			let borrows = Self::borrow_legs(&inputs);
			let weighted =
				|(leg, weight): &(Leg<T::AssetId>, FixedU128)| weight.saturating_mul_int(leg.value);
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
			let collateral = Self::pledge_legs(&inputs);
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
			if Self::move_borrow(who, &borrow.0, &pledge.0, &size)?.is_none() {
				return Ok((false, moves));
			}
			moves += 1;
		}
	}

	/// What a portfolio account's borrows add to the sizing of its pro rata liquidation
	/// (see [`crate::liquidation`]): what moving all of them costs, each borrow's value
	/// over `1 - penalty` (the collateral paid for it, rounded up), and the margin a
	/// settlement debt's weight takes (`debt x (weight - 1)`): the scan carries the other
	/// borrows' risk, no scenario the settlement asset's.
	pub(crate) fn portfolio_borrow_book(
		inputs: &CrossInputs<T>,
		penalty: Perbill,
	) -> Result<(u128, u128), DispatchError> {
		let mut cost: u128 = 0;
		let mut debt_margin: u128 = 0;
		for (leg, weight) in Self::borrow_legs(inputs) {
			let paid = risk_engine::money_market::collateral_due(leg.value, penalty)
				.map_err(Error::<T>::from)?;
			cost = cost.saturating_add(paid);
			if leg.weighted_in_portfolio {
				debt_margin = debt_margin
					.saturating_add(weight.saturating_mul_int(leg.value).saturating_sub(leg.value));
			}
		}
		Ok((cost, debt_margin))
	}

	/// The borrow side of a portfolio account's pro rata round: `numerator / denominator`
	/// of each borrow `who` owes now (rounded up; a settlement debt included), largest
	/// first, moved to the insurance fund with collateral for it (see
	/// [`Self::move_borrow_share`]). `moves` counts the moves made, at most `max_moves`.
	/// Nothing moves when the account's net value at market is no more than the penalties
	/// the moves would charge it.
	pub(crate) fn move_borrows_pro_rata(
		who: &T::AccountId,
		(numerator, denominator): (u128, u128),
		penalty: Perbill,
		moves: &mut u32,
		max_moves: u32,
	) -> DispatchResult {
		let inputs = Self::load_cross_inputs(who);
		ensure!(!inputs.stale, Error::<T>::StalePrice);
		let mut borrows = Self::borrow_legs(&inputs);
		borrows.sort_by(|a, b| b.0.value.cmp(&a.0.value));
		let mut shares = Vec::with_capacity(borrows.len());
		let mut penalties: u128 = 0;
		for (borrow, _) in &borrows {
			let value =
				risk_engine::types::mul_div(borrow.value, numerator, denominator, Rounding::Up)
					.map_err(Error::<T>::from)?;
			let paid = risk_engine::money_market::collateral_due(value, penalty)
				.map_err(Error::<T>::from)?;
			penalties = penalties.saturating_add(paid.saturating_sub(value));
			shares.push(value);
		}
		// An account worth no more at market than the penalties it would pay pays none: the
		// fund would only cover them again as bad debt. The bankruptcy path takes it over at
		// market value instead.
		if Self::net_value_of(&inputs) <= i128::try_from(penalties).unwrap_or(i128::MAX) {
			return Ok(());
		}
		let mut pledges = Self::pledge_legs(&inputs);
		for ((borrow, _), value) in borrows.iter().zip(shares) {
			Self::move_borrow_share(who, borrow, value, &mut pledges, penalty, moves, max_moves)?;
		}
		Ok(())
	}

	/// Moves borrow value `value` of `who`'s borrow `borrow` to the insurance fund, paid
	/// with `pledges` in turn, the one that counts the most at maintenance first, each at
	/// its price less the penalty (see [`risk_engine::money_market::pledge_for`]): a
	/// portfolio account's pro rata liquidation (see [`crate::liquidation`]). `pledges`
	/// keep what is left of each; `moves` counts the moves made, at most `max_moves`.
	/// Returns the borrow value moved.
	fn move_borrow_share(
		who: &T::AccountId,
		borrow: &Leg<T::AssetId>,
		value: u128,
		pledges: &mut [(Leg<T::AssetId>, Perbill)],
		penalty: Perbill,
		moves: &mut u32,
		max_moves: u32,
	) -> Result<u128, DispatchError> {
		let quote_decimals = T::SettlementDecimals::get();
		let mut remaining = value.min(borrow.value);
		let mut moved = 0;
		while remaining > 0 && *moves < max_moves {
			// A remainder of the share worth less than a token of the borrow (rounding) ends
			// this borrow's share; the whole borrow always moves to the token.
			let left = borrow.value.saturating_sub(moved);
			if remaining < left
				&& Self::amount_worth(borrow, remaining, quote_decimals, Rounding::Down)? == 0
			{
				break;
			}
			// A borrow cannot be paid in its own asset: its balance is the borrow (a
			// synthetic debt may be, in tokens of it held as collateral).
			let Some(pledge) = pledges
				.iter_mut()
				.filter(|(leg, _)| (borrow.synthetic || leg.asset != borrow.asset) && leg.value > 0)
				.max_by_key(|(leg, haircut)| haircut.mul_floor(leg.value))
			else {
				break;
			};
			let Some(size) =
				risk_engine::money_market::pledge_for(remaining, pledge.0.value, penalty)
					.map_err(Error::<T>::from)?
			else {
				// Too little of it to pay for a unit: the next collateral may.
				pledge.0.value = 0;
				continue;
			};
			// What is left of the borrow's value decides whether this move takes all of it
			// (to the token). The remainder was worth a token above, so a move that rounds
			// to nothing does so on the collateral's side, capped small: the next may pay.
			let part = Leg { value: left, ..*borrow };
			let Some(done) = Self::move_borrow(who, &part, &pledge.0, &size)? else {
				pledge.0.value = 0;
				continue;
			};
			*moves += 1;
			pledge.0.value = pledge.0.value.saturating_sub(done.collateral_value);
			remaining = remaining.saturating_sub(done.borrow_value);
			moved = moved.saturating_add(done.borrow_value);
			if done.borrow_value >= part.value {
				break;
			}
		}
		Ok(moved)
	}

	/// One move: the fund takes over `size.borrow_value` of `borrow` (the whole borrow, to
	/// the token, when that is all of its value; otherwise rounded down, the collateral
	/// shrunk in proportion) and, for it, that collateral value of `pledge` (rounded up,
	/// within what the account holds). One [`Event::BorrowLiquidated`]. Returns the values
	/// moved, or `None`, moving nothing, when either amount rounds to zero.
	fn move_borrow(
		who: &T::AccountId,
		borrow: &Leg<T::AssetId>,
		pledge: &Leg<T::AssetId>,
		size: &BorrowLiquidationSize,
	) -> Result<Option<BorrowLiquidationSize>, DispatchError> {
		let quote_decimals = T::SettlementDecimals::get();
		let owed = match borrow.synthetic {
			true => Self::synthetic_debt_of(who, borrow.asset).amount,
			false => Self::balance_of(who, borrow.asset).min(0).unsigned_abs(),
		};
		let mut size = *size;
		let borrow_amount = if size.borrow_value >= borrow.value {
			owed
		} else {
			let amount =
				Self::amount_worth(borrow, size.borrow_value, quote_decimals, Rounding::Down)?
					.min(owed);
			// The tokens taken over are worth a little less than asked (rounded down): the
			// collateral for them shrinks in proportion, so the penalty stays the share it is.
			let worth = UnitScale::new(borrow.decimals, quote_decimals)
				.value(amount, borrow.price, Rounding::Up)
				.map_err(Error::<T>::from)?
				.min(size.borrow_value);
			size.collateral_value = risk_engine::types::mul_div(
				size.collateral_value,
				worth,
				size.borrow_value,
				Rounding::Up,
			)
			.map_err(Error::<T>::from)?;
			size.borrow_value = worth;
			amount
		};
		let held = Self::balance_of(who, pledge.asset).max(0).unsigned_abs();
		let pledge_amount =
			Self::amount_worth(pledge, size.collateral_value, quote_decimals, Rounding::Up)?
				.min(held);
		if borrow_amount == 0 || pledge_amount == 0 {
			return Ok(None);
		}
		let fund = T::InsuranceAccount::get();
		if borrow.synthetic {
			Self::move_synthetic_debt(who, &fund, borrow.asset, borrow_amount)?;
		} else {
			Self::credit(who, borrow.asset, borrow_amount)?;
			Self::debit(&fund, borrow.asset, borrow_amount, true)?;
		}
		Self::debit(who, pledge.asset, pledge_amount, false)?;
		Self::credit(&fund, pledge.asset, pledge_amount)?;
		Self::forget_account(who);
		Self::forget_account(&fund);
		let penalty = size.collateral_value.saturating_sub(size.borrow_value);
		Self::deposit_event(match borrow.synthetic {
			true => Event::SyntheticDebtLiquidated {
				who: who.clone(),
				asset: borrow.asset,
				amount: borrow_amount,
				collateral_asset: pledge.asset,
				collateral_amount: pledge_amount,
				value: size.borrow_value,
				penalty,
			},
			false => Event::BorrowLiquidated {
				who: who.clone(),
				asset: borrow.asset,
				amount: borrow_amount,
				collateral_asset: pledge.asset,
				collateral_amount: pledge_amount,
				value: size.borrow_value,
				penalty,
			},
		});
		Ok(Some(size))
	}

	/// A settlement balance's worth as a leg: at par.
	fn settlement_leg(value: u128) -> Leg<T::AssetId> {
		Leg {
			asset: T::SettlementAsset::get(),
			synthetic: false,
			weighted_in_portfolio: true,
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

	/// The most borrow moves one liquidation of an account in `mode` makes (and is charged
	/// for): under cross margin [`MAX_BORROW_MOVES`]; under portfolio margin, each of the two
	/// pro rata rounds a move per asset or synthetic at most (a move either finishes a
	/// liability's share or empties a collateral, and each listed asset, the settlement
	/// asset among them, is one or the other; each synthetic owed is a liability).
	pub fn borrow_move_budget(mode: crate::MarginMode) -> u32 {
		match mode {
			crate::MarginMode::Cross => MAX_BORROW_MOVES,
			crate::MarginMode::Portfolio => T::MaxCollateralAssets::get()
				.saturating_add(1)
				.saturating_add(T::MaxSynthetics::get())
				.saturating_mul(2),
		}
	}

	/// What one borrow move costs: the account's book read and valued once (the legs and
	/// the figures come from the same inputs), and four balances moved, each with its
	/// market's totals, the borrowers' index and its principal; or, for a synthetic debt,
	/// its listing and state and both debts read and written, and the stability fee paid
	/// from the account's settlement balance to the fund's, beside the collateral's two
	/// balances (charged at the larger of the two: four reads and writes more).
	pub fn borrow_move_weight() -> Weight {
		T::WeightInfo::check_account(1)
			.saturating_add(T::DbWeight::get().reads_writes(16, 16))
			.saturating_add(Self::principal_weight(4))
	}
}
