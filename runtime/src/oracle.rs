//! What the oracle prices, and in which units.
//!
//! Operators (members of `OracleOperators`) call `oracle.feedValues` with a list of
//! `(OracleKey, OracleValue)` pairs, at most one feed per operator per block. `orml-oracle`
//! keeps each operator's last raw value and, for every key, the median of the raw values
//! younger than [`crate::configs::OracleValueLifetime`] together with the time it was fed.
//!
//! ## Units
//! Every [`OracleValue`] is an unsigned 18-decimal fixed-point number (`FixedU128`):
//! - `Price(asset)`: the price of one whole token of `asset` in US dollars, e.g.
//!   `65000.5` for BTC is the integer `65_000_500_000_000_000_000_000`;
//! - `ImpliedVolatility(asset)`: the annualised implied volatility of `asset` as a fraction,
//!   e.g. `0.65` for 65 %.
//!
//! Timestamps are the block's `pallet-timestamp` value in milliseconds: consumers judge a
//! value's age against the current block time, in one place.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{FixedU128, RuntimeDebug};

/// An asset the oracle can price. Its SCALE index is stable: new assets are appended.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	RuntimeDebug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum PricedAsset {
	/// USD Coin.
	USDC,
	/// Bitcoin.
	BTC,
	/// Ether.
	ETH,
	/// Polkadot's DOT.
	DOT,
}

/// What an oracle value is about.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	RuntimeDebug,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum OracleKey {
	/// USD price of one whole token of the asset.
	Price(PricedAsset),
	/// Annualised implied volatility of the asset, as a fraction.
	ImpliedVolatility(PricedAsset),
}

/// An oracle value: 18-decimal unsigned fixed point (see the module docs for units).
pub type OracleValue = FixedU128;

/// A combined oracle value with the time (ms) it was fed.
pub type TimestampedOracleValue = orml_oracle::TimestampedValue<OracleValue, crate::Moment>;

/// Which view of the oracle a runtime-API query reads. This chain runs one oracle
/// instance, so the only view is its aggregated (median) value.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	Clone,
	Copy,
	PartialEq,
	Eq,
	RuntimeDebug,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum OracleProviderId {
	/// The median of the operators' values, as `orml-oracle` combines them.
	Aggregated,
}
