//! What a quote is, what a market's block-trade terms are, and what the bytes a maker signs
//! are made of.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, EqNoBound, PartialEqNoBound, RuntimeDebugNoBound};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;
use sp_runtime::{traits::Get, RuntimeDebug};

pub use clearing_traits::{MarketId, OrderSide, PoolId, Price};

/// The tag every signed quote starts with: a signature over a quote can never be taken for
/// a signature over anything else (a transaction, another protocol's message).
pub const QUOTE_DOMAIN: &[u8] = b"clearing-chain/block-trade-quote/v1";

/// One leg of a quote, from the maker's side.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	RuntimeDebug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct QuoteLeg {
	/// The market.
	pub market: MarketId,
	/// What the maker does: `Sell` means the maker sells and the taker buys.
	pub side: OrderSide,
	/// The size, in the market's size units (a multiple of its lot, at least the market's
	/// block-trade minimum).
	pub size: u128,
	/// The price, USD per whole unit with 18 decimals: on the market's tick, within its price
	/// band around the index when the quote executes.
	pub price: Price,
}

impl QuoteLeg {
	/// The leg's size signed from the taker's side (positive: the taker buys), as the
	/// clearing house takes it; `None` when it does not fit.
	pub fn taker_size(&self) -> Option<i128> {
		let size = i128::try_from(self.size).ok()?;
		Some(match self.side {
			OrderSide::Sell => size,
			OrderSide::Buy => size.checked_neg()?,
		})
	}
}

/// A maker's firm offer of a package, signed off-chain and executed by a taker with
/// [`execute_quote`](crate::Pallet::execute_quote). What the maker signs is
/// [`QUOTE_DOMAIN`], the chain's genesis hash and this quote, SCALE-encoded as a tuple
/// `(Vec<u8>, Hash, Quote)` (see [`crate::Pallet::signing_payload`]).
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	RuntimeDebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxLegs))]
pub struct Quote<AccountId, BlockNumber, MaxLegs: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// Who quotes, and signs.
	pub maker: AccountId,
	/// The one account that may take the quote; `None`: anyone may.
	pub taker: Option<AccountId>,
	/// A permissioned pool the taker must be a member of; `None`: no such requirement.
	pub taker_pool: Option<PoolId>,
	/// The legs, settled together or not at all: at least one, each in its own market.
	pub legs: BoundedVec<QuoteLeg, MaxLegs>,
	/// The last block the quote may execute in.
	pub expires_at: BlockNumber,
	/// The maker's number for the quote: each executes at most once, and none below the
	/// maker's floor ([`cancel_quotes_below`](crate::Pallet::cancel_quotes_below)).
	pub nonce: u64,
}

/// A market's terms for block trades, set by the terms origin. A market without terms takes
/// no block trades.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	RuntimeDebug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct BlockTradeTerms {
	/// The maker's fee, a share of each leg's notional (at most
	/// [`MAX_BLOCK_TRADE_FEE`]).
	pub maker_fee: Perbill,
	/// The taker's fee, likewise.
	pub taker_fee: Perbill,
	/// The smallest leg in the market, in its size units (a positive multiple of its lot):
	/// a block trade is a block, not a way around the book.
	pub min_size: u128,
}

/// The highest fee a market's block-trade terms may charge either side: 1% of notional.
pub const MAX_BLOCK_TRADE_FEE: Perbill = Perbill::from_percent(1);

/// Whether a maker's nonce may still execute.
#[derive(Clone, Copy, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub enum NonceStatus {
	/// Not used, and not below the maker's floor: a quote with it may execute.
	Open,
	/// A quote with it executed.
	Used,
	/// Below the maker's floor: cancelled.
	Cancelled,
}

/// How many nonces one word of a maker's used-nonce bitmap holds.
pub const NONCES_PER_WORD: u64 = 128;
