//! `Oracle` (`orml-oracle`) and `OracleOperators`, the `pallet-membership` instance that
//! holds the accounts allowed to feed it.

use frame_support::{parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_runtime::AccountId32;

use crate::{
	oracle::{OracleKey, OracleValue},
	AccountId, Moment, OracleOperators, Runtime, RuntimeEvent, Timestamp,
};

parameter_types! {
	/// Fewest fresh operator values needed to form a new median; with fewer, the previous
	/// combined value stays. One, so that a single dev operator can move prices; a network
	/// with more operators still takes the median of all fresh values. Kept in storage
	/// (`:OracleMinimumCount:`) so that root can raise it without a runtime upgrade.
	pub storage OracleMinimumCount: u32 = 1;
	/// How long an operator's raw value takes part in the median (ms): ten minutes. The
	/// clearing pallet applies its own, stricter maximum price age on top.
	pub const OracleValueLifetime: Moment = 10 * 60 * 1000;
	/// The account that values fed by root are recorded under.
	pub const OracleRootOperator: AccountId = AccountId32::new([0xff; 32]);
}

impl orml_oracle::Config for Runtime {
	type OnNewData = ();
	type CombineData =
		orml_oracle::DefaultCombineData<Runtime, OracleMinimumCount, OracleValueLifetime>;
	type Time = Timestamp;
	type OracleKey = OracleKey;
	type OracleValue = OracleValue;
	type RootOperatorAccountId = OracleRootOperator;
	type Members = OracleOperators;
	type WeightInfo = ();
	/// At most this many operators can feed in one block.
	type MaxHasDispatchedSize = ConstU32<32>;
	/// At most this many values per feed.
	type MaxFeedValues = ConstU32<32>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// The operator set is changed by root (later: by governance).
impl pallet_membership::Config<pallet_membership::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = EnsureRoot<AccountId>;
	type RemoveOrigin = EnsureRoot<AccountId>;
	type SwapOrigin = EnsureRoot<AccountId>;
	type ResetOrigin = EnsureRoot<AccountId>;
	type PrimeOrigin = EnsureRoot<AccountId>;
	type MembershipInitialized = ();
	type MembershipChanged = ();
	type MaxMembers = ConstU32<32>;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}
