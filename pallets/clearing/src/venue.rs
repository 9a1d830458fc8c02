//! The venue side of clearing: what the order book (or any venue) calls through
//! [`Clearing`]. Trades settle here, both sides at once or not at all; resting orders are
//! committed against margin and released; the book's top moves the mark.

use frame_support::{pallet_prelude::*, weights::Weight};
use risk_engine::{Position, Price};
use sp_arithmetic::{
	traits::{Saturating, Zero},
	Perbill,
};

use alloc::vec::Vec;

use crate::{
	pallet::*, prices::MarketPrices, Clearing, MarketId, MarketRules, MarketState, MarketStatus,
	OrderSide, PackageLeg, PoolId, PositionRecord, SettleError, TradeReceipt,
};

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
	/// The side's position record in the market after the trade (`None` once flat and
	/// without orders), for its margin check.
	pub(crate) record: Option<PositionRecord>,
}

/// What one leg of a trade or package did, for the margin checks after it.
pub(crate) struct LegOutcome<T: Config> {
	/// The market.
	market: MarketId,
	/// The market's parameters.
	params: MarketParamsOf<T>,
	/// What the leg did to the maker.
	maker: SideOutcome,
	/// What the leg did to the taker.
	taker: SideOutcome,
}

impl<T: Config> LegOutcome<T> {
	fn receipt(&self) -> TradeReceipt {
		TradeReceipt { maker_fee: self.maker.fee, taker_fee: self.taker.fee }
	}
}

impl<T: Config> Pallet<T> {
	/// Checks one side of a trade after it: initial margin at fresh prices when the trade
	/// added risk; maintenance when it only reduced it, at the prices in force even when
	/// stale (reducing never waits for a fresh price, but it never leaves an account below
	/// maintenance either, so two colluding accounts cannot move value between them at a
	/// stale price).
	/// `side` is what the trade did to the account, with its record in `market` as the trade
	/// left it.
	fn check_trade_side(
		who: &T::AccountId,
		market: MarketId,
		params: &MarketParamsOf<T>,
		side: &SideOutcome,
		error: Error<T>,
	) -> DispatchResult {
		let added_risk = side.added_risk;
		if let Some(record) = side.record.filter(|r| r.isolated_margin.is_some()) {
			let figures = Self::isolated_figures(market, params, &record, added_risk)?;
			let margin_left = if added_risk { figures.free_margin } else { figures.health };
			ensure!(margin_left >= 0, error);
			return Ok(());
		}
		Self::check_cross_side(who, added_risk, error)
	}

	/// Checks an account's cross (or portfolio) margin after a trade or package:
	/// initial margin at fresh prices when it added risk, maintenance otherwise.
	fn check_cross_side(who: &T::AccountId, added_risk: bool, error: Error<T>) -> DispatchResult {
		let figures = Self::cross_figures(who)?;
		if added_risk {
			ensure!(!figures.stale, Error::<T>::StalePrice);
			figures.ensure_may_add_risk(error)?;
		} else {
			ensure!(figures.margin.health >= 0, error);
		}
		Ok(())
	}

	/// Checks one side of a package after all its legs: each isolated position a leg left
	/// as [`Self::check_trade_side`] checks it, and the account's cross margin once, at
	/// initial when any cross leg added risk (so the cross legs net against each other and
	/// the rest of the book), at maintenance otherwise.
	fn check_package_side(
		who: &T::AccountId,
		legs: &[LegOutcome<T>],
		side_of: fn(&LegOutcome<T>) -> &SideOutcome,
		error: fn() -> Error<T>,
	) -> DispatchResult {
		let mut cross_added_risk: Option<bool> = None;
		for leg in legs {
			let side = side_of(leg);
			if side.record.is_some_and(|record| record.isolated_margin.is_some()) {
				Self::check_trade_side(who, leg.market, &leg.params, side, error())?;
			} else {
				cross_added_risk = Some(cross_added_risk.unwrap_or(false) || side.added_risk);
			}
		}
		match cross_added_risk {
			Some(added_risk) => Self::check_cross_side(who, added_risk, error()),
			None => Ok(()),
		}
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

	/// Settles a trade (see [`crate::Clearing::settle_trade`]), first releasing what the
	/// maker's resting order committed for it when `release_maker_order` (see
	/// [`crate::Clearing::settle_fill`]); callers wrap it in a storage layer so that a failure
	/// changes nothing.
	pub(crate) fn do_settle_trade(
		maker: &T::AccountId,
		taker: &T::AccountId,
		market: MarketId,
		size: i128,
		price: Price,
		release_maker_order: bool,
	) -> Result<TradeReceipt, SettleError> {
		let leg = Self::settle_leg(maker, taker, market, size, price, release_maker_order, None)?;
		let legs = core::slice::from_ref(&leg);
		Self::check_sides(maker, taker, legs)?;
		Ok(leg.receipt())
	}

	/// Checks both sides of a trade or package after its legs (see
	/// [`Self::check_package_side`]): a failure of the maker's is the maker's alone.
	fn check_sides(
		maker: &T::AccountId,
		taker: &T::AccountId,
		legs: &[LegOutcome<T>],
	) -> Result<(), SettleError> {
		Self::check_package_side(
			maker,
			legs,
			|leg| &leg.maker,
			|| Error::<T>::MakerMarginInsufficient,
		)
		.map_err(SettleError::Maker)?;
		Self::check_package_side(
			taker,
			legs,
			|leg| &leg.taker,
			|| Error::<T>::TakerMarginInsufficient,
		)
		.map_err(SettleError::Trade)
	}

	/// Settles a package (see [`crate::Clearing::settle_package`]); callers wrap it in a
	/// storage layer so that a failure changes nothing.
	pub(crate) fn do_settle_package(
		maker: &T::AccountId,
		taker: &T::AccountId,
		legs: &[PackageLeg],
	) -> Result<Vec<TradeReceipt>, SettleError> {
		let fail = |error: Error<T>| SettleError::Trade(error.into());
		if legs.is_empty() {
			return Err(fail(Error::<T>::EmptyPackage));
		}
		// One leg per market: each leg's isolated check reads the record the leg left, which
		// a later leg in the same market would move on.
		for (at, leg) in legs.iter().enumerate() {
			if legs[..at].iter().any(|earlier| earlier.market == leg.market) {
				return Err(fail(Error::<T>::DuplicatePackageLeg));
			}
		}
		let mut outcomes = Vec::with_capacity(legs.len());
		for leg in legs {
			outcomes.push(Self::settle_leg(
				maker,
				taker,
				leg.market,
				leg.size,
				leg.price,
				false,
				Some((leg.maker_fee, leg.taker_fee)),
			)?);
		}
		Self::check_sides(maker, taker, &outcomes)?;
		Ok(outcomes.iter().map(LegOutcome::receipt).collect())
	}

	/// Settles one trade without the margin checks (its callers make them): positions,
	/// fees (`fees`: the maker's and the taker's rate; the market's when `None`), open
	/// interest and the event, with every market rule, the price band and the market's pool
	/// checked.
	#[allow(clippy::too_many_arguments)]
	fn settle_leg(
		maker: &T::AccountId,
		taker: &T::AccountId,
		market: MarketId,
		size: i128,
		price: Price,
		release_maker_order: bool,
		fees: Option<(Perbill, Perbill)>,
	) -> Result<LegOutcome<T>, SettleError> {
		let trade = |error: DispatchError| SettleError::Trade(error);
		let maker_only = |error: DispatchError| SettleError::Maker(error);
		let fail = |error: Error<T>| SettleError::Trade(error.into());
		if maker == taker {
			return Err(fail(Error::<T>::SelfTrade));
		}
		let params = Self::market_params(market).ok_or(fail(Error::<T>::UnknownMarket))?;
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
		let (maker_fee_rate, taker_fee_rate) = fees.unwrap_or((params.maker_fee, params.taker_fee));
		// Whatever fails on the maker's side alone is the maker's: the venue cancels that
		// order and goes on, so one maker cannot freeze a level for every taker.
		// The maker's order rests opposite the taker: it sells what the taker buys.
		let released = release_maker_order.then(|| {
			let side = if size > 0 { OrderSide::Sell } else { OrderSide::Buy };
			let value = scale.value(units, price, sp_arithmetic::Rounding::Up).unwrap_or(0);
			(side, units, value)
		});
		let maker_side =
			Self::apply_side(maker, market, &state, &scale, -size, price, maker_fee_rate, released)
				.map_err(maker_only)?;
		let taker_side =
			Self::apply_side(taker, market, &state, &scale, size, price, taker_fee_rate, None)
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
		// In a market restricted to a permissioned pool, only its members add risk: anyone
		// else (a removed member, an account that held a position before the market was
		// restricted) may only reduce.
		if let Some(pool) = Self::market_pool(market) {
			if taker_added && !Self::is_member_of(pool, taker) {
				return Err(fail(Error::<T>::NotPoolMember));
			}
			if maker_added && !Self::is_member_of(pool, maker) {
				return Err(maker_only(Error::<T>::NotPoolMember.into()));
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
		Ok(LegOutcome { market, params, maker: maker_side, taker: taker_side })
	}

	/// Applies one side of a trade: settles the position's funding, applies the trade, books
	/// realized PnL, funding and the fee to the position's margin (isolated) or the account's
	/// settlement balance (cross). `released` (side, size, value) first stops counting that
	/// much of the side's resting orders, as [`Self::do_release_order`] does.
	#[allow(clippy::too_many_arguments)]
	pub(crate) fn apply_side(
		who: &T::AccountId,
		market: MarketId,
		state: &MarketState,
		scale: &risk_engine::UnitScale,
		side_size: i128,
		price: Price,
		fee_rate: Perbill,
		released: Option<(OrderSide, u128, u128)>,
	) -> Result<SideOutcome, DispatchError> {
		let outcome =
			Positions::<T>::try_mutate(who, |positions| -> Result<SideOutcome, DispatchError> {
				if let Some((side, size, value)) = released {
					if let Some(record) = positions.get_mut(&market) {
						record.open_orders.remove(side, size, value);
					}
				}
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
					Some(margin) => {
						*margin = margin.checked_add(cash).ok_or(Error::<T>::Overflow)?
					},
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
					positions
						.try_insert(market, record)
						.map_err(|_| Error::<T>::TooManyPositions)?;
				}
				Self::requeue(who, market, scale, before.as_ref(), Some(&record));
				let long_delta = outcome.position.size.max(0) - long_before;
				Ok(SideOutcome {
					fee,
					realized_pnl: outcome.realized_pnl,
					added_risk: !outcome.reduces_only,
					long_delta,
					record: (!record.is_empty()).then_some(record),
				})
			})?;
		Self::note_touched(who);
		Ok(outcome)
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
		let params = Self::market_params(market).ok_or(Error::<T>::UnknownMarket)?;
		ensure!(params.status != MarketStatus::Closed, Error::<T>::MarketNotTrading);
		ensure!(!Self::is_expired(&params), Error::<T>::OptionExpired);
		ensure!(size > 0, Error::<T>::InvalidSize);
		// A committed order adds risk when it fills: in a pool's market, members only (a
		// non-member reduces with reduce-only orders, which commit nothing).
		if let Some(pool) = Self::market_pool(market) {
			ensure!(Self::is_member_of(pool, who), Error::<T>::NotPoolMember);
		}
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
		let value = Self::market_params(market)
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
		let Some(params) = Self::market_params(market) else { return };
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

impl<T: Config> Clearing<T::AccountId, MarketId> for Pallet<T> {
	fn market_rules(market: MarketId) -> Option<MarketRules> {
		Self::market_params(market).map(|params| MarketRules {
			tick_size: params.tick_size,
			lot_size: params.lot_size,
			min_size: params.min_size,
			status: if Self::is_expired(&params) { MarketStatus::Closed } else { params.status },
		})
	}

	fn position_size(who: &T::AccountId, market: MarketId) -> risk_engine::SizeUnits {
		Positions::<T>::get(who).get(&market).map_or(0, |record| record.position.size)
	}

	fn settle_trade(
		maker: &T::AccountId,
		taker: &T::AccountId,
		market: MarketId,
		size: i128,
		price: Price,
	) -> Result<TradeReceipt, SettleError> {
		Self::settle_fill(maker, taker, market, size, price, false)
	}

	fn settle_fill(
		maker: &T::AccountId,
		taker: &T::AccountId,
		market: MarketId,
		size: i128,
		price: Price,
		maker_committed: bool,
	) -> Result<TradeReceipt, SettleError> {
		// In a venue's working set already (the order book's), this adds nothing; called
		// alone, both accounts are rebanded once, when the fill is settled, inside the
		// storage layer that a failed fill rolls back.
		frame_support::storage::with_storage_layer(|| {
			Self::with_venue_working_set(|| {
				Self::do_settle_trade(maker, taker, market, size, price, maker_committed)
			})
		})
	}

	fn settle_package(
		maker: &T::AccountId,
		taker: &T::AccountId,
		legs: &[PackageLeg],
	) -> Result<Vec<TradeReceipt>, SettleError> {
		frame_support::storage::with_storage_layer(|| {
			Self::with_venue_working_set(|| Self::do_settle_package(maker, taker, legs))
		})
	}

	fn is_pool_member(pool: PoolId, who: &T::AccountId) -> bool {
		Self::is_member_of(pool, who)
	}

	fn commit_order(
		who: &T::AccountId,
		market: MarketId,
		side: OrderSide,
		size: u128,
		price: Price,
	) -> DispatchResult {
		frame_support::storage::with_storage_layer(|| {
			Self::do_commit_order(who, market, side, size, price)
		})
	}

	fn release_order(
		who: &T::AccountId,
		market: MarketId,
		side: OrderSide,
		size: u128,
		price: Price,
	) {
		Self::do_release_order(who, market, side, size, price)
	}

	fn note_book_top(market: MarketId, best_bid: Option<Price>, best_ask: Option<Price>) {
		Self::do_note_book_top(market, best_bid, best_ask)
	}

	fn price_band(market: MarketId) -> Option<(Price, Price)> {
		let params = Self::market_params(market)?;
		let prices = Self::market_prices(market, &params, &MarketStates::<T>::get(market))?;
		Some(Self::price_band_bounds(&params, &prices))
	}

	fn committed_size(who: &T::AccountId, market: MarketId, side: OrderSide) -> u128 {
		Positions::<T>::get(who).get(&market).map_or(0, |record| match side {
			OrderSide::Buy => record.open_orders.bid_size,
			OrderSide::Sell => record.open_orders.ask_size,
		})
	}

	fn margin_check_surcharge(who: &T::AccountId, market: MarketId) -> Weight {
		Self::margin_check_surcharge_weight(who, market)
	}

	fn max_margin_check_surcharge() -> Weight {
		Self::max_margin_check_surcharge_weight()
	}

	fn surcharge_pricing_weight() -> Weight {
		Self::surcharge_pricing_reads()
	}

	fn with_working_set<R>(call: impl FnOnce() -> R) -> R {
		Self::with_venue_working_set(call)
	}
}
