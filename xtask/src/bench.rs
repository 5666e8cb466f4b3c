//! `cargo xtask bench`: placeholder replaced when the benchmark suite lands.

pub fn run(_args: &[&str]) -> Result<(), String> {
    Err("the benchmark suite is not built yet".into())
}
