//! The book's invariants, as code: [`Pallet::do_try_state`] checks them after every pallet
//! test, after every block of the random campaign, and from the `try_state` hook under the
//! `try-runtime` feature.
//!
//! ## The invariants
//! 1. **Levels and prices agree.** Each side's price list is strictly ordered best first
//!    (bids falling, asks rising), holds no more than [`Config::MaxPriceLevels`] prices, and
//!    names exactly the levels stored for that side; no level is empty.
//! 2. **A level's total is its orders'.** Each level's total equals the sum of its orders'
//!    remaining sizes, and each of its orders rests in that market, on that side, at that
//!    price, with something left.
//! 3. **The book is never crossed.** The best bid is below the best ask.
//! 4. **Every order is indexed once.** Each resting order is in exactly one level and in
//!    its owner's list; a reduce-only order is in its owner's reduce-only list of the market,
//!    and each list names only resting orders of its owner.
//! 5. **Committed margin matches the book.** For every account and market, what the
//!    clearing house counts as committed on each side ([`Clearing::committed_size`]) equals
//!    the account's resting orders there that are not reduce-only.
//! 6. **Deposits are held, exactly.** What an account has on hold for order deposits is its
//!    resting orders' deposits and its spare ([`SpareDeposits`]); an account with a spare
//!    rests an order.

use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use frame_support::traits::fungible::InspectHold;
use sp_runtime::{traits::Saturating, TryRuntimeError};

use crate::{pallet::*, Clearing, MarketId, OrderId, OrderSide, Price};

impl<T: Config> Pallet<T> {
	/// Checks every invariant in the module docs; the first one broken is the error.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut in_levels: BTreeMap<(MarketId, OrderId), ()> = BTreeMap::new();
		let mut sides: BTreeMap<MarketId, (Option<Price>, Option<Price>)> = BTreeMap::new();
		for ((market, side), prices) in LevelPrices::<T>::iter() {
			ensure_invariant(
				prices.windows(2).all(|pair| match side {
					OrderSide::Buy => pair[0] > pair[1],
					OrderSide::Sell => pair[0] < pair[1],
				}),
				"a side's prices are not strictly ordered best first",
			)?;
			let stored = Levels::<T>::iter_prefix((market, side)).count();
			ensure_invariant(stored == prices.len(), "a side's prices and levels disagree")?;
			for price in prices.iter() {
				let level = Levels::<T>::get((market, side), price);
				ensure_invariant(!level.orders.is_empty(), "an empty level is stored")?;
				let mut total: u128 = 0;
				for order_id in level.orders.iter() {
					let order = Orders::<T>::get(market, order_id)
						.ok_or("a level names an order that does not rest")?;
					ensure_invariant(
						order.side == side && order.price == *price && order.remaining > 0,
						"an order rests at the wrong level or with nothing left",
					)?;
					ensure_invariant(
						in_levels.insert((market, *order_id), ()).is_none(),
						"an order is in two levels",
					)?;
					total = total.checked_add(order.remaining).ok_or("a level overflows")?;
				}
				ensure_invariant(level.total == total, "a level's total is not its orders'")?;
			}
			let best = prices.first().copied();
			let entry = sides.entry(market).or_default();
			match side {
				OrderSide::Buy => entry.0 = best,
				OrderSide::Sell => entry.1 = best,
			}
		}
		for (bid, ask) in sides.values() {
			if let (Some(bid), Some(ask)) = (bid, ask) {
				ensure_invariant(bid < ask, "the book is crossed")?;
			}
		}

		// Per account: its list, its reduce-only lists, its committed size, its deposits.
		// By (owner, market, is a buy).
		let mut committed: BTreeMap<(T::AccountId, MarketId, bool), u128> = BTreeMap::new();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut listed = 0usize;
		for (owner, book) in AccountOrders::<T>::iter() {
			let entries = book.orders;
			let mut client_ids = alloc::collections::BTreeSet::new();
			for entry in entries.iter() {
				let (market, order_id) = (&entry.market, &entry.order_id);
				listed += 1;
				if let Some(client_order_id) = entry.client_order_id {
					ensure_invariant(
						client_ids.insert(client_order_id),
						"two resting orders of an account carry one client order id",
					)?;
				}
				let order = Orders::<T>::get(market, order_id)
					.ok_or("an account lists an order that does not rest")?;
				ensure_invariant(order.owner == owner, "an account lists another's order")?;
				ensure_invariant(
					in_levels.contains_key(&(*market, *order_id)),
					"a resting order is in no level",
				)?;
				if order.reduce_only {
					ensure_invariant(
						ReduceOnlyOrders::<T>::get(&owner, market).contains(order_id),
						"a reduce-only order is missing from its owner's list",
					)?;
				} else {
					let size = committed
						.entry((owner.clone(), *market, order.side == OrderSide::Buy))
						.or_default();
					*size = size.saturating_add(order.remaining);
				}
				let held = deposits.entry(owner.clone()).or_default();
				*held = held.saturating_add(order.deposit);
			}
		}
		ensure_invariant(listed == in_levels.len(), "resting orders and account lists differ")?;
		for (owner, market, ids) in ReduceOnlyOrders::<T>::iter() {
			for order_id in ids.iter() {
				let order = Orders::<T>::get(market, order_id)
					.ok_or("a reduce-only list names an order that does not rest")?;
				ensure_invariant(
					order.owner == owner && order.reduce_only,
					"a reduce-only list names an order it should not",
				)?;
			}
		}
		let markets: Vec<MarketId> = sides.keys().copied().collect();
		let owners: Vec<T::AccountId> = AccountOrders::<T>::iter_keys().collect();
		for owner in &owners {
			for market in &markets {
				for side in [OrderSide::Buy, OrderSide::Sell] {
					let booked = committed
						.get(&(owner.clone(), *market, side == OrderSide::Buy))
						.copied()
						.unwrap_or(0);
					ensure_invariant(
						T::Clearing::committed_size(owner, *market, side) == booked,
						"committed margin differs from the account's resting orders",
					)?;
				}
			}
			let on_hold = T::Currency::balance_on_hold(&HoldReason::OrderDeposit.into(), owner);
			let owed = deposits
				.get(owner)
				.copied()
				.unwrap_or_default()
				.saturating_add(SpareDeposits::<T>::get(owner));
			ensure_invariant(
				on_hold == owed,
				"an account's order-deposit hold differs from its orders' deposits and spare",
			)?;
		}
		for owner in SpareDeposits::<T>::iter_keys() {
			ensure_invariant(
				AccountOrders::<T>::contains_key(&owner),
				"an account without resting orders keeps a spare deposit",
			)?;
		}
		Ok(())
	}
}

/// `Ok` when `holds`, otherwise the invariant's description as the error.
fn ensure_invariant(holds: bool, broken: &'static str) -> Result<(), TryRuntimeError> {
	if holds {
		Ok(())
	} else {
		Err(broken.into())
	}
}
