//! A test runtime: System and the block-trade pallet with real sr25519 keys
//! (`MultiSignature`), beside a mock clearing house.
//!
//! The mock keeps its books in storage (so a storage layer that rolls back a failed package
//! rolls the mock back too). Each account's margin is a credit line: the gross notional of
//! its positions at each market's reference price must stay within its limit, when one is
//! set, checked once per side after a package's legs, as the clearing house checks it.

use crate as pallet_blocktrade;
use crate::{BlockTradeTerms, QuoteLeg, QuoteOf};
use clearing_traits::{
	Clearing, MarketId, MarketRules, MarketStatus, OrderSide, PackageLeg, PoolId, Price,
	SettleError, SizeUnits, TradeReceipt,
};
use codec::{Decode, Encode};
use frame_support::{derive_impl, storage::unhashed, traits::ConstU32, BoundedVec};
use frame_system::EnsureRoot;
use sp_arithmetic::{FixedU128, Perbill};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{
	traits::IdentityLookup, AccountId32, BuildStorage, DispatchError, DispatchResult,
	MultiSignature, Weight,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = AccountId32;

/// Markets: BTC-PERP and ETH-PERP take block trades; SOL-PERP trades but has no terms; 9
/// does not exist.
pub const BTC_PERP: MarketId = 0;
pub const ETH_PERP: MarketId = 1;
pub const SOL_PERP: MarketId = 2;
/// One BTC and one ETH in size units (8 decimals), and the lot (0.0001).
pub const ONE: u128 = 100_000_000;
pub const LOT: u128 = 10_000;
/// The genesis hash the mock chain has.
pub const GENESIS: [u8; 32] = [0x42; 32];

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
	pub type BlockTrade = pallet_blocktrade;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
}

impl pallet_blocktrade::Config for Test {
	type Clearing = MockClearing;
	type OffchainSignature = MultiSignature;
	type OffchainPublic = sp_runtime::MultiSigner;
	type TermsOrigin = EnsureRoot<AccountId>;
	type MaxLegs = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// The dev key `//name`.
pub fn pair(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}"), None).expect("a valid dev seed")
}

/// The account of the dev key `//name`.
pub fn account(name: &str) -> AccountId {
	pair(name).public().into()
}

pub fn alice() -> AccountId {
	account("Alice")
}
pub fn bob() -> AccountId {
	account("Bob")
}
pub fn charlie() -> AccountId {
	account("Charlie")
}

fn key(parts: impl Encode) -> Vec<u8> {
	(b"mock-clearing", parts).encode()
}

fn get<V: Decode + Default>(name: &str) -> V {
	unhashed::get(&key(name)).unwrap_or_default()
}

fn put<V: Encode>(name: &str, value: V) {
	unhashed::put(&key(name), &value)
}

/// `who`'s position in `market` (size units, signed).
pub fn position(who: &AccountId, market: MarketId) -> i128 {
	unhashed::get(&key((b"position", who, market))).unwrap_or_default()
}

fn set_position(who: &AccountId, market: MarketId, size: i128) {
	unhashed::put(&key((b"position", who, market)), &size)
}

/// Every leg the mock settled: maker, taker, the leg.
pub fn settled() -> Vec<(AccountId, AccountId, MarketId, i128, u128, u32, u32)> {
	get("settled")
}

/// Caps `who`'s gross notional (USD, whole units) across its positions.
pub fn set_limit(who: &AccountId, usd: u128) {
	unhashed::put(&key((b"limit", who)), &usd)
}

/// Makes every leg in `market` fail as the taker's (as a stale price would).
pub fn fail_market(market: MarketId) {
	put("failing", Some(market))
}

/// Adds `who` to `pool`.
pub fn join_pool(pool: PoolId, who: &AccountId) {
	unhashed::put(&key((b"pool", pool, who)), &true)
}

/// The reference price of a market (USD per whole unit).
fn reference(market: MarketId) -> u128 {
	match market {
		BTC_PERP => 60_000,
		ETH_PERP => 3_000,
		_ => 150,
	}
}

fn within_limit(who: &AccountId) -> bool {
	let Some(limit) = unhashed::get::<u128>(&key((b"limit", who))) else { return true };
	let gross: u128 = [BTC_PERP, ETH_PERP, SOL_PERP]
		.iter()
		.map(|market| position(who, *market).unsigned_abs() * reference(*market) / ONE)
		.sum();
	gross <= limit
}

/// The mock clearing house.
pub struct MockClearing;

impl Clearing<AccountId, MarketId> for MockClearing {
	fn market_rules(market: MarketId) -> Option<MarketRules> {
		(market <= SOL_PERP).then(|| MarketRules {
			tick_size: match market {
				BTC_PERP => FixedU128::from_rational(1, 2),
				_ => FixedU128::from_rational(1, 100),
			},
			lot_size: LOT,
			min_size: LOT,
			status: MarketStatus::Active,
		})
	}

	fn position_size(who: &AccountId, market: MarketId) -> SizeUnits {
		position(who, market)
	}

	fn settle_trade(
		maker: &AccountId,
		taker: &AccountId,
		market: MarketId,
		size: SizeUnits,
		price: Price,
	) -> Result<TradeReceipt, SettleError> {
		Self::settle_package(
			maker,
			taker,
			&[PackageLeg {
				market,
				size,
				price,
				maker_fee: Perbill::zero(),
				taker_fee: Perbill::zero(),
			}],
		)
		.map(|receipts| receipts[0])
	}

	fn settle_fill(
		maker: &AccountId,
		taker: &AccountId,
		market: MarketId,
		size: SizeUnits,
		price: Price,
		_maker_committed: bool,
	) -> Result<TradeReceipt, SettleError> {
		Self::settle_trade(maker, taker, market, size, price)
	}

	fn settle_package(
		maker: &AccountId,
		taker: &AccountId,
		legs: &[PackageLeg],
	) -> Result<Vec<TradeReceipt>, SettleError> {
		frame_support::storage::with_storage_layer(|| {
			let mut receipts = Vec::new();
			for leg in legs {
				let (maker_before, taker_before) =
					(position(maker, leg.market), position(taker, leg.market));
				set_position(maker, leg.market, maker_before - leg.size);
				set_position(taker, leg.market, taker_before + leg.size);
				let mut all = settled();
				all.push((
					maker.clone(),
					taker.clone(),
					leg.market,
					leg.size,
					leg.price.into_inner(),
					leg.maker_fee.deconstruct(),
					leg.taker_fee.deconstruct(),
				));
				put("settled", all);
				if get::<Option<MarketId>>("failing") == Some(leg.market) {
					return Err(SettleError::Trade(DispatchError::Other("StalePrice")));
				}
				let notional =
					leg.size.unsigned_abs() * leg.price.into_inner() / ONE / 1_000_000_000_000;
				receipts.push(TradeReceipt {
					maker_fee: leg.maker_fee.mul_floor(notional),
					taker_fee: leg.taker_fee.mul_floor(notional),
				});
			}
			if !within_limit(maker) {
				return Err(SettleError::Maker(DispatchError::Other("MakerMarginInsufficient")));
			}
			if !within_limit(taker) {
				return Err(SettleError::Trade(DispatchError::Other("TakerMarginInsufficient")));
			}
			Ok(receipts)
		})
	}

	fn is_pool_member(pool: PoolId, who: &AccountId) -> bool {
		unhashed::get::<bool>(&key((b"pool", pool, who))).unwrap_or(false)
	}

	fn commit_order(
		_who: &AccountId,
		_market: MarketId,
		_side: OrderSide,
		_size: u128,
		_price: Price,
	) -> DispatchResult {
		Ok(())
	}

	fn release_order(
		_who: &AccountId,
		_market: MarketId,
		_side: OrderSide,
		_size: u128,
		_price: Price,
	) {
	}

	fn note_book_top(_market: MarketId, _best_bid: Option<Price>, _best_ask: Option<Price>) {}

	/// The band is the reference price ± 2%.
	fn price_band(market: MarketId) -> Option<(Price, Price)> {
		(market <= SOL_PERP).then(|| {
			let mid = FixedU128::from_u32(reference(market) as u32);
			let width = mid * FixedU128::from_rational(2, 100);
			(mid - width, mid + width)
		})
	}

	fn committed_size(_who: &AccountId, _market: MarketId, _side: OrderSide) -> u128 {
		0
	}

	fn margin_check_surcharge(who: &AccountId, _market: MarketId) -> Weight {
		// One unit of surcharge per position held, so the refund is visible.
		let held = [BTC_PERP, ETH_PERP, SOL_PERP]
			.iter()
			.filter(|market| position(who, **market) != 0)
			.count() as u64;
		Weight::from_parts(1_000_000 * held, 0)
	}

	fn max_margin_check_surcharge() -> Weight {
		Weight::from_parts(3_000_000, 0)
	}

	fn surcharge_pricing_weight() -> Weight {
		Weight::zero()
	}
}

/// The terms the tests open BTC-PERP and ETH-PERP with: 2 and 5 basis points, a minimum of
/// 0.1 unit.
pub fn terms() -> BlockTradeTerms {
	BlockTradeTerms {
		maker_fee: Perbill::from_parts(200_000),
		taker_fee: Perbill::from_parts(500_000),
		min_size: ONE / 10,
	}
}

/// A leg: the maker's side, size and price in whole USD.
pub fn leg(market: MarketId, side: OrderSide, size: u128, usd: u32) -> QuoteLeg {
	QuoteLeg { market, side, size, price: FixedU128::from_u32(usd) }
}

/// Alice's quote for anyone: she sells 1 BTC-PERP at 60,000 and buys 10 ETH-PERP at 3,000,
/// valid until block 10, nonce 1.
pub fn quote() -> QuoteOf<Test> {
	crate::Quote {
		maker: alice(),
		taker: None,
		taker_pool: None,
		legs: BoundedVec::truncate_from(vec![
			leg(BTC_PERP, OrderSide::Sell, ONE, 60_000),
			leg(ETH_PERP, OrderSide::Buy, 10 * ONE, 3_000),
		]),
		expires_at: 10,
		nonce: 1,
	}
}

/// `signer`'s signature over `quote` as signed for the chain with genesis hash `genesis`.
pub fn sign_for(signer: &str, quote: &QuoteOf<Test>, genesis: [u8; 32]) -> MultiSignature {
	let payload = (crate::QUOTE_DOMAIN, H256(genesis), quote).encode();
	MultiSignature::Sr25519(pair(signer).sign(&payload))
}

/// `signer`'s signature over `quote` on this chain.
pub fn sign(signer: &str, quote: &QuoteOf<Test>) -> MultiSignature {
	sign_for(signer, quote, GENESIS)
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		frame_system::BlockHash::<Test>::insert(0, H256(GENESIS));
		System::set_block_number(1);
		for market in [BTC_PERP, ETH_PERP] {
			BlockTrade::set_terms(RuntimeOrigin::root(), market, Some(terms())).unwrap();
		}
	});
	ext
}

/// Markets and keys for the benchmarks, on the mock.
#[cfg_attr(not(feature = "runtime-benchmarks"), allow(dead_code))]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId, MultiSignature> for MockBenchmarkHelper {
	fn markets(count: u32) -> Vec<(MarketId, Price)> {
		[BTC_PERP, ETH_PERP, SOL_PERP]
			.into_iter()
			.take(count as usize)
			.map(|market| (market, FixedU128::from_u32(reference(market) as u32)))
			.collect()
	}

	fn fund_trader(_who: &AccountId) {}

	fn pool_with_member(who: &AccountId) -> Option<PoolId> {
		join_pool(0, who);
		Some(0)
	}

	fn maker() -> AccountId {
		alice()
	}

	fn sign(_maker: &AccountId, message: &[u8]) -> MultiSignature {
		MultiSignature::Sr25519(pair("Alice").sign(message))
	}
}
