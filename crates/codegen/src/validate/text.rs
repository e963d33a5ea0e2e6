//! Text: no scalar of a spec may hold a control character (other than line breaks and tabs) or
//! a bidirectional-text control, since names and docs reach Rust source, doc comments and TOML.
//!
//! Characters written as themselves are refused before any YAML parser runs
//! ([`crate::spec::source`]); what is left are those written as escapes in quoted scalars
//! (`"\u202e"`), found here in the decoded text and reported at their escape.

use super::Ctx;
use crate::diagnostic::{Finding, Problem};
use crate::spec::source::forbidden;

/// Reports the first forbidden character of every scalar that has one.
pub(crate) fn check(ctx: &mut Ctx<'_>) {
    let locations = ctx.locations;
    for scalar in locations.mapped_scalars() {
        let found = scalar
            .text
            .chars()
            .enumerate()
            .find_map(|(offset, c)| forbidden(c).map(|kind| (offset, c, kind)));
        if let Some((offset, character, kind)) = found {
            let problem = Problem::ForbiddenCharacter { character, kind };
            ctx.findings
                .push(Finding::new(scalar.location(offset), problem));
        }
    }
}
