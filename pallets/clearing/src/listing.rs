//! Listing markets: a registration's checks, the identity a listed market keeps, the bound
//! on listed markets, the perpetuals that accrue funding every block and the oracle keys the
//! jump breaker watches.

use frame_support::pallet_prelude::*;
use sp_arithmetic::traits::Zero;

use crate::{pallet::*, parameters, Instrument, MarketId, MAX_MARKETS};

impl<T: Config> Pallet<T> {
	/// Lists or re-lists a market (see [`Pallet::register_market`]).
	pub(crate) fn do_register_market(
		market: MarketId,
		params: MarketParamsOf<T>,
	) -> DispatchResult {
		Self::validate_market(&params)?;
		let (penalty, _) = Self::effective_liquidation_parameters();
		Self::ensure_maintenance_above_penalty(&params, penalty)?;
		match Markets::<T>::get(market) {
			// Open positions and resting orders are sized in the market's units, priced
			// by its key and placed on its tick.
			Some(existing) => {
				ensure!(
					existing.size_decimals == params.size_decimals
						&& existing.oracle_key == params.oracle_key
						&& existing.instrument == params.instrument
						&& existing.tick_size == params.tick_size
						&& existing.lot_size == params.lot_size,
					Error::<T>::MarketIdentityFixed
				);
				// Its schedule, mark band or funding cap may change what bands allow for.
				Self::start_band_rebuild();
			},
			None => {
				ensure!(Self::listed_markets() < MAX_MARKETS, Error::<T>::TooManyMarkets);
				if let Some(expiry_ms) = params.instrument.expiry_ms() {
					ensure!(expiry_ms > Self::now(), Error::<T>::InvalidOptionTerms);
				}
				Self::note_perpetual(market, &params)?;
			},
		}
		Self::guard_market_keys(&params)?;
		Markets::<T>::insert(market, &params);
		Self::forget_market(market);
		// Under adaptive margin the new schedule is the static one, moved as before.
		Self::apply_static_tiers(market);
		MarketStates::<T>::mutate(market, |state| {
			if state.last_funding_ms == 0 {
				state.last_funding_ms = Self::now();
			}
		});
		Self::deposit_event(Event::MarketRegistered { market, params });
		Ok(())
	}

	/// Checks a market registration.
	pub fn validate_market(params: &MarketParamsOf<T>) -> Result<(), Error<T>> {
		risk_engine::validate_tiers(&params.tiers)?;
		ensure!(params.funding_interval_ms > 0, Error::<T>::InvalidFundingInterval);
		ensure!(
			params.max_price_age_ms.is_none_or(|age| {
				(parameters::MIN_PRICE_AGE_LIMIT_MS..=parameters::MAX_PRICE_AGE_LIMIT_MS)
					.contains(&age)
			}),
			Error::<T>::InvalidMaxPriceAge
		);
		ensure!(
			params.maker_fee <= parameters::MAX_TRADING_FEE
				&& params.taker_fee <= parameters::MAX_TRADING_FEE,
			Error::<T>::InvalidTradingFee
		);
		ensure!(
			!params.price_band.is_zero() && params.price_band <= parameters::MAX_PRICE_BAND,
			Error::<T>::InvalidPriceBand
		);
		ensure!(
			params.mark_price_band <= parameters::MAX_MARK_PRICE_BAND,
			Error::<T>::InvalidPriceBand
		);
		let lowest_maintenance = Self::lowest_maintenance(params);
		ensure!(
			lowest_maintenance.is_some_and(|lowest| params.funding_rate_cap < lowest),
			Error::<T>::InvalidFundingCap
		);
		ensure!(
			!params.tick_size.is_zero() && params.lot_size > 0 && params.min_size > 0,
			Error::<T>::InvalidMarketSizes
		);
		ensure!(params.min_size % params.lot_size == 0, Error::<T>::InvalidMarketSizes);
		let divisor = Self::market_scale(params).divisor()?;
		let lot_tick = params
			.lot_size
			.checked_mul(params.tick_size.into_inner())
			.ok_or(Error::<T>::InvalidMarketSizes)?;
		ensure!(lot_tick % divisor == 0, Error::<T>::InvalidMarketSizes);
		if let Instrument::Option { strike, volatility_key, .. } = params.instrument {
			ensure!(
				!strike.is_zero()
					&& strike.into_inner() % params.tick_size.into_inner() == 0
					&& volatility_key != params.oracle_key,
				Error::<T>::InvalidOptionTerms
			);
		}
		Ok(())
	}

	/// Size units to settlement units for a market.
	pub fn market_scale(params: &MarketParamsOf<T>) -> risk_engine::UnitScale {
		risk_engine::UnitScale::new(params.size_decimals, T::SettlementDecimals::get())
	}

	/// Adds a newly listed perpetual to [`Perpetuals`].
	pub(crate) fn note_perpetual(market: MarketId, params: &MarketParamsOf<T>) -> DispatchResult {
		if params.instrument.is_option() {
			return Ok(());
		}
		Perpetuals::<T>::try_mutate(|perpetuals| {
			if !perpetuals.contains(&market) {
				perpetuals.try_push(market).map_err(|_| Error::<T>::TooManyMarkets)?;
			}
			Ok(())
		})
	}

	/// Markets that count against [`MAX_MARKETS`]: every listed market but the option
	/// series that have settled in full.
	pub fn listed_markets() -> u32 {
		Markets::<T>::count().saturating_sub(SettledSeriesCount::<T>::get())
	}

	/// Adds `key` to the keys the jump breaker watches, if it is not there yet.
	pub(crate) fn guard_key(key: T::OracleKey) -> DispatchResult {
		GuardedKeys::<T>::try_mutate(|keys| {
			if !keys.contains(&key) {
				keys.try_push(key).map_err(|_| Error::<T>::TooManyOracleKeys)?;
			}
			Ok(())
		})
	}

	/// Watches a market's oracle keys with the jump breaker: the underlying's, and an
	/// option series' implied volatility.
	pub(crate) fn guard_market_keys(params: &MarketParamsOf<T>) -> DispatchResult {
		Self::guard_key(params.oracle_key)?;
		if let Instrument::Option { volatility_key, .. } = params.instrument {
			Self::guard_key(volatility_key)?;
		}
		Ok(())
	}
}
