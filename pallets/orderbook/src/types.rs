//! The book's data: orders, price levels, and what the runtime API returns.

use clearing_traits::{MarketId, OrderSide, Price};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::Get, BoundedVec, CloneNoBound, PartialEqNoBound, RuntimeDebugNoBound};
use scale_info::TypeInfo;
use sp_runtime::RuntimeDebug;

/// The identifier of an order, unique across markets.
pub type OrderId = u64;

/// An identifier the owner gives an order when placing it (bulk calls), so that it can cancel
/// or replace the order without reading the chain's [`OrderId`] from events. Unique among the
/// owner's resting orders, in every market.
pub type ClientOrderId = u64;

/// One entry of an account's list of resting orders.
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
pub struct AccountOrder {
	/// The order's market.
	pub market: MarketId,
	/// The order's id.
	pub order_id: OrderId,
	/// The id its owner gave it, if any.
	pub client_order_id: Option<ClientOrderId>,
}

/// An account's resting orders, and the last block a fill wrote its positions and balances.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	RuntimeDebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxOrders))]
pub struct AccountBook<BlockNumber: Clone + PartialEq + core::fmt::Debug, MaxOrders: Get<u32>> {
	/// The last block in which a fill of this account settled (as maker or taker). In that
	/// block its positions, settlement balance and this list have been written already, so a
	/// later fill of the account in the same block costs the database nothing more for them
	/// (see the crate docs' "What an order is charged").
	pub filled_at: BlockNumber,
	/// Its resting orders, oldest first.
	pub orders: BoundedVec<AccountOrder, MaxOrders>,
}

impl<BlockNumber: Clone + PartialEq + core::fmt::Debug + Default, MaxOrders: Get<u32>> Default
	for AccountBook<BlockNumber, MaxOrders>
{
	fn default() -> Self {
		Self { filled_at: BlockNumber::default(), orders: BoundedVec::new() }
	}
}

/// One order of a bulk placement ([`crate::Pallet::place_orders`],
/// [`crate::Pallet::replace_orders`]): what [`crate::Pallet::place_order`] takes, and an
/// optional client order id.
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
pub struct OrderRequest {
	/// Buy or sell.
	pub side: OrderSide,
	/// The limit price (USD per whole unit, on the market's tick).
	pub price: Price,
	/// The size (size units, a multiple of the lot, at least the minimum size).
	pub size: u128,
	/// How long the order lives.
	pub time_in_force: TimeInForce,
	/// Whether fills may only reduce the owner's position.
	pub reduce_only: bool,
	/// The owner's id for the order; it must not name another of the owner's resting
	/// orders ([`crate::Error::DuplicateClientOrderId`]).
	pub client_order_id: Option<ClientOrderId>,
}

/// Which of the caller's resting orders a bulk cancellation means.
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
pub enum OrderRef {
	/// By the chain's order id.
	Id(OrderId),
	/// By the id the caller gave it.
	Client(ClientOrderId),
}

/// How long an order lives.
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
pub enum TimeInForce {
	/// Matches what it can; the rest rests on the book until filled or cancelled.
	GoodTilCancelled,
	/// Matches what it can; the rest is dropped.
	ImmediateOrCancel,
	/// Only rests: refused if it would match on arrival (it would be a taker).
	PostOnly,
}

/// An order resting on the book.
#[derive(
	Clone,
	PartialEq,
	Eq,
	RuntimeDebug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Order<AccountId, BlockNumber, Balance> {
	/// Who placed it.
	pub owner: AccountId,
	/// Buy or sell.
	pub side: OrderSide,
	/// Its limit price.
	pub price: Price,
	/// The size it was accepted with (size units).
	pub placed_size: u128,
	/// What is left to fill (size units).
	pub remaining: u128,
	/// Whether fills may only reduce the owner's position (such orders commit no margin).
	pub reduce_only: bool,
	/// The block it was placed in.
	pub placed_at: BlockNumber,
	/// The CLR deposit it holds, returned when it fills or leaves the book.
	pub deposit: Balance,
}

/// The orders resting at one price on one side, oldest first, and their total size.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	RuntimeDebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxOrders))]
pub struct PriceLevel<MaxOrders: Get<u32>> {
	/// The sum of the orders' remaining sizes.
	pub total: u128,
	/// The orders, in time priority.
	pub orders: BoundedVec<OrderId, MaxOrders>,
}

impl<MaxOrders: Get<u32>> Default for PriceLevel<MaxOrders> {
	fn default() -> Self {
		Self { total: 0, orders: BoundedVec::new() }
	}
}

/// Why an order left the book (or never rested).
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
pub enum CancelReason {
	/// Its owner cancelled it.
	ByOwner,
	/// Its owner's own incoming order reached it (self-trade prevention cancels the resting
	/// order).
	SelfTrade,
	/// Its owner's margin could not carry the fill.
	MakerMarginInsufficient,
	/// A reduce-only order whose owner has nothing left to reduce.
	NothingToReduce,
	/// The unfilled rest of an immediate-or-cancel order.
	ImmediateOrCancel,
	/// The incoming order reached the most fills one call may make while the book still
	/// crossed it; its rest is dropped rather than left crossing the book.
	FillLimitReached,
	/// Its side of the book was full and a better-priced order took its level's place.
	Evicted,
}

/// One price level as the runtime API reports it.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct BookLevel {
	/// The price.
	pub price: Price,
	/// The total size resting at it (size units).
	pub total_size: u128,
	/// How many orders rest at it.
	pub orders: u32,
}

/// The top of a market's book.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct BookDepth {
	/// The market.
	pub market: MarketId,
	/// Bids, best (highest) first.
	pub bids: alloc::vec::Vec<BookLevel>,
	/// Asks, best (lowest) first.
	pub asks: alloc::vec::Vec<BookLevel>,
}

/// An account's resting order as the runtime API reports it.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct OpenOrder {
	/// The order's id.
	pub order_id: OrderId,
	/// Its market.
	pub market: MarketId,
	/// Buy or sell.
	pub side: OrderSide,
	/// Limit price.
	pub price: Price,
	/// Size accepted.
	pub placed_size: u128,
	/// Size left.
	pub remaining: u128,
	/// Reduce-only.
	pub reduce_only: bool,
	/// Block placed in.
	pub placed_at: u32,
	/// The id its owner gave it, if any.
	pub client_order_id: Option<ClientOrderId>,
}
