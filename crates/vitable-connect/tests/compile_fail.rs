//! Typed IDs at compile time: passing one kind of ID (or a plain string) where another kind
//! belongs does not compile. Each case in `tests/compile_fail/` must fail with a mismatched
//! type (see its `.stderr`).

#[test]
fn ids_of_the_wrong_kind_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
