//! Packages ([`Clearing::settle_package`]): every leg or none, each side's margin checked
//! once after all of them, at the legs' own fees.

use super::*;
use crate::PackageLeg;

const TWIN: MarketId = 5;

/// BTC-PERP and its twin (another market on the same index), Alice with `alice_usdc`, Bob
/// with 100,000 USDC.
fn two_markets(alice_usdc: u128) {
	let mut twin = btc_perp();
	twin.symbol = frame_support::BoundedVec::truncate_from(b"BTC-PERP2".to_vec());
	assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), TWIN, twin));
	deposit(ALICE, USDC, alice_usdc);
	deposit(BOB, USDC, 100_000 * ONE_USDC);
}

fn leg(market: MarketId, size: i128, dollars: u128) -> PackageLeg {
	PackageLeg {
		market,
		size,
		price: usd(dollars),
		maker_fee: Perbill::from_parts(100_000),
		taker_fee: Perbill::from_parts(200_000),
	}
}

fn size_of(who: u64, market: MarketId) -> i128 {
	ClearingPallet::position_size(&who, market)
}

fn state_root() -> Vec<u8> {
	sp_io::storage::root(sp_runtime::StateVersion::V1)
}

#[test]
fn a_package_is_margined_once_after_all_its_legs() {
	new_test_ext().execute_with(|| {
		// Alice: 4,000 USDC behind a long BTC on the book (3,000 initial).
		two_markets(4_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		// Rolling it into the twin, one trade at a time, fails: the first trade alone would
		// hold 2 BTC (6,000 initial).
		assert_noop!(
			settle(&BOB, &ALICE, TWIN, ONE_BTC as i128, usd(60_000)),
			Error::<Test>::TakerMarginInsufficient
		);
		// As one package (buy the twin, sell the book's market) it holds 1 BTC throughout.
		let receipts = ClearingPallet::settle_package(
			&BOB,
			&ALICE,
			&[leg(TWIN, ONE_BTC as i128, 60_000), leg(BTC_PERP, -(ONE_BTC as i128), 60_000)],
		)
		.expect("the package fits Alice's margin");
		assert_eq!(size_of(ALICE, TWIN), ONE_BTC as i128);
		assert_eq!(size_of(ALICE, BTC_PERP), 0);
		assert_eq!(size_of(BOB, TWIN), -(ONE_BTC as i128));
		assert_eq!(size_of(BOB, BTC_PERP), 0);
		// The legs' own fees (1 and 2 basis points of 60,000), not the markets'.
		let leg_receipt = TradeReceipt { maker_fee: 6 * ONE_USDC, taker_fee: 12 * ONE_USDC };
		assert_eq!(receipts, vec![leg_receipt, leg_receipt]);
		let settled = events()
			.into_iter()
			.filter(|event| matches!(event, Event::TradeSettled { .. }))
			.count();
		assert_eq!(settled, 3);
	});
}

#[test]
fn one_failing_leg_changes_nothing() {
	new_test_ext().execute_with(|| {
		two_markets(10_000 * ONE_USDC);
		let before = state_root();
		// The second leg is off the market's tick: the first, valid, settles no more than it.
		let off_tick = PackageLeg {
			price: FixedU128::from_inner(usd(60_000).into_inner() + 1),
			..leg(TWIN, -(ONE_BTC as i128), 60_000)
		};
		assert_eq!(
			ClearingPallet::settle_package(
				&BOB,
				&ALICE,
				&[leg(BTC_PERP, ONE_BTC as i128, 60_000), off_tick]
			),
			Err(SettleError::Trade(Error::<Test>::PriceNotOnTick.into()))
		);
		// Outside the band (10% around 60,000): refused as the maker's price.
		assert_eq!(
			ClearingPallet::settle_package(
				&BOB,
				&ALICE,
				&[leg(BTC_PERP, ONE_BTC as i128, 60_000), leg(TWIN, ONE_BTC as i128, 70_000)]
			),
			Err(SettleError::Maker(Error::<Test>::PriceOutsideBand.into()))
		);
		assert_eq!(state_root(), before);
		assert_eq!(size_of(ALICE, BTC_PERP), 0);
	});
}

#[test]
fn a_side_short_of_margin_after_the_package_fails_it_as_that_sides() {
	new_test_ext().execute_with(|| {
		two_markets(2_000 * ONE_USDC);
		let before = state_root();
		// Both legs add: 2 BTC need 6,000 of Alice's 2,000.
		assert_eq!(
			ClearingPallet::settle_package(
				&BOB,
				&ALICE,
				&[leg(BTC_PERP, ONE_BTC as i128, 60_000), leg(TWIN, ONE_BTC as i128, 60_000)]
			),
			Err(SettleError::Trade(Error::<Test>::TakerMarginInsufficient.into()))
		);
		// Charlie, with nothing deposited, as the maker: the maker's failure.
		assert_eq!(
			ClearingPallet::settle_package(
				&CHARLIE,
				&BOB,
				&[leg(BTC_PERP, ONE_BTC as i128, 60_000)]
			),
			Err(SettleError::Maker(Error::<Test>::MakerMarginInsufficient.into()))
		);
		assert_eq!(state_root(), before);
	});
}

#[test]
fn a_package_has_legs_each_in_its_own_market() {
	new_test_ext().execute_with(|| {
		two_markets(10_000 * ONE_USDC);
		assert_eq!(
			ClearingPallet::settle_package(&BOB, &ALICE, &[]),
			Err(SettleError::Trade(Error::<Test>::EmptyPackage.into()))
		);
		assert_eq!(
			ClearingPallet::settle_package(
				&BOB,
				&ALICE,
				&[
					leg(BTC_PERP, ONE_BTC as i128, 60_000),
					leg(BTC_PERP, -(ONE_BTC as i128), 60_000)
				]
			),
			Err(SettleError::Trade(Error::<Test>::DuplicatePackageLeg.into()))
		);
		assert_eq!(
			ClearingPallet::settle_package(
				&ALICE,
				&ALICE,
				&[leg(BTC_PERP, ONE_BTC as i128, 60_000)]
			),
			Err(SettleError::Trade(Error::<Test>::SelfTrade.into()))
		);
	});
}
