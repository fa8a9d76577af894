//! `farvel plan SURVEY --leavers-per-year N`: forecast, before any answers
//! exist, what the first report can show and when (`docs/plan.md`). Prints
//! a table, or JSON with `--json`. Exit 0 when the forecast was made, 2
//! when it could not be (the survey does not load, bad numbers).

use crate::answers::Granularity;
use crate::cli::{EXIT_OK, PlanArgs, ReportPeriod};
use crate::error::Result;
use crate::plan::{Inputs, plan, text};
use crate::report::PeriodChoice;

pub fn run(args: &PlanArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => super::fail_reading(&e, &args.survey),
    }
}

fn run_inner(args: &PlanArgs) -> Result<u8> {
    let survey = crate::survey::load_survey(&args.survey)?;
    let inputs = Inputs {
        leavers_per_year: args.leavers_per_year,
        response_rate: args.response_rate,
        period: match args.period {
            ReportPeriod::Auto => PeriodChoice::Auto,
            ReportPeriod::Quarter => PeriodChoice::Fixed(Granularity::Quarter),
            ReportPeriod::Half => PeriodChoice::Fixed(Granularity::Half),
            ReportPeriod::Year => PeriodChoice::Fixed(Granularity::Year),
            ReportPeriod::All => PeriodChoice::All,
        },
    };
    let forecast = plan(&survey, &inputs)?;
    if args.json {
        let mut s = serde_json::to_string_pretty(&forecast)
            .map_err(|e| crate::Error::msg(format!("could not write the forecast as JSON: {e}")))?;
        s.push('\n');
        print!("{s}");
    } else {
        print!(
            "{}",
            text::render(&forecast, &args.survey.display().to_string())
        );
    }
    Ok(EXIT_OK)
}
