//! Auto-deleveraging: when the insurance fund's net value falls below zero (it paid bad debt
//! it could not afford), the most profitable positions opposite the fund's are reduced
//! against the fund until its deficit is absorbed, each by no more than it has won.
//!
//! ## The rule
//! - **When.** The fund's net value (its settlement balance, the collateral it took over at
//!   market value, and its positions at the mark) is negative, and it holds a position in
//!   the market. Anyone may ask ([`Pallet::auto_deleverage`] takes only the market);
//!   validators' off-chain workers do, every block the fund is in deficit.
//! - **The market's share.** The deficit `D` is split across the markets the fund holds
//!   positions in by their value at the mark: market `m` carries `D x V_m / sum V`, rounded
//!   up. Spread over the fund's position `S_m` there, it gives the bankruptcy price,
//!   `mark + D_m / S_m` when the fund is long (it sells to the shorts above the mark) and
//!   `mark - D_m / S_m` when it is short: closing all of `S_m` at it recovers `D_m`.
//! - **Who: the chain decides.** Every open position sits in the [`DeleverageQueue`] of its
//!   market and side, ordered by its entry price: longs from the lowest entry, shorts from
//!   the highest. At one mark that is the order of unrealized profit per unit of notional
//!   (`(mark - entry) / entry` for a long), so the queue is kept in order by trades alone,
//!   at two writes per side per trade, whatever the prices do. Deleveraging walks the
//!   opposite side of the fund's position from the front (equal entries in the order of the
//!   accounts' key hashes), at most [`MAX_ADL_COUNTERPARTIES`] positions a call, and stops at
//!   the first position not in profit. Nobody names the victims, so nobody can front-run the
//!   worker with a list.
//! - **Each loses at most what it has won.** A counterparty's close is priced at the
//!   bankruptcy price, or nearer the mark when that would take more than its unrealized
//!   profit (net of funding owed) on the units closed. And it loses no more than its equity
//!   (cross, or the isolated position's own): when that binds, fewer units close at that
//!   price, so the fund's position is not spent for too little, and an account with no
//!   equity is passed over. ADL never pushes an account below zero equity, nor takes more
//!   than its gain in that market. What the caps leave unrecovered stays a deficit, for the
//!   next positions in line (the next call) or the fund's other markets.
//! - Each reduction is a trade at that price between the fund and the account, without
//!   fees: nothing is created or destroyed. One [`Event::AutoDeleveraged`] per account.

use frame_support::pallet_prelude::*;
use risk_engine::{Price, UnitScale};
use sp_arithmetic::{
	traits::{Saturating, Zero},
	Rounding,
};

use crate::{pallet::*, MarketId, MarketParamsOf, MarketState, PositionRecord};

/// The most positions one auto-deleveraging call reduces.
pub const MAX_ADL_COUNTERPARTIES: u32 = 16;

/// A position's place in its market's [`DeleverageQueue`]: its entry price, big-endian, so
/// that the queue's storage order is the deleveraging order (longs from the lowest entry,
/// shorts from the highest, whose keys are inverted).
pub type QueueKey = [u8; 16];

impl<T: Config> Pallet<T> {
	/// The insurance fund's deficit: minus its net value ([`Self::net_value`]) when
	/// negative, else zero.
	pub fn insurance_deficit() -> u128 {
		let value = Self::net_value(&T::InsuranceAccount::get());
		if value < 0 {
			value.unsigned_abs()
		} else {
			0
		}
	}

	/// Where `record` sits in its market's deleveraging queue: its side (long or not) and
	/// key. `None` for a flat position.
	pub(crate) fn queue_place(
		record: &PositionRecord,
		scale: &UnitScale,
	) -> Option<(bool, QueueKey)> {
		let size = record.position.size;
		if size == 0 {
			return None;
		}
		let entry = record.position.entry_price(scale).ok().flatten().unwrap_or_default();
		let long = size > 0;
		let rank = if long { entry.into_inner() } else { u128::MAX - entry.into_inner() };
		Some((long, rank.to_be_bytes()))
	}

	/// Moves `who`'s entry in `market`'s deleveraging queue from where `before` put it to
	/// where `after` does (the insurance fund is never queued: it is the other side).
	pub(crate) fn requeue(
		who: &T::AccountId,
		market: MarketId,
		scale: &UnitScale,
		before: Option<&PositionRecord>,
		after: Option<&PositionRecord>,
	) {
		if who == &T::InsuranceAccount::get() {
			return;
		}
		let old = before.and_then(|record| Self::queue_place(record, scale));
		let new = after.and_then(|record| Self::queue_place(record, scale));
		if old == new {
			return;
		}
		if let Some((long, key)) = old {
			DeleverageQueue::<T>::remove((market, long, key, who));
		}
		if let Some((long, key)) = new {
			DeleverageQueue::<T>::insert((market, long, key, who), ());
		}
	}

	/// Whether an auto-deleveraging of `market` would do anything now: the fund has a
	/// deficit and a position there, and the front of the opposite queue is in profit.
	pub fn deleverage_applies(market: MarketId) -> bool {
		Self::deficit_to_deleverage(market).is_some()
	}

	/// The fund's deficit when an auto-deleveraging of `market` would do something now (see
	/// [`Self::deleverage_applies`]), worked out once for the call that goes on to use it.
	fn deficit_to_deleverage(market: MarketId) -> Option<u128> {
		let fund = T::InsuranceAccount::get();
		let fund_size = Positions::<T>::get(&fund).get(&market).map(|r| r.position.size)?;
		if fund_size == 0 {
			return None;
		}
		let deficit = Self::insurance_deficit();
		if deficit == 0 {
			return None;
		}
		let params = Self::market_params(market)?;
		let state = MarketStates::<T>::get(market);
		let prices = Self::market_prices(market, &params, &state)?;
		let (state, _) = Self::funding_to_now(&params, state, Some(&prices)).ok()?;
		let scale = Self::market_scale(&params);
		// The front of the queue is the most profitable: it is in profit, or nobody is.
		DeleverageQueue::<T>::iter_key_prefix((market, fund_size < 0))
			.next()
			.and_then(|(_, who)| Positions::<T>::get(&who).get(&market).copied())
			.is_some_and(|record| Self::profit_in_market(&record, &state, prices.mark, &scale) > 0)
			.then_some(deficit)
	}

	/// `record`'s unrealized profit at `mark`, net of the funding it owes up to `state`'s
	/// index (settlement units).
	fn profit_in_market(
		record: &PositionRecord,
		state: &MarketState,
		mark: Price,
		scale: &UnitScale,
	) -> i128 {
		let pnl = risk_engine::unrealized_pnl(&record.position, mark, scale).unwrap_or(0);
		let owed = risk_engine::funding_owed(&record.position, state.funding_index, scale)
			.unwrap_or(i128::MAX);
		pnl.saturating_sub(owed)
	}

	/// This market's share of the fund's deficit: the deficit split across the fund's
	/// markets by position value at the mark, rounded up.
	fn deficit_share(market: MarketId, deficit: u128) -> Result<u128, DispatchError> {
		let mut total: u128 = 0;
		let mut this: u128 = 0;
		for (held, record) in Positions::<T>::get(T::InsuranceAccount::get()) {
			if record.position.is_flat() {
				continue;
			}
			let params = Self::market_params(held).ok_or(Error::<T>::UnknownMarket)?;
			let state = MarketStates::<T>::get(held);
			let prices =
				Self::market_prices(held, &params, &state).ok_or(Error::<T>::StalePrice)?;
			let value = Self::market_scale(&params)
				.value(record.position.size.unsigned_abs(), prices.mark, Rounding::Up)
				.map_err(Error::<T>::from)?;
			total = total.checked_add(value).ok_or(Error::<T>::Overflow)?;
			if held == market {
				this = value;
			}
		}
		if total == 0 {
			return Ok(deficit);
		}
		Ok(risk_engine::types::mul_div(deficit, this, total, Rounding::Up)
			.map_err(Error::<T>::from)?)
	}

	/// The equity `who` may lose to deleveraging with its position `record` in `market`: the
	/// isolated position's own, or the cross account's at maintenance (zero when not
	/// positive).
	fn deleverage_equity(
		who: &T::AccountId,
		market: MarketId,
		params: &MarketParamsOf<T>,
		record: &PositionRecord,
	) -> Result<u128, DispatchError> {
		let equity = match record.isolated_margin {
			Some(_) => Self::isolated_figures(market, params, record, false)?.equity,
			None => Self::cross_figures(who)?.margin.equity_maintenance,
		};
		Ok(equity.max(0).unsigned_abs())
	}

	/// Reduces the front of the queue opposite the fund's position in `market` against the
	/// fund until the market's share of the deficit is absorbed (see the module docs).
	/// Returns how many positions it reduced.
	pub(crate) fn do_auto_deleverage(market: MarketId) -> Result<u32, DispatchError> {
		let deficit = Self::deficit_to_deleverage(market).ok_or(Error::<T>::NothingToDeleverage)?;
		let fund = T::InsuranceAccount::get();
		let params = Self::market_params(market).ok_or(Error::<T>::UnknownMarket)?;
		let (mut state, prices) = Self::accrue_funding_at_prices(market, &params)?;
		let prices = prices.ok_or(Error::<T>::StalePrice)?;
		ensure!(prices.fresh, Error::<T>::StalePrice);
		let scale = Self::market_scale(&params);
		let fund_size =
			Positions::<T>::get(&fund).get(&market).map_or(0, |record| record.position.size);
		let fund_long = fund_size > 0;
		let mut units_left = fund_size.unsigned_abs();
		let mut share_left = Self::deficit_share(market, deficit)?;
		// Closing the whole position at the bankruptcy price recovers the share (rounded so
		// that the fund never recovers less).
		let bankruptcy_offset = scale
			.price_of(share_left, units_left, Rounding::Up)
			.map_err(Error::<T>::from)?
			.unwrap_or_default();

		// Read the front of the queue first: the trades below move entries in it.
		let front: alloc::vec::Vec<T::AccountId> =
			DeleverageQueue::<T>::iter_key_prefix((market, !fund_long))
				.take(MAX_ADL_COUNTERPARTIES as usize)
				.map(|(_, who)| who)
				.collect();
		let lot = params.lot_size.max(1);
		let mut reduced = 0u32;
		for who in front {
			if units_left == 0 || share_left == 0 {
				break;
			}
			let Some(record) = Positions::<T>::get(&who).get(&market).copied() else { continue };
			let size = record.position.size.unsigned_abs();
			let profit = Self::profit_in_market(&record, &state, prices.mark, &scale);
			if profit <= 0 {
				// The queue is in profit order: nobody behind this one has won anything.
				break;
			}
			let mut units = size.min(units_left);
			// Per unit it gives up no more than it has won on it, and no more than the
			// deficit left asks (rounded in its favour)...
			let profit_on_units =
				risk_engine::types::mul_div(profit.unsigned_abs(), units, size, Rounding::Down)
					.map_err(Error::<T>::from)?;
			let capped = scale
				.price_of(profit_on_units.min(share_left), units, Rounding::Down)
				.map_err(Error::<T>::from)?
				.unwrap_or_default();
			let offset = bankruptcy_offset.min(capped);
			// ...and in all no more than its equity: with less, fewer units close at that
			// price, so the fund's position is not spent for too little.
			let equity = Self::deleverage_equity(&who, market, &params, &record)?;
			let loss = scale.value(units, offset, Rounding::Up).map_err(Error::<T>::from)?;
			if loss > equity {
				let affordable = risk_engine::types::mul_div(units, equity, loss, Rounding::Down)
					.map_err(Error::<T>::from)?;
				units = affordable - affordable % lot;
			}
			if units == 0 || offset.is_zero() {
				// Nothing it can give: the next in line may.
				continue;
			}
			let price = if fund_long {
				prices.mark.saturating_add(offset)
			} else {
				prices.mark.saturating_sub(offset)
			};
			let signed = i128::try_from(units).map_err(|_| Error::<T>::Overflow)?;
			// The counterparty's side closes toward zero; the fund's likewise.
			let counterparty_side = if fund_long { signed } else { -signed };
			Self::trade_with_fund(&who, market, &mut state, &scale, counterparty_side, price)?;
			let recovered = scale.value(units, offset, Rounding::Down).map_err(Error::<T>::from)?;
			share_left = share_left.saturating_sub(recovered);
			units_left -= units;
			reduced += 1;
			Self::deposit_event(Event::AutoDeleveraged {
				who,
				market,
				reduced_size: counterparty_side,
				price,
			});
		}
		MarketStates::<T>::insert(market, state);
		ensure!(reduced > 0, Error::<T>::NothingToDeleverage);
		Ok(reduced)
	}
}
