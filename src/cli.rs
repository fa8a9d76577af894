//! The command line: clap derive definitions, and the dispatch of each
//! command to `cmd::<verb>`, which returns the exit code (0 ok, 1 ran and
//! found problems, 2 could not run).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Exit code: everything went well (warnings allowed).
pub const EXIT_OK: u8 = 0;
/// Exit code: the command ran and found problems.
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code: the command could not run.
pub const EXIT_FAILED: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "farvel",
    version,
    about = "Anonymous exit surveys: YAML → static HTML forms → findings reports"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check survey files and report every problem.
    Check(CheckArgs),
    /// Start a new survey from a template.
    New(NewArgs),
    /// Print or write the JSON Schema of the survey format.
    Schema(SchemaArgs),
    /// Compile surveys into self-contained HTML forms.
    Build(BuildArgs),
    /// Work with themes.
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Read exports and print the reconciliation (optionally write the normalised CSV).
    Ingest(IngestArgs),
    /// Write the findings report.
    Report(ReportArgs),
    /// Write or update the custodian's review file of every free-text answer.
    Review(ReviewArgs),
    /// Forecast, before any answers exist, what the first report can show and when.
    Plan(PlanArgs),
    /// Create and inspect the custodian's keys for sealed responses.
    #[command(subcommand)]
    Keys(KeysCommand),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders (default: surveys/).
    pub paths: Vec<PathBuf>,
    /// Treat warnings as problems (exit 1).
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Template {
    ExitInterview,
    Pulse,
    Blank,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new survey's id (a slug such as `exit-2026` → file surveys/ID.yaml).
    pub id: String,
    #[arg(long, value_enum, default_value = "exit-interview")]
    pub template: Template,
    /// Comma-separated languages, the first being the default.
    #[arg(long, value_delimiter = ',', default_value = "nb,en")]
    pub languages: Vec<String>,
    /// The project folder (holds surveys/).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Survey files or folders (default: surveys/).
    pub paths: Vec<PathBuf>,
    #[arg(long, default_value = "dist")]
    pub out: PathBuf,
    /// A theme in themes/NAME/ overriding the default file by file.
    #[arg(long)]
    pub theme: Option<String>,
    /// Rebuild even when nothing changed.
    #[arg(long)]
    pub force: bool,
    /// Send to this URL instead of the service's (keeps the adapter).
    #[arg(long)]
    pub endpoint_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Write the default theme's files into DIR.
    Export { dir: PathBuf },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrder {
    Dmy,
    Mdy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IngestPeriod {
    Quarter,
    Half,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportPeriod {
    Auto,
    Quarter,
    Half,
    Year,
    All,
}

impl From<ReportPeriod> for crate::report::PeriodChoice {
    fn from(p: ReportPeriod) -> Self {
        use crate::answers::Granularity;
        use crate::report::PeriodChoice;
        match p {
            ReportPeriod::Auto => PeriodChoice::Auto,
            ReportPeriod::Quarter => PeriodChoice::Fixed(Granularity::Quarter),
            ReportPeriod::Half => PeriodChoice::Fixed(Granularity::Half),
            ReportPeriod::Year => PeriodChoice::Fixed(Granularity::Year),
            ReportPeriod::All => PeriodChoice::All,
        }
    }
}

/// Where the private key file of [`ReadArgs::key`] was named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeySource {
    /// `--key FILE` (or no key at all).
    #[default]
    Flag,
    /// The `FARVEL_KEY_FILE` environment variable.
    Env,
    /// `FARVEL_KEY_FILE` is set, but to nothing (or white space): no key.
    EmptyEnv,
}

/// The environment variable naming the custodian's private key file.
pub const KEY_ENV: &str = "FARVEL_KEY_FILE";

/// Options for reading exports, shared by `ingest` and `report`.
#[derive(Debug, Clone, Args)]
pub struct ReadArgs {
    /// The custodian's private key, to open sealed responses (default: the
    /// file named by FARVEL_KEY_FILE; two shares as a.key:b.key).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Where `key` came from ([`ReadArgs::resolve_env`]).
    #[arg(skip)]
    pub key_source: KeySource,
    /// A YAML file mapping export headers to question ids.
    #[arg(long)]
    pub map: Option<PathBuf>,
    /// The exports' text encoding: utf-8 (default) or windows-1252.
    #[arg(long)]
    pub encoding: Option<String>,
    /// The field delimiter (default: sniffed, ',' or ';').
    #[arg(long)]
    pub delimiter: Option<char>,
    /// Day/month order of dates, when a file's dates do not settle it
    /// (nine in ten of its telling dates do); a date in the other order is
    /// then set aside and counted.
    #[arg(long, value_enum)]
    pub date_order: Option<DateOrder>,
    /// Read rows posted by an earlier version of the survey (its
    /// fingerprint, 12 to 64 hex digits, as ingest lists it) as this
    /// version's; repeatable.
    #[arg(long = "accept-fingerprint", value_name = "HEX")]
    pub accept_fingerprint: Vec<String>,
}

impl ReadArgs {
    /// Without `--key`, take the key file from `FARVEL_KEY_FILE`; a
    /// variable set to nothing is remembered, so that reading sealed
    /// answers can say so rather than that no key was given.
    pub fn resolve_env(&mut self) {
        if self.key.is_some() {
            return;
        }
        if let Some(v) = std::env::var_os(KEY_ENV) {
            if v.to_string_lossy().trim().is_empty() {
                self.key_source = KeySource::EmptyEnv;
            } else {
                self.key = Some(PathBuf::from(v));
                self.key_source = KeySource::Env;
            }
        }
    }
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    pub survey: PathBuf,
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Write the normalised CSV (owner-readable only: it is microdata).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "quarter")]
    pub period: IngestPeriod,
    /// Exit 1 when anything was dropped or a question had no column.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    pub survey: PathBuf,
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[arg(long, default_value = "report.md")]
    pub out: PathBuf,
    /// Report language: nb or en (default: the survey's first language when shipped, else en).
    #[arg(long)]
    pub lang: Option<String>,
    #[arg(long, value_enum, default_value = "auto")]
    pub period: ReportPeriod,
    /// How many people were invited (for the response rate).
    #[arg(long)]
    pub invited: Option<u32>,
    /// A file of names (one per line) to remove from verbatims.
    #[arg(long)]
    pub names: Option<PathBuf>,
    /// Also write every figure the report publishes (and those it does not
    /// show, marked so) as JSON: docs/report-json.md.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// The custodian's review of free text (default: `reports/<survey id>.review.yaml`, when it exists).
    #[arg(long)]
    pub review: Option<PathBuf>,
    /// Exit 1, writing nothing, when a free-text answer has no review decision.
    #[arg(long)]
    pub require_review: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    pub survey: PathBuf,
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The review file, created or updated (default: `reports/<survey id>.review.yaml`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Language of the replacement texts: nb or en (default: as `report`).
    #[arg(long)]
    pub lang: Option<String>,
    /// A file of names (one per line) to remove from the texts.
    #[arg(long)]
    pub names: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The survey file.
    pub survey: PathBuf,
    /// How many people leave a year (a whole number, 1 or more).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = parse_leavers)]
    pub leavers_per_year: u32,
    /// The share of leavers expected to answer: above 0, at most 1.
    #[arg(long, value_name = "RATE", default_value = "0.6", allow_negative_numbers = true, value_parser = parse_rate)]
    pub response_rate: f64,
    /// The report's period setting to forecast for.
    #[arg(long, value_enum, default_value = "auto")]
    pub period: ReportPeriod,
    /// Print the forecast as JSON (docs/plan.md).
    #[arg(long)]
    pub json: bool,
}

fn parse_leavers(s: &str) -> Result<u32, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n >= 1 => {
            u32::try_from(n).map_err(|_| format!("at most {} leavers a year", u32::MAX))
        }
        Ok(_) => Err("the number of leavers a year must be 1 or more".into()),
        Err(_) => Err("the number of leavers a year must be a whole number, 1 or more".into()),
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if r > 0.0 && r <= 1.0 => Ok(r),
        Ok(r) if (2.0..=100.0).contains(&r) => Err(format!(
            "the response rate must be above 0 and at most 1 (write {r} % as {})",
            r / 100.0
        )),
        _ => Err("the response rate must be a number above 0 and at most 1 (0.6 for 60 %)".into()),
    }
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key pair: custodian.key (private) and survey.pub.
    New {
        #[arg(long, default_value = "keys")]
        out: PathBuf,
        /// Write the private key as two shares (both needed to open) instead of custodian.key.
        #[arg(long)]
        split: bool,
    },
    /// Print the short fingerprint of a public or private key file.
    Show { file: PathBuf },
}

/// Run a parsed command line and return the exit code.
pub fn run(cli: Cli) -> u8 {
    use crate::cmd;
    match cli.command {
        Command::Check(a) => cmd::check::run(&a),
        Command::New(a) => cmd::new::run(&a),
        Command::Schema(a) => cmd::schema::run(&a),
        Command::Build(a) => cmd::build::run(&a),
        Command::Theme(ThemeCommand::Export { dir }) => cmd::build::export_theme(&dir),
        Command::Ingest(mut a) => {
            a.read.resolve_env();
            cmd::ingest::run(&a)
        }
        Command::Report(mut a) => {
            a.read.resolve_env();
            cmd::report::run(&a)
        }
        Command::Review(mut a) => {
            a.read.resolve_env();
            cmd::review::run(&a)
        }
        Command::Plan(a) => cmd::plan::run(&a),
        Command::Keys(k) => cmd::keys::run(&k),
    }
}
