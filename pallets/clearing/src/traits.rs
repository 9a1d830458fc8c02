//! The traits that connect the clearing pallet to the rest of the runtime without depending
//! on other pallets.

use frame_support::dispatch::DispatchResult;
use risk_engine::{Price, SizeUnits};

/// A source of prices: the latest value for a key and the time (ms since the Unix epoch) it
/// was observed. The pallet judges staleness against its own maximum price age, in one place.
pub trait PriceProvider<Key> {
	/// The latest price for `key` and when it was fed, if any.
	fn price(key: &Key) -> Option<(Price, u64)>;
}

/// What the clearing house offers to venues (the order book): settling a matched trade.
pub trait Clearing<AccountId, MarketId> {
	/// Settles a trade of `size` (signed, from the taker's side: positive means the taker
	/// buys) at `price` between `maker` and `taker` in `market`: both positions, fees, open
	/// interest. Fails without changing anything when either side would end below its
	/// margin requirement (initial for risk-increasing trades, maintenance for reducing ones)
	/// or the trade breaks a market rule.
	fn settle_trade(
		maker: &AccountId,
		taker: &AccountId,
		market: MarketId,
		size: SizeUnits,
		price: Price,
	) -> DispatchResult;
}
