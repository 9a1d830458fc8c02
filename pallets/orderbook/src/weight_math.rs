//! Weights that depend on what an order does: the benchmarked matching plus what it found
//! to do (the clearing house's margin-check surcharges, evictions and reduce-only cuts), in
//! one place. An order is charged up front for what it can do on the book as it stands
//! ([`Pallet::order_charge`]) and refunded to what it did ([`Pallet::place_order_weight`]).

use frame_support::{pallet_prelude::*, weights::Weight};

use crate::{pallet::*, weights::WeightInfo, OrderRequest, TimeInForce};
use clearing_traits::{Clearing, MarketId, OrderSide, Price};

/// What an order did, for its weight.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct OrderWork {
	/// The resting orders it touched (filled or cancelled).
	pub touched: u32,
	/// What it cost beyond the benchmarked matching of those: the clearing house's
	/// margin-check surcharges and book work (evictions, reduce-only cuts).
	pub extra: Weight,
	/// What the benchmark charges for work this block had already done: a fill whose maker
	/// was filled earlier in the block at a level the call filled before costs what
	/// `place_order_one_maker` measured for such a fill, not what `place_order` did for a
	/// maker and a level of its own; otherwise, the database items written already: the
	/// account items of a maker (or taker) filled earlier in the block; the item of an order
	/// placed in this block, and its owner's holds and account when its deposit, held in this
	/// block, is released; a price level after its first fill in the call. The storage
	/// overlay holds them; the database sees one write per item at the end of the block,
	/// which the first write paid for.
	pub saved: Weight,
}

impl OrderWork {
	/// The weight of the work, given the pallet's weights.
	pub fn weight<T: Config>(&self) -> Weight {
		Pallet::<T>::place_order_weight(self.touched, self.extra).saturating_sub(self.saved)
	}
}

/// What an incoming order can reach on the opposite side of the book as it stands.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Reach {
	/// Resting orders it can touch (fill or cancel), at most [`Config::MaxFillsPerOrder`].
	pub orders: u32,
	/// The distinct accounts owning them, at most `orders`.
	pub makers: u32,
	/// The sum of those orders' owners' margin-check surcharges, one per order.
	pub maker_surcharge: Weight,
	/// Their owners' reduce-only orders in the market, which the order may cut.
	pub maker_reduce_only: u32,
	/// The storage items read to find all this.
	pub reads: u64,
}

/// Whether a resting order at `resting` can trade with an incoming order on `side` at `limit`.
fn crosses(side: OrderSide, limit: Price, resting: Price) -> bool {
	match side {
		OrderSide::Buy => resting <= limit,
		OrderSide::Sell => resting >= limit,
	}
}

impl<T: Config> Pallet<T> {
	/// What `place_order` costs: the benchmark for `touched` resting orders plus `surcharge`:
	/// the clearing house's surcharges for the margin checks it caused (more positions than
	/// the benchmark's one, the portfolio scan) and the book work it did.
	pub fn place_order_weight(touched: u32, surcharge: Weight) -> Weight {
		T::WeightInfo::place_order(touched).saturating_add(surcharge)
	}

	/// What a fill of a maker whose fill earlier in the block wrote its account items costs
	/// the database less than the benchmark charges: reading and writing its positions, its
	/// settlement balance and its book (see [`OrderWork::saved`]).
	pub fn warm_maker_saving() -> Weight {
		T::DbWeight::get().reads_writes(3, 3)
	}

	/// What a fill costs less than the benchmark charges when both its maker and its price
	/// level were loaded by a fill before it (the maker's earlier in the block, the level's
	/// earlier in the call): `place_order_one_maker`'s marginal fill in place of
	/// `place_order`'s, where every fill meets a maker and a level of its own. It covers the
	/// maker's items, their reading and decoding, and the level; the order's own item stays
	/// charged.
	pub fn warm_fill_saving() -> Weight {
		let cold = T::WeightInfo::place_order(1).saturating_sub(T::WeightInfo::place_order(0));
		let warm = T::WeightInfo::place_order_one_maker(2)
			.saturating_sub(T::WeightInfo::place_order_one_maker(1));
		cold.saturating_sub(warm)
	}

	/// What a call costs the database less for each maker it fills that was filled earlier in
	/// the block: pricing the maker's margin-check surcharge (its mode and positions) and
	/// reading its reduce-only orders for the cut after the fills.
	pub fn warm_maker_call_saving() -> Weight {
		T::Clearing::surcharge_pricing_weight().saturating_add(T::DbWeight::get().reads(1))
	}

	/// What an order that does not rest (immediate-or-cancel, filled in full, or stopped at
	/// its fill limit) costs less than the `place_order` benchmark, whose order rests its
	/// remainder: `place_order_unrested`'s figure in its stead.
	pub fn unrested_saving() -> Weight {
		T::WeightInfo::place_order(0).saturating_sub(T::WeightInfo::place_order_unrested(0))
	}

	/// What a fill of an order placed in this block costs the database less: its own item,
	/// which never reaches the database before the block ends.
	pub fn fresh_order_saving() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}

	/// What releasing the deposit of an order placed in this block costs the database less:
	/// its owner's holds and account, written when the deposit was held.
	pub fn fresh_deposit_saving() -> Weight {
		T::DbWeight::get().reads_writes(2, 2)
	}

	/// What a fill at a price level the call has filled before costs the database less: the
	/// level, read once and written once however many fills it gives.
	pub fn shared_level_saving() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}

	/// What an order costs the database less when its taker was filled earlier in the block:
	/// reading its positions, settlement balance and book, and writing its positions and
	/// book (its settlement balance is written only when it fills, so that write is kept).
	pub fn warm_taker_saving() -> Weight {
		T::DbWeight::get().reads_writes(3, 2)
	}

	/// The most an order spends on the taker's own margin-check surcharges, which no weight
	/// can know before the call runs (the caller is not part of the call): two of the
	/// largest, one fill and the check of resting the rest; one for a post-only order, which
	/// only rests. Matching stops before a fill that would take the taker past it.
	pub fn taker_check_budget(time_in_force: TimeInForce) -> Weight {
		let checks = if time_in_force == TimeInForce::PostOnly { 1 } else { 2 };
		T::Clearing::max_margin_check_surcharge().saturating_mul(checks)
	}

	/// What removing or cutting `orders` resting orders of other accounts costs beyond the
	/// benchmarked matching (an eviction, or reduce-only orders cut to positions): each a
	/// benchmarked cancellation and the release of its deposit.
	pub fn order_removal_weight(orders: u32) -> Weight {
		T::WeightInfo::cancel_order()
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
			.saturating_mul(u64::from(orders))
	}

	/// The resting orders an order on `side` at `price` in `market` can reach, read from the
	/// book as it stands; none for a post-only order, which never matches. In a bulk call,
	/// the caller's `own_before` orders placed before it may rest where it can reach them
	/// (it cancels them as self-trades), and orders before it on the same side may take up
	/// to `consumed` of the resting orders first: it is charged for the makers of the first
	/// `consumed + MaxFillsPerOrder` it crosses.
	pub fn reach(
		market: MarketId,
		side: OrderSide,
		price: Price,
		time_in_force: TimeInForce,
		own_before: u32,
		consumed: u32,
	) -> Reach {
		let mut reach = Reach::default();
		if time_in_force == TimeInForce::PostOnly {
			return reach;
		}
		let bound = T::MaxFillsPerOrder::get();
		let window = bound.saturating_add(consumed);
		let opposite = side.opposite();
		reach.reads = 1;
		let mut owners: alloc::vec::Vec<T::AccountId> = alloc::vec::Vec::new();
		'levels: for level_price in LevelPrices::<T>::get((market, opposite)) {
			if !crosses(side, price, level_price) {
				break;
			}
			reach.reads += 1;
			for order_id in Levels::<T>::get((market, opposite), level_price).orders {
				if reach.orders == window {
					break 'levels;
				}
				reach.orders += 1;
				// The order, its owner's margin mode (and positions), its reduce-only list.
				reach.reads += 3;
				let Some(order) = Orders::<T>::get(market, order_id) else { continue };
				reach.maker_surcharge = reach
					.maker_surcharge
					.saturating_add(T::Clearing::margin_check_surcharge(&order.owner, market));
				if !owners.contains(&order.owner) {
					reach.makers += 1;
					reach.maker_reduce_only = reach.maker_reduce_only.saturating_add(
						ReduceOnlyOrders::<T>::decode_len(&order.owner, market).unwrap_or(0) as u32,
					);
					owners.push(order.owner);
				}
			}
		}
		reach.orders = reach.orders.saturating_add(own_before).min(bound);
		reach
	}

	/// How many orders a new level for an order on `side` at `price` may evict: those of the
	/// side's worst level when the side holds its most levels and `price` opens another, or
	/// a full level's worth when the caller's `own_before` orders placed before it in the same
	/// call could fill the side first. With the storage items read.
	fn eviction_bound(
		market: MarketId,
		side: OrderSide,
		price: Price,
		own_before: u32,
	) -> (u32, u64) {
		let prices = LevelPrices::<T>::get((market, side));
		let levels = prices.len() as u32;
		let max_levels = T::MaxPriceLevels::get();
		if own_before > 0 {
			// The orders before it may have filled the side or evicted its level.
			let bound = if levels.saturating_add(own_before) >= max_levels {
				T::MaxOrdersPerLevel::get()
			} else {
				0
			};
			return (bound, 1);
		}
		if levels < max_levels || prices.contains(&price) {
			return (0, 1);
		}
		let worst = prices
			.last()
			.map_or(0, |worst| Levels::<T>::get((market, side), worst).orders.len() as u32);
		(worst, 2)
	}

	/// What an order is charged up front (see the crate docs): the benchmarked matching of
	/// the resting orders it can reach, their owners' surcharges and reduce-only cuts, the
	/// taker's check budget, an eviction only where one can happen, the cut of the taker's
	/// own reduce-only orders (unless it is post-only, and so never fills), and the reads that
	/// found all this. `own_before` counts the
	/// caller's orders placed before it in the same call.
	pub fn order_charge(
		market: MarketId,
		side: OrderSide,
		price: Price,
		time_in_force: TimeInForce,
		own_before: u32,
	) -> Weight {
		Self::charge_of(market, side, price, time_in_force, own_before, 0).0
	}

	/// [`Self::order_charge`] for an order that orders before it in the same call may have
	/// taken `consumed` resting orders from ahead of; with the resting orders it can touch.
	fn charge_of(
		market: MarketId,
		side: OrderSide,
		price: Price,
		time_in_force: TimeInForce,
		own_before: u32,
		consumed: u32,
	) -> (Weight, u32) {
		let reach = Self::reach(market, side, price, time_in_force, own_before, consumed);
		let (evictions, eviction_reads) = if time_in_force == TimeInForce::ImmediateOrCancel {
			(0, 0)
		} else {
			Self::eviction_bound(market, side, price, own_before)
		};
		// The taker's reduce-only orders are cut only if it fills: a post-only order never does.
		let taker_cuts = u32::from(time_in_force != TimeInForce::PostOnly);
		let accounts = u64::from(reach.makers).saturating_add(u64::from(taker_cuts));
		let removals = evictions
			.saturating_add(reach.maker_reduce_only)
			.saturating_add(taker_cuts.saturating_mul(T::MaxReduceOnlyPerMarket::get()));
		let book_work = T::DbWeight::get()
			.reads(accounts.saturating_add(reach.reads).saturating_add(eviction_reads))
			.saturating_add(Self::order_removal_weight(removals));
		let weight = Self::place_order_weight(
			reach.orders,
			reach
				.maker_surcharge
				.saturating_add(Self::taker_check_budget(time_in_force))
				.saturating_add(book_work),
		);
		(weight, reach.orders)
	}

	/// The most [`Self::order_charge`] can be, whatever the book: every fill the bound
	/// allows, each against a maker at the largest surcharge with the most reduce-only orders
	/// and alone at its level, the taker's budget, and a full level evicted.
	pub fn max_order_charge() -> Weight {
		let fills = T::MaxFillsPerOrder::get();
		let accounts = fills.saturating_add(1);
		let reads = 1u64 + 4 * u64::from(fills) + u64::from(accounts) + 2;
		let removals = T::MaxOrdersPerLevel::get()
			.saturating_add(accounts.saturating_mul(T::MaxReduceOnlyPerMarket::get()));
		Self::place_order_weight(
			fills,
			T::Clearing::max_margin_check_surcharge()
				.saturating_mul(u64::from(fills))
				.saturating_add(Self::taker_check_budget(TimeInForce::GoodTilCancelled))
				.saturating_add(T::DbWeight::get().reads(reads))
				.saturating_add(Self::order_removal_weight(removals)),
		)
	}

	/// What each order of a bulk placement is charged up front: its [`Self::order_charge`],
	/// counting the orders before it in the call (`own_before` more before the first) as
	/// self-trades it may cancel, and reaching past the resting orders those before it on its
	/// side may have taken; past [`Config::MaxOrdersPricedFromBook`] orders that may match,
	/// the most an order can cost, unread.
	pub fn bulk_charges(
		market: MarketId,
		orders: &[OrderRequest],
		own_before: u32,
	) -> alloc::vec::Vec<Weight> {
		let mut consumed = [0u32; 2];
		let mut priced_from_book = 0u32;
		orders
			.iter()
			.enumerate()
			.map(|(index, order)| {
				if order.time_in_force != TimeInForce::PostOnly {
					if priced_from_book == T::MaxOrdersPricedFromBook::get() {
						// Any order, whatever the book and the orders before it, costs at
						// most this: at most that many fills, each maker at the largest
						// surcharge.
						return Self::max_order_charge();
					}
					priced_from_book += 1;
				}
				let taken = &mut consumed[usize::from(order.side == OrderSide::Sell)];
				let (weight, touches) = Self::charge_of(
					market,
					order.side,
					order.price,
					order.time_in_force,
					own_before.saturating_add(index as u32),
					*taken,
				);
				*taken = taken.saturating_add(touches);
				if order.time_in_force == TimeInForce::PostOnly {
					// A quote in a bulk call: the `place_orders` benchmark's per-order figure
					// in place of a whole `place_order`'s.
					weight
						.saturating_sub(T::WeightInfo::place_order(0))
						.saturating_add(Self::bulk_quote_weight())
				} else {
					weight
				}
			})
			.collect()
	}

	/// What a bulk placement is charged up front: the sum of [`Self::bulk_charges`], and the
	/// quotes' shared part once when it has any.
	pub fn bulk_place_charge(market: MarketId, orders: &[OrderRequest], own_before: u32) -> Weight {
		Self::bulk_charges(market, orders, own_before)
			.into_iter()
			.fold(Self::bulk_quotes_base(orders), |total, charge| total.saturating_add(charge))
	}

	/// What one more post-only quote costs in a bulk call: the `place_orders` benchmark's
	/// figure per order (each resting at a new level at the front of its side).
	pub fn bulk_quote_weight() -> Weight {
		T::WeightInfo::place_orders(2).saturating_sub(T::WeightInfo::place_orders(1))
	}

	/// What a bulk call's post-only quotes share, once: the rest of `place_orders(1)` (the
	/// caller's account, the market, the book's sides), when `orders` holds any.
	pub fn bulk_quotes_base(orders: &[OrderRequest]) -> Weight {
		if orders.iter().any(|order| order.time_in_force == TimeInForce::PostOnly) {
			T::WeightInfo::place_orders(1).saturating_sub(Self::bulk_quote_weight())
		} else {
			Weight::zero()
		}
	}

	/// What a bulk cancellation of `named` orders is charged up front: the `cancel_orders`
	/// benchmark for all of them.
	pub fn cancel_orders_charge(named: u32) -> Weight {
		Self::cancel_orders_weight(named, named)
	}

	/// What a bulk cancellation costs once it has found `cancelled` of the `named` orders:
	/// the `cancel_orders` benchmark for those, and a read of each order it did not find.
	pub fn cancel_orders_weight(named: u32, cancelled: u32) -> Weight {
		T::WeightInfo::cancel_orders(cancelled)
			.saturating_add(T::DbWeight::get().reads(u64::from(named.saturating_sub(cancelled))))
	}
}
