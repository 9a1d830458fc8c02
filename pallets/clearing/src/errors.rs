//! What can go wrong, and the risk engine's errors as the pallet's.

use frame_support::pallet_macros::pallet_section;

use crate::Error;

/// The pallet's errors; imported into [`crate::pallet`].
#[pallet_section]
mod errors {
	/// The pallet's errors.
	#[pallet::error]
	pub enum Error<T> {
		/// The permissioned pool does not exist.
		UnknownPool,
		/// The chain already has [`crate::pools::MAX_POOLS`] pools.
		TooManyPools,
		/// The caller is neither the pool's administrator nor Root.
		NotPoolAdmin,
		/// The account is a member of the pool already.
		AlreadyPoolMember,
		/// The account is not a member of the market's pool: in a restricted market it may
		/// only reduce its position (with reduce-only orders on the book), and it cannot be
		/// removed from a pool it is not in.
		NotPoolMember,
		/// The market is restricted to that pool already (or open already).
		MarketPoolUnchanged,
		/// The pool has no insurance fund to pay into.
		NoPoolInsuranceFund,
		/// A package needs at least one leg.
		EmptyPackage,
		/// A package has two legs in one market.
		DuplicatePackageLeg,
		/// The asset is not registered as collateral.
		UnknownCollateral,
		/// The market does not exist.
		UnknownMarket,
		/// The settlement asset cannot have an oracle key, and every other asset needs one.
		InvalidOracleKey,
		/// Haircuts must satisfy `0 < initial <= maintenance <= 1`.
		InvalidHaircuts,
		/// Too many decimals (at most 20).
		UnsupportedDecimals,
		/// The margin schedule is invalid: empty, first floor above zero, floors not
		/// increasing, fractions decreasing, or maintenance not in `(0, initial)`.
		InvalidMarginTiers,
		/// Tick size, lot size or minimum size is zero, the minimum is not a multiple of the
		/// lot, or `lot x tick` is not a whole number of settlement units.
		InvalidMarketSizes,
		/// The funding interval must be positive.
		InvalidFundingInterval,
		/// A maximum price age (pallet-wide or a market's own) must be from five seconds to one
		/// hour.
		InvalidMaxPriceAge,
		/// A maker or taker fee above 1%.
		InvalidTradingFee,
		/// A market's price band must be positive and at most 50% of the index, and its mark
		/// price band at most 10%.
		InvalidPriceBand,
		/// The funding cap must be below the market's lowest maintenance fraction.
		InvalidFundingCap,
		/// Every maintenance fraction of a market must be above the liquidation penalty.
		MaintenanceNotAbovePenalty,
		/// The pallet lists the most markets it can already.
		TooManyMarkets,
		/// Sixteen risk changes already wait for the next block.
		TooManyPendingRiskChanges,
		/// The worker's scan limit must be between one and the runtime's maximum.
		InvalidScanLimit,
		/// The portfolio grid needs a positive range, an odd number of points from 3 to 33,
		/// a vol-down shock below 100% and a positive maintenance factor.
		InvalidScenarioGrid,
		/// A correlation is between two different underlyings and within `[-1, 1]`; the
		/// correlations of a scan's underlyings form a symmetric matrix with ones on its
		/// diagonal.
		InvalidCorrelation,
		/// A simulation applies at most 16 trades.
		TooManySimulatedTrades,
		/// The portfolio minimum equity is at most 100,000,000 USD.
		InvalidPortfolioMinimum,
		/// An option series needs a positive strike on the tick, an expiry in the future and
		/// an implied-volatility key other than its underlying's.
		InvalidOptionTerms,
		/// The option series has expired: it no longer trades, and its positions settle.
		OptionExpired,
		/// The account's cross positions are already margined under that mode.
		MarginModeUnchanged,
		/// Portfolio margin needs equity (initial) of at least the portfolio minimum: to opt
		/// in, and to add risk or withdraw while in it.
		PortfolioEquityBelowMinimum,
		/// The account holds no position in an expired option series (or is the insurance
		/// fund, whose positions net out as the others settle).
		NothingToSettle,
		/// A listed market keeps its size decimals, oracle key, instrument, tick and lot size:
		/// open positions and resting orders are measured in them.
		MarketIdentityFixed,
		/// A listed collateral asset keeps its decimals and oracle key: deposits are counted
		/// and priced by them.
		CollateralIdentityFixed,
		/// The chain lists the most collateral assets it may
		/// ([`Config::MaxCollateralAssets`] besides the settlement asset).
		TooManyCollateralListings,
		/// An amount of zero.
		ZeroAmount,
		/// The deposit would take the pallet's holding of the asset above its cap.
		DepositCapExceeded,
		/// The account does not hold that much of the asset in its pool.
		InsufficientCollateral,
		/// The account would end below its initial margin requirement.
		BelowInitialMargin,
		/// A price this action needs is missing or older than the maximum price age.
		StalePrice,
		/// The account holds too many collateral assets already.
		TooManyCollateralAssets,
		/// The account has positions in too many markets already.
		TooManyPositions,
		/// The market does not accept this trade now (closed, or reduce-only and the trade
		/// adds to a position).
		MarketNotTrading,
		/// The price is zero or not a multiple of the tick size.
		PriceNotOnTick,
		/// The price is outside the market's price band around the index in force (for an
		/// option series, around the model's mark): no trade prints, and no order rests, at a
		/// price the oracle does not support.
		PriceOutsideBand,
		/// The size is zero, not a multiple of the lot size, or below the minimum.
		InvalidSize,
		/// Maker and taker are the same account.
		SelfTrade,
		/// The trade would take open interest above the market's cap.
		OpenInterestCapExceeded,
		/// After the trade the maker would be below its margin requirement.
		MakerMarginInsufficient,
		/// After the trade the taker would be below its margin requirement.
		TakerMarginInsufficient,
		/// The account's resting orders would need more initial margin than it has free.
		OrderMarginInsufficient,
		/// The position is not isolated (margin can only be moved for isolated positions),
		/// or a cross position is open in the market.
		NotIsolated,
		/// The isolated position would end below its initial margin requirement.
		IsolatedMarginInsufficient,
		/// The account (or isolated position) is at or above its maintenance requirement, or
		/// is the insurance fund.
		NotLiquidatable,
		/// The account (or isolated position) was already liquidated in this block.
		AlreadyLiquidatedThisBlock,
		/// The liquidation penalty must be below every market's lowest maintenance fraction.
		InvalidLiquidationParameters,
		/// The insurance fund has no deficit or no position in the market, or no opposite
		/// position is in profit.
		NothingToDeleverage,
		/// The jump breaker's bound, when on, must be at least 1%: a tighter one would hold
		/// every ordinary update and leave markets in doubt.
		InvalidJumpBreaker,
		/// The pallet already prices with the most oracle keys it watches.
		TooManyOracleKeys,
		/// A volatility model needs a decay below 100%, a reference interval and a largest
		/// gap of 1 s to 30 days, and a positive seed volatility.
		InvalidVolatilityModel,
		/// Adaptive margin needs multipliers of at most 20, a horizon of 1 s to 30 days, each
		/// floor at most its cap, maintenance floor and cap below the initial ones, a
		/// maintenance floor above the liquidation penalty, and open-interest bounds in order;
		/// its volatility estimate, a decay below 100% and a positive interval and gap.
		InvalidAdaptiveMargin,
		/// The ramp step must be positive.
		InvalidRampStep,
		/// An arithmetic overflow.
		Overflow,
		/// The liability factor that weighs a settlement debt must be at least one.
		InvalidLiabilityFactor,
		/// The risk engine was asked about a position the account does not hold: an internal
		/// inconsistency, never the caller's doing.
		NoSuchPosition,
		/// A model input is outside the domain of the math the risk engine prices with (the
		/// logarithm of a number that is not positive, the square root of a negative one): a
		/// forward, strike or price that is not positive, or a negative volatility.
		OutOfDomain,
		/// A lending rate curve is invalid: more than four segments, segment starts not
		/// strictly rising, a kink outside 1%..=99%, or a borrow rate at 100% utilisation
		/// above 500% a year.
		InvalidRateCurve,
		/// A lending reserve factor above 50%.
		InvalidReserveFactor,
		/// A lending utilisation cap outside 10%..=99%.
		InvalidUtilisationCap,
		/// The borrow or withdrawal would take the asset's utilisation (borrowed over
		/// lendable supply) above its cap: wait for repayments, which the rate above the
		/// kink draws.
		UtilisationCapExceeded,
		/// Liability weights must satisfy `1 < maintenance <= initial <= 2`.
		InvalidLiabilityWeights,
		/// The asset cannot be borrowed: its borrow cap is zero.
		BorrowingDisabled,
		/// The borrow would take what is borrowed of the asset above its borrow cap.
		BorrowCapExceeded,
		/// The pool holds fewer free tokens of the asset than asked: they are lent out.
		/// Wait for repayments, which the rate above the kink draws.
		InsufficientLiquidity,
		/// The account owes nothing of the asset.
		NothingToRepay,
		/// The settlement asset's money market is still being set up after an upgrade: it
		/// cannot be borrowed until the set-up pass ends.
		LendingNotReady,
		/// The liquidation penalty must stay below `1 - 1 / weight` for every asset's
		/// maintenance liability weight, so that moving a borrow and collateral for it to
		/// the insurance fund always raises the account's health.
		PenaltyAboveLiabilityWeight,
		/// The settlement asset cannot be segregated: the settlement balance is the running
		/// account every fill, fee and funding payment settles in, so it stays in its money
		/// market. Segregate other collateral assets.
		SettlementNotSegregable,
		/// The asset is already segregated (opting out) or already in the money market
		/// (opting back in).
		SegregationUnchanged,
		/// No synthetic is listed under this token.
		UnknownSynthetic,
		/// A synthetic's token must exist with this pallet's account as its owner, issuer,
		/// admin and freezer (so that nothing else can mint, burn or freeze it), a minimum
		/// balance of one unit (so that a burn never sweeps dust) and, when first listed, no
		/// supply.
		SyntheticTokenNotOwned,
		/// The synthetic's decimals must be its token's metadata decimals, and its peg and
		/// decimals cannot change once listed.
		SyntheticIdentityFixed,
		/// A synthetic's terms are out of bounds: `0 < maintenance fraction < initial
		/// fraction <= 100%`, a stability fee of at most 50% a year, issuance and redemption
		/// fees of at most 5%, and the liquidation penalty below `maintenance / (1 +
		/// maintenance)` so that moving its debt with collateral always raises health.
		InvalidSyntheticTerms,
		/// A constant peg must be a positive price within the oracle's domain.
		InvalidSyntheticPeg,
		/// The chain lists the most synthetics it can already.
		TooManySynthetics,
		/// The synthetic's minting is paused by governance. Burning and redemption go on.
		MintingPaused,
		/// The mint would take the synthetic's debt above its cap.
		SyntheticDebtCapExceeded,
		/// The mint would take all synthetic debt together above the chain-wide ceiling.
		SyntheticDebtCeilingExceeded,
		/// The account owes less of the synthetic than it asked to burn.
		BurnExceedsDebt,
		/// The account owes nothing of the synthetic.
		NoSyntheticDebt,
		/// The redemption needs at least one issuer, each named once, none the redeemer.
		InvalidRedemptionIssuers,
		/// The issuers named owe fewer tokens of the synthetic together than the redemption
		/// asks for.
		RedemptionExceedsDebt,
		/// The tokens redeemed are worth nothing after rounding: redeem more.
		RedemptionTooSmall,
		/// The account holds too few tokens of the synthetic in its wallet.
		InsufficientSyntheticTokens,
	}
}

/// The risk engine's errors as the pallet's: each domain error keeps its meaning.
impl<T> From<risk_engine::RiskError> for Error<T> {
	fn from(error: risk_engine::RiskError) -> Self {
		use risk_engine::RiskError::*;
		match error {
			UnsupportedDecimals => Error::UnsupportedDecimals,
			NoMarginTiers
			| FirstTierNotAtZero
			| TierFloorsNotIncreasing
			| TierFractionsDecreasing
			| MaintenanceNotBelowInitial => Error::InvalidMarginTiers,
			InvalidHaircuts => Error::InvalidHaircuts,
			LiabilityFactorBelowOne => Error::InvalidLiabilityFactor,
			NoSuchPosition => Error::NoSuchPosition,
			OutOfDomain => Error::OutOfDomain,
			InvalidScenarioGrid => Error::InvalidScenarioGrid,
			InvalidCorrelations => Error::InvalidCorrelation,
			InvalidAdaptiveParams => Error::InvalidAdaptiveMargin,
			InvalidRateCurve => Error::InvalidRateCurve,
			InvalidReserveFactor => Error::InvalidReserveFactor,
			InvalidUtilisationCap => Error::InvalidUtilisationCap,
			UtilisationAboveCap => Error::UtilisationCapExceeded,
			InsufficientBalance => Error::InsufficientCollateral,
			InvalidLiabilityWeights => Error::InvalidLiabilityWeights,
			InvalidSyntheticFees => Error::InvalidSyntheticTerms,
			Overflow => Error::Overflow,
		}
	}
}
