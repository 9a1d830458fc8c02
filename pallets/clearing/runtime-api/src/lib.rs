//! # Clearing runtime API
//!
//! What wallets, scripts and Polkadot.js apps (Developer > Runtime calls > `clearingApi`)
//! ask the clearing pallet, answered by the same risk-engine functions the chain enforces.
//! Every type is described in the runtime's metadata, so no custom type definitions are
//! needed.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
pub use pallet_clearing::{
	AccountReport, AdaptiveMarginReport, ChainEfficiency, InsuranceFundReport, LiquidatablePage,
	MarginReport, MarketId, MarketReport, MoneyMarketReport, PoolReport, Price, RampWarning,
	RiskChangePreview, SimulatedTrade, SyntheticReport,
};
use sp_runtime::DispatchError;

sp_api::decl_runtime_apis! {
	/// Margin reports and market information.
	///
	/// `RiskChange` is the pallet's `RiskChange` with the runtime's types: the argument of
	/// every risk setter, and of the preview.
	///
	/// Version 2 adds [`money_market`](ClearingApi::money_market). Version 3 changes what
	/// four calls return: `account_report`, `margin_report` and `simulate` add each asset's
	/// `lending` line, `capital_efficiency` its per-asset collateral yields and the
	/// chain-wide productive share and average yield, `money_market` the tokens held
	/// segregated. Version 4 adds each `lending` line's `interest_accrued`. Version 5 adds
	/// [`synthetics`](ClearingApi::synthetics), and each synthetic debt's line to
	/// `account_report`, `margin_report` and `simulate`. Version 6 adds
	/// [`pools`](ClearingApi::pools). A client decoding by the runtime's metadata
	/// (Polkadot.js) reads any of them.
	#[api_version(6)]
	pub trait ClearingApi<AccountId, AssetId, OracleKey, RiskChange>
	where
		AccountId: codec::Codec,
		AssetId: codec::Codec,
		OracleKey: codec::Codec,
		RiskChange: codec::Codec,
	{
		/// An account's collateral (per asset, with values at each haircut), equity,
		/// initial and maintenance requirements, free collateral, health, and every position
		/// with its PnL, funding and liquidation price. Fails only on arithmetic overflow.
		fn account_report(who: AccountId) -> Result<AccountReport<AssetId>, DispatchError>;

		/// A market's parameters, open interest, funding index and prices; `None` if it does
		/// not exist.
		fn market(id: MarketId) -> Option<MarketReport<OracleKey>>;

		/// Up to `limit` accounts holding positions, then owing something without holding any,
		/// after `start_after` (from the first when `None`), checked at the chain's prices;
		/// those below maintenance are listed, and `last_checked` is where the next page
		/// starts (`None` at the end).
		fn liquidatable_accounts(start_after: Option<AccountId>, limit: u32) -> LiquidatablePage<AccountId>;

		/// Each position of `who` with its liquidation price (isolated: the position's own;
		/// cross: the account's, every other price held).
		fn liquidation_prices(who: AccountId) -> Vec<(MarketId, Option<Price>)>;

		/// The insurance fund: its account, settlement balance, the collateral and positions
		/// it took over, and its equity.
		fn insurance_fund() -> InsuranceFundReport<AccountId, AssetId>;

		/// What `change` would do if it applied now: how many accounts, and how much
		/// equity, are below maintenance and below initial margin without and with it
		/// (changes already scheduled counted as in force), and which accounts it would make
		/// liquidatable or take below initial margin. A change out of bounds fails with the
		/// error its setter would give. Nothing is written.
		fn preview_risk_change(change: RiskChange) -> Result<RiskChangePreview<AccountId>, DispatchError>;

		/// An account's book margined every way: the requirement as isolated positions, as
		/// a cross pool (in force) and as one portfolio scan, each with its capital
		/// efficiency (gross notional over the collateral it locks), and per underlying the
		/// net delta, gamma and vega and the scan's worst loss; and its stake in every money
		/// market (supplied, segregated, borrowed, the yields, interest a day).
		fn margin_report(who: AccountId) -> Result<MarginReport<OracleKey, AssetId>, DispatchError>;

		/// Gross notional and locked collateral over every account holding positions, under
		/// the mode in force and under portfolio margin; per collateral asset, what is
		/// deposited, segregated and lent out and what it earns, and chain-wide (by value)
		/// the share of collateral that is productive and its average yield.
		fn capital_efficiency() -> ChainEfficiency<AssetId>;

		/// `margin_report` after hypothetical trades (at most 16), taken from the account's
		/// side as a taker at their price or the mark: a pre-trade check. Nothing is
		/// written.
		fn simulate(who: AccountId, trades: Vec<SimulatedTrade>) -> Result<MarginReport<OracleKey, AssetId>, DispatchError>;

		/// A market's adaptive margin: its underlying's volatility estimate, the static,
		/// target and in-force first-tier fractions, the ramp step, and the ramp's progress
		/// and blocks left. `None` when the market is not under adaptive margin.
		fn adaptive_margin(market: MarketId) -> Option<AdaptiveMarginReport>;

		/// Accounts that meet their requirements now but would not once every adaptive
		/// market's ramp reaches its target, with their requirements now and at the target
		/// and the blocks left to act. Nothing is written.
		fn adaptive_margin_warnings() -> Vec<RampWarning<AccountId>>;

		/// Every collateral asset's money market: supplied, borrowed and cash, utilisation,
		/// borrow and supply rates and yields, indices, the governed curve, caps and weights,
		/// and the interest paid, earned and reserved since it opened (since version 2).
		fn money_market() -> Vec<MoneyMarketReport<AssetId>>;

		/// Every synthetic: its peg, terms and pause, supply and debt outstanding (equal),
		/// price, fee index and fees paid, its issuers' number and their collateralisation
		/// together, and the least healthy issuers, whom a redemption retires first
		/// (since version 5).
		fn synthetics() -> Vec<SyntheticReport<AccountId, AssetId, OracleKey>>;

		/// Every permissioned pool: its administrator, members, the markets restricted to it,
		/// and its insurance fund with the fund's settlement balance (since version 6).
		fn pools() -> Vec<PoolReport<AccountId>>;
	}
}
