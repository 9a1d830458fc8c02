//! The pallets whose weights `clearing-node benchmark pallet` measures. `pallet_assets` is
//! not among them: its benchmarks pull in pallet-revive's contract fixtures (see
//! `runtime/Cargo.toml`).

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[orml_oracle, Oracle]
	[pallet_membership, OracleOperators]
	[pallet_clearing, Clearing]
	[pallet_orderbook, Orderbook]
	[pallet_blocktrade, BlockTrade]
);
