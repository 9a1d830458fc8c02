//! # Clearing traits
//!
//! The seams between the clearing house and the pallets around it. The clearing pallet
//! implements [`Clearing`] and needs a [`PriceProvider`]; a venue such as the order book
//! depends on [`Clearing`] alone, so each side can be tested against a mock of the other.
//!
//! ## Contract of [`Clearing`] for a venue
//! - [`Clearing::market_rules`] tells the venue what a market accepts (tick, lot, minimum
//!   size, status) before it books anything.
//! - A resting order is *committed* ([`Clearing::commit_order`]) when it starts resting and
//!   *released* ([`Clearing::release_order`]) when it stops (fill, cancel), with the same size
//!   and price: the clearing house counts committed orders toward the account's initial
//!   margin, so no account commits more than it holds.
//! - Each fill is [`Clearing::settle_trade`]: both positions, fees and margin checks, atomic.
//!   [`Clearing::settle_fill`] is the release of the filled part of a resting order and its
//!   settlement in one step, as a book settles its fills.
//!   A failure that is the maker's alone is reported as [`SettleError::Maker`], so the venue
//!   can cancel the maker's order and carry on.
//! - [`Clearing::note_book_top`] hands the clearing house the best bid and ask after a book
//!   change; they enter the mark price.
//! - [`Clearing::price_band`] tells the venue where prices may be: orders outside the band
//!   are refused, and a fill outside it (the index moved away from a resting order) fails
//!   as the maker's.
//! - [`Clearing::settle_package`] settles several trades between one maker and one taker as
//!   one: every leg or none, and each side's margin checked once, after all of them, so a
//!   package's legs net (a straddle and its delta hedge). A venue that settles negotiated
//!   packages (block trades) uses it.
//! - A market may be restricted to a permissioned pool: only the pool's members add risk in
//!   it ([`Clearing::is_pool_member`] lets a venue check a counterparty up front).
//! - [`Clearing::margin_check_surcharge`] is what one margin check of an account costs
//!   beyond the cross-margin check the venue's own benchmark measured (a portfolio scan for
//!   a portfolio-margined account): the venue adds it to its weight for every check its call
//!   causes, within [`Clearing::max_margin_check_surcharge`] when it charges up front.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
pub use risk_engine::{OrderSide, Price, SizeUnits};
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, DispatchResult, RuntimeDebug, Weight};

/// The identifier of a market.
pub type MarketId = u32;

/// The identifier of a permissioned pool (an allow-list of accounts).
pub type PoolId = u32;

/// One leg of a package settled by [`Clearing::settle_package`].
#[derive(Clone, Copy, PartialEq, Eq, RuntimeDebug)]
pub struct PackageLeg {
	/// The market.
	pub market: MarketId,
	/// The size traded, signed from the taker's side (positive: the taker buys), in the
	/// market's size units.
	pub size: SizeUnits,
	/// The price (USD per whole unit, 18 decimals).
	pub price: Price,
	/// The maker's fee, a share of the leg's notional.
	pub maker_fee: sp_runtime::Perbill,
	/// The taker's fee, a share of the leg's notional.
	pub taker_fee: sp_runtime::Perbill,
}

/// Whether a market trades.
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
pub enum MarketStatus {
	/// Trades of any kind.
	Active,
	/// Only trades that reduce both sides' positions.
	ReduceOnly,
	/// No trades.
	Closed,
}

/// What a market accepts, for a venue to check orders against.
#[derive(Clone, Copy, PartialEq, Eq, RuntimeDebug)]
pub struct MarketRules {
	/// Prices must be positive multiples of this.
	pub tick_size: Price,
	/// Sizes must be multiples of this (size units).
	pub lot_size: u128,
	/// The smallest trade (size units).
	pub min_size: u128,
	/// Whether the market trades.
	pub status: MarketStatus,
}

/// What a settled trade cost each side.
#[derive(Clone, Copy, PartialEq, Eq, RuntimeDebug, Default)]
pub struct TradeReceipt {
	/// The maker's fee, in settlement units.
	pub maker_fee: u128,
	/// The taker's fee, in settlement units.
	pub taker_fee: u128,
}

/// Why a trade was not settled.
#[derive(Clone, Copy, PartialEq, Eq, RuntimeDebug)]
pub enum SettleError {
	/// The maker's side alone failed (its margin, or its room for another position): the
	/// venue should cancel the maker's order; the taker may trade with someone else.
	Maker(DispatchError),
	/// The trade failed for another reason (the taker's margin, a market rule, a stale
	/// price): the venue should fail the taker's action.
	Trade(DispatchError),
}

impl From<SettleError> for DispatchError {
	fn from(error: SettleError) -> Self {
		match error {
			SettleError::Maker(error) | SettleError::Trade(error) => error,
		}
	}
}

impl From<DispatchError> for SettleError {
	/// An error that no side caused in particular (e.g. too many nested storage layers).
	fn from(error: DispatchError) -> Self {
		SettleError::Trade(error)
	}
}

/// A source of prices: the latest value for a key and the time (ms since the Unix epoch) it
/// was observed. The clearing pallet judges staleness against its own maximum price age, in
/// one place.
pub trait PriceProvider<Key> {
	/// The latest price for `key` and when it was fed, if any.
	fn price(key: &Key) -> Option<(Price, u64)>;
}

/// What the clearing house offers venues (see the crate docs for the contract).
pub trait Clearing<AccountId, MarketId> {
	/// The rules of `market`, if it exists.
	fn market_rules(market: MarketId) -> Option<MarketRules>;

	/// `who`'s signed position size in `market` (zero when none).
	fn position_size(who: &AccountId, market: MarketId) -> SizeUnits;

	/// Settles a trade of `size` (signed, from the taker's side: positive means the taker
	/// buys) at `price` between `maker` and `taker` in `market`: both positions, fees, open
	/// interest. Fails without changing anything when either side would end below its
	/// margin requirement (initial for risk-increasing trades, maintenance for reducing ones)
	/// or the trade breaks a market rule.
	fn settle_trade(
		maker: &AccountId,
		taker: &AccountId,
		market: MarketId,
		size: SizeUnits,
		price: Price,
	) -> Result<TradeReceipt, SettleError>;

	/// Settles the fill of a resting order, all or nothing: when `maker_committed` (the order
	/// counts toward the maker's margin, as every order but a reduce-only one does), what it
	/// committed for the filled size is released; then the trade settles as
	/// [`Self::settle_trade`] settles it. The maker's order rests on the side opposite the
	/// taker's (the sign of `size`) at `price`. The same as `release_order` and `settle_trade`
	/// in one storage layer, with the maker's positions read and written once.
	fn settle_fill(
		maker: &AccountId,
		taker: &AccountId,
		market: MarketId,
		size: SizeUnits,
		price: Price,
		maker_committed: bool,
	) -> Result<TradeReceipt, SettleError>;

	/// Settles `legs` between `maker` and `taker` as one package: each leg as
	/// [`Self::settle_trade`] settles a trade (market rules, price band, pool membership,
	/// open interest), but at the leg's own fees, and each side's margin checked once after
	/// every leg (initial when any leg added to that side's risk, maintenance otherwise), so
	/// the legs net against each other and against what both sides already hold. All legs
	/// settle or none does. Returns each leg's receipt, in order.
	fn settle_package(
		maker: &AccountId,
		taker: &AccountId,
		legs: &[PackageLeg],
	) -> Result<alloc::vec::Vec<TradeReceipt>, SettleError>;

	/// Whether `who` is a member of the permissioned pool `pool` (`false` when the pool does
	/// not exist).
	fn is_pool_member(pool: PoolId, who: &AccountId) -> bool;

	/// Counts a resting order of `size` at `price` on `side` toward `who`'s initial margin.
	/// Fails without changing anything when the account's resting orders would then need
	/// more margin than it has free.
	fn commit_order(
		who: &AccountId,
		market: MarketId,
		side: OrderSide,
		size: u128,
		price: Price,
	) -> DispatchResult;

	/// Stops counting (part of) a committed order: the same `side` and `price`, and at most
	/// the size still committed. Never fails.
	fn release_order(who: &AccountId, market: MarketId, side: OrderSide, size: u128, price: Price);

	/// The best bid and ask of `market`'s book after a change, for the mark price.
	fn note_book_top(market: MarketId, best_bid: Option<Price>, best_ask: Option<Price>);

	/// The lowest and highest price `market` settles at now: its price band around the
	/// index in force. A venue refuses orders outside it; a fill outside it fails as the
	/// maker's ([`SettleError::Maker`]), since it is at the maker's price. `None` when the
	/// market or its price is unknown.
	fn price_band(market: MarketId) -> Option<(Price, Price)>;

	/// The size of `who`'s orders committed on `side` of `market` (size units): what the
	/// venue's resting orders of that account and side sum to, for invariant checks.
	fn committed_size(who: &AccountId, market: MarketId, side: OrderSide) -> u128;

	/// What one margin check of `who` after a trade or an order in `market` costs beyond the
	/// one a venue's own benchmark measures, which settles between accounts holding one
	/// position each: the positions `who` holds beyond one (counting `market`'s, which the
	/// trade may open, when it holds none there yet), and the portfolio scan when `who` is
	/// portfolio-margined. A venue adds it for every check its call makes of `who`: each
	/// settled trade checks both sides, each committed order its owner.
	fn margin_check_surcharge(who: &AccountId, market: MarketId) -> Weight;

	/// The most [`Self::margin_check_surcharge`] returns, for weights charged before a call
	/// knows whom it will meet.
	fn max_margin_check_surcharge() -> Weight;

	/// What pricing an account's surcharge reads (part of the first
	/// [`Self::margin_check_surcharge`] of the account in a venue call), for a venue that
	/// knows those items were loaded earlier in the block.
	fn surcharge_pricing_weight() -> Weight;

	/// Runs `call` (a venue's whole call: an order and its fills) so that what the clearing
	/// house reads again and again while it runs, and cannot change while it runs (market
	/// parameters, guarded prices, the clock), is read once. Nothing else differs: every
	/// settlement still sees the state the ones before it left. By default, just `call()`.
	fn with_working_set<R>(call: impl FnOnce() -> R) -> R {
		call()
	}
}
