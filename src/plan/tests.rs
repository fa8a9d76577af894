use super::*;

fn even(id: &str, n: usize) -> Segment {
    let mut shares = vec![(1.0 - NOT_ANSWERED) / n as f64; n];
    shares.push(NOT_ANSWERED);
    Segment {
        id: id.into(),
        values: (0..n).map(|i| format!("v{i}")).collect(),
        shares,
        given: false,
    }
}

#[test]
fn weights_are_thousandths_of_a_person() {
    assert_eq!(weight(1.0), 1000);
    assert_eq!(weight(0.2565), 256);
    assert_eq!(weight(0.2575), 258);
    assert_eq!(weight(0.0004), 0);
    assert_eq!(weight(-1.0), 0);
}

#[test]
fn months_to_k_is_the_first_whole_month() {
    // 40 × 0.6 / 12 = 2 a month: 5 after 3 months, 10 after 5.
    let m = 40.0 * 0.6 / 12.0;
    assert_eq!(months_to(5, m), 3);
    assert_eq!(months_to(10, m), 5);
    // Exactly k in the first month.
    assert_eq!(months_to(5, 5.0), 1);
    assert_eq!(months_to(5, 100.0), 1);
    assert_eq!(months_to(6, 3.0), 2);
}

#[test]
fn everyone_alone_without_segments() {
    let h = forecast(&[], 2.0, 12, PeriodChoice::All, 5).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(h.everyone.status, Status::Shown);
    assert!(h.periods.is_empty());
    let h = forecast(&[], 0.25, 12, PeriodChoice::All, 5).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(h.everyone.status, Status::NotShown);
    // Exactly k is enough.
    let h = forecast(&[], 5.0 / 12.0, 12, PeriodChoice::All, 5).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(h.everyone.status, Status::Shown);
}

#[test]
fn a_segment_of_two_large_values_is_shown() {
    // 120 a year over yes/no: 57 each, 6 not answered. Showing both
    // values beside everyone would give away the 6 not answered, who are
    // not below k: all three are shown.
    let h = forecast(&[even("remote", 2)], 10.0, 12, PeriodChoice::All, 5)
        .unwrap_or_else(|e| panic!("{e}"));
    let s = &h.segments[0];
    let expected: Vec<f64> = s.groups.iter().map(|g| g.expected).collect();
    assert!((expected[0] - 57.0).abs() < 1e-9 && (expected[2] - 6.0).abs() < 1e-9);
    assert_eq!(s.shown(), 2);
    assert_eq!(s.groups[2].status, Status::Shown);
    // 40 a year: 2 not answered, so only one value can stand beside everyone.
    let h = forecast(&[even("remote", 2)], 40.0 / 12.0, 12, PeriodChoice::All, 5)
        .unwrap_or_else(|e| panic!("{e}"));
    let s = &h.segments[0];
    assert_eq!(s.shown(), 1, "{s:?}");
    assert!(!s.mostly_not_shown());
}

#[test]
fn quarters_are_planned_and_pooled_like_the_report() {
    // 1 a month: quarters of 3 pool in twos; a year of 12 is one span.
    let h = forecast(&[], 1.0, 12, PeriodChoice::Fixed(Granularity::Quarter), 5)
        .unwrap_or_else(|e| panic!("{e}"));
    let spans: Vec<(u32, u32)> = h
        .periods
        .iter()
        .map(|p| (p.first_month, p.last_month))
        .collect();
    assert_eq!(spans, [(1, 6), (7, 12)]);
    assert_eq!(h.granularity, Some("quarter"));
    let h = forecast(&[], 1.0, 12, PeriodChoice::Auto, 5).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(h.granularity, Some("half"));
}

#[test]
fn merging_the_two_smallest_takes_the_later_ones_on_ties() {
    let s = even("dept", 4);
    assert_eq!(s.two_smallest(), Some((2, 3)));
    let m = s.merged(2, 3);
    assert_eq!(m.values, ["v0", "v1", "v2+v3"]);
    assert!((m.shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let mut given = s.clone();
    given.shares = vec![0.1, 0.5, 0.3, 0.05, 0.05];
    assert_eq!(given.two_smallest(), Some((0, 3)));
}

#[test]
fn given_shares_leave_the_rest_not_answered() {
    let src = "title: T\ncustodian: C\nendpoint: {service: netlify}\nanonymity:\n  expected:\n    dept: {a: 0.5, b: 0.3}\nsections:\n  - questions:\n      - id: dept\n        type: choice\n        text: D\n        segment: true\n        options: {a: A, b: B, c: C}\n";
    let survey = crate::survey::parse_survey(src, std::path::Path::new("t.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let segs = Segment::from_survey(&survey);
    assert_eq!(segs.len(), 1);
    assert!(segs[0].given);
    let want = [0.5, 0.3, 0.0, 0.2];
    for (got, want) in segs[0].shares.iter().zip(want) {
        assert!((got - want).abs() < 1e-12, "{:?}", segs[0].shares);
    }
}
