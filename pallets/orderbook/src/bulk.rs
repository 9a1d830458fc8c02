//! Bulk quoting: placing, cancelling and replacing many orders in one call (see the crate
//! docs' "Bulk quoting"). Each order goes through the same matching as `place_order`; only
//! the bookkeeping of per-order results is here.

use frame_support::{pallet_prelude::*, storage::with_storage_layer, weights::Weight};

use crate::{pallet::*, CancelReason, MarketId, OrderId, OrderRef, OrderRequest};

impl<T: Config> Pallet<T> {
	/// The id of `who`'s resting order in `market` that `order` names, if it rests there as
	/// `who`'s.
	fn resolve(who: &T::AccountId, market: MarketId, order: OrderRef) -> Option<OrderId> {
		let order_id = match order {
			OrderRef::Id(order_id) => order_id,
			OrderRef::Client(client_order_id) => {
				let (order_market, order_id) = Self::find_client_order(who, client_order_id)?;
				(order_market == market).then_some(order_id)?
			},
		};
		Orders::<T>::get(market, order_id).filter(|o| o.owner == *who).map(|_| order_id)
	}

	/// Cancels each order `orders` names that rests in `market` as `who`'s; reports the
	/// others (`OrderNotFound`). Returns how many it cancelled; the caller reports the book's
	/// top.
	pub(crate) fn do_cancel_orders(
		who: &T::AccountId,
		market: MarketId,
		orders: &[OrderRef],
	) -> u32 {
		let mut cancelled = 0;
		for named in orders {
			let found = Self::resolve(who, market, *named)
				.and_then(|order_id| Some((order_id, Orders::<T>::get(market, order_id)?)));
			match found {
				Some((order_id, order)) => {
					Self::remove_resting_order(market, order_id, &order, CancelReason::ByOwner);
					cancelled += 1;
				},
				None => Self::deposit_event(Event::OrderNotFound {
					owner: who.clone(),
					market,
					order: *named,
				}),
			}
		}
		cancelled
	}

	/// What one order of a bulk call used: a post-only quote (which never touches the book)
	/// the `place_orders` benchmark's per-order figure and what it cost beyond (its margin
	/// check's surcharge, an eviction); any other order as `place_order` would be charged.
	fn bulk_order_weight(request: &OrderRequest, work: &crate::weight_math::OrderWork) -> Weight {
		if request.time_in_force == crate::TimeInForce::PostOnly {
			Self::bulk_quote_weight().saturating_add(work.extra)
		} else {
			work.weight::<T>()
		}
	}

	/// Places each of `orders` in its own storage layer (see [`Pallet::place_orders`]);
	/// reports each that fails (`OrderRejected`). Returns the weight the orders used.
	pub(crate) fn do_place_orders(
		who: &T::AccountId,
		market: MarketId,
		orders: &[OrderRequest],
	) -> Weight {
		// A failed order is charged what it was charged up front: it may have done that much
		// work before failing.
		let charges = Self::bulk_charges(market, orders, 0);
		let mut used = Self::bulk_quotes_base(orders);
		for (index, request) in orders.iter().enumerate() {
			match with_storage_layer(|| Self::do_place_order(who, market, request)) {
				Ok(work) => used = used.saturating_add(Self::bulk_order_weight(request, &work)),
				Err(error) => {
					used = used.saturating_add(charges.get(index).copied().unwrap_or_default());
					Self::deposit_event(Event::OrderRejected {
						owner: who.clone(),
						market,
						index: index as u32,
						client_order_id: request.client_order_id,
						error,
					});
				},
			}
		}
		used
	}

	/// Cancels `cancels`, then places `orders`, all or nothing (see
	/// [`Pallet::replace_orders`]). Returns the weight used.
	pub(crate) fn do_replace_orders(
		who: &T::AccountId,
		market: MarketId,
		cancels: &[OrderRef],
		orders: &[OrderRequest],
	) -> Result<Weight, DispatchError> {
		with_storage_layer(|| {
			let cancelled = Self::do_cancel_orders(who, market, cancels);
			let mut used = Self::cancel_orders_weight(cancels.len() as u32, cancelled)
				.saturating_add(Self::bulk_quotes_base(orders));
			for request in orders {
				let work = Self::do_place_order(who, market, request)?;
				used = used.saturating_add(Self::bulk_order_weight(request, &work));
			}
			if orders.is_empty() {
				Self::report_book_top(market);
			}
			Ok(used)
		})
	}
}
