//! # Block-trade pallet
//!
//! The venue institutions use most beside the book: a package negotiated off-chain (a
//! request for quote, a chat, a voice broker) and settled on-chain, all its legs at once,
//! through the clearing house's [`Clearing`] trait, the same seam the order book settles
//! through. Whatever settles there is netted in one collateral account, so a hedge on the
//! book and its offset in a block trade net in one account's margin.
//!
//! ## Overview
//! - **Quotes.** A maker signs a [`Quote`] off-chain: its legs (market, the maker's side,
//!   size, price), the taker it is for (or anyone), a pool the taker must belong to (or
//!   none), the last block it may execute in and a nonce. What is signed is
//!   [`QUOTE_DOMAIN`], the chain's genesis hash and the quote, SCALE-encoded
//!   ([`Pallet::signing_payload`]): a quote signed for one chain is refused on another
//!   ([`Error::BadSignature`]), and the tag keeps the signature from meaning anything
//!   else. A signature over the payload wrapped in `<Bytes>`…`</Bytes>` (what browser
//!   extensions sign for `signRaw`) is accepted too. `scripts/quote.mjs` signs quotes and
//!   executes them.
//! - **Execution.** The taker submits [`execute_quote`](Pallet::execute_quote) with the
//!   quote and its signature. Before anything moves the pallet checks the taker, its pool,
//!   the expiry, the nonce, the signature, and each leg: a market open to block trades
//!   ([`Terms`]), its lot and block minimum, and a price within the market's price band
//!   around the index ([`Clearing::price_band`]: no off-market prints). Then all legs
//!   settle as one package ([`Clearing::settle_package`]) at the markets' block-trade fees,
//!   each side's margin checked once after every leg against everything it already holds:
//!   a straddle and its delta hedge are one package, and one failing leg changes nothing.
//! - **Replay protection.** Each executed nonce is marked in the maker's bitmap
//!   ([`UsedNonces`], 128 nonces a word), and a maker cancels every quote below a nonce
//!   at once with [`cancel_quotes_below`](Pallet::cancel_quotes_below) ([`NonceFloor`]),
//!   e.g. after a price move, without knowing which quotes a taker still holds.
//! - **Terms.** Genesis may open markets ([`GenesisConfig::terms`]; the runtime's presets
//!   open BTC-PERP and ETH-PERP). The terms origin (Root, or a referendum on the `risk_parameters` track) opens
//!   a market to block trades with its fees and minimum leg size ([`set_terms`](Pallet::set_terms)),
//!   or closes it (`None`). Fees are at most [`MAX_BLOCK_TRADE_FEE`] a side.
//! - **Permissioned pools.** A quote may require its taker to be a member of a pool; a leg
//!   in a market restricted to a pool needs both sides to be members to add risk there,
//!   which the clearing house checks as for any trade.
//!
//! ## Who pays what
//! The taker submits and pays the transaction fee, charged up front for the legs the quote
//! carries and both sides' margin checks at their most, then refunded to what the accounts
//! met cost. A refused quote changes nothing but the fee. A maker pays nothing on-chain
//! until its quote executes; cancelling costs the maker one transaction.
//!
//! ## Interface
//! - `execute_quote` (the taker), `cancel_quotes_below` (a maker), `set_terms` (terms origin).
//! - Runtime API (`blocktrade-runtime-api`): a nonce's status, every market's terms, the
//!   bytes a maker signs for a quote.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod execution;
#[cfg(test)]
mod mock;
mod quotes;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use clearing_traits::Clearing;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{IdentifyAccount, Verify};

	/// A quote with the runtime's types.
	pub type QuoteOf<T> =
		Quote<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, <T as Config>::MaxLegs>;

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The clearing house every leg settles through.
		type Clearing: Clearing<Self::AccountId, MarketId>;

		/// What a maker signs a quote with (the runtime's `MultiSignature`: sr25519 for the
		/// dev and Polkadot.js keys).
		type OffchainSignature: Verify<Signer = Self::OffchainPublic> + Parameter;

		/// The key that signs, as an account.
		type OffchainPublic: IdentifyAccount<AccountId = Self::AccountId>;

		/// Who sets a market's block-trade terms.
		type TermsOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The most legs a quote carries.
		#[pallet::constant]
		type MaxLegs: Get<u32>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;

		/// Markets, collateral and signing keys for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<
			Self::AccountId,
			Self::OffchainSignature,
		>;
	}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Each market's block-trade terms; a market not here takes no block trades.
	#[pallet::storage]
	pub type Terms<T: Config> = StorageMap<_, Twox64Concat, MarketId, BlockTradeTerms, OptionQuery>;

	/// Each maker's nonce floor: its quotes with a lower nonce are cancelled.
	#[pallet::storage]
	pub type NonceFloor<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u64, ValueQuery>;

	/// Each maker's executed nonces, a bitmap per word of [`NONCES_PER_WORD`] nonces (word
	/// `nonce / 128`, bit `nonce % 128`). A word of zeros is not stored.
	#[pallet::storage]
	pub type UsedNonces<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, u64, u128, ValueQuery>;

	/// The pallet's events. Sizes are in each market's size units, fees in settlement units
	/// (the settlement asset's smallest units); every leg also settles with the clearing
	/// house's own `TradeSettled` event, which carries its price, fees and realized PnL.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A quote executed: every leg settled.
		QuoteExecuted {
			/// Who quoted and signed.
			maker: T::AccountId,
			/// Who took it.
			taker: T::AccountId,
			/// The quote's nonce, now used.
			nonce: u64,
			/// How many legs settled.
			legs: u32,
			/// The maker's fees over all legs (settlement units).
			maker_fees: u128,
			/// The taker's fees over all legs (settlement units).
			taker_fees: u128,
		},
		/// A maker cancelled every quote with a nonce below `below`.
		QuotesCancelled {
			/// The maker.
			maker: T::AccountId,
			/// The maker's new nonce floor.
			below: u64,
		},
		/// A market's block-trade terms were set, or removed (`None`: the market takes no
		/// block trades).
		TermsSet {
			/// The market.
			market: MarketId,
			/// Its terms now.
			terms: Option<BlockTradeTerms>,
		},
	}

	/// The pallet's errors.
	#[pallet::error]
	pub enum Error<T> {
		/// The signature is not the maker's over this quote on this chain.
		BadSignature,
		/// The quote names another taker.
		WrongTaker,
		/// The quote requires its taker to be a member of a pool the caller is not in.
		TakerNotInPool,
		/// The quote's last block has passed.
		QuoteExpired,
		/// A quote with this nonce executed already.
		QuoteAlreadyUsed,
		/// The nonce is below the maker's floor: the maker cancelled the quote.
		QuoteCancelled,
		/// A maker cannot take its own quote.
		SelfTrade,
		/// A quote needs at least one leg.
		NoLegs,
		/// Two legs are in the same market.
		DuplicateLeg,
		/// The market does not exist.
		UnknownMarket,
		/// The market takes no block trades (it has no terms).
		MarketNotOpenToBlockTrades,
		/// A leg's size is zero, not a multiple of the market's lot, or too large.
		InvalidSize,
		/// A leg is smaller than the market's block-trade minimum.
		BelowMinimumSize,
		/// A leg's price is not on the market's tick.
		PriceNotOnTick,
		/// A leg's price is outside the market's price band around the index: no
		/// off-market prints.
		PriceOutsideBand,
		/// The market has no index price, so no band to trade within.
		NoPriceBand,
		/// The new floor must be above the maker's floor now.
		NonceFloorNotRaised,
		/// Fees above [`MAX_BLOCK_TRADE_FEE`], or a minimum size that is zero or not a
		/// multiple of the market's lot.
		InvalidTerms,
	}

	/// The markets open to block trades at genesis.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Each market's terms (each within the bounds [`Pallet::set_terms`] checks).
		pub terms: alloc::vec::Vec<(MarketId, BlockTradeTerms)>,
		#[serde(skip)]
		#[doc(hidden)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (market, terms) in &self.terms {
				Pallet::<T>::do_set_terms(*market, Some(*terms))
					.expect("genesis block-trade terms name a listed market, within bounds");
			}
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Executes `quote`, signed by its maker with `signature`: every leg settles between
		/// the maker and the caller (the taker) through the clearing house at once, at the
		/// markets' block-trade fees, or nothing does (see the crate docs for every check).
		/// Charged for the quote's legs and both sides' margin checks at their most;
		/// refunded to what the two accounts' checks cost.
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::execute_quote_weight(quote.legs.len() as u32))]
		pub fn execute_quote(
			origin: OriginFor<T>,
			quote: Box<QuoteOf<T>>,
			signature: T::OffchainSignature,
		) -> DispatchResultWithPostInfo {
			let taker = ensure_signed(origin)?;
			Self::do_execute_quote(&taker, &quote, &signature)?;
			Ok(Some(Self::executed_quote_weight(&taker, &quote)).into())
		}

		/// Cancels every quote of the caller with a nonce below `nonce`: the caller's nonce
		/// floor rises to it (it never falls, so a floor of `u64::MAX` voids every quote the
		/// caller has signed or will sign, for good).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::cancel_quotes_below())]
		pub fn cancel_quotes_below(origin: OriginFor<T>, nonce: u64) -> DispatchResult {
			let maker = ensure_signed(origin)?;
			Self::do_cancel_quotes_below(maker, nonce)
		}

		/// Opens `market` to block trades on `terms`, or closes it to them (`None`) (terms
		/// origin). Applies at once.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_terms())]
		pub fn set_terms(
			origin: OriginFor<T>,
			market: MarketId,
			terms: Option<BlockTradeTerms>,
		) -> DispatchResult {
			T::TermsOrigin::ensure_origin(origin)?;
			Self::do_set_terms(market, terms)
		}
	}
}
