//! The collateral tokens the chain knows at genesis.
//!
//! Each lives in `pallet-assets` under a fixed id. `USDC` is the settlement asset: profits,
//! losses, fees and funding are paid in it. The others are collateral whose value is read
//! from the oracle (see [`crate::oracle`]).

use crate::{AssetId, Balance};

/// A token held in `pallet-assets`: its id, metadata and the smallest balance an account
/// may hold of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenInfo {
	/// Id in `pallet-assets`.
	pub id: AssetId,
	/// Ticker, as shown by wallets.
	pub symbol: &'static str,
	/// Full name.
	pub name: &'static str,
	/// Number of decimals of one whole token.
	pub decimals: u8,
	/// Minimum balance of an account holding the token, in its smallest units.
	pub min_balance: Balance,
}

impl TokenInfo {
	/// One whole token in its smallest units (`10^decimals`).
	pub const fn one(&self) -> Balance {
		10u128.pow(self.decimals as u32)
	}
}

/// USD Coin, the settlement asset (6 decimals).
pub const USDC: TokenInfo =
	TokenInfo { id: 1, symbol: "USDC", name: "USD Coin", decimals: 6, min_balance: 10_000 };
/// Bitcoin (8 decimals).
pub const BTC: TokenInfo =
	TokenInfo { id: 2, symbol: "BTC", name: "Bitcoin", decimals: 8, min_balance: 1_000 };
/// Ether (18 decimals).
pub const ETH: TokenInfo =
	TokenInfo { id: 3, symbol: "ETH", name: "Ether", decimals: 18, min_balance: 1_000_000_000_000 };
/// Polkadot's DOT (10 decimals).
pub const DOT: TokenInfo =
	TokenInfo { id: 4, symbol: "DOT", name: "Polkadot", decimals: 10, min_balance: 10_000_000 };

/// All collateral tokens created at genesis, in id order.
pub const ALL: [TokenInfo; 4] = [USDC, BTC, ETH, DOT];

/// Synthetic Bitcoin (8 decimals): minted against the clearing pool, on the BTC price.
pub const SBTC: TokenInfo =
	TokenInfo { id: 10, symbol: "sBTC", name: "Synthetic Bitcoin", decimals: 8, min_balance: 1 };
/// Synthetic Ether (18 decimals), on the ETH price.
pub const SETH: TokenInfo =
	TokenInfo { id: 11, symbol: "sETH", name: "Synthetic Ether", decimals: 18, min_balance: 1 };
/// Clearing USD (6 decimals), pegged to one dollar.
pub const CUSD: TokenInfo =
	TokenInfo { id: 12, symbol: "cUSD", name: "Clearing USD", decimals: 6, min_balance: 1 };

/// The synthetic tokens created at genesis, in id order: owned by the clearing pallet's
/// account in every role (only it mints and burns them), with a minimum balance of one
/// unit (see `pallet_clearing::synthetics`).
pub const SYNTHETICS: [TokenInfo; 3] = [SBTC, SETH, CUSD];

/// The first id `pallet-assets` hands out to tokens created after genesis.
pub const NEXT_ASSET_ID: AssetId = 100;
