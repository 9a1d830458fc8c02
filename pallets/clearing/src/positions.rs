//! Positions as the margin code sees them: each with its market, the market's state and
//! its prices, loaded once per account; and the bound on how many markets one account
//! holds positions or orders in.

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use risk_engine::{OptionTerms, PerpExposure};

use crate::{
	pallet::*, prices::MarketPrices, Instrument, MarketId, MarketState, PositionRecord, PositionsOf,
};

/// A position with everything needed to margin it, owned so that engine views can borrow it.
pub(crate) struct LoadedPosition<T: Config> {
	pub(crate) market: MarketId,
	pub(crate) params: MarketParamsOf<T>,
	pub(crate) state: MarketState,
	pub(crate) record: PositionRecord,
	pub(crate) prices: Option<MarketPrices>,
}

impl<T: Config> LoadedPosition<T> {
	pub(crate) fn exposure(&self) -> Option<PerpExposure<'_>> {
		Some(Pallet::<T>::exposure_of(&self.params, &self.state, &self.prices?, &self.record))
	}
}

impl<T: Config> Pallet<T> {
	/// The engine's view of `record` in a market at `prices`: an option series carries its
	/// terms and the underlying's index.
	pub(crate) fn exposure_of<'a>(
		params: &'a MarketParamsOf<T>,
		state: &MarketState,
		prices: &MarketPrices,
		record: &PositionRecord,
	) -> PerpExposure<'a> {
		let option = match params.instrument {
			Instrument::Option { kind, strike, .. } => {
				Some(OptionTerms { kind, strike, underlying: prices.index })
			},
			Instrument::Perpetual => None,
		};
		PerpExposure {
			position: record.position,
			mark: prices.mark,
			funding_index: state.funding_index,
			scale: Self::market_scale(params),
			tiers: &params.tiers,
			open_orders: record.open_orders,
			option,
		}
	}

	/// Every position of `who` with its market, the market's state (funding owed up to now
	/// counted as if it had accrued) and prices; positions in unlisted markets are left out.
	pub(crate) fn load_positions(who: &T::AccountId) -> Vec<LoadedPosition<T>> {
		Positions::<T>::get(who)
			.into_iter()
			.filter_map(|(market, record)| {
				let params = Self::market_params(market)?;
				let stored = MarketStates::<T>::get(market);
				let prices = Self::market_prices(market, &params, &stored);
				// Funding owed up to now counts, as if it had accrued.
				let state = Self::funding_to_now(&params, stored, prices.as_ref())
					.map_or(stored, |(state, _)| state);
				Some(LoadedPosition { market, params, state, record, prices })
			})
			.collect()
	}

	/// Fails with [`Error::TooManyPositions`] when `who` holds positions (or resting
	/// orders) in the most markets a trader may and `market` would be one more. The
	/// insurance fund is exempt: its book has room for every listed market.
	pub(crate) fn ensure_position_room(
		who: &T::AccountId,
		positions: &PositionsOf,
		market: MarketId,
	) -> DispatchResult {
		ensure!(
			positions.contains_key(&market)
				|| who == &T::InsuranceAccount::get()
				|| (positions.len() as u32) < T::MaxPositionsPerAccount::get(),
			Error::<T>::TooManyPositions
		);
		Ok(())
	}
}
