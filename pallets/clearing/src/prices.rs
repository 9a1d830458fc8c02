//! Prices: the oracle's values through the jump breaker and the staleness rule, each
//! market's index and mark, and funding accrual at those prices.

use frame_support::pallet_prelude::*;
use risk_engine::Price;
use sp_arithmetic::traits::{SaturatedConversion, Saturating, Zero};

use crate::{pallet::*, Instrument, MarketId, MarketState, PriceProvider};

/// A market's prices at this moment.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct MarketPrices {
	/// The oracle index price.
	pub index: Price,
	/// The mark price (index pulled toward the last trade, within the band).
	pub mark: Price,
	/// Whether the index is younger than the maximum price age.
	pub fresh: bool,
}

impl<T: Config> Pallet<T> {
	/// The price in force for `key`, after the jump breaker, and when the oracle observed it.
	/// Oracle values outside the price domain ([`risk_engine::price_in_domain`]) are refused
	/// here, at the boundary: the guard ignores them.
	pub fn guarded_price(key: &T::OracleKey) -> Option<risk_engine::GuardedPrice> {
		Self::cached_guarded_price(key, || {
			let remembered = PriceGuards::<T>::get(key);
			let Some(observation) = T::PriceProvider::price(key) else { return remembered };
			let block: u32 = frame_system::Pallet::<T>::block_number().saturated_into();
			risk_engine::guard_price(
				remembered.as_ref(),
				observation,
				block,
				&JumpBreakerParams::<T>::get(),
			)
		})
	}

	/// The price in force for `key` (see [`Self::guarded_price`]) and whether it is fresh
	/// by the pallet-wide [`MaxPriceAge`].
	pub fn oracle_price(key: &T::OracleKey) -> Option<(Price, bool)> {
		Self::oracle_price_within(key, Self::max_price_age())
	}

	/// The price in force for `key` and whether it is fresh: at most `max_age_ms` old and
	/// not in doubt (no jump held, see [`risk_engine::price_guard`]).
	pub fn oracle_price_within(key: &T::OracleKey, max_age_ms: u64) -> Option<(Price, bool)> {
		let guarded = Self::guarded_price(key)?;
		let age = Self::now().saturating_sub(guarded.observed_at);
		Some((guarded.accepted, age <= max_age_ms && !guarded.in_doubt()))
	}

	/// The maximum index age in force for a market: its own, or the pallet-wide one.
	pub fn market_max_price_age(params: &MarketParamsOf<T>) -> u64 {
		params.max_price_age_ms.unwrap_or_else(Self::max_price_age)
	}

	/// Remembers the jump breaker's verdict on each guarded key's newest observation, and
	/// folds a newly observed price in force into the key's volatility estimate.
	pub(crate) fn update_price_guards() {
		for key in GuardedKeys::<T>::get() {
			let Some(guarded) = Self::guarded_price(&key) else { continue };
			let remembered = PriceGuards::<T>::get(key);
			if remembered == Some(guarded) {
				continue;
			}
			let newly_held = guarded.held.is_some_and(|held| {
				remembered.and_then(|r| r.held).is_none_or(|before| before.price != held.price)
			});
			if let (true, Some(held)) = (newly_held, guarded.held) {
				Self::deposit_event(Event::PriceJumpHeld {
					key,
					accepted: guarded.accepted,
					jumped: held.price,
				});
			}
			if remembered.is_none_or(|before| before.observed_at != guarded.observed_at) {
				Self::note_volatility(key, guarded.accepted, guarded.observed_at);
			}
			PriceGuards::<T>::insert(key, guarded);
		}
		Self::forget_working_set();
	}

	/// The index and mark price of a market.
	///
	/// The mark starts from the last trade price; when the book has both a bid and an ask it
	/// is the median of the best bid, the best ask and the last trade (the last trade moved
	/// inside the spread, or the mid before any trade), so one trade away from the book does
	/// not move it. The result is clamped to `index x (1 ± mark_price_band)`; with neither a
	/// trade nor a two-sided book the mark is the index.
	///
	/// An option series is marked by the model instead (see [`crate::options`]): its `index`
	/// is the underlying's, its `mark` the premium, fresh when both the index and the
	/// implied volatility are (after the settlement price is fixed, always).
	pub fn market_prices(
		market: MarketId,
		params: &MarketParamsOf<T>,
		state: &MarketState,
	) -> Option<MarketPrices> {
		let max_age = Self::market_max_price_age(params);
		let (index, fresh) = Self::oracle_price_within(&params.oracle_key, max_age)?;
		if let Instrument::Option { volatility_key, .. } = params.instrument {
			if Self::is_expired(params) && SettlementPrices::<T>::contains_key(market) {
				let mark = Self::option_mark(market, &params.instrument, index, None)?;
				return Some(MarketPrices { index, mark, fresh: true });
			}
			let volatility = Self::oracle_price_within(&volatility_key, max_age);
			let mark = Self::option_mark(
				market,
				&params.instrument,
				index,
				volatility.map(|(volatility, _)| volatility),
			)?;
			let volatility_fresh =
				Self::is_expired(params) || volatility.is_some_and(|(_, fresh)| fresh);
			return Some(MarketPrices { index, mark, fresh: fresh && volatility_fresh });
		}
		let band = sp_arithmetic::FixedU128::from_perbill(params.mark_price_band);
		let low = index.saturating_sub(index.saturating_mul(band));
		let high = index.saturating_add(index.saturating_mul(band));
		let reference = match (state.best_bid, state.best_ask, state.last_trade_price) {
			(Some(bid), Some(ask), last) if bid <= ask => Some(last.map_or_else(
				|| bid.saturating_add(ask.saturating_sub(bid) / 2.into()),
				|last| last.max(bid).min(ask),
			)),
			(_, _, last) => last,
		};
		let mark = reference.map_or(index, |reference| reference.max(low).min(high));
		Some(MarketPrices { index, mark, fresh })
	}

	/// Accrues funding in `market` up to now and stores the new state.
	///
	/// The time since the last accrual is charged at the rate stored then
	/// ([`MarketState::funding_rate`]): the premium that held over that time, not the one at
	/// this moment. The rate for the time from now on is then taken from the prices in
	/// force. Every perpetual accrues at the end of every block ([`Self::accrue_all_funding`]),
	/// so a price move is charged from the block it happened in, never before. While the
	/// index is missing or stale nothing accrues; that time is covered by the next accrual at
	/// a fresh price, at the rate last in force.
	pub fn accrue_funding(
		market: MarketId,
		params: &MarketParamsOf<T>,
	) -> Result<MarketState, DispatchError> {
		Self::accrue_funding_at_prices(market, params).map(|(state, _)| state)
	}

	/// [`Self::accrue_funding`], with the market's prices it read (accruing does not move
	/// them), for callers that price with them next.
	pub(crate) fn accrue_funding_at_prices(
		market: MarketId,
		params: &MarketParamsOf<T>,
	) -> Result<(MarketState, Option<MarketPrices>), DispatchError> {
		let stored = MarketStates::<T>::get(market);
		let prices = Self::market_prices(market, params, &stored);
		let (state, increment) = Self::funding_to_now(params, stored, prices.as_ref())?;
		if state == stored {
			return Ok((state, prices));
		}
		if !increment.is_zero() {
			Self::deposit_event(Event::FundingAccrued {
				market,
				rate: stored.funding_rate,
				funding_index: state.funding_index,
			});
		}
		MarketStates::<T>::insert(market, state);
		Ok((state, prices))
	}

	/// `state` as [`Self::accrue_funding`] would leave it now, and the funding index's
	/// increment: the time since the last accrual at the stored rate, then the rate of
	/// `prices` from now on. Unchanged for an option series, before the first use, and while
	/// the index is missing or stale. Writes nothing (it reads only the clock), so that every
	/// margin figure (checks, liquidation, reports) counts the funding owed up to now.
	pub(crate) fn funding_to_now(
		params: &MarketParamsOf<T>,
		mut state: MarketState,
		prices: Option<&MarketPrices>,
	) -> Result<(MarketState, sp_arithmetic::FixedI128), DispatchError> {
		let none = sp_arithmetic::FixedI128::zero();
		if params.instrument.is_option() {
			// Options pay no funding: the premium is the price.
			return Ok((state, none));
		}
		let now = Self::now();
		if state.last_funding_ms == 0 {
			// A market listed at genesis starts accruing at its first use.
			state.last_funding_ms = now;
			return Ok((state, none));
		}
		let Some(prices) = prices.filter(|prices| prices.fresh) else { return Ok((state, none)) };
		if now < state.last_funding_ms {
			return Ok((state, none));
		}
		let increment = risk_engine::funding_index_increment(
			state.funding_rate,
			state.funding_rate_index,
			now - state.last_funding_ms,
			params.funding_interval_ms,
		)
		.map_err(Error::<T>::from)?;
		state.funding_index =
			state.funding_index.checked_add(&increment).ok_or(Error::<T>::Overflow)?;
		state.last_funding_ms = now;
		state.funding_rate =
			risk_engine::funding_rate(prices.mark, prices.index, params.funding_rate_cap);
		state.funding_rate_index = prices.index;
		Ok((state, increment))
	}

	/// Accrues funding in every perpetual at the end of the block (see
	/// [`Self::accrue_funding`]); a market whose accrual fails (an overflow) keeps its state.
	pub(crate) fn accrue_all_funding() {
		for market in Perpetuals::<T>::get() {
			let Some(params) = Markets::<T>::get(market) else { continue };
			if let Err(error) = Self::accrue_funding(market, &params) {
				log::warn!(target: "clearing", "funding of market {market} not accrued: {error:?}");
			}
		}
	}
}
