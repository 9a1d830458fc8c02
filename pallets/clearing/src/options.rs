//! Option series: European calls and puts on a market's underlying, traded like any market
//! (the price is the premium, USD per whole unit of the underlying) and cash-settled at
//! expiry.
//!
//! ## Listing
//! Root (the listing origin) registers a series as a market whose [`Instrument`] is
//! `Option { kind, strike, expiry_ms, volatility_key }`: `oracle_key` is the underlying's
//! index, `volatility_key` its implied volatility (a fraction: 0.6 is 60%), the lot size is
//! the contract size. The strike must be positive and on the tick, the expiry in the
//! future, and the two keys different ([`Error::InvalidOptionTerms`]). Both keys are
//! watched by the jump breaker, and both must be fresh for the series to add risk.
//!
//! ## Marking and margin
//! - The mark is Black-76 at the underlying's index and the implied volatility, with the
//!   time left to expiry and a zero rate, computed with the fast distribution function
//!   ([`risk_engine::options::black76_price_fast`]: within one unit of 10^-18 of `Phi`, as
//!   the 27-decimal series is, and held to the same error against the mpmath reference
//!   table, at a fraction of the work in the wasm runtime). Options have no funding.
//! - Positions are futures-style: premium changes are unrealized PnL, exactly like a
//!   perpetual's price changes, which gives the same equity as paying the premium up front.
//! - In cross margin each option position carries the standard requirement of
//!   [`risk_engine::margin`]: a long its premium (initial only), a short its premium plus a
//!   share of the index less how far out of the money it is. Under portfolio margin the
//!   series joins its underlying's scenario scan, revalued by Black-76 in every scenario
//!   and measured from its mark.
//!
//! ## Expiry and settlement
//! - From `expiry_ms` on, the series no longer trades or takes orders
//!   ([`Error::OptionExpired`]; venues see it as closed), and it is worth its payoff:
//!   `max(S - K, 0)` for a call, `max(K - S, 0)` for a put.
//! - The first settlement after expiry fixes `S`, the settlement price, from a fresh index,
//!   rounded down to the market's tick so that every payoff is a whole number of settlement
//!   units per lot ([`SettlementPrices`], [`Event::OptionExpired`]). Every holder then
//!   settles at that same payoff.
//! - A position settles by closing it at the payoff against the insurance fund, which takes
//!   the other side for a moment: positions in a series sum to zero, so once every holder
//!   has settled the fund's side is flat again, and the payoffs have moved from the
//!   shorts to the longs with nothing created or lost ([`Event::OptionSettled`]). The
//!   series is then closed ([`Event::SeriesSettled`]).
//! - Settlement happens when the account is touched (a withdrawal, a trade, a change of
//!   margin mode) and through [`Pallet::settle_expired`], which anyone may call and which
//!   validators' off-chain workers submit unsigned for the accounts they scan.

use frame_support::pallet_prelude::*;
use risk_engine::{
	options::{black76_price_fast, Black76},
	Price,
};
use sp_arithmetic::{
	traits::{Saturating, Zero},
	FixedI128, FixedPointNumber, FixedU128,
};

use crate::{pallet::*, Instrument, MarketId, MarketParamsOf, MarketStatus};

/// Milliseconds in a (365-day) year, for the time left to expiry.
pub const MS_PER_YEAR: u64 = 365 * 24 * 60 * 60 * 1_000;

impl<T: Config> Pallet<T> {
	/// Whether `params` is an option series at or past its expiry.
	pub fn is_expired(params: &MarketParamsOf<T>) -> bool {
		params.instrument.expiry_ms().is_some_and(|expiry| Self::now() >= expiry)
	}

	/// The payoff per whole unit of an option at an underlying price of `price`.
	pub fn option_payoff(instrument: &Instrument<T::OracleKey>, price: Price) -> Price {
		match instrument {
			Instrument::Option { kind: risk_engine::options::OptionKind::Call, strike, .. } => {
				price.saturating_sub(*strike)
			},
			Instrument::Option { kind: risk_engine::options::OptionKind::Put, strike, .. } => {
				strike.saturating_sub(price)
			},
			Instrument::Perpetual => Price::zero(),
		}
	}

	/// Time left until `expiry_ms`, in years (zero once it has passed).
	pub fn years_to_expiry(expiry_ms: u64) -> FixedI128 {
		let left = expiry_ms.saturating_sub(Self::now());
		FixedI128::saturating_from_rational(left, MS_PER_YEAR)
	}

	/// An option series' mark premium at the underlying price `index`: the payoff once
	/// expired (at the fixed settlement price when there is one), otherwise Black-76 with
	/// the implied volatility `volatility`. `None` when the model cannot price it.
	pub fn option_mark(
		market: MarketId,
		instrument: &Instrument<T::OracleKey>,
		index: Price,
		volatility: Option<Price>,
	) -> Option<Price> {
		let Instrument::Option { kind, strike, expiry_ms, .. } = instrument else { return None };
		Self::cached_option_mark(market, index, volatility, || {
			if Self::now() >= *expiry_ms {
				let price = SettlementPrices::<T>::get(market).unwrap_or(index);
				return Some(Self::option_payoff(instrument, price));
			}
			// The premium alone: a mark needs no greeks.
			let price = black76_price_fast(&Black76 {
				kind: *kind,
				forward: Self::signed_price(index).ok()?,
				strike: Self::signed_price(*strike).ok()?,
				years: Self::years_to_expiry(*expiry_ms),
				volatility: Self::signed_price(volatility?).ok()?,
				rate: FixedI128::zero(),
			})
			.ok()?;
			Some(FixedU128::from_inner(u128::try_from(price.into_inner().max(0)).ok()?))
		})
	}

	/// Whether `who` holds a position in an expired option series (the insurance fund never
	/// counts: its side nets out as the others settle).
	pub fn has_expired_positions(who: &T::AccountId) -> bool {
		who != &T::InsuranceAccount::get()
			&& Positions::<T>::get(who).iter().any(|(market, record)| {
				!record.position.is_flat()
					&& Self::market_params(*market).is_some_and(|params| Self::is_expired(&params))
			})
	}

	/// The series' settlement price, fixing it from a fresh index (rounded down to the tick)
	/// at its first settlement.
	fn fix_settlement_price(
		market: MarketId,
		params: &MarketParamsOf<T>,
	) -> Result<Price, DispatchError> {
		if let Some(price) = SettlementPrices::<T>::get(market) {
			return Ok(price);
		}
		let (index, fresh) =
			Self::oracle_price_within(&params.oracle_key, Self::market_max_price_age(params))
				.ok_or(Error::<T>::StalePrice)?;
		ensure!(fresh, Error::<T>::StalePrice);
		let tick = params.tick_size.into_inner();
		let price = FixedU128::from_inner(index.into_inner() / tick * tick);
		SettlementPrices::<T>::insert(market, price);
		// A mark worked out before the price was fixed would be the payoff at the index.
		Self::forget_market(market);
		Self::deposit_event(Event::OptionExpired {
			market,
			settlement_price: price,
			payoff: Self::option_payoff(&params.instrument, price),
		});
		Ok(price)
	}

	/// Settles every position of `who` in an expired option series (see the module docs);
	/// returns how many it settled. A series whose index is stale before its settlement
	/// price is fixed waits ([`Error::StalePrice`]).
	pub(crate) fn do_settle_expired(who: &T::AccountId) -> Result<u32, DispatchError> {
		if who == &T::InsuranceAccount::get() {
			return Ok(0);
		}
		let mut settled = 0u32;
		for (market, record) in Positions::<T>::get(who) {
			if record.position.is_flat() {
				continue;
			}
			let Some(params) = Self::market_params(market) else { continue };
			if !Self::is_expired(&params) {
				continue;
			}
			let price = Self::fix_settlement_price(market, &params)?;
			let payoff = Self::option_payoff(&params.instrument, price);
			let mut state = MarketStates::<T>::get(market);
			let scale = Self::market_scale(&params);
			let size = record.position.size;
			let realized_pnl =
				Self::trade_with_fund(who, market, &mut state, &scale, -size, payoff)?;
			MarketStates::<T>::insert(market, state);
			Self::deposit_event(Event::OptionSettled {
				who: who.clone(),
				market,
				settled_size: size,
				realized_pnl,
			});
			if state.open_interest == 0 && params.status != MarketStatus::Closed {
				Markets::<T>::mutate(market, |params| {
					if let Some(params) = params {
						params.status = MarketStatus::Closed;
					}
				});
				Self::forget_market(market);
				SettledSeriesCount::<T>::mutate(|settled| *settled = settled.saturating_add(1));
				Self::deposit_event(Event::SeriesSettled { market });
			}
			settled = settled.saturating_add(1);
		}
		Ok(settled)
	}
}
