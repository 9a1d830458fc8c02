//! Benchmarks of the block-trade calls, at their worst cases:
//! - `execute_quote(l)`: a quote of `l` legs, each in its own market, that opens a position
//!   in every market for both sides (each account's margin check values all `l`), signed
//!   over the payload wrapped in `<Bytes>`…`</Bytes>` (so that both signature checks run),
//!   with a taker pool to check. What more positions, or portfolio margin, cost each side's
//!   check is the clearing house's surcharge, which the call adds;
//! - `cancel_quotes_below`: a maker's floor raised;
//! - `set_terms`: a market's terms set.

use super::*;
use crate::pallet::{Config, Pallet};
use alloc::{boxed::Box, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_arithmetic::Perbill;

/// What the benchmarks need from the runtime: markets, collateral, pools and a signing key.
pub trait BenchmarkHelper<AccountId, Signature> {
	/// `count` distinct markets that trade, each with a price on its tick within its band.
	fn markets(count: u32) -> Vec<(MarketId, Price)>;
	/// Gives `who` enough collateral for every leg the benchmarks trade.
	fn fund_trader(who: &AccountId);
	/// A pool with `who` as a member, for a quote that requires one.
	fn pool_with_member(who: &AccountId) -> Option<PoolId>;
	/// The account of a new signing key.
	fn maker() -> AccountId;
	/// `maker`'s signature over `message`.
	fn sign(maker: &AccountId, message: &[u8]) -> Signature;
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn execute_quote(l: Linear<1, { T::MaxLegs::get() }>) -> Result<(), BenchmarkError> {
		let markets = T::BenchmarkHelper::markets(l);
		let origin =
			T::TermsOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let mut legs = Vec::new();
		for (market, price) in &markets {
			let rules = T::Clearing::market_rules(*market).ok_or(BenchmarkError::Stop("market"))?;
			let terms = BlockTradeTerms {
				maker_fee: Perbill::from_parts(200_000),
				taker_fee: Perbill::from_parts(500_000),
				min_size: rules.min_size.max(rules.lot_size),
			};
			Pallet::<T>::set_terms(origin.clone(), *market, Some(terms))
				.map_err(|_| BenchmarkError::Stop("terms"))?;
			legs.push(QuoteLeg {
				market: *market,
				side: OrderSide::Sell,
				size: terms.min_size,
				price: *price,
			});
		}
		let maker = T::BenchmarkHelper::maker();
		let taker: T::AccountId = account("taker", 0, 0);
		T::BenchmarkHelper::fund_trader(&maker);
		T::BenchmarkHelper::fund_trader(&taker);
		let quote: QuoteOf<T> = Quote {
			maker: maker.clone(),
			taker: Some(taker.clone()),
			taker_pool: T::BenchmarkHelper::pool_with_member(&taker),
			legs: BoundedVec::truncate_from(legs),
			expires_at: frame_system::Pallet::<T>::block_number()
				+ BlockNumberFor::<T>::from(10u32),
			nonce: 7,
		};
		let wrapped =
			[&b"<Bytes>"[..], &Pallet::<T>::signing_payload(&quote)[..], &b"</Bytes>"[..]].concat();
		let signature = T::BenchmarkHelper::sign(&maker, &wrapped);

		#[extrinsic_call]
		_(RawOrigin::Signed(taker.clone()), Box::new(quote), signature);

		assert_eq!(Pallet::<T>::nonce_status(&maker, 7), NonceStatus::Used);
		for (market, _) in &markets {
			assert!(T::Clearing::position_size(&taker, *market) > 0);
		}
		Ok(())
	}

	#[benchmark]
	fn cancel_quotes_below() {
		let maker: T::AccountId = account("maker", 0, 0);
		NonceFloor::<T>::insert(&maker, 10);

		#[extrinsic_call]
		_(RawOrigin::Signed(maker.clone()), 1_000);

		assert_eq!(NonceFloor::<T>::get(&maker), 1_000);
	}

	#[benchmark]
	fn set_terms() -> Result<(), BenchmarkError> {
		let (market, _) = T::BenchmarkHelper::markets(1)
			.into_iter()
			.next()
			.ok_or(BenchmarkError::Stop("market"))?;
		let rules = T::Clearing::market_rules(market).ok_or(BenchmarkError::Stop("market"))?;
		let origin =
			T::TermsOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let terms = BlockTradeTerms {
			maker_fee: Perbill::from_parts(200_000),
			taker_fee: Perbill::from_parts(500_000),
			min_size: rules.lot_size,
		};

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, market, Some(terms));

		assert_eq!(Terms::<T>::get(market), Some(terms));
		Ok(())
	}
}
