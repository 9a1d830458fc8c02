//! Pallet configurations, one file per pallet group:
//!
//! - [`system`]: `frame_system`, block weights and length;
//! - [`consensus`]: `Timestamp`, `Aura`, `Grandpa`;
//! - [`monetary`]: `Balances`, `TransactionPayment`, `Assets`;
//! - [`administration`]: `Sudo`, `Utility`, `Multisig`;
//! - [`oracle`]: `Oracle` (`orml-oracle`) and its operator set;
//! - [`clearing`]: `Clearing`, the clearing house;
//! - [`orderbook`]: `Orderbook`, the limit order book;
//! - [`blocktrade`]: `BlockTrade`, block trades by signed quote;
//! - [`governance`]: `Preimage`, `Scheduler`, `Referenda`, `ConvictionVoting`, `Origins`.

pub mod administration;
pub mod blocktrade;
pub mod clearing;
pub mod consensus;
pub mod governance;
pub mod monetary;
pub mod oracle;
pub mod orderbook;
pub mod system;

pub use oracle::{OracleMinimumCount, OracleValueLifetime};
pub use system::{RuntimeBlockLength, RuntimeBlockWeights};
