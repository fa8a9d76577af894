//! The survey templates embedded in the binary, and their adaptation to the
//! languages asked for: takes a template, a survey id and a language list,
//! returns the YAML text of the new survey.
//!
//! Templates are written so that a line-based pass can adapt them: every
//! translated string is a block map with one `nb:` and one `en:` entry (a
//! block scalar's lines follow its entry, more indented), and the lines
//! `id: __ID__` and `languages: __LANGUAGES__` are filled in. For each
//! language asked the pass keeps its entry; a language with no built-in text
//! gets the English text under its own key, after a comment marking it for
//! translation. With one language, strings become plain (`text: …`).

use crate::cli::Template;

const EXIT_INTERVIEW: &str = include_str!("../../../templates/exit-interview.yaml");
const PULSE: &str = include_str!("../../../templates/pulse.yaml");
const BLANK: &str = include_str!("../../../templates/blank.yaml");

/// The languages the templates carry text in.
pub const BUILT_IN: [&str; 2] = ["nb", "en"];

/// The template's text as shipped.
pub fn source(t: Template) -> &'static str {
    match t {
        Template::ExitInterview => EXIT_INTERVIEW,
        Template::Pulse => PULSE,
        Template::Blank => BLANK,
    }
}

/// The new survey's YAML: `template` with `id` and `languages` filled in.
pub fn render(t: Template, id: &str, languages: &[String]) -> String {
    let src = source(t)
        .replace("__ID__", id)
        .replace("__LANGUAGES__", &format!("[{}]", languages.join(", ")));
    let lines: Vec<&str> = src.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        match language_group(&lines, i) {
            Some(group) => {
                emit_group(&group, languages, &mut out);
                i = group.end;
            }
            None => {
                out.push(lines[i].to_string());
                i += 1;
            }
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// One translated string: its entries by language, where it ends.
struct Group<'a> {
    indent: usize,
    /// (language, text after `lang:`, continuation lines)
    entries: Vec<(&'a str, &'a str, Vec<&'a str>)>,
    end: usize,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The built-in language key a line starts with, and the rest of the line.
fn language_entry(line: &str) -> Option<(&str, &str)> {
    let t = line.trim_start();
    BUILT_IN.into_iter().find_map(|lang| {
        let rest = t.strip_prefix(lang)?.strip_prefix(':')?;
        (rest.is_empty() || rest.starts_with(' ')).then_some((lang, rest))
    })
}

/// The group of language entries starting at line `start`, if any.
fn language_group<'a>(lines: &[&'a str], start: usize) -> Option<Group<'a>> {
    language_entry(lines[start])?;
    let indent = indent_of(lines[start]);
    let mut entries = Vec::new();
    let mut i = start;
    while i < lines.len() && indent_of(lines[i]) == indent {
        let Some((lang, rest)) = language_entry(lines[i]) else {
            break;
        };
        i += 1;
        let mut cont = Vec::new();
        while i < lines.len() && is_continuation(lines, i, indent) {
            cont.push(lines[i]);
            i += 1;
        }
        entries.push((lang, rest, cont));
    }
    Some(Group {
        indent,
        entries,
        end: i,
    })
}

/// Whether line `i` continues an entry at `indent`: more indented, or blank
/// with a more indented line after it.
fn is_continuation(lines: &[&str], i: usize, indent: usize) -> bool {
    if lines[i].trim().is_empty() {
        return lines[i..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| indent_of(l) > indent);
    }
    indent_of(lines[i]) > indent
}

fn emit_group(g: &Group<'_>, languages: &[String], out: &mut Vec<String>) {
    let pad = " ".repeat(g.indent);
    let english = g.entries.iter().find(|e| e.0 == "en").or(g.entries.first());
    let parent_is_bare_key = out.last().is_some_and(|l| {
        let t = l.trim();
        t.ends_with(':') && !t.starts_with('#') && indent_of(l) < g.indent
    });
    for lang in languages {
        let own = g.entries.iter().find(|e| e.0 == lang.as_str());
        let Some((_, rest, cont)) = own.or(english) else {
            continue;
        };
        let marker = own
            .is_none()
            .then(|| format!("# TODO: translate into {lang} (copied from the English text)"));
        if languages.len() == 1 && parent_is_bare_key {
            // One language: `key:` + entry becomes the plain `key: text`.
            let parent = out.pop().unwrap_or_default();
            if let Some(m) = marker {
                out.push(format!("{}{m}", " ".repeat(indent_of(&parent))));
            }
            out.push(format!("{}{rest}", parent.trim_end()));
        } else {
            if let Some(m) = marker {
                out.push(format!("{pad}{m}"));
            }
            out.push(format!("{pad}{lang}:{rest}"));
        }
        out.extend(cont.iter().map(|l| l.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keeps_asked_languages_and_marks_missing_ones() {
        let out = render(Template::Blank, "demo", &langs(&["en", "de"]));
        assert!(out.contains("id: demo\n"));
        assert!(out.contains("languages: [en, de]\n"));
        assert!(out.contains("title:\n  en: New survey\n  # TODO: translate into de (copied from the English text)\n  de: New survey\n"));
        assert!(!out.contains("nb:"));
    }

    #[test]
    fn one_language_makes_plain_strings() {
        let out = render(Template::Blank, "demo", &langs(&["nb"]));
        assert!(out.contains("title: Ny undersøkelse\n"), "{out}");
        assert!(out.contains("          1: Svært misfornøyd\n"), "{out}");
        assert!(!out.contains("en:"));
    }

    #[test]
    fn one_unknown_language_keeps_block_scalars_and_comments() {
        let out = render(Template::ExitInterview, "x", &langs(&["sv"]));
        assert!(
            out.contains(
                "# TODO: translate into sv (copied from the English text)\nintro: |\n    Thank you"
            ),
            "{out}"
        );
        assert!(out.contains("\n\n    Taking part is voluntary"));
    }

    #[test]
    fn default_languages_reproduce_the_template() {
        for t in [Template::ExitInterview, Template::Pulse, Template::Blank] {
            let out = render(t, "__ID__", &langs(&["nb", "en"]));
            let want = source(t).replace("__LANGUAGES__", "[nb, en]");
            assert_eq!(out, want);
        }
    }
}
