//! Executing a quote: the checks before anything moves, the package settlement, and the
//! weights charged for it; and the terms markets take block trades on.

use alloc::vec::Vec;
use clearing_traits::{PackageLeg, SettleError};
use frame_support::{pallet_prelude::*, weights::Weight};
use sp_runtime::traits::Zero;

use crate::{pallet::*, BlockTradeTerms, Clearing, MarketId, WeightInfo, MAX_BLOCK_TRADE_FEE};

impl<T: Config> Pallet<T> {
	/// Executes `quote` for `taker` (see [`Pallet::execute_quote`]).
	pub(crate) fn do_execute_quote(
		taker: &T::AccountId,
		quote: &QuoteOf<T>,
		signature: &T::OffchainSignature,
	) -> DispatchResult {
		// Who may take it, and when: cheap checks first, the signature last of them.
		ensure!(*taker != quote.maker, Error::<T>::SelfTrade);
		if let Some(named) = &quote.taker {
			ensure!(named == taker, Error::<T>::WrongTaker);
		}
		if let Some(pool) = quote.taker_pool {
			ensure!(T::Clearing::is_pool_member(pool, taker), Error::<T>::TakerNotInPool);
		}
		ensure!(
			frame_system::Pallet::<T>::block_number() <= quote.expires_at,
			Error::<T>::QuoteExpired
		);
		Self::ensure_nonce_open(&quote.maker, quote.nonce)?;
		Self::ensure_signed_by_maker(quote, signature)?;

		let legs = Self::package_legs(quote)?;
		Self::use_nonce(&quote.maker, quote.nonce);
		let receipts = T::Clearing::settle_package(&quote.maker, taker, &legs).map_err(
			|error| match error {
				SettleError::Maker(error) | SettleError::Trade(error) => error,
			},
		)?;
		let (maker_fees, taker_fees) = receipts.iter().fold((0u128, 0u128), |(m, t), receipt| {
			(m.saturating_add(receipt.maker_fee), t.saturating_add(receipt.taker_fee))
		});
		Self::deposit_event(Event::QuoteExecuted {
			maker: quote.maker.clone(),
			taker: taker.clone(),
			nonce: quote.nonce,
			legs: legs.len() as u32,
			maker_fees,
			taker_fees,
		});
		Ok(())
	}

	/// Checks each leg against its market (terms, lot, minimum, tick, band) and turns it into
	/// what the clearing house settles, at the market's block-trade fees.
	fn package_legs(quote: &QuoteOf<T>) -> Result<Vec<PackageLeg>, DispatchError> {
		ensure!(!quote.legs.is_empty(), Error::<T>::NoLegs);
		let mut legs = Vec::with_capacity(quote.legs.len());
		for (at, leg) in quote.legs.iter().enumerate() {
			ensure!(
				quote.legs[..at].iter().all(|earlier| earlier.market != leg.market),
				Error::<T>::DuplicateLeg
			);
			let rules = T::Clearing::market_rules(leg.market).ok_or(Error::<T>::UnknownMarket)?;
			let terms =
				Terms::<T>::get(leg.market).ok_or(Error::<T>::MarketNotOpenToBlockTrades)?;
			ensure!(leg.size > 0 && leg.size % rules.lot_size.max(1) == 0, Error::<T>::InvalidSize);
			ensure!(leg.size >= terms.min_size, Error::<T>::BelowMinimumSize);
			let tick = rules.tick_size.into_inner();
			ensure!(
				!leg.price.is_zero() && tick > 0 && leg.price.into_inner() % tick == 0,
				Error::<T>::PriceNotOnTick
			);
			let (low, high) = T::Clearing::price_band(leg.market).ok_or(Error::<T>::NoPriceBand)?;
			ensure!(low <= leg.price && leg.price <= high, Error::<T>::PriceOutsideBand);
			legs.push(PackageLeg {
				market: leg.market,
				size: leg.taker_size().ok_or(Error::<T>::InvalidSize)?,
				price: leg.price,
				maker_fee: terms.maker_fee,
				taker_fee: terms.taker_fee,
			});
		}
		Ok(legs)
	}

	/// Sets or removes `market`'s block-trade terms (see [`Pallet::set_terms`]).
	pub(crate) fn do_set_terms(market: MarketId, terms: Option<BlockTradeTerms>) -> DispatchResult {
		let rules = T::Clearing::market_rules(market).ok_or(Error::<T>::UnknownMarket)?;
		if let Some(terms) = terms {
			ensure!(
				terms.maker_fee <= MAX_BLOCK_TRADE_FEE
					&& terms.taker_fee <= MAX_BLOCK_TRADE_FEE
					&& terms.min_size > 0
					&& terms.min_size % rules.lot_size.max(1) == 0,
				Error::<T>::InvalidTerms
			);
		}
		match terms {
			Some(terms) => Terms::<T>::insert(market, terms),
			None => Terms::<T>::remove(market),
		}
		Self::deposit_event(Event::TermsSet { market, terms });
		Ok(())
	}

	/// What `execute_quote` is charged before it runs: the benchmark of a quote of `legs`
	/// legs and both sides' margin checks at their most.
	pub fn execute_quote_weight(legs: u32) -> Weight {
		let surcharge = T::Clearing::max_margin_check_surcharge();
		T::WeightInfo::execute_quote(legs.max(1))
			.saturating_add(surcharge)
			.saturating_add(surcharge)
	}

	/// What an executed quote cost: the benchmark of its legs and each side's margin check
	/// as the clearing house prices it for the accounts met.
	pub(crate) fn executed_quote_weight(taker: &T::AccountId, quote: &QuoteOf<T>) -> Weight {
		let legs = quote.legs.len() as u32;
		let Some(first) = quote.legs.first() else {
			return T::WeightInfo::execute_quote(legs.max(1));
		};
		T::WeightInfo::execute_quote(legs.max(1))
			.saturating_add(T::Clearing::margin_check_surcharge(&quote.maker, first.market))
			.saturating_add(T::Clearing::margin_check_surcharge(taker, first.market))
	}
}
