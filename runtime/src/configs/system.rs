//! `frame_system`: accounts, block limits.

use frame_support::{
	derive_impl, parameter_types,
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use sp_runtime::Perbill;
use sp_version::RuntimeVersion;

use crate::{
	AccountId, Balance, Block, BlockNumber, Hash, Nonce, PalletInfo, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeOrigin, RuntimeTask, UncheckedExtrinsic, BLOCK_HASH_COUNT, VERSION,
};

/// Share of a block's weight and length that ordinary (not operational) calls may fill.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	/// How many block hashes are kept in state.
	pub const BlockHashCount: BlockNumber = BLOCK_HASH_COUNT;
	/// This runtime's version.
	pub const Version: RuntimeVersion = VERSION;
	/// One second of compute per 3 s block: the same third of the block time that
	/// Polkadot's 2 s per 6 s leaves for propagation and import.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// At most 5 MiB of extrinsics per block.
	pub RuntimeBlockLength: BlockLength =
		BlockLength::max_with_normal_ratio(5 * 1024 * 1024, NORMAL_DISPATCH_RATIO);
	/// The generic Substrate SS58 prefix.
	pub const SS58Prefix: u8 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDb only.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = frame_support::traits::ConstU32<16>;
	/// Asset admins cannot touch the clearing house's tokens (see [`CollateralGuard`]).
	type BaseCallFilter = CollateralGuard;
}

/// Keeps the admin team of a collateral asset (its owner, issuer, admin and freezer in
/// `pallet-assets`) away from what the clearing house holds: signed calls that would burn,
/// move, freeze or block the clearing account's tokens, freeze or destroy a collateral
/// asset, or hand its team to someone else are refused before dispatch
/// (`CallFiltered`). Minting stays with the issuer: collateral is only as good as its issuer,
/// and the README's security model says so. Root (the `root` track, or sudo on development
/// chains) is not filtered: it can change the runtime anyway.
pub struct CollateralGuard;

impl frame_support::traits::Contains<RuntimeCall> for CollateralGuard {
	fn contains(call: &RuntimeCall) -> bool {
		use pallet_assets::Call as Assets;
		use sp_runtime::traits::StaticLookup;
		let RuntimeCall::Assets(call) = call else { return true };
		let collateral = |id: &codec::Compact<crate::AssetId>| {
			pallet_clearing::CollateralAssets::<Runtime>::contains_key(id.0)
		};
		let clearing = crate::Clearing::account_id();
		let is_clearing = |who: &sp_runtime::MultiAddress<AccountId, ()>| {
			<Runtime as frame_system::Config>::Lookup::lookup(who.clone())
				.is_ok_and(|account| account == clearing)
		};
		match call {
			Assets::burn { id, who, .. }
			| Assets::freeze { id, who }
			| Assets::block { id, who }
			| Assets::refund_other { id, who } => !(collateral(id) && is_clearing(who)),
			Assets::force_transfer { id, source, .. } => !(collateral(id) && is_clearing(source)),
			Assets::transfer_approved { id, owner, .. } => !(collateral(id) && is_clearing(owner)),
			Assets::freeze_asset { id }
			| Assets::start_destroy { id }
			| Assets::transfer_ownership { id, .. }
			| Assets::set_team { id, .. }
			| Assets::set_min_balance { id, .. } => !collateral(id),
			_ => true,
		}
	}
}

/// Off-chain workers submit unsigned transactions (the clearing pallet's liquidations) as
/// bare extrinsics of the runtime.
impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateBare<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}
