//! A test runtime: System and the order book, with a mock clearing house.
//!
//! The mock keeps its books in storage (so a storage layer that rolls back a failed fill
//! rolls the mock back too) and margins each account by a simple credit line: its position
//! valued at 60,000 plus what its resting orders commit must stay within the account's
//! limit, when one is set.

use crate as pallet_orderbook;
use clearing_traits::{
	Clearing, MarketId, MarketRules, MarketStatus, OrderSide, Price, SettleError, SizeUnits,
	TradeReceipt,
};
use codec::{Decode, Encode};
use frame_support::{
	derive_impl,
	storage::unhashed,
	traits::{ConstU32, ConstU64},
};
use sp_arithmetic::FixedU128;
use sp_runtime::{BuildStorage, DispatchError, DispatchResult, Weight};

type Block = frame_system::mocking::MockBlock<Test>;

/// Account ids.
pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
pub const CHARLIE: u64 = 3;
pub const DAVE: u64 = 4;
/// Markets: BTC-PERP trades; 7 does not exist.
pub const BTC_PERP: MarketId = 0;
/// One BTC in size units, and the lot (0.0001 BTC).
pub const ONE_BTC: u128 = 100_000_000;
pub const LOT: u128 = 10_000;
/// The smallest order: two lots.
pub const MIN_SIZE: u128 = 20_000;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Orderbook = pallet_orderbook;
	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
	/// Database costs as the runtime counts them, so that weights the pallet composes from
	/// them (reads, writes, the database work a block has already paid for) are tested.
	type DbWeight = frame_support::weights::constants::ParityDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// Every resting order holds this much CLR (the mock's default deposit).
pub const ORDER_DEPOSIT: u64 = 10;
/// Each trader's CLR at genesis: room for the most orders an account may rest.
pub const GENESIS_CLR: u64 = 1_000;

impl pallet_orderbook::Config for Test {
	type Clearing = MockClearing;
	type MaxPriceLevels = ConstU32<6>;
	type MaxOrdersPerLevel = ConstU32<3>;
	type MaxOpenOrdersPerAccount = ConstU32<5>;
	type MaxFillsPerOrder = ConstU32<4>;
	type MaxReduceOnlyPerMarket = ConstU32<2>;
	type MaxOrdersPerCall = ConstU32<4>;
	type MaxOrdersPricedFromBook = ConstU32<2>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositOrigin = frame_system::EnsureRoot<u64>;
	type DefaultOrderDeposit = ConstU64<ORDER_DEPOSIT>;
	type MaxOrderDeposit = ConstU64<1_000>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// `dollars` USD.
pub fn usd(dollars: u128) -> Price {
	FixedU128::from_inner(dollars * 1_000_000_000_000_000_000)
}

/// Settlement units (6 decimals) of `size` (8 decimals) at `price`, rounded down.
pub fn value(size: u128, price: Price) -> u128 {
	size * (price.into_inner() / 1_000_000_000_000) / 100_000_000
}

/// A trade the mock settled: (maker, taker, market, taker's signed size, price).
pub type Trade = (u64, u64, MarketId, i128, Price);

fn key(parts: impl Encode) -> Vec<u8> {
	(b"mock-clearing", parts).encode()
}

fn get<V: Decode + Default>(parts: impl Encode) -> V {
	unhashed::get(&key(parts)).unwrap_or_default()
}

fn put<V: Encode>(parts: impl Encode, value: V) {
	unhashed::put(&key(parts), &value)
}

/// `who`'s mock position in `market`.
pub fn position(who: u64, market: MarketId) -> i128 {
	get(("pos", who, market))
}

/// Sets `who`'s mock position.
pub fn set_position(who: u64, market: MarketId, size: i128) {
	put(("pos", who, market), size)
}

/// What `who` has committed in `market`: (bid size, bid value, ask size, ask value).
pub fn committed(who: u64, market: MarketId) -> (u128, u128, u128, u128) {
	get(("committed", who, market))
}

/// Limits `who`'s exposure (position at 60,000 plus committed order value) to `limit`
/// settlement units.
pub fn set_limit(who: u64, limit: u128) {
	put(("limit", who), Some(limit))
}

/// Every trade settled so far.
pub fn trades() -> Vec<Trade> {
	get("trades")
}

/// The last book top the venue reported for `market`.
pub fn book_top(market: MarketId) -> (Option<Price>, Option<Price>) {
	get(("top", market))
}

/// Sets a market's status.
pub fn set_status(market: MarketId, status: MarketStatus) {
	put(("status", market), Some(status))
}

/// The price band the mock reports unless a test sets one: 1 to 1,000,000 USD.
pub const WIDE_BAND: (Price, Price) = (
	FixedU128::from_inner(1_000_000_000_000_000_000),
	FixedU128::from_inner(1_000_000 * 1_000_000_000_000_000_000),
);

/// Makes every fill below `floor` fail on the maker's side, as the clearing house fails a
/// fill at a maker's price the index has left behind.
pub fn fail_makers_below(floor: Price) {
	put("maker_floor", Some(floor))
}

/// Sets the market's price band.
pub fn set_band(low: Price, high: Price) {
	put("band", Some((low, high)))
}

/// Makes every trade fail on the taker's side (e.g. a stale price).
pub fn reject_trades() {
	put("reject", true)
}

fn exposure(who: u64, market: MarketId) -> u128 {
	let (_, bid_value, _, ask_value) = committed(who, market);
	value(position(who, market).unsigned_abs(), usd(60_000)) + bid_value + ask_value
}

fn within_limit(who: u64, market: MarketId) -> bool {
	get::<Option<u128>>(("limit", who)).is_none_or(|limit| exposure(who, market) <= limit)
}

/// A clearing house that settles into storage-kept positions and checks a credit line.
pub struct MockClearing;

impl Clearing<u64, MarketId> for MockClearing {
	fn market_rules(market: MarketId) -> Option<MarketRules> {
		(market == BTC_PERP).then(|| MarketRules {
			tick_size: FixedU128::from_rational(1, 2),
			lot_size: LOT,
			min_size: MIN_SIZE,
			status: get::<Option<MarketStatus>>(("status", market)).unwrap_or(MarketStatus::Active),
		})
	}

	fn position_size(who: &u64, market: MarketId) -> SizeUnits {
		position(*who, market)
	}

	fn settle_trade(
		maker: &u64,
		taker: &u64,
		market: MarketId,
		size: SizeUnits,
		price: Price,
	) -> Result<TradeReceipt, SettleError> {
		frame_support::storage::with_storage_layer(|| {
			if get::<bool>("reject") {
				return Err(SettleError::Trade(DispatchError::Other("TradeRejected")));
			}
			if get::<Option<Price>>("maker_floor").is_some_and(|floor| price < floor) {
				return Err(SettleError::Maker(DispatchError::Other("PriceOutsideBand")));
			}
			let (maker_before, taker_before) = (position(*maker, market), position(*taker, market));
			set_position(*maker, market, maker_before - size);
			set_position(*taker, market, taker_before + size);
			let mut all = trades();
			all.push((*maker, *taker, market, size, price));
			put("trades", all);
			let maker_added = (maker_before - size).abs() > maker_before.abs();
			let taker_added = (taker_before + size).abs() > taker_before.abs();
			if maker_added && !within_limit(*maker, market) {
				return Err(SettleError::Maker(DispatchError::Other("MakerMarginInsufficient")));
			}
			if taker_added && !within_limit(*taker, market) {
				return Err(SettleError::Trade(DispatchError::Other("TakerMarginInsufficient")));
			}
			let notional = value(size.unsigned_abs(), price);
			Ok(TradeReceipt { maker_fee: notional * 2 / 10_000, taker_fee: notional * 5 / 10_000 })
		})
	}

	fn commit_order(
		who: &u64,
		market: MarketId,
		side: OrderSide,
		size: u128,
		price: Price,
	) -> DispatchResult {
		frame_support::storage::with_storage_layer(|| {
			let (mut bid_size, mut bid_value, mut ask_size, mut ask_value) =
				committed(*who, market);
			match side {
				OrderSide::Buy => {
					bid_size += size;
					bid_value += value(size, price);
				},
				OrderSide::Sell => {
					ask_size += size;
					ask_value += value(size, price);
				},
			}
			put(("committed", who, market), (bid_size, bid_value, ask_size, ask_value));
			if within_limit(*who, market) {
				Ok(())
			} else {
				Err(DispatchError::Other("OrderMarginInsufficient"))
			}
		})
	}

	/// The book never settles packages; the mock settles one leg after another, all or none,
	/// checking each leg as a trade.
	fn settle_package(
		maker: &u64,
		taker: &u64,
		legs: &[clearing_traits::PackageLeg],
	) -> Result<Vec<TradeReceipt>, SettleError> {
		frame_support::storage::with_storage_layer(|| {
			legs.iter()
				.map(|leg| Self::settle_trade(maker, taker, leg.market, leg.size, leg.price))
				.collect()
		})
	}

	/// The book's mock has no pools.
	fn is_pool_member(_pool: clearing_traits::PoolId, _who: &u64) -> bool {
		false
	}

	fn settle_fill(
		maker: &u64,
		taker: &u64,
		market: MarketId,
		size: SizeUnits,
		price: Price,
		maker_committed: bool,
	) -> Result<TradeReceipt, SettleError> {
		frame_support::storage::with_storage_layer(|| {
			if maker_committed {
				let side = if size > 0 { OrderSide::Sell } else { OrderSide::Buy };
				Self::release_order(maker, market, side, size.unsigned_abs(), price);
			}
			Self::settle_trade(maker, taker, market, size, price)
		})
	}

	fn release_order(who: &u64, market: MarketId, side: OrderSide, size: u128, price: Price) {
		let (mut bid_size, mut bid_value, mut ask_size, mut ask_value) = committed(*who, market);
		match side {
			OrderSide::Buy => {
				bid_size = bid_size.checked_sub(size).expect("released more bids than committed");
				bid_value -= value(size, price);
			},
			OrderSide::Sell => {
				ask_size = ask_size.checked_sub(size).expect("released more asks than committed");
				ask_value -= value(size, price);
			},
		}
		put(("committed", who, market), (bid_size, bid_value, ask_size, ask_value));
	}

	fn note_book_top(market: MarketId, best_bid: Option<Price>, best_ask: Option<Price>) {
		put(("top", market), (best_bid, best_ask))
	}

	fn price_band(market: MarketId) -> Option<(Price, Price)> {
		(market == BTC_PERP).then(|| get::<Option<(Price, Price)>>("band").unwrap_or(WIDE_BAND))
	}

	fn committed_size(who: &u64, market: MarketId, side: OrderSide) -> u128 {
		let (bid_size, _, ask_size, _) = committed(*who, market);
		match side {
			OrderSide::Buy => bid_size,
			OrderSide::Sell => ask_size,
		}
	}

	fn margin_check_surcharge(who: &u64, _market: MarketId) -> Weight {
		Weight::from_parts(get::<u64>(("surcharge", *who)), 0)
	}

	fn max_margin_check_surcharge() -> Weight {
		Weight::from_parts(MAX_SURCHARGE, 0)
	}

	fn surcharge_pricing_weight() -> Weight {
		Weight::zero()
	}
}

/// The most a margin check of one account costs beyond the benchmarked one, in the mock.
pub const MAX_SURCHARGE: u64 = 1_000_000;

/// Makes each margin check of `who` cost `ref_time` more (as a portfolio-margined account
/// does in the real clearing house).
pub fn set_surcharge(who: u64, ref_time: u64) {
	put(("surcharge", who), ref_time.min(MAX_SURCHARGE))
}

/// Benchmarks on the mock: one market, unlimited credit.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<u64> for MockBenchmarkHelper {
	fn market() -> (MarketId, Price) {
		(BTC_PERP, usd(60_000))
	}
	fn fund_trader(who: &u64) {
		use frame_support::traits::fungible::Mutate;
		let _ = Balances::mint_into(who, GENESIS_CLR);
	}
}

/// Test externalities that check the book's invariants ([`Orderbook::do_try_state`]) after
/// every closure they run: every test checks them for free.
pub struct CheckedExternalities(sp_io::TestExternalities);

impl CheckedExternalities {
	/// Runs `test`, then checks the invariants.
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			Orderbook::do_try_state().expect("every invariant holds after a test");
			result
		})
	}
}

/// An empty book at block 1; each trader holds [`GENESIS_CLR`] for order deposits.
pub fn new_test_ext() -> CheckedExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [ALICE, BOB, CHARLIE, DAVE].iter().map(|who| (*who, GENESIS_CLR)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	CheckedExternalities(ext)
}
