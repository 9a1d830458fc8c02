//! Weights that depend on what an order does: the benchmarked matching plus what it found
//! to do (the clearing house's margin-check surcharges, evictions and reduce-only cuts), in
//! one place. `place_order` is charged its budget up front and refunded to what it used.

use frame_support::{pallet_prelude::*, weights::Weight};

use crate::{pallet::*, weights::WeightInfo};
use clearing_traits::Clearing;

impl<T: Config> Pallet<T> {
	/// What `place_order` costs: the benchmark for `touched` resting orders plus the
	/// clearing house's `surcharge` for the portfolio-margined accounts it checked.
	pub fn place_order_weight(touched: u32, surcharge: Weight) -> Weight {
		T::WeightInfo::place_order(touched).saturating_add(surcharge)
	}

	/// The most one order spends on the clearing house's surcharges: three of the largest,
	/// one fill between two portfolio-margined accounts and the check of resting the rest.
	pub fn surcharge_budget() -> Weight {
		T::Clearing::max_margin_check_surcharge().saturating_mul(3)
	}

	/// What removing or cutting `orders` resting orders of other accounts costs beyond the
	/// benchmarked matching (an eviction, or reduce-only orders cut to positions): each a
	/// benchmarked cancellation and the release of its deposit.
	pub fn order_removal_weight(orders: u32) -> Weight {
		T::WeightInfo::cancel_order()
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
			.saturating_mul(u64::from(orders))
	}

	/// The most book work one order may cause beyond the benchmarked matching: evicting a full
	/// level, and cutting the reduce-only orders of the taker and every maker it fills.
	pub fn book_work_budget() -> Weight {
		let accounts = T::MaxFillsPerOrder::get().saturating_add(1);
		T::DbWeight::get().reads(u64::from(accounts)).saturating_add(Self::order_removal_weight(
			T::MaxOrdersPerLevel::get()
				.saturating_add(accounts.saturating_mul(T::MaxReduceOnlyPerMarket::get())),
		))
	}
}
