//! # Order book pallet
//!
//! An on-chain limit order book per market. Traders place limit orders; an incoming order is
//! matched against the opposite side by price-time priority, and every fill is cleared by the
//! clearing house through [`Clearing::settle_trade`], atomically: positions, fees and margin
//! checks move with the fill or not at all.
//!
//! ## Overview
//! - **Orders.** [`place_order`](Pallet::place_order) takes a market, a side, a limit price,
//!   a size, a [`TimeInForce`] and a reduce-only flag. Price and size are checked against the
//!   market's tick, lot and minimum size and its status before anything moves.
//! - **Matching.** The order takes liquidity from the best opposite price level first and,
//!   within a level, from the oldest order first, at the resting order's price. At most
//!   [`Config::MaxFillsPerOrder`] resting orders are touched per call (fills and the
//!   cancellations below both count), which bounds the call's weight. Matching also stops
//!   before a fill whose taker margin-check surcharges ([`Clearing::margin_check_surcharge`])
//!   would take the taker past its budget (see What an order is charged), as at the fill
//!   bound.
//! - **What is left** rests on the book (good-til-cancelled), is dropped
//!   (immediate-or-cancel), or, for a post-only order that would have matched on arrival,
//!   the call fails with [`Error::PostOnlyWouldCross`]. When the fill limit is reached while
//!   the book still crosses the order, the rest is dropped (`FillLimitReached`), so the book
//!   never rests crossed.
//! - **Makers who cannot pay.** When a fill fails on the maker's side alone (its margin, a
//!   stale price in its own account, its price left outside the band by the index, or a
//!   fill that would add to the maker's risk in a reduce-only market or at a stale or
//!   in-doubt price),
//!   the maker's order is cancelled (`MakerMarginInsufficient`) and matching goes on with
//!   the next order. A failure on the taker's side fails the whole call: nothing changes.
//! - **Self-trade prevention.** An incoming order that reaches its owner's own resting order
//!   cancels the resting one (`SelfTrade`) and goes on.
//! - **Price band.** An order's limit price must be within the market's price band around the
//!   index ([`Clearing::price_band`], [`Error::PriceOutsideBand`]): nobody can park orders
//!   at prices the oracle does not support. A resting order the index has moved away from
//!   is cancelled when a taker reaches it (`MakerMarginInsufficient`: the fill failed on the
//!   maker's side).
//! - **Reduce-only.** The order is cut to what would take the position to zero at placement,
//!   less the owner's reduce-only orders already resting on that side, so that resting
//!   reduce-only size never exceeds the position. After every call the caller's and each
//!   filled maker's reduce-only orders are cut again to their positions (newest first), and
//!   cancelled (`NothingToReduce`) when the position has closed or flipped; one the owner's
//!   position left some other way (a liquidation) is cancelled when a taker reaches it. An
//!   account rests at most [`Config::MaxReduceOnlyPerMarket`] of them in a market.
//!   Reduce-only orders commit no margin. In a market whose status is reduce-only, only
//!   reduce-only orders are taken.
//! - **Order deposit.** Every resting order holds a refundable deposit of CLR
//!   ([`OrderDeposit`], governed within [`Config::MaxOrderDeposit`]), so that filling a book
//!   with orders has a cost. When an order fills or leaves the book while its owner rests
//!   others, its deposit stays held as the owner's spare ([`SpareDeposits`]), which the
//!   owner's next orders take theirs from: a quoter whose quotes fill and are replaced moves
//!   no balance. The owner's last order out returns the spare with its own deposit
//!   (`deposits.rs`).
//! - **A full side evicts its worst level.** When a side holds its most price levels, an
//!   order at a better price than the worst level cancels that level's orders (`Evicted`,
//!   margin and deposits returned) and takes its place; one at a worse price is refused
//!   ([`Error::TooManyPriceLevels`]). Far-away orders cannot keep better prices out.
//! - **Open-order margin.** A resting order (not reduce-only) is committed to the clearing
//!   house ([`Clearing::commit_order`]) for its remaining size and price and counts toward
//!   the owner's initial margin there, so no account commits more than it holds; each fill
//!   and each cancel releases what it took off the book.
//! - **Mark price.** After every change the book's best bid and ask go to the clearing house
//!   ([`Clearing::note_book_top`]), which takes the mark as the median of the best bid, the
//!   best ask and the last trade, clamped to a band around the oracle index (see
//!   `pallet-clearing`); the premium of mark over index drives funding.
//!
//! ## Bulk quoting
//! Market makers keep two-sided ladders and move them every block. Three calls serve them,
//! each priced per order, not per transaction:
//! - [`place_orders`](Pallet::place_orders): up to [`Config::MaxOrdersPerCall`] orders in
//!   one market, each placed as by `place_order`, in its own storage layer: one that fails
//!   changes nothing and is reported (`OrderRejected`, with its index, its client order id and
//!   the error) while the others go on.
//! - [`cancel_orders`](Pallet::cancel_orders): the caller's orders by id or by client order id;
//!   one that no longer rests (filled, cancelled) is reported (`OrderNotFound`) and skipped.
//! - [`replace_orders`](Pallet::replace_orders): cancels these, then places those, atomically:
//!   every placement succeeds or the call fails and nothing changes (cancels of orders that no
//!   longer rest count as done), so a ladder is never left half moved.
//!
//! **Client order ids.** An order placed in bulk may carry a [`ClientOrderId`] chosen by its
//! owner, unique among the owner's resting orders ([`Error::DuplicateClientOrderId`]); it is
//! freed when the order leaves the book. A quoter cancels and replaces by it without reading
//! order ids from events; [`Pallet::open_orders`] reports it.
//!
//! ## What an order is charged
//! An order is charged up front for what it can do on the book as it stands when it is
//! dispatched ([`Pallet::order_charge`]), then refunded to what it did:
//! - the benchmarked matching for the resting orders its limit price reaches (at most
//!   [`Config::MaxFillsPerOrder`]; none for a post-only order), read from the opposite side;
//! - each reached maker's margin-check surcharge ([`Clearing::margin_check_surcharge`], read
//!   from the maker's account) and the cut of that maker's reduce-only orders;
//! - the taker's own checks, which the weight cannot know in advance (the caller is not part of
//!   the call): a budget of two of the largest surcharges, one fill and the check of resting the
//!   rest. Matching stops (as at the fill bound) before a fill whose taker checks would take the
//!   taker past it, so a portfolio-margined taker fills at least once; a post-only order has
//!   only the rest's check;
//! - an eviction only when the own side is full and the order could open a level, and the cut
//!   of the taker's reduce-only orders (not for a post-only order, which never fills).
//!
//! The benchmark settles between accounts holding one position each; what more positions cost
//! each check, and the portfolio scan, is the clearing house's surcharge, added per check.
//! A bulk call's post-only quotes are priced by the `place_orders` benchmark (its per-order
//! figure, and the part the quotes share once); its cancels by `cancel_orders`.
//!
//! ## Batched settlement: many fills, each checked, paid for once
//! Thousands of fills a block come from many fills of the same accounts. The design (issue
//! 19) keeps every fill a full settlement, both sides margin-checked against the state the
//! fills before it left, atomic and conserved, and removes the repeated work around it:
//! - **A working set per call.** Each order call runs in the clearing house's working set
//!   ([`Clearing::with_working_set`]): what every fill's margin checks read again and again and
//!   cannot change during the call (market parameters, guarded prices, the clock, option
//!   marks, each account's collateral balances and margin mode) is read once. Positions,
//!   settlement balances and market states are always read afresh.
//! - **One step per fill.** A fill releases what the maker's order committed and settles in
//!   one storage layer ([`Clearing::settle_fill`]), the maker's positions read and written
//!   once; the maker's book records the fill and forgets a filled order in one write; a
//!   filled order's deposit stays with its owner as spare while the owner rests other orders
//!   (no balance moves; see Order deposit above).
//! - **A block pays once for what it loads and writes.** The storage overlay holds every item
//!   a block has written until the block ends, when the database sees one write per item.
//!   The `place_order` benchmark charges each fill for a maker and a level of its own: their
//!   items read, decoded and written. A fill whose maker was filled before in the block (see
//!   [`AccountBook::filled_at`]), at a level the call filled before, is charged what the
//!   `place_order_one_maker` benchmark measured for such a fill instead: the maker's items
//!   are in memory already and only the filled order's own item is read and written. Other
//!   fills are refunded ([`OrderWork::saved`](crate::weight_math::OrderWork)) what an earlier
//!   write in the block already paid for: a maker filled before (its positions, settlement
//!   balance and book), an order placed in the block (its item, and its owner's holds and
//!   account when its deposit goes back), a level filled before in the call. Each saving is
//!   bounded by the benchmark's charge for that fill (a runtime test).
//! - **A margin-check surcharge is priced once per account and call** (clearing's working
//!   set): it counts the traded market's position whether the trade opens it or not, so no
//!   trade in the call changes it. A call is refunded the pricing, and the read of the
//!   maker's reduce-only orders, for each maker filled earlier in the block.
//! - **An order that does not rest** (immediate-or-cancel, filled in full, stopped at its
//!   fill bound) is refunded what resting costs: the `place_order_unrested` benchmark in
//!   place of `place_order`'s, whose order rests its remainder.
//! - **Honest up-front charges and bulk quotes** (above), so that the block author admits
//!   orders while the block has room for what they can really do.
//!
//! ## Bounds
//! Every collection is bounded, each with its typed error: price levels per market and side
//! ([`Config::MaxPriceLevels`], [`Error::TooManyPriceLevels`]), orders per level
//! ([`Config::MaxOrdersPerLevel`], [`Error::PriceLevelFull`]) and open orders per account
//! ([`Config::MaxOpenOrdersPerAccount`], [`Error::TooManyOpenOrders`]).
//!
//! ## Interface
//! - `place_order`, `cancel_order`, `cancel_all`, `place_orders`, `cancel_orders`,
//!   `replace_orders` (signed); `set_order_deposit`
//!   ([`Config::DepositOrigin`]: Root or the risk track).
//! - [`Pallet::depth`] and [`Pallet::open_orders`] for the runtime API.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod bulk;
mod deposits;
#[cfg(any(feature = "std", feature = "try-runtime"))]
pub mod invariants;
mod matching;
pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
mod weight_math;
pub mod weights;

pub use clearing_traits::{Clearing, MarketId, OrderSide, Price};
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The clearing house every fill settles through.
		type Clearing: Clearing<Self::AccountId, MarketId>;

		/// The most price levels on one side of one market's book.
		#[pallet::constant]
		type MaxPriceLevels: Get<u32>;

		/// The most orders resting at one price on one side.
		#[pallet::constant]
		type MaxOrdersPerLevel: Get<u32>;

		/// The most orders one account may have resting, across markets.
		#[pallet::constant]
		type MaxOpenOrdersPerAccount: Get<u32>;

		/// The most resting orders one incoming order may touch (fill or cancel).
		#[pallet::constant]
		type MaxFillsPerOrder: Get<u32>;

		/// The most reduce-only orders one account may rest in one market.
		#[pallet::constant]
		type MaxReduceOnlyPerMarket: Get<u32>;

		/// The most orders one bulk call places, and the most it cancels.
		#[pallet::constant]
		type MaxOrdersPerCall: Get<u32>;

		/// The most orders of one bulk call that may match (not post-only) whose up-front
		/// charge is read from the book; any more are charged the most an order can cost
		/// ([`Pallet::max_order_charge`]) without reading it, so that pricing one call (which
		/// the transaction pool does too, before anyone pays) reads a bounded number of items.
		#[pallet::constant]
		type MaxOrdersPricedFromBook: Get<u32>;

		/// The currency order deposits are held in (CLR).
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, of which the order deposit is one.
		type RuntimeHoldReason: From<HoldReason>;

		/// Who sets the order deposit (Root, or the risk track).
		type DepositOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The order deposit until governance sets one.
		#[pallet::constant]
		type DefaultOrderDeposit: Get<BalanceOf<Self>>;

		/// The most governance may set the order deposit to.
		#[pallet::constant]
		type MaxOrderDeposit: Get<BalanceOf<Self>>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;

		/// Markets, collateral and positions for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<Self::AccountId>;
	}

	/// The storage layout's version (see [`crate::migrations`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why the pallet holds CLR.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The refundable deposit of a resting order.
		OrderDeposit,
	}

	/// A CLR amount.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

	/// An order as stored.
	pub type OrderOf<T> =
		Order<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>>;

	/// A price level as stored.
	pub type PriceLevelOf<T> = PriceLevel<<T as Config>::MaxOrdersPerLevel>;

	/// The id the next order gets.
	#[pallet::storage]
	pub type NextOrderId<T: Config> = StorageValue<_, OrderId, ValueQuery>;

	/// Resting orders, by market and id.
	#[pallet::storage]
	pub type Orders<T: Config> =
		StorageDoubleMap<_, Twox64Concat, MarketId, Twox64Concat, OrderId, OrderOf<T>, OptionQuery>;

	/// The orders resting at each price, by (market, side) and price.
	#[pallet::storage]
	pub type Levels<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		(MarketId, OrderSide),
		Blake2_128Concat,
		Price,
		PriceLevelOf<T>,
		ValueQuery,
	>;

	/// The prices that have resting orders, by (market, side), best first: bids from the
	/// highest, asks from the lowest.
	#[pallet::storage]
	pub type LevelPrices<T: Config> = StorageMap<
		_,
		Twox64Concat,
		(MarketId, OrderSide),
		BoundedVec<Price, T::MaxPriceLevels>,
		ValueQuery,
	>;

	/// The CLR deposit each new resting order holds while it rests (and after, as its
	/// owner's spare, while the owner rests others). Set by [`Config::DepositOrigin`] within
	/// [`Config::MaxOrderDeposit`].
	#[pallet::storage]
	pub type OrderDeposit<T: Config> =
		StorageValue<_, BalanceOf<T>, ValueQuery, T::DefaultOrderDeposit>;

	/// The order deposit an account holds beyond its resting orders' own: deposits of its
	/// orders that left the book while others stayed, kept for its next orders and returned
	/// with the last (see `deposits.rs`). Absent for an account without resting orders.
	#[pallet::storage]
	pub type SpareDeposits<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	/// Each account's resting reduce-only orders per market, oldest first.
	#[pallet::storage]
	pub type ReduceOnlyOrders<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		MarketId,
		BoundedVec<OrderId, T::MaxReduceOnlyPerMarket>,
		ValueQuery,
	>;

	/// An account's book as stored.
	pub type AccountBookOf<T> =
		AccountBook<BlockNumberFor<T>, <T as Config>::MaxOpenOrdersPerAccount>;

	/// Each account's resting orders (market, order id and client order id), oldest first,
	/// and the last block a fill of the account settled in.
	#[pallet::storage]
	pub type AccountOrders<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, AccountBookOf<T>, ValueQuery>;

	/// Events. Field names say what each field is; the variant's doc says what happened.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	#[allow(missing_docs)]
	pub enum Event<T: Config> {
		/// An order was accepted; its fills, resting or cancellation follow. `placed_size` is
		/// the accepted size (a reduce-only order is cut to the position); `client_order_id`
		/// the owner's id for it, if it gave one.
		OrderPlaced {
			order_id: OrderId,
			market: MarketId,
			owner: T::AccountId,
			side: OrderSide,
			price: Price,
			placed_size: u128,
			time_in_force: TimeInForce,
			reduce_only: bool,
			client_order_id: Option<ClientOrderId>,
		},
		/// One order of a `place_orders` call failed: it changed nothing, and the call's other
		/// orders went on.
		OrderRejected {
			/// The caller.
			owner: T::AccountId,
			/// The market of the call.
			market: MarketId,
			/// The order's position in the call's list, from 0.
			index: u32,
			/// The owner's id for the order, if it gave one.
			client_order_id: Option<ClientOrderId>,
			/// Why it failed (one of this pallet's errors, or the clearing house's).
			error: DispatchError,
		},
		/// A bulk cancellation named an order that does not rest in the market as the caller's
		/// (it filled, was cancelled, or never existed): nothing was done for it.
		OrderNotFound {
			/// The caller.
			owner: T::AccountId,
			/// The market of the call.
			market: MarketId,
			/// The order as the call named it.
			order: OrderRef,
		},
		/// A resting (maker) order and an incoming (taker) order traded `fill_size` at `price`,
		/// the maker's price; `taker_side` is the incoming order's side. Fees in settlement
		/// units.
		OrderFilled {
			market: MarketId,
			maker_order_id: OrderId,
			taker_order_id: OrderId,
			maker: T::AccountId,
			taker: T::AccountId,
			taker_side: OrderSide,
			price: Price,
			fill_size: u128,
			maker_fee: u128,
			taker_fee: u128,
		},
		/// What was left of an order now rests on the book.
		OrderRested { order_id: OrderId, market: MarketId, owner: T::AccountId, remaining: u128 },
		/// An order, or the unfilled rest of one, left the book or was dropped.
		OrderCancelled {
			order_id: OrderId,
			market: MarketId,
			owner: T::AccountId,
			remaining: u128,
			reason: CancelReason,
		},
		/// A resting reduce-only order was cut to what its owner's position leaves to reduce.
		ReduceOnlyOrderCut {
			/// The order.
			order_id: OrderId,
			/// Its market.
			market: MarketId,
			/// Its owner.
			owner: T::AccountId,
			/// The size that left the book (size units).
			cut: u128,
			/// The size still resting (size units).
			remaining: u128,
		},
		/// The deposit each new resting order holds changed.
		OrderDepositSet {
			/// The new deposit (CLR, smallest units); orders already resting keep theirs.
			deposit: BalanceOf<T>,
		},
	}

	/// Errors.
	#[pallet::error]
	pub enum Error<T> {
		/// The market does not exist.
		UnknownMarket,
		/// The market is closed.
		MarketNotTrading,
		/// The market only takes reduce-only orders.
		MarketReduceOnly,
		/// The price is zero or not a multiple of the market's tick size.
		PriceNotOnTick,
		/// The size is zero, not a multiple of the lot size, or below the minimum size.
		InvalidSize,
		/// A reduce-only order, and the caller's position leaves nothing to reduce on that
		/// side (or less than one lot).
		NothingToReduce,
		/// A post-only order would have matched on arrival.
		PostOnlyWouldCross,
		/// This side of the market's book already has the most price levels it may hold.
		TooManyPriceLevels,
		/// The price level already holds the most orders it may.
		PriceLevelFull,
		/// The caller already has the most resting orders allowed.
		TooManyOpenOrders,
		/// No such order rests in that market.
		UnknownOrder,
		/// The order belongs to someone else.
		NotOrderOwner,
		/// The limit price is outside the market's price band around the index.
		PriceOutsideBand,
		/// The market has no index price yet, so no order can be banded.
		NoIndexPrice,
		/// The caller cannot put up the order deposit in CLR.
		InsufficientOrderDeposit,
		/// The caller already rests the most reduce-only orders allowed in this market.
		TooManyReduceOnlyOrders,
		/// The order deposit may be at most the runtime's `MaxOrderDeposit`.
		InvalidOrderDeposit,
		/// Another of the caller's resting orders already carries this client order id.
		DuplicateClientOrderId,
		/// A bulk call named no order to place or cancel.
		NothingToDo,
		/// An arithmetic overflow.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Checks the book's invariants (see [`crate::invariants`]).
		#[cfg(feature = "try-runtime")]
		fn try_state(_block: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Places a limit order: `size` (size units) on `side` at `price` in `market`.
		///
		/// Matches against the opposite side by price-time priority, settling each fill
		/// through the clearing house; what is left rests (good-til-cancelled), is dropped
		/// (immediate-or-cancel) or, for a post-only order that would match, the call fails.
		/// A reduce-only order never takes the position past zero. The weight charged is for
		/// the resting orders actually touched, plus what the clearing house's margin checks
		/// of accounts holding more positions, or portfolio-margined, cost beyond the
		/// benchmarked ones (see [`Clearing::margin_check_surcharge`]): each reached maker's
		/// is charged up front from the book; the taker's own share a budget of two of the
		/// largest, and matching stops (as at the fill bound) before a fill whose checks, and
		/// the check of resting the rest, would exceed it, so a portfolio-margined taker fills
		/// at least once. Book work beyond the benchmark (evicting a full side's worst level,
		/// cutting reduce-only orders to positions) is charged where it can happen (see
		/// [`Pallet::order_charge`]).
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::order_charge(
			*market,
			*side,
			*price,
			*time_in_force,
			0,
		))]
		pub fn place_order(
			origin: OriginFor<T>,
			market: MarketId,
			side: OrderSide,
			price: Price,
			size: u128,
			time_in_force: TimeInForce,
			reduce_only: bool,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let request = OrderRequest {
				side,
				price,
				size,
				time_in_force,
				reduce_only,
				client_order_id: None,
			};
			let work = Self::as_depositor(&who, || {
				T::Clearing::with_working_set(|| Self::do_place_order(&who, market, &request))
			})?;
			Ok(Some(work.weight::<T>()).into())
		}

		/// Cancels the caller's resting order `order_id` in `market`, releasing its margin; its
		/// deposit returns, or stays as spare while the caller rests other orders.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::cancel_order())]
		pub fn cancel_order(
			origin: OriginFor<T>,
			market: MarketId,
			order_id: OrderId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let order = Orders::<T>::get(market, order_id).ok_or(Error::<T>::UnknownOrder)?;
			ensure!(order.owner == who, Error::<T>::NotOrderOwner);
			Self::as_depositor(&who, || {
				Self::remove_resting_order(market, order_id, &order, CancelReason::ByOwner)
			});
			Self::report_book_top(market);
			Ok(())
		}

		/// Sets the CLR deposit every new resting order holds (deposit origin: Root or the
		/// risk track), at most [`Config::MaxOrderDeposit`]. Orders already resting keep the
		/// deposit they hold.
		#[pallet::call_index(3)]
		// Not measured yet (its benchmark is `set_order_deposit`): priced like the clearing
		// house's pallet-wide setters, which check the origin, write once and emit an event.
		#[pallet::weight(Weight::from_parts(20_000_000, 0)
			.saturating_add(T::DbWeight::get().reads_writes(1, 1)))]
		pub fn set_order_deposit(origin: OriginFor<T>, deposit: BalanceOf<T>) -> DispatchResult {
			T::DepositOrigin::ensure_origin(origin)?;
			ensure!(deposit <= T::MaxOrderDeposit::get(), Error::<T>::InvalidOrderDeposit);
			OrderDeposit::<T>::put(deposit);
			Self::deposit_event(Event::OrderDepositSet { deposit });
			Ok(())
		}

		/// Cancels every resting order of the caller in `market`. The weight charged is for
		/// the orders actually cancelled.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::cancel_all(T::MaxOpenOrdersPerAccount::get()))]
		pub fn cancel_all(origin: OriginFor<T>, market: MarketId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let ids: alloc::vec::Vec<OrderId> = AccountOrders::<T>::get(&who)
				.orders
				.into_iter()
				.filter(|entry| entry.market == market)
				.map(|entry| entry.order_id)
				.collect();
			Self::as_depositor(&who, || {
				for order_id in &ids {
					if let Some(order) = Orders::<T>::get(market, order_id) {
						Self::remove_resting_order(
							market,
							*order_id,
							&order,
							CancelReason::ByOwner,
						);
					}
				}
			});
			if !ids.is_empty() {
				Self::report_book_top(market);
			}
			Ok(Some(T::WeightInfo::cancel_all(ids.len() as u32)).into())
		}

		/// Places up to [`Config::MaxOrdersPerCall`] orders in `market`, in the list's order,
		/// each as [`Pallet::place_order`] would and in its own storage layer: an order that
		/// fails changes nothing and is reported (`OrderRejected`) while the rest go on. Each
		/// may carry a client order id. Charged per order, as `place_order` charges one (see
		/// [`Pallet::bulk_place_charge`]), and refunded to what each did.
		#[pallet::call_index(4)]
		#[pallet::weight(Pallet::<T>::bulk_place_charge(*market, orders, 0))]
		pub fn place_orders(
			origin: OriginFor<T>,
			market: MarketId,
			orders: BoundedVec<OrderRequest, T::MaxOrdersPerCall>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(!orders.is_empty(), Error::<T>::NothingToDo);
			let used = Self::as_depositor(&who, || {
				T::Clearing::with_working_set(|| Self::do_place_orders(&who, market, &orders))
			});
			Ok(Some(used).into())
		}

		/// Cancels the caller's resting orders in `market`, each named by order id or client
		/// order id. One that does not rest there as the caller's is reported
		/// (`OrderNotFound`) and skipped. Charged per order named.
		#[pallet::call_index(5)]
		#[pallet::weight(Pallet::<T>::cancel_orders_charge(orders.len() as u32))]
		pub fn cancel_orders(
			origin: OriginFor<T>,
			market: MarketId,
			orders: BoundedVec<OrderRef, T::MaxOrdersPerCall>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(!orders.is_empty(), Error::<T>::NothingToDo);
			let cancelled =
				Self::as_depositor(&who, || Self::do_cancel_orders(&who, market, &orders));
			Self::report_book_top(market);
			Ok(Some(Self::cancel_orders_weight(orders.len() as u32, cancelled)).into())
		}

		/// Cancels `cancels`, then places `orders`, in `market`, atomically: every placement
		/// succeeds or the call fails with the first error and nothing changes. A cancel of an
		/// order that no longer rests counts as done (`OrderNotFound`). A client order id
		/// freed by a cancel may be given again by a placement of the same call. Charged as
		/// `cancel_orders` and `place_orders` are.
		#[pallet::call_index(6)]
		#[pallet::weight(
			Pallet::<T>::cancel_orders_charge(cancels.len() as u32)
				.saturating_add(Pallet::<T>::bulk_place_charge(*market, orders, 0))
		)]
		pub fn replace_orders(
			origin: OriginFor<T>,
			market: MarketId,
			cancels: BoundedVec<OrderRef, T::MaxOrdersPerCall>,
			orders: BoundedVec<OrderRequest, T::MaxOrdersPerCall>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(!cancels.is_empty() || !orders.is_empty(), Error::<T>::NothingToDo);
			let used = Self::as_depositor(&who, || {
				T::Clearing::with_working_set(|| {
					Self::do_replace_orders(&who, market, &cancels, &orders)
				})
			})?;
			Ok(Some(used).into())
		}
	}
}
