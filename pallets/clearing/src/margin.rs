//! Reading prices and positions out of storage, handing them to the risk engine, and acting
//! on its answers: funding accrual, margin checks, trade settlement and reports.

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use risk_engine::{
	CollateralHolding, CrossAccount, CrossMargin, IsolatedMargin, IsolatedPosition, MarginTier,
	OptionTerms, PerpExposure, Position, Price,
};
use sp_arithmetic::{
	traits::{SaturatedConversion, Saturating, Zero},
	Perbill,
};

use crate::{
	pallet::*, portfolio::Scan, AccountReport, CollateralReport, Instrument, MarginMode, MarketId,
	MarketReport, MarketState, MarketStatus, OrderSide, PositionRecord, PositionReport,
	PriceProvider, SettleError, TradeReceipt,
};

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

/// What a trade did to one side.
pub(crate) struct SideOutcome {
	/// Fee charged, in settlement units.
	pub(crate) fee: u128,
	/// PnL realized by the closed part.
	pub(crate) realized_pnl: i128,
	/// Whether the trade opened or increased the side's position.
	pub(crate) added_risk: bool,
	/// Change in the side's long size (for open interest).
	pub(crate) long_delta: i128,
}

/// What cross margin reads from storage for one account.
pub(crate) struct CrossInputs<T: Config> {
	pub(crate) settlement_balance: i128,
	/// Each non-settlement asset with its amount and, when priced, the engine's holding.
	pub(crate) collateral: Vec<(T::AssetId, u128, Option<CollateralHolding>)>,
	/// Every position, cross and isolated.
	pub(crate) positions: Vec<LoadedPosition<T>>,
	/// Whether a price the cross figures need is missing or stale.
	stale: bool,
}

impl<T: Config> CrossInputs<T> {
	fn holdings(&self) -> Vec<CollateralHolding> {
		self.collateral.iter().filter_map(|(_, _, holding)| *holding).collect()
	}

	/// The priced cross positions, in the order of `positions`.
	fn cross_exposures(&self) -> Vec<PerpExposure<'_>> {
		self.positions
			.iter()
			.filter(|p| p.record.isolated_margin.is_none())
			.filter_map(|p| p.exposure())
			.collect()
	}
}

/// An account's cross figures and whether every price they used was fresh.
pub struct CrossFigures {
	/// The engine's figures, under the account's margin mode: with `Portfolio`, the
	/// requirements (and so health and free collateral) are the portfolio scan's, resting
	/// orders' requirement added to the initial one.
	pub margin: CrossMargin,
	/// Whether some price was stale (figures still use it).
	pub stale: bool,
	/// The account's margin mode.
	pub mode: MarginMode,
	/// Under portfolio margin, whether the account's initial equity is below
	/// [`PortfolioMinimumEquity`]: it may then add no risk and withdraw nothing.
	pub below_portfolio_minimum: bool,
}

impl CrossFigures {
	/// Fails with `error` unless the account may add risk or withdraw: free collateral not
	/// negative and, under portfolio margin, equity at the minimum.
	pub fn ensure_may_add_risk<T: Config>(&self, error: Error<T>) -> DispatchResult {
		ensure!(!self.below_portfolio_minimum, Error::<T>::PortfolioEquityBelowMinimum);
		ensure!(self.margin.free_collateral >= 0, error);
		Ok(())
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

	/// The price in force for `key`, after the jump breaker, and when the oracle observed it.
	/// Oracle values outside the price domain ([`risk_engine::price_in_domain`]) are refused
	/// here, at the boundary: the guard ignores them.
	pub fn guarded_price(key: &T::OracleKey) -> Option<risk_engine::GuardedPrice> {
		let remembered = PriceGuards::<T>::get(key);
		let Some(observation) = T::PriceProvider::price(key) else { return remembered };
		let block: u32 = frame_system::Pallet::<T>::block_number().saturated_into();
		risk_engine::guard_price(
			remembered.as_ref(),
			observation,
			block,
			&JumpBreakerParams::<T>::get(),
		)
	}

	/// The price in force for `key` (see [`Self::guarded_price`]) and whether it is fresh
	/// by the pallet-wide [`MaxPriceAge`].
	pub fn oracle_price(key: &T::OracleKey) -> Option<(Price, bool)> {
		Self::oracle_price_within(key, MaxPriceAge::<T>::get())
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
		params.max_price_age_ms.unwrap_or_else(MaxPriceAge::<T>::get)
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

	pub(crate) fn load_positions(who: &T::AccountId) -> Vec<LoadedPosition<T>> {
		Positions::<T>::get(who)
			.into_iter()
			.filter_map(|(market, record)| {
				let params = Markets::<T>::get(market)?;
				let stored = MarketStates::<T>::get(market);
				let prices = Self::market_prices(market, &params, &stored);
				// Funding owed up to now counts, as if it had accrued.
				let state = Self::funding_to_now(&params, stored, prices.as_ref())
					.map_or(stored, |(state, _)| state);
				Some(LoadedPosition { market, params, state, record, prices })
			})
			.collect()
	}

	/// Everything cross margin needs from storage, read once.
	pub(crate) fn load_cross_inputs(who: &T::AccountId) -> CrossInputs<T> {
		let mut stale = false;
		let collateral = CollateralBalances::<T>::get(who)
			.into_iter()
			.map(|(asset, amount)| {
				let config = CollateralAssets::<T>::get(asset);
				let price = config
					.as_ref()
					.and_then(|c| c.oracle_key.as_ref())
					.and_then(Self::oracle_price);
				let holding = match (price, config) {
					(Some((price, fresh)), Some(config)) => {
						stale |= !fresh;
						Some(CollateralHolding { amount, price, params: config.params })
					},
					_ => {
						stale = true;
						None
					},
				};
				(asset, amount, holding)
			})
			.collect();
		let positions = Self::load_positions(who);
		for position in positions.iter().filter(|p| p.record.isolated_margin.is_none()) {
			stale |= !position.prices.is_some_and(|prices| prices.fresh);
		}
		CrossInputs {
			settlement_balance: SettlementBalances::<T>::get(who),
			collateral,
			positions,
			stale,
		}
	}

	/// The account's cross figures under its margin mode (see [`CrossFigures`]). Holdings or
	/// positions without any price are left out (and mark the figures stale).
	pub fn cross_figures(who: &T::AccountId) -> Result<CrossFigures, DispatchError> {
		Ok(Self::cross_figures_with_inputs(who)?.0)
	}

	/// [`Self::cross_figures`], with every position they were worked out from and, under
	/// portfolio margin, the scan of the cross positions: the margin report reuses both.
	pub(crate) fn cross_figures_with_inputs(
		who: &T::AccountId,
	) -> Result<(CrossFigures, Vec<LoadedPosition<T>>, Option<Scan<T::OracleKey>>), DispatchError>
	{
		let inputs = Self::load_cross_inputs(who);
		let holdings = inputs.holdings();
		let exposures = inputs.cross_exposures();
		let mut margin = Self::cross_margin_of(&inputs, &holdings, &exposures)?;
		let mode = MarginModes::<T>::get(who);
		let mut below_portfolio_minimum = false;
		let mut scan = None;
		if mode == MarginMode::Portfolio {
			let cross_positions =
				inputs.positions.iter().filter(|p| p.record.isolated_margin.is_none());
			let portfolio = Self::portfolio_scan(cross_positions)?;
			Self::apply_portfolio_requirements(&mut margin, &portfolio.margin)?;
			below_portfolio_minimum = margin.equity_initial
				< i128::try_from(PortfolioMinimumEquity::<T>::get()).unwrap_or(i128::MAX);
			scan = Some(portfolio);
		}
		let figures = CrossFigures { margin, stale: inputs.stale, mode, below_portfolio_minimum };
		Ok((figures, inputs.positions, scan))
	}

	/// Replaces cross requirements with the portfolio scan's (resting orders keep their own
	/// requirement on top of the initial one) and works out health and free collateral again.
	pub(crate) fn apply_portfolio_requirements(
		margin: &mut CrossMargin,
		scan: &risk_engine::portfolio::PortfolioMargin,
	) -> Result<(), Error<T>> {
		margin.initial_requirement = scan
			.initial_requirement
			.checked_add(margin.open_order_requirement)
			.ok_or(Error::<T>::Overflow)?;
		margin.maintenance_requirement = scan.maintenance_requirement;
		let signed = |value: u128| i128::try_from(value).map_err(|_| Error::<T>::Overflow);
		margin.health = margin
			.equity_maintenance
			.checked_sub(signed(margin.maintenance_requirement)?)
			.ok_or(Error::<T>::Overflow)?;
		margin.free_collateral = margin
			.equity_initial
			.checked_sub(signed(margin.initial_requirement)?)
			.ok_or(Error::<T>::Overflow)?;
		Ok(())
	}

	/// The engine's view of an account, from loaded inputs.
	fn cross_account<'a>(
		inputs: &CrossInputs<T>,
		holdings: &'a [CollateralHolding],
		exposures: &'a [PerpExposure<'a>],
	) -> CrossAccount<'a> {
		CrossAccount {
			settlement_balance: inputs.settlement_balance,
			liability_factor: LiabilityFactor::<T>::get(),
			quote_decimals: T::SettlementDecimals::get(),
			collateral: holdings,
			positions: exposures,
		}
	}

	fn cross_margin_of(
		inputs: &CrossInputs<T>,
		holdings: &[CollateralHolding],
		exposures: &[PerpExposure],
	) -> Result<CrossMargin, DispatchError> {
		let account = Self::cross_account(inputs, holdings, exposures);
		Ok(risk_engine::cross_margin(&account).map_err(Error::<T>::from)?)
	}

	/// Fails with `error` unless the account is at or above its cross initial requirement
	/// at fresh prices (with [`Error::StalePrice`] when a price it needs is stale). An
	/// account with no cross positions and no settlement debt needs no price at all.
	pub fn ensure_cross_initial_margin(who: &T::AccountId, error: Error<T>) -> DispatchResult {
		let has_cross_positions =
			Positions::<T>::get(who).values().any(|record| record.isolated_margin.is_none());
		if !has_cross_positions && SettlementBalances::<T>::get(who) >= 0 {
			return Ok(());
		}
		let figures = Self::cross_figures(who)?;
		ensure!(!figures.stale, Error::<T>::StalePrice);
		figures.ensure_may_add_risk(error)
	}

	/// The figures of an isolated position. With `require_fresh`, a stale or missing index is
	/// [`Error::StalePrice`].
	pub fn isolated_figures(
		market: MarketId,
		params: &MarketParamsOf<T>,
		record: &PositionRecord,
		require_fresh: bool,
	) -> Result<IsolatedMargin, DispatchError> {
		let stored = MarketStates::<T>::get(market);
		let prices = Self::market_prices(market, params, &stored).ok_or(Error::<T>::StalePrice)?;
		ensure!(prices.fresh || !require_fresh, Error::<T>::StalePrice);
		let (state, _) = Self::funding_to_now(params, stored, Some(&prices))?;
		let isolated = IsolatedPosition {
			margin: record.isolated_margin.unwrap_or(0),
			exposure: Self::exposure_of(params, &state, &prices, record),
		};
		Ok(risk_engine::isolated_margin(&isolated).map_err(Error::<T>::from)?)
	}

	/// Checks one side of a trade after it: initial margin at fresh prices when the trade
	/// added risk; maintenance when it only reduced it, at the prices in force even when
	/// stale (reducing never waits for a fresh price, but it never leaves an account below
	/// maintenance either, so two colluding accounts cannot move value between them at a
	/// stale price).
	fn check_trade_side(
		who: &T::AccountId,
		market: MarketId,
		params: &MarketParamsOf<T>,
		added_risk: bool,
		error: Error<T>,
	) -> DispatchResult {
		let record = Positions::<T>::get(who).get(&market).copied();
		if let Some(record) = record.filter(|r| r.isolated_margin.is_some()) {
			let figures = Self::isolated_figures(market, params, &record, added_risk)?;
			let margin_left = if added_risk { figures.free_margin } else { figures.health };
			ensure!(margin_left >= 0, error);
			return Ok(());
		}
		let figures = Self::cross_figures(who)?;
		if added_risk {
			ensure!(!figures.stale, Error::<T>::StalePrice);
			figures.ensure_may_add_risk(error)?;
		} else {
			ensure!(figures.margin.health >= 0, error);
		}
		Ok(())
	}

	/// The lowest and highest price a trade may print at, or an order rest at, in a market
	/// at `prices` (see [`crate::MarketParams::price_band`]): `index x (1 ± band)` for a
	/// perpetual, the model's mark `± band x index` for an option series.
	pub fn price_band_bounds(params: &MarketParamsOf<T>, prices: &MarketPrices) -> (Price, Price) {
		let width = prices.index.saturating_mul(Price::from_perbill(params.price_band));
		let centre = if params.instrument.is_option() { prices.mark } else { prices.index };
		(centre.saturating_sub(width), centre.saturating_add(width))
	}

	/// Fails with [`Error::PriceOutsideBand`] unless `price` is within the market's price
	/// band around the index in force (stale or not), or [`Error::StalePrice`] when the
	/// market has no price at all; returns the market's prices.
	pub(crate) fn ensure_within_price_band(
		params: &MarketParamsOf<T>,
		prices: Option<MarketPrices>,
		price: Price,
	) -> Result<MarketPrices, Error<T>> {
		let prices = prices.ok_or(Error::<T>::StalePrice)?;
		let (low, high) = Self::price_band_bounds(params, &prices);
		ensure!(low <= price && price <= high, Error::<T>::PriceOutsideBand);
		Ok(prices)
	}

	/// Settles a trade (see [`crate::Clearing::settle_trade`]); callers wrap it in a storage
	/// layer so that a failure changes nothing.
	pub(crate) fn do_settle_trade(
		maker: &T::AccountId,
		taker: &T::AccountId,
		market: MarketId,
		size: i128,
		price: Price,
	) -> Result<TradeReceipt, SettleError> {
		let trade = |error: DispatchError| SettleError::Trade(error);
		let maker_only = |error: DispatchError| SettleError::Maker(error);
		let fail = |error: Error<T>| SettleError::Trade(error.into());
		if maker == taker {
			return Err(fail(Error::<T>::SelfTrade));
		}
		let params = Markets::<T>::get(market).ok_or(fail(Error::<T>::UnknownMarket))?;
		if params.status == MarketStatus::Closed {
			return Err(fail(Error::<T>::MarketNotTrading));
		}
		if Self::is_expired(&params) {
			return Err(fail(Error::<T>::OptionExpired));
		}
		if price.is_zero() || price.into_inner() % params.tick_size.into_inner() != 0 {
			return Err(fail(Error::<T>::PriceNotOnTick));
		}
		// The minimum size is a rule for placing orders: a fill may be the rest of a partly
		// filled order, below it.
		let units = size.unsigned_abs();
		if size == 0 || units % params.lot_size != 0 {
			return Err(fail(Error::<T>::InvalidSize));
		}

		let (mut state, prices) = Self::accrue_funding_at_prices(market, &params).map_err(trade)?;
		// Every fill prints within the band around the index in force, stale or not. The
		// price is the maker's: one outside the band is the maker's resting order left
		// behind by the index, so the venue cancels it and goes on.
		let prices =
			Self::ensure_within_price_band(&params, prices, price).map_err(
				|error| match error {
					Error::<T>::PriceOutsideBand => maker_only(error.into()),
					error => fail(error),
				},
			)?;
		let scale = Self::market_scale(&params);
		// Whatever fails on the maker's side alone is the maker's: the venue cancels that
		// order and goes on, so one maker cannot freeze a level for every taker.
		let maker_side =
			Self::apply_side(maker, market, &state, &scale, -size, price, params.maker_fee)
				.map_err(maker_only)?;
		let taker_side =
			Self::apply_side(taker, market, &state, &scale, size, price, params.taker_fee)
				.map_err(trade)?;
		let (maker_added, taker_added) = (maker_side.added_risk, taker_side.added_risk);
		let (maker_fee, taker_fee) = (maker_side.fee, taker_side.fee);
		let open_interest_delta = maker_side
			.long_delta
			.checked_add(taker_side.long_delta)
			.ok_or(fail(Error::<T>::Overflow))?;
		// A reduce-only market, or one whose price is stale or in doubt, takes no added risk.
		// When the taker would add it, the taker's order fails; when only the maker would, the
		// maker's order can never fill here and now: the venue cancels it and goes on, so a
		// resting order cannot stop every reducing taker behind it.
		let refusal = if params.status == MarketStatus::ReduceOnly {
			Some(Error::<T>::MarketNotTrading)
		} else if !prices.fresh {
			Some(Error::<T>::StalePrice)
		} else {
			None
		};
		if let Some(error) = refusal {
			if taker_added {
				return Err(fail(error));
			}
			if maker_added {
				return Err(maker_only(error.into()));
			}
		}

		let open_interest = if open_interest_delta >= 0 {
			let updated = state
				.open_interest
				.checked_add(open_interest_delta.unsigned_abs())
				.ok_or(fail(Error::<T>::Overflow))?;
			if open_interest_delta != 0 && updated > params.open_interest_cap {
				return Err(fail(Error::<T>::OpenInterestCapExceeded));
			}
			updated
		} else {
			state.open_interest.saturating_sub(open_interest_delta.unsigned_abs())
		};
		state.open_interest = open_interest;
		state.last_trade_price = Some(price);
		MarketStates::<T>::insert(market, state);

		let fees = maker_fee.checked_add(taker_fee).ok_or(fail(Error::<T>::Overflow))?;
		if fees > 0 {
			let fees = i128::try_from(fees).map_err(|_| fail(Error::<T>::Overflow))?;
			Self::add_to_settlement_balance(&T::FeeAccount::get(), fees).map_err(trade)?;
		}

		Self::check_trade_side(
			maker,
			market,
			&params,
			maker_added,
			Error::<T>::MakerMarginInsufficient,
		)
		.map_err(maker_only)?;
		Self::check_trade_side(
			taker,
			market,
			&params,
			taker_added,
			Error::<T>::TakerMarginInsufficient,
		)
		.map_err(trade)?;

		Self::deposit_event(Event::TradeSettled {
			market,
			maker: maker.clone(),
			taker: taker.clone(),
			trade_size: size,
			price,
			maker_fee,
			taker_fee,
			maker_realized_pnl: maker_side.realized_pnl,
			taker_realized_pnl: taker_side.realized_pnl,
		});
		Ok(TradeReceipt { maker_fee, taker_fee })
	}

	/// Applies one side of a trade: settles the position's funding, applies the trade, books
	/// realized PnL, funding and the fee to the position's margin (isolated) or the account's
	/// settlement balance (cross).
	pub(crate) fn apply_side(
		who: &T::AccountId,
		market: MarketId,
		state: &MarketState,
		scale: &risk_engine::UnitScale,
		side_size: i128,
		price: Price,
		fee_rate: Perbill,
	) -> Result<SideOutcome, DispatchError> {
		Positions::<T>::try_mutate(who, |positions| {
			let before = positions.get(&market).copied();
			let mut record = before.unwrap_or(PositionRecord {
				position: Position::flat(state.funding_index),
				isolated_margin: None,
				open_orders: Default::default(),
			});
			let long_before = record.position.size.max(0);
			let (settled, funding_paid) =
				risk_engine::settle_funding(&record.position, state.funding_index, scale)
					.map_err(Error::<T>::from)?;
			let outcome = risk_engine::apply_trade(&settled, side_size, price, scale)
				.map_err(Error::<T>::from)?;
			let fee = risk_engine::trade_fee(outcome.notional, fee_rate);
			let cash = outcome
				.realized_pnl
				.checked_sub(funding_paid)
				.and_then(|c| c.checked_sub(i128::try_from(fee).ok()?))
				.ok_or(Error::<T>::Overflow)?;
			record.position = outcome.position;
			match record.isolated_margin.as_mut() {
				Some(margin) => *margin = margin.checked_add(cash).ok_or(Error::<T>::Overflow)?,
				None => Self::add_to_settlement_balance(who, cash)?,
			}
			if funding_paid != 0 {
				Self::deposit_event(Event::FundingSettled {
					who: who.clone(),
					market,
					paid: funding_paid,
				});
			}
			if record.is_empty() {
				positions.remove(&market);
			} else {
				Self::ensure_position_room(who, positions, market)?;
				positions.try_insert(market, record).map_err(|_| Error::<T>::TooManyPositions)?;
			}
			Self::requeue(who, market, scale, before.as_ref(), Some(&record));
			let long_delta = outcome.position.size.max(0) - long_before;
			Ok(SideOutcome {
				fee,
				realized_pnl: outcome.realized_pnl,
				added_risk: !outcome.reduces_only,
				long_delta,
			})
		})
	}

	/// The account's full margin report.
	pub fn account_report(who: &T::AccountId) -> Result<AccountReport<T::AssetId>, DispatchError> {
		let inputs = Self::load_cross_inputs(who);
		let quote_decimals = T::SettlementDecimals::get();
		let settlement_value = risk_engine::settlement_margin_value(
			inputs.settlement_balance,
			LiabilityFactor::<T>::get(),
		)
		.ok();
		let mut collateral = alloc::vec![CollateralReport {
			asset: T::SettlementAsset::get(),
			balance: inputs.settlement_balance,
			value: Some(inputs.settlement_balance),
			initial_value: settlement_value,
			maintenance_value: settlement_value,
		}];
		for (asset, amount, holding) in &inputs.collateral {
			let value_at = |level| {
				holding
					.and_then(|h| risk_engine::holding_margin_value(&h, quote_decimals, level).ok())
					.and_then(|v| i128::try_from(v).ok())
			};
			collateral.push(CollateralReport {
				asset: *asset,
				balance: i128::try_from(*amount).unwrap_or(i128::MAX),
				value: holding
					.and_then(|h| risk_engine::holding_market_value(&h, quote_decimals).ok())
					.and_then(|v| i128::try_from(v).ok()),
				initial_value: value_at(risk_engine::MarginLevel::Initial),
				maintenance_value: value_at(risk_engine::MarginLevel::Maintenance),
			});
		}

		let holdings = inputs.holdings();
		let cross_exposures = inputs.cross_exposures();
		let mut cross = Self::cross_margin_of(&inputs, &holdings, &cross_exposures)?;
		let portfolio_mode = MarginModes::<T>::get(who) == MarginMode::Portfolio;
		if portfolio_mode {
			let cross_positions =
				inputs.positions.iter().filter(|p| p.record.isolated_margin.is_none());
			let scan = Self::portfolio_scan(cross_positions)?.margin;
			Self::apply_portfolio_requirements(&mut cross, &scan)?;
		}
		let account = Self::cross_account(&inputs, &holdings, &cross_exposures);
		let loaded = &inputs.positions;
		let mut positions = Vec::with_capacity(loaded.len());
		let mut cross_index = 0usize;
		for loaded_position in loaded {
			let scale = Self::market_scale(&loaded_position.params);
			let mut report = PositionReport {
				market: loaded_position.market,
				position_size: loaded_position.record.position.size,
				entry_price: loaded_position.record.position.entry_price(&scale).ok().flatten(),
				mark_price: loaded_position.prices.map(|p| p.mark),
				notional: 0,
				unrealized_pnl: 0,
				funding_owed: 0,
				initial_requirement: 0,
				maintenance_requirement: 0,
				open_orders: loaded_position.record.open_orders,
				open_order_requirement: 0,
				liquidation_price: None,
				isolated_margin: loaded_position.record.isolated_margin,
				isolated_health: None,
			};
			if let Some(exposure) = loaded_position.exposure() {
				if let Ok(figures) = risk_engine::position_margin(&exposure) {
					report.notional = figures.notional;
					report.unrealized_pnl = figures.unrealized_pnl;
					report.funding_owed = figures.funding_owed;
					report.initial_requirement = figures.initial_requirement;
					report.maintenance_requirement = figures.maintenance_requirement;
					report.open_order_requirement = figures.open_order_requirement;
				}
				match loaded_position.record.isolated_margin {
					Some(margin) => {
						let isolated = IsolatedPosition { margin, exposure };
						report.isolated_health =
							risk_engine::isolated_margin(&isolated).ok().map(|f| f.health);
						report.liquidation_price =
							risk_engine::isolated_liquidation_price(&isolated).ok().flatten();
					},
					None => {
						// Under portfolio margin no single price moves the whole scan.
						report.liquidation_price = (!portfolio_mode)
							.then(|| risk_engine::cross_liquidation_price(&account, cross_index))
							.and_then(|price| price.ok().flatten());
						cross_index += 1;
					},
				}
			}
			positions.push(report);
		}

		Ok(AccountReport {
			collateral,
			equity_initial: cross.equity_initial,
			equity_maintenance: cross.equity_maintenance,
			initial_requirement: cross.initial_requirement,
			open_order_requirement: cross.open_order_requirement,
			maintenance_requirement: cross.maintenance_requirement,
			free_collateral: cross.free_collateral,
			health: cross.health,
			positions,
			uses_stale_prices: inputs.stale,
		})
	}

	/// A market's parameters and state.
	pub fn market_report(market: MarketId) -> Option<MarketReport<T::OracleKey>> {
		let params = Markets::<T>::get(market)?;
		let state = MarketStates::<T>::get(market);
		let prices = Self::market_prices(market, &params, &state);
		Some(MarketReport {
			id: market,
			symbol: params.symbol.to_vec(),
			oracle_key: params.oracle_key,
			size_decimals: params.size_decimals,
			tick_size: params.tick_size,
			lot_size: params.lot_size,
			min_size: params.min_size,
			tiers: params.tiers.iter().copied().collect::<Vec<MarginTier>>(),
			taker_fee: params.taker_fee,
			maker_fee: params.maker_fee,
			funding_interval_ms: params.funding_interval_ms,
			funding_rate_cap: params.funding_rate_cap,
			max_price_age_ms: Self::market_max_price_age(&params),
			open_interest_cap: params.open_interest_cap,
			status: params.status,
			instrument: params.instrument,
			expired: Self::is_expired(&params),
			implied_volatility: match params.instrument {
				Instrument::Option { volatility_key, .. } => {
					Self::oracle_price_within(&volatility_key, Self::market_max_price_age(&params))
						.map(|(volatility, _)| volatility)
				},
				Instrument::Perpetual => None,
			},
			open_interest: state.open_interest,
			funding_index: state.funding_index,
			index_price: T::PriceProvider::price(&params.oracle_key),
			index_fresh: prices.is_some_and(|p| p.fresh),
			held_jump: Self::guarded_price(&params.oracle_key)
				.and_then(|guarded| guarded.held)
				.map(|held| held.price),
			mark_price: prices.map(|p| p.mark),
			last_trade_price: state.last_trade_price,
			best_bid: state.best_bid,
			best_ask: state.best_ask,
			price_band: params.price_band,
			price_band_bounds: prices.map(|prices| Self::price_band_bounds(&params, &prices)),
		})
	}

	/// Commits a resting order (see [`crate::Clearing::commit_order`]); callers wrap it in a
	/// storage layer so that a failure changes nothing.
	pub(crate) fn do_commit_order(
		who: &T::AccountId,
		market: MarketId,
		side: OrderSide,
		size: u128,
		price: Price,
	) -> DispatchResult {
		let params = Markets::<T>::get(market).ok_or(Error::<T>::UnknownMarket)?;
		ensure!(params.status != MarketStatus::Closed, Error::<T>::MarketNotTrading);
		ensure!(!Self::is_expired(&params), Error::<T>::OptionExpired);
		ensure!(size > 0, Error::<T>::InvalidSize);
		let value = Self::market_scale(&params)
			.value(size, price, sp_arithmetic::Rounding::Up)
			.map_err(Error::<T>::from)?;
		let record = Positions::<T>::try_mutate(
			who,
			|positions| -> Result<PositionRecord, DispatchError> {
				let mut record = positions.get(&market).copied().unwrap_or(PositionRecord {
					position: Position::flat(MarketStates::<T>::get(market).funding_index),
					isolated_margin: None,
					open_orders: Default::default(),
				});
				record.open_orders.add(side, size, value).map_err(Error::<T>::from)?;
				Self::ensure_position_room(who, positions, market)?;
				positions.try_insert(market, record).map_err(|_| Error::<T>::TooManyPositions)?;
				Ok(record)
			},
		)?;
		if record.isolated_margin.is_some() {
			let figures = Self::isolated_figures(market, &params, &record, true)?;
			ensure!(figures.free_margin >= 0, Error::<T>::OrderMarginInsufficient);
			Ok(())
		} else {
			Self::ensure_cross_initial_margin(who, Error::<T>::OrderMarginInsufficient)
		}
	}

	/// Releases (part of) a committed order (see [`crate::Clearing::release_order`]).
	pub(crate) fn do_release_order(
		who: &T::AccountId,
		market: MarketId,
		side: OrderSide,
		size: u128,
		price: Price,
	) {
		let value = Markets::<T>::get(market)
			.and_then(|params| {
				Self::market_scale(&params).value(size, price, sp_arithmetic::Rounding::Up).ok()
			})
			.unwrap_or(0);
		Positions::<T>::mutate(who, |positions| {
			if let Some(record) = positions.get_mut(&market) {
				record.open_orders.remove(side, size, value);
				if record.is_empty() {
					positions.remove(&market);
				}
			}
		});
	}

	/// Records a market's best bid and ask (see [`crate::Clearing::note_book_top`]). Funding
	/// accrues first, at the mark that held until now.
	pub(crate) fn do_note_book_top(
		market: MarketId,
		best_bid: Option<Price>,
		best_ask: Option<Price>,
	) {
		let Some(params) = Markets::<T>::get(market) else { return };
		let current = MarketStates::<T>::get(market);
		if current.best_bid == best_bid && current.best_ask == best_ask {
			return;
		}
		// A failed accrual (an overflow) leaves funding where it was; the book still moves.
		let mut state = Self::accrue_funding(market, &params).unwrap_or(current);
		state.best_bid = best_bid;
		state.best_ask = best_ask;
		MarketStates::<T>::insert(market, state);
	}
}
