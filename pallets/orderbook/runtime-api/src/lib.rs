//! # Order book runtime API
//!
//! What wallets, scripts and Polkadot.js apps (Developer > Runtime calls > `orderbookApi`)
//! ask the order book: the depth of a market and an account's resting orders. Every type is
//! described in the runtime's metadata.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
pub use pallet_orderbook::{BookDepth, BookLevel, MarketId, OpenOrder};

sp_api::decl_runtime_apis! {
	/// Book depth and open orders.
	pub trait OrderbookApi<AccountId>
	where
		AccountId: codec::Codec,
	{
		/// The best `levels` price levels on each side of `market`'s book: price, total size
		/// and number of orders, best first.
		fn depth(market: MarketId, levels: u32) -> BookDepth;

		/// `who`'s resting orders, oldest first.
		fn open_orders(who: AccountId) -> Vec<OpenOrder>;
	}
}
