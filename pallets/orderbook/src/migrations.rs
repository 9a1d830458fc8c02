//! Storage migrations.
//!
//! - **v1** gives every resting order a deposit field: orders that rested before deposits
//!   existed hold none ([`v1::MigrateToV1`]), and return none when they leave the book.
//! - **v2** gives every entry of an account's resting orders a client order id field, and
//!   each account's list the block a fill of it last settled in ([`v2::MigrateToV2`]):
//!   orders placed before client ids existed carry none, and no account was filled yet.

use crate::pallet::*;

/// Version 0 to 1: `Order` gained `deposit` as its last field.
pub mod v1 {
	use super::*;
	use crate::{Order, OrderSide, Price};
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use sp_arithmetic::traits::Zero;

	/// `Order` as version 0 stored it: everything but the deposit.
	#[derive(Encode, Decode)]
	pub struct OrderV0<AccountId, BlockNumber> {
		/// Who placed it.
		pub owner: AccountId,
		/// Buy or sell.
		pub side: OrderSide,
		/// Limit price.
		pub price: Price,
		/// Size accepted.
		pub placed_size: u128,
		/// Size left.
		pub remaining: u128,
		/// Reduce-only.
		pub reduce_only: bool,
		/// Block placed in.
		pub placed_at: BlockNumber,
	}

	/// Rewrites every resting order with a zero deposit, and lists each reduce-only order in
	/// its owner's reduce-only orders of the market (a list that did not exist before),
	/// oldest first; orders beyond the list's bound are cancelled (`NothingToReduce`).
	pub struct UncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut migrated: u64 = 0;
			let mut reduce_only: alloc::vec::Vec<(T::AccountId, crate::MarketId, crate::OrderId)> =
				alloc::vec::Vec::new();
			Orders::<T>::translate::<OrderV0<T::AccountId, BlockNumberFor<T>>, _>(
				|market, order_id, old| {
					migrated += 1;
					if old.reduce_only {
						reduce_only.push((old.owner.clone(), market, order_id));
					}
					Some(Order {
						owner: old.owner,
						side: old.side,
						price: old.price,
						placed_size: old.placed_size,
						remaining: old.remaining,
						reduce_only: old.reduce_only,
						placed_at: old.placed_at,
						deposit: Zero::zero(),
					})
				},
			);
			reduce_only.sort_by_key(|(_, _, order_id)| *order_id);
			for (owner, market, order_id) in &reduce_only {
				let listed = ReduceOnlyOrders::<T>::mutate(owner, market, |ids| {
					ids.try_push(*order_id).is_ok()
				});
				if !listed {
					// Beyond the bound an account may now rest: the newest leave the book
					// (a reduce-only order commits no margin and, from before, no deposit).
					if let Some(order) = Orders::<T>::get(market, order_id) {
						Pallet::<T>::remove_resting_order(
							*market,
							*order_id,
							&order,
							crate::CancelReason::NothingToReduce,
						);
					}
				}
			}
			let listed = reduce_only.len() as u64;
			T::DbWeight::get().reads_writes(migrated + listed, migrated + listed)
		}
	}

	/// [`UncheckedMigrateToV1`], run only while the pallet's storage is at version 0, which
	/// it then sets to 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		UncheckedMigrateToV1<T>,
		crate::pallet::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 1 to 2: `AccountOrders` went from a list of `(market, order id)` to an
/// [`crate::AccountBook`]: the list of [`crate::AccountOrder`]s (which adds the client order
/// id) and the block of the account's last fill.
pub mod v2 {
	use super::*;
	use crate::{AccountBook, AccountOrder, MarketId, OrderId};
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
	};
	use sp_arithmetic::traits::Zero;

	/// Rewrites every account's list of resting orders, each entry with no client order id,
	/// as never filled.
	pub struct UncheckedMigrateToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut migrated: u64 = 0;
			AccountOrders::<T>::translate::<
				BoundedVec<(MarketId, OrderId), T::MaxOpenOrdersPerAccount>,
				_,
			>(|_, old| {
				migrated += 1;
				let entries: alloc::vec::Vec<AccountOrder> = old
					.into_iter()
					.map(|(market, order_id)| AccountOrder {
						market,
						order_id,
						client_order_id: None,
					})
					.collect();
				// The same bound as before: nothing is cut.
				Some(AccountBook {
					filled_at: Zero::zero(),
					orders: BoundedVec::truncate_from(entries),
				})
			});
			T::DbWeight::get().reads_writes(migrated, migrated)
		}
	}

	/// [`UncheckedMigrateToV2`], run only while the pallet's storage is at version 1, which
	/// it then sets to 2.
	pub type MigrateToV2<T> = VersionedMigration<
		1,
		2,
		UncheckedMigrateToV2<T>,
		crate::pallet::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
