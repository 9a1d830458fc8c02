//! Seeded books: a load-test chain that starts with many accounts already holding positions.
//!
//! Opening 100,000 positions by signed transactions takes hours from one client, so a load
//! test's chain spec carries a [`SeededBook`] instead: a generator, not a list, so the spec
//! stays small. At genesis every account gets its settlement balance, its long position
//! (opened at the book's entry price, funding from the market's start), its place in the
//! deleveraging queue and its safety band; the house account takes the opposite side. The
//! settlement tokens behind the balances are minted to the pallet's account, so every
//! invariant holds from block one: the tokens cover the ledger, positions net to zero,
//! open interest is the longs, and the liquidation index covers every book.
//!
//! Accounts are keyless: `seeded_account(i)` is derived from `i` by hashing, and nobody can
//! sign for them. They are for what the chain does to positions (funding, liquidation,
//! deleveraging), not for trading.

use codec::{Decode, Encode};
use frame_support::{pallet_prelude::*, traits::fungibles::Mutate};
use risk_engine::{Position, SignedRounding};
use sp_runtime::traits::TrailingZeroInput;

use crate::{pallet::*, PositionRecord, SeededBook};

impl<T: Config> Pallet<T> {
	/// The `index`th seeded account: `blake2_256("clearing/seeded" ++ index)` as an account.
	pub fn seeded_account(index: u32) -> T::AccountId {
		let seed = sp_io::hashing::blake2_256(&(b"clearing/seeded", index).encode());
		T::AccountId::decode(&mut TrailingZeroInput::new(&seed))
			.expect("infinite input; an account decodes from it; qed")
	}

	/// Writes a seeded book (see the module docs): every account, the house, the open
	/// interest, the deposits and the tokens behind them, and every band.
	pub(crate) fn seed_book(book: &SeededBook<T::AccountId>) -> DispatchResult {
		let params = Markets::<T>::get(book.market).ok_or(Error::<T>::UnknownMarket)?;
		ensure!(!params.instrument.is_option(), Error::<T>::UnknownMarket);
		let size = i128::try_from(book.size).map_err(|_| Error::<T>::Overflow)?;
		ensure!(size > 0, Error::<T>::InvalidSize);
		let scale = Self::market_scale(&params);
		let cost = scale
			.signed_value(size, book.entry, SignedRounding::TowardZero)
			.map_err(Error::<T>::from)?;
		let state = MarketStates::<T>::get(book.market);
		let open = |size: i128, cost: i128| PositionRecord {
			position: Position { size, cost, funding_index: state.funding_index },
			isolated_margin: None,
			open_orders: Default::default(),
		};
		let mut deposited: u128 = book.house_margin;
		let mut open_interest: u128 = 0;
		for index in 0..book.accounts {
			let who = Self::seeded_account(index);
			let margin = book
				.margin_step
				.checked_mul(u128::from(index))
				.and_then(|step| step.checked_add(book.margin_min))
				.ok_or(Error::<T>::Overflow)?;
			Self::seed_account(&who, book.market, &scale, open(size, cost), margin)?;
			deposited = deposited.checked_add(margin).ok_or(Error::<T>::Overflow)?;
			open_interest = open_interest.checked_add(book.size).ok_or(Error::<T>::Overflow)?;
		}
		let short = i128::try_from(open_interest).map_err(|_| Error::<T>::Overflow)?;
		let house_cost = cost.checked_mul(i128::from(book.accounts)).ok_or(Error::<T>::Overflow)?;
		Self::seed_account(
			&book.house,
			book.market,
			&scale,
			open(-short, -house_cost),
			book.house_margin,
		)?;
		ensure!(open_interest <= params.open_interest_cap, Error::<T>::OpenInterestCapExceeded);
		MarketStates::<T>::mutate(book.market, |state| state.open_interest = open_interest);
		let settlement = T::SettlementAsset::get();
		TotalDeposits::<T>::mutate(settlement, |total| *total = total.saturating_add(deposited));
		T::Assets::mint_into(settlement, &Self::account_id(), deposited)?;
		Self::with_assumed_prices(book.bands_from_ms, &[(params.oracle_key, book.entry)], || {
			for index in 0..book.accounts {
				Self::reband(&Self::seeded_account(index));
			}
			Self::reband(&book.house);
		});
		Ok(())
	}

	/// One seeded account: its settlement balance, its position and its queue entry.
	fn seed_account(
		who: &T::AccountId,
		market: crate::MarketId,
		scale: &risk_engine::UnitScale,
		record: PositionRecord,
		margin: u128,
	) -> DispatchResult {
		Self::credit(who, T::SettlementAsset::get(), margin)?;
		Positions::<T>::try_mutate(who, |positions| {
			positions
				.try_insert(market, record)
				.map(|_| ())
				.map_err(|_| Error::<T>::TooManyPositions)
		})?;
		Self::requeue(who, market, scale, None, Some(&record));
		Ok(())
	}
}
