//! Finds a spec from the command line's SPEC (a path, or a name in `./specs/`) and loads it with
//! the generator's own front end, so the tool accepts and refuses exactly what codegen does.

use std::path::{Path, PathBuf};

use codegen::model::Provider;

use crate::error::{CliError, Result};

/// A loaded spec.
#[derive(Debug)]
pub struct Spec {
    /// The SPEC argument as given, for messages that name the next command.
    pub argument: String,
    /// The file read.
    pub path: PathBuf,
    /// The validated model.
    pub model: Provider,
}

/// Reads and validates the spec `argument` names.
pub fn load(argument: &str) -> Result<Spec> {
    let path = find(argument)?;
    let model = codegen::load(&path).map_err(|diagnostics| {
        CliError::Spec(format!(
            "{}: the spec is invalid\n\n{diagnostics}",
            path.display()
        ))
    })?;
    Ok(Spec {
        argument: argument.to_owned(),
        path,
        model,
    })
}

/// The file `argument` names: itself when it exists, else `specs/<argument>.yaml`.
fn find(argument: &str) -> Result<PathBuf> {
    let given = Path::new(argument);
    if given.is_file() {
        return Ok(given.to_path_buf());
    }
    let named = Path::new("specs").join(format!("{argument}.yaml"));
    if !argument.contains(['/', '\\', '.']) && named.is_file() {
        return Ok(named);
    }
    Err(CliError::Spec(format!(
        "no spec `{argument}`: give the path of a spec file, or the name of one in ./specs/ \
         (`specs/{argument}.yaml` does not exist here)"
    )))
}
