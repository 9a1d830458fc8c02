//! On-chain governance of the chain's risk parameters (OpenGov).
//!
//! Anyone with CLR proposes a call through `Referenda` on a *track*; holders vote with
//! `ConvictionVoting` (locking CLR longer multiplies the vote); a referendum that keeps
//! enough approval and support through its confirmation period is scheduled by `Scheduler`
//! and dispatched with the track's origin. Proposals are stored as preimages (`Preimage`).
//!
//! Two tracks ([`tracks`]):
//! - `root` (id 0): any call, dispatched as Root: runtime upgrades, registering markets and
//!   collateral, anything not covered by a narrower track;
//! - `risk_parameters` (id 1): dispatched with the [`origins::Origin::RiskParameters`]
//!   origin, which the clearing pallet accepts (besides Root) for its risk setters: margin
//!   tiers, fees, funding and open-interest caps, market status, price bands, collateral
//!   haircuts and caps, the maximum price age, the jump breaker, the liquidation penalty and
//!   buffer, the worker's scan limit, the portfolio grid, correlations and minimum equity,
//!   the volatility model, adaptive margin and its ramp step; and the order book for its
//!   order deposit. It cannot do anything else.

pub mod origins;
pub mod tracks;

pub use origins::{pallet_custom_origins, RiskParameters};
pub use tracks::TracksInfo;
