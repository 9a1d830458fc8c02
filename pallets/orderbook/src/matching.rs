//! The matching engine: checking an incoming order, matching it by price-time priority,
//! resting or dropping what is left, and the book's reads for the runtime API.

use alloc::vec::Vec;
use clearing_traits::{MarketStatus, SettleError};
use frame_support::pallet_prelude::*;
use sp_arithmetic::traits::{SaturatedConversion, Zero};

use crate::{
	pallet::*, weight_math::OrderWork, AccountOrder, BookDepth, BookLevel, CancelReason, Clearing,
	ClientOrderId, MarketId, OpenOrder, OrderId, OrderRequest, OrderSide, Price, TimeInForce,
};

/// Whether a resting order at `resting` can trade with an incoming order on `side` at `limit`.
fn crosses(side: OrderSide, limit: Price, resting: Price) -> bool {
	match side {
		OrderSide::Buy => resting <= limit,
		OrderSide::Sell => resting >= limit,
	}
}

/// Whether `a` comes before `b` on a book side: higher bids first, lower asks first.
fn better(side: OrderSide, a: Price, b: Price) -> bool {
	match side {
		OrderSide::Buy => a > b,
		OrderSide::Sell => a < b,
	}
}

impl<T: Config> Pallet<T> {
	/// The size of `who`'s reduce-only orders resting on `side` of `market`.
	fn resting_reduce_only(who: &T::AccountId, market: MarketId, side: OrderSide) -> u128 {
		ReduceOnlyOrders::<T>::get(who, market)
			.iter()
			.filter_map(|id| Orders::<T>::get(market, id))
			.filter(|order| order.side == side)
			.map(|order| order.remaining)
			.fold(0u128, |total, remaining| total.saturating_add(remaining))
	}

	/// How much of `who`'s position an order on `side` can reduce, in whole lots.
	fn reducible(who: &T::AccountId, market: MarketId, side: OrderSide, lot: u128) -> u128 {
		let position = T::Clearing::position_size(who, market);
		let units = match side {
			OrderSide::Buy if position < 0 => position.unsigned_abs(),
			OrderSide::Sell if position > 0 => position.unsigned_abs(),
			_ => 0,
		};
		units - units % lot
	}

	/// Places an order (see [`Pallet::place_order`]) and returns what it did, for its
	/// weight. Callers run it in a storage layer (a dispatchable is one): an error leaves
	/// changes behind that the layer undoes.
	pub(crate) fn do_place_order(
		who: &T::AccountId,
		market: MarketId,
		request: &OrderRequest,
	) -> Result<OrderWork, DispatchError> {
		let OrderRequest { side, price, size, time_in_force, reduce_only, client_order_id } =
			*request;
		let rules = T::Clearing::market_rules(market).ok_or(Error::<T>::UnknownMarket)?;
		let taker_surcharge = T::Clearing::margin_check_surcharge(who, market);
		let mut surcharge = Weight::zero();
		ensure!(rules.status != MarketStatus::Closed, Error::<T>::MarketNotTrading);
		ensure!(rules.status == MarketStatus::Active || reduce_only, Error::<T>::MarketReduceOnly);
		ensure!(
			!price.is_zero() && price.into_inner() % rules.tick_size.into_inner() == 0,
			Error::<T>::PriceNotOnTick
		);
		ensure!(
			size > 0 && size % rules.lot_size == 0 && size >= rules.min_size,
			Error::<T>::InvalidSize
		);
		let (low, high) = T::Clearing::price_band(market).ok_or(Error::<T>::NoIndexPrice)?;
		ensure!(low <= price && price <= high, Error::<T>::PriceOutsideBand);
		let size = if reduce_only {
			// What the position leaves to reduce once the reduce-only orders already
			// resting on this side have: resting reduce-only size never exceeds it.
			let room = Self::reducible(who, market, side, rules.lot_size)
				.saturating_sub(Self::resting_reduce_only(who, market, side));
			let cut = size.min(room - room % rules.lot_size);
			ensure!(cut > 0, Error::<T>::NothingToReduce);
			cut
		} else {
			size
		};

		let opposite = side.opposite();
		let mut opposite_prices = LevelPrices::<T>::get((market, opposite));
		if time_in_force == TimeInForce::PostOnly {
			ensure!(
				opposite_prices.first().is_none_or(|best| !crosses(side, price, *best)),
				Error::<T>::PostOnlyWouldCross
			);
		}
		if let Some(client_order_id) = client_order_id {
			// Checked before anything moves, though only a resting order holds the id.
			ensure!(
				Self::find_client_order(who, client_order_id).is_none(),
				Error::<T>::DuplicateClientOrderId
			);
		}
		let order_id = NextOrderId::<T>::mutate(|next| {
			let id = *next;
			*next = next.wrapping_add(1);
			id
		});
		Self::deposit_event(Event::OrderPlaced {
			order_id,
			market,
			owner: who.clone(),
			side,
			price,
			placed_size: size,
			time_in_force,
			reduce_only,
			client_order_id,
		});

		let block = frame_system::Pallet::<T>::block_number();
		// Database work this block has already paid for (see `OrderWork::saved`).
		let mut saved = if AccountOrders::<T>::get(who).filled_at == block {
			Self::warm_taker_saving()
		} else {
			Weight::zero()
		};
		let mut filled = false;
		let budget = T::MaxFillsPerOrder::get();
		// The taker's own checks are held to the budget its charge carried; the makers' were
		// charged from the book.
		let taker_budget = Self::taker_check_budget(time_in_force);
		let rest_reserve = if time_in_force == TimeInForce::ImmediateOrCancel {
			Weight::zero()
		} else {
			taker_surcharge
		};
		let mut taker_checks = Weight::zero();
		let mut out_of_weight = false;
		let mut touched = 0u32;
		let mut remaining = size;
		let mut emptied_levels = 0usize;
		// Evictions and reduce-only cuts: charged on top of the benchmarked matching.
		let mut book_work = Weight::zero();
		// Makers whose positions moved: their reduce-only orders are cut to them afterwards.
		let mut filled_makers: Vec<T::AccountId> = Vec::new();
		while remaining > 0 && touched < budget && !out_of_weight {
			let Some(&level_price) = opposite_prices.get(emptied_levels) else { break };
			if !crosses(side, price, level_price) {
				break;
			}
			let mut level = Levels::<T>::get((market, opposite), level_price);
			// The level is read once and written once however many fills it gives.
			let mut level_filled = false;
			let mut gone: Vec<OrderId> = Vec::new();
			let queue: Vec<OrderId> = level.orders.to_vec();
			for maker_order_id in queue {
				if remaining == 0 || touched == budget {
					break;
				}
				touched += 1;
				let Some(mut maker_order) = Orders::<T>::get(market, maker_order_id) else {
					// Not reachable while the book's indexes agree; heal them if not.
					gone.push(maker_order_id);
					continue;
				};
				if maker_order.owner == *who {
					level.total = level.total.saturating_sub(maker_order.remaining);
					gone.push(maker_order_id);
					Self::drop_order(market, maker_order_id, &maker_order, CancelReason::SelfTrade);
					continue;
				}
				let mut fill = remaining.min(maker_order.remaining);
				if maker_order.reduce_only {
					fill = fill.min(Self::reducible(
						&maker_order.owner,
						market,
						opposite,
						rules.lot_size,
					));
					if fill == 0 {
						level.total = level.total.saturating_sub(maker_order.remaining);
						gone.push(maker_order_id);
						Self::drop_order(
							market,
							maker_order_id,
							&maker_order,
							CancelReason::NothingToReduce,
						);
						continue;
					}
				}
				let taker_size = side.signed(fill).map_err(|_| Error::<T>::Overflow)?;
				// A settlement checks both sides' margin, whether it succeeds or not; keep
				// room for checking the rest when it rests.
				let with_fill = taker_checks.saturating_add(taker_surcharge);
				if !with_fill.saturating_add(rest_reserve).all_lte(taker_budget) {
					// Not settled: this order was not really touched.
					touched -= 1;
					out_of_weight = true;
					break;
				}
				taker_checks = with_fill;
				surcharge = surcharge.saturating_add(taker_surcharge).saturating_add(
					T::Clearing::margin_check_surcharge(&maker_order.owner, market),
				);
				// Releases what the maker's order committed for the fill and settles it.
				let settled = T::Clearing::settle_fill(
					&maker_order.owner,
					who,
					market,
					taker_size,
					level_price,
					!maker_order.reduce_only,
				);
				match settled {
					Ok(receipt) => {
						filled = true;
						let fresh = maker_order.placed_at == block;
						remaining -= fill;
						maker_order.remaining -= fill;
						let filled_in_full = maker_order.remaining == 0;
						// A filled order leaves its owner's book in the same write.
						let warm_maker = Self::note_filled(
							&maker_order.owner,
							filled_in_full.then_some((market, maker_order_id)),
						);
						if warm_maker && level_filled {
							// The one-maker benchmark's fill: the maker, its holds and the
							// level were all loaded and written by a fill before.
							saved = saved.saturating_add(Self::warm_fill_saving());
						} else {
							if warm_maker {
								saved = saved.saturating_add(Self::warm_maker_saving());
							}
							if level_filled {
								saved = saved.saturating_add(Self::shared_level_saving());
							}
							if filled_in_full && fresh && !maker_order.deposit.is_zero() {
								// Its deposit was held in this block: releasing it writes
								// the owner's holds and account again.
								saved = saved.saturating_add(Self::fresh_deposit_saving());
							}
						}
						if fresh {
							saved = saved.saturating_add(Self::fresh_order_saving());
						}
						level_filled = true;
						level.total = level.total.saturating_sub(fill);
						Self::deposit_event(Event::OrderFilled {
							market,
							maker_order_id,
							taker_order_id: order_id,
							maker: maker_order.owner.clone(),
							taker: who.clone(),
							taker_side: side,
							price: level_price,
							fill_size: fill,
							maker_fee: receipt.maker_fee,
							taker_fee: receipt.taker_fee,
						});
						if !filled_makers.contains(&maker_order.owner) {
							if warm_maker {
								// Its mode, positions and reduce-only orders, read for this
								// call, were read or written earlier in the block.
								saved = saved.saturating_add(Self::warm_maker_call_saving());
							}
							filled_makers.push(maker_order.owner.clone());
						}
						if filled_in_full {
							gone.push(maker_order_id);
							Self::clear_order(market, maker_order_id, &maker_order);
						} else {
							Orders::<T>::insert(market, maker_order_id, &maker_order);
						}
					},
					Err(SettleError::Maker(_)) => {
						level.total = level.total.saturating_sub(maker_order.remaining);
						gone.push(maker_order_id);
						Self::drop_order(
							market,
							maker_order_id,
							&maker_order,
							CancelReason::MakerMarginInsufficient,
						);
					},
					Err(SettleError::Trade(error)) => return Err(error),
				}
			}
			level.orders.retain(|id| !gone.contains(id));
			if level.orders.is_empty() {
				Levels::<T>::remove((market, opposite), level_price);
				emptied_levels += 1;
			} else {
				Levels::<T>::insert((market, opposite), level_price, level);
				// The level still has orders: the taker is done or out of budget.
				break;
			}
		}
		if emptied_levels > 0 {
			let kept: Vec<Price> = opposite_prices.iter().skip(emptied_levels).copied().collect();
			opposite_prices = BoundedVec::truncate_from(kept);
			LevelPrices::<T>::insert((market, opposite), &opposite_prices);
		}

		let mut rested = false;
		if remaining > 0 {
			let still_crosses =
				opposite_prices.first().is_some_and(|best| crosses(side, price, *best));
			let dropped = match time_in_force {
				TimeInForce::ImmediateOrCancel => Some(CancelReason::ImmediateOrCancel),
				_ if still_crosses => Some(CancelReason::FillLimitReached),
				_ => None,
			};
			match dropped {
				Some(reason) => Self::deposit_event(Event::OrderCancelled {
					order_id,
					market,
					owner: who.clone(),
					remaining,
					reason,
				}),
				None => {
					// Committing the rest checks the taker's margin once more.
					surcharge = surcharge.saturating_add(taker_surcharge);
					rested = true;
					let evicted = Self::rest_order(
						who,
						market,
						order_id,
						OrderOf::<T> {
							owner: who.clone(),
							side,
							price,
							placed_size: size,
							remaining,
							reduce_only,
							placed_at: block,
							deposit: OrderDeposit::<T>::get(),
						},
						client_order_id,
					)?;
					book_work = book_work.saturating_add(Self::order_removal_weight(evicted));
				},
			}
		}
		if !rested {
			saved = saved.saturating_add(Self::unrested_saving());
		}
		// Positions moved: no reduce-only order may rest beyond its owner's position. (The
		// book's top, reported below, includes the cuts.) The taker's moved only if it filled.
		let mut cut =
			if filled { Self::cut_reduce_only_to_position(who, market, rules.lot_size) } else { 0 };
		for maker in &filled_makers {
			cut = cut.saturating_add(Self::cut_reduce_only_to_position(
				maker,
				market,
				rules.lot_size,
			));
		}
		let accounts_checked = filled_makers.len() as u64 + u64::from(filled);
		book_work = book_work
			.saturating_add(T::DbWeight::get().reads(accounts_checked))
			.saturating_add(Self::order_removal_weight(cut));
		if filled {
			Self::note_filled(who, None);
		}
		Self::report_book_top(market);
		Ok(OrderWork { touched, extra: surcharge.saturating_add(book_work), saved })
	}

	/// Records that a fill of `who` settled in this block (see [`crate::AccountBook`]) and
	/// returns whether one had already: then the account's items are written already. An
	/// order the fill completed (`filled`: its market and id) leaves the book in the same
	/// write.
	fn note_filled(who: &T::AccountId, filled: Option<(MarketId, OrderId)>) -> bool {
		let block = frame_system::Pallet::<T>::block_number();
		AccountOrders::<T>::mutate_exists(who, |maybe_book| {
			let Some(book) = maybe_book else { return false };
			let warm = book.filled_at == block;
			book.filled_at = block;
			if let Some(key) = filled {
				book.orders.retain(|entry| (entry.market, entry.order_id) != key);
				if book.orders.is_empty() {
					*maybe_book = None;
				}
			}
			warm
		})
	}

	/// Cuts `who`'s reduce-only orders in `market` to what its position leaves to reduce on
	/// each side, keeping the oldest: an order beyond it shrinks (`ReduceOnlyOrderCut`) or,
	/// with nothing left, is cancelled (`NothingToReduce`). One read for an account without
	/// any. Returns how many orders it cut or cancelled; the caller reports the book's top.
	pub(crate) fn cut_reduce_only_to_position(
		who: &T::AccountId,
		market: MarketId,
		lot: u128,
	) -> u32 {
		let ids = ReduceOnlyOrders::<T>::get(who, market);
		if ids.is_empty() {
			return 0;
		}
		let mut cut = 0u32;
		let mut room_buy = Self::reducible(who, market, OrderSide::Buy, lot);
		let mut room_sell = Self::reducible(who, market, OrderSide::Sell, lot);
		for order_id in ids {
			let Some(mut order) = Orders::<T>::get(market, order_id) else { continue };
			let room = match order.side {
				OrderSide::Buy => &mut room_buy,
				OrderSide::Sell => &mut room_sell,
			};
			if order.remaining <= *room {
				*room -= order.remaining;
				continue;
			}
			cut += 1;
			if *room == 0 {
				Self::remove_resting_order(market, order_id, &order, CancelReason::NothingToReduce);
				continue;
			}
			let beyond = order.remaining - *room;
			order.remaining = *room;
			*room = 0;
			Levels::<T>::mutate((market, order.side), order.price, |level| {
				level.total = level.total.saturating_sub(beyond)
			});
			Orders::<T>::insert(market, order_id, &order);
			Self::deposit_event(Event::ReduceOnlyOrderCut {
				order_id,
				market,
				owner: who.clone(),
				cut: beyond,
				remaining: order.remaining,
			});
		}
		cut
	}

	/// Puts what is left of an incoming order on the book, commits its margin and holds its
	/// deposit. On a full side, a better price than the worst level evicts that level.
	/// Returns how many orders it evicted.
	fn rest_order(
		who: &T::AccountId,
		market: MarketId,
		order_id: OrderId,
		order: OrderOf<T>,
		client_order_id: Option<ClientOrderId>,
	) -> Result<u32, DispatchError> {
		if !order.reduce_only {
			T::Clearing::commit_order(who, market, order.side, order.remaining, order.price)?;
		} else {
			ReduceOnlyOrders::<T>::try_mutate(who, market, |ids| {
				ids.try_push(order_id).map_err(|_| Error::<T>::TooManyReduceOnlyOrders)
			})?;
		}
		Self::hold_order_deposit(who, order.deposit)?;
		AccountOrders::<T>::try_mutate(who, |book| {
			book.orders
				.try_push(AccountOrder { market, order_id, client_order_id })
				.map_err(|_| Error::<T>::TooManyOpenOrders)
		})?;
		let key = (market, order.side);
		let mut evicted = 0;
		if !Levels::<T>::contains_key(key, order.price) {
			let mut prices = LevelPrices::<T>::get(key);
			if prices.len() as u32 >= T::MaxPriceLevels::get() {
				let worst = *prices.last().ok_or(Error::<T>::TooManyPriceLevels)?;
				ensure!(better(order.side, order.price, worst), Error::<T>::TooManyPriceLevels);
				evicted = Self::evict_level(market, order.side, worst);
				prices.pop();
			}
			let at = prices
				.iter()
				.position(|p| better(order.side, order.price, *p))
				.unwrap_or(prices.len());
			prices.try_insert(at, order.price).map_err(|_| Error::<T>::TooManyPriceLevels)?;
			LevelPrices::<T>::insert(key, prices);
		}
		Levels::<T>::try_mutate(key, order.price, |level| -> DispatchResult {
			level.orders.try_push(order_id).map_err(|_| Error::<T>::PriceLevelFull)?;
			level.total = level.total.checked_add(order.remaining).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		Self::deposit_event(Event::OrderRested {
			order_id,
			market,
			owner: who.clone(),
			remaining: order.remaining,
		});
		Orders::<T>::insert(market, order_id, order);
		Ok(evicted)
	}

	/// Cancels every order of the level at `price` on `side` (`Evicted`) and removes the
	/// level; the caller removes its price from the side's list. Returns how many it
	/// cancelled.
	fn evict_level(market: MarketId, side: OrderSide, price: Price) -> u32 {
		let level = Levels::<T>::take((market, side), price);
		let mut evicted = 0;
		for order_id in level.orders {
			if let Some(order) = Orders::<T>::get(market, order_id) {
				Self::drop_order(market, order_id, &order, CancelReason::Evicted);
				evicted += 1;
			}
		}
		evicted
	}

	/// Removes a resting order from every index of the book, releases its margin and says
	/// why. Used by cancels; matching keeps its level in hand and uses [`Self::drop_order`].
	pub(crate) fn remove_resting_order(
		market: MarketId,
		order_id: OrderId,
		order: &OrderOf<T>,
		reason: CancelReason,
	) {
		let key = (market, order.side);
		let level_emptied = Levels::<T>::mutate_exists(key, order.price, |maybe_level| {
			let Some(level) = maybe_level else { return true };
			level.orders.retain(|id| *id != order_id);
			level.total = level.total.saturating_sub(order.remaining);
			if level.orders.is_empty() {
				*maybe_level = None;
				return true;
			}
			false
		});
		if level_emptied {
			LevelPrices::<T>::mutate(key, |prices| prices.retain(|p| *p != order.price));
		}
		Self::drop_order(market, order_id, order, reason);
	}

	/// Forgets an order outside its price level: the order itself, its owner's index entry
	/// and its committed margin; emits the cancellation.
	fn drop_order(market: MarketId, order_id: OrderId, order: &OrderOf<T>, reason: CancelReason) {
		Self::retire_order(market, order_id, order);
		if !order.reduce_only {
			T::Clearing::release_order(
				&order.owner,
				market,
				order.side,
				order.remaining,
				order.price,
			);
		}
		Self::deposit_event(Event::OrderCancelled {
			order_id,
			market,
			owner: order.owner.clone(),
			remaining: order.remaining,
			reason,
		});
	}

	/// Forgets an order that leaves the book (filled or dropped): the order, its owner's
	/// index entries, and the hold on its deposit. Its level and margin are the caller's.
	fn retire_order(market: MarketId, order_id: OrderId, order: &OrderOf<T>) {
		Self::forget_account_order(&order.owner, market, order_id);
		Self::clear_order(market, order_id, order);
	}

	/// [`Self::retire_order`] for an order its owner's book has forgotten already.
	fn clear_order(market: MarketId, order_id: OrderId, order: &OrderOf<T>) {
		Orders::<T>::remove(market, order_id);
		if order.reduce_only {
			ReduceOnlyOrders::<T>::mutate_exists(&order.owner, market, |maybe_ids| {
				if let Some(ids) = maybe_ids {
					ids.retain(|id| *id != order_id);
					if ids.is_empty() {
						*maybe_ids = None;
					}
				}
			});
		}
		Self::retire_order_deposit(&order.owner, order.deposit);
	}

	fn forget_account_order(owner: &T::AccountId, market: MarketId, order_id: OrderId) {
		AccountOrders::<T>::mutate_exists(owner, |maybe_book| {
			if let Some(book) = maybe_book {
				book.orders.retain(|entry| (entry.market, entry.order_id) != (market, order_id));
				if book.orders.is_empty() {
					*maybe_book = None;
				}
			}
		});
	}

	/// The market and id of `who`'s resting order carrying `client_order_id`, if any.
	pub fn find_client_order(
		who: &T::AccountId,
		client_order_id: ClientOrderId,
	) -> Option<(MarketId, OrderId)> {
		AccountOrders::<T>::get(who)
			.orders
			.into_iter()
			.find(|entry| entry.client_order_id == Some(client_order_id))
			.map(|entry| (entry.market, entry.order_id))
	}

	/// The best bid and ask of a market.
	pub fn best_prices(market: MarketId) -> (Option<Price>, Option<Price>) {
		(
			LevelPrices::<T>::get((market, OrderSide::Buy)).first().copied(),
			LevelPrices::<T>::get((market, OrderSide::Sell)).first().copied(),
		)
	}

	/// Tells the clearing house the market's best bid and ask (for the mark price).
	pub(crate) fn report_book_top(market: MarketId) {
		let (bid, ask) = Self::best_prices(market);
		T::Clearing::note_book_top(market, bid, ask);
	}

	/// The best `levels` price levels of each side of `market`'s book.
	pub fn depth(market: MarketId, levels: u32) -> BookDepth {
		let side_levels = |side: OrderSide| -> Vec<BookLevel> {
			LevelPrices::<T>::get((market, side))
				.into_iter()
				.take(levels as usize)
				.map(|price| {
					let level = Levels::<T>::get((market, side), price);
					BookLevel { price, total_size: level.total, orders: level.orders.len() as u32 }
				})
				.collect()
		};
		BookDepth { market, bids: side_levels(OrderSide::Buy), asks: side_levels(OrderSide::Sell) }
	}

	/// `who`'s resting orders, oldest first.
	pub fn open_orders(who: &T::AccountId) -> Vec<OpenOrder> {
		AccountOrders::<T>::get(who)
			.orders
			.into_iter()
			.filter_map(|AccountOrder { market, order_id, client_order_id }| {
				let order = Orders::<T>::get(market, order_id)?;
				Some(OpenOrder {
					order_id,
					market,
					side: order.side,
					price: order.price,
					placed_size: order.placed_size,
					remaining: order.remaining,
					reduce_only: order.reduce_only,
					placed_at: order.placed_at.saturated_into(),
					client_order_id,
				})
			})
			.collect()
	}
}
