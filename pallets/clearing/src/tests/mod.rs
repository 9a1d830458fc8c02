//! Every call and every error of the clearing pallet, on the mock runtime.

use crate::{
	mock::*, pallet::*, Clearing as _, MarketId, MarketStatus, OrderSide, PositionRecord,
	PriceProvider as _, SettleError, TradeReceipt,
};
use frame_support::dispatch::DispatchResult;
use frame_support::{assert_noop, assert_ok, traits::fungibles::Inspect};
use risk_engine::MarginTier;
use risk_engine::Price;
use sp_arithmetic::{FixedI128, FixedU128, Perbill};
use sp_runtime::DispatchError;

type ClearingPallet = crate::Pallet<Test>;

fn usd(dollars: u128) -> FixedU128 {
	FixedU128::from_inner(dollars * 1_000_000_000_000_000_000)
}

fn deposit(who: u64, asset: u32, amount: u128) {
	assert_ok!(ClearingPallet::deposit(RuntimeOrigin::signed(who), asset, amount));
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Clearing(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// Settles a trade through the `Clearing` trait, as the order book does.
fn settle(maker: &u64, taker: &u64, market: MarketId, size: i128, price: Price) -> DispatchResult {
	ClearingPallet::settle_trade(maker, taker, market, size, price).map(|_| ()).map_err(Into::into)
}

fn position(who: u64) -> Option<PositionRecord> {
	Positions::<Test>::get(who).get(&BTC_PERP).copied()
}

fn usdc_tokens(who: u64) -> u128 {
	<Assets as Inspect<u64>>::balance(USDC, &who)
}

/// Starts the next block: risk changes scheduled in this one apply.
fn start_next_block() {
	let block = System::block_number() + 1;
	System::set_block_number(block);
	<ClearingPallet as frame_support::traits::Hooks<u64>>::on_initialize(block);
}

/// Alice and Bob with 10,000 USDC each; Bob (maker) sells Alice (taker) 1 BTC at 60,000.
fn open_one_btc() {
	deposit(ALICE, USDC, 10_000 * ONE_USDC);
	deposit(BOB, USDC, 10_000 * ONE_USDC);
	assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
}

/// The end of the current block: interest (and funding) accrue; the next block starts.
fn end_block() {
	<ClearingPallet as frame_support::traits::Hooks<u64>>::on_finalize(System::block_number());
	start_next_block();
}

fn borrow(who: u64, asset: u32, amount: u128) -> DispatchResult {
	ClearingPallet::borrow(RuntimeOrigin::signed(who), asset, amount)
		.map(|_| ())
		.map_err(|error| error.error)
}

/// Alice closes a long at a loss larger than her USDC: she owes about 5,060 USDC against
/// 1 BTC; Bob (100,000 USDC) won it, the fee account took the fees.
fn alice_owes_usdc() {
	deposit(ALICE, USDC, 5_000 * ONE_USDC);
	deposit(ALICE, BTC, ONE_BTC);
	deposit(BOB, USDC, 100_000 * ONE_USDC);
	assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
	set_price(BTC_PRICE, 50_000);
	assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128), usd(50_000)));
	assert!(ClearingPallet::settlement_balance(&ALICE) < 0);
}

fn liquidate(who: u64) -> DispatchResult {
	ClearingPallet::liquidate(RuntimeOrigin::none(), who).map(|_| ()).map_err(|e| e.error)
}

fn validate(call: Call<Test>) -> sp_runtime::transaction_validity::TransactionValidity {
	use sp_runtime::traits::ValidateUnsigned;
	ClearingPallet::validate_unsigned(
		sp_runtime::transaction_validity::TransactionSource::External,
		&call,
	)
}

fn stale() -> sp_runtime::transaction_validity::TransactionValidity {
	Err(sp_runtime::transaction_validity::InvalidTransaction::Stale.into())
}

mod adaptive_margin;
mod capital_efficiency;
mod collateral;
mod conservation;
mod errors;
mod funding;
mod hardening;
mod interest_accrued;
mod isolated_margin;
mod jump_breaker;
mod lending;
mod liquidation;
mod liquidation_index;
mod listing;
mod migrations;
mod options_and_portfolio;
mod packages;
mod pools;
mod portfolio_borrows;
mod reports;
mod risk_parameters;
mod segregation;
mod synthetics;
mod trading;
mod venue;
mod worker;
