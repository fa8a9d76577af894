//! `farvel plan` end to end: the real binary on the bundled exit survey and
//! on tests/fixtures/plan/, with the terminal table snapshotted, the JSON
//! read back, the errors with their exit codes; and, over the library, a
//! property test that more leavers never show fewer groups.

use std::path::Path;

use assert_cmd::Command;
use farvel::answers::Granularity;
use farvel::plan::{Forecast, Horizon, Inputs, Segment, Status, Suggestion};
use farvel::report::PeriodChoice;
use proptest::prelude::*;

const EXIT: &str = "surveys/exit-interview.yaml";
const SMALL: &str = "tests/fixtures/plan/small.yaml";

/// Run `farvel plan ARGS…` from the crate root: exit code, stdout, stderr.
fn plan(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("farvel")
        .expect("the farvel binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("plan")
        .args(args)
        .output()
        .expect("farvel runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bundled_exit_survey_at_40_leavers_a_year() {
    let (code, out, err) = plan(&[EXIT, "--leavers-per-year", "40"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    // 40 × 0.6 / 12 = 2 a month: k = 5 after 3 months, 10 after 5.
    assert!(
        out.contains("reaches k = 5 after 3 months, and 2k = 10 after 5"),
        "{out}"
    );
    insta::assert_snapshot!("exit_40", out);
}

#[test]
fn small_fixture_with_given_shares() {
    let (code, out, err) = plan(&[SMALL, "--leavers-per-year", "30", "--period", "year"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.replace("\n    ", " ").contains(
            "team: shares from the survey's anonymity.expected: product 50 %, sales 30 %, operations 15 %, not answered 5 %"
        ),
        "{out}"
    );
    insta::assert_snapshot!("small_30_year", out);
}

#[test]
fn json_is_a_document_for_tools() {
    let (code, out, err) = plan(&[SMALL, "--leavers-per-year", "30", "--json"]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("--json prints JSON");
    assert_eq!(doc["survey"], "plan-small");
    assert_eq!(doc["k"], 5);
    assert_eq!(doc["assumptions"]["leavers_per_year"], 30);
    assert_eq!(doc["assumptions"]["response_rate"], 0.6);
    assert_eq!(doc["assumptions"]["period"], "auto");
    assert_eq!(doc["assumptions"]["segments"][0]["spread"], "given");
    assert_eq!(doc["assumptions"]["segments"][1]["spread"], "even");
    // 30 × 0.6 / 12 = 1.5 a month: 5 after 4 months, 10 after 7.
    assert_eq!(doc["months_to_k"], 4);
    assert_eq!(doc["months_to_2k"], 7);
    let horizons = doc["horizons"].as_array().expect("horizons");
    assert_eq!(horizons.len(), 2);
    assert_eq!(horizons[0]["months"], 12);
    assert_eq!(horizons[1]["months"], 24);
    for h in horizons {
        assert!(["shown", "not_shown"].contains(&h["everyone"]["status"].as_str().unwrap_or("")));
        for s in h["segments"].as_array().expect("segments") {
            let groups = s["groups"].as_array().expect("groups");
            // Each value, then "not answered".
            assert!(groups.last().is_some_and(|g| g["value"].is_null()));
            for g in groups {
                let st = g["status"].as_str().unwrap_or("");
                assert!(["shown", "combined", "not_shown"].contains(&st), "{st}");
                assert!(g["expected"].is_number());
            }
        }
        for p in h["periods"].as_array().expect("periods") {
            assert!(p["first_month"].as_u64() <= p["last_month"].as_u64());
        }
    }
    for s in doc["suggestions"].as_array().expect("suggestions") {
        assert!(["merge", "drop", "period"].contains(&s["kind"].as_str().unwrap_or("")));
    }
    // The same forecast as the library makes.
    let survey = farvel::survey::load_survey(&Path::new(env!("CARGO_MANIFEST_DIR")).join(SMALL))
        .expect("the fixture loads");
    let lib = farvel::plan::plan(
        &survey,
        &Inputs {
            leavers_per_year: 30,
            response_rate: 0.6,
            period: PeriodChoice::Auto,
        },
    )
    .expect("a forecast");
    assert_eq!(serde_json::to_value(&lib).expect("json"), doc);
}

#[test]
fn a_survey_without_segments_shows_everyone_and_the_periods() {
    let (code, out, err) = plan(&["surveys/pulse.yaml", "--leavers-per-year", "12"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("The survey has no segment questions."),
        "{out}"
    );
    assert!(
        out.contains("none: the survey has no segment questions."),
        "{out}"
    );
}

#[test]
fn bad_numbers_cannot_run() {
    for (args, message) in [
        (
            vec!["--leavers-per-year", "0"],
            "the number of leavers a year must be 1 or more",
        ),
        (
            vec!["--leavers-per-year", "-3"],
            "the number of leavers a year must be 1 or more",
        ),
        (
            vec!["--leavers-per-year", "many"],
            "the number of leavers a year must be a whole number, 1 or more",
        ),
        (
            vec!["--leavers-per-year", "40", "--response-rate", "0"],
            "the response rate must be a number above 0 and at most 1 (0.6 for 60 %)",
        ),
        (
            vec!["--leavers-per-year", "40", "--response-rate", "-0.5"],
            "the response rate must be a number above 0 and at most 1 (0.6 for 60 %)",
        ),
        (
            vec!["--leavers-per-year", "40", "--response-rate", "1.5"],
            "the response rate must be a number above 0 and at most 1 (0.6 for 60 %)",
        ),
        (
            vec!["--leavers-per-year", "40", "--response-rate", "60"],
            "the response rate must be above 0 and at most 1 (write 60 % as 0.6)",
        ),
        (
            vec!["--leavers-per-year", "40", "--response-rate", "NaN"],
            "the response rate must be a number above 0 and at most 1 (0.6 for 60 %)",
        ),
    ] {
        let mut all = vec![SMALL];
        all.extend(args.iter().copied());
        let (code, out, err) = plan(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn a_survey_that_fails_check_cannot_run() {
    let file = "tests/fixtures/plan/broken.yaml";
    let (code, out, err) = plan(&[file, "--leavers-per-year", "40"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains(&format!(
            "{file}:8:5: error: the expected shares of 'team' add up to 1.2, more than 1"
        )),
        "{err}"
    );
    // With the source line and caret, as `check` prints them.
    assert!(
        err.contains("8 |     team: { product: 0.7, sales: 0.5 }"),
        "{err}"
    );
    let (code, _, err) = plan(&[
        "tests/fixtures/plan/missing.yaml",
        "--leavers-per-year",
        "40",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing.yaml"), "{err}");
}

#[test]
fn help_lists_the_command() {
    let out = Command::cargo_bin("farvel")
        .expect("the farvel binary")
        .arg("--help")
        .output()
        .expect("farvel runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("plan") && text.contains("what the first report can show"),
        "{text}"
    );
}

/// Every group whose size the report would print: everyone, each segment
/// value (and "not answered"), each combined row, each period.
fn groups_shown(h: &Horizon) -> usize {
    usize::from(h.everyone.status == Status::Shown) + h.groups_shown()
}

fn load(path: &str) -> farvel::survey::Survey {
    farvel::survey::load_survey(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("the survey loads")
}

/// The whole forecast, suggestions included.
fn forecast(path: &str, leavers: u32, period: PeriodChoice) -> Forecast {
    let inputs = Inputs {
        leavers_per_year: leavers,
        response_rate: 0.6,
        period,
    };
    farvel::plan::plan(&load(path), &inputs).expect("a forecast")
}

/// The forecast at both horizons only (quicker: no suggestions).
fn horizons(path: &str, leavers: u32, period: PeriodChoice) -> Vec<Horizon> {
    let segments = Segment::from_survey(&load(path));
    let per_month = f64::from(leavers) * 0.6 / 12.0;
    farvel::plan::HORIZONS
        .iter()
        .map(|&m| farvel::plan::forecast(&segments, per_month, m, period, 5).expect("a forecast"))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// With periods that do not get finer as N grows (`--period year` or
    /// `all`), more leavers never show fewer groups, at either horizon.
    #[test]
    fn more_leavers_never_show_fewer_groups(
        n in 1u32..3000,
        more in 1u32..300,
        survey in prop::sample::select(vec![EXIT, SMALL]),
        period in prop::sample::select(vec![
            PeriodChoice::Fixed(Granularity::Year),
            PeriodChoice::All,
        ]),
    ) {
        let (a, b) = (horizons(survey, n, period), horizons(survey, n + more, period));
        for (x, y) in a.iter().zip(&b) {
            prop_assert!(
                groups_shown(y) >= groups_shown(x),
                "{survey} {period:?}: {n} leavers show {} groups after {} months, {} show {}",
                groups_shown(x), x.months, n + more, groups_shown(y)
            );
        }
        let rate = |n: u32| f64::from(n) * 0.6 / 12.0;
        prop_assert!(farvel::plan::months_to(5, rate(n + more)) <= farvel::plan::months_to(5, rate(n)));
    }
}

/// With quarters it is not so, in the report as in the forecast: the
/// audit takes groups largest first, and at 84 leavers a year on the
/// fixture "not answered" reaches k, so more segment values are shown and
/// fewer quarters than at 83 (docs/plan.md).
#[test]
fn with_quarters_more_leavers_can_show_fewer_groups() {
    let quarter = PeriodChoice::Fixed(Granularity::Quarter);
    let (a, b) = (horizons(SMALL, 83, quarter), horizons(SMALL, 84, quarter));
    assert_eq!((groups_shown(&a[1]), groups_shown(&b[1])), (13, 12));
    assert!(b[1].segment_groups_shown() > a[1].segment_groups_shown());
}

#[test]
fn suggestions_merge_then_drop_a_segment_mostly_not_shown() {
    let f = forecast(EXIT, 40, PeriodChoice::Auto);
    let about: Vec<&Suggestion> = f
        .suggestions
        .iter()
        .filter(|s| matches!(s, Suggestion::Merge { segment, .. } | Suggestion::Drop { segment, .. } if segment == "department"))
        .collect();
    assert!(
        matches!(about.first(), Some(Suggestion::Merge { values, of: 4, of_now: 5, .. }) if values.iter().filter(|v| v.contains('+')).count() == 1),
        "{about:?}"
    );
    assert!(
        matches!(about.last(), Some(Suggestion::Drop { .. })),
        "{about:?}"
    );
}
