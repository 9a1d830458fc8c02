//! `Sudo` (a superuser key on development chains), `Utility` (batches) and `Multisig`
//! (calls approved by several signatories).

use crate::{Balance, Balances, OriginCaller, Runtime, RuntimeCall, RuntimeEvent, MILLI_CLR};

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

frame_support::parameter_types! {
	/// Held while a multisig call waits for approvals: a base of 0.2 CLR…
	pub const MultisigDepositBase: Balance = 200 * MILLI_CLR;
	/// …and 0.01 CLR per signatory.
	pub const MultisigDepositFactor: Balance = 10 * MILLI_CLR;
}

/// A permissioned pool's administrator may be a multisig's account: its officers approve
/// each admission (`as_multi`), up to 10 of them.
impl pallet_multisig::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type Currency = Balances;
	type DepositBase = MultisigDepositBase;
	type DepositFactor = MultisigDepositFactor;
	type MaxSignatories = frame_support::traits::ConstU32<10>;
	type WeightInfo = pallet_multisig::weights::SubstrateWeight<Runtime>;
	type BlockNumberProvider = crate::System;
}
