//! The report's fixed text in bokmål and English: a key → (en, nb) table
//! with `{name}` placeholders filled by [`fill`], plus the labels of the
//! built-in scale presets.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Nb,
}

impl Lang {
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "nb" | "no" => Some(Lang::Nb),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nb => "nb",
        }
    }

    /// The text for `key`; the empty string for an unknown key (a unit test
    /// checks that every key the writers use exists in both languages).
    pub fn t(self, key: &str) -> &'static str {
        TEXT.iter()
            .find(|(k, _, _)| *k == key)
            .map_or("", |(_, en, nb)| if self == Lang::Nb { nb } else { en })
    }

    /// The label of a point of a built-in scale preset (the UI strings the
    /// forms show, so the report names points as the respondents saw them).
    pub fn preset(self, name: &str, point: i64) -> Option<&'static str> {
        crate::i18n::shipped_text(self.code(), &format!("scale.{name}.{point}"))
    }
}

/// Replace `{name}` by its value.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

const TEXT: &[(&str, &str, &str)] = &[
    ("title", "{title} — findings", "{title} — resultater"),
    (
        "too_few",
        "Fewer than {k} people have answered, so no results can be shown without risking that an answer is traced to a person. The report will show results once at least {k} have answered.",
        "Færre enn {k} personer har svart, så ingen resultater kan vises uten fare for at et svar kan spores til en person. Rapporten viser resultater når minst {k} har svart.",
    ),
    (
        "intro.answered",
        "**{n} people answered**.",
        "**{n} personer svarte**.",
    ),
    (
        "rate.pct",
        "That is {p} % of the {invited} who were invited.",
        "Det er {p} % av de {invited} som ble invitert.",
    ),
    (
        "rate.all",
        "Everyone who was invited answered.",
        "Alle som ble invitert, svarte.",
    ),
    (
        "rate.nearly_all",
        "Nearly everyone who was invited answered (fewer than {k} did not).",
        "Nesten alle som ble invitert, svarte (færre enn {k} lot være).",
    ),
    (
        "rate.more_than_invited",
        "(More answers than invitations: check --invited.)",
        "(Flere svar enn invitasjoner: sjekk --invited.)",
    ),
    (
        "intro.custodian",
        "The answers were received by {who}, not by HR or managers.",
        "Svarene ble mottatt av {who}, ikke av HR eller ledere.",
    ),
    (
        "intro.k",
        "Results for groups smaller than {k} are not shown, so that no answer can be traced to a person.",
        "Resultater for grupper med færre enn {k} vises ikke, slik at ingen svar kan spores til en person.",
    ),
    (
        "intro.periods",
        "Period covered: {span}.",
        "Periode: {span}.",
    ),
    ("summary", "In short", "Kort oppsummert"),
    (
        "sum.top",
        "**{q}** Most common: **{label}, {p}** ({x} of the {n} who answered; 95 % interval {ci}).",
        "**{q}** Vanligst: **{label}, {p}** ({x} av de {n} som svarte; 95 % intervall {ci}).",
    ),
    (
        "sum.second",
        "Next: {label} ({p}).",
        "Deretter: {label} ({p}).",
    ),
    (
        "sum.enps",
        "**eNPS is {score}** ({p} promoters and {d} detractors of {n}). With this many answers the true value lies somewhere between {lo} and {hi}: a change of up to {m} points from one report to the next would still be within the margin of error.",
        "**eNPS er {score}** ({p} ambassadører og {d} kritikere av {n}). Med så mange svar ligger den sanne verdien et sted mellom {lo} og {hi}: en endring på opptil {m} poeng fra én rapport til den neste er fortsatt innenfor feilmarginen.",
    ),
    (
        "sum.enps_tight",
        "**eNPS is {score}** ({p} promoters and {d} detractors of {n}). With this many answers the true value lies between {lo} and {hi}: the margin of error is under one point.",
        "**eNPS er {score}** ({p} ambassadører og {d} kritikere av {n}). Med så mange svar ligger den sanne verdien mellom {lo} og {hi}: feilmarginen er under ett poeng.",
    ),
    (
        "sum.scale",
        "**{q}** {p} answered in the top two points ({x} of {n}; 95 % interval {ci}).",
        "**{q}** {p} svarte i de to øverste trinnene ({x} av {n}; 95 % intervall {ci}).",
    ),
    (
        "sum.scale_problem",
        "**{q}** {p} answered in the top two points, the problem end ({x} of {n}; 95 % interval {ci}).",
        "**{q}** {p} svarte i de to øverste trinnene, problemenden ({x} av {n}; 95 % intervall {ci}).",
    ),
    (
        "sum.no_answers",
        "**{q}** No answers yet.",
        "**{q}** Ingen svar ennå.",
    ),
    (
        "sum.strongest",
        "**Rated best:** {label} — {p} in the top two points ({x} of {n}).",
        "**Best vurdert:** {label} — {p} i de to øverste trinnene ({x} av {n}).",
    ),
    (
        "sum.weakest",
        "**Rated weakest:** {label} — {p} at the problem end ({x} of {n}).",
        "**Svakest vurdert:** {label} — {p} i problemenden ({x} av {n}).",
    ),
    (
        "sum.diff",
        "**{label}: {group} stands out** — {p} {what} among its {n} who answered, against {rp} among the rest; the intervals don't overlap, so this is more than noise.",
        "**{label}: {group} skiller seg ut** — {p} {what} blant de {n} som svarte der, mot {rp} blant resten; intervallene overlapper ikke, så dette er mer enn tilfeldigheter.",
    ),
    (
        "sum.diff_good",
        "in the top two points",
        "i de to øverste trinnene",
    ),
    ("sum.diff_problem", "at the problem end", "i problemenden"),
    (
        "sum.no_diff",
        "No difference between the groups shown is larger than the margin of error.",
        "Ingen forskjell mellom gruppene som vises, er større enn feilmarginen.",
    ),
    (
        "sum.unusable",
        "{n} rows or answers could not be used; see *Method and data quality*.",
        "{n} rader eller svar kunne ikke brukes; se *Metode og datakvalitet*.",
    ),
    (
        "by_question",
        "Results by question",
        "Resultater per spørsmål",
    ),
    (
        "q.answered",
        "Shown to {shown}: {answered} answered, {skipped} skipped.",
        "Vist til {shown}: {answered} svarte, {skipped} hoppet over.",
    ),
    (
        "q.indicative",
        "*Indicative only: fewer than 10 answers.*",
        "*Bare en pekepinn: færre enn 10 svar.*",
    ),
    (
        "q.multi_note",
        "Several answers possible; shares are of those who answered the question.",
        "Flere svar mulig; andelene er av dem som svarte på spørsmålet.",
    ),
    (
        "q.top2",
        "Top two points ({points}): **{p}** ({x} of {n}; 95 % interval {ci}).",
        "De to øverste trinnene ({points}): **{p}** ({x} av {n}; 95 % intervall {ci}).",
    ),
    (
        "q.top2_problem",
        "Problem share, the top two points ({points}): **{p}** ({x} of {n}; 95 % interval {ci}).",
        "Problemandel, de to øverste trinnene ({points}): **{p}** ({x} av {n}; 95 % intervall {ci}).",
    ),
    ("q.median", "Median {m} of {max}.", "Median {m} av {max}."),
    (
        "q.mean",
        "Mean {mean} (95 % interval {lo}–{hi}; a secondary figure).",
        "Gjennomsnitt {mean} (95 % intervall {lo}–{hi}; et sekundært tall).",
    ),
    (
        "q.enps",
        "**eNPS {score}** (95 % interval {lo} to {hi}; n {n}).",
        "**eNPS {score}** (95 % intervall {lo} til {hi}; n {n}).",
    ),
    (
        "q.number",
        "Median **{median}**; quartiles {q1} and {q3}.",
        "Median **{median}**; kvartiler {q1} og {q3}.",
    ),
    (
        "q.text",
        "Free text: see *In their own words*.",
        "Fritekst: se *Med egne ord*.",
    ),
    ("not_shown", "not shown", "vises ikke"),
    ("q.not_shown", "Not shown.", "Vises ikke."),
    (
        "q.figures_not_shown",
        "The answers are not shown.",
        "Svarene vises ikke.",
    ),
    (
        "q.quantiles_not_shown",
        "Median and quartiles: not shown.",
        "Median og kvartiler: vises ikke.",
    ),
    ("col.share_of", "{q}: {label}", "{q}: {label}"),
    (
        "q.segment_answered",
        "{answered} answered, {skipped} skipped.",
        "{answered} svarte, {skipped} hoppet over.",
    ),
    (
        "q.segment_no_total",
        "The number who skipped this question is not shown.",
        "Antallet som hoppet over spørsmålet, vises ikke.",
    ),
    ("col.answer", "answer", "svar"),
    ("col.ci", "95 % interval", "95 % intervall"),
    ("col.group", "group", "gruppe"),
    ("col.statement", "statement", "påstand"),
    ("col.top2", "top two", "to øverste"),
    ("col.problem", "problem share", "problemandel"),
    ("col.median", "median", "median"),
    ("col.month", "month", "måned"),
    ("col.year", "year", "år"),
    ("col.option", "option", "alternativ"),
    ("col.mean_rank", "mean rank", "snittplass"),
    ("col.first", "ranked first", "rangert først"),
    ("nps.promoters", "Promoters (9–10)", "Ambassadører (9–10)"),
    ("nps.passives", "Passives (7–8)", "Passive (7–8)"),
    ("nps.detractors", "Detractors (0–6)", "Kritikere (0–6)"),
    ("opt.other", "Something else", "Annet"),
    ("opt.none", "None of these", "Ingen av disse"),
    ("opt.yes", "Yes", "Ja"),
    ("opt.no", "No", "Nei"),
    ("chart.alt", "(chart)", "(diagram)"),
    ("breakdowns", "Breakdowns", "Fordeling på grupper"),
    ("breakdown.by", "By group: {what}", "Etter gruppe: {what}"),
    ("breakdown.by_period", "By period", "Etter periode"),
    ("group.not_answered", "(not answered)", "(ikke besvart)"),
    ("group.undated", "(no date)", "(uten dato)"),
    (
        "note.not_shown",
        "“Not shown”: left out so that nothing can be worked out about fewer than {k} people; the method section says how this is decided.",
        "«Vises ikke»: utelatt slik at ingenting kan regnes ut om færre enn {k} personer; metodedelen forklarer hvordan dette avgjøres.",
    ),
    (
        "group.merged",
        "Other groups (combined)",
        "Andre grupper (samlet)",
    ),
    ("verbatims", "In their own words", "Med egne ord"),
    (
        "verbatims.intro",
        "Free-text answers are shown for everyone together, never by group, and only when at least {m} people were shown the question. They appear in an order unrelated to when they were given. E-mail addresses and phone numbers are removed.",
        "Fritekstsvar vises for alle samlet, aldri per gruppe, og bare når minst {m} personer fikk spørsmålet. De vises i en rekkefølge som ikke har noe med tidspunktet å gjøre. E-postadresser og telefonnumre er fjernet.",
    ),
    (
        "verbatims.names",
        "Names on the custodian's list of names are removed too.",
        "Navn på mottakerens navneliste er også fjernet.",
    ),
    (
        "verbatims.no_names",
        "**Names were not removed**: no list of names was given.",
        "**Navn er ikke fjernet**: ingen navneliste ble oppgitt.",
    ),
    ("verbatims.none", "Not shown.", "Vises ikke."),
    (
        "verbatims.count",
        "{total} answers; {shown} of them shown below.",
        "{total} svar; {shown} av dem vises nedenfor.",
    ),
    (
        "verbatims.other",
        "{q} — in their own words under “Other”",
        "{q} — med egne ord under «Annet»",
    ),
    (
        "verbatims.same",
        "*({n} gave this answer.)*",
        "*({n} ga dette svaret.)*",
    ),
    (
        "verbatims.rest",
        "{rest} more are not shown here.",
        "{rest} til vises ikke her.",
    ),
    (
        "verbatims.withheld",
        "{n} comments were withheld by the custodian.",
        "{n} kommentarer ble holdt tilbake av mottakeren.",
    ),
    (
        "verbatims.withheld_one",
        "1 comment was withheld by the custodian.",
        "1 kommentar ble holdt tilbake av mottakeren.",
    ),
    (
        "verbatims.themes",
        "Themes, as the custodian tagged the answers (one answer can have several):",
        "Temaer, slik mottakeren merket svarene (ett svar kan ha flere):",
    ),
    ("col.theme", "theme", "tema"),
    ("removed.email", "[e-mail removed]", "[e-post fjernet]"),
    (
        "removed.phone",
        "[phone number removed]",
        "[telefonnummer fjernet]",
    ),
    ("removed.name", "[name removed]", "[navn fjernet]"),
    ("svg.withheld", "not shown", "vises ikke"),
    (
        "method",
        "Method and data quality",
        "Metode og datakvalitet",
    ),
    (
        "method.rows",
        "{read} rows read from {files} export(s): {used} used, {dup} duplicates, {rej} could not be used.",
        "{read} rader lest fra {files} eksport(er): {used} brukt, {dup} duplikater, {rej} kunne ikke brukes.",
    ),
    (
        "method.rejected",
        "Rows not used — {why}: {n}.",
        "Rader som ikke ble brukt — {why}: {n}.",
    ),
    (
        "method.dropped",
        "Single answers set aside — {why}: {n} (the rest of those respondents' answers are used).",
        "Enkeltsvar satt til side — {why}: {n} (resten av svarene til disse er brukt).",
    ),
    (
        "method.fingerprint",
        "{n} rows came from a different version of the survey.",
        "{n} rader kom fra en annen versjon av undersøkelsen.",
    ),
    (
        "method.columns",
        "Columns dropped on reading, never used: {cols}.",
        "Kolonner som ble forkastet ved innlesing og aldri brukt: {cols}.",
    ),
    (
        "method.k",
        "No figure describes fewer than {k} people: not the whole population, a group, a period or any combination of them, whether printed or worked out from other figures. A share, an average or an eNPS is shown only where at least {k} answered the question; a median, quartiles or “most common” only where at least {k2} did.",
        "Ingen tall beskriver færre enn {k} personer: verken alle samlet, en gruppe, en periode eller en kombinasjon av dem, enten tallet står i rapporten eller kan regnes ut fra andre tall. En andel, et gjennomsnitt eller en eNPS vises bare der minst {k} har svart på spørsmålet; median, kvartiler eller «vanligst» bare der minst {k2} har svart.",
    ),
    (
        "method.withheld",
        "Figures marked “not shown” are left out because, read together with every other figure in this report, they would let someone work out something about fewer than {k} people, or that everyone, or all but one, in a group of fewer than {k2} answered alike. This is checked exactly, by arithmetic over every combination of groups and periods. “Not shown” carries no other meaning: it does not say that a group is small, large or empty.",
        "Tall merket «vises ikke» er utelatt fordi de, lest sammen med alle andre tall i rapporten, ville la noen regne ut noe om færre enn {k} personer, eller at alle, eller alle unntatt én, i en gruppe på færre enn {k2} svarte likt. Dette er kontrollert eksakt, ved regning over alle kombinasjoner av grupper og perioder. «Vises ikke» betyr ikke noe mer: det sier ikke at en gruppe er liten, stor eller tom.",
    ),
    (
        "method.merged",
        "Groups not shown one by one are shown together as “other groups (combined)” where that is safe.",
        "Grupper som ikke vises hver for seg, vises samlet som «andre grupper (samlet)» der det er trygt.",
    ),
    (
        "method.periods",
        "Periods are fixed and do not overlap; a period with fewer than {k} answers is pooled with the next one (the last with the one before).",
        "Periodene ligger fast og overlapper ikke; en periode med færre enn {k} svar slås sammen med den neste (den siste med den før).",
    ),
    (
        "method.verbatims",
        "Free text is shown only for everyone together and only when at least {m} were shown the question; at most 15 answers per question, chosen by a fixed hash of the text, not by time.",
        "Fritekst vises bare for alle samlet og bare når minst {m} fikk spørsmålet; høyst 15 svar per spørsmål, valgt ut fra en fast hash av teksten, ikke etter tid.",
    ),
    (
        "method.intervals",
        "Intervals are 95 %: Wilson score intervals for shares, the adjusted-Wald interval for eNPS, Student's t for means. Two groups are called different only when their intervals do not overlap.",
        "Intervallene er 95 %: Wilson-intervaller for andeler, justert Wald-intervall for eNPS, Students t for gjennomsnitt. To grupper kalles forskjellige bare når intervallene ikke overlapper.",
    ),
    (
        "method.quantiles",
        "Medians and quartiles interpolate linearly between the ordered answers (Hyndman–Fan type 7, as in R and NumPy).",
        "Medianer og kvartiler interpolerer lineært mellom de sorterte svarene (Hyndman–Fan type 7, som i R og NumPy).",
    ),
    (
        "method.rounding",
        "Percentages are whole numbers, rounded half to even; shares are of those who were shown the question and answered it.",
        "Prosenter er hele tall, avrundet halv til partall; andeler er av dem som fikk spørsmålet og svarte.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_writers_use_exists_in_both_languages() {
        let sources = [
            include_str!("markdown.rs"),
            include_str!("questions.rs"),
            include_str!("summary.rs"),
            include_str!("breakdown.rs"),
            include_str!("review/mod.rs"),
        ];
        let re = regex::Regex::new(r#""([a-z_0-9]+\.[a-z_0-9.]+|[a-z_]+)""#).unwrap();
        let known: Vec<&str> = TEXT.iter().map(|t| t.0).collect();
        let mut checked = 0;
        for src in sources {
            for c in re.captures_iter(src) {
                let key = &c[1];
                let dotted = key.contains('.') && !key.ends_with(".svg") && !key.ends_with(".rs");
                if dotted {
                    assert!(known.contains(&key), "missing text key {key}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 60, "{checked}");
        for (k, en, nb) in TEXT {
            assert!(!en.is_empty() && !nb.is_empty(), "{k}");
        }
    }

    #[test]
    fn presets_have_labels() {
        assert_eq!(Lang::Nb.preset("agree5", 5), Some("Helt enig"));
        assert_eq!(Lang::En.preset("agree5", 0), None);
    }
}
