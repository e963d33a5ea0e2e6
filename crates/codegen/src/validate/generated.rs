//! Names the generated crate defines itself or derives from several spec names: client and
//! builder methods that spec names must not become, setters, environment variables, and the
//! types derived from operations and events, which share the types module with declared ones.

use std::collections::{HashMap, HashSet};

use super::names::Names;
use super::Ctx;
use crate::diagnostic::{Location, NameKind, Problem};
use crate::locate::Path;
use crate::model::{AuthScheme, Operation, TypeDef, Variable, Webhooks, RESERVED_BUILDER_METHODS};

/// Variables and auth schemes both become `ClientBuilder` methods (a public-client oauth2 scheme
/// a second one, `oauth2_public`): they must differ from each other and from the builder's own
/// methods.
pub(crate) fn check_client_settings(
    ctx: &mut Ctx<'_>,
    root: &Path,
    variables: &[Variable],
    auth: &[AuthScheme],
) {
    let mut settings = Names::new(NameKind::ClientSetting);
    for scheme in auth {
        let at = root.key("auth").key(&scheme.name);
        // Clashes between schemes are already reported.
        let _ = settings.claim(
            scheme.rust_name.as_str(),
            &scheme.name,
            ctx.key_location(&at),
        );
        let kind = NameKind::AuthScheme;
        for method in std::iter::once(&scheme.rust_name).chain(&scheme.public_setter) {
            ctx.not_reserved(&at, kind, &scheme.name, method, RESERVED_BUILDER_METHODS);
        }
    }
    // After every scheme's own name: a clash is reported at the scheme whose setter it is.
    for scheme in auth {
        if let Some(public_setter) = &scheme.public_setter {
            let at = root.key("auth").key(&scheme.name);
            ctx.claim(&mut settings, public_setter.as_str(), &scheme.name, &at);
        }
    }
    for variable in variables {
        let at = root.key("variables").key(&variable.name);
        ctx.claim(
            &mut settings,
            variable.rust_name.as_str(),
            &variable.name,
            &at,
        );
        let kind = NameKind::Variable;
        ctx.not_reserved(
            &at,
            kind,
            &variable.name,
            &variable.rust_name,
            RESERVED_BUILDER_METHODS,
        );
    }
}

/// `from_env` reads each variable and each scheme's credentials from environment variables
/// named after them: no two may read the same one (a variable `client_id` and an OAuth client
/// id both `X_CLIENT_ID`). A clash is reported at the later of the two.
pub(crate) fn check_env_vars(
    ctx: &mut Ctx<'_>,
    root: &Path,
    variables: &[Variable],
    auth: &[AuthScheme],
) {
    let mut taken: HashMap<&str, (&str, Location)> = HashMap::new();
    let schemes = auth.iter().flat_map(|scheme| {
        let at = root.key("auth").key(&scheme.name);
        let vars = scheme.env.vars().into_iter().map(|(var, _)| var);
        vars.map(move |var| (var, scheme.name.as_str(), at.clone()))
    });
    let variables = variables.iter().map(|variable| {
        let at = root.key("variables").key(&variable.name);
        (variable.env_var.as_str(), variable.name.as_str(), at)
    });
    for (var, name, at) in schemes.chain(variables) {
        match taken.get(var) {
            Some((other, first)) if *other != name => {
                let problem = Problem::EnvVarCollision {
                    name: name.to_owned(),
                    other: (*other).to_owned(),
                    var: var.to_owned(),
                    first: Some(*first),
                };
                ctx.at_key(&at, problem);
            }
            Some(_) => {}
            None => {
                taken.insert(var, (name, ctx.key_location(&at)));
            }
        }
    }
}

/// The types the generated crate derives from operations and events (`SendSmsQuery`,
/// `ContactCreatedEvent`) live in the types module beside the declared ones: they must not take
/// the name of a declared type, or each other's. A clash is reported at the operation or event.
pub(crate) fn check_derived_types(
    ctx: &mut Ctx<'_>,
    root: &Path,
    types: &[TypeDef],
    operations: &[Operation],
    webhooks: Option<&Webhooks>,
) {
    let mut taken: HashSet<&str> = types.iter().map(|ty| ty.rust_name.as_str()).collect();
    let derived_from_operations = operations.iter().flat_map(|op| {
        let at = root.key("operations").key(&op.name);
        let names = [&op.query_type, &op.headers_type];
        names
            .into_iter()
            .flatten()
            .map(move |name| (NameKind::Operation, &op.name, name, at.clone()))
    });
    let derived_from_events = webhooks
        .into_iter()
        .flat_map(|webhooks| &webhooks.events)
        .map(|event| {
            let at = root.key("webhooks").key("events").key(&event.name);
            (NameKind::Event, &event.name, &event.payload_type, at)
        });
    for (kind, name, rust_name, at) in derived_from_operations.chain(derived_from_events) {
        if !taken.insert(rust_name.as_str()) {
            let problem = Problem::ReservedName {
                kind,
                name: name.clone(),
                rust_name: rust_name.to_string(),
            };
            ctx.at_key(&at, problem);
        }
    }
}
