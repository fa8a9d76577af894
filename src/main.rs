use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = farvel::cli::Cli::parse();
    ExitCode::from(farvel::cli::run(args))
}
