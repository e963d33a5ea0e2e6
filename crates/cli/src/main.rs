//! `provider`: log in to any provider a spec describes, print fresh tokens and call its
//! operations from the terminal, with no code generated. The spec is loaded by codegen's front
//! end ([`spec`]), described to the runtime ([`describe`]), and driven through the same engine
//! the generated clients use ([`session`]); logins live in [`store`].

mod cli;
mod commands;
mod describe;
mod error;
mod login;
mod session;
mod spec;
mod store;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use error::Result;
use session::Session;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(5);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let global = &cli.global;
    match &cli.command {
        Command::Login(args) => login::run(&Session::open(&args.spec, global)?, args).await,
        Command::Token(args) => commands::token(&Session::open(&args.spec, global)?, args).await,
        Command::Ops(args) => commands::ops(&Session::open(&args.spec, global)?, args),
        Command::Call(args) => commands::call(&Session::open(&args.spec, global)?, args).await,
        Command::Request(args) => {
            commands::request(&Session::open(&args.spec, global)?, args).await
        }
        Command::Status => commands::status(global),
        Command::Logout(args) => commands::logout(&Session::open(&args.spec, global)?, args),
    }
}
