//! "In short": the summary for management. The `key: true` questions first
//! (top answers with Wilson intervals; eNPS with its adjusted-Wald interval
//! and what change would be within the margin of error; rated questions'
//! top-2-box), then the strongest and weakest rated areas (respecting
//! polarity), then group differences whose intervals don't overlap, then a
//! pointer to data-quality problems.

use super::aggregate::QAgg;
use super::audit::GroupId;
use super::findings::Dim;
use super::fmt::{self, interval, md_escape, option_label, option_values, pct};
use super::markdown::Writer;
use super::questions::{problem_is_top, top2};
use super::stats::{disjoint, enps, percent, wilson};
use crate::survey::model::{Kind, Polarity, Question, Scale};

/// A rated item (scale question or matrix row): its label and point counts.
struct Rated<'q> {
    label: String,
    scale: &'q Scale,
    polarity: Polarity,
    qi: usize,
    row: Option<String>,
}

fn rated_items<'q>(w: &Writer<'q, '_>) -> Vec<Rated<'q>> {
    let mut out = Vec::new();
    for (qi, q) in w.f.questions.iter().enumerate() {
        match &q.kind {
            Kind::Scale { scale, polarity } => out.push(Rated {
                label: md_escape(q.text.get(w.lang.code())),
                scale,
                polarity: *polarity,
                qi,
                row: None,
            }),
            Kind::Matrix {
                rows,
                scale,
                polarity,
            } => {
                for (rid, t) in rows {
                    out.push(Rated {
                        label: md_escape(t.get(w.lang.code())),
                        scale,
                        polarity: *polarity,
                        qi,
                        row: Some(rid.clone()),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

fn points<'c>(
    a: &'c QAgg,
    row: &Option<String>,
) -> Option<&'c std::collections::BTreeMap<i64, u64>> {
    match row {
        None => Some(&a.points),
        Some(r) => a.rows.get(r),
    }
}

impl Writer<'_, '_> {
    pub(super) fn summary(&mut self) {
        self.para(&format!("## {}", self.t("summary")));
        let mut bullets: Vec<String> = Vec::new();
        let qs = self.f.questions.clone();
        for (qi, q) in qs.iter().enumerate().filter(|(_, q)| q.key && !q.segment) {
            if let Some(b) = self.key_bullet(qi, q) {
                bullets.push(b);
            }
        }
        bullets.extend(self.best_and_worst());
        let diffs = self.differences();
        if diffs.is_empty() && self.f.groups.len() > 1 && !rated_items(self).is_empty() {
            bullets.push(self.t("sum.no_diff").to_string());
        }
        bullets.extend(diffs);
        let unusable = self.recon.rejected() + self.recon.dropped_answers.values().sum::<u64>();
        if unusable > 0 {
            bullets.push(self.tf("sum.unusable", &[("n", unusable.to_string())]));
        }
        for b in bullets {
            self.line(&format!("- {b}"));
        }
        self.line("");
    }

    fn key_bullet(&mut self, qi: usize, q: &Question) -> Option<String> {
        let a = self.f.overall_q(qi)?.clone();
        let text = md_escape(q.text.get(self.lang.code()));
        if a.answered == 0 {
            return Some(self.tf("sum.no_answers", &[("q", text)]));
        }
        let ind = if a.answered < 10 {
            format!(" {}", self.t("q.indicative"))
        } else {
            String::new()
        };
        let s = match &q.kind {
            Kind::Choice { .. } | Kind::Multi { .. } | Kind::YesNo => {
                // "Most common" is no sum of counts: only over 2k answers.
                if !self.f.nonlinear_ok(a.answered) {
                    return None;
                }
                let mut v: Vec<(u64, String)> = option_values(q)
                    .into_iter()
                    .map(|o| (a.counts.get(&o).copied().unwrap_or(0), o))
                    .collect();
                v.sort_by_key(|x| std::cmp::Reverse(x.0));
                let (x, top) = v.first()?.clone();
                let mut s = self.tf(
                    "sum.top",
                    &[
                        ("q", text),
                        ("label", option_label(self.lang, q, &top)),
                        ("p", pct(x, a.answered)),
                        ("x", x.to_string()),
                        ("n", a.answered.to_string()),
                        ("ci", interval(wilson(x, a.answered))),
                    ],
                );
                if let Some((x2, second)) = v.get(1).filter(|s| s.0 > 0) {
                    s.push(' ');
                    s.push_str(&self.tf(
                        "sum.second",
                        &[
                            ("label", option_label(self.lang, q, second)),
                            ("p", pct(*x2, a.answered)),
                        ],
                    ));
                }
                s
            }
            Kind::Nps => {
                let sum = |lo: i64, hi: i64| a.points.range(lo..=hi).map(|(_, c)| c).sum::<u64>();
                let (d, p) = (sum(0, 6), sum(9, 10));
                let e = enps(p, d, a.answered);
                self.tf(
                    if e.margin == 0 {
                        "sum.enps_tight"
                    } else {
                        "sum.enps"
                    },
                    &[
                        ("score", fmt::signed(e.score)),
                        ("p", p.to_string()),
                        ("d", d.to_string()),
                        ("n", a.answered.to_string()),
                        ("lo", fmt::signed(e.low)),
                        ("hi", fmt::signed(e.high)),
                        ("m", e.margin.to_string()),
                    ],
                )
            }
            Kind::Scale { scale, polarity } => {
                let top = true;
                let (x, n) = top2(scale, &a.points, top);
                let key = if problem_is_top(*polarity) {
                    "sum.scale_problem"
                } else {
                    "sum.scale"
                };
                self.tf(
                    key,
                    &[
                        ("q", text),
                        ("p", pct(x, n)),
                        ("x", x.to_string()),
                        ("n", n.to_string()),
                        ("ci", interval(wilson(x, n))),
                    ],
                )
            }
            _ => return None,
        };
        Some(format!("{s}{ind}"))
    }

    /// Strongest (highest favourable share, positive polarity) and weakest
    /// (highest problem share: the two lowest points, or the two highest for
    /// negative polarity) rated areas.
    fn best_and_worst(&mut self) -> Vec<String> {
        let items = rated_items(self);
        let mut good: Vec<(i64, u64, u64, String)> = Vec::new();
        let mut bad: Vec<(i64, u64, u64, String)> = Vec::new();
        for it in &items {
            let Some(a) = self.f.overall_q(it.qi) else {
                continue;
            };
            let Some(c) = points(a, &it.row) else {
                continue;
            };
            let n: u64 = c.values().sum();
            if n < self.f.k {
                continue;
            }
            let problem_top = problem_is_top(it.polarity);
            let (b, _) = top2(it.scale, c, problem_top);
            bad.push((percent(b, n), b, n, it.label.clone()));
            if !problem_top {
                let (g, _) = top2(it.scale, c, true);
                good.push((percent(g, n), g, n, it.label.clone()));
            }
        }
        let mut out = Vec::new();
        let pick = |v: &mut Vec<(i64, u64, u64, String)>| {
            v.sort_by_key(|x| std::cmp::Reverse(x.0));
            v.first().cloned()
        };
        if items.len() >= 2 {
            let best = pick(&mut good);
            // One area is not both the strongest and the weakest.
            if let Some(b) = &best {
                bad.retain(|x| x.3 != b.3);
            }
            if let Some((p, x, n, label)) = best {
                let args = [
                    ("label", label),
                    ("p", format!("{p} %")),
                    ("x", x.to_string()),
                    ("n", n.to_string()),
                ];
                out.push(self.tf("sum.strongest", &args));
            }
            if let Some((p, x, n, label)) = pick(&mut bad) {
                let args = [
                    ("label", label),
                    ("p", format!("{p} %")),
                    ("x", x.to_string()),
                    ("n", n.to_string()),
                ];
                out.push(self.tf("sum.weakest", &args));
            }
        }
        out
    }

    /// Rated items where a published segment group's interval does not
    /// overlap the rest of the respondents' interval (at most three).
    fn differences(&mut self) -> Vec<String> {
        let items = rated_items(self);
        let mut found: Vec<(i64, String)> = Vec::new();
        let groups: Vec<GroupId> = self.f.groups.keys().copied().collect();
        for g in groups {
            let GroupId::Value(d, v) = g else {
                continue;
            };
            let Dim::Segment(si) = self.f.dims[d] else {
                continue;
            };
            let Some(val) = self.f.segment_values[si].get(v) else {
                continue;
            };
            let group = option_label(self.lang, self.f.segments[si], val);
            for it in &items {
                // Both the group's and everyone's figures must be shown;
                // the rest is their difference.
                let (Some(ga), Some(oa)) = (
                    self.f.figures(it.qi, g),
                    self.f.figures(it.qi, GroupId::Overall),
                ) else {
                    continue;
                };
                let (Some(gc), Some(oc)) = (points(ga, &it.row), points(oa, &it.row)) else {
                    continue;
                };
                let problem_top = problem_is_top(it.polarity);
                let (gx, gn) = top2(it.scale, gc, true);
                let (ox, on) = top2(it.scale, oc, true);
                let (rx, rn) = (ox - gx, on - gn);
                if gn < self.f.k || rn < self.f.k {
                    continue;
                }
                if disjoint(wilson(gx, gn), wilson(rx, rn)) {
                    let what = if problem_top {
                        self.t("sum.diff_problem")
                    } else {
                        self.t("sum.diff_good")
                    };
                    let gap = (percent(gx, gn) - percent(rx, rn)).abs();
                    found.push((
                        gap,
                        self.tf(
                            "sum.diff",
                            &[
                                ("label", it.label.clone()),
                                ("group", group.clone()),
                                ("p", pct(gx, gn)),
                                ("what", what.to_string()),
                                ("n", gn.to_string()),
                                ("rp", pct(rx, rn)),
                            ],
                        ),
                    ));
                }
            }
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        found.into_iter().take(3).map(|f| f.1).collect()
    }
}
