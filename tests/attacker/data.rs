//! The true data: the normalised CSV (microdata) read back by the
//! attacker's own reader, its respondents placed in atoms (segment values
//! × period) and counted into cells.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use farvel::answers::Answer;
use farvel::survey::expr::visible_questions;
use farvel::survey::{Kind, Survey};

use crate::model::Model;

/// One respondent as the normalised CSV holds them.
pub struct Respondent {
    pub period: Option<String>,
    pub answers: BTreeMap<String, Answer>,
}

/// A dimension of the atoms: a segment question or the period.
pub struct Dim {
    pub id: String,
    /// Every value (segments: options in order, then `None`; period: the
    /// periods in the data, sorted, then `None`).
    pub domain: Vec<Option<String>>,
}

pub struct Atom {
    pub key: Vec<Option<String>>,
    pub n: u64,
}

pub struct Data {
    pub dims: Vec<Dim>,
    /// The non-empty atoms, sorted by key.
    pub atoms: Vec<Atom>,
    /// `cells[a][v]`: respondents of atom `a` in cell `v`.
    pub cells: Vec<Vec<i64>>,
}

impl Data {
    pub fn label(&self, a: usize) -> String {
        let parts: Vec<String> = self
            .dims
            .iter()
            .zip(&self.atoms[a].key)
            .map(|(d, v)| format!("{}={}", d.id, v.as_deref().unwrap_or("∅")))
            .collect();
        format!("[{}] (n={})", parts.join(", "), self.atoms[a].n)
    }
}

/// Read a normalised CSV. Every column is mapped by its exact name; a
/// column the survey does not have is an error (the attacker must not
/// guess).
pub fn read_csv(survey: &Survey, path: &Path) -> Result<Vec<Respondent>, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut out = Vec::new();
    for (line, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| e.to_string())?;
        let get = |name: &str| col(name).and_then(|i| rec.get(i)).filter(|s| !s.is_empty());
        let mut answers = BTreeMap::new();
        let mut other_text = false;
        let bad = |q: &str, v: &str| format!("line {}: '{q}': cannot read '{v}'", line + 2);
        for q in survey.questions().filter(|q| q.is_answerable()) {
            let id = q.id.as_str();
            if get(&format!("{id}_other")).is_some() {
                other_text = true;
            }
            let a = match &q.kind {
                Kind::Matrix { rows, .. } => {
                    let mut m = BTreeMap::new();
                    for r in rows.keys() {
                        if let Some(v) = get(&format!("{id}__{r}")) {
                            m.insert(r.clone(), v.parse().map_err(|_| bad(id, v))?);
                        }
                    }
                    (!m.is_empty()).then_some(Answer::Matrix(m))
                }
                kind => match get(id) {
                    None => None,
                    Some(v) => Some(match kind {
                        Kind::Choice { .. } => Answer::Choice(v.to_string()),
                        Kind::Multi { .. } => {
                            Answer::Multi(v.split('|').map(str::to_string).collect())
                        }
                        Kind::Ranking { .. } => {
                            Answer::Ranking(v.split('|').map(str::to_string).collect())
                        }
                        Kind::YesNo => match v {
                            "yes" => Answer::YesNo(true),
                            "no" => Answer::YesNo(false),
                            _ => return Err(bad(id, v)),
                        },
                        Kind::Scale { .. } | Kind::Nps => {
                            Answer::Point(v.parse().map_err(|_| bad(id, v))?)
                        }
                        Kind::Number { .. } => Answer::Number(v.parse().map_err(|_| bad(id, v))?),
                        Kind::Date { .. } => {
                            let (y, m) = v.split_once('-').ok_or_else(|| bad(id, v))?;
                            Answer::Month {
                                year: y.parse().map_err(|_| bad(id, v))?,
                                month: m.parse().map_err(|_| bad(id, v))?,
                            }
                        }
                        Kind::Text { .. } => Answer::Text(v.to_string()),
                        Kind::Matrix { .. } | Kind::Info => unreachable!(),
                    }),
                },
            };
            if let Some(a) = a {
                answers.insert(id.to_string(), a);
            }
        }
        if answers.is_empty() && !other_text {
            // A row without a single answer is no response: the report
            // does not count it (and ingest never writes one).
            continue;
        }
        out.push(Respondent {
            period: get("_period").map(str::to_string),
            answers,
        });
    }
    Ok(out)
}

/// The months each date question was answered with.
pub fn months(rs: &[Respondent]) -> HashMap<String, BTreeSet<String>> {
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    for r in rs {
        for (q, a) in &r.answers {
            if let Answer::Month { year, month } = a {
                out.entry(q.clone())
                    .or_default()
                    .insert(format!("{year:04}-{month:02}"));
            }
        }
    }
    out
}

/// Place the respondents in atoms and count their cells.
pub fn tabulate(survey: &Survey, model: &Model, rs: &[Respondent]) -> Result<Data, String> {
    let mut dims: Vec<Dim> = model
        .segs
        .iter()
        .map(|&s| {
            let q = survey.question(&model.qs[s].id).unwrap();
            let mut domain: Vec<Option<String>> = match &q.kind {
                Kind::YesNo => vec![Some("yes".into()), Some("no".into())],
                k => k.options().iter().map(|c| Some(c.value.clone())).collect(),
            };
            domain.push(None);
            Dim {
                id: q.id.clone(),
                domain,
            }
        })
        .collect();
    let periods: BTreeSet<Option<String>> = rs.iter().map(|r| r.period.clone()).collect();
    let mut pd: Vec<Option<String>> = periods.iter().flatten().cloned().map(Some).collect();
    pd.push(None);
    dims.push(Dim {
        id: "period".into(),
        domain: pd,
    });

    let mut by_key: BTreeMap<Vec<Option<String>>, Vec<i64>> = BTreeMap::new();
    for r in rs {
        let mut answers = r.answers.clone();
        let visible = visible_questions(survey, &answers);
        // An answer to a hidden question is set aside, as ingest does.
        answers.retain(|q, _| visible.contains(q));
        let mut key: Vec<Option<String>> = model
            .segs
            .iter()
            .map(|&s| match answers.get(&model.qs[s].id) {
                Some(Answer::Choice(v)) if v != "other" => Some(v.clone()),
                Some(Answer::YesNo(b)) => Some(if *b { "yes" } else { "no" }.to_string()),
                _ => None,
            })
            .collect();
        key.push(r.period.clone());
        let cells = model.respondent_cells(&answers, &|q| visible.contains(q))?;
        let row = by_key.entry(key).or_insert_with(|| vec![0; model.nvars()]);
        for c in cells {
            row[c] += 1;
        }
    }
    let (atoms, cells) = by_key
        .into_iter()
        .map(|(key, c)| {
            (
                Atom {
                    key,
                    n: c[model.n] as u64,
                },
                c,
            )
        })
        .unzip();
    Ok(Data { dims, atoms, cells })
}
