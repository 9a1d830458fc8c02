//! Conservation: random sequences of calls never create or destroy collateral.

use super::*;
use proptest::prelude::*;
use sp_runtime::{traits::Dispatchable, StateVersion};

fn storage_root(version: StateVersion) -> Vec<u8> {
	sp_io::storage::root(version)
}

const TRADERS: [u64; 3] = [ALICE, BOB, CHARLIE];

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
	AddIsolated {
		who: usize,
		amount: u128,
	},
	RemoveIsolated {
		who: usize,
		amount: u128,
	},
	MovePrice {
		usd: u128,
	},
	/// Time passes while the oracle keeps feeding the same price.
	Wait {
		ms: u64,
	},
	/// Time passes without a feed (the price may go stale).
	WaitWithoutFeed {
		ms: u64,
	},
	/// A liquidation of the account, as the off-chain worker submits it.
	Liquidate {
		who: usize,
	},
	/// A liquidation of the account's isolated BTC-PERP position.
	LiquidateIsolated {
		who: usize,
	},
	/// A new block (one liquidation per account per block).
	NextBlock,
	/// Auto-deleveraging in BTC-PERP (the chain picks the accounts).
	AutoDeleverage,
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		(0usize..3, any::<bool>(), 1u128..=200_000 * ONE_USDC).prop_map(|(who, btc, amount)| {
			Op::Deposit { who, btc, amount: if btc { amount / 1_000 } else { amount } }
		}),
		(0usize..3, any::<bool>(), 1u128..=200_000 * ONE_USDC).prop_map(|(who, btc, amount)| {
			Op::Withdraw { who, btc, amount: if btc { amount / 1_000 } else { amount } }
		}),
		(0usize..3, 1usize..3, -2_000i128..=2_000, 550_000u128..=650_000).prop_map(
			|(maker, offset, lots, price_ticks)| Op::Trade {
				maker,
				taker: (maker + offset) % 3,
				lots,
				price_ticks
			}
		),
		(0usize..3, 1u128..=20_000 * ONE_USDC)
			.prop_map(|(who, amount)| Op::AddIsolated { who, amount }),
		(0usize..3, 1u128..=20_000 * ONE_USDC)
			.prop_map(|(who, amount)| Op::RemoveIsolated { who, amount }),
		(40_000u128..=80_000).prop_map(|usd| Op::MovePrice { usd }),
		(1u64..=3_600_000).prop_map(|ms| Op::Wait { ms }),
		(1u64..=120_000).prop_map(|ms| Op::WaitWithoutFeed { ms }),
		(0usize..3).prop_map(|who| Op::Liquidate { who }),
		(0usize..3).prop_map(|who| Op::LiquidateIsolated { who }),
		Just(Op::NextBlock),
		Just(Op::AutoDeleverage),
	]
}

fn token_total(asset: u32) -> u128 {
	let pallet = ClearingPallet::account_id();
	TRADERS
		.iter()
		.chain([FEES, pallet].iter())
		.map(|who| <Assets as Inspect<u64>>::balance(asset, who))
		.sum()
}

/// Settlement claims on the pallet: ledger balances and isolated margins, less the cost
/// of open positions (which realized PnL will pay out or take in) and the funding they
/// owe but have not settled yet. Also returns the number of open positions.
fn settlement_claims() -> (i128, i128) {
	let mut claims: i128 = TRADERS
		.iter()
		.chain([FEES, INSURANCE].iter())
		.map(|who| SettlementBalances::<Test>::get(who).scaled)
		.sum();
	let index = MarketStates::<Test>::get(BTC_PERP).funding_index;
	let scale = ClearingPallet::market_scale(&btc_perp());
	let mut open = 0;
	for who in TRADERS.iter().copied().chain([INSURANCE]) {
		for record in Positions::<Test>::get(who).values() {
			let pending = risk_engine::funding_owed(&record.position, index, &scale).unwrap();
			claims += record.isolated_margin.unwrap_or(0) - record.position.cost - pending;
			open += 1;
		}
	}
	(claims, open)
}

fn apply(op: &Op) -> frame_support::dispatch::DispatchResult {
	let asset = |btc: bool| if btc { BTC } else { USDC };
	match op.clone() {
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
		Op::AddIsolated { who, amount } => ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(TRADERS[who]),
			BTC_PERP,
			amount,
		),
		Op::RemoveIsolated { who, amount } => ClearingPallet::remove_isolated_margin(
			RuntimeOrigin::signed(TRADERS[who]),
			BTC_PERP,
			amount,
		),
		Op::MovePrice { usd } => {
			set_price(BTC_PRICE, usd);
			Ok(())
		},
		Op::Wait { ms } => {
			let (price, _) =
				TestPrices::price(&BTC_PRICE).expect("the mock always has a BTC price");
			advance(ms);
			set_price_at(BTC_PRICE, price, now());
			Ok(())
		},
		Op::WaitWithoutFeed { ms } => {
			advance(ms);
			Ok(())
		},
		Op::Liquidate { who } => RuntimeCall::Clearing(Call::liquidate { who: TRADERS[who] })
			.dispatch(RuntimeOrigin::none())
			.map(|_| ())
			.map_err(|e| e.error),
		Op::LiquidateIsolated { who } => {
			RuntimeCall::Clearing(Call::liquidate_isolated { who: TRADERS[who], market: BTC_PERP })
				.dispatch(RuntimeOrigin::none())
				.map(|_| ())
				.map_err(|e| e.error)
		},
		Op::NextBlock => {
			System::set_block_number(System::block_number() + 1);
			Ok(())
		},
		Op::AutoDeleverage => RuntimeCall::Clearing(Call::auto_deleverage { market: BTC_PERP })
			.dispatch(RuntimeOrigin::none())
			.map(|_| ())
			.map_err(|e| e.error),
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

	/// A leveraged long crashes: it is liquidated (partially, in full, or through the
	/// bad-debt path), and when the fund ends in deficit the shorts are auto-deleveraged in
	/// ranking order. Through all of it no token unit moves in or out of the pallet, the
	/// pallet still holds what it owes (to the funding-rounding bound), and after
	/// deleveraging the fund is whole.
	#[test]
	fn liquidation_and_deleveraging_keep_every_unit(
		alice_usdc in 500u128..5_000,
		alice_btc in 0u128..20_000_000,
		bob_usdc in 3_000u128..100_000,
		charlie_usdc in 3_000u128..100_000,
		from_bob in 1i128..60,
		from_charlie in 1i128..60,
		crash in 30_000u128..58_000,
	) {
		new_test_ext().execute_with(|| {
			deposit(ALICE, USDC, alice_usdc * ONE_USDC);
			if alice_btc > 0 {
				deposit(ALICE, BTC, alice_btc);
			}
			deposit(BOB, USDC, bob_usdc * ONE_USDC);
			deposit(CHARLIE, USDC, charlie_usdc * ONE_USDC);
			let usdc_total = token_total(USDC);
			let btc_total = token_total(BTC);
			let lot = 100_000i128; // 0.001 BTC
			let _ = settle(&BOB, &ALICE, BTC_PERP, from_bob * lot, usd(60_000));
			let _ = settle(&CHARLIE, &ALICE, BTC_PERP, from_charlie * lot, usd(60_000));
			set_price(BTC_PRICE, crash);
			let check = |step: &str| -> Result<(), TestCaseError> {
				prop_assert_eq!(token_total(USDC), usdc_total);
				prop_assert_eq!(token_total(BTC), btc_total);
				let held = <Assets as Inspect<u64>>::balance(USDC, &ClearingPallet::account_id()) as i128;
				let (claims, open_positions) = settlement_claims();
				let surplus = held - claims;
				prop_assert!(surplus >= 0 && surplus <= open_positions + 2, "surplus {} after {}", surplus, step);
				let booked_btc: u128 = [ALICE, BOB, CHARLIE, INSURANCE].iter().map(|who| ClearingPallet::balance_of(who, BTC)).sum::<i128>() as u128;
				prop_assert_eq!(<Assets as Inspect<u64>>::balance(BTC, &ClearingPallet::account_id()), booked_btc);
				Ok(())
			};
			if liquidate(ALICE).is_ok() {
				check("the liquidation")?;
			}
			if ClearingPallet::insurance_deficit() > 0 {
				prop_assert!(ClearingPallet::auto_deleverage(RuntimeOrigin::none(), BTC_PERP).is_ok());
				check("auto-deleveraging")?;
				// Whole again, or out of opposite positions to take it from.
				let fund_position = position(INSURANCE).map_or(0, |r| r.position.size);
				prop_assert!(ClearingPallet::insurance_deficit() == 0 || fund_position == 0);
			}
			Ok(())
		})?;
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

	/// Whatever sequence of deposits, withdrawals, trades, isolated-margin moves, price
	/// moves and waits: no token is created or destroyed; the pallet always holds at
	/// least what it owes in the settlement asset, short only by funding rounding in its
	/// favour; it holds exactly the other collateral it books; and a failed call changes
	/// no storage at all.
	#[test]
	fn balances_are_conserved_and_failed_calls_change_nothing(ops in prop::collection::vec(op(), 1..40)) {
		new_test_ext().execute_with(|| {
			for who in TRADERS {
				deposit(who, USDC, 5_000 * ONE_USDC);
			}
			let usdc_total = token_total(USDC);
			let btc_total = token_total(BTC);
			let pallet = ClearingPallet::account_id();
			for op in &ops {
				let root_before = storage_root(StateVersion::V1);
				let result = apply(op);
				if result.is_err() {
					prop_assert_eq!(storage_root(StateVersion::V1), root_before, "{:?} failed with {:?} but changed storage", op, result);
				}
				prop_assert_eq!(token_total(USDC), usdc_total);
				prop_assert_eq!(token_total(BTC), btc_total);
				let held = <Assets as Inspect<u64>>::balance(USDC, &pallet) as i128;
				let funding_settlements = System::events()
					.iter()
					.filter(|e| matches!(e.event, RuntimeEvent::Clearing(Event::FundingSettled { .. })))
					.count() as i128;
				// Each funding figure (settled or pending) rounds by under a unit, always
				// in the pallet's favour.
				let (claims, open_positions) = settlement_claims();
				let surplus = held - claims;
				prop_assert!(
					surplus >= 0 && surplus <= funding_settlements + open_positions,
					"surplus {} after {:?}", surplus, op
				);
				let booked_btc: u128 = TRADERS.iter().chain([INSURANCE].iter()).map(|who| ClearingPallet::balance_of(who, BTC)).sum::<i128>() as u128;
				prop_assert_eq!(<Assets as Inspect<u64>>::balance(BTC, &pallet), booked_btc);
				prop_assert_eq!(TotalDeposits::<Test>::get(BTC), booked_btc);
			}
			Ok(())
		})?;
	}
}
