//! Rebuilds the binary when the embedded default theme or reference data change
//! (include_dir and include_str do not tell Cargo about directories).
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=data");
}
