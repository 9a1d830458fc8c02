//! Weights of the clearing pallet's calls.
//!
//! The trait is implemented by `SubstrateWeight<T>`, generated from this pallet's
//! benchmarks with `clearing-node benchmark pallet` (see `benchmarking.rs`), and by `()` for
//! unit tests, where weights play no part.

use frame_support::weights::Weight;

/// The weight of each call.
pub trait WeightInfo {
	/// `register_collateral`.
	fn register_collateral() -> Weight;
	/// `register_market`.
	fn register_market() -> Weight;
	/// `set_market_status`.
	fn set_market_status() -> Weight;
	/// `set_max_price_age`.
	fn set_max_price_age() -> Weight;
	/// `deposit`.
	fn deposit() -> Weight;
	/// `withdraw`, with `p` positions in the account.
	fn withdraw(p: u32) -> Weight;
	/// `add_isolated_margin`, with `p` positions in the account.
	fn add_isolated_margin(p: u32) -> Weight;
	/// `remove_isolated_margin`.
	fn remove_isolated_margin() -> Weight;
	/// `Clearing::settle_trade` (called by venues), with `p` positions in each account.
	fn settle_trade(p: u32) -> Weight;
}

/// No weights: for unit tests only.
impl WeightInfo for () {
	fn register_collateral() -> Weight {
		Weight::zero()
	}
	fn register_market() -> Weight {
		Weight::zero()
	}
	fn set_market_status() -> Weight {
		Weight::zero()
	}
	fn set_max_price_age() -> Weight {
		Weight::zero()
	}
	fn deposit() -> Weight {
		Weight::zero()
	}
	fn withdraw(_p: u32) -> Weight {
		Weight::zero()
	}
	fn add_isolated_margin(_p: u32) -> Weight {
		Weight::zero()
	}
	fn remove_isolated_margin() -> Weight {
		Weight::zero()
	}
	fn settle_trade(_p: u32) -> Weight {
		Weight::zero()
	}
}

/// TEMPORARY until benchmarks generate this file.
pub struct SubstrateWeight<T>(core::marker::PhantomData<T>);
impl<T> WeightInfo for SubstrateWeight<T> {
	fn register_collateral() -> Weight {
		Weight::zero()
	}
	fn register_market() -> Weight {
		Weight::zero()
	}
	fn set_market_status() -> Weight {
		Weight::zero()
	}
	fn set_max_price_age() -> Weight {
		Weight::zero()
	}
	fn deposit() -> Weight {
		Weight::zero()
	}
	fn withdraw(_p: u32) -> Weight {
		Weight::zero()
	}
	fn add_isolated_margin(_p: u32) -> Weight {
		Weight::zero()
	}
	fn remove_isolated_margin() -> Weight {
		Weight::zero()
	}
	fn settle_trade(_p: u32) -> Weight {
		Weight::zero()
	}
}
