//! # Clearing runtime
//!
//! The on-chain logic of the clearing chain, a clearing appchain for capital-efficient
//! derivatives. This crate composes the FRAME pallets the chain runs on:
//!
//! - consensus and time: `System`, `Timestamp`, `Aura` (3 s slots), `Grandpa`;
//! - money: `Balances` (the native token `CLR`, 12 decimals, for fees and governance),
//!   `TransactionPayment`, and `Assets`, which holds the collateral tokens (`USDC` with 6
//!   decimals, the settlement asset; `BTC` 8; `ETH` 18; `DOT` 10);
//! - prices: `Oracle` (`orml-oracle`), fed by the operator set kept in `OracleOperators`
//!   (a `pallet-membership` instance). See [`oracle`] for the keys and the value scale;
//! - administration: `Sudo` (the `development` preset only), `Utility` (batches) and
//!   `Multisig` (calls several signatories approve: a permissioned pool's officers);
//! - clearing: `Clearing` (`pallet-clearing`), the clearing house: one multi-asset collateral
//!   pool per trader, perpetual markets and European option series, cross, isolated and
//!   portfolio margin, adaptive margin, liquidation by validators' off-chain workers and
//!   auto-deleveraging (see its crate docs);
//! - trading: `Orderbook` (`pallet-orderbook`), a limit order book per market whose every
//!   fill is settled by `Clearing`, and `BlockTrade` (`pallet-blocktrade`), packages a maker
//!   signs off-chain and a taker executes, every leg settled by `Clearing` at once;
//! - governance: `Preimage`, `Scheduler`, `Referenda`, `ConvictionVoting` and `Origins`:
//!   referenda on the `root` and `risk_parameters` tracks (see [`governance`]).
//!
//! Runtime APIs are in [`apis`], pallet configurations in [`configs`] (one file per pallet
//! group), and the genesis presets `development` and `local_testnet` in
//! [`genesis_config_presets`].

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`-style macros expand to large types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod governance;
pub mod oracle;
pub mod tokens;

use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
#[cfg(feature = "std")]
use sp_version::NativeVersion;
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Types the node needs without knowing this runtime's extrinsic format, so that it can
/// keep syncing across runtime upgrades that change it.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The session keys of a validator: an Aura key to author blocks and a GRANDPA key to
	/// vote on finality.
	pub struct SessionKeys {
		/// Block authoring key.
		pub aura: Aura,
		/// Finality voting key.
		pub grandpa: Grandpa,
	}
}

/// The runtime's version. `spec_version` must rise with every runtime upgrade.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("clearing"),
	impl_name: alloc::borrow::Cow::Borrowed("clearing-runtime"),
	authoring_version: 1,
	spec_version: 107,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Block production timing.
mod block_times {
	/// Target block time. Liquidation latency is bounded by it, which is why the chain
	/// runs at half of Polkadot's 6 s.
	pub const MILLI_SECS_PER_BLOCK: u64 = 3000;

	/// Aura slot length. It cannot be changed once a chain has started: doing so would stop
	/// block production.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
}
pub use block_times::*;

/// Number of blocks in one minute.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Number of blocks in one hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Number of blocks in one day.
pub const DAYS: BlockNumber = HOURS * 24;

/// Number of recent block hashes kept in state (a day at 3 s blocks would be 28,800; this
/// keeps about two hours, enough for mortal transactions).
pub const BLOCK_HASH_COUNT: BlockNumber = 2400;

/// One `CLR`, the native token, in its smallest units (12 decimals).
pub const CLR: Balance = 1_000_000_000_000;
/// One thousandth of a `CLR`.
pub const MILLI_CLR: Balance = CLR / 1_000;
/// One millionth of a `CLR`.
pub const MICRO_CLR: Balance = CLR / 1_000_000;

/// The smallest `CLR` balance an account may hold; below it the account is reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_CLR;

/// The version of this runtime when compiled natively (used by the node's CLI).
#[cfg(feature = "std")]
pub fn native_version() -> NativeVersion {
	NativeVersion { runtime_version: VERSION, can_author_with: Default::default() }
}

/// A transaction signature (sr25519, ed25519 or ecdsa).
pub type Signature = MultiSignature;

/// An account identifier: the public key of the signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// A balance of `CLR` or of a collateral asset, in the token's smallest units.
pub type Balance = u128;

/// The identifier of an asset in `pallet-assets`.
pub type AssetId = u32;

/// A transaction counter per account.
pub type Nonce = u32;

/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;

/// A block number.
pub type BlockNumber = u32;

/// Milliseconds since the Unix epoch, as kept by `pallet-timestamp`.
pub type Moment = u64;

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// A block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;

/// Block identifier.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions every signed transaction carries, checked in this order.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// The money markets an upgrade to storage version 4 opens: the genesis presets' (see
/// [`genesis_config_presets::lending_markets`]).
pub struct LendingMarketsAtUpgrade;
impl frame_support::traits::Get<Vec<(AssetId, pallet_clearing::LendingConfig)>>
	for LendingMarketsAtUpgrade
{
	fn get() -> Vec<(AssetId, pallet_clearing::LendingConfig)> {
		genesis_config_presets::lending_markets()
	}
}

/// Migrations to run on the next runtime upgrade, besides the pallets' own.
#[allow(unused_parens)]
type Migrations = (
	pallet_clearing::migrations::v1::MigrateToV1<Runtime>,
	pallet_clearing::migrations::v2::MigrateToV2<Runtime>,
	pallet_clearing::migrations::v3::MigrateToV3<Runtime>,
	pallet_clearing::migrations::v4::MigrateToV4<Runtime, LendingMarketsAtUpgrade>,
	pallet_clearing::migrations::v5::MigrateToV5<Runtime>,
	pallet_orderbook::migrations::v1::MigrateToV1<Runtime>,
	pallet_orderbook::migrations::v2::MigrateToV2<Runtime>,
);

/// Executive: dispatches calls to the pallets and runs their hooks.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

/// The runtime: every pallet the chain runs, with a fixed index each. Indices are part of
/// the transaction format and must never be reused for another pallet.
#[frame_support::runtime]
mod runtime {
	/// The clearing chain's runtime.
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
	pub struct Runtime;

	/// Accounts, blocks, events.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	/// The block's timestamp, set by an inherent.
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	/// Block authoring by slot.
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	/// Finality.
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	/// The native token, CLR.
	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	/// Transaction fees in CLR.
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	/// A superuser key for development chains.
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	/// Batches of calls.
	#[runtime::pallet_index(7)]
	pub type Utility = pallet_utility;

	/// Calls approved by several signatories (a permissioned pool's officers).
	#[runtime::pallet_index(8)]
	pub type Multisig = pallet_multisig;

	/// Collateral tokens: USDC, BTC, ETH, DOT.
	#[runtime::pallet_index(10)]
	pub type Assets = pallet_assets;

	/// Prices and implied volatilities fed by the oracle operators.
	#[runtime::pallet_index(20)]
	pub type Oracle = orml_oracle;

	/// The oracle operator set.
	#[runtime::pallet_index(21)]
	pub type OracleOperators = pallet_membership<Instance1>;

	/// The clearing house: collateral pools, perpetual markets and option series, positions,
	/// margin.
	#[runtime::pallet_index(30)]
	pub type Clearing = pallet_clearing;

	/// The limit order book; every fill is settled by `Clearing`.
	#[runtime::pallet_index(31)]
	pub type Orderbook = pallet_orderbook;

	/// Block trades: packages signed by a maker off-chain, settled by `Clearing` at once.
	#[runtime::pallet_index(32)]
	pub type BlockTrade = pallet_blocktrade;

	/// Proposals' call data, noted by their proposers.
	#[runtime::pallet_index(40)]
	pub type Preimage = pallet_preimage;

	/// Calls dispatched at a later block: enacted referenda.
	#[runtime::pallet_index(41)]
	pub type Scheduler = pallet_scheduler;

	/// Referenda on the governance tracks.
	#[runtime::pallet_index(42)]
	pub type Referenda = pallet_referenda;

	/// Votes on referenda, weighted by conviction (how long the CLR stays locked).
	#[runtime::pallet_index(43)]
	pub type ConvictionVoting = pallet_conviction_voting;

	/// The origins governance tracks dispatch with (`RiskParameters`).
	#[runtime::pallet_index(44)]
	pub type Origins = governance::pallet_custom_origins;
}

#[cfg(test)]
mod tests;
