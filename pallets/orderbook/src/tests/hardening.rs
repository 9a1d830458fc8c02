//! Defect 2 of issue 17, the book frozen by orders that commit no margin, pinned piece by
//! piece: each test fails on the book before the fix and passes after it.

use super::*;
use frame_support::traits::fungible::InspectHold;

fn reduce_only(who: u64, side: OrderSide, dollars: u128, size: u128) -> DispatchResultWithInfo {
	Book::place_order(RuntimeOrigin::signed(who), BTC_PERP, side, usd(dollars), size, Gtc, true)
}

type DispatchResultWithInfo = frame_support::dispatch::DispatchResultWithPostInfo;

fn on_hold(who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::Orderbook(HoldReason::OrderDeposit), &who)
}

#[test]
fn defect_2_orders_outside_the_price_band_are_refused() {
	new_test_ext().execute_with(|| {
		set_band(usd(57_000), usd(63_000));
		// Far-away orders, margined or reduce-only, cannot be parked.
		assert_noop!(place(BOB, Sell, 63_001, MIN_SIZE, Gtc), Error::<Test>::PriceOutsideBand);
		assert_noop!(place(BOB, Buy, 56_999, MIN_SIZE, Gtc), Error::<Test>::PriceOutsideBand);
		set_position(ALICE, BTC_PERP, MIN_SIZE as i128);
		assert_noop!(
			reduce_only(ALICE, Sell, 1_000_000, MIN_SIZE),
			Error::<Test>::PriceOutsideBand
		);
		// The band's edges are inside it.
		rest(BOB, Sell, 63_000, MIN_SIZE);
		rest(BOB, Buy, 57_000, MIN_SIZE);
	});
}

#[test]
fn defect_2_resting_reduce_only_size_never_exceeds_the_position() {
	new_test_ext().execute_with(|| {
		set_position(ALICE, BTC_PERP, 10 * LOT as i128);
		let first = NextOrderId::<Test>::get();
		assert_ok!(reduce_only(ALICE, Sell, 60_500, 6 * LOT));
		// The second is cut to the 4 lots the first leaves; a third finds nothing.
		let second = NextOrderId::<Test>::get();
		assert_ok!(reduce_only(ALICE, Sell, 60_600, 6 * LOT));
		assert_eq!((remaining(first), remaining(second)), (Some(6 * LOT), Some(4 * LOT)));
		assert_noop!(reduce_only(ALICE, Sell, 60_700, MIN_SIZE), Error::<Test>::NothingToReduce);
		// And at most two (the mock's bound) rest per market.
		set_position(ALICE, BTC_PERP, 100 * LOT as i128);
		assert_noop!(
			reduce_only(ALICE, Sell, 60_700, MIN_SIZE),
			Error::<Test>::TooManyReduceOnlyOrders
		);
	});
}

#[test]
fn defect_2_reduce_only_orders_go_when_the_owner_closes_or_flips_through_the_book() {
	new_test_ext().execute_with(|| {
		// The attack: a small long parks a reduce-only ask far away, then closes.
		set_position(ALICE, BTC_PERP, MIN_SIZE as i128);
		set_position(BOB, BTC_PERP, -(MIN_SIZE as i128));
		let parked = NextOrderId::<Test>::get();
		assert_ok!(reduce_only(ALICE, Sell, 62_000, MIN_SIZE));
		// Alice closes by selling into Charlie's bid: her parked ask goes in the same call.
		rest(CHARLIE, Buy, 60_000, MIN_SIZE);
		assert_eq!(place(ALICE, Sell, 60_000, MIN_SIZE, Ioc), Ok(1));
		assert_eq!(position(ALICE, BTC_PERP), 0);
		assert_eq!(remaining(parked), None);
		assert!(cancels().contains(&(parked, ALICE, MIN_SIZE, CancelReason::NothingToReduce)));
		// A maker's too: Bob's reduce-only bid shrinks as his short is partly bought back.
		set_position(BOB, BTC_PERP, -(4 * LOT as i128));
		let bob_bid = NextOrderId::<Test>::get();
		assert_ok!(reduce_only(BOB, Buy, 59_000, 4 * LOT));
		let bob_ask = rest(BOB, Sell, 61_000, MIN_SIZE);
		// Dave lifts Bob's ask: Bob's short grows to 6 lots, so his bid keeps its 4.
		assert_eq!(place(DAVE, Buy, 61_000, MIN_SIZE, Ioc), Ok(1));
		assert_eq!((remaining(bob_ask), remaining(bob_bid)), (None, Some(4 * LOT)));
		// Bob buys 4 lots back from Charlie's ask: the bid is cut to the 2 lots left.
		rest(CHARLIE, Sell, 60_000, 4 * LOT);
		assert_eq!(place(BOB, Buy, 60_000, 4 * LOT, Ioc), Ok(1));
		assert_eq!(remaining(bob_bid), Some(2 * LOT));
		assert!(events().contains(&Event::ReduceOnlyOrderCut {
			order_id: bob_bid,
			market: BTC_PERP,
			owner: BOB,
			cut: 2 * LOT,
			remaining: 2 * LOT,
		}));
		assert_eq!(levels(Buy), vec![(usd(59_000), 2 * LOT, 1)]);
	});
}

#[test]
fn defect_2_a_full_side_evicts_its_worst_level_for_a_better_price() {
	new_test_ext().execute_with(|| {
		// Six far bids fill the side (the mock allows six levels, five orders an account).
		let mut far = Vec::new();
		for i in 0..5 {
			far.push(rest(BOB, Buy, 58_000 + i, MIN_SIZE));
		}
		let worst_owner_order = rest(CHARLIE, Buy, 57_999, MIN_SIZE);
		// A worse bid is refused, as before.
		assert_noop!(place(DAVE, Buy, 57_998, MIN_SIZE, Gtc), Error::<Test>::TooManyPriceLevels);
		// A better one takes the worst level's place: its order is cancelled, its margin
		// and deposit returned.
		assert_eq!(on_hold(CHARLIE), ORDER_DEPOSIT);
		let better = NextOrderId::<Test>::get();
		let info = Book::place_order(
			RuntimeOrigin::signed(DAVE),
			BTC_PERP,
			Buy,
			usd(59_900),
			MIN_SIZE,
			Gtc,
			false,
		)
		.unwrap();
		// The eviction is charged on top of resting: one order's removal.
		assert_eq!(
			info.actual_weight,
			Some(Book::place_order_weight(0, Book::order_removal_weight(1)))
		);
		assert_eq!(remaining(worst_owner_order), None);
		assert!(cancels().contains(&(worst_owner_order, CHARLIE, MIN_SIZE, CancelReason::Evicted)));
		assert_eq!(committed(CHARLIE, BTC_PERP), (0, 0, 0, 0));
		assert_eq!(on_hold(CHARLIE), 0);
		assert_eq!(levels(Buy).first().map(|level| level.0), Some(usd(59_900)));
		assert_eq!(levels(Buy).len(), 6);
		assert!(remaining(better).is_some() && far.iter().all(|id| remaining(*id).is_some()));
	});
}

#[test]
fn defect_2_every_resting_order_holds_a_refundable_deposit() {
	new_test_ext().execute_with(|| {
		// Resting holds it; leaving the book by cancel or by fill returns it.
		let ask = rest(BOB, Sell, 60_000, MIN_SIZE);
		assert_eq!(Orders::<Test>::get(BTC_PERP, ask).unwrap().deposit, ORDER_DEPOSIT);
		assert_eq!(on_hold(BOB), ORDER_DEPOSIT);
		assert_eq!(place(ALICE, Buy, 60_000, MIN_SIZE, Ioc), Ok(1));
		assert_eq!(on_hold(BOB), 0);
		assert_eq!(on_hold(ALICE), 0, "an order that never rests holds nothing");
		let bid = rest(BOB, Buy, 59_000, MIN_SIZE);
		assert_ok!(Book::cancel_order(RuntimeOrigin::signed(BOB), BTC_PERP, bid));
		assert_eq!(on_hold(BOB), 0);
		assert_eq!(
			<Balances as frame_support::traits::fungible::Inspect<u64>>::balance(&BOB),
			GENESIS_CLR
		);
		// Without the CLR for it, nothing rests.
		const POOR: u64 = 77;
		assert_noop!(
			place(POOR, Buy, 59_000, MIN_SIZE, Gtc),
			Error::<Test>::InsufficientOrderDeposit
		);
		// The deposit is governed, within its bound; orders already resting keep theirs.
		let old = rest(BOB, Buy, 59_000, MIN_SIZE);
		assert_noop!(
			Book::set_order_deposit(RuntimeOrigin::signed(BOB), 20),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Book::set_order_deposit(RuntimeOrigin::root(), 1_001),
			Error::<Test>::InvalidOrderDeposit
		);
		assert_ok!(Book::set_order_deposit(RuntimeOrigin::root(), 20));
		let new = rest(BOB, Buy, 59_001, MIN_SIZE);
		assert_eq!(on_hold(BOB), ORDER_DEPOSIT + 20);
		assert_ok!(Book::cancel_order(RuntimeOrigin::signed(BOB), BTC_PERP, old));
		assert_ok!(Book::cancel_order(RuntimeOrigin::signed(BOB), BTC_PERP, new));
		assert_eq!(on_hold(BOB), 0);
	});
}

#[test]
fn defect_2_a_maker_left_outside_the_band_is_cancelled_and_matching_goes_on() {
	new_test_ext().execute_with(|| {
		let stale_ask = rest(BOB, Sell, 60_000, MIN_SIZE);
		let good_ask = rest(CHARLIE, Sell, 60_010, MIN_SIZE);
		// The index moves; the clearing house refuses fills at 60,000 as the maker's.
		fail_makers_below(usd(60_005));
		assert_eq!(place(ALICE, Buy, 60_010, MIN_SIZE, Ioc), Ok(2));
		assert!(cancels().contains(&(
			stale_ask,
			BOB,
			MIN_SIZE,
			CancelReason::MakerMarginInsufficient
		)));
		assert_eq!(remaining(good_ask), None);
		assert_eq!(fills(), vec![(CHARLIE, ALICE, usd(60_010), MIN_SIZE)]);
	});
}

#[test]
fn resting_orders_migrate_with_no_deposit_and_reduce_only_lists_within_their_bound() {
	use crate::migrations::v1::{MigrateToV1, OrderV0};
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		// Three reduce-only asks of Alice's (the mock allows two a market now) and a bid of
		// Bob's, as version 0 stored them.
		set_position(ALICE, BTC_PERP, 10 * LOT as i128);
		let ids: Vec<u64> = (0..3)
			.map(|i| {
				let id = rest_reduce_only_raw(ALICE, 61_000 + i, 2 * LOT);
				let order = Orders::<Test>::get(BTC_PERP, id).unwrap();
				let old = OrderV0 {
					owner: order.owner,
					side: order.side,
					price: order.price,
					placed_size: order.placed_size,
					remaining: order.remaining,
					reduce_only: true,
					placed_at: order.placed_at,
				};
				frame_support::storage::unhashed::put_raw(
					&Orders::<Test>::hashed_key_for(BTC_PERP, id),
					&old.encode(),
				);
				id
			})
			.collect();
		ReduceOnlyOrders::<Test>::remove(ALICE, BTC_PERP);
		StorageVersion::new(0).put::<Book>();
		MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(Book::on_chain_storage_version(), StorageVersion::new(1));
		// The oldest two are listed, with no deposit; the newest leaves the book.
		assert_eq!(ReduceOnlyOrders::<Test>::get(ALICE, BTC_PERP).into_inner(), ids[..2].to_vec());
		assert!(ids[..2].iter().all(|id| Orders::<Test>::get(BTC_PERP, id).unwrap().deposit == 0));
		assert_eq!(remaining(ids[2]), None);
		// Their deposits were released when written as version 0 above; nothing is held.
		assert_eq!(on_hold(ALICE), 0);
	});
}

/// Rests a reduce-only ask of `who`'s at `dollars` through the book, then makes it what
/// version 0 stored: no deposit held, no reduce-only list; returns its id.
fn rest_reduce_only_raw(who: u64, dollars: u128, size: u128) -> u64 {
	use frame_support::traits::{fungible::MutateHold, tokens::Precision};
	let id = NextOrderId::<Test>::get();
	assert_ok!(reduce_only(who, Sell, dollars, size));
	let reason = RuntimeHoldReason::Orderbook(HoldReason::OrderDeposit);
	assert_ok!(Balances::release(&reason, &who, ORDER_DEPOSIT, Precision::Exact));
	Orders::<Test>::mutate(BTC_PERP, id, |order| order.as_mut().unwrap().deposit = 0);
	// Version 0 had no reduce-only lists.
	ReduceOnlyOrders::<Test>::remove(who, BTC_PERP);
	id
}
