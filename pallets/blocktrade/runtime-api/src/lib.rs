//! # Block-trade runtime API
//!
//! What makers, takers and Polkadot.js apps (Developer > Runtime calls > `blockTradeApi`)
//! ask the block-trade pallet: whether a maker's nonce may still execute, which markets
//! take block trades and on what terms, and the exact bytes a maker signs for a quote (so a
//! client can check its own encoding before it signs). Every type is described in the
//! runtime's metadata.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
pub use pallet_blocktrade::{BlockTradeTerms, MarketId, NonceStatus};

sp_api::decl_runtime_apis! {
	/// Quote nonces, block-trade terms and signing payloads.
	pub trait BlockTradeApi<AccountId, Quote>
	where
		AccountId: codec::Codec,
		Quote: codec::Codec,
	{
		/// Whether `maker`'s `nonce` may still execute (`Open`), executed (`Used`), or is
		/// below the maker's floor (`Cancelled`).
		fn nonce_status(maker: AccountId, nonce: u64) -> NonceStatus;

		/// The lowest nonce `maker` has not cancelled (its floor).
		fn nonce_floor(maker: AccountId) -> u64;

		/// Every market that takes block trades, with its terms, by market id.
		fn terms() -> Vec<(MarketId, BlockTradeTerms)>;

		/// The bytes a maker signs for `quote` on this chain: the domain tag, the genesis
		/// hash and the quote, SCALE-encoded.
		fn signing_payload(quote: Quote) -> Vec<u8>;
	}
}
