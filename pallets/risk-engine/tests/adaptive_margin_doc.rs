//! `docs/adaptive-margin.md` is what its generator prints: regenerate it with
//! `cargo run -q --release -p risk-engine --example adaptive_margin > docs/adaptive-margin.md`.

#[path = "../examples/adaptive_margin.rs"]
mod generator;

#[test]
fn the_committed_document_is_what_the_generator_prints() {
	let committed = include_str!("../../../docs/adaptive-margin.md");
	let generated = generator::render();
	assert!(
		committed == generated,
		"docs/adaptive-margin.md is out of date: regenerate it with `cargo run -q --release \
		 -p risk-engine --example adaptive_margin > docs/adaptive-margin.md`"
	);
}
