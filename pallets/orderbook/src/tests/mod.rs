//! Every call, rule and error of the order book, against the mock clearing house.

use crate::{
	mock::*, pallet::*, BookLevel, CancelReason, OpenOrder, OrderSide, Price, TimeInForce,
	WeightInfo,
};
use clearing_traits::MarketStatus;
use frame_support::{assert_noop, assert_ok, dispatch::Pays};
use sp_arithmetic::FixedU128;
use sp_runtime::DispatchError;
use OrderSide::{Buy, Sell};
use TimeInForce::{GoodTilCancelled as Gtc, ImmediateOrCancel as Ioc, PostOnly};

type Book = crate::Pallet<Test>;

/// The database costs the mock counts (the runtime's).
fn db() -> frame_support::weights::RuntimeDbWeight {
	<<Test as frame_system::Config>::DbWeight as frame_support::traits::Get<_>>::get()
}

/// Places an order as `place_order` does and returns how many resting orders it touched.
fn place(
	who: u64,
	side: OrderSide,
	dollars: u128,
	size: u128,
	tif: TimeInForce,
) -> Result<u32, DispatchError> {
	let request = crate::OrderRequest {
		side,
		price: usd(dollars),
		size,
		time_in_force: tif,
		reduce_only: false,
		client_order_id: None,
	};
	frame_support::storage::with_storage_layer(|| Book::do_place_order(&who, BTC_PERP, &request))
		.map(|work| work.touched)
}

fn rest(who: u64, side: OrderSide, dollars: u128, size: u128) -> u64 {
	let id = NextOrderId::<Test>::get();
	assert_eq!(place(who, side, dollars, size, Gtc), Ok(0));
	assert!(Orders::<Test>::contains_key(BTC_PERP, id), "order {id} rests");
	id
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Orderbook(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn fills() -> Vec<(u64, u64, Price, u128)> {
	events()
		.into_iter()
		.filter_map(|e| match e {
			Event::OrderFilled { maker, taker, price, fill_size, .. } => {
				Some((maker, taker, price, fill_size))
			},
			_ => None,
		})
		.collect()
}

fn cancels() -> Vec<(u64, u64, u128, CancelReason)> {
	events()
		.into_iter()
		.filter_map(|e| match e {
			Event::OrderCancelled { order_id, owner, remaining, reason, .. } => {
				Some((order_id, owner, remaining, reason))
			},
			_ => None,
		})
		.collect()
}

fn levels(side: OrderSide) -> Vec<(Price, u128, u32)> {
	let depth = Book::depth(BTC_PERP, 10);
	let side_levels = if side == Buy { depth.bids } else { depth.asks };
	side_levels
		.into_iter()
		.map(|BookLevel { price, total_size, orders }| (price, total_size, orders))
		.collect()
}

fn remaining(order_id: u64) -> Option<u128> {
	Orders::<Test>::get(BTC_PERP, order_id).map(|o| o.remaining)
}

// ------------------------------------------------------------------ resting and crossing

#[test]
fn an_order_that_does_not_cross_rests_and_commits_its_margin() {
	new_test_ext().execute_with(|| {
		let id = rest(BOB, Sell, 60_100, ONE_BTC);
		assert_eq!(levels(Sell), vec![(usd(60_100), ONE_BTC, 1)]);
		assert_eq!(committed(BOB, BTC_PERP), (0, 0, ONE_BTC, 60_100_000_000));
		assert_eq!(book_top(BTC_PERP), (None, Some(usd(60_100))));
		assert_eq!(
			Book::open_orders(&BOB),
			vec![OpenOrder {
				order_id: id,
				market: BTC_PERP,
				side: Sell,
				price: usd(60_100),
				placed_size: ONE_BTC,
				remaining: ONE_BTC,
				reduce_only: false,
				placed_at: 1,
				client_order_id: None,
			}]
		);
		assert!(events().contains(&Event::OrderRested {
			order_id: id,
			market: BTC_PERP,
			owner: BOB,
			remaining: ONE_BTC
		}));
	});
}

#[test]
fn a_crossing_order_fills_at_the_resting_price_and_releases_the_makers_commitment() {
	new_test_ext().execute_with(|| {
		let ask = rest(BOB, Sell, 60_100, ONE_BTC);
		// Alice bids above the ask: she trades at Bob's price, 60,100.
		assert_eq!(place(ALICE, Buy, 60_200, ONE_BTC, Gtc), Ok(1));
		assert_eq!(trades(), vec![(BOB, ALICE, BTC_PERP, ONE_BTC as i128, usd(60_100))]);
		assert_eq!(
			(position(ALICE, BTC_PERP), position(BOB, BTC_PERP)),
			(100_000_000, -100_000_000)
		);
		assert_eq!(remaining(ask), None);
		assert_eq!(committed(BOB, BTC_PERP), (0, 0, 0, 0));
		assert_eq!(committed(ALICE, BTC_PERP), (0, 0, 0, 0));
		assert!(levels(Sell).is_empty() && levels(Buy).is_empty());
		assert!(Book::open_orders(&BOB).is_empty());
		// Fees come from the clearing house's receipt: 0.02% and 0.05% of 60,100.
		assert!(events().iter().any(|e| matches!(
			e,
			Event::OrderFilled { maker_fee: 12_020_000, taker_fee: 30_050_000, .. }
		)));
		assert_eq!(book_top(BTC_PERP), (None, None));
	});
}

#[test]
fn partial_fills_leave_the_rest_on_either_side() {
	new_test_ext().execute_with(|| {
		let ask = rest(BOB, Sell, 60_000, ONE_BTC);
		// Alice takes 0.3 BTC: Bob's order keeps 0.7 at the front, committed for 0.7 only.
		assert_eq!(place(ALICE, Buy, 60_000, 30_000_000, Gtc), Ok(1));
		assert_eq!(remaining(ask), Some(70_000_000));
		assert_eq!(levels(Sell), vec![(usd(60_000), 70_000_000, 1)]);
		assert_eq!(committed(BOB, BTC_PERP).2, 70_000_000);
		// Charlie wants 1 BTC: he takes Bob's 0.7 and rests 0.3 as the new best bid.
		let bid = NextOrderId::<Test>::get();
		assert_eq!(place(CHARLIE, Buy, 60_000, ONE_BTC, Gtc), Ok(1));
		assert_eq!(remaining(bid), Some(30_000_000));
		assert_eq!(levels(Buy), vec![(usd(60_000), 30_000_000, 1)]);
		assert!(levels(Sell).is_empty());
		assert_eq!(committed(CHARLIE, BTC_PERP).0, 30_000_000);
		assert_eq!(position(BOB, BTC_PERP), -(ONE_BTC as i128));
	});
}

#[test]
fn price_then_time_priority() {
	new_test_ext().execute_with(|| {
		let bob_late = rest(BOB, Sell, 60_010, MIN_SIZE);
		let charlie_first = rest(CHARLIE, Sell, 60_000, MIN_SIZE);
		let dave_second = rest(DAVE, Sell, 60_000, MIN_SIZE);
		assert_eq!(levels(Sell), vec![(usd(60_000), 2 * MIN_SIZE, 2), (usd(60_010), MIN_SIZE, 1)]);
		// Best price first; at one price, the oldest first.
		assert_eq!(place(ALICE, Buy, 60_010, 3 * MIN_SIZE - LOT, Ioc), Ok(3));
		assert_eq!(
			fills(),
			vec![
				(CHARLIE, ALICE, usd(60_000), MIN_SIZE),
				(DAVE, ALICE, usd(60_000), MIN_SIZE),
				(BOB, ALICE, usd(60_010), MIN_SIZE - LOT),
			]
		);
		assert_eq!((remaining(charlie_first), remaining(dave_second)), (None, None));
		assert_eq!(remaining(bob_late), Some(LOT));
		assert_eq!(book_top(BTC_PERP), (None, Some(usd(60_010))));
	});
}

#[test]
fn a_bid_below_the_best_ask_does_not_trade() {
	new_test_ext().execute_with(|| {
		rest(BOB, Sell, 60_000, MIN_SIZE);
		rest(ALICE, Buy, 59_999, MIN_SIZE);
		assert!(trades().is_empty());
		assert_eq!(book_top(BTC_PERP), (Some(usd(59_999)), Some(usd(60_000))));
		// Bids sit best (highest) first.
		rest(CHARLIE, Buy, 59_998, MIN_SIZE);
		rest(DAVE, Buy, 59_999, MIN_SIZE);
		assert_eq!(levels(Buy), vec![(usd(59_999), 2 * MIN_SIZE, 2), (usd(59_998), MIN_SIZE, 1)]);
	});
}

// ------------------------------------------------------------------ time in force

#[test]
fn immediate_or_cancel_drops_what_it_cannot_fill() {
	new_test_ext().execute_with(|| {
		rest(BOB, Sell, 60_000, MIN_SIZE);
		let id = NextOrderId::<Test>::get();
		assert_eq!(place(ALICE, Buy, 60_000, 3 * MIN_SIZE, Ioc), Ok(1));
		assert_eq!(position(ALICE, BTC_PERP), MIN_SIZE as i128);
		assert_eq!(cancels(), vec![(id, ALICE, 2 * MIN_SIZE, CancelReason::ImmediateOrCancel)]);
		assert!(levels(Buy).is_empty());
		assert_eq!(committed(ALICE, BTC_PERP), (0, 0, 0, 0));
		// On an empty side nothing trades and nothing rests.
		assert_eq!(place(ALICE, Buy, 60_000, MIN_SIZE, Ioc), Ok(0));
		assert!(Book::open_orders(&ALICE).is_empty());
	});
}

#[test]
fn post_only_rests_or_is_refused() {
	new_test_ext().execute_with(|| {
		rest(BOB, Sell, 60_000, MIN_SIZE);
		assert_noop!(
			Book::place_order(
				RuntimeOrigin::signed(ALICE),
				BTC_PERP,
				Buy,
				usd(60_000),
				MIN_SIZE,
				PostOnly,
				false
			),
			Error::<Test>::PostOnlyWouldCross
		);
		assert_eq!(place(ALICE, Buy, 59_999, MIN_SIZE, PostOnly), Ok(0));
		assert_eq!(levels(Buy), vec![(usd(59_999), MIN_SIZE, 1)]);
	});
}

// ------------------------------------------------------------------ reduce-only

#[test]
fn reduce_only_orders_never_take_the_position_past_zero() {
	new_test_ext().execute_with(|| {
		let reduce = |who, side, dollars, size, tif| {
			Book::place_order(
				RuntimeOrigin::signed(who),
				BTC_PERP,
				side,
				usd(dollars),
				size,
				tif,
				true,
			)
		};
		// Nothing to reduce: refused.
		assert_noop!(reduce(ALICE, Sell, 60_000, MIN_SIZE, Gtc), Error::<Test>::NothingToReduce);
		set_position(ALICE, BTC_PERP, 3 * LOT as i128);
		// Long 3 lots, a reduce-only buy adds: refused.
		assert_noop!(reduce(ALICE, Buy, 60_000, MIN_SIZE, Gtc), Error::<Test>::NothingToReduce);
		// A 1 BTC reduce-only sell is cut to the 3 lots and commits no margin.
		let id = NextOrderId::<Test>::get();
		assert_ok!(reduce(ALICE, Sell, 60_000, ONE_BTC, Gtc));
		assert_eq!(remaining(id), Some(3 * LOT));
		assert_eq!(committed(ALICE, BTC_PERP), (0, 0, 0, 0));
		// The position shrinks elsewhere (a liquidation, say) to 1 lot; Bob's 1 BTC buy fills
		// only that lot, and the rest of Alice's order goes once her position is closed.
		set_position(ALICE, BTC_PERP, LOT as i128);
		assert_eq!(place(BOB, Buy, 60_000, ONE_BTC, Gtc), Ok(1));
		assert_eq!(fills(), vec![(ALICE, BOB, usd(60_000), LOT)]);
		assert_eq!(position(ALICE, BTC_PERP), 0);
		assert_eq!(remaining(id), None);
		assert!(cancels().contains(&(id, ALICE, 2 * LOT, CancelReason::NothingToReduce)));
		assert!(Book::open_orders(&ALICE).is_empty());
		// One whose position left by other means is cancelled when a taker reaches it.
		set_position(ALICE, BTC_PERP, MIN_SIZE as i128);
		assert_ok!(Book::cancel_all(RuntimeOrigin::signed(BOB), BTC_PERP));
		let again = NextOrderId::<Test>::get();
		assert_ok!(reduce(ALICE, Sell, 60_000, MIN_SIZE, Gtc));
		set_position(ALICE, BTC_PERP, 0);
		set_position(CHARLIE, BTC_PERP, -(MIN_SIZE as i128));
		assert_eq!(place(CHARLIE, Buy, 60_000, MIN_SIZE, Gtc), Ok(1));
		assert!(cancels().contains(&(again, ALICE, MIN_SIZE, CancelReason::NothingToReduce)));
		assert!(Book::open_orders(&ALICE).is_empty());
	});
}

#[test]
fn reduce_only_markets_take_only_reduce_only_orders() {
	new_test_ext().execute_with(|| {
		set_status(BTC_PERP, MarketStatus::ReduceOnly);
		assert_noop!(place(ALICE, Buy, 60_000, MIN_SIZE, Gtc), Error::<Test>::MarketReduceOnly);
		set_position(ALICE, BTC_PERP, -(MIN_SIZE as i128));
		assert_ok!(Book::place_order(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			Buy,
			usd(60_000),
			MIN_SIZE,
			Gtc,
			true
		));
		set_status(BTC_PERP, MarketStatus::Closed);
		assert_noop!(place(ALICE, Buy, 60_000, MIN_SIZE, Gtc), Error::<Test>::MarketNotTrading);
	});
}

// ------------------------------------------------------------------ self-trade and margin

#[test]
fn self_trade_prevention_cancels_the_resting_order() {
	new_test_ext().execute_with(|| {
		let own = rest(ALICE, Sell, 60_000, MIN_SIZE);
		let bob = rest(BOB, Sell, 60_000, MIN_SIZE);
		assert_eq!(place(ALICE, Buy, 60_000, MIN_SIZE, Gtc), Ok(2));
		assert_eq!(cancels(), vec![(own, ALICE, MIN_SIZE, CancelReason::SelfTrade)]);
		assert_eq!(fills(), vec![(BOB, ALICE, usd(60_000), MIN_SIZE)]);
		assert_eq!(remaining(bob), None);
		// Alice's ask commitment went with it.
		assert_eq!(committed(ALICE, BTC_PERP), (0, 0, 0, 0));
	});
}

#[test]
fn a_maker_whose_margin_fails_is_cancelled_and_matching_goes_on() {
	new_test_ext().execute_with(|| {
		let broke = rest(BOB, Sell, 60_000, ONE_BTC);
		let good = rest(CHARLIE, Sell, 60_000, ONE_BTC);
		// Bob's credit shrinks after he rested: the fill would overdraw it.
		set_limit(BOB, 1_000);
		assert_eq!(place(ALICE, Buy, 60_000, ONE_BTC, Gtc), Ok(2));
		assert_eq!(cancels(), vec![(broke, BOB, ONE_BTC, CancelReason::MakerMarginInsufficient)]);
		assert_eq!(fills(), vec![(CHARLIE, ALICE, usd(60_000), ONE_BTC)]);
		// Nothing of the failed fill survives: Bob is flat and commits nothing.
		assert_eq!(position(BOB, BTC_PERP), 0);
		assert_eq!(committed(BOB, BTC_PERP), (0, 0, 0, 0));
		assert_eq!(remaining(good), None);
		assert_eq!(trades(), vec![(CHARLIE, ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000))]);
	});
}

#[test]
fn a_taker_whose_margin_fails_changes_nothing() {
	new_test_ext().execute_with(|| {
		let ask = rest(BOB, Sell, 60_000, ONE_BTC);
		set_limit(ALICE, 1_000);
		let next_id = NextOrderId::<Test>::get();
		assert_noop!(
			place(ALICE, Buy, 60_000, ONE_BTC, Gtc),
			DispatchError::Other("TakerMarginInsufficient")
		);
		assert_eq!(remaining(ask), Some(ONE_BTC));
		assert_eq!(NextOrderId::<Test>::get(), next_id);
		// Any other failure of the trade fails the call the same way.
		reject_trades();
		assert_noop!(
			place(CHARLIE, Buy, 60_000, ONE_BTC, Gtc),
			DispatchError::Other("TradeRejected")
		);
	});
}

#[test]
fn resting_orders_cannot_commit_more_than_the_account_holds() {
	new_test_ext().execute_with(|| {
		// Alice's credit line covers 1 BTC of orders at 60,000, not a second one.
		set_limit(ALICE, 60_000_000_000);
		rest(ALICE, Buy, 60_000, ONE_BTC);
		assert_noop!(
			place(ALICE, Buy, 59_000, ONE_BTC, Gtc),
			DispatchError::Other("OrderMarginInsufficient")
		);
		// After a partial fill of what rested, the freed part can be used again.
		set_position(BOB, BTC_PERP, 0);
		assert_eq!(place(BOB, Sell, 60_000, 50_000_000, Ioc), Ok(1));
		// Alice is now long 0.5 (30,000 at the reference) with 0.5 resting (30,000).
		assert_noop!(
			place(ALICE, Buy, 59_000, 10_000_000, Gtc),
			DispatchError::Other("OrderMarginInsufficient")
		);
		assert_ok!(Book::cancel_all(RuntimeOrigin::signed(ALICE), BTC_PERP));
		assert_eq!(place(ALICE, Buy, 59_000, 50_000_000, Gtc), Ok(0));
	});
}

// ------------------------------------------------------------------ the fill bound

#[test]
fn one_call_touches_at_most_max_fills_per_order() {
	new_test_ext().execute_with(|| {
		// Five asks at five prices; the bound is four.
		for (i, who) in [BOB, CHARLIE, DAVE, BOB, CHARLIE].into_iter().enumerate() {
			rest(who, Sell, 60_000 + i as u128, MIN_SIZE);
		}
		let id = NextOrderId::<Test>::get();
		assert_eq!(place(ALICE, Buy, 60_010, 5 * MIN_SIZE, Gtc), Ok(4));
		assert_eq!(fills().len(), 4);
		// The rest would cross the fifth ask: it is dropped, not rested crossed.
		assert_eq!(cancels(), vec![(id, ALICE, MIN_SIZE, CancelReason::FillLimitReached)]);
		assert_eq!(levels(Sell), vec![(usd(60_004), MIN_SIZE, 1)]);
		assert!(levels(Buy).is_empty());
		// A limit that stops before the fifth ask rests normally.
		let second = NextOrderId::<Test>::get();
		rest(BOB, Sell, 60_005, MIN_SIZE);
		assert_eq!(place(ALICE, Buy, 60_004, 2 * MIN_SIZE, Gtc), Ok(1));
		assert_eq!(remaining(second + 1), Some(MIN_SIZE));
	});
}

#[test]
fn the_weight_charged_follows_the_orders_touched() {
	new_test_ext().execute_with(|| {
		rest(BOB, Sell, 60_000, MIN_SIZE);
		System::set_block_number(2);
		let info = Book::place_order(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			Buy,
			usd(60_000),
			MIN_SIZE,
			Gtc,
			false,
		)
		.unwrap();
		// The benchmark for one fill, and the reads of both accounts' reduce-only orders; the
		// order filled in full, so it is refunded what resting costs.
		assert_eq!(
			info.actual_weight,
			Some(<() as WeightInfo>::place_order(1) + db().reads(2) - Book::unrested_saving())
		);
		assert_eq!(info.pays_fee, Pays::Yes);
	});
}

// ------------------------------------------------------------------ cancels

#[test]
fn cancel_order_releases_margin_and_checks_ownership() {
	new_test_ext().execute_with(|| {
		let first = rest(ALICE, Buy, 59_000, MIN_SIZE);
		let second = rest(ALICE, Buy, 59_000, MIN_SIZE);
		assert_noop!(
			Book::cancel_order(RuntimeOrigin::signed(BOB), BTC_PERP, first),
			Error::<Test>::NotOrderOwner
		);
		assert_noop!(
			Book::cancel_order(RuntimeOrigin::signed(ALICE), BTC_PERP, 99),
			Error::<Test>::UnknownOrder
		);
		assert_ok!(Book::cancel_order(RuntimeOrigin::signed(ALICE), BTC_PERP, first));
		assert_eq!(cancels(), vec![(first, ALICE, MIN_SIZE, CancelReason::ByOwner)]);
		assert_eq!(levels(Buy), vec![(usd(59_000), MIN_SIZE, 1)]);
		assert_eq!(committed(ALICE, BTC_PERP).0, MIN_SIZE);
		assert_ok!(Book::cancel_order(RuntimeOrigin::signed(ALICE), BTC_PERP, second));
		assert!(levels(Buy).is_empty());
		assert_eq!(committed(ALICE, BTC_PERP), (0, 0, 0, 0));
		assert_eq!(book_top(BTC_PERP), (None, None));
		assert!(AccountOrders::<Test>::get(ALICE).orders.is_empty());
	});
}

#[test]
fn cancel_all_takes_every_order_of_the_caller_in_the_market() {
	new_test_ext().execute_with(|| {
		rest(ALICE, Buy, 59_000, MIN_SIZE);
		rest(ALICE, Sell, 61_000, MIN_SIZE);
		let bob = rest(BOB, Buy, 59_000, MIN_SIZE);
		let info = Book::cancel_all(RuntimeOrigin::signed(ALICE), BTC_PERP).unwrap();
		assert_eq!(info.actual_weight, Some(<() as WeightInfo>::cancel_all(2)));
		assert!(Book::open_orders(&ALICE).is_empty());
		assert_eq!(remaining(bob), Some(MIN_SIZE));
		assert_eq!(levels(Buy), vec![(usd(59_000), MIN_SIZE, 1)]);
		assert!(levels(Sell).is_empty());
		assert_eq!(committed(ALICE, BTC_PERP), (0, 0, 0, 0));
	});
}

// ------------------------------------------------------------------ checks and bounds

#[test]
fn orders_are_checked_against_the_market() {
	new_test_ext().execute_with(|| {
		let order = |market, dollars: Price, size| {
			Book::place_order(RuntimeOrigin::signed(ALICE), market, Buy, dollars, size, Gtc, false)
		};
		assert_noop!(order(7, usd(60_000), MIN_SIZE), Error::<Test>::UnknownMarket);
		assert_noop!(
			order(BTC_PERP, FixedU128::from_rational(600_001, 10), MIN_SIZE),
			Error::<Test>::PriceNotOnTick
		);
		assert_noop!(order(BTC_PERP, usd(0), MIN_SIZE), Error::<Test>::PriceNotOnTick);
		assert_noop!(order(BTC_PERP, usd(60_000), 0), Error::<Test>::InvalidSize);
		assert_noop!(order(BTC_PERP, usd(60_000), MIN_SIZE + 1), Error::<Test>::InvalidSize);
		assert_noop!(order(BTC_PERP, usd(60_000), LOT), Error::<Test>::InvalidSize);
		assert_ok!(order(BTC_PERP, FixedU128::from_rational(120_001, 2), MIN_SIZE));
	});
}

#[test]
fn every_collection_is_bounded_with_a_typed_error() {
	new_test_ext().execute_with(|| {
		// Three orders fill a level.
		for who in [ALICE, BOB, CHARLIE] {
			rest(who, Buy, 59_000, MIN_SIZE);
		}
		assert_noop!(place(DAVE, Buy, 59_000, MIN_SIZE, Gtc), Error::<Test>::PriceLevelFull);
		// Six price levels fill a side.
		for i in 1..=4 {
			rest(DAVE, Buy, 59_000 - i, MIN_SIZE);
		}
		rest(BOB, Buy, 58_995, MIN_SIZE);
		assert_noop!(place(CHARLIE, Buy, 58_000, MIN_SIZE, Gtc), Error::<Test>::TooManyPriceLevels);
		// Five open orders fill an account.
		rest(DAVE, Sell, 61_000, MIN_SIZE);
		assert_eq!(Book::open_orders(&DAVE).len(), 5);
		assert_noop!(place(DAVE, Sell, 61_000, MIN_SIZE, Gtc), Error::<Test>::TooManyOpenOrders);
		// Depth is capped at the levels asked for.
		assert_eq!(Book::depth(BTC_PERP, 2).bids.len(), 2);
	});
}

// ------------------------------------------------------------------ conservation

mod randomized {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Op {
		Place { who: usize, buy: bool, ticks: u128, lots: u128, tif: u8 },
		Cancel { who: usize, nth: usize },
		CancelAll { who: usize },
		PlaceMany { who: usize, orders: Vec<(bool, u128, u128, u8, Option<u64>)> },
		CancelMany { who: usize, clients: Vec<u64> },
		Replace { who: usize, clients: Vec<u64>, orders: Vec<(bool, u128, u128, u8, Option<u64>)> },
	}

	fn bulk_order() -> impl Strategy<Value = (bool, u128, u128, u8, Option<u64>)> {
		(any::<bool>(), 0u128..8, 2u128..12, 0u8..3, prop::option::of(0u64..4))
	}

	fn op() -> impl Strategy<Value = Op> {
		prop_oneof![
			4 => (0usize..4, any::<bool>(), 0u128..8, 2u128..12, 0u8..3)
				.prop_map(|(who, buy, ticks, lots, tif)| Op::Place { who, buy, ticks, lots, tif }),
			1 => (0usize..4, 0usize..5).prop_map(|(who, nth)| Op::Cancel { who, nth }),
			1 => (0usize..4).prop_map(|who| Op::CancelAll { who }),
			2 => (0usize..4, prop::collection::vec(bulk_order(), 1..5))
				.prop_map(|(who, orders)| Op::PlaceMany { who, orders }),
			1 => (0usize..4, prop::collection::vec(0u64..4, 1..4))
				.prop_map(|(who, clients)| Op::CancelMany { who, clients }),
			2 => (0usize..4, prop::collection::vec(0u64..4, 0..3), prop::collection::vec(bulk_order(), 0..4))
				.prop_map(|(who, clients, orders)| Op::Replace { who, clients, orders }),
		]
	}

	fn requests(
		orders: &[(bool, u128, u128, u8, Option<u64>)],
	) -> frame_support::BoundedVec<crate::OrderRequest, <Test as Config>::MaxOrdersPerCall> {
		frame_support::BoundedVec::truncate_from(
			orders
				.iter()
				.map(|&(buy, ticks, lots, tif, client_order_id)| crate::OrderRequest {
					side: if buy { Buy } else { Sell },
					price: usd(59_996 + ticks),
					size: lots * LOT,
					time_in_force: [Gtc, Ioc, PostOnly][tif as usize],
					reduce_only: false,
					client_order_id,
				})
				.collect(),
		)
	}

	fn refs(
		clients: &[u64],
	) -> frame_support::BoundedVec<crate::OrderRef, <Test as Config>::MaxOrdersPerCall> {
		frame_support::BoundedVec::truncate_from(
			clients.iter().map(|c| crate::OrderRef::Client(*c)).collect(),
		)
	}

	const TRADERS: [u64; 4] = [ALICE, BOB, CHARLIE, DAVE];

	proptest! {
		#![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

		/// Whatever is placed and cancelled, one by one or in bulk: positions net to zero,
		/// the book never rests crossed, each level's total is the sum of its orders, every
		/// account's committed margin is exactly its resting orders', and no call uses more
		/// weight than it was charged up front.
		#[test]
		fn the_book_stays_consistent(
			ops in prop::collection::vec(op(), 1..40),
			surcharges in prop::collection::vec(prop_oneof![Just(0), 0..=MAX_SURCHARGE], 4),
		) {
			use frame_support::dispatch::GetDispatchInfo;
			use sp_runtime::traits::Dispatchable;
			new_test_ext().execute_with(|| {
				// Some traders margined by portfolio (their checks cost more), some not.
				for (who, surcharge) in TRADERS.iter().zip(surcharges) {
					set_surcharge(*who, surcharge);
				}
				for op in ops {
					let described = format!("{op:?}");
					let (who, call) = match op {
						Op::Place { who, buy, ticks, lots, tif } => (who, Call::<Test>::place_order {
							market: BTC_PERP,
							side: if buy { Buy } else { Sell },
							price: usd(59_996 + ticks),
							size: lots * LOT,
							time_in_force: [Gtc, Ioc, PostOnly][tif as usize],
							reduce_only: false,
						}),
						Op::Cancel { who, nth } => match AccountOrders::<Test>::get(TRADERS[who]).orders.get(nth) {
							Some(entry) => (who, Call::<Test>::cancel_order { market: entry.market, order_id: entry.order_id }),
							None => continue,
						},
						Op::CancelAll { who } => (who, Call::<Test>::cancel_all { market: BTC_PERP }),
						Op::PlaceMany { who, orders } => (who, Call::<Test>::place_orders { market: BTC_PERP, orders: requests(&orders) }),
						Op::CancelMany { who, clients } => (who, Call::<Test>::cancel_orders { market: BTC_PERP, orders: refs(&clients) }),
						Op::Replace { who, clients, orders } => (who, Call::<Test>::replace_orders {
							market: BTC_PERP,
							cancels: refs(&clients),
							orders: requests(&orders),
						}),
					};
					let charged = call.get_dispatch_info().call_weight;
					if let Call::<Test>::place_order { .. } = call {
						assert!(charged.all_lte(Book::max_order_charge()));
					}
					let result = RuntimeCall::Orderbook(call).dispatch(RuntimeOrigin::signed(TRADERS[who]));
					let post = result.map_or_else(|e| e.post_info, |post| post);
					if let Some(used) = post.actual_weight {
						assert!(used.all_lte(charged), "{described} used {used:?} of {charged:?}");
					}
					let net: i128 = TRADERS.iter().map(|who| position(*who, BTC_PERP)).sum();
					assert_eq!(net, 0);
					let (bid, ask) = Book::best_prices(BTC_PERP);
					if let (Some(bid), Some(ask)) = (bid, ask) {
						assert!(bid < ask, "crossed book {bid:?} >= {ask:?}");
					}
					assert_eq!(book_top(BTC_PERP), (bid, ask));
					for side in [Buy, Sell] {
						for price in LevelPrices::<Test>::get((BTC_PERP, side)) {
							let level = Levels::<Test>::get((BTC_PERP, side), price);
							let sum: u128 = level.orders.iter().map(|id| remaining(*id).unwrap()).sum();
							assert_eq!(level.total, sum);
						}
					}
					for who in TRADERS {
						let (mut bids, mut asks) = (0, 0);
						for order in Book::open_orders(&who) {
							if order.side == Buy { bids += order.remaining } else { asks += order.remaining }
						}
						let (bid_size, _, ask_size, _) = committed(who, BTC_PERP);
						assert_eq!((bid_size, ask_size), (bids, asks));
					}
				}
			});
		}
	}
}

#[test]
fn portfolio_margin_checks_add_the_clearing_houses_surcharge_and_only_theirs() {
	use frame_support::{dispatch::GetDispatchInfo, traits::Get};
	use sp_runtime::Weight;
	new_test_ext().execute_with(|| {
		// Two makers, one portfolio-margined; a taker who is too.
		rest(BOB, Sell, 60_000, MIN_SIZE);
		rest(CHARLIE, Sell, 60_000, MIN_SIZE);
		set_surcharge(BOB, 300);
		set_surcharge(ALICE, 1_000);
		// Alice buys both and rests the rest: two settlements check her and the maker, and
		// committing the rest checks her once more.
		let info = Book::place_order(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			Buy,
			usd(60_000),
			3 * MIN_SIZE,
			Gtc,
			false,
		)
		.unwrap();
		let surcharge = Weight::from_parts(3 * 1_000 + 300, 0);
		// Both orders were placed in this block (their items, their owners' holds and
		// accounts), and the second fill is at the level the first read.
		assert_eq!(
			info.actual_weight,
			Some(
				<() as WeightInfo>::place_order(2) + surcharge + db().reads(3)
					- db().reads_writes(2 * 3 + 1, 2 * 3 + 1)
			)
		);
		// Charged up front for what the book as it stands lets it do: both resting orders,
		// their owners' surcharges (Bob's, Charlie's none), the taker's budget of two of the
		// largest, the taker's reduce-only cuts and the reads that found all this.
		rest(BOB, Sell, 60_001, MIN_SIZE);
		rest(CHARLIE, Sell, 60_001, MIN_SIZE);
		let call = Call::<Test>::place_order {
			market: BTC_PERP,
			side: Buy,
			price: usd(60_001),
			size: MIN_SIZE,
			time_in_force: Gtc,
			reduce_only: false,
		};
		let db = <<Test as frame_system::Config>::DbWeight as Get<
			frame_support::weights::RuntimeDbWeight,
		>>::get();
		let max_reduce_only = <<Test as Config>::MaxReduceOnlyPerMarket as Get<u32>>::get();
		assert_eq!(
			call.get_dispatch_info().call_weight,
			<() as WeightInfo>::place_order(2)
				+ Weight::from_parts(300 + 2 * MAX_SURCHARGE, 0)
				+ db.reads(3 + 2 + 3 * 2 + 1)
				+ Book::order_removal_weight(max_reduce_only)
		);
		// A post-only order reaches nothing, carries the check of resting only, and cuts
		// none of the taker's reduce-only orders (it never fills); it reads its own side.
		let quote = Call::<Test>::place_order {
			market: BTC_PERP,
			side: Buy,
			price: usd(59_000),
			size: MIN_SIZE,
			time_in_force: PostOnly,
			reduce_only: false,
		};
		assert_eq!(
			quote.get_dispatch_info().call_weight,
			<() as WeightInfo>::place_order(0) + Weight::from_parts(MAX_SURCHARGE, 0) + db.reads(1)
		);
	});
}

#[test]
fn matching_stops_where_the_takers_checks_would_exceed_their_budget() {
	use sp_runtime::Weight;
	new_test_ext().execute_with(|| {
		rest(BOB, Sell, 60_000, MIN_SIZE);
		rest(CHARLIE, Sell, 60_000, MIN_SIZE);
		// A taker at the largest surcharge: one fill's check and the reserve for resting the
		// rest use its budget up; the makers' checks were charged from the book.
		for who in [ALICE, BOB, CHARLIE] {
			set_surcharge(who, MAX_SURCHARGE);
		}
		let info = Book::place_order(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			Buy,
			usd(60_000),
			2 * MIN_SIZE,
			Gtc,
			false,
		)
		.unwrap();
		assert_eq!(fills().len(), 1);
		// Bob's order was placed in this block: neither its item nor his holds and account
		// (its deposit) reached the database.
		assert_eq!(
			info.actual_weight,
			Some(
				<() as WeightInfo>::place_order(1)
					+ Weight::from_parts(2 * MAX_SURCHARGE, 0)
					+ db().reads(2) - db().reads_writes(3, 3)
					- Book::unrested_saving()
			)
		);
		// The rest would cross Charlie's order: dropped, as at the fill bound.
		assert!(cancels().iter().any(|c| c.3 == CancelReason::FillLimitReached));
		assert_eq!(levels(Sell).len(), 1, "Charlie's order still rests");
	});
}

#[test]
fn a_cross_taker_fills_every_portfolio_maker_it_reaches() {
	new_test_ext().execute_with(|| {
		rest(BOB, Sell, 60_000, MIN_SIZE);
		rest(CHARLIE, Sell, 60_000, MIN_SIZE);
		rest(DAVE, Sell, 60_000, MIN_SIZE);
		for who in [BOB, CHARLIE, DAVE] {
			set_surcharge(who, MAX_SURCHARGE);
		}
		assert_eq!(place(ALICE, Buy, 60_000, 3 * MIN_SIZE, Ioc).map(|_| fills().len()), Ok(3));
	});
}

// ------------------------------------------------------------------ hardening (issue 17)

mod bulk;
mod hardening;
