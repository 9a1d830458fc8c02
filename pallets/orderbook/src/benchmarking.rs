//! Benchmarks of the order book's calls, at their worst cases:
//! - `place_order(f)`: an incoming buy that fills `f` makers, each alone at its own price
//!   level (so `f` levels are crossed and removed), every maker and the taker holding the
//!   traded market's position only, then rests its remainder at the front of a bid side that
//!   holds all but one of its allowed levels. What more positions (and portfolio margin) cost
//!   each check is the clearing house's surcharge
//!   ([`Clearing::margin_check_surcharge`](clearing_traits::Clearing::margin_check_surcharge)),
//!   which the pallet adds per check;
//! - `place_order_unrested(f)`: the same buy, immediate-or-cancel, its remainder dropped:
//!   what not resting saves is refunded to an order that does not rest;
//! - `place_order_one_maker(f)`: the same buy filling `f` orders of one maker at one level:
//!   the marginal fill of a maker already loaded, which matching charges for a maker's later
//!   fills in a block (see `weight_math.rs`);
//! - `cancel_order`: the caller holds the most open orders, the order is alone at its level
//!   (the level and its price go), the side is full;
//! - `cancel_all(n)`: `n` orders, each alone at its level, on a full side.
//! - `place_orders(n)`: `n` post-only quotes with client order ids, each opening a level at
//!   the front of a side they fill;
//! - `cancel_orders(n)`: `n` orders named by client order id, each alone at its level, on a
//!   full side;
//! - `replace_orders(n)`: `n` such orders cancelled and `n` quotes placed in their stead.

use super::*;
use crate::pallet::{Config, Pallet};
use clearing_traits::Clearing as _;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_arithmetic::FixedU128;

/// What benchmarks need from the runtime: a market and collateral.
pub trait BenchmarkHelper<AccountId> {
	/// A trading market and a price near its index.
	fn market() -> (MarketId, Price);
	/// Gives `who` enough collateral for every order the benchmarks place.
	fn fund_trader(who: &AccountId);
}

struct Setup {
	market: MarketId,
	mid: Price,
	tick: Price,
	size: u128,
}

fn setup<T: Config>() -> Setup {
	let (market, mid) = T::BenchmarkHelper::market();
	let rules = T::Clearing::market_rules(market).expect("the helper's market exists");
	Setup { market, mid, tick: rules.tick_size, size: rules.min_size }
}

/// `ticks` ticks away from the mid: above for asks, below for bids.
fn price_at(setup: &Setup, side: OrderSide, ticks: u32) -> Price {
	let offset = FixedU128::from_inner(setup.tick.into_inner() * ticks as u128);
	match side {
		OrderSide::Sell => setup.mid + offset,
		OrderSide::Buy => setup.mid - offset,
	}
}

fn trader<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::BenchmarkHelper::fund_trader(&who);
	who
}

fn rest<T: Config>(who: &T::AccountId, setup: &Setup, side: OrderSide, price: Price) {
	Pallet::<T>::place_order(
		RawOrigin::Signed(who.clone()).into(),
		setup.market,
		side,
		price,
		setup.size,
		TimeInForce::GoodTilCancelled,
		false,
	)
	.expect("a benchmark order rests");
}

/// Rests one order at each of `count` bid levels, `first_tick` ticks below the mid and
/// further, from as many depth accounts as the per-account bound needs.
fn fill_bids<T: Config>(setup: &Setup, first_tick: u32, count: u32) {
	let per_account = T::MaxOpenOrdersPerAccount::get();
	let mut depth = trader::<T>("depth", 0);
	for i in 0..count {
		if i > 0 && i % per_account == 0 {
			depth = trader::<T>("depth", i / per_account);
		}
		rest::<T>(&depth, setup, OrderSide::Buy, price_at(setup, OrderSide::Buy, first_tick + i));
	}
}

/// The book `place_order` sweeps: `f` makers' asks, each alone at its level from one tick
/// above the mid, and a bid side holding all but one of its levels; with the funded taker
/// and the limit that reaches the `f` asks.
fn sweep<T: Config>(f: u32) -> (Setup, T::AccountId, Price) {
	let setup = setup::<T>();
	let taker: T::AccountId = whitelisted_caller();
	T::BenchmarkHelper::fund_trader(&taker);
	for i in 0..f {
		let maker = trader::<T>("maker", i);
		rest::<T>(&maker, &setup, OrderSide::Sell, price_at(&setup, OrderSide::Sell, i + 1));
	}
	fill_bids::<T>(&setup, 1, T::MaxPriceLevels::get() - 1);
	let limit = price_at(&setup, OrderSide::Sell, f);
	(setup, taker, limit)
}

/// The caller's `n` quotes resting at the front of a full bid side (each alone at its
/// level), and their names by client order id: what `cancel_orders` and `replace_orders`
/// cancel.
fn named_quotes<T: Config>(
	n: u32,
) -> (Setup, T::AccountId, BoundedVec<OrderRef, T::MaxOrdersPerCall>) {
	let setup = setup::<T>();
	let caller: T::AccountId = whitelisted_caller();
	T::BenchmarkHelper::fund_trader(&caller);
	fill_bids::<T>(&setup, n + 1, T::MaxPriceLevels::get() - n);
	Pallet::<T>::place_orders(
		RawOrigin::Signed(caller.clone()).into(),
		setup.market,
		quotes::<T>(&setup, 1, n),
	)
	.expect("benchmark quotes rest");
	let named = BoundedVec::truncate_from((0..n).map(|i| OrderRef::Client(i.into())).collect());
	(setup, caller, named)
}

/// `count` post-only bids with client order ids `0..count`, the first `first_tick` ticks
/// below the mid and each one tick further.
fn quotes<T: Config>(
	setup: &Setup,
	first_tick: u32,
	count: u32,
) -> BoundedVec<OrderRequest, T::MaxOrdersPerCall> {
	BoundedVec::truncate_from(
		(0..count)
			.map(|i| OrderRequest {
				side: OrderSide::Buy,
				price: price_at(setup, OrderSide::Buy, first_tick + i),
				size: setup.size,
				time_in_force: TimeInForce::PostOnly,
				reduce_only: false,
				client_order_id: Some(i.into()),
			})
			.collect(),
	)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn place_order(f: Linear<0, { T::MaxFillsPerOrder::get() }>) {
		let (setup, taker, limit) = sweep::<T>(f);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(taker.clone()),
			setup.market,
			OrderSide::Buy,
			limit,
			setup.size * (f as u128 + 1),
			TimeInForce::GoodTilCancelled,
			false,
		);
		assert_eq!(LevelPrices::<T>::get((setup.market, OrderSide::Sell)).len(), 0);
		assert_eq!(Pallet::<T>::open_orders(&taker).len(), 1);
	}

	/// `place_order` as above, immediate-or-cancel: its remainder is dropped, not rested (no
	/// margin committed, no deposit held, no level opened). What it saves against
	/// `place_order` is refunded to an order that does not rest.
	#[benchmark]
	fn place_order_unrested(f: Linear<0, { T::MaxFillsPerOrder::get() }>) {
		let (setup, taker, limit) = sweep::<T>(f);
		#[extrinsic_call]
		place_order(
			RawOrigin::Signed(taker.clone()),
			setup.market,
			OrderSide::Buy,
			limit,
			setup.size * (f as u128 + 1),
			TimeInForce::ImmediateOrCancel,
			false,
		);
		assert_eq!(LevelPrices::<T>::get((setup.market, OrderSide::Sell)).len(), 0);
		assert!(Pallet::<T>::open_orders(&taker).is_empty());
	}

	/// `place_order` against one maker: `f` of its orders wait at one price level, so every
	/// fill after the first finds the maker's account, the level and the market loaded by the
	/// fill before (what a market maker's second and later fills in a block cost). The rest of
	/// the buy rests as in `place_order`.
	#[benchmark]
	fn place_order_one_maker(
		f: Linear<
			1,
			{
				T::MaxFillsPerOrder::get()
					.min(T::MaxOrdersPerLevel::get())
					.min(T::MaxOpenOrdersPerAccount::get())
			},
		>,
	) {
		let setup = setup::<T>();
		let taker: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::fund_trader(&taker);
		let maker = trader::<T>("maker", 0);
		let level = price_at(&setup, OrderSide::Sell, 1);
		for _ in 0..f {
			rest::<T>(&maker, &setup, OrderSide::Sell, level);
		}
		fill_bids::<T>(&setup, 1, T::MaxPriceLevels::get() - 1);
		#[extrinsic_call]
		place_order(
			RawOrigin::Signed(taker.clone()),
			setup.market,
			OrderSide::Buy,
			level,
			setup.size * (f as u128 + 1),
			TimeInForce::GoodTilCancelled,
			false,
		);
		assert_eq!(LevelPrices::<T>::get((setup.market, OrderSide::Sell)).len(), 0);
		assert!(AccountOrders::<T>::get(&maker).orders.is_empty());
		assert_eq!(Pallet::<T>::open_orders(&taker).len(), 1);
	}

	#[benchmark]
	fn cancel_order() -> Result<(), BenchmarkError> {
		let setup = setup::<T>();
		let caller: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::fund_trader(&caller);
		let own = T::MaxOpenOrdersPerAccount::get().min(T::MaxPriceLevels::get());
		for i in 0..own {
			rest::<T>(&caller, &setup, OrderSide::Buy, price_at(&setup, OrderSide::Buy, i + 1));
		}
		fill_bids::<T>(&setup, own + 1, T::MaxPriceLevels::get() - own);
		let order_id = AccountOrders::<T>::get(&caller)
			.orders
			.last()
			.ok_or(BenchmarkError::Weightless)?
			.order_id;
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), setup.market, order_id);
		assert_eq!(AccountOrders::<T>::get(&caller).orders.len() as u32, own - 1);
		Ok(())
	}

	#[benchmark]
	fn cancel_all(
		n: Linear<1, { T::MaxOpenOrdersPerAccount::get().min(T::MaxPriceLevels::get()) }>,
	) {
		let setup = setup::<T>();
		let caller: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::fund_trader(&caller);
		for i in 0..n {
			rest::<T>(&caller, &setup, OrderSide::Buy, price_at(&setup, OrderSide::Buy, i + 1));
		}
		fill_bids::<T>(&setup, n + 1, T::MaxPriceLevels::get() - n);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), setup.market);
		assert!(AccountOrders::<T>::get(&caller).orders.is_empty());
	}

	#[benchmark]
	fn place_orders(
		n: Linear<1, { T::MaxOrdersPerCall::get().min(T::MaxOpenOrdersPerAccount::get()) }>,
	) {
		let setup = setup::<T>();
		let caller: T::AccountId = whitelisted_caller();
		T::BenchmarkHelper::fund_trader(&caller);
		fill_bids::<T>(&setup, n + 1, T::MaxPriceLevels::get() - n);
		let orders = quotes::<T>(&setup, 1, n);
		#[extrinsic_call]
		place_orders(RawOrigin::Signed(caller.clone()), setup.market, orders);
		assert_eq!(AccountOrders::<T>::get(&caller).orders.len() as u32, n);
	}

	#[benchmark]
	fn cancel_orders(
		n: Linear<1, { T::MaxOrdersPerCall::get().min(T::MaxOpenOrdersPerAccount::get()) }>,
	) {
		let (setup, caller, named) = named_quotes::<T>(n);
		#[extrinsic_call]
		cancel_orders(RawOrigin::Signed(caller.clone()), setup.market, named);
		assert!(AccountOrders::<T>::get(&caller).orders.is_empty());
	}

	#[benchmark]
	fn replace_orders(
		n: Linear<1, { T::MaxOrdersPerCall::get().min(T::MaxOpenOrdersPerAccount::get()) }>,
	) {
		let (setup, caller, named) = named_quotes::<T>(n);
		// The same ladder one tick higher, under the freed client ids.
		let moved = quotes::<T>(&setup, 0, n);
		#[extrinsic_call]
		replace_orders(RawOrigin::Signed(caller.clone()), setup.market, named, moved);
		assert_eq!(AccountOrders::<T>::get(&caller).orders.len() as u32, n);
	}

	/// Setting the order deposit: the origin check, one write and an event.
	#[benchmark]
	fn set_order_deposit() -> Result<(), BenchmarkError> {
		let origin =
			T::DepositOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let deposit = T::MaxOrderDeposit::get();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, deposit);
		assert_eq!(OrderDeposit::<T>::get(), deposit);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
