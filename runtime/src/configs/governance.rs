//! Governance: `Preimage`, `Scheduler`, `Referenda`, `ConvictionVoting` and the custom
//! origins (see [`crate::governance`]).

use frame_support::{
	parameter_types,
	traits::{fungible::HoldConsideration, ConstU32, EqualPrivilegeOnly, LinearStoragePrice},
	weights::Weight,
};
use frame_system::{EnsureRoot, EnsureSigned};

use crate::{
	configs::RuntimeBlockWeights,
	governance::{pallet_custom_origins, TracksInfo},
	AccountId, Balance, Balances, BlockNumber, OriginCaller, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, CLR, MILLI_CLR,
};

parameter_types! {
	/// Held from whoever notes a preimage, plus a part per byte.
	pub const PreimageBaseDeposit: Balance = CLR;
	/// Held per byte of a noted preimage.
	pub const PreimageByteDeposit: Balance = MILLI_CLR;
	/// Why a preimage deposit is held.
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

parameter_types! {
	/// Scheduled calls (enacted referenda) may use up to 80% of a block.
	pub MaximumSchedulerWeight: Weight =
		RuntimeBlockWeights::get().max_block.saturating_mul(4) / 5;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	/// Only Root schedules directly; referenda schedule through `Referenda` itself.
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	/// How long a vote's CLR stays locked per conviction step after the referendum ends: one
	/// conviction step is 10 blocks on the development chain (a production network would
	/// lock for 7 days per step).
	pub const VoteLockingPeriod: BlockNumber = 10;
}

impl pallet_conviction_voting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_conviction_voting::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type Polls = Referenda;
	/// Support is measured against all CLR in existence.
	type MaxTurnout =
		frame_support::traits::tokens::currency::ActiveIssuanceOf<Balances, AccountId>;
	type MaxVotes = ConstU32<64>;
	type VoteLockingPeriod = VoteLockingPeriod;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

parameter_types! {
	/// Held from whoever submits a referendum until it is decided.
	pub const SubmissionDeposit: Balance = 10 * CLR;
	/// A referendum without a decision deposit is dropped after this many blocks.
	pub const UndecidingTimeout: BlockNumber = 100;
}

impl pallet_referenda::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type Scheduler = Scheduler;
	type Currency = Balances;
	/// Any signed account may propose on any track; the track's vote decides.
	type SubmitOrigin = EnsureSigned<AccountId>;
	type CancelOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Slash = ();
	type Votes = pallet_conviction_voting::VotesOf<Runtime>;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<20>;
	type UndecidingTimeout = UndecidingTimeout;
	/// Referenda are re-checked every block: the dev periods are only a few blocks long.
	type AlarmInterval = ConstU32<1>;
	type Tracks = TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_custom_origins::Config for Runtime {}
