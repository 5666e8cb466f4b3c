//! Mistakes caught at compile time: passing one kind of ID (or a plain string) where another
//! kind belongs, and reading a model's field through an `ApiResponse` (which has no `Deref`
//! to the model, so `response.status` is not taken for the HTTP status or the other way
//! round). Each case in `tests/compile_fail/` must fail as its `.stderr` says.

#[test]
fn mistakes_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
