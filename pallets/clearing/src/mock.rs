//! A test runtime: System, Balances (for asset deposits), Assets (USDC and BTC) and the
//! clearing pallet, with a price table and a clock the tests set.

use crate as pallet_clearing;
use crate::{CollateralConfig, MarketParams, MarketStatus, PriceProvider};
use frame_support::traits::EitherOfDiverse;
use frame_support::{
	derive_impl, parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU32, ConstU64, ConstU8},
	BoundedVec, PalletId,
};
use frame_system::{EnsureRoot, EnsureSigned, EnsureSignedBy};
use risk_engine::{CollateralParams, MarginTier, Price};
use sp_arithmetic::{FixedU128, Perbill};
use sp_runtime::BuildStorage;
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;

/// Account ids.
pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
pub const CHARLIE: u64 = 3;
pub const FEES: u64 = 99;
pub const INSURANCE: u64 = 98;
/// Signs for the risk origin (as a referendum on the risk track would): not Root.
pub const RISK_COUNCIL: u64 = 90;
/// Asset ids.
pub const USDC: u32 = 1;
pub const BTC: u32 = 2;
/// Oracle keys.
pub const BTC_PRICE: u32 = 10;
/// Market ids.
pub const BTC_PERP: u32 = 0;
/// One USDC and one BTC in smallest units.
pub const ONE_USDC: u128 = 1_000_000;
pub const ONE_BTC: u128 = 100_000_000;
/// The clock at genesis (ms).
pub const START_MS: u64 = 1_700_000_000_000;

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
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Assets = pallet_assets;
	#[runtime::pallet_index(3)]
	pub type Clearing = pallet_clearing;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

#[derive_impl(pallet_assets::config_preludes::TestDefaultConfig)]
impl pallet_assets::Config for Test {
	type Balance = u128;
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<u64>>;
	type ForceOrigin = EnsureRoot<u64>;
}

thread_local! {
	static PRICES: RefCell<BTreeMap<u32, (Price, u64)>> = RefCell::new(BTreeMap::new());
	static NOW: RefCell<u64> = const { RefCell::new(START_MS) };
}

/// The test oracle: a table the tests fill.
pub struct TestPrices;
impl PriceProvider<u32> for TestPrices {
	fn price(key: &u32) -> Option<(Price, u64)> {
		PRICES.with(|p| p.borrow().get(key).copied())
	}
}

/// Sets `key`'s price to `usd` (whole dollars), observed now.
pub fn set_price(key: u32, usd: u128) {
	set_price_at(key, FixedU128::from_inner(usd * 1_000_000_000_000_000_000), now());
}

/// Sets `key`'s price and when it was observed.
pub fn set_price_at(key: u32, price: Price, observed_at: u64) {
	PRICES.with(|p| p.borrow_mut().insert(key, (price, observed_at)));
}

/// Removes `key`'s price.
pub fn clear_price(key: u32) {
	PRICES.with(|p| p.borrow_mut().remove(&key));
}

/// The test clock.
pub struct TestTime;
impl frame_support::traits::Time for TestTime {
	type Moment = u64;
	fn now() -> u64 {
		now()
	}
}

/// The current test time (ms).
pub fn now() -> u64 {
	NOW.with(|n| *n.borrow())
}

/// Moves the clock forward by `ms`.
pub fn advance(ms: u64) {
	NOW.with(|n| *n.borrow_mut() += ms);
}

frame_support::ord_parameter_types! {
	/// Stands for a passed referendum on the risk track: a risk origin that is not Root.
	pub const RiskCouncil: u64 = RISK_COUNCIL;
}

parameter_types! {
	pub const ClearingPalletId: PalletId = PalletId(*b"clr/clrh");
	pub const SettlementAsset: u32 = USDC;
	pub const FeeAccount: u64 = FEES;
	pub const InsuranceAccount: u64 = INSURANCE;
}

/// The mock's extrinsic, as its blocks carry them.
pub type Extrinsic = frame_system::mocking::MockUncheckedExtrinsic<Test>;

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateBare<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_bare(call: RuntimeCall) -> Extrinsic {
		Extrinsic::new_bare(call)
	}
}

impl pallet_clearing::Config for Test {
	type AssetId = u32;
	type Assets = Assets;
	type OracleKey = u32;
	type PriceProvider = TestPrices;
	type Time = TestTime;
	type SettlementAsset = SettlementAsset;
	type SettlementDecimals = ConstU8<6>;
	type RiskOrigin = EitherOfDiverse<EnsureRoot<u64>, EnsureSignedBy<RiskCouncil, u64>>;
	type ListingOrigin = EnsureRoot<u64>;
	type PalletId = ClearingPalletId;
	type FeeAccount = FeeAccount;
	type InsuranceAccount = InsuranceAccount;
	type MaxAccountsScannedPerBlock = ConstU32<2>;
	type BandHorizonMs = ConstU64<3_600_000>;
	type MaxFlaggedChecksPerBlock = ConstU32<1_000>;
	type LiquidationPriority = ConstU64<1_000>;
	type LiquidationLongevity = ConstU64<5>;
	type MaxCollateralAssets = ConstU32<4>;
	type MaxPositionsPerAccount = ConstU32<4>;
	type MaxMarginTiers = ConstU32<4>;
	type MaxSymbolLength = ConstU32<16>;
	type MaxSynthetics = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TestBenchmarkHelper;
}

/// Tokens and prices for the benchmarks, on the mock.
#[cfg(feature = "runtime-benchmarks")]
pub struct TestBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<u64, u32, u32> for TestBenchmarkHelper {
	fn collateral_asset() -> (u32, u32) {
		(BTC, BTC_PRICE)
	}
	fn market_oracle_key() -> u32 {
		BTC_PRICE
	}
	fn volatility_key() -> u32 {
		12
	}
	fn fund(asset: u32, who: &u64, amount: u128) {
		use frame_support::traits::fungibles::Mutate;
		let _ = Balances::force_set_balance(RuntimeOrigin::root(), *who, 1_000);
		Assets::mint_into(asset, who, amount).expect("the mock's assets exist");
	}
	fn set_price(key: u32, price: Price) {
		set_price_at(key, price, now());
	}
	fn set_now(ms: u64) {
		NOW.with(|n| *n.borrow_mut() = ms);
	}
	fn synthetic_token(owner: &u64, decimals: u8, index: u32) -> u32 {
		let asset = 50 + index;
		Assets::force_create(RuntimeOrigin::root(), asset, *owner, true, 1)
			.expect("a new asset id can be created");
		Assets::force_set_metadata(
			RuntimeOrigin::root(),
			asset,
			b"Synthetic".to_vec(),
			b"sX".to_vec(),
			decimals,
			false,
		)
		.expect("Root sets metadata");
		asset
	}
}

/// USDC: the settlement asset, at par.
pub fn usdc_config() -> CollateralConfig<u32> {
	CollateralConfig {
		oracle_key: None,
		params: CollateralParams {
			decimals: 6,
			initial_haircut: Perbill::one(),
			maintenance_haircut: Perbill::one(),
		},
		deposit_cap: 100_000_000 * ONE_USDC,
	}
}

/// BTC collateral: 90% initial, 95% maintenance.
pub fn btc_config() -> CollateralConfig<u32> {
	CollateralConfig {
		oracle_key: Some(BTC_PRICE),
		params: CollateralParams {
			decimals: 8,
			initial_haircut: Perbill::from_percent(90),
			maintenance_haircut: Perbill::from_percent(95),
		},
		deposit_cap: 1_000 * ONE_BTC,
	}
}

/// BTC-PERP: sizes in satoshi, lots of 0.0001 BTC, tick 0.1 USD, 5%/3% up to 1M USDC of
/// notional and 10%/6% above, 0.05% taker and 0.02% maker fees, hourly funding capped at
/// 0.75%, a 1% mark band and 1,000 BTC of open interest.
pub fn btc_perp() -> crate::MarketParamsOf<Test> {
	MarketParams {
		symbol: BoundedVec::truncate_from(b"BTC-PERP".to_vec()),
		oracle_key: BTC_PRICE,
		size_decimals: 8,
		tick_size: FixedU128::from_rational(1, 10),
		lot_size: 10_000,
		min_size: 10_000,
		tiers: BoundedVec::truncate_from(vec![
			MarginTier {
				notional_floor: 0,
				initial_fraction: Perbill::from_percent(5),
				maintenance_fraction: Perbill::from_percent(3),
			},
			MarginTier {
				notional_floor: 1_000_000 * ONE_USDC,
				initial_fraction: Perbill::from_percent(10),
				maintenance_fraction: Perbill::from_percent(6),
			},
		]),
		taker_fee: Perbill::from_parts(500_000),
		maker_fee: Perbill::from_parts(200_000),
		funding_interval_ms: 3_600_000,
		funding_rate_cap: Perbill::from_parts(7_500_000),
		mark_price_band: Perbill::from_percent(1),
		max_price_age_ms: None,
		open_interest_cap: 1_000 * ONE_BTC,
		status: MarketStatus::Active,
		instrument: Default::default(),
		price_band: Perbill::from_percent(10),
	}
}

/// Test externalities that check the pallet's invariants ([`Clearing::do_try_state`]) after
/// every closure they run, as `pallet-assets`' `build_and_execute` does: every test checks
/// them for free.
pub struct CheckedExternalities(sp_io::TestExternalities);

impl CheckedExternalities {
	/// Runs `test`, then checks the invariants.
	pub fn execute_with<R>(&mut self, test: impl FnOnce() -> R) -> R {
		self.0.execute_with(|| {
			let result = test();
			Clearing::do_try_state().expect("every invariant holds after a test");
			result
		})
	}
}

impl core::ops::Deref for CheckedExternalities {
	type Target = sp_io::TestExternalities;
	fn deref(&self) -> &Self::Target {
		&self.0
	}
}

impl core::ops::DerefMut for CheckedExternalities {
	fn deref_mut(&mut self) -> &mut Self::Target {
		&mut self.0
	}
}

/// Genesis: USDC and BTC registered and minted to Alice, Bob and Charlie (1M USDC, 10 BTC
/// each), BTC-PERP listed, BTC at 60,000 USD.
pub fn new_test_ext() -> CheckedExternalities {
	new_test_ext_seeded(None)
}

/// [`new_test_ext`] with a seeded book in the clearing genesis (see [`crate::genesis`]).
pub fn new_test_ext_seeded(seeded: Option<crate::SeededBook<u64>>) -> CheckedExternalities {
	PRICES.with(|p| p.borrow_mut().clear());
	NOW.with(|n| *n.borrow_mut() = START_MS);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, 1_000), (BOB, 1_000), (CHARLIE, 1_000), (FEES, 1_000)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let traders = [ALICE, BOB, CHARLIE];
	pallet_assets::GenesisConfig::<Test> {
		assets: vec![(USDC, ALICE, true, 1), (BTC, ALICE, true, 1)],
		metadata: vec![],
		accounts: traders
			.iter()
			.flat_map(|who| [(USDC, *who, 1_000_000 * ONE_USDC), (BTC, *who, 10 * ONE_BTC)])
			.collect(),
		next_asset_id: None,
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_clearing::GenesisConfig::<Test> {
		collateral: vec![(USDC, usdc_config()), (BTC, btc_config())],
		markets: vec![(BTC_PERP, btc_perp())],
		max_price_age_ms: Some(60_000),
		seeded,
		lending: vec![],
		synthetics: vec![],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		set_price(BTC_PRICE, 60_000);
	});
	CheckedExternalities(ext)
}
