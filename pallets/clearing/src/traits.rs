//! The traits that connect the clearing pallet to the rest of the runtime without depending
//! on other pallets. They live in the `clearing-traits` crate, so that venues depend on
//! them and not on this pallet.

pub use clearing_traits::{
	Clearing, MarketRules, OrderSide, PackageLeg, PoolId, PriceProvider, SettleError, TradeReceipt,
};
