//! `farvel plan SURVEY --leavers-per-year N`: forecast, before any answers
//! exist, what the first report can show and when (`docs/plan.md`). Prints
//! a table, or JSON with `--json`. Exit 0 when the forecast was made, 2
//! when it could not be (the survey does not load, bad numbers).

use crate::cli::{EXIT_OK, PlanArgs};
use crate::error::Result;
use crate::plan::{Inputs, plan, text};

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
        period: args.period.into(),
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
