//! Bulk quoting: `place_orders`, `cancel_orders` and `replace_orders`, and client order ids.

use super::*;
use crate::{ClientOrderId, OrderRef, OrderRequest};
use frame_support::{dispatch::GetDispatchInfo, BoundedVec};

fn quote(side: OrderSide, dollars: u128, client: Option<ClientOrderId>) -> OrderRequest {
	OrderRequest {
		side,
		price: usd(dollars),
		size: MIN_SIZE,
		time_in_force: PostOnly,
		reduce_only: false,
		client_order_id: client,
	}
}

fn bounded<X: Clone>(items: &[X]) -> BoundedVec<X, <Test as Config>::MaxOrdersPerCall> {
	BoundedVec::truncate_from(items.to_vec())
}

fn place_all(
	who: u64,
	orders: &[OrderRequest],
) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Book::place_orders(RuntimeOrigin::signed(who), BTC_PERP, bounded(orders))
}

fn rejected() -> Vec<(u32, Option<ClientOrderId>, DispatchError)> {
	events()
		.into_iter()
		.filter_map(|e| match e {
			Event::OrderRejected { index, client_order_id, error, .. } => {
				Some((index, client_order_id, error))
			},
			_ => None,
		})
		.collect()
}

fn not_found() -> Vec<OrderRef> {
	events()
		.into_iter()
		.filter_map(|e| match e {
			Event::OrderNotFound { order, .. } => Some(order),
			_ => None,
		})
		.collect()
}

fn client_ids(who: u64) -> Vec<Option<ClientOrderId>> {
	Book::open_orders(&who).into_iter().map(|o| o.client_order_id).collect()
}

#[test]
fn place_orders_rests_a_ladder_with_client_ids() {
	new_test_ext().execute_with(|| {
		assert_ok!(place_all(
			BOB,
			&[
				quote(Buy, 59_990, Some(1)),
				quote(Buy, 59_980, Some(2)),
				quote(Sell, 60_010, Some(3)),
				quote(Sell, 60_020, None),
			]
		));
		assert_eq!(client_ids(BOB), vec![Some(1), Some(2), Some(3), None]);
		assert_eq!(levels(Buy).len(), 2);
		assert_eq!(levels(Sell).len(), 2);
		assert_eq!(book_top(BTC_PERP), (Some(usd(59_990)), Some(usd(60_010))));
		assert!(rejected().is_empty());
	});
}

#[test]
fn one_failed_order_changes_nothing_and_the_others_go_on() {
	new_test_ext().execute_with(|| {
		rest(CHARLIE, Sell, 60_000, MIN_SIZE);
		let deposit_before = Balances::reserved_balance(BOB);
		assert_ok!(place_all(
			BOB,
			&[
				quote(Buy, 59_990, Some(1)),
				// Post-only at the ask: it would cross.
				quote(Buy, 60_000, Some(2)),
				// The same client id as a resting order.
				quote(Buy, 59_980, Some(1)),
				quote(Buy, 59_970, Some(4)),
			]
		));
		assert_eq!(
			rejected(),
			vec![
				(1, Some(2), Error::<Test>::PostOnlyWouldCross.into()),
				(2, Some(1), Error::<Test>::DuplicateClientOrderId.into()),
			]
		);
		assert_eq!(client_ids(BOB), vec![Some(1), Some(4)]);
		// Only the two orders that rest hold deposits; the failed ones left no trace.
		assert_eq!(Balances::reserved_balance(BOB), deposit_before + 2 * ORDER_DEPOSIT);
		assert_eq!(committed(BOB, BTC_PERP).0, 2 * MIN_SIZE);
	});
}

#[test]
fn a_client_id_is_free_again_once_its_order_leaves_the_book() {
	new_test_ext().execute_with(|| {
		assert_ok!(place_all(BOB, &[quote(Sell, 60_000, Some(7))]));
		// Alice takes it: the id is free.
		assert_eq!(place(ALICE, Buy, 60_000, MIN_SIZE, Ioc), Ok(1));
		assert!(client_ids(BOB).is_empty());
		assert_ok!(place_all(BOB, &[quote(Sell, 60_001, Some(7))]));
		assert!(rejected().is_empty());
		assert_eq!(client_ids(BOB), vec![Some(7)]);
		// An order that fills at once never holds its id.
		assert_ok!(place_all(
			ALICE,
			&[OrderRequest { time_in_force: Ioc, ..quote(Buy, 60_001, Some(7)) }]
		));
		assert!(rejected().is_empty());
		assert!(client_ids(ALICE).is_empty());
	});
}

#[test]
fn cancel_orders_by_id_or_client_id_and_reports_the_missing() {
	new_test_ext().execute_with(|| {
		assert_ok!(place_all(
			BOB,
			&[quote(Buy, 59_990, Some(1)), quote(Buy, 59_980, Some(2)), quote(Sell, 60_010, None)]
		));
		let ask = Book::open_orders(&BOB)[2].order_id;
		let alice_order = rest(ALICE, Buy, 59_000, MIN_SIZE);
		assert_ok!(Book::cancel_orders(
			RuntimeOrigin::signed(BOB),
			BTC_PERP,
			bounded(&[
				OrderRef::Client(2),
				OrderRef::Id(ask),
				// Someone else's order, an unknown client id, one cancelled already.
				OrderRef::Id(alice_order),
				OrderRef::Client(9),
			])
		));
		assert_eq!(client_ids(BOB), vec![Some(1)]);
		assert_eq!(not_found(), vec![OrderRef::Id(alice_order), OrderRef::Client(9)]);
		assert!(remaining(alice_order).is_some(), "Alice's order is untouched");
		assert_eq!(committed(BOB, BTC_PERP), (MIN_SIZE, value(MIN_SIZE, usd(59_990)), 0, 0));
		assert_eq!(book_top(BTC_PERP), (Some(usd(59_990)), None));
	});
}

#[test]
fn replace_orders_moves_a_ladder_atomically() {
	new_test_ext().execute_with(|| {
		assert_ok!(place_all(BOB, &[quote(Buy, 59_990, Some(1)), quote(Sell, 60_010, Some(2))]));
		// Move both quotes up one dollar, reusing the client ids the cancels free.
		assert_ok!(Book::replace_orders(
			RuntimeOrigin::signed(BOB),
			BTC_PERP,
			bounded(&[OrderRef::Client(1), OrderRef::Client(2)]),
			bounded(&[quote(Buy, 59_991, Some(1)), quote(Sell, 60_011, Some(2))]),
		));
		assert_eq!(client_ids(BOB), vec![Some(1), Some(2)]);
		assert_eq!(book_top(BTC_PERP), (Some(usd(59_991)), Some(usd(60_011))));

		// A replacement whose second placement fails changes nothing at all.
		rest(CHARLIE, Sell, 60_005, MIN_SIZE);
		let before = (Book::open_orders(&BOB), committed(BOB, BTC_PERP), levels(Buy));
		assert_noop!(
			Book::replace_orders(
				RuntimeOrigin::signed(BOB),
				BTC_PERP,
				bounded(&[OrderRef::Client(1)]),
				bounded(&[quote(Buy, 59_992, Some(1)), quote(Buy, 60_005, Some(3))]),
			),
			Error::<Test>::PostOnlyWouldCross
		);
		assert_eq!(before, (Book::open_orders(&BOB), committed(BOB, BTC_PERP), levels(Buy)));
	});
}

#[test]
fn bulk_calls_need_something_to_do() {
	new_test_ext().execute_with(|| {
		assert_noop!(place_all(BOB, &[]), Error::<Test>::NothingToDo);
		assert_noop!(
			Book::cancel_orders(RuntimeOrigin::signed(BOB), BTC_PERP, bounded(&[])),
			Error::<Test>::NothingToDo
		);
		assert_noop!(
			Book::replace_orders(RuntimeOrigin::signed(BOB), BTC_PERP, bounded(&[]), bounded(&[])),
			Error::<Test>::NothingToDo
		);
	});
}

#[test]
fn bulk_orders_are_charged_per_order() {
	new_test_ext().execute_with(|| {
		rest(CHARLIE, Sell, 60_000, MIN_SIZE);
		let orders = [
			quote(Buy, 59_990, Some(1)),
			OrderRequest { time_in_force: Gtc, ..quote(Buy, 60_000, Some(2)) },
		];
		let call = Call::<Test>::place_orders { market: BTC_PERP, orders: bounded(&orders) };
		// The quote is charged the `place_orders` benchmark's share of one order (and the
		// quotes' shared part once) in place of a whole `place_order`; the crossing order as
		// `place_order` charges it, also for the quote before it, which it might reach as a
		// self-trade.
		let quote_charge = Book::order_charge(BTC_PERP, Buy, usd(59_990), PostOnly, 0)
			- <() as WeightInfo>::place_order(0)
			+ Book::bulk_quote_weight();
		let charged = Book::bulk_quotes_base(&orders)
			+ quote_charge
			+ Book::order_charge(BTC_PERP, Buy, usd(60_000), Gtc, 1);
		assert_eq!(call.get_dispatch_info().call_weight, charged);
		let info = place_all(BOB, &orders).unwrap();
		// Refunded to what ran: a resting quote (the benchmark's per-quote figure), and a fill
		// with the reads of both accounts' reduce-only orders; Charlie's order was placed in
		// this block, so neither its item nor his holds and account (its deposit) reached the
		// database; the crossing order filled in full and never rested.
		let db = <<Test as frame_system::Config>::DbWeight as frame_support::traits::Get<
			frame_support::weights::RuntimeDbWeight,
		>>::get();
		assert_eq!(
			info.actual_weight,
			Some(
				Book::bulk_quotes_base(&orders)
					+ Book::bulk_quote_weight()
					+ <() as WeightInfo>::place_order(1)
					+ db.reads(2) - db.reads_writes(3, 3)
					- Book::unrested_saving()
			)
		);
		// Priced per order: the quote's share is the benchmark's difference of one order.
		assert_eq!(
			Book::bulk_quotes_base(&orders) + Book::bulk_quote_weight(),
			<() as WeightInfo>::place_orders(1)
		);
		assert!(info.actual_weight.unwrap().all_lt(charged));
		assert_eq!(fills().len(), 1);

		let cancels = Call::<Test>::cancel_orders {
			market: BTC_PERP,
			orders: bounded(&[OrderRef::Client(1), OrderRef::Client(5)]),
		};
		assert_eq!(cancels.get_dispatch_info().call_weight, Book::cancel_orders_charge(2));
		let info = Book::cancel_orders(
			RuntimeOrigin::signed(BOB),
			BTC_PERP,
			bounded(&[OrderRef::Client(1), OrderRef::Client(5)]),
		)
		.unwrap();
		assert_eq!(info.actual_weight, Some(Book::cancel_orders_weight(2, 1)));
	});
}

#[test]
fn self_trades_within_one_call_cancel_the_earlier_order() {
	new_test_ext().execute_with(|| {
		let first = NextOrderId::<Test>::get();
		assert_ok!(place_all(
			BOB,
			&[
				quote(Sell, 60_000, Some(1)),
				OrderRequest { time_in_force: Gtc, ..quote(Buy, 60_000, Some(2)) },
			]
		));
		assert_eq!(cancels(), vec![(first, BOB, MIN_SIZE, CancelReason::SelfTrade)]);
		assert!(fills().is_empty());
		assert_eq!(client_ids(BOB), vec![Some(2)]);
	});
}

#[test]
fn account_order_lists_migrate_with_no_client_ids() {
	use crate::migrations::v2::MigrateToV2;
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let bid = rest(BOB, Buy, 59_000, MIN_SIZE);
		let ask = rest(BOB, Sell, 61_000, MIN_SIZE);
		// As version 1 stored Bob's list: (market, order id) pairs.
		let old: Vec<(crate::MarketId, u64)> = vec![(BTC_PERP, bid), (BTC_PERP, ask)];
		frame_support::storage::unhashed::put_raw(
			&AccountOrders::<Test>::hashed_key_for(BOB),
			&old.encode(),
		);
		StorageVersion::new(1).put::<Book>();
		MigrateToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Book::on_chain_storage_version(), StorageVersion::new(2));
		assert_eq!(
			AccountOrders::<Test>::get(BOB).orders.into_inner(),
			vec![
				crate::AccountOrder { market: BTC_PERP, order_id: bid, client_order_id: None },
				crate::AccountOrder { market: BTC_PERP, order_id: ask, client_order_id: None },
			]
		);
		// Running it again does nothing: the version guards it.
		MigrateToV2::<Test>::on_runtime_upgrade();
		assert_eq!(client_ids(BOB), vec![None, None]);
	});
}

#[test]
fn a_block_pays_once_for_what_its_fills_write() {
	new_test_ext().execute_with(|| {
		let db = <<Test as frame_system::Config>::DbWeight as frame_support::traits::Get<
			frame_support::weights::RuntimeDbWeight,
		>>::get();
		// An immediate-or-cancel order never rests: refunded what resting costs.
		let one_fill = <() as WeightInfo>::place_order(1) + db.reads(2) - Book::unrested_saving();
		// Bob quotes; a far ask keeps his book (the record of his fills) alive throughout.
		assert_ok!(place_all(
			BOB,
			&[
				quote(Sell, 60_000, Some(1)),
				quote(Sell, 60_001, Some(2)),
				quote(Sell, 61_000, None)
			]
		));
		System::set_block_number(2);
		let take = |who: u64, dollars: u128| {
			Book::place_order(
				RuntimeOrigin::signed(who),
				BTC_PERP,
				Buy,
				usd(dollars),
				MIN_SIZE,
				Ioc,
				false,
			)
			.unwrap()
			.actual_weight
			.unwrap()
		};
		// Bob's first fill of the block writes his items: the full charge.
		assert_eq!(take(ALICE, 60_000), one_fill);
		// His second is in the block's overlay already, and so is what pricing his checks and
		// cutting his reduce-only orders read.
		let warm_maker = Book::warm_maker_saving() + Book::warm_maker_call_saving();
		assert_eq!(take(DAVE, 60_001), one_fill - warm_maker);
		// A quote placed and filled in the same block never reaches the database either, nor
		// do its owner's holds and account, which its deposit moved in this block.
		assert_ok!(place_all(BOB, &[quote(Sell, 60_002, Some(3))]));
		assert_eq!(
			take(CHARLIE, 60_002),
			one_fill - warm_maker - db.reads_writes(1, 1) - db.reads_writes(2, 2)
		);
		// A new block: everything is paid for once more.
		assert_ok!(place_all(BOB, &[quote(Sell, 60_003, Some(4))]));
		System::set_block_number(3);
		assert_eq!(take(ALICE, 60_003), one_fill);
		// Two quotes at one level: the second fill finds Bob and the level loaded by the
		// first, and costs what the one-maker benchmark measured.
		assert_ok!(place_all(BOB, &[quote(Sell, 60_005, Some(5)), quote(Sell, 60_005, Some(6))]));
		System::set_block_number(4);
		let both = Book::place_order(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			Buy,
			usd(60_005),
			2 * MIN_SIZE,
			Ioc,
			false,
		)
		.unwrap()
		.actual_weight
		.unwrap();
		assert!(Book::warm_fill_saving().ref_time() > 0);
		assert_eq!(
			both,
			<() as WeightInfo>::place_order(2) + db.reads(2)
				- Book::warm_fill_saving()
				- Book::unrested_saving()
		);
	});
}

#[test]
fn a_bulk_call_reads_the_book_for_a_bounded_number_of_its_orders() {
	new_test_ext().execute_with(|| {
		rest(CHARLIE, Sell, 60_000, MIN_SIZE);
		let taking = OrderRequest { time_in_force: Ioc, ..quote(Buy, 60_000, None) };
		let orders = [taking, quote(Buy, 59_000, Some(1)), taking, taking];
		let charges = Book::bulk_charges(BTC_PERP, &orders, 0);
		// The mock prices two orders that may match from the book; the third is charged the
		// most an order can cost, unread; the quote reads only its side.
		assert_eq!(charges[0], Book::order_charge(BTC_PERP, Buy, usd(60_000), Ioc, 0));
		assert_ne!(charges[2], Book::max_order_charge());
		assert_eq!(charges[3], Book::max_order_charge());
		assert!(charges[0].all_lte(Book::max_order_charge()));
		// Whatever it does, the call stays within its charge (the randomized test checks
		// this for every call).
		let charged = Book::bulk_place_charge(BTC_PERP, &orders, 0);
		let info = place_all(ALICE, &orders).unwrap();
		assert!(info.actual_weight.unwrap().all_lte(charged));
	});
}

/// A deposit whose order leaves the book while its owner rests others stays held as the
/// owner's spare, and the owner's next orders take theirs from it: a quoter whose quotes are
/// filled and replaced moves no balance. The last order out takes the spare with it.
#[test]
fn a_quoters_deposits_stay_held_while_it_quotes_and_return_with_its_last_order() {
	new_test_ext().execute_with(|| {
		use frame_support::traits::fungible::{Inspect, InspectHold};
		let on_hold = |who: u64| {
			Balances::balance_on_hold(&RuntimeHoldReason::Orderbook(HoldReason::OrderDeposit), &who)
		};
		let free = |who: u64| <Balances as Inspect<u64>>::balance(&who);
		assert_ok!(place_all(BOB, &[quote(Sell, 60_000, Some(1)), quote(Sell, 60_001, Some(2))]));
		assert_eq!(on_hold(BOB), 2 * ORDER_DEPOSIT);
		assert_eq!(free(BOB), GENESIS_CLR - 2 * ORDER_DEPOSIT);
		// A fill takes one quote: its deposit stays, as spare.
		assert_eq!(place(ALICE, Buy, 60_000, MIN_SIZE, Ioc), Ok(1));
		assert_eq!(on_hold(BOB), 2 * ORDER_DEPOSIT);
		assert_eq!(SpareDeposits::<Test>::get(BOB), ORDER_DEPOSIT);
		// The next quote takes it back: nothing more is held.
		assert_ok!(place_all(BOB, &[quote(Sell, 60_002, Some(3))]));
		assert_eq!(on_hold(BOB), 2 * ORDER_DEPOSIT);
		assert_eq!(SpareDeposits::<Test>::get(BOB), 0);
		// Replacing the whole ladder empties the book on the way, and moves no balance.
		assert_ok!(Book::replace_orders(
			RuntimeOrigin::signed(BOB),
			BTC_PERP,
			bounded(&[OrderRef::Client(2), OrderRef::Client(3)]),
			bounded(&[quote(Sell, 60_003, Some(4)), quote(Sell, 60_004, Some(5))]),
		));
		assert_eq!(on_hold(BOB), 2 * ORDER_DEPOSIT);
		assert_eq!(SpareDeposits::<Test>::get(BOB), 0);
		assert_eq!(free(BOB), GENESIS_CLR - 2 * ORDER_DEPOSIT);
		// A dearer deposit takes what the spare has and holds the rest.
		assert_eq!(place(ALICE, Buy, 60_003, MIN_SIZE, Ioc), Ok(1));
		assert_ok!(Book::set_order_deposit(RuntimeOrigin::root(), 3 * ORDER_DEPOSIT));
		assert_ok!(place_all(BOB, &[quote(Sell, 60_005, Some(6))]));
		assert_eq!(on_hold(BOB), 4 * ORDER_DEPOSIT);
		assert_eq!(SpareDeposits::<Test>::get(BOB), 0);
		// A cancel that leaves orders resting keeps the deposit; taking the last two returns
		// everything, the spare included.
		assert_ok!(Book::cancel_orders(
			RuntimeOrigin::signed(BOB),
			BTC_PERP,
			bounded(&[OrderRef::Client(6)])
		));
		assert_eq!(SpareDeposits::<Test>::get(BOB), 3 * ORDER_DEPOSIT);
		assert_eq!(place(ALICE, Buy, 60_004, MIN_SIZE, Ioc), Ok(1));
		assert_eq!(on_hold(BOB), 0);
		assert_eq!(SpareDeposits::<Test>::get(BOB), 0);
		assert_eq!(free(BOB), GENESIS_CLR);
	});
}
