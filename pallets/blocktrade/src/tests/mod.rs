//! The block-trade pallet's tests, by concern: who may execute a quote and when
//! (`access.rs`), its signature (`signatures.rs`), its legs and their settlement
//! (`legs.rs`), and the markets' terms (`terms.rs`).

mod access;
mod legs;
mod signatures;
mod terms;

use crate::{mock::*, NonceStatus, Pallet};

/// Nothing settled and the quote's nonce still open: a refused quote changed nothing.
pub(crate) fn assert_nothing_moved(quote: &crate::QuoteOf<Test>) {
	assert!(settled().is_empty(), "no leg may stay settled: {:?}", settled());
	for market in [BTC_PERP, ETH_PERP, SOL_PERP] {
		assert_eq!(position(&quote.maker, market), 0);
		assert_eq!(position(&bob(), market), 0);
	}
	assert_eq!(Pallet::<Test>::nonce_status(&quote.maker, quote.nonce), NonceStatus::Open);
}
