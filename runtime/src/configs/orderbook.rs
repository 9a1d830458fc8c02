//! `Orderbook`: the limit order book. Every fill settles through `Clearing`.
//!
//! Bounds and what they cost: an order touches at most 50 resting orders (each a full
//! settlement with both sides' margin checks), a side of a market holds at most 100 price
//! levels of at most 50 orders, an account rests at most 50 orders, and a bulk call places
//! or cancels at most 50. The benchmarked weights (see `pallet_orderbook::weights`) and
//! `docs/performance.md` give how many fills fit in a block.

use frame_support::traits::{ConstU128, ConstU32, EitherOf};
use frame_system::EnsureRoot;

use crate::{AccountId, Balances, Clearing, Runtime, RuntimeHoldReason, CLR, MILLI_CLR};

impl pallet_orderbook::Config for Runtime {
	type Clearing = Clearing;
	type MaxPriceLevels = ConstU32<100>;
	type MaxOrdersPerLevel = ConstU32<50>;
	type MaxOpenOrdersPerAccount = ConstU32<50>;
	/// A taker sweeps up to 50 resting orders: a market maker's whole side, or one lot of
	/// each of 50 quoters at the touch.
	type MaxFillsPerOrder = ConstU32<50>;
	/// A few reduce-only orders per market (take-profit and stop ladders); each costs the
	/// taker's cut of reduce-only orders one read.
	type MaxReduceOnlyPerMarket = ConstU32<4>;
	/// A quoter's whole ladder (as many orders as an account may rest): up to 50 orders
	/// placed, and 50 cancelled, per bulk call, each charged as its own order.
	type MaxOrdersPerCall = ConstU32<50>;
	/// Up to 4 orders of a bulk call that may match are priced from the book (up to about
	/// 200 items read each); any more are charged the most an order costs. Quotes (post-only)
	/// read one item each.
	type MaxOrdersPricedFromBook = ConstU32<4>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// Root, or a referendum on the `risk_parameters` track.
	type DepositOrigin = EitherOf<EnsureRoot<AccountId>, crate::governance::RiskParameters>;
	/// 0.01 CLR held per resting order: a full book side (100 levels of 50 orders) holds
	/// 50 CLR.
	type DefaultOrderDeposit = ConstU128<{ 10 * MILLI_CLR }>;
	/// At most 10 CLR per order.
	type MaxOrderDeposit = ConstU128<{ 10 * CLR }>;
	type WeightInfo = pallet_orderbook::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helper::OrderbookBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub(crate) mod benchmark_helper {
	use crate::{
		genesis_config_presets::{perpetual_markets, BTC_PERP},
		oracle::{OracleKey, PricedAsset},
		tokens, AccountId, Assets, Balances, Oracle, Runtime, RuntimeOrigin,
	};
	use frame_support::traits::{
		fungible::Mutate as _,
		fungibles::{Create, Inspect, Mutate},
	};
	use orml_oracle::DataFeeder;
	use pallet_clearing::{MarketId, Markets};
	use sp_runtime::{traits::AccountIdConversion, FixedU128};

	/// The index price the benchmarks trade around.
	fn price() -> FixedU128 {
		FixedU128::from_u32(60_000)
	}

	/// Markets and collateral for the order book's benchmarks.
	pub struct OrderbookBenchmarkHelper;
	impl pallet_orderbook::benchmarking::BenchmarkHelper<AccountId> for OrderbookBenchmarkHelper {
		fn market() -> (MarketId, FixedU128) {
			if Markets::<Runtime>::get(BTC_PERP).is_none() {
				for (id, params) in perpetual_markets() {
					Markets::<Runtime>::insert(id, params);
				}
			}
			Oracle::feed_value(None, OracleKey::Price(PricedAsset::BTC), price())
				.expect("root feeds are always accepted");
			(BTC_PERP, price())
		}

		fn fund_trader(who: &AccountId) {
			let amount = 100_000 * tokens::USDC.one();
			let _ = Balances::mint_into(who, crate::CLR);
			if !<Assets as Inspect<AccountId>>::asset_exists(tokens::USDC.id) {
				let admin: AccountId =
					frame_support::PalletId(*b"clr/bnch").into_account_truncating();
				<Assets as Create<AccountId>>::create(tokens::USDC.id, admin, true, 1)
					.expect("a new asset id can be created");
			}
			<Assets as Mutate<AccountId>>::mint_into(tokens::USDC.id, who, amount)
				.expect("minting to a funded account works");
			pallet_clearing::Pallet::<Runtime>::deposit(
				RuntimeOrigin::signed(who.clone()),
				tokens::USDC.id,
				amount,
			)
			.expect("USDC is registered collateral with room under its cap");
		}
	}
}
