//! Webhook events: a tag that tells events apart (or a single untagged event), unique event
//! names, and fields that do not shadow the tag.

use super::names::{self, Case, Names};
use super::prose;
use super::types::{self, TypeTable};
use super::Ctx;
use crate::diagnostic::{NameKind, Problem};
use crate::locate::Path;
use crate::model::{Event, RustName, Webhooks, UNKNOWN_EVENT};
use crate::spec;

/// Resolves the `webhooks` section at `path`.
pub(crate) fn resolve(
    ctx: &mut Ctx<'_>,
    table: &TypeTable,
    path: &Path,
    webhooks: &spec::Webhooks,
) -> Webhooks {
    let events_path = path.key("events");
    if let Some(tag) = &webhooks.tag {
        ctx.non_empty(&path.key("tag"), tag, "`tag`");
    }
    match (&webhooks.tag, webhooks.events.len()) {
        (_, 0) => ctx.at_key(&events_path, Problem::NoWebhookEvents),
        (None, count) if count > 1 => {
            ctx.at_key(&events_path, Problem::UntaggedWebhookEvents { count });
        }
        _ => {}
    }
    let mut rust_names = Names::new(NameKind::Event);
    let events = webhooks
        .events
        .iter()
        .map(|(name, event)| {
            let at = events_path.key(name);
            let rust_name = match names::rust_ident(name, Case::UpperCamel, "Event") {
                variant if variant == UNKNOWN_EVENT => RustName::new(&format!("{variant}_")),
                variant => variant,
            };
            ctx.claim(&mut rust_names, rust_name.as_str(), name, &at);
            // From words, so that `Self_` and `Unknown_` give `SelfEvent` and `UnknownEvent`.
            let payload_type = names::derived_type(name, "event", "Event");
            let fields_path = at.key("fields");
            if let Some(tag) = &webhooks.tag {
                if event.fields.contains_key(tag) {
                    let problem = Problem::FieldShadowsTag { tag: tag.clone() };
                    ctx.at_key(&fields_path.key(tag), problem);
                }
            }
            Event {
                name: name.to_owned(),
                rust_name,
                payload_type,
                description: prose(&event.description),
                fields: types::resolve_fields(ctx, table, &fields_path, &event.fields),
            }
        })
        .collect();
    Webhooks {
        description: prose(&webhooks.description),
        tag: webhooks.tag.clone(),
        events,
    }
}
