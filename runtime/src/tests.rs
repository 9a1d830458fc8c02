//! Tests on the real runtime: the genesis presets build, the collateral tokens and oracle
//! operators are in place, and the oracle takes feeds from operators only.

use frame_support::{assert_noop, assert_ok, traits::Hooks, BoundedVec};
use serde_json::Value;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{BuildStorage, FixedU128};

use crate::{
	genesis_config_presets::{get_preset, preset_names, ENDOWMENT_CLR},
	oracle::{OracleKey, PricedAsset},
	tokens, Assets, Aura, Balances, Grandpa, Oracle, OracleOperators, Runtime,
	RuntimeGenesisConfig, RuntimeOrigin, System,
};

/// RFC 7386 merge, the way the node applies a preset patch on top of the default config.
fn merge_json(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				if value.is_null() {
					base.remove(&key);
				} else {
					merge_json(base.entry(key).or_insert(Value::Null), value);
				}
			}
		},
		(base, patch) => *base = patch,
	}
}

fn genesis_config(preset: &str) -> RuntimeGenesisConfig {
	let patch: Value =
		serde_json::from_slice(&get_preset(&preset.into()).expect("preset exists")).unwrap();
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge_json(&mut config, patch);
	serde_json::from_value(config).expect("the preset patch matches RuntimeGenesisConfig")
}

fn externalities(preset: &str) -> sp_io::TestExternalities {
	let storage = genesis_config(preset).build_storage().expect("genesis storage builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Sets the block time directly: `Timestamp::set` would also run Aura's slot check, which a
/// test block without a slot cannot pass.
fn set_block_time(ms: u64) {
	pallet_timestamp::Now::<Runtime>::put(ms);
}

fn btc_price(usd: u32) -> (OracleKey, FixedU128) {
	(OracleKey::Price(PricedAsset::BTC), FixedU128::from_u32(usd))
}

#[test]
fn both_presets_are_listed() {
	assert_eq!(
		preset_names(),
		vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
	);
	assert!(get_preset(&"no_such_preset".into()).is_none());
}

#[test]
fn development_preset_has_one_authority_sudo_and_operator() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(Grandpa::grandpa_authorities().len(), 1);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(alice.clone()));
		assert_eq!(
			pallet_membership::Members::<Runtime, pallet_membership::Instance1>::get().into_inner(),
			vec![alice]
		);
	});
}

#[test]
fn local_testnet_preset_has_four_authorities_and_three_operators() {
	externalities(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 4);
		assert_eq!(Grandpa::grandpa_authorities().len(), 4);
		let operators = pallet_membership::Members::<Runtime, pallet_membership::Instance1>::get();
		let mut expected: Vec<_> =
			[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
				.iter()
				.map(|k| k.to_account_id())
				.collect();
		expected.sort();
		assert_eq!(operators.into_inner(), expected);
	});
}

#[test]
fn development_accounts_hold_clr_and_test_collateral() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		for who in [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
			Sr25519Keyring::Eve,
		] {
			let account = who.to_account_id();
			assert_eq!(Balances::free_balance(&account), ENDOWMENT_CLR);
			assert_eq!(Assets::balance(tokens::USDC.id, &account), 1_000_000 * 1_000_000);
			assert_eq!(Assets::balance(tokens::BTC.id, &account), 100 * 100_000_000);
			assert_eq!(Assets::balance(tokens::ETH.id, &account), 1_000 * 10u128.pow(18));
		}
		assert_eq!(Balances::free_balance(Sr25519Keyring::Ferdie.to_account_id()), 0);
	});
}

#[test]
fn collateral_tokens_carry_their_metadata() {
	use frame_support::traits::fungibles::metadata::Inspect;
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		for token in tokens::ALL {
			assert_eq!(<Assets as Inspect<_>>::symbol(token.id), token.symbol.as_bytes().to_vec());
			assert_eq!(<Assets as Inspect<_>>::name(token.id), token.name.as_bytes().to_vec());
			assert_eq!(<Assets as Inspect<_>>::decimals(token.id), token.decimals);
		}
		assert_eq!(pallet_assets::NextAssetId::<Runtime>::get(), Some(tokens::NEXT_ASSET_ID));
	});
}

#[test]
fn operator_feed_becomes_the_combined_value_with_the_block_time() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		set_block_time(1_700_000_000_000);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let (key, price) = btc_price(65_000);
		assert_ok!(Oracle::feed_values(
			RuntimeOrigin::signed(alice),
			BoundedVec::truncate_from(vec![(key, price)])
		));
		let combined = Oracle::get(&key).expect("a combined value");
		assert_eq!(combined.value, price);
		assert_eq!(combined.timestamp, 1_700_000_000_000);
	});
}

#[test]
fn non_operator_feed_is_refused_and_changes_nothing() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		set_block_time(1_700_000_000_000);
		let bob = Sr25519Keyring::Bob.to_account_id();
		let (key, price) = btc_price(1);
		assert_noop!(
			Oracle::feed_values(
				RuntimeOrigin::signed(bob),
				BoundedVec::truncate_from(vec![(key, price)])
			),
			orml_oracle::Error::<Runtime>::NoPermission
		);
		assert!(Oracle::get(&key).is_none());
	});
}

#[test]
fn an_operator_feeds_at_most_once_per_block() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		set_block_time(1_700_000_000_000);
		let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
		let feed = |usd| BoundedVec::truncate_from(vec![btc_price(usd)]);
		assert_ok!(Oracle::feed_values(alice.clone(), feed(65_000)));
		assert_noop!(
			Oracle::feed_values(alice.clone(), feed(66_000)),
			orml_oracle::Error::<Runtime>::AlreadyFeeded
		);
		Oracle::on_finalize(1);
		System::set_block_number(2);
		assert_ok!(Oracle::feed_values(alice, feed(66_000)));
		assert_eq!(Oracle::get(&btc_price(0).0).unwrap().value, FixedU128::from_u32(66_000));
	});
}

#[test]
fn root_manages_the_operator_set() {
	externalities(DEV_RUNTIME_PRESET).execute_with(|| {
		let bob = Sr25519Keyring::Bob.to_account_id();
		assert_noop!(
			OracleOperators::add_member(RuntimeOrigin::signed(bob.clone()), bob.clone().into()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(OracleOperators::add_member(RuntimeOrigin::root(), bob.clone().into()));
		set_block_time(1_700_000_000_000);
		assert_ok!(Oracle::feed_values(
			RuntimeOrigin::signed(bob),
			BoundedVec::truncate_from(vec![btc_price(64_000)])
		));
	});
}

#[test]
fn metadata_is_offered_at_v15_and_later() {
	let versions = Runtime::metadata_versions();
	assert!(versions.contains(&15), "{versions:?}");
	assert!(Runtime::metadata_at_version(15).is_some());
}

#[test]
fn blocks_are_three_seconds_apart() {
	use frame_support::traits::Get;
	assert_eq!(crate::MILLI_SECS_PER_BLOCK, 3000);
	assert_eq!(<<Runtime as pallet_timestamp::Config>::MinimumPeriod as Get<u64>>::get(), 1500);
	externalities(DEV_RUNTIME_PRESET).execute_with(|| assert_eq!(Aura::slot_duration(), 3000));
}

mod clearing {
	use super::*;
	use crate::{
		configs::clearing::OraclePrices,
		genesis_config_presets::{BTC_PERP, ETH_PERP},
		Clearing,
	};
	use pallet_clearing::PriceProvider;

	const ONE_USDC: u128 = 1_000_000;

	#[test]
	fn genesis_registers_collateral_and_markets() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			for token in [tokens::USDC, tokens::BTC, tokens::ETH] {
				let config = pallet_clearing::CollateralAssets::<Runtime>::get(token.id)
					.expect("registered");
				assert_eq!(config.params.decimals, token.decimals);
				assert_eq!(config.oracle_key.is_none(), token.id == tokens::USDC.id);
			}
			assert!(pallet_clearing::CollateralAssets::<Runtime>::get(tokens::DOT.id).is_none());
			let btc = Clearing::market_report(BTC_PERP).expect("BTC-PERP listed");
			assert_eq!(btc.symbol, b"BTC-PERP".to_vec());
			assert_eq!(btc.oracle_key, OracleKey::Price(PricedAsset::BTC));
			let eth = Clearing::market_report(ETH_PERP).expect("ETH-PERP listed");
			assert_eq!(eth.symbol, b"ETH-PERP".to_vec());
			assert_eq!(pallet_clearing::MaxPriceAge::<Runtime>::get(), 5 * 60 * 1000);
		});
		externalities(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
			assert_eq!(pallet_clearing::MaxPriceAge::<Runtime>::get(), 60 * 1000);
			assert!(Clearing::market_report(ETH_PERP).is_some());
		});
	}

	#[test]
	fn clearing_reads_oracle_values_with_the_time_they_were_fed() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			set_block_time(1_700_000_000_000);
			let (key, price) = btc_price(60_000);
			assert!(OraclePrices::price(&key).is_none());
			assert_ok!(Oracle::feed_values(
				RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id()),
				BoundedVec::truncate_from(vec![(key, price)])
			));
			assert_eq!(OraclePrices::price(&key), Some((price, 1_700_000_000_000)));
			assert_eq!(
				Clearing::market_report(BTC_PERP).unwrap().index_price,
				Some((price, 1_700_000_000_000))
			);
		});
	}

	#[test]
	fn deposits_move_tokens_to_the_clearing_account_and_show_in_the_report() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			set_block_time(1_700_000_000_000);
			let alice = Sr25519Keyring::Alice.to_account_id();
			assert_ok!(Oracle::feed_values(
				RuntimeOrigin::signed(alice.clone()),
				BoundedVec::truncate_from(vec![btc_price(60_000)])
			));
			let origin = RuntimeOrigin::signed(alice.clone());
			assert_ok!(Clearing::deposit(origin.clone(), tokens::USDC.id, 5_000 * ONE_USDC));
			assert_ok!(Clearing::deposit(origin, tokens::BTC.id, tokens::BTC.one() / 10));
			assert_eq!(Assets::balance(tokens::USDC.id, Clearing::account_id()), 5_000 * ONE_USDC);
			let report = Clearing::account_report(&alice).unwrap();
			// 5,000 USDC + 0.1 BTC at 60,000 = 6,000 USDC at 90% and 95%.
			assert_eq!(report.equity_initial, (5_000 + 5_400) as i128 * ONE_USDC as i128);
			assert_eq!(report.equity_maintenance, (5_000 + 5_700) as i128 * ONE_USDC as i128);
			assert_noop!(
				Clearing::withdraw(
					RuntimeOrigin::signed(alice),
					tokens::USDC.id,
					5_000 * ONE_USDC + 1
				),
				pallet_clearing::Error::<Runtime>::InsufficientCollateral
			);
		});
	}

	#[test]
	fn asset_admins_cannot_touch_the_clearing_houses_tokens() {
		use frame_support::traits::Contains;
		use sp_runtime::traits::Dispatchable;
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			// Alice owns the test tokens on development chains: she is every asset's admin.
			let alice = Sr25519Keyring::Alice.to_account_id();
			let clearing = sp_runtime::MultiAddress::Id(Clearing::account_id());
			let bob = sp_runtime::MultiAddress::Id(Sr25519Keyring::Bob.to_account_id());
			let usdc = codec::Compact(tokens::USDC.id);
			let refused = [
				pallet_assets::Call::burn { id: usdc, who: clearing.clone(), amount: 1 },
				pallet_assets::Call::freeze { id: usdc, who: clearing.clone() },
				pallet_assets::Call::block { id: usdc, who: clearing.clone() },
				pallet_assets::Call::force_transfer {
					id: usdc,
					source: clearing.clone(),
					dest: bob.clone(),
					amount: 1,
				},
				pallet_assets::Call::freeze_asset { id: usdc },
				pallet_assets::Call::start_destroy { id: usdc },
				pallet_assets::Call::transfer_ownership { id: usdc, owner: bob.clone() },
			];
			for call in refused {
				let call = crate::RuntimeCall::Assets(call);
				assert!(!crate::configs::system::CollateralGuard::contains(&call), "{call:?}");
				assert_noop!(
					call.dispatch(RuntimeOrigin::signed(alice.clone())),
					frame_system::Error::<Runtime>::CallFiltered
				);
			}
			// Other accounts, and assets that are not collateral (DOT), are the admin's.
			let allowed = [
				pallet_assets::Call::freeze { id: usdc, who: bob.clone() },
				pallet_assets::Call::freeze_asset { id: codec::Compact(tokens::DOT.id) },
			];
			for call in allowed {
				assert_ok!(
					crate::RuntimeCall::Assets(call).dispatch(RuntimeOrigin::signed(alice.clone()))
				);
			}
		});
	}

	#[test]
	fn defect_7_auto_deleverage_is_charged_for_every_position_it_reduces() {
		use frame_support::weights::Weight;
		use pallet_clearing::{deleverage::MAX_ADL_COUNTERPARTIES, WeightInfo};
		type Weights = pallet_clearing::weights::SubstrateWeight<Runtime>;
		let positions = 16;
		// Each position reduced costs at least its owner's portfolio check (the allowance)
		// and a settlement with the fund; the fund's book is read once. The benchmark of the
		// old call was measured with none of that (it priced ~0.2 ms per account).
		let per_position =
			Weights::portfolio_check(positions).saturating_add(Weights::settle_trade(positions));
		for reduced in [1, 4, MAX_ADL_COUNTERPARTIES] {
			let charged = Clearing::auto_deleverage_weight(reduced);
			assert!(
				charged.all_gte(per_position.saturating_mul(u64::from(reduced))),
				"{reduced} positions: {charged:?}"
			);
			assert!(charged.all_gte(Weights::auto_deleverage(reduced)));
		}
		let most = Clearing::auto_deleverage_weight(MAX_ADL_COUNTERPARTIES);
		println!(
			"auto_deleverage: {} µs for one position, {} µs for {MAX_ADL_COUNTERPARTIES}",
			Clearing::auto_deleverage_weight(1).ref_time() / 1_000_000,
			most.ref_time() / 1_000_000
		);
		let limit = <Runtime as frame_system::Config>::BlockWeights::get()
			.get(frame_support::dispatch::DispatchClass::Normal)
			.max_extrinsic
			.unwrap_or(Weight::MAX);
		assert!(most.all_lte(limit), "the heaviest deleveraging fits a transaction");
	}

	#[test]
	fn only_root_registers_markets() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let (_, params) = crate::genesis_config_presets::perpetual_markets().remove(0);
			assert_noop!(
				Clearing::register_market(
					RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id()),
					7,
					params.clone()
				),
				sp_runtime::DispatchError::BadOrigin
			);
			assert_ok!(Clearing::register_market(RuntimeOrigin::root(), 7, params));
		});
	}
}

mod orderbook {
	use super::*;
	use crate::{genesis_config_presets::BTC_PERP, Clearing, Orderbook};
	use pallet_orderbook::{OrderSide, TimeInForce};

	const ONE_USDC: u128 = 1_000_000;
	const ONE_BTC: u128 = 100_000_000;

	fn setup() -> (sp_runtime::AccountId32, sp_runtime::AccountId32) {
		set_block_time(1_700_000_000_000);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		assert_ok!(Oracle::feed_values(
			RuntimeOrigin::signed(alice.clone()),
			BoundedVec::truncate_from(vec![btc_price(60_000)])
		));
		for who in [&alice, &bob] {
			assert_ok!(Clearing::deposit(
				RuntimeOrigin::signed(who.clone()),
				tokens::USDC.id,
				10_000 * ONE_USDC
			));
		}
		(alice, bob)
	}

	fn place(
		who: &sp_runtime::AccountId32,
		side: OrderSide,
		dollars: u32,
		size: u128,
	) -> frame_support::dispatch::DispatchResultWithPostInfo {
		Orderbook::place_order(
			RuntimeOrigin::signed(who.clone()),
			BTC_PERP,
			side,
			FixedU128::from_u32(dollars),
			size,
			TimeInForce::GoodTilCancelled,
			false,
		)
	}

	#[test]
	fn a_fill_on_the_book_is_settled_by_the_clearing_house() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let (alice, bob) = setup();
			// Bob rests 1 BTC at 60,010: 5% of 60,010 (the mark is 60,000, the ask sells
			// above it, so the open-order margin is 5% of 60,000 = 3,000).
			assert_ok!(place(&bob, OrderSide::Sell, 60_010, ONE_BTC));
			let bob_report = Clearing::account_report(&bob).unwrap();
			assert_eq!(bob_report.open_order_requirement, 3_000 * ONE_USDC);
			assert_eq!(bob_report.free_collateral, 7_000 * ONE_USDC as i128);
			// Alice buys through it at Bob's price.
			assert_ok!(place(&alice, OrderSide::Buy, 60_100, ONE_BTC));
			let position = |who| Clearing::account_report(who).unwrap().positions[0].position_size;
			assert_eq!(position(&alice), ONE_BTC as i128);
			assert_eq!(position(&bob), -(ONE_BTC as i128));
			// Fees: 0.05% and 0.02% of 60,010.
			assert_eq!(
				pallet_clearing::SettlementBalances::<Runtime>::get(&alice).scaled,
				(10_000 * ONE_USDC - 30_005_000) as i128
			);
			assert_eq!(
				pallet_clearing::SettlementBalances::<Runtime>::get(&bob).scaled,
				(10_000 * ONE_USDC - 12_002_000) as i128
			);
			assert_eq!(Clearing::account_report(&bob).unwrap().open_order_requirement, 0);
			assert!(Orderbook::depth(BTC_PERP, 5).asks.is_empty());
			assert_eq!(
				Clearing::market_report(BTC_PERP).unwrap().last_trade_price,
				Some(FixedU128::from_u32(60_010))
			);
		});
	}

	#[test]
	fn resting_orders_lock_initial_margin_in_the_clearing_house() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let (alice, _) = setup();
			// 10,000 USDC carries 3 BTC of bids at 60,000 (9,000), not 4 (12,000).
			assert_ok!(place(&alice, OrderSide::Buy, 60_000, 3 * ONE_BTC));
			assert_noop!(
				place(&alice, OrderSide::Buy, 59_000, ONE_BTC),
				pallet_clearing::Error::<Runtime>::OrderMarginInsufficient
			);
			assert_noop!(
				Clearing::withdraw(
					RuntimeOrigin::signed(alice.clone()),
					tokens::USDC.id,
					1_001 * ONE_USDC
				),
				pallet_clearing::Error::<Runtime>::BelowInitialMargin
			);
			// The book top reaches the clearing house for the mark.
			assert_eq!(
				Clearing::market_report(BTC_PERP).unwrap().best_bid,
				Some(FixedU128::from_u32(60_000))
			);
			assert_ok!(Orderbook::cancel_all(RuntimeOrigin::signed(alice.clone()), BTC_PERP));
			assert_ok!(Clearing::withdraw(
				RuntimeOrigin::signed(alice),
				tokens::USDC.id,
				10_000 * ONE_USDC
			));
			assert_eq!(Clearing::market_report(BTC_PERP).unwrap().best_bid, None);
		});
	}
}

/// Block trades on the real runtime: real sr25519 signatures over the real payload, every
/// leg settled by the real clearing house.
mod blocktrade {
	use super::*;
	use crate::{
		genesis_config_presets::{BTC_PERP, ETH_PERP},
		BlockTrade, Clearing,
	};
	use codec::Encode;
	use pallet_blocktrade::{BlockTradeTerms, NonceStatus, QuoteLeg, QuoteOf, QUOTE_DOMAIN};
	use pallet_clearing::OrderSide;
	use sp_core::{Pair, H256};
	use sp_runtime::{AccountId32, MultiSignature, Perbill};

	const ONE_USDC: u128 = 1_000_000;
	const ONE_BTC: u128 = 100_000_000;
	const ONE_ETH: u128 = 1_000_000_000_000_000_000;

	/// BTC at 60,000 and ETH at 3,000; Alice and Bob with 50,000 USDC each; both perpetuals
	/// open to block trades at 1 and 2.5 basis points.
	fn setup() -> (AccountId32, AccountId32) {
		set_block_time(1_700_000_000_000);
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		assert_ok!(Oracle::feed_values(
			RuntimeOrigin::signed(alice.clone()),
			BoundedVec::truncate_from(vec![
				btc_price(60_000),
				(OracleKey::Price(PricedAsset::ETH), FixedU128::from_u32(3_000)),
			])
		));
		for who in [&alice, &bob] {
			assert_ok!(Clearing::deposit(
				RuntimeOrigin::signed(who.clone()),
				tokens::USDC.id,
				50_000 * ONE_USDC
			));
		}
		for (market, min_size) in [(BTC_PERP, ONE_BTC / 100), (ETH_PERP, ONE_ETH / 100)] {
			let terms = BlockTradeTerms {
				maker_fee: Perbill::from_parts(100_000),
				taker_fee: Perbill::from_parts(250_000),
				min_size,
			};
			assert_ok!(BlockTrade::set_terms(RuntimeOrigin::root(), market, Some(terms)));
		}
		(alice, bob)
	}

	/// Alice sells 0.5 BTC-PERP at 60,000 and buys 2 ETH-PERP at 3,000, for anyone.
	fn quote(maker: &AccountId32) -> QuoteOf<Runtime> {
		pallet_blocktrade::Quote {
			maker: maker.clone(),
			taker: None,
			taker_pool: None,
			legs: BoundedVec::truncate_from(vec![
				QuoteLeg {
					market: BTC_PERP,
					side: OrderSide::Sell,
					size: ONE_BTC / 2,
					price: FixedU128::from_u32(60_000),
				},
				QuoteLeg {
					market: ETH_PERP,
					side: OrderSide::Buy,
					size: 2 * ONE_ETH,
					price: FixedU128::from_u32(3_000),
				},
			]),
			expires_at: 10,
			nonce: 1,
		}
	}

	fn sign(key: Sr25519Keyring, payload: &[u8]) -> MultiSignature {
		MultiSignature::Sr25519(key.pair().sign(payload))
	}

	fn size(who: &AccountId32, market: pallet_clearing::MarketId) -> i128 {
		pallet_clearing::Positions::<Runtime>::get(who)
			.get(&market)
			.map_or(0, |record| record.position.size)
	}

	#[test]
	fn a_signed_quote_settles_every_leg_through_the_clearing_house() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let (alice, bob) = setup();
			let quote = quote(&alice);
			let signature = sign(Sr25519Keyring::Alice, &BlockTrade::signing_payload(&quote));
			assert_ok!(BlockTrade::execute_quote(
				RuntimeOrigin::signed(bob.clone()),
				Box::new(quote),
				signature
			));
			assert_eq!(size(&alice, BTC_PERP), -((ONE_BTC / 2) as i128));
			assert_eq!(size(&bob, BTC_PERP), (ONE_BTC / 2) as i128);
			assert_eq!(size(&alice, ETH_PERP), (2 * ONE_ETH) as i128);
			assert_eq!(size(&bob, ETH_PERP), -((2 * ONE_ETH) as i128));
			// The block-trade fees: 1 bp of 30,000 and 6,000 for Alice, 2.5 bp for Bob.
			assert_eq!(
				pallet_clearing::SettlementBalances::<Runtime>::get(&alice).scaled,
				(50_000 * ONE_USDC - 3_000_000 - 600_000) as i128
			);
			assert_eq!(
				pallet_clearing::SettlementBalances::<Runtime>::get(&bob).scaled,
				(50_000 * ONE_USDC - 7_500_000 - 1_500_000) as i128
			);
			assert_eq!(BlockTrade::nonce_status(&alice, 1), NonceStatus::Used);
			Clearing::do_try_state().expect("the clearing house's invariants hold");
		});
	}

	#[test]
	fn a_quote_signed_for_another_chain_or_with_another_key_is_refused() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let (alice, bob) = setup();
			let quote = quote(&alice);
			let genesis = System::block_hash(0);
			let elsewhere = (QUOTE_DOMAIN, H256::repeat_byte(1), &quote).encode();
			assert_ne!(H256::repeat_byte(1), genesis);
			for signature in [
				sign(Sr25519Keyring::Alice, &elsewhere),
				sign(Sr25519Keyring::Charlie, &BlockTrade::signing_payload(&quote)),
			] {
				assert_noop!(
					BlockTrade::execute_quote(
						RuntimeOrigin::signed(bob.clone()),
						Box::new(quote.clone()),
						signature
					),
					pallet_blocktrade::Error::<Runtime>::BadSignature
				);
			}
		});
	}

	#[test]
	fn every_pool_fund_is_an_account_of_its_own() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let mut accounts: Vec<AccountId32> =
				(0..4).map(Clearing::pool_insurance_account).collect();
			accounts.push(crate::configs::clearing::InsuranceAccount::get());
			accounts.push(crate::configs::clearing::FeeAccount::get());
			accounts.push(Clearing::account_id());
			let count = accounts.len();
			accounts.sort();
			accounts.dedup();
			assert_eq!(accounts.len(), count);
		});
	}
}

mod governance {
	use super::*;
	use crate::{
		genesis_config_presets::BTC_PERP,
		governance::{
			pallet_custom_origins::Origin as CustomOrigin,
			tracks::{RISK_PARAMETERS_TRACK, ROOT_TRACK},
			TracksInfo,
		},
		Clearing, ConvictionVoting, OriginCaller, Preimage, Referenda, RuntimeCall, RuntimeEvent,
		Scheduler, CLR,
	};
	use codec::Encode;
	use frame_support::traits::{schedule::DispatchTime, StorePreimage};
	use pallet_clearing::risk_engine::MarginTier;
	use pallet_conviction_voting::{AccountVote, Conviction, Vote};
	use pallet_referenda::{ReferendumInfo, TracksInfo as _};
	use sp_runtime::{DispatchError, Perbill};

	type Tiers = BoundedVec<MarginTier, <Runtime as pallet_clearing::Config>::MaxMarginTiers>;

	fn tiers(maintenance_percent: u32, initial_percent: u32) -> Tiers {
		BoundedVec::truncate_from(vec![MarginTier {
			notional_floor: 0,
			initial_fraction: Perbill::from_percent(initial_percent),
			maintenance_fraction: Perbill::from_percent(maintenance_percent),
		}])
	}

	fn btc_perp_tiers() -> Tiers {
		pallet_clearing::Markets::<Runtime>::get(BTC_PERP).unwrap().tiers
	}

	fn signed(who: Sr25519Keyring) -> RuntimeOrigin {
		RuntimeOrigin::signed(who.to_account_id())
	}

	/// Runs blocks up to `last`, with the hooks that governance and risk changes need, in
	/// the runtime's order (Clearing at index 30 before Scheduler at 41).
	fn run_to_block(last: u32) {
		while System::block_number() < last {
			let block = System::block_number() + 1;
			System::set_block_number(block);
			Clearing::on_initialize(block);
			Scheduler::on_initialize(block);
		}
	}

	/// Proposes `call` on the track of `origin`, with Alice's decision deposit; returns the
	/// referendum's index.
	fn propose(call: RuntimeCall, origin: OriginCaller) -> u32 {
		let index = pallet_referenda::ReferendumCount::<Runtime>::get();
		// Noted as a preimage, as a proposer in Polkadot.js apps would.
		assert_ok!(Preimage::note_preimage(signed(Sr25519Keyring::Alice), call.encode()));
		let proposal = Preimage::bound(call).unwrap();
		assert_ok!(Referenda::submit(
			signed(Sr25519Keyring::Alice),
			Box::new(origin),
			proposal,
			DispatchTime::After(0),
		));
		assert_ok!(Referenda::place_decision_deposit(signed(Sr25519Keyring::Alice), index));
		index
	}

	fn vote(who: Sr25519Keyring, index: u32, aye: bool, whole_clr: u128) {
		let vote = AccountVote::Standard {
			vote: Vote { aye, conviction: Conviction::Locked2x },
			balance: whole_clr * CLR,
		};
		assert_ok!(ConvictionVoting::vote(signed(who), index, vote));
	}

	fn raise_btc_maintenance() -> RuntimeCall {
		RuntimeCall::Clearing(pallet_clearing::Call::set_market_margin_tiers {
			market: BTC_PERP,
			tiers: tiers(6, 12),
		})
	}

	fn risk_origin() -> OriginCaller {
		OriginCaller::Origins(CustomOrigin::RiskParameters)
	}

	#[test]
	fn the_tracks_are_sorted_and_map_their_origins() {
		assert_ok!(TracksInfo::check_integrity());
		let names: Vec<_> = TracksInfo::tracks()
			.map(|track| {
				let name = track.info.name;
				let len = name.iter().position(|b| *b == 0).unwrap_or(name.len());
				(track.id, String::from_utf8(name[..len].to_vec()).unwrap())
			})
			.collect();
		assert_eq!(
			names,
			vec![
				(ROOT_TRACK, "root".to_string()),
				(RISK_PARAMETERS_TRACK, "risk_parameters".into())
			]
		);
		assert_eq!(
			TracksInfo::track_for(&OriginCaller::system(frame_system::RawOrigin::Root)),
			Ok(ROOT_TRACK)
		);
		assert_eq!(TracksInfo::track_for(&risk_origin()), Ok(RISK_PARAMETERS_TRACK));
		assert_eq!(
			TracksInfo::track_for(&OriginCaller::system(frame_system::RawOrigin::Signed(
				Sr25519Keyring::Bob.to_account_id()
			))),
			Err(())
		);
		// The `Tracks` constant Polkadot.js apps reads decodes to both tracks.
		let constant = pallet_referenda::Pallet::<Runtime>::pallet_constants_metadata()
			.into_iter()
			.find(|constant| constant.name == "Tracks")
			.expect("Referenda exposes its tracks");
		let decoded: Vec<(u16, pallet_referenda::ConstTrackInfo<crate::Balance, u32>)> =
			codec::Decode::decode(&mut &constant.value[..]).unwrap();
		assert_eq!(decoded.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![0, 1]);
		assert_eq!(decoded[1].1.decision_deposit, 100 * CLR);
	}

	#[test]
	fn a_passed_risk_referendum_changes_the_parameter_at_enactment() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let before = btc_perp_tiers();
			let index = propose(raise_btc_maintenance(), risk_origin());
			vote(Sr25519Keyring::Bob, index, true, 200_000);
			vote(Sr25519Keyring::Charlie, index, true, 200_000);
			vote(Sr25519Keyring::Dave, index, true, 200_000);

			// Prepare (2), confirm (5), enactment (2) and the block that applies the change:
			// nothing moves before the confirmation ends.
			run_to_block(6);
			assert_eq!(btc_perp_tiers(), before);
			run_to_block(20);
			assert!(matches!(
				pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
				Some(ReferendumInfo::Approved(..))
			));
			assert_eq!(btc_perp_tiers(), tiers(6, 12));
			let changed = System::events().into_iter().any(|record| {
				matches!(
					record.event,
					RuntimeEvent::Clearing(pallet_clearing::Event::RiskParameterChanged {
						change: pallet_clearing::RiskChange::MarketMarginTiers {
							market: BTC_PERP,
							..
						}
					})
				)
			});
			assert!(changed, "the change event is emitted");
		});
	}

	#[test]
	fn a_rejected_referendum_changes_nothing() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let before = btc_perp_tiers();
			let index = propose(raise_btc_maintenance(), risk_origin());
			vote(Sr25519Keyring::Bob, index, true, 100_000);
			vote(Sr25519Keyring::Charlie, index, false, 300_000);
			vote(Sr25519Keyring::Dave, index, false, 300_000);
			// The whole decision period, and more.
			run_to_block(60);
			assert!(matches!(
				pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
				Some(ReferendumInfo::Rejected(..))
			));
			assert_eq!(btc_perp_tiers(), before);
			assert!(pallet_clearing::PendingRiskChanges::<Runtime>::get().is_empty());
		});
	}

	#[test]
	fn only_root_and_the_risk_origin_reach_the_setters() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			assert_noop!(
				Clearing::set_market_margin_tiers(
					signed(Sr25519Keyring::Bob),
					BTC_PERP,
					tiers(6, 12)
				),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Clearing::set_liquidation_scan_limit(signed(Sr25519Keyring::Alice), 10),
				DispatchError::BadOrigin
			);
			assert_ok!(Clearing::set_market_margin_tiers(
				RuntimeOrigin::from(CustomOrigin::RiskParameters),
				BTC_PERP,
				tiers(6, 12)
			));
			assert_ok!(Clearing::set_liquidation_scan_limit(RuntimeOrigin::root(), 10));
			// The risk origin is no Root: it cannot touch balances or the runtime.
			assert_noop!(
				System::set_storage(RuntimeOrigin::from(CustomOrigin::RiskParameters), vec![]),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Balances::force_set_balance(
					RuntimeOrigin::from(CustomOrigin::RiskParameters),
					Sr25519Keyring::Bob.to_account_id().into(),
					1
				),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn out_of_bound_values_fail_with_their_typed_error() {
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let risk = || RuntimeOrigin::from(CustomOrigin::RiskParameters);
			assert_noop!(
				Clearing::set_market_margin_tiers(risk(), BTC_PERP, tiers(12, 6)),
				pallet_clearing::Error::<Runtime>::InvalidMarginTiers
			);
			assert_noop!(
				Clearing::set_collateral_haircuts(
					risk(),
					tokens::BTC.id,
					Perbill::zero(),
					Perbill::from_percent(90)
				),
				pallet_clearing::Error::<Runtime>::InvalidHaircuts
			);
			assert_noop!(
				Clearing::set_liquidation_parameters(
					risk(),
					Perbill::from_percent(50),
					Perbill::from_percent(10)
				),
				pallet_clearing::Error::<Runtime>::InvalidLiquidationParameters
			);
			assert_noop!(
				Clearing::set_liquidation_scan_limit(risk(), 1_001),
				pallet_clearing::Error::<Runtime>::InvalidScanLimit
			);
		});
	}

	#[test]
	fn only_the_development_preset_has_a_sudo_key() {
		externalities(LOCAL_TESTNET_RUNTIME_PRESET)
			.execute_with(|| assert_eq!(pallet_sudo::Key::<Runtime>::get(), None));
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			assert_eq!(
				pallet_sudo::Key::<Runtime>::get(),
				Some(Sr25519Keyring::Alice.to_account_id())
			)
		});
	}
}

/// The heaviest calls' weights, charged before they run, fit one ordinary transaction:
/// an order that meets fifty portfolio-margined makers (the most `place_order` can be
/// charged, whatever the book), and a liquidation or withdrawal of a portfolio-margined
/// account.
#[test]
fn the_heaviest_weights_fit_an_ordinary_transaction() {
	use frame_support::dispatch::{DispatchClass, GetDispatchInfo};
	let limit = crate::configs::RuntimeBlockWeights::get()
		.get(DispatchClass::Normal)
		.max_extrinsic
		.expect("ordinary transactions have a limit");
	let order = pallet_orderbook::Pallet::<crate::Runtime>::max_order_charge();
	println!("the heaviest order: {} µs charged up front", order.ref_time() / 1_000_000);
	assert!(order.all_lte(limit), "an order weighs {order:?}, above {limit:?}");
	let withdraw = crate::RuntimeCall::Clearing(pallet_clearing::Call::withdraw {
		asset: tokens::USDC.id,
		amount: 1,
	});
	let liquidate = crate::RuntimeCall::Clearing(pallet_clearing::Call::liquidate {
		who: Sr25519Keyring::Alice.to_account_id(),
	});
	let deleverage = crate::RuntimeCall::Clearing(pallet_clearing::Call::auto_deleverage {
		market: crate::genesis_config_presets::BTC_PERP,
	});
	for call in [withdraw, liquidate, deleverage] {
		let weight = call.get_dispatch_info().total_weight();
		println!("{call:?}: {} µs charged up front", weight.ref_time() / 1_000_000);
		assert!(weight.all_lte(limit), "{call:?} weighs {weight:?}, above {limit:?}");
	}
}

mod campaign;

/// The database work the order book leaves out of a fill's charge (items a fill earlier in
/// the block wrote already) is never more than the benchmark charges for one fill, nor the
/// taker's for one order.
#[test]
fn the_order_books_savings_stay_within_its_benchmark() {
	use pallet_orderbook::WeightInfo;
	type Book = pallet_orderbook::Pallet<crate::Runtime>;
	type Weights = <crate::Runtime as pallet_orderbook::Config>::WeightInfo;
	let per_fill = Weights::place_order(1).saturating_sub(Weights::place_order(0));
	// A warm maker, a fresh order filled in full (its item, its owner's holds and account),
	// a level filled before in the call.
	let most_per_fill = Book::warm_maker_saving()
		+ Book::fresh_order_saving()
		+ Book::fresh_deposit_saving()
		+ Book::shared_level_saving();
	assert!(most_per_fill.all_lte(per_fill), "{most_per_fill:?} of {per_fill:?}");
	// A fill of a maker and at a level loaded before: the one-maker benchmark's marginal fill,
	// which still reads and writes the filled order's item (saved when the order is fresh).
	let warm_per_fill = Weights::place_order_one_maker(2) - Weights::place_order_one_maker(1);
	assert!(
		Book::fresh_order_saving().all_lte(warm_per_fill),
		"{:?} of {warm_per_fill:?}",
		Book::fresh_order_saving()
	);
	assert!((Book::warm_fill_saving() + Book::fresh_order_saving()).all_lte(per_fill));
	assert!(Book::warm_taker_saving().all_lte(Weights::place_order(0)));
}

/// How many fills the benchmarked weights admit in one block's normal class: taker orders
/// that each fill `FILLS` one-lot quotes at one price level, each quote of another
/// one-position, cross-margined maker, with `distinct` makers in the block. A maker's first
/// fill in the block pays for loading its account; its later fills cost what the one-maker
/// benchmark measured (`warm_fill_saving`), but the first fill of each order, at a level new
/// to the call, is charged as the benchmark's own-level fill less the maker's items. Two books:
/// quotes that rested from earlier blocks, and the market-maker loop, where every quote is
/// placed in the same block (each placement, in bulk calls of 50, is charged too, and a fresh
/// quote's own item and its owner's holds are written already). The figures printed are the
/// README's; the assertions hold the claims made there.
#[test]
fn fills_per_block_by_benchmarked_weight() {
	use frame_support::{dispatch::DispatchClass, traits::Get, weights::Weight};
	use pallet_orderbook::WeightInfo;
	type Book = pallet_orderbook::Pallet<crate::Runtime>;
	type Clearing = pallet_clearing::Pallet<crate::Runtime>;
	type Weights = <crate::Runtime as pallet_orderbook::Config>::WeightInfo;
	const FILLS: u32 = 50;
	const QUOTES_PER_CALL: u64 = 50;
	let db: frame_support::weights::RuntimeDbWeight =
		<<crate::Runtime as frame_system::Config>::DbWeight as Get<_>>::get();
	let blocks = crate::configs::RuntimeBlockWeights::get();
	let normal = blocks.get(DispatchClass::Normal).max_total.expect("the class is bounded");
	let base = blocks.get(DispatchClass::Normal).base_extrinsic;
	// Every check of a one-position account: in the steady state of a market every maker and
	// taker holds its position there already (a first trade, which opens it, is priced one
	// position up).
	let check = Clearing::check_surcharge(pallet_clearing::MarginMode::Cross, 1);
	let mut printed = Vec::new();
	let mut fills_at = std::collections::BTreeMap::new();
	for fresh in [false, true] {
		// One taker order: the benchmark, both sides' checks of every fill, the pricing of
		// every account's surcharge and the reads of its reduce-only orders; less what the
		// block loaded already: the first fill's maker (and a fresh quote's holds), every
		// later fill's maker and level, every maker's pricing and reduce-only orders; a fresh
		// quote's own item.
		let mut saved = Book::warm_maker_saving()
			.saturating_add(Book::warm_fill_saving().saturating_mul(u64::from(FILLS - 1)))
			.saturating_add(Book::warm_maker_call_saving().saturating_mul(u64::from(FILLS)))
			// Takers' orders are immediate-or-cancel: they never rest.
			.saturating_add(Book::unrested_saving());
		if fresh {
			saved = saved
				.saturating_add(Book::fresh_deposit_saving())
				.saturating_add(Book::fresh_order_saving().saturating_mul(u64::from(FILLS)));
		}
		// Each account's surcharge is priced once in the call: every maker's and the taker's.
		let pricing = Clearing::surcharge_pricing_reads().saturating_mul(u64::from(FILLS) + 1);
		let order = Weights::place_order(FILLS)
			.saturating_add(check.saturating_mul(2 * u64::from(FILLS) + 1))
			.saturating_add(pricing)
			.saturating_add(db.reads(u64::from(FILLS) + 1))
			.saturating_add(base)
			.saturating_sub(saved);
		// The quotes a fill consumes, when they are placed in the same block.
		let placement = if fresh {
			let per_call = Weights::place_orders(QUOTES_PER_CALL as u32)
				.saturating_add(check.saturating_mul(QUOTES_PER_CALL))
				.saturating_add(base);
			Weight::from_parts(
				per_call.ref_time() * u64::from(FILLS) / QUOTES_PER_CALL,
				per_call.proof_size() * u64::from(FILLS) / QUOTES_PER_CALL,
			)
		} else {
			Weight::zero()
		};
		for distinct in [1u64, 10, 100] {
			// `distinct` first fills in the block load their makers: charged in full.
			let cold_extra = Book::warm_fill_saving().saturating_mul(distinct);
			let room = normal.ref_time().saturating_sub(cold_extra.ref_time());
			let orders = room / (order.ref_time() + placement.ref_time());
			let fills = orders * u64::from(FILLS);
			printed.push(format!(
				"{} quotes, {distinct} makers: {orders} orders, {fills} fills ({:.2} ms an order{})",
				if fresh { "fresh" } else { "resting" },
				order.ref_time() as f64 / 1e9,
				if fresh { format!(", {:.2} ms of quotes", placement.ref_time() as f64 / 1e9) } else { String::new() },
			));
			fills_at.insert((fresh, distinct), fills);
		}
	}
	for line in &printed {
		println!("{line}");
	}
	// The claims of the README: at least this many fills a block by benchmarked weight.
	// Issue 19 reached 5,300 and 2,400; the liquidation index (issue 20) charges every fill
	// the band its maker's new book writes (the benchmarks fill a new maker each time), and
	// settlement through the money market's ledger (issue 21) its totals and conversions.
	assert!(fills_at[&(false, 100)] >= 3_800, "{printed:?}");
	assert!(fills_at[&(true, 100)] >= 1_800, "{printed:?}");
}
