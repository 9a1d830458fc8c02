//! The off-chain worker and the liquidation API.

use super::*;
use codec::Decode;
use sp_core::offchain::{
	testing::{TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
};

/// The mock's externalities with what an off-chain worker needs (off-chain storage, the
/// worker's context, a transaction pool) and the handles that read them back. A macro,
/// so the handles' types need no names here.
macro_rules! worker_ext {
	() => {{
		let (offchain, offchain_state) = TestOffchainExt::new();
		let (pool, pool_state) = TestTransactionPoolExt::new();
		let mut ext = new_test_ext();
		ext.register_extension(OffchainDbExt::new(offchain.clone()));
		ext.register_extension(OffchainWorkerExt::new(offchain));
		ext.register_extension(TransactionPoolExt::new(pool));
		(ext, offchain_state, pool_state)
	}};
}

/// Alice and Charlie each long 1 BTC on 10,000 USDC, against Bob.
fn book() {
	deposit(ALICE, USDC, 10_000 * ONE_USDC);
	deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
	deposit(BOB, USDC, 100_000 * ONE_USDC);
	assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
	assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
}

#[test]
fn the_worker_submits_liquidations_for_a_bounded_slice_and_moves_its_cursor() {
	let (mut ext, offchain_state, pool_state) = worker_ext!();
	ext.execute_with(|| {
		book();
		// Both longs are under water; Bob (short) is fine.
		set_price(BTC_PRICE, 51_000);
		let mut submitted = Vec::new();
		// Three accounts hold positions, and none owes: the sweep reads the holders (then the
		// borrowers, none), two entries a run.
		let entries = 3 + Borrowers::<Test>::count();
		let first = ClearingPallet::scan_for_liquidations().expect("a validator runs it");
		assert_eq!(first.scanned, 2);
		assert!(!first.wrapped);
		let cursor = offchain_state.read().persistent_storage.get(crate::offchain::CURSOR_KEY);
		assert!(cursor.is_some(), "the cursor was stored");
		let mut runs = vec![first];
		while !runs.last().unwrap().wrapped {
			runs.push(ClearingPallet::scan_for_liquidations().unwrap());
		}
		let scanned: u32 = runs.iter().map(|run| run.scanned).sum();
		assert_eq!(scanned, entries, "each run carries on where the last stopped");
		assert_eq!(runs.len() as u32, entries / 2 + 1);
		assert!(offchain_state
			.read()
			.persistent_storage
			.get(crate::offchain::CURSOR_KEY)
			.is_none());
		for raw in pool_state.read().transactions.iter() {
			let xt = Extrinsic::decode(&mut &raw[..]).unwrap();
			assert!(xt.is_inherent(), "a bare (unsigned) extrinsic");
			submitted.push(xt.function);
		}
		// The liquidation index flagged both on each run (the pool drops the repeats by
		// their tags); the sweep found nothing the index had not.
		assert!(runs.iter().all(|run| run.flagged == 2 && run.missed.is_empty()));
		// One batch a run, naming both, each with its witness.
		let batch = Call::liquidate_many {
			targets: frame_support::BoundedVec::truncate_from(
				[ALICE, CHARLIE]
					.map(|who| crate::LiquidationTarget {
						who,
						market: None,
						positions: 1,
						portfolio: false,
						borrows: 0,
					})
					.to_vec(),
			),
		};
		assert_eq!(submitted, vec![RuntimeCall::Clearing(batch.clone()); runs.len()]);
		// What the worker submitted passes the chain's own check.
		assert!(validate(batch).is_ok());
		// The next run starts over from the first account.
		let again = ClearingPallet::scan_for_liquidations().unwrap();
		assert_eq!(again.scanned, 2);
	});
}

#[test]
fn the_sweep_reaches_a_debtor_without_positions() {
	let (mut ext, _, pool_state) = worker_ext!();
	ext.execute_with(|| {
		// Alice closes a long at a loss larger than her USDC: she owes USDC, holds no
		// position, and her 0.2 BTC stands behind the debt.
		deposit(ALICE, USDC, 5_000 * ONE_USDC);
		deposit(ALICE, BTC, ONE_BTC / 5);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		set_price(BTC_PRICE, 52_000);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128), usd(52_000)));
		assert!(Positions::<Test>::get(ALICE).is_empty());
		assert!(SettlementBalances::<Test>::get(ALICE).scaled < 0);
		// The index loses her (as a rebuild could); BTC then falls below what covers the debt.
		ClearingPallet::remove_bands(&ALICE);
		set_price(BTC_PRICE, 15_000);
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		assert!(ClearingPallet::flagged_scopes(u32::MAX, true).is_empty());
		// The sweep reads the holders of positions, then the borrowers, and finds her among
		// the latter: a miss, reported, and a liquidation submitted.
		let mut missed = Vec::new();
		loop {
			let report = ClearingPallet::scan_for_liquidations().unwrap();
			missed.extend(report.missed);
			if report.wrapped {
				break;
			}
		}
		assert_eq!(missed, vec![(ALICE, None)]);
		let batch = Call::liquidate_many {
			targets: frame_support::BoundedVec::truncate_from(vec![crate::LiquidationTarget {
				who: ALICE,
				market: None,
				positions: 0,
				portfolio: false,
				borrows: 1,
			}]),
		};
		let submitted: Vec<_> = pool_state
			.read()
			.transactions
			.iter()
			.map(|raw| Extrinsic::decode(&mut &raw[..]).unwrap().function)
			.collect();
		assert_eq!(submitted, vec![RuntimeCall::Clearing(batch.clone())]);
		assert!(validate(batch).is_ok());
		// The block's end gives the index back its view of her: unbanded, below maintenance.
		ClearingPallet::reband(&ALICE);
	});
}

#[test]
fn the_worker_deleverages_when_the_fund_is_in_deficit() {
	let (mut ext, _, pool_state) = worker_ext!();
	ext.execute_with(|| {
		deposit(ALICE, USDC, 1_000 * ONE_USDC);
		deposit(ALICE, BTC, ONE_BTC / 10);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 50_000 * ONE_USDC);
		let half = ONE_BTC as i128 / 2;
		assert_ok!(settle(&CHARLIE, &ALICE, BTC_PERP, half, usd(60_000)));
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, half, usd(60_000)));
		set_price(BTC_PRICE, 50_000);
		assert_ok!(liquidate(ALICE));
		assert!(ClearingPallet::insurance_deficit() > 0);
		let report = ClearingPallet::scan_for_liquidations().unwrap();
		assert_eq!(report.deleveraged, vec![BTC_PERP]);
		let calls: Vec<RuntimeCall> = pool_state
			.read()
			.transactions
			.iter()
			.map(|raw| Extrinsic::decode(&mut &raw[..]).unwrap().function)
			.collect();
		// The worker names nobody: the chain takes the counterparties from its queue.
		let expected = Call::auto_deleverage { market: BTC_PERP };
		assert!(calls.contains(&RuntimeCall::Clearing(expected.clone())), "{calls:?}");
		assert!(validate(expected).is_ok());
	});
}

#[test]
fn the_worker_submits_nothing_for_healthy_accounts_or_at_stale_prices() {
	let (mut ext, _, pool_state) = worker_ext!();
	ext.execute_with(|| {
		book();
		for _ in 0..2 {
			ClearingPallet::scan_for_liquidations().unwrap();
		}
		assert!(pool_state.read().transactions.is_empty());
		set_price(BTC_PRICE, 51_000);
		advance(60_001);
		for _ in 0..2 {
			ClearingPallet::scan_for_liquidations().unwrap();
		}
		assert!(pool_state.read().transactions.is_empty());
	});
}
#[test]
fn the_worker_settles_expired_options_and_the_chain_accepts_only_real_settlements() {
	use crate::tests::options_and_portfolio::{list_call, tradable_mark, BTC_CALL, DAY_MS};
	let (mut ext, _offchain_state, pool_state) = worker_ext!();
	ext.execute_with(|| {
		list_call();
		deposit(ALICE, USDC, 40_000 * ONE_USDC);
		deposit(BOB, USDC, 40_000 * ONE_USDC);
		assert_ok!(settle(&ALICE, &BOB, BTC_CALL, ONE_BTC as i128, tradable_mark(BTC_CALL)));
		let settle_bob = Call::<Test>::settle_expired { who: BOB };
		// Before expiry there is nothing to settle: the pool refuses it.
		assert!(<ClearingPallet as sp_runtime::traits::ValidateUnsigned>::validate_unsigned(
			sp_runtime::transaction_validity::TransactionSource::External,
			&settle_bob
		)
		.is_err());
		advance(30 * DAY_MS);
		set_price(BTC_PRICE, 62_000);
		let report = ClearingPallet::scan_for_liquidations().unwrap();
		let mut settled = report.settled.clone();
		settled.sort();
		assert_eq!(settled, vec![ALICE, BOB]);
		let submitted: Vec<RuntimeCall> = pool_state
			.read()
			.transactions
			.iter()
			.map(|raw| Extrinsic::decode(&mut &raw[..]).unwrap().function)
			.collect();
		assert!(submitted.contains(&RuntimeCall::Clearing(Call::settle_expired { who: BOB })));
		assert!(<ClearingPallet as sp_runtime::traits::ValidateUnsigned>::validate_unsigned(
			sp_runtime::transaction_validity::TransactionSource::External,
			&settle_bob
		)
		.is_ok());
		for who in [ALICE, BOB] {
			assert_ok!(ClearingPallet::settle_expired(RuntimeOrigin::none(), who));
		}
		assert_eq!(MarketStates::<Test>::get(BTC_CALL).open_interest, 0);
	});
}

#[test]
fn the_api_pages_through_liquidatable_accounts_and_reports_the_fund() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		set_price(BTC_PRICE, 51_000);
		let mut found = Vec::new();
		let mut start_after = None;
		let mut pages = 0;
		loop {
			let page = ClearingPallet::liquidatable_accounts(start_after, 1);
			pages += 1;
			for account in &page.accounts {
				assert!(account.cross && account.cross_health < 0);
				assert!(account.isolated_markets.is_empty());
				found.push(account.who);
			}
			match page.last_checked {
				Some(last) => start_after = Some(last),
				None => break,
			}
		}
		found.sort();
		assert_eq!(found, vec![ALICE, CHARLIE]);
		assert_eq!(pages, 4, "three accounts, one per page, and the empty end");
		// Alice's liquidation price: where her health reaches zero.
		let prices = ClearingPallet::liquidation_prices(&ALICE);
		assert_eq!(prices.len(), 1);
		assert!(prices[0].1.unwrap() > usd(51_000));
		assert_ok!(liquidate(ALICE));
		let fund = ClearingPallet::insurance_fund();
		assert_eq!(fund.account, INSURANCE);
		assert!(fund.settlement_balance > 0 && fund.net_value > 0);
		assert_eq!(fund.positions.len(), 1);
		assert!(fund.positions[0].1 > 0);
	});
}
