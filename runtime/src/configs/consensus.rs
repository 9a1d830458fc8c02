//! `Timestamp`, `Aura` (block authoring) and `Grandpa` (finality).

use frame_support::traits::{ConstBool, ConstU32, ConstU64};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;

use crate::{Aura, Moment, Runtime, SLOT_DURATION};

impl pallet_timestamp::Config for Runtime {
	type Moment = Moment;
	type OnTimestampSet = Aura;
	/// Two blocks' timestamps must be at least half a slot apart.
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = crate::RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	/// No staking or session pallet: equivocations are not reported on chain.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}
