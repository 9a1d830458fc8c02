//! `Clearing`: the clearing house. Prices come from `Oracle`, tokens from `Assets`.

use frame_support::traits::EitherOf;
use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64},
	PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::traits::AccountIdConversion;
use sp_runtime::transaction_validity::TransactionPriority;

use crate::{oracle::OracleKey, tokens, AccountId, AssetId, Assets, Oracle, Runtime, Timestamp};

/// Reads combined `orml-oracle` values with the time they were fed.
pub struct OraclePrices;
impl pallet_clearing::PriceProvider<OracleKey> for OraclePrices {
	fn price(key: &OracleKey) -> Option<(sp_runtime::FixedU128, u64)> {
		Oracle::get(key).map(|timestamped| (timestamped.value, timestamped.timestamp))
	}
}

parameter_types! {
	/// The clearing pallet's id: its account holds every deposited token.
	pub const ClearingPalletId: PalletId = PalletId(*b"clr/clrh");
	/// The settlement asset: USDC.
	pub const SettlementAsset: AssetId = tokens::USDC.id;
	/// USDC's decimals.
	pub const SettlementDecimals: u8 = tokens::USDC.decimals;
	/// Trading fees are booked to this account's settlement balance.
	pub FeeAccount: AccountId = PalletId(*b"clr/fees").into_account_truncating();
	/// The insurance fund: the backstop of liquidations, paid their penalties, payer of bad
	/// debt.
	pub InsuranceAccount: AccountId = PalletId(*b"clr/insr").into_account_truncating();
	/// Unsigned liquidations go ahead of ordinary transactions of the same length.
	pub const LiquidationPriority: TransactionPriority = TransactionPriority::MAX / 2;
}

impl pallet_clearing::Config for Runtime {
	type AssetId = AssetId;
	type Assets = Assets;
	type OracleKey = OracleKey;
	type PriceProvider = OraclePrices;
	type Time = Timestamp;
	type SettlementAsset = SettlementAsset;
	type SettlementDecimals = SettlementDecimals;
	/// Root (sudo on development chains, the `root` track) or a referendum on the
	/// `risk_parameters` track.
	type RiskOrigin = EitherOf<EnsureRoot<AccountId>, crate::governance::RiskParameters>;
	/// Root alone: a listing applies at once, unbounded by the risk track's setters.
	type ListingOrigin = EnsureRoot<AccountId>;
	type PalletId = ClearingPalletId;
	type FeeAccount = FeeAccount;
	type InsuranceAccount = InsuranceAccount;
	/// How many accounts the liquidation worker checks after each block. One check costs
	/// 0.26 ms (one position) to 0.67 ms (sixteen) in the wasm runtime with its storage
	/// reads (the benchmarked margin check of `withdraw`), so a run takes at most 0.67 s of a
	/// 3 s block, and a full pass over `N` accounts takes `ceil(N / 1,000)` blocks.
	type MaxAccountsScannedPerBlock = ConstU32<1_000>;
	/// Bands hold for an hour: funding at the listed caps (0.1% an interval of an hour)
	/// then holds back 0.2% of a position's notional, and 100,000 accounts renew about 83
	/// bands a block.
	type BandHorizonMs = ConstU64<3_600_000>;
	/// A check costs the worker about 60 µs on this machine: 20,000 is about 1.2 s of the
	/// 3 s between blocks, every flagged book after a 10% crash of 100,000 accounts.
	type MaxFlaggedChecksPerBlock = ConstU32<20_000>;
	type LiquidationPriority = LiquidationPriority;
	/// A liquidation that has not landed within 5 blocks (15 s) is dropped; the worker
	/// submits a fresh one if the account is still unsafe.
	type LiquidationLongevity = ConstU64<5>;
	type MaxCollateralAssets = ConstU32<8>;
	type MaxPositionsPerAccount = ConstU32<16>;
	type MaxMarginTiers = ConstU32<8>;
	type MaxSymbolLength = ConstU32<16>;
	type MaxSynthetics = ConstU32<8>;
	type WeightInfo = pallet_clearing::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helper::ClearingBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
mod benchmark_helper {
	use super::*;
	use crate::{oracle::PricedAsset, AccountId, Balances};
	use frame_support::traits::{
		fungible::Mutate as _,
		fungibles::{Create, Inspect, Mutate},
	};
	use orml_oracle::DataFeeder;

	/// Tokens and prices for the clearing pallet's benchmarks.
	pub struct ClearingBenchmarkHelper;
	impl pallet_clearing::benchmarking::BenchmarkHelper<AccountId, AssetId, OracleKey>
		for ClearingBenchmarkHelper
	{
		fn collateral_asset() -> (AssetId, OracleKey) {
			(tokens::BTC.id, OracleKey::Price(PricedAsset::BTC))
		}
		fn market_oracle_key() -> OracleKey {
			OracleKey::Price(PricedAsset::BTC)
		}
		fn volatility_key() -> OracleKey {
			OracleKey::ImpliedVolatility(PricedAsset::BTC)
		}
		fn fund(asset: AssetId, who: &AccountId, amount: u128) {
			let _ = Balances::mint_into(who, crate::CLR);
			if !<Assets as Inspect<AccountId>>::asset_exists(asset) {
				let admin: AccountId = PalletId(*b"clr/bnch").into_account_truncating();
				<Assets as Create<AccountId>>::create(asset, admin, true, 1)
					.expect("a new asset id can be created");
			}
			<Assets as Mutate<AccountId>>::mint_into(asset, who, amount)
				.expect("minting to a funded account works");
		}
		fn set_price(key: OracleKey, price: sp_runtime::FixedU128) {
			Oracle::feed_value(None, key, price).expect("root feeds are always accepted");
		}
		fn set_now(ms: u64) {
			pallet_timestamp::Now::<Runtime>::put(ms);
		}
		fn synthetic_token(owner: &AccountId, decimals: u8, index: u32) -> AssetId {
			// New tokens take the next id `Assets` hands out (it refuses any other).
			let asset = pallet_assets::NextAssetId::<Runtime>::get().unwrap_or(100 + index);
			<Assets as Create<AccountId>>::create(asset, owner.clone(), true, 1)
				.expect("a new asset id can be created");
			Assets::force_set_metadata(
				crate::RuntimeOrigin::root(),
				asset.into(),
				b"Synthetic".to_vec(),
				b"sX".to_vec(),
				decimals,
				false,
			)
			.expect("Root sets metadata");
			asset
		}
	}
}
