//! The runtime APIs the node and wallets (Polkadot.js apps) call: the standard set for a
//! solochain, plus `OracleApi` to read combined oracle values.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use orml_oracle::DataProviderExtended;
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_version::RuntimeVersion;

use crate::{
	oracle::{OracleKey, OracleProviderId, TimestampedOracleValue},
	AccountId, AssetId, Aura, Balance, Block, BlockTrade, Clearing, Executive, Grandpa,
	InherentDataExt, Nonce, Oracle, Orderbook, Runtime, RuntimeCall, RuntimeGenesisConfig,
	SessionKeys, System, TransactionPayment, VERSION,
};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: Block) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: Block,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(seed: Option<Vec<u8>>) -> Vec<u8> {
			SessionKeys::generate(seed)
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			// Without a session pallet there is no key-ownership proof to report against.
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			// `KeyOwnerProof` is `Void`: no proof can exist.
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl orml_oracle_runtime_api::OracleApi<
		Block,
		OracleProviderId,
		OracleKey,
		TimestampedOracleValue,
	> for Runtime {
		fn get_value(provider_id: OracleProviderId, key: OracleKey) -> Option<TimestampedOracleValue> {
			match provider_id {
				OracleProviderId::Aggregated => Oracle::get_no_op(&key),
			}
		}

		fn get_all_values(
			provider_id: OracleProviderId,
		) -> Vec<(OracleKey, Option<TimestampedOracleValue>)> {
			match provider_id {
				OracleProviderId::Aggregated => Oracle::get_all_values(),
			}
		}
	}

	#[api_version(6)]
	impl clearing_runtime_api::ClearingApi<
		Block,
		AccountId,
		AssetId,
		OracleKey,
		pallet_clearing::RiskChangeOf<Runtime>,
	> for Runtime {
		fn account_report(
			who: AccountId,
		) -> Result<pallet_clearing::AccountReport<AssetId>, sp_runtime::DispatchError> {
			Clearing::account_report(&who)
		}

		fn market(id: pallet_clearing::MarketId) -> Option<pallet_clearing::MarketReport<OracleKey>> {
			Clearing::market_report(id)
		}

		fn liquidatable_accounts(
			start_after: Option<AccountId>,
			limit: u32,
		) -> pallet_clearing::LiquidatablePage<AccountId> {
			Clearing::liquidatable_accounts(start_after, limit.min(1_000))
		}

		fn liquidation_prices(
			who: AccountId,
		) -> Vec<(pallet_clearing::MarketId, Option<pallet_clearing::Price>)> {
			Clearing::liquidation_prices(&who)
		}

		fn insurance_fund() -> pallet_clearing::InsuranceFundReport<AccountId, AssetId> {
			Clearing::insurance_fund()
		}

		fn preview_risk_change(
			change: pallet_clearing::RiskChangeOf<Runtime>,
		) -> Result<pallet_clearing::RiskChangePreview<AccountId>, sp_runtime::DispatchError> {
			Clearing::preview_risk_change(change)
		}

		fn margin_report(
			who: AccountId,
		) -> Result<pallet_clearing::MarginReport<OracleKey, AssetId>, sp_runtime::DispatchError> {
			Clearing::margin_report(&who)
		}

		fn capital_efficiency() -> pallet_clearing::ChainEfficiency<AssetId> {
			Clearing::capital_efficiency()
		}

		fn simulate(
			who: AccountId,
			trades: Vec<pallet_clearing::SimulatedTrade>,
		) -> Result<pallet_clearing::MarginReport<OracleKey, AssetId>, sp_runtime::DispatchError> {
			Clearing::simulate(&who, &trades)
		}

		fn adaptive_margin(
			market: pallet_clearing::MarketId,
		) -> Option<pallet_clearing::AdaptiveMarginReport> {
			Clearing::adaptive_margin_report(market)
		}

		fn adaptive_margin_warnings() -> Vec<pallet_clearing::RampWarning<AccountId>> {
			Clearing::adaptive_margin_warnings()
		}

		fn money_market() -> Vec<pallet_clearing::MoneyMarketReport<AssetId>> {
			Clearing::money_market()
		}

		fn synthetics() -> Vec<pallet_clearing::SyntheticReport<AccountId, AssetId, OracleKey>> {
			Clearing::synthetics_report()
		}

		fn pools() -> Vec<pallet_clearing::PoolReport<AccountId>> {
			Clearing::pools()
		}
	}

	impl blocktrade_runtime_api::BlockTradeApi<Block, AccountId, pallet_blocktrade::QuoteOf<Runtime>>
		for Runtime
	{
		fn nonce_status(maker: AccountId, nonce: u64) -> pallet_blocktrade::NonceStatus {
			BlockTrade::nonce_status(&maker, nonce)
		}

		fn nonce_floor(maker: AccountId) -> u64 {
			pallet_blocktrade::NonceFloor::<Runtime>::get(&maker)
		}

		fn terms() -> Vec<(pallet_blocktrade::MarketId, pallet_blocktrade::BlockTradeTerms)> {
			let mut terms: Vec<_> = pallet_blocktrade::Terms::<Runtime>::iter().collect();
			terms.sort_by_key(|(market, _)| *market);
			terms
		}

		fn signing_payload(quote: pallet_blocktrade::QuoteOf<Runtime>) -> Vec<u8> {
			BlockTrade::signing_payload(&quote)
		}
	}

	impl orderbook_runtime_api::OrderbookApi<Block, AccountId> for Runtime {
		fn depth(market: pallet_orderbook::MarketId, levels: u32) -> pallet_orderbook::BookDepth {
			Orderbook::depth(market, levels)
		}

		fn open_orders(who: AccountId) -> Vec<pallet_orderbook::OpenOrder> {
			Orderbook::open_orders(&who)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::{baseline, BenchmarkList};
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::Pallet as SystemBench;
			use frame_system_benchmarking::extensions::Pallet as SystemExtensionsBench;
			use baseline::Pallet as BaselineBench;
			use crate::*;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);

			let storage_info = AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::{baseline, BenchmarkBatch};
			use sp_storage::TrackedStorageKey;
			use frame_system_benchmarking::Pallet as SystemBench;
			use frame_system_benchmarking::extensions::Pallet as SystemExtensionsBench;
			use baseline::Pallet as BaselineBench;
			use frame_support::traits::WhitelistedStorageKeys;
			use crate::*;

			impl frame_system_benchmarking::Config for Runtime {}
			impl baseline::Config for Runtime {}

			let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			// A failed pre/post check must stop here with a backtrace.
			let weight = Executive::try_runtime_upgrade(checks).unwrap();
			(weight, crate::configs::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: Block,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.expect("execute-block failed")
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
