#!/usr/bin/env bash
# Netlify build command: installs the pinned Rust toolchain when the build image
# lacks it, builds vouch, and builds the public edition into site/public.
# Security headers and redirects come from the generated site/public/_headers
# and site/public/_redirects, which Netlify reads from the publish folder.
set -euo pipefail
want="${RUST_VERSION:-1.95.0}"
if ! command -v cargo >/dev/null 2>&1 || ! cargo --version | grep -q " ${want} "; then
  if command -v rustup >/dev/null 2>&1; then
    rustup toolchain install "$want" --profile minimal
    rustup default "$want"
  else
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain "$want"
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
  fi
fi
cargo build --release --locked
base_args=()
# DEPLOY_PRIME_URL is set by Netlify for previews and branch deploys.
if [ "${CONTEXT:-production}" != "production" ] && [ -n "${DEPLOY_PRIME_URL:-}" ]; then
  base_args=(--base-url "$DEPLOY_PRIME_URL")
fi
./target/release/vouch build --edition public --out site "${base_args[@]}"
