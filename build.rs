//! Rebuilds the binary when the embedded default theme or reference data change
//! (include_dir and include_str do not tell Cargo about directories), and tells
//! the browser tests whether their tools are installed, so that without them
//! they are reported as ignored (with the reason), not as passed. Under CI
//! (`CI` set) they are never ignored: there a missing tool fails them.
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=data");
    println!("cargo:rerun-if-changed=tests/browser");
    println!("cargo:rerun-if-env-changed=CHROMIUM");
    println!("cargo:rerun-if-env-changed=CI");
    println!("cargo:rustc-check-cfg=cfg(vouch_browser_tools)");
    println!("cargo:rustc-check-cfg=cfg(vouch_java)");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ci = std::env::var_os("CI").is_some();
    let browser = Path::new("tests/browser/node_modules/playwright-core").is_dir()
        && Path::new(&chromium).exists();
    if browser || ci {
        println!("cargo:rustc-cfg=vouch_browser_tools");
    }
    let java = Command::new("java").arg("-version").output().is_ok();
    if (browser && java) || ci {
        println!("cargo:rustc-cfg=vouch_java");
    }
}
