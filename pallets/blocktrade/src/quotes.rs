//! Quotes as signed messages: the bytes a maker signs, the signature check, and each
//! maker's nonces (the used bitmap and the floor).

use alloc::vec::Vec;
use codec::Encode;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{Verify, Zero};

use crate::{pallet::*, NonceStatus, NONCES_PER_WORD, QUOTE_DOMAIN};

/// What browser extensions wrap a message in before signing it raw (`signRaw`).
const WRAP_PREFIX: &[u8] = b"<Bytes>";
const WRAP_SUFFIX: &[u8] = b"</Bytes>";

impl<T: Config> Pallet<T> {
	/// The bytes a maker signs for `quote` on this chain: `(QUOTE_DOMAIN, genesis hash,
	/// quote)` SCALE-encoded (the tag as a `Vec<u8>`, with its length).
	pub fn signing_payload(quote: &QuoteOf<T>) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		(QUOTE_DOMAIN, genesis, quote).encode()
	}

	/// Fails with [`Error::BadSignature`] unless `signature` is the quote's maker's over its
	/// payload, bare or wrapped in `<Bytes>`…`</Bytes>`.
	pub(crate) fn ensure_signed_by_maker(
		quote: &QuoteOf<T>,
		signature: &T::OffchainSignature,
	) -> DispatchResult {
		let payload = Self::signing_payload(quote);
		if signature.verify(&payload[..], &quote.maker) {
			return Ok(());
		}
		let wrapped = [WRAP_PREFIX, &payload[..], WRAP_SUFFIX].concat();
		ensure!(signature.verify(&wrapped[..], &quote.maker), Error::<T>::BadSignature);
		Ok(())
	}

	/// Whether `maker`'s `nonce` may still execute.
	pub fn nonce_status(maker: &T::AccountId, nonce: u64) -> NonceStatus {
		if nonce < NonceFloor::<T>::get(maker) {
			return NonceStatus::Cancelled;
		}
		let (word, bit) = (nonce / NONCES_PER_WORD, nonce % NONCES_PER_WORD);
		if UsedNonces::<T>::get(maker, word) & (1u128 << bit) != 0 {
			NonceStatus::Used
		} else {
			NonceStatus::Open
		}
	}

	/// Fails unless `maker`'s `nonce` is open ([`Error::QuoteCancelled`],
	/// [`Error::QuoteAlreadyUsed`]).
	pub(crate) fn ensure_nonce_open(maker: &T::AccountId, nonce: u64) -> DispatchResult {
		match Self::nonce_status(maker, nonce) {
			NonceStatus::Open => Ok(()),
			NonceStatus::Used => Err(Error::<T>::QuoteAlreadyUsed.into()),
			NonceStatus::Cancelled => Err(Error::<T>::QuoteCancelled.into()),
		}
	}

	/// Marks `maker`'s `nonce` used.
	pub(crate) fn use_nonce(maker: &T::AccountId, nonce: u64) {
		let (word, bit) = (nonce / NONCES_PER_WORD, nonce % NONCES_PER_WORD);
		UsedNonces::<T>::mutate(maker, word, |bits| *bits |= 1u128 << bit);
	}

	/// Raises `maker`'s nonce floor to `nonce`.
	pub(crate) fn do_cancel_quotes_below(maker: T::AccountId, nonce: u64) -> DispatchResult {
		ensure!(nonce > NonceFloor::<T>::get(&maker), Error::<T>::NonceFloorNotRaised);
		NonceFloor::<T>::insert(&maker, nonce);
		Self::deposit_event(Event::QuotesCancelled { maker, below: nonce });
		Ok(())
	}
}
