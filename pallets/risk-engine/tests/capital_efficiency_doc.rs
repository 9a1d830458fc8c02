//! `docs/capital-efficiency.md` is what its generator prints: regenerate it with
//! `cargo run -q --release -p risk-engine --example capital_efficiency > docs/capital-efficiency.md`.
//! And what it says of its books is true of them.

#[path = "../examples/capital_efficiency.rs"]
mod generator;

use sp_arithmetic::FixedI128;

#[test]
fn the_committed_document_is_what_the_generator_prints() {
	let committed = include_str!("../../../docs/capital-efficiency.md");
	let generated = generator::render();
	assert!(
		committed == generated,
		"docs/capital-efficiency.md is out of date: regenerate it with `cargo run -q --release \
		 -p risk-engine --example capital_efficiency > docs/capital-efficiency.md`"
	);
}

/// A hedge is traded in whole lots of the perpetual, so the best one leaves up to half a lot
/// of delta (0.00005 BTC, 3 USD of exposure at 60,000): a book more than half a lot from
/// neutral has a hedge that is not the nearest tradable one, or none at all.
#[test]
fn every_book_the_document_calls_delta_hedged_is_within_half_a_lot_of_neutral() {
	let called_hedged = |text: &str| {
		let text = text.to_lowercase();
		text.contains("delta-hedged") || text.contains("delta hedged")
	};
	let books: Vec<_> = generator::portfolios()
		.into_iter()
		.filter(|book| called_hedged(book.name) || called_hedged(&book.description))
		.collect();
	assert!(!books.is_empty(), "the document calls some book delta hedged");
	for book in books {
		for (underlying, delta) in generator::net_deltas(&book.holdings) {
			// Size units are 10^-8 of a whole unit; deltas are 18-decimal whole units.
			let half_lot = FixedI128::from_inner(underlying.lot() * 10_000_000_000 / 2);
			assert!(
				delta.into_inner().abs() <= half_lot.into_inner(),
				"{}: net delta {delta:?} on {underlying:?}, more than half a lot ({half_lot:?}) \
				 from neutral",
				book.name,
			);
		}
	}
}
