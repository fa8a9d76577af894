//! Generates the bundled sample for `surveys/exit-interview.yaml`: a
//! Formspree-shaped export (legacy exporter: `id,date,` then every field
//! name sorted A–Z incl. `_subject`; naive UTC ISO dates with
//! microseconds, newest first; multi joined ", "; CRLF records) and its
//! farvel-normalised equivalent (question ids in survey order, `_period`
//! quarter in Europe/Oslo, rows sorted).
//!
//! Fixed seed, own PRNG, so the bytes never change:
//!
//! ```text
//! cargo run --example gen_sample -- [ROWS] [FORMSPREE.csv] [NORMALISED.csv]
//! ```
//! Defaults: 96 rows, samples/exit-interview-formspree.csv,
//! samples/exit-interview-normalised.csv. `-` as a path skips that file.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{DateTime, Datelike, TimeZone, Utc};

/// splitmix64: tiny, fast, and good enough for plausible fake answers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, weighted: &[(&'a str, u64)]) -> &'a str {
        let total: u64 = weighted.iter().map(|w| w.1).sum();
        let mut x = self.below(total);
        for (v, w) in weighted {
            if x < *w {
                return v;
            }
            x -= w;
        }
        weighted[0].0
    }
    /// A point on 1..=5 around `centre` (in tenths).
    fn point(&mut self, centre: i64) -> i64 {
        let noise = self.below(21) as i64 + self.below(21) as i64 - 20; // −20..20, triangular
        ((centre + noise + 5) / 10).clamp(1, 5)
    }
}

const REASONS: [&str; 7] = [
    "pay",
    "manager",
    "growth",
    "workload",
    "culture",
    "relocation",
    "personal",
];
const FACTORS: [&str; 7] = [
    "pay",
    "manager",
    "growth",
    "workload",
    "culture",
    "flexibility",
    "commute",
];
const ROWS: [&str; 5] = [
    "respect",
    "speak_up",
    "collaboration",
    "inclusion",
    "trust_leaders",
];

const STAY: &[&str] = &[
    "En tydelig vei videre til en seniorrolle. Jeg spurte to ganger uten å få svar.",
    "Lønn som fulgte markedet.",
    "Færre prosjekter samtidig. Vi jobbet på fire ting på en gang.",
    "Mer fleksibilitet til å jobbe hjemmefra noen dager i uka.",
    "At ledelsen fulgte opp det vi sa i medarbeiderundersøkelsen.",
    "Bedre opplæring det første halvåret.",
    "Ingenting, egentlig. Flyttingen avgjorde det.",
    "A manager who gave feedback more than once a year.",
    "Mindre overtid i høysesongen.\nOg at noen faktisk la merke til det.",
    "Klarere ansvar mellom teamene.",
    "Mulighet til å bytte team internt.",
    "Better tools. We lost hours every week to the old ticket system.",
    "Hvis lønnssamtalen hadde handlet om meg og ikke om budsjettet.",
    "Mer tid til å lære nye ting.",
];

/// Second sentences, added to some answers so that fewer are identical.
const EXTRA: &[&str] = &[
    "Det hadde gjort stor forskjell.",
    "Jeg tok det opp i medarbeidersamtalen.",
    "Flere i teamet mente det samme.",
    "That would have changed a lot for me.",
    "Jeg trivdes ellers godt.",
    "Det var det viktigste for meg.",
    "Jeg sa fra, men ingenting skjedde.",
];

const MANAGER: &[&str] = &[
    "Gitt tydeligere tilbakemeldinger, oftere.",
    "Tatt tak i konflikter i teamet i stedet for å vente.",
    "Vært mer tilgjengelig. Det gikk uker mellom hver samtale.",
    "Stolt mer på at vi kunne gjøre jobben vår.",
    "Fordelt oppgavene mer rettferdig.",
    "Listened before deciding.",
];

const COMMENTS: &[&str] = &[
    "Takk for fine år, jeg kommer til å savne kollegene.",
    "Onboardingen bør ses på. Se gjerne www.example.no/onboarding for hvordan andre gjør det.",
    "Spør gjerne meg om mer: ola.nordmann@example.no eller 912 34 567.",
    "Kantina er bra!",
    "# Viktig\nSjekk https://example.no/varsling før dere endrer rutinene.",
    "Keep the Friday demos, they were the best part of the week.",
    "Ingen kommentar.",
    "Det har vært lærerikt, men for lite folk på kundestøtte over tid.",
];

/// One generated respondent: field name → value as the form posts it.
struct Row {
    when: DateTime<Utc>,
    fields: BTreeMap<String, String>,
}

fn reason_for(rng: &mut Rng, dept: &str) -> &'static str {
    let w: [u64; 7] = match dept {
        "engineering" => [14, 10, 30, 10, 8, 8, 6],
        "sales" => [32, 12, 12, 8, 10, 6, 6],
        "support" => [14, 18, 10, 30, 10, 4, 6],
        _ => [18, 14, 18, 14, 10, 8, 8],
    };
    let weighted: Vec<(&str, u64)> = REASONS.iter().copied().zip(w).collect();
    rng.pick(&weighted)
}

fn generate(rng: &mut Rng, start: i64, span: u64, fingerprint: &str) -> Row {
    let mut f: BTreeMap<String, String> = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_string(), v);
    };
    let dept = rng.pick(&[
        ("sales", 24),
        ("engineering", 34),
        ("support", 20),
        ("operations", 13),
        ("prefer_not", 3),
        ("", 6),
    ]);
    let tenure = rng.pick(&[
        ("lt1", 26),
        ("y1_3", 38),
        ("y3_plus", 28),
        ("prefer_not", 3),
        ("", 5),
    ]);
    let reason = reason_for(rng, dept);
    let reason = if rng.chance(4) { "other" } else { reason };
    put("reason", reason.into());
    if reason == "other" {
        put(
            "reason_other",
            ["Studier", "Startet eget firma", "Pendling"][rng.below(3) as usize].into(),
        );
    }
    let mut factors: Vec<&str> = Vec::new();
    if rng.chance(8) {
        factors.push("none");
    } else if !rng.chance(10) {
        for fac in FACTORS {
            let p = match (fac, dept) {
                ("workload", "support") | ("growth", "engineering") | ("pay", "sales") => 45,
                ("manager", _) if reason == "manager" => 10,
                _ => 18,
            };
            if fac != reason && factors.len() < 3 && rng.chance(p) {
                factors.push(fac);
            }
        }
    }
    put("factors", factors.join(", "));
    let manager_shown = reason == "manager" || factors.contains(&"manager");
    if manager_shown && rng.chance(65) {
        let mut text = MANAGER[rng.below(MANAGER.len() as u64) as usize].to_string();
        if rng.chance(50) {
            text.push(' ');
            text.push_str(EXTRA[rng.below(EXTRA.len() as u64) as usize]);
        }
        put("manager_detail", text);
    }
    let skip = |rng: &mut Rng| rng.chance(5);
    let centre = |base: i64, low: bool| if low { base - 18 } else { base };
    let ratings = [
        ("manager_rating", centre(38, reason == "manager")),
        ("workload", if dept == "support" { 42 } else { 33 }),
        ("role_clarity", 35),
        ("growth_rating", centre(32, reason == "growth")),
        ("pay_fair", centre(30, reason == "pay")),
    ];
    for (q, c) in ratings {
        if !skip(rng) {
            put(q, rng.point(c).to_string());
        }
    }
    for (row, c) in ROWS.iter().zip([40, 30, 34, 37, 27]) {
        if !skip(rng) {
            put(&format!("culture__{row}"), rng.point(c).to_string());
        }
    }
    if rng.chance(62) {
        let mut text = STAY[rng.below(STAY.len() as u64) as usize].to_string();
        if rng.chance(55) {
            text.push(' ');
            text.push_str(EXTRA[rng.below(EXTRA.len() as u64) as usize]);
        }
        put("stay", text.replace('\n', "\r\n"));
    }
    if !skip(rng) {
        put(
            "come_back",
            rng.pick(&[("yes", 30), ("maybe", 45), ("no", 25)]).into(),
        );
    }
    if !skip(rng) {
        let e = rng.pick(&[
            ("0", 3),
            ("2", 4),
            ("3", 5),
            ("4", 6),
            ("5", 9),
            ("6", 9),
            ("7", 16),
            ("8", 18),
            ("9", 17),
            ("10", 13),
        ]);
        put("enps", e.into());
    }
    if rng.chance(30) {
        put(
            "comments",
            COMMENTS[rng.below(COMMENTS.len() as u64) as usize].replace('\n', "\r\n"),
        );
    }
    put("department", dept.into());
    put("tenure", tenure.into());
    put("_subject", "Exit survey".into());
    put("_survey", fingerprint.into());
    put("_nonce", format!("{:016x}", rng.next()));
    let secs = start + rng.below(span) as i64;
    let micros = rng.below(1_000_000) as u32;
    let when = Utc
        .timestamp_opt(secs, micros * 1000)
        .single()
        .unwrap_or_default();
    Row { when, fields: f }
}

fn iso(t: &DateTime<Utc>) -> String {
    let base = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    match t.timestamp_subsec_micros() {
        0 => base,
        us => format!("{base}.{us:06}"),
    }
}

fn write_formspree(rows: &[Row], out: &mut dyn Write) -> csv::Result<()> {
    let mut names: Vec<&String> = rows.iter().flat_map(|r| r.fields.keys()).collect();
    names.sort();
    names.dedup();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let mut head = vec!["id".to_string(), "date".to_string()];
    head.extend(names.iter().map(|s| s.to_string()));
    w.write_record(&head)?;
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| rows[i].when);
    let ids: BTreeMap<usize, usize> = order
        .iter()
        .enumerate()
        .map(|(id, &i)| (i, 1001 + id))
        .collect();
    for &i in order.iter().rev() {
        let r = &rows[i];
        let mut rec = vec![ids[&i].to_string(), iso(&r.when)];
        rec.extend(
            names
                .iter()
                .map(|n| r.fields.get(*n).cloned().unwrap_or_default()),
        );
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

/// The normalised columns, in survey order.
fn normalised_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "reason",
        "reason_other",
        "factors",
        "manager_detail",
        "manager_rating",
        "workload",
        "role_clarity",
        "growth_rating",
        "pay_fair",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    h.extend(ROWS.iter().map(|r| format!("culture__{r}")));
    h.extend(
        [
            "stay",
            "come_back",
            "enps",
            "comments",
            "department",
            "tenure",
            "_period",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    h
}

fn write_normalised(rows: &[Row], out: &mut dyn Write) -> csv::Result<()> {
    let head = normalised_header();
    let mut recs: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let local = r.when.with_timezone(&chrono_tz::Europe::Oslo);
            let period = format!("{}-Q{}", local.year(), (local.month() - 1) / 3 + 1);
            head.iter()
                .map(|h| match h.as_str() {
                    "_period" => period.clone(),
                    "factors" => r
                        .fields
                        .get(h)
                        .map(|v| v.replace(", ", "|"))
                        .unwrap_or_default(),
                    _ => r
                        .fields
                        .get(h)
                        .map(|v| v.replace("\r\n", "\n"))
                        .unwrap_or_default(),
                })
                .collect()
        })
        .collect();
    recs.sort();
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(&head)?;
    for r in recs {
        w.write_record(&r)?;
    }
    w.flush()?;
    Ok(())
}

fn open(path: &str) -> std::io::Result<Option<Box<dyn Write>>> {
    if path == "-" {
        return Ok(None);
    }
    let f = std::fs::File::create(path)?;
    Ok(Some(Box::new(std::io::BufWriter::new(f))))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().map(|s| s.parse()).transpose()?.unwrap_or(96);
    let fs_path = args
        .get(1)
        .map_or("samples/exit-interview-formspree.csv", String::as_str);
    let norm_path = args
        .get(2)
        .map_or("samples/exit-interview-normalised.csv", String::as_str);
    let survey = [
        "surveys/exit-interview.yaml",
        "tests/fixtures/report/exit-interview.yaml",
    ]
    .iter()
    .find_map(|p| farvel::survey::load_survey(std::path::Path::new(p)).ok())
    .ok_or("surveys/exit-interview.yaml not found or not valid")?;
    let fingerprint = survey.short_fingerprint().to_string();
    let mut rng = Rng(0x5EED_FA12_7E10_2025);
    // 2025-01-01T00:00:00Z .. 2026-01-01, in UTC; Oslo quarters follow.
    let start = 1_735_689_600;
    let span = 365 * 24 * 3600;
    let rows: Vec<Row> = (0..n)
        .map(|_| generate(&mut rng, start, span, &fingerprint))
        .collect();
    if let Some(mut out) = open(fs_path)? {
        write_formspree(&rows, &mut out)?;
    }
    if let Some(mut out) = open(norm_path)? {
        write_normalised(&rows, &mut out)?;
    }
    Ok(())
}
