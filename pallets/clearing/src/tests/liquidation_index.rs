//! The liquidation index (`crate::bands`): every book that can be liquidated has a band
//! or is unbanded, touches keep it, updates flag exactly the books near maintenance, and
//! (the property campaign at the end) for random books and random moves, every scope the
//! full scan finds below maintenance is among those the index flags.

use super::{
	options_and_portfolio::{list_call, series, set_volatility, tradable_mark, BTC_CALL, DAY_MS},
	*,
};
use crate::{BandRecord, MarginMode};
use frame_support::{traits::Hooks, weights::Weight};
use proptest::prelude::*;
use risk_engine::options::OptionKind;

fn band(who: u64, scope: Option<MarketId>) -> Option<BandRecord<u32>> {
	Bands::<Test>::get(who, scope)
}

/// The BTC edges of a scope's band.
fn btc_edges(who: u64, scope: Option<MarketId>) -> (Price, Price) {
	let record = band(who, scope).expect("the scope has a band");
	let edge = record.edges.iter().find(|edge| edge.key == BTC_PRICE).expect("a BTC edge");
	(edge.floor, edge.ceiling)
}

fn flagged() -> Vec<(u64, Option<MarketId>)> {
	ClearingPallet::flagged_scopes(u32::MAX, true)
}

/// The end of the block: `on_idle` with all the weight it wants.
fn idle() {
	ClearingPallet::on_idle(System::block_number(), Weight::MAX);
}

/// Every scope below maintenance, found by checking every account (the full scan).
fn below_maintenance(accounts: &[u64]) -> Vec<(u64, Option<MarketId>)> {
	let mut found = Vec::new();
	for who in accounts {
		let positions = Positions::<Test>::get(who);
		let holds_cross =
			positions.values().any(|r| r.isolated_margin.is_none() && !r.position.is_flat());
		if (holds_cross || SettlementBalances::<Test>::get(who).scaled < 0)
			&& ClearingPallet::cross_figures(who).is_ok_and(|f| f.margin.health < 0)
		{
			found.push((*who, None));
		}
		for (market, record) in positions.iter() {
			if record.isolated_margin.is_some() && !record.position.is_flat() {
				let params = ClearingPallet::market_params(*market).unwrap();
				if ClearingPallet::isolated_figures(*market, &params, record, false)
					.is_ok_and(|f| f.health < 0)
				{
					found.push((*who, Some(*market)));
				}
			}
		}
	}
	found
}

#[test]
fn a_trade_bands_both_sides_inside_their_liquidation_prices() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		// Alice (long) is flagged on a fall, before her liquidation price of about 51,577.
		let (floor, ceiling) = btc_edges(ALICE, None);
		assert!(floor > usd(51_577) && floor < usd(60_000), "{floor:?}");
		// A rise costs a long nothing: that side is at the widest band, 25%.
		assert_eq!(ceiling, usd(75_000));
		let liquidation_price = ClearingPallet::liquidation_prices(&ALICE)[0].1.unwrap();
		assert!(floor > liquidation_price);
		// Bob (short) mirrors it.
		let (floor, ceiling) = btc_edges(BOB, None);
		assert_eq!(floor, usd(45_000));
		let liquidation_price = ClearingPallet::liquidation_prices(&BOB)[0].1.unwrap();
		assert!(ceiling > usd(60_000) && ceiling < liquidation_price, "{ceiling:?}");
		// Nothing is flagged at the price they traded at.
		assert!(flagged().is_empty());
		// Charlie holds no position and owes nothing: no band.
		deposit(CHARLIE, USDC, 1_000 * ONE_USDC);
		assert_eq!(band(CHARLIE, None), None);
	});
}

#[test]
fn a_deposit_writes_nothing_and_a_withdrawal_narrows_the_band() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		let before = band(ALICE, None).unwrap();
		deposit(ALICE, USDC, 5_000 * ONE_USDC);
		// The wider band would contain the stored one: the stored one still holds.
		assert_eq!(band(ALICE, None).unwrap(), before);
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 9_000 * ONE_USDC));
		let (floor, _) = btc_edges(ALICE, None);
		assert!(floor > before.edges[0].floor, "less collateral, a higher floor");
	});
}

#[test]
fn a_fall_past_a_floor_flags_that_account_and_the_worker_checks_it() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		// Charlie is long 1 BTC too, on far more collateral.
		deposit(CHARLIE, USDC, 40_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		deposit(BOB, USDC, 50_000 * ONE_USDC);
		let (alice_floor, _) = btc_edges(ALICE, None);
		let (charlie_floor, _) = btc_edges(CHARLIE, None);
		assert!(charlie_floor < alice_floor);
		set_price_at(BTC_PRICE, alice_floor, now());
		assert_eq!(flagged(), vec![(ALICE, None)]);
		// Flagged is not below maintenance: the band is conservative.
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		// Below her liquidation price she is both.
		set_price(BTC_PRICE, 51_000);
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		assert!(flagged().contains(&(ALICE, None)));
	});
}

#[test]
fn the_end_of_the_block_rebands_a_safe_flagged_account_and_unbands_an_unsafe_one() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		let (floor, _) = btc_edges(ALICE, None);
		set_price_at(BTC_PRICE, floor, now());
		idle();
		// Still above maintenance: a new band around the price now.
		let (new_floor, new_ceiling) = btc_edges(ALICE, None);
		assert!(new_floor < floor && new_ceiling > floor);
		assert!(flagged().is_empty());
		// Below maintenance: unbanded, so checked at every update until it is liquidated.
		set_price(BTC_PRICE, 51_000);
		idle();
		assert_eq!(band(ALICE, None).unwrap().valid_until_ms, 0);
		assert!(UnbandedScopes::<Test>::contains_key((ALICE, None::<MarketId>)));
		assert_eq!(flagged(), vec![(ALICE, None)]);
		assert_ok!(liquidate(ALICE));
		// The liquidation touched her: banded again (or unbanded if still short).
		assert!(band(ALICE, None).is_some());
	});
}

#[test]
fn bands_end_at_their_horizon_and_are_renewed() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		let until = band(ALICE, None).unwrap().valid_until_ms;
		assert_eq!(until, now() + 3_600_000);
		advance(3_600_000);
		set_price(BTC_PRICE, 60_000);
		assert!(flagged().contains(&(ALICE, None)) && flagged().contains(&(BOB, None)));
		idle();
		assert!(flagged().is_empty());
		assert_eq!(band(ALICE, None).unwrap().valid_until_ms, now() + 3_600_000);
	});
}

#[test]
fn isolated_positions_have_their_own_band_and_portfolio_books_none() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 20_000 * ONE_USDC);
		deposit(BOB, USDC, 20_000 * ONE_USDC);
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			5_000 * ONE_USDC
		));
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128 / 2, usd(60_000)));
		// Only the isolated position can be liquidated: Alice's cross book holds nothing.
		assert_eq!(band(ALICE, None), None);
		let (floor, _) = btc_edges(ALICE, Some(BTC_PERP));
		assert!(floor < usd(60_000));
		// Bob switches to portfolio margin: his book is checked at every update.
		assert_ok!(ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(BOB),
			MarginMode::Portfolio
		));
		assert_eq!(band(BOB, None).unwrap().valid_until_ms, 0);
		assert!(flagged().contains(&(BOB, None)));
		// Closing the position leaves the isolated margin but nothing to liquidate.
		assert_ok!(settle(&ALICE, &BOB, BTC_PERP, ONE_BTC as i128 / 2, usd(60_000)));
		assert_eq!(band(ALICE, Some(BTC_PERP)), None);
		assert_eq!(band(BOB, None), None);
		assert!(flagged().is_empty());
	});
}

#[test]
fn a_debt_without_positions_is_banded_on_the_collateral_behind_it() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(ALICE, BTC, ONE_BTC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		// Alice closes at 50,000: the loss and fees take her settlement balance below zero.
		set_price(BTC_PRICE, 50_000);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128), usd(50_000)));
		assert!(Positions::<Test>::get(ALICE).is_empty());
		assert!(SettlementBalances::<Test>::get(ALICE).scaled < 0);
		// Her BTC collateral is all that stands behind the debt: banded on BTC's price.
		let (floor, ceiling) = btc_edges(ALICE, None);
		assert!(floor < usd(50_000));
		assert_eq!(ceiling, usd(62_500));
		// A rebuild reaches her too, though she holds no position: after the holders of
		// positions, it walks the debtors.
		ClearingPallet::remove_bands(&ALICE);
		ClearingPallet::start_band_rebuild();
		idle();
		assert!(!ClearingPallet::band_rebuild_running());
		assert_eq!(btc_edges(ALICE, None), (floor, ceiling));
	});
}

#[test]
fn a_raised_margin_schedule_rebuilds_every_band() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		let (floor, _) = btc_edges(ALICE, None);
		let tiers = frame_support::BoundedVec::truncate_from(vec![MarginTier {
			notional_floor: 0,
			initial_fraction: Perbill::from_percent(10),
			maintenance_fraction: Perbill::from_percent(8),
		}]);
		assert_ok!(ClearingPallet::set_market_margin_tiers(RuntimeOrigin::root(), BTC_PERP, tiers));
		start_next_block();
		assert!(ClearingPallet::band_rebuild_running());
		idle();
		assert!(!ClearingPallet::band_rebuild_running());
		let (rebuilt, _) = btc_edges(ALICE, None);
		assert!(rebuilt > floor, "a higher requirement, a higher floor");
	});
}

#[test]
fn option_books_are_banded_on_the_underlying_and_the_volatility() {
	new_test_ext().execute_with(|| {
		list_call();
		deposit(ALICE, USDC, 20_000 * ONE_USDC);
		deposit(BOB, USDC, 20_000 * ONE_USDC);
		let mark = tradable_mark(BTC_CALL);
		// Bob writes a call to Alice.
		assert_ok!(settle(&BOB, &ALICE, BTC_CALL, ONE_BTC as i128, mark));
		// A long option loses at most its premium: no price is in Alice's band at all.
		let alice = band(ALICE, None).unwrap();
		assert!(alice.edges.is_empty() && alice.valid_until_ms > 0);
		// The writer loses on a rise of the underlying and of the volatility.
		let bob = band(BOB, None).unwrap();
		let keys: Vec<u32> = bob.edges.iter().map(|edge| edge.key).collect();
		assert_eq!(keys, vec![BTC_PRICE, 12]);
		let volatility = bob.edges[1];
		assert!(
			volatility.ceiling > usd(0) && volatility.ceiling.into_inner() < usd(1).into_inner()
		);
		set_price_at(12, volatility.ceiling, now());
		assert_eq!(flagged(), vec![(BOB, None)]);
		set_volatility(60);
		assert!(flagged().is_empty());
	});
}

#[test]
fn a_seeded_book_starts_banded_and_a_shock_flags_those_it_puts_under() {
	const HOUSE: u64 = 50;
	let book = crate::SeededBook {
		accounts: 100,
		market: BTC_PERP,
		size: ONE_BTC / 100,
		entry: usd(60_000),
		margin_min: 30 * ONE_USDC,
		margin_step: ONE_USDC,
		house: HOUSE,
		house_margin: 100_000 * ONE_USDC,
		bands_from_ms: START_MS,
	};
	new_test_ext_seeded(Some(book)).execute_with(|| {
		let seeded: Vec<u64> = (0..100).map(ClearingPallet::seeded_account).collect();
		assert_eq!(MarketStates::<Test>::get(BTC_PERP).open_interest, ONE_BTC);
		assert_eq!(Positions::<Test>::get(HOUSE)[&BTC_PERP].position.size, -(ONE_BTC as i128));
		assert!(seeded.iter().all(|who| band(*who, None).is_some()));
		assert!(band(HOUSE, None).is_some());
		// At the entry price nothing is below maintenance; only the thinnest are flagged
		// (unbanded: their health does not cover the band's reserve).
		assert!(below_maintenance(&seeded).is_empty());
		let quiet = flagged().len();
		assert!(quiet < 20, "{quiet} flagged at the entry price");
		// 57,000 puts the accounts with less than about 47.1 USDC under: the first 18.
		set_price(BTC_PRICE, 57_000);
		let below = below_maintenance(&seeded);
		assert_eq!(below, seeded[..18].iter().map(|who| (*who, None)).collect::<Vec<_>>());
		let flagged = flagged();
		assert!(below.iter().all(|scope| flagged.contains(scope)));
		// Bands are stored a quarter narrower than worked out (the slack): a few more.
		assert!(flagged.len() < 60, "{} flagged for 18 below maintenance", flagged.len());
		ClearingPallet::do_try_state().unwrap();
		// The end of the block gives the safe ones new bands around the price: what stays
		// flagged is unbanded (below maintenance, or within the band's reserve of it).
		idle();
		let left = ClearingPallet::flagged_scopes(u32::MAX, true);
		assert!(left.len() < flagged.len() && below.iter().all(|scope| left.contains(scope)));
		assert_eq!(left.len() as u32, UnbandedScopes::<Test>::count());
	});
}

fn target(who: u64, positions: u32) -> crate::LiquidationTarget<u64> {
	crate::LiquidationTarget { who, market: None, positions, portfolio: false, borrows: 0 }
}

fn batch(targets: Vec<crate::LiquidationTarget<u64>>) -> Call<Test> {
	Call::liquidate_many { targets: frame_support::BoundedVec::truncate_from(targets) }
}

/// Alice and Charlie long 1 BTC each on 10,000 USDC; Bob short on plenty.
fn two_longs() {
	open_one_btc();
	deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
	deposit(BOB, USDC, 100_000 * ONE_USDC);
	assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
}

#[test]
fn a_batch_liquidates_every_target_below_maintenance_and_skips_the_rest() {
	use frame_support::dispatch::GetDispatchInfo;
	new_test_ext().execute_with(|| {
		two_longs();
		set_price(BTC_PRICE, 51_000);
		let call = batch(vec![target(ALICE, 1), target(CHARLIE, 1), target(BOB, 1)]);
		// Bob is healthy: the pool does not take the batch as it is.
		assert_eq!(validate(call.clone()), stale());
		// In a block, a batch skips what no longer applies and goes on.
		let charged = call.get_dispatch_info().call_weight;
		let result = ClearingPallet::liquidate_many(
			RuntimeOrigin::none(),
			frame_support::BoundedVec::truncate_from(vec![
				target(ALICE, 1),
				target(BOB, 1),
				target(CHARLIE, 1),
			]),
		)
		.unwrap();
		let liquidated: Vec<u64> = events()
			.into_iter()
			.filter_map(|event| match event {
				Event::Liquidated { who, .. } => Some(who),
				_ => None,
			})
			.collect();
		assert_eq!(liquidated, vec![ALICE, CHARLIE]);
		assert!(result.actual_weight.unwrap().all_lt(charged));
		// Liquidated in this block: a second batch of them is stale, in the pool and in a
		// block.
		let again = batch(vec![target(ALICE, 1), target(CHARLIE, 1)]);
		assert_eq!(validate(again.clone()), stale());
		use sp_runtime::traits::ValidateUnsigned;
		assert!(ClearingPallet::pre_dispatch(&again).is_err());
	});
}

#[test]
fn a_batch_is_unsigned_names_each_scope_once_and_keeps_to_its_witness() {
	new_test_ext().execute_with(|| {
		two_longs();
		set_price(BTC_PRICE, 51_000);
		assert_noop!(
			ClearingPallet::liquidate_many(
				RuntimeOrigin::signed(BOB),
				frame_support::BoundedVec::truncate_from(vec![target(ALICE, 1)]),
			),
			DispatchError::BadOrigin
		);
		assert_eq!(validate(batch(vec![target(ALICE, 1), target(ALICE, 1)])), stale());
		assert_eq!(validate(batch(vec![])), stale());
		// A witness of fewer positions than Alice holds: not taken, and skipped in a block.
		assert_eq!(validate(batch(vec![target(ALICE, 0)])), stale());
		assert_ok!(ClearingPallet::liquidate_many(
			RuntimeOrigin::none(),
			frame_support::BoundedVec::truncate_from(vec![target(ALICE, 0)]),
		));
		assert!(!events().iter().any(|event| matches!(event, Event::Liquidated { .. })));
		// The batch provides a tag per target: it conflicts with a single liquidation.
		let both = validate(batch(vec![target(ALICE, 1), target(CHARLIE, 1)])).unwrap();
		let single = validate(Call::liquidate { who: ALICE }).unwrap();
		assert_eq!(both.provides.len(), 2);
		assert!(both.provides.contains(&single.provides[0]));
	});
}

const TRADERS: [u64; 6] = [ALICE, BOB, CHARLIE, 4, 5, 6];
const BTC_PUT: MarketId = 11;

#[derive(Clone, Debug)]
enum Op {
	Deposit {
		who: usize,
		btc: bool,
		amount: u128,
	},
	Withdraw {
		who: usize,
		btc: bool,
		amount: u128,
	},
	Trade {
		maker: usize,
		taker: usize,
		lots: i128,
		price_ticks: u128,
	},
	TradeOption {
		maker: usize,
		taker: usize,
		put: bool,
		lots: i128,
	},
	AddIsolated {
		who: usize,
		amount: u128,
	},
	Portfolio {
		who: usize,
	},
	/// A move of the BTC index by this many parts per thousand.
	MovePrice {
		per_mille: i128,
	},
	MoveVolatility {
		percent: u128,
	},
	/// The BTC index (or the volatility) moves to just inside one band's edge: the most a
	/// price can move without flagging that scope, where its health is closest to zero.
	ToEdge {
		band: usize,
		floor: bool,
		volatility: bool,
	},
	Wait {
		ms: u64,
	},
	EndBlock,
	Liquidate {
		who: usize,
	},
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		1 => (0usize..6, any::<bool>(), 1u128..=50_000 * ONE_USDC).prop_map(|(who, btc, amount)| {
			Op::Deposit { who, btc, amount: if btc { amount / 1_000 } else { amount } }
		}),
		1 => (0usize..6, any::<bool>(), 1u128..=50_000 * ONE_USDC).prop_map(|(who, btc, amount)| {
			Op::Withdraw { who, btc, amount: if btc { amount / 1_000 } else { amount } }
		}),
		3 => (0usize..6, 1usize..6, -3_000i128..=3_000, 560_000u128..=640_000).prop_map(
			|(maker, offset, lots, price_ticks)| Op::Trade {
				maker,
				taker: (maker + offset) % 6,
				lots,
				price_ticks
			}
		),
		1 => (0usize..6, 1usize..6, any::<bool>(), -50i128..=50).prop_map(|(maker, offset, put, lots)| {
			Op::TradeOption { maker, taker: (maker + offset) % 6, put, lots }
		}),
		1 => (0usize..6, 1u128..=10_000 * ONE_USDC).prop_map(|(who, amount)| Op::AddIsolated { who, amount }),
		1 => (0usize..6).prop_map(|who| Op::Portfolio { who }),
		4 => (-80i128..=80).prop_map(|per_mille| Op::MovePrice { per_mille }),
		1 => (30u128..=120).prop_map(|percent| Op::MoveVolatility { percent }),
		3 => (0usize..12, any::<bool>(), prop::bool::weighted(0.2)).prop_map(|(band, floor, volatility)| Op::ToEdge { band, floor, volatility }),
		1 => (1u64..=5_400_000).prop_map(|ms| Op::Wait { ms }),
		2 => Just(Op::EndBlock),
		1 => (0usize..6).prop_map(|who| Op::Liquidate { who }),
	]
}

fn apply(op: &Op) {
	use sp_runtime::traits::Dispatchable;
	let asset = |btc: bool| if btc { BTC } else { USDC };
	let _ = match op.clone() {
		Op::Deposit { who, btc, amount } => {
			ClearingPallet::deposit(RuntimeOrigin::signed(TRADERS[who]), asset(btc), amount)
		},
		Op::Withdraw { who, btc, amount } => {
			ClearingPallet::withdraw(RuntimeOrigin::signed(TRADERS[who]), asset(btc), amount)
				.map(|_| ())
				.map_err(|e| e.error)
		},
		Op::Trade { maker, taker, lots, price_ticks } => settle(
			&TRADERS[maker],
			&TRADERS[taker],
			BTC_PERP,
			lots * 10_000,
			FixedU128::from_inner(price_ticks * 100_000_000_000_000_000),
		),
		Op::TradeOption { maker, taker, put, lots } => {
			let market = if put { BTC_PUT } else { BTC_CALL };
			let mark = tradable_mark(market);
			settle(&TRADERS[maker], &TRADERS[taker], market, lots * 1_000_000, mark)
		},
		Op::AddIsolated { who, amount } => ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(TRADERS[who]),
			BTC_PERP,
			amount,
		),
		Op::Portfolio { who } => ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(TRADERS[who]),
			MarginMode::Portfolio,
		),
		Op::MovePrice { per_mille } => {
			let (price, _) = TestPrices::price(&BTC_PRICE).unwrap();
			let moved = price.into_inner() as i128 / 1_000 * (1_000 + per_mille);
			let bounded = moved.clamp(30_000 * 10i128.pow(18), 90_000 * 10i128.pow(18));
			set_price_at(BTC_PRICE, FixedU128::from_inner(bounded as u128), now());
			Ok(())
		},
		Op::MoveVolatility { percent } => {
			set_volatility(percent);
			Ok(())
		},
		Op::ToEdge { band, floor, volatility } => {
			let key = if volatility { 12 } else { BTC_PRICE };
			let edges: Vec<_> = Bands::<Test>::iter()
				.flat_map(|(_, _, record)| record.edges.into_iter())
				.filter(|edge| edge.key == key)
				.collect();
			if let Some(edge) = edges.get(band % edges.len().max(1)) {
				// One part in 10^9 inside the edge: not flagged.
				let inside = if floor {
					edge.floor.into_inner() + edge.floor.into_inner() / 1_000_000_000 + 1
				} else {
					edge.ceiling.into_inner() - edge.ceiling.into_inner() / 1_000_000_000 - 1
				};
				set_price_at(key, FixedU128::from_inner(inside), now());
			}
			Ok(())
		},
		Op::Wait { ms } => {
			let (price, _) = TestPrices::price(&BTC_PRICE).unwrap();
			let (volatility, _) = TestPrices::price(&12).unwrap();
			advance(ms);
			set_price_at(BTC_PRICE, price, now());
			set_price_at(12, volatility, now());
			Ok(())
		},
		Op::EndBlock => {
			idle();
			<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
			start_next_block();
			Ok(())
		},
		Op::Liquidate { who } => RuntimeCall::Clearing(Call::liquidate { who: TRADERS[who] })
			.dispatch(RuntimeOrigin::none())
			.map(|_| ())
			.map_err(|e| e.error),
	};
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

	/// Random books (perpetuals long and short, cross and isolated, calls and puts written
	/// and bought, BTC collateral, portfolio accounts) through random moves of the index
	/// and the volatility, time and funding, ends of blocks and liquidations: after every
	/// step, every scope the full scan finds below maintenance is one the index flags, and
	/// the index agrees with the records (the invariants).
	#[test]
	fn the_targeted_check_finds_everything_the_full_scan_finds(ops in prop::collection::vec(op(), 1..60)) {
		new_test_ext().execute_with(|| {
			list_call();
			assert_ok!(ClearingPallet::register_market(
				RuntimeOrigin::root(),
				BTC_PUT,
				series(OptionKind::Put, 55_000, now() + 7 * DAY_MS),
			));
			for who in TRADERS {
				if who > CHARLIE {
					assert_ok!(pallet_assets::Pallet::<Test>::mint(RuntimeOrigin::signed(ALICE), USDC, who, 1_000_000 * ONE_USDC));
					assert_ok!(pallet_assets::Pallet::<Test>::mint(RuntimeOrigin::signed(ALICE), BTC, who, 10 * ONE_BTC));
				}
				deposit(who, USDC, 3_000 * ONE_USDC);
			}
			for op in &ops {
				apply(op);
				let below = below_maintenance(&TRADERS);
				let flagged = flagged();
				for scope in &below {
					prop_assert!(flagged.contains(scope), "{:?} is below maintenance but not flagged after {:?}", scope, op);
				}
				ClearingPallet::do_try_state().map_err(|e| TestCaseError::fail(format!("{e:?} after {op:?}")))?;
			}
			Ok(())
		})?;
	}
}
