//! `vouch links`: prints the permalink table of one edition's claims.

use super::{with_site, Common, Exit};
use crate::site::answer::{self, Format};

/// Runs `vouch links`.
pub fn run(common: &Common, edition: &str, format: Format) -> Exit {
    with_site(common, |site| {
        let ed = answer::edition_index(site, edition)?;
        print!("{}", answer::links_table(site, ed, format)?);
        Ok(())
    })
}
