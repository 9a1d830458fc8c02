//! `BlockTrade`: block trades by signed quote. Every leg settles through `Clearing`.
//!
//! A quote carries at most 4 legs (a straddle and its delta hedge, or a calendar spread
//! with hedges), each margin-checked with the rest of the package and the accounts' books.
//! Makers sign with the chain's `MultiSignature` keys (sr25519 for the dev and
//! Polkadot.js accounts).

use frame_support::traits::{ConstU32, EitherOf};
use frame_system::EnsureRoot;

use crate::{AccountId, Clearing, Runtime, Signature};

impl pallet_blocktrade::Config for Runtime {
	type Clearing = Clearing;
	type OffchainSignature = Signature;
	type OffchainPublic = <Signature as sp_runtime::traits::Verify>::Signer;
	/// Root, or a referendum on the `risk_parameters` track: fees and minimums are risk
	/// parameters of a market.
	type TermsOrigin = EitherOf<EnsureRoot<AccountId>, crate::governance::RiskParameters>;
	type MaxLegs = ConstU32<4>;
	type WeightInfo = pallet_blocktrade::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helper::BlockTradeBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
mod benchmark_helper {
	use crate::{
		configs::orderbook::benchmark_helper::OrderbookBenchmarkHelper,
		genesis_config_presets::{perpetual_markets, BTC_PERP, ETH_PERP},
		oracle::{OracleKey, PricedAsset},
		AccountId, Oracle, Runtime, RuntimeOrigin, Signature,
	};
	use alloc::vec::Vec;
	use orml_oracle::DataFeeder;
	use pallet_clearing::{MarketId, Markets, PoolAdmin};
	use pallet_orderbook::benchmarking::BenchmarkHelper as _;
	use sp_core::{crypto::KeyTypeId, sr25519};
	use sp_runtime::{traits::IdentifyAccount, FixedU128, MultiSigner};

	const KEY_TYPE: KeyTypeId = KeyTypeId(*b"bltr");

	/// Markets, collateral, a pool and a signing key for the block-trade benchmarks.
	pub struct BlockTradeBenchmarkHelper;
	impl pallet_blocktrade::benchmarking::BenchmarkHelper<AccountId, Signature>
		for BlockTradeBenchmarkHelper
	{
		fn markets(count: u32) -> Vec<(MarketId, FixedU128)> {
			let listed = perpetual_markets();
			for (id, params) in &listed {
				if Markets::<Runtime>::get(id).is_none() {
					Markets::<Runtime>::insert(id, params);
				}
			}
			let btc = FixedU128::from_u32(60_000);
			let eth = FixedU128::from_u32(3_000);
			Oracle::feed_value(None, OracleKey::Price(PricedAsset::BTC), btc)
				.expect("root feeds are always accepted");
			Oracle::feed_value(None, OracleKey::Price(PricedAsset::ETH), eth)
				.expect("root feeds are always accepted");
			let mut markets = alloc::vec![(BTC_PERP, btc), (ETH_PERP, eth)];
			// Beyond the two listed perpetuals, copies of BTC-PERP under new ids.
			let template = listed
				.iter()
				.find(|(id, _)| *id == BTC_PERP)
				.map(|(_, p)| p.clone())
				.expect("listed");
			let mut next: MarketId = 100;
			while markets.len() < count as usize {
				Markets::<Runtime>::insert(next, template.clone());
				markets.push((next, btc));
				next += 1;
			}
			markets.truncate(count as usize);
			markets
		}

		fn fund_trader(who: &AccountId) {
			OrderbookBenchmarkHelper::fund_trader(who);
		}

		fn pool_with_member(who: &AccountId) -> Option<pallet_clearing::PoolId> {
			let pool = pallet_clearing::NextPoolId::<Runtime>::get();
			pallet_clearing::Pallet::<Runtime>::create_pool(
				RuntimeOrigin::root(),
				PoolAdmin::Account(who.clone()),
				true,
			)
			.expect("Root creates pools");
			pallet_clearing::Pallet::<Runtime>::add_pool_member(
				RuntimeOrigin::root(),
				pool,
				who.clone(),
			)
			.expect("Root adds members");
			Some(pool)
		}

		fn maker() -> AccountId {
			let public = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
			MultiSigner::from(public).into_account()
		}

		fn sign(maker: &AccountId, message: &[u8]) -> Signature {
			let public = sr25519::Public::from_raw(maker.clone().into());
			let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, &public, message)
				.expect("the benchmark's key is in the keystore");
			Signature::Sr25519(signature)
		}
	}
}
