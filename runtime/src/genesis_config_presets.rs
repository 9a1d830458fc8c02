//! Genesis presets: the starting state of a new chain.
//!
//! - `development` (`--dev`): Alice alone authors and finalizes blocks, holds the sudo key
//!   and is the oracle operator; Alice, Bob, Charlie, Dave and Eve are funded with CLR and
//!   test USDC, BTC, ETH and DOT.
//! - `local_testnet`: Alice, Bob, Charlie and Dave are the authorities (three of four keep
//!   GRANDPA finalizing when one stops), Alice, Bob and Charlie the oracle operators;
//!   all well-known development accounts are funded. There is no sudo key: Root and the
//!   risk parameters are reached only through referenda (see [`crate::governance`]).
//!
//! Both presets create the four collateral tokens of [`crate::tokens`] with their metadata,
//! owned by Alice (who can mint more test tokens on these test chains), register USDC, BTC
//! and ETH as clearing collateral and list BTC-PERP and ETH-PERP ([`perpetual_markets`]).
//! Both also create the synthetic tokens sBTC, sETH and cUSD ([`tokens::SYNTHETICS`]),
//! owned by the clearing account, and list them ([`synthetic_markets`]).
//! The maximum price age is five minutes on the development chain (prices are fed by hand)
//! and one minute on `local_testnet`.

use alloc::{vec, vec::Vec};
use frame_support::{build_struct_json_patch, BoundedVec};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	oracle::{OracleKey, PricedAsset},
	tokens::{self, TokenInfo},
	AccountId, AssetsConfig, BalancesConfig, BlockTradeConfig, ClearingConfig,
	OracleOperatorsConfig, Runtime, RuntimeGenesisConfig, SudoConfig, CLR,
};
use pallet_clearing::{
	risk_engine::{
		money_market::RateSegment, synthetics::SyntheticTerms, CollateralParams, LiabilityWeights,
		MarginTier,
	},
	CollateralConfig, LendingConfig, MarketId, MarketParams, MarketParamsOf, MarketStatus,
	SyntheticConfig, SyntheticPeg,
};
use sp_runtime::{FixedU128, Perbill};

/// The synthetics listed at genesis (see `pallet_clearing::synthetics`): sBTC and sETH on
/// their oracle prices (20% initial and 10% maintenance margin on the debt, a 2% yearly
/// stability fee, 0.3% to mint, 0.5% to redeem, caps of 100 BTC and 1,000 ETH) and cUSD
/// pegged to one dollar (10% and 5%, 1% a year, 0.1% and 0.2%, a 1,000,000 cUSD cap).
pub fn synthetic_markets() -> Vec<(u32, SyntheticConfig<OracleKey>)> {
	let synthetic = |token: TokenInfo, peg, fractions: (u32, u32), fees: (u32, u32, u32), cap| {
		(
			token.id,
			SyntheticConfig {
				peg,
				decimals: token.decimals,
				terms: SyntheticTerms {
					initial_fraction: Perbill::from_percent(fractions.0),
					maintenance_fraction: Perbill::from_percent(fractions.1),
					stability_fee: Perbill::from_percent(fees.0),
					issuance_fee: Perbill::from_parts(fees.1 * 1_000_000),
					redemption_fee: Perbill::from_parts(fees.2 * 1_000_000),
					debt_cap: cap * token.one(),
				},
				minting_paused: false,
			},
		)
	};
	vec![
		synthetic(
			tokens::SBTC,
			SyntheticPeg::Oracle(OracleKey::Price(PricedAsset::BTC)),
			(20, 10),
			(2, 3, 5),
			100,
		),
		synthetic(
			tokens::SETH,
			SyntheticPeg::Oracle(OracleKey::Price(PricedAsset::ETH)),
			(20, 10),
			(2, 3, 5),
			1_000,
		),
		synthetic(
			tokens::CUSD,
			SyntheticPeg::Constant(FixedU128::from_u32(1)),
			(10, 5),
			(1, 1, 2),
			1_000_000,
		),
	]
}

/// The market id of BTC-PERP.
pub const BTC_PERP: MarketId = 0;
/// The market id of ETH-PERP.
pub const ETH_PERP: MarketId = 1;

fn collateral(
	token: TokenInfo,
	oracle_key: Option<OracleKey>,
	initial_haircut: u32,
	maintenance_haircut: u32,
	cap_whole_tokens: u128,
) -> (u32, CollateralConfig<OracleKey>) {
	(
		token.id,
		CollateralConfig {
			oracle_key,
			params: CollateralParams {
				decimals: token.decimals,
				initial_haircut: Perbill::from_percent(initial_haircut),
				maintenance_haircut: Perbill::from_percent(maintenance_haircut),
			},
			deposit_cap: cap_whole_tokens * token.one(),
		},
	)
}

/// USDC at par (the settlement asset); BTC counted at 90% for initial and 95% for
/// maintenance margin; ETH at 85% and 90%.
pub fn collateral_assets() -> Vec<(u32, CollateralConfig<OracleKey>)> {
	vec![
		collateral(tokens::USDC, None, 100, 100, 1_000_000_000),
		collateral(tokens::BTC, Some(OracleKey::Price(PricedAsset::BTC)), 90, 95, 10_000),
		collateral(tokens::ETH, Some(OracleKey::Price(PricedAsset::ETH)), 85, 90, 100_000),
	]
}

/// The money markets of the listed assets (see `pallet_clearing::lending`):
/// - USDC: 5% a year at the 80% kink, 65% at full utilisation; a tenth of interest to the
///   insurance fund; up to 50M USDC borrowed; a debt weighed 1.05 (initial and maintenance).
/// - BTC and ETH: 3.5% a year at the 70% kink, 63.5% at full utilisation; 15% to the fund;
///   up to 100 BTC or 2,000 ETH borrowed; a borrow weighed 1.10/1.05 (BTC) and
///   1.15/1.10 (ETH) for initial/maintenance margin.
///
/// All at most 90% utilised.
pub fn lending_markets() -> Vec<(u32, LendingConfig)> {
	// Slopes in basis points of annual rate per unit of utilisation.
	let segment = |from_percent: u32, slope_bps: u128| RateSegment {
		from: Perbill::from_percent(from_percent),
		slope: FixedU128::from_rational(slope_bps, 10_000),
	};
	let weights = |initial_percent: u128, maintenance_percent: u128| LiabilityWeights {
		initial: FixedU128::from_rational(initial_percent, 100),
		maintenance: FixedU128::from_rational(maintenance_percent, 100),
	};
	let market = |segments: Vec<RateSegment>,
	              reserve_percent: u32,
	              borrow_cap: u128,
	              liability_weights: LiabilityWeights| LendingConfig {
		base_rate: FixedU128::from_u32(0),
		rate_segments: BoundedVec::truncate_from(segments),
		reserve_factor: Perbill::from_percent(reserve_percent),
		borrow_cap,
		utilisation_cap: Perbill::from_percent(90),
		liability_weights,
	};
	let volatile = || vec![segment(0, 500), segment(70, 20_000)];
	vec![
		(
			tokens::USDC.id,
			market(
				vec![segment(0, 625), segment(80, 30_000)],
				10,
				50_000_000 * tokens::USDC.one(),
				weights(105, 105),
			),
		),
		(tokens::BTC.id, market(volatile(), 15, 100 * tokens::BTC.one(), weights(110, 105))),
		(tokens::ETH.id, market(volatile(), 15, 2_000 * tokens::ETH.one(), weights(115, 110))),
	]
}

fn tier(notional_floor_usdc: u128, initial_percent: u32, maintenance_percent: u32) -> MarginTier {
	MarginTier {
		notional_floor: notional_floor_usdc * tokens::USDC.one(),
		initial_fraction: Perbill::from_percent(initial_percent),
		maintenance_fraction: Perbill::from_percent(maintenance_percent),
	}
}

/// BTC-PERP and ETH-PERP. Both: 5% initial and 3% maintenance margin on the first part of
/// a position's notional, rising to 10%/6% and 20%/12% above the tier floors; 0.05% taker and
/// 0.02% maker fees; hourly funding capped at 0.1% an hour; the last trade may pull the mark
/// at most 0.5% from the index.
/// - BTC-PERP: sizes in satoshi, lots and minimum 0.0001 BTC, tick 0.1 USD, tiers at 1M and
///   5M USDC, open interest up to 1,000 BTC.
/// - ETH-PERP: sizes in wei, lots and minimum 0.001 ETH, tick 0.01 USD, tiers at 500k and
///   2.5M USDC, open interest up to 20,000 ETH.
pub fn perpetual_markets() -> Vec<(MarketId, MarketParamsOf<Runtime>)> {
	let common = |symbol: &[u8],
	              asset: PricedAsset,
	              size_decimals: u8,
	              tick: FixedU128,
	              lot: u128,
	              tiers: Vec<MarginTier>,
	              oi_cap: u128| MarketParams {
		symbol: BoundedVec::truncate_from(symbol.to_vec()),
		oracle_key: OracleKey::Price(asset),
		size_decimals,
		tick_size: tick,
		lot_size: lot,
		min_size: lot,
		tiers: BoundedVec::truncate_from(tiers),
		taker_fee: Perbill::from_parts(500_000),
		maker_fee: Perbill::from_parts(200_000),
		funding_interval_ms: 3_600_000,
		funding_rate_cap: Perbill::from_parts(1_000_000),
		mark_price_band: Perbill::from_parts(5_000_000),
		max_price_age_ms: None,
		open_interest_cap: oi_cap,
		status: MarketStatus::Active,
		instrument: Default::default(),
		price_band: Perbill::from_percent(10),
	};
	vec![
		(
			BTC_PERP,
			common(
				b"BTC-PERP",
				PricedAsset::BTC,
				8,
				FixedU128::from_rational(1, 10),
				10_000,
				vec![tier(0, 5, 3), tier(1_000_000, 10, 6), tier(5_000_000, 20, 12)],
				1_000 * tokens::BTC.one(),
			),
		),
		(
			ETH_PERP,
			common(
				b"ETH-PERP",
				PricedAsset::ETH,
				18,
				FixedU128::from_rational(1, 100),
				1_000_000_000_000_000,
				vec![tier(0, 5, 3), tier(500_000, 10, 6), tier(2_500_000, 20, 12)],
				20_000 * tokens::ETH.one(),
			),
		),
	]
}

/// CLR given to each endowed account.
pub const ENDOWMENT_CLR: u128 = 1_000_000 * CLR;

/// Test collateral given to each endowed account: whole tokens per asset.
pub const ENDOWMENT_TOKENS: [(TokenInfo, u128); 4] =
	[(tokens::USDC, 1_000_000), (tokens::BTC, 100), (tokens::ETH, 1_000), (tokens::DOT, 10_000)];

/// The accounts funded in the `development` preset.
pub fn development_accounts() -> Vec<AccountId> {
	[
		Sr25519Keyring::Alice,
		Sr25519Keyring::Bob,
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Dave,
		Sr25519Keyring::Eve,
	]
	.iter()
	.map(|k| k.to_account_id())
	.collect()
}

fn authority_keys(who: Sr25519Keyring, finality: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(who.public().into(), finality.public().into())
}

/// The genesis state for a test chain with the given authorities, funded accounts, owner of
/// the test tokens, sudo key (if any) and oracle operators.
fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	asset_owner: AccountId,
	sudo_key: Option<AccountId>,
	oracle_operators: Vec<AccountId>,
	max_price_age_ms: u64,
) -> Value {
	let clearing_account = pallet_clearing::Pallet::<Runtime>::account_id();
	let assets = tokens::ALL
		.iter()
		.map(|t| (t.id, asset_owner.clone(), true, t.min_balance))
		.chain(tokens::SYNTHETICS.iter().map(|t| (t.id, clearing_account.clone(), true, 1)))
		.collect::<Vec<_>>();
	let metadata = tokens::ALL
		.iter()
		.chain(tokens::SYNTHETICS.iter())
		.map(|t| (t.id, t.name.as_bytes().to_vec(), t.symbol.as_bytes().to_vec(), t.decimals))
		.collect::<Vec<_>>();
	let accounts = endowed_accounts
		.iter()
		.flat_map(|who| {
			ENDOWMENT_TOKENS
				.iter()
				.map(move |(token, whole)| (token.id, who.clone(), whole * token.one()))
		})
		.collect::<Vec<_>>();

	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|k| (k, ENDOWMENT_CLR))
				.collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: sudo_key },
		assets: AssetsConfig {
			assets,
			metadata,
			accounts,
			next_asset_id: Some(tokens::NEXT_ASSET_ID),
		},
		oracle_operators: OracleOperatorsConfig {
			members: BoundedVec::truncate_from(oracle_operators),
		},
		block_trade: BlockTradeConfig { terms: block_trade_terms() },
		clearing: ClearingConfig {
			collateral: collateral_assets(),
			markets: perpetual_markets(),
			max_price_age_ms: Some(max_price_age_ms),
			seeded: None,
			lending: lending_markets(),
			synthetics: synthetic_markets(),
		},
	})
}

/// BTC-PERP and ETH-PERP take block trades: 1 basis point for the maker, 2.5 for the taker,
/// legs of at least 0.01 BTC or ETH.
pub fn block_trade_terms() -> Vec<(MarketId, pallet_blocktrade::BlockTradeTerms)> {
	[(BTC_PERP, tokens::BTC.one() / 100), (ETH_PERP, tokens::ETH.one() / 100)]
		.into_iter()
		.map(|(market, min_size)| {
			let terms = pallet_blocktrade::BlockTradeTerms {
				maker_fee: Perbill::from_parts(100_000),
				taker_fee: Perbill::from_parts(250_000),
				min_size,
			};
			(market, terms)
		})
		.collect()
}

/// The `development` preset.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		development_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		vec![Sr25519Keyring::Alice.to_account_id()],
		// Five minutes, so that prices fed by hand in Polkadot.js apps stay usable.
		5 * 60 * 1000,
	)
}

/// The `local_testnet` preset.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority_keys(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority_keys(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority_keys(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		Sr25519Keyring::iter()
			.filter(|v| v != &Sr25519Keyring::One && v != &Sr25519Keyring::Two)
			.map(|v| v.to_account_id())
			.collect::<Vec<_>>(),
		Sr25519Keyring::Alice.to_account_id(),
		// No sudo: Root is reached only by a referendum on the `root` track.
		None,
		vec![
			Sr25519Keyring::Alice.to_account_id(),
			Sr25519Keyring::Bob.to_account_id(),
			Sr25519Keyring::Charlie.to_account_id(),
		],
		60 * 1000,
	)
}

/// The JSON patch of the preset named `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("a serde_json::Value always serializes to a string; qed")
			.into_bytes(),
	)
}

/// The names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
