//! `farvel build` end to end: the real binary over the fixture surveys in
//! tests/fixtures/build/, checking the pages people get.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use base64::Engine;
use regex::Regex;
use sha2::{Digest, Sha256};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/build")
        .join(rel)
}

/// Build `files` into a fresh temporary folder; returns (folder, output).
fn build(files: &[PathBuf], extra: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("dist");
    let mut cmd = Command::cargo_bin("farvel").expect("binary");
    cmd.current_dir(tmp.path())
        .arg("build")
        .args(files)
        .arg("--out")
        .arg(&out)
        .args(extra);
    let output = cmd.output().expect("run farvel");
    (tmp, output)
}

fn built(files: &[PathBuf], extra: &[&str]) -> tempfile::TempDir {
    let (tmp, output) = build(files, extra);
    assert!(
        output.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    tmp
}

fn page(tmp: &tempfile::TempDir, rel: &str) -> String {
    let path = tmp.path().join("dist").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn unescape(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

/// Start tags of `tag` with their attributes (values unescaped).
fn tags(html: &str, tag: &str) -> Vec<BTreeMap<String, String>> {
    let re = Regex::new(&format!(r"<{tag}\b([^>]*)>")).expect("regex");
    let attr = Regex::new(r#"([a-zA-Z_:.\-\[\]]+)(?:="([^"]*)")?"#).expect("regex");
    re.captures_iter(html)
        .map(|c| {
            attr.captures_iter(&c[1])
                .map(|a| {
                    (
                        a[1].to_string(),
                        a.get(2).map_or(String::new(), |v| unescape(v.as_str())),
                    )
                })
                .collect()
        })
        .collect()
}

/// What the form can post: (name, value) of every control, `*` for free
/// input, each select's option values.
fn post_fields(html: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for t in tags(html, "input") {
        let name = t.get("name").cloned().unwrap_or_default();
        let value = match t.get("type").map(String::as_str) {
            Some("radio") | Some("checkbox") | Some("hidden") => {
                t.get("value").cloned().unwrap_or_default()
            }
            _ => "*".to_string(),
        };
        out.insert((name, value));
    }
    for t in tags(html, "textarea") {
        out.insert((t.get("name").cloned().unwrap_or_default(), "*".into()));
    }
    let select = Regex::new(r#"(?s)<select name="([^"]*)"[^>]*>(.*?)</select>"#).expect("regex");
    let option =
        Regex::new(r#"<option(?: value="([^"]*)")?[^>]*>([^<]*)</option>"#).expect("regex");
    for c in select.captures_iter(html) {
        for o in option.captures_iter(&c[2]) {
            let v = o
                .get(1)
                .map_or_else(|| o[2].to_string(), |v| unescape(v.as_str()));
            out.insert((unescape(&c[1]), v));
        }
    }
    out
}

/// The HTML of question `id`'s wrapper.
fn question_block<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<div class=\"q\" id=\"q-{id}\""))
        .unwrap_or_else(|| panic!("no question {id}"));
    let rest = &html[start..];
    let end = [
        rest[1..].find("\n<div class=\"q\""),
        rest.find("\n</section>"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(rest.len());
    &rest[..=end.min(rest.len() - 1)]
}

fn every_page(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

fn all_fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = ["types", "adapters", "langs", "exit", "sealed"]
        .iter()
        .flat_map(|d| {
            let mut files: Vec<PathBuf> = std::fs::read_dir(fixture(d))
                .expect("fixture folder")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect();
            files.sort();
            files
        })
        .collect();
    v.sort();
    v
}

#[test]
fn question_types_render_as_snapshotted() {
    let tmp = built(&[fixture("types/types.yaml")], &[]);
    let html = page(&tmp, "types/index.html");
    for id in [
        "reason",
        "reason_dd",
        "factors",
        "stay",
        "workload",
        "enps",
        "culture",
        "priorities",
        "started",
        "last_day",
        "years",
        "nickname",
        "comments",
        "info_5",
    ] {
        insta::assert_snapshot!(format!("type_{id}"), question_block(&html, id));
    }
}

#[test]
fn survey_text_is_data_never_markup_or_template() {
    let tmp = built(&[fixture("types/types.yaml")], &[]);
    let html = page(&tmp, "types/index.html");
    assert!(html.contains("<title>Every type &lt;b&gt;bold&lt;/b&gt; {{ title }}</title>"));
    assert!(html.contains("Main reason {{ reason }}?"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("javascript:"));
    assert!(html.contains("<a href=\"https://example.no/varsling\">whistleblowing channel</a>"));
    assert!(html.contains("<h3>A heading in an intro</h3>"));
}

#[test]
fn adapters_render_as_snapshotted() {
    for s in farvel::survey::Service::ALL.map(farvel::survey::Service::name) {
        let tmp = built(&[fixture(&format!("adapters/{s}.yaml"))], &[]);
        let html = page(&tmp, &format!("{s}/en/index.html"));
        let csp = &tags(&html, "meta")[0]["content"];
        let policy: Vec<&str> = csp
            .split("; ")
            .filter(|d| !d.starts_with("script-src") && !d.starts_with("style-src"))
            .collect();
        let form_start = html.find("<form").expect("form");
        let head_end = html[form_start..]
            .find("<div class=\"progress\"")
            .expect("progress")
            + form_start;
        let snap = format!(
            "{}\n{}\n{}",
            policy.join("; "),
            &html[form_start..head_end],
            question_block(&html, "factors")
        );
        insta::assert_snapshot!(format!("adapter_{s}"), snap);
    }
}

#[test]
fn csp_hashes_match_the_inline_blocks() {
    let tmp = built(&all_fixtures(), &[]);
    let pages = every_page(&tmp.path().join("dist"));
    assert!(pages.len() > 20);
    let block = |tag: &str, html: &str| -> Vec<String> {
        let re = Regex::new(&format!(r"(?s)<{tag}(?: [^>]*)?>(.*?)</{tag}>")).expect("regex");
        re.captures_iter(html)
            .map(|c| {
                let digest = Sha256::digest(c[1].as_bytes());
                format!(
                    "'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect()
    };
    let lang_re = Regex::new(r#"<html lang="[a-z]{2}">"#).expect("re");
    for p in pages {
        let html = std::fs::read_to_string(&p).expect("read");
        let head = &html[html.find("<head>").expect("head") + 7..];
        assert!(
            head.starts_with("<meta http-equiv=\"Content-Security-Policy\""),
            "{}",
            p.display()
        );
        let csp = tags(&html, "meta")[0]["content"].clone();
        let directive = |name: &str| -> BTreeSet<String> {
            csp.split("; ")
                .find_map(|d| d.strip_prefix(&format!("{name} ")))
                .unwrap_or_else(|| panic!("{}: no {name} in {csp}", p.display()))
                .split(' ')
                .map(String::from)
                .collect()
        };
        assert_eq!(
            directive("default-src"),
            BTreeSet::from(["'none'".to_string()])
        );
        assert_eq!(
            directive("base-uri"),
            BTreeSet::from(["'none'".to_string()])
        );
        let scripts: BTreeSet<String> = block("script", &html).into_iter().collect();
        let styles: BTreeSet<String> = block("style", &html).into_iter().collect();
        if scripts.is_empty() {
            assert_eq!(
                directive("script-src"),
                BTreeSet::from(["'none'".to_string()])
            );
        } else {
            assert_eq!(directive("script-src"), scripts, "{}", p.display());
        }
        assert_eq!(directive("style-src"), styles, "{}", p.display());
        assert!(html.contains("<meta name=\"referrer\" content=\"no-referrer\">"));
        assert!(lang_re.is_match(&html));
    }
}

#[test]
fn pages_load_nothing_and_post_only_to_the_endpoint() {
    let tmp = built(&all_fixtures(), &[]);
    // Real tags only (text shows `&lt;img src=…&gt;` when a survey says so).
    let tag = Regex::new(r"<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>").expect("regex");
    let bad_attr =
        Regex::new(r#"(?i)\s(src|srcset|style|on[a-z]+|background|poster|data)="#).expect("regex");
    let bad_tags = [
        "link", "img", "iframe", "object", "embed", "base", "frame", "audio", "video", "source",
    ];
    let style = Regex::new(r"(?s)<style>(.*?)</style>").expect("regex");
    let allowed_targets = [
        "https://formspree.io/f/abcd",
        "https://formspree.io/f/types",
        "https://formspree.io/f/xyzexmpl",
        "https://getform.io/f/abcd",
        "https://usebasin.com/f/abcd",
        "https://api.web3forms.com/submit",
        "https://formsubmit.co/abcdef123456",
        "https://docs.google.com/forms/d/e/1FAIpQLSexample/formResponse",
        "https://collect.example.no/exit",
        "/",
        "/langs/thanks/",
    ];
    let scripts = Regex::new(r"(?s)<script>(.*?)</script>").expect("re");
    for p in every_page(&tmp.path().join("dist")) {
        let html = std::fs::read_to_string(&p).expect("read");
        for t in tag.captures_iter(&html) {
            let name = t[1].to_ascii_lowercase();
            assert!(
                !bad_tags.contains(&name.as_str()),
                "{}: <{name}>",
                p.display()
            );
            assert!(!bad_attr.is_match(&t[2]), "{}: {}", p.display(), &t[0]);
        }
        for c in style.captures_iter(&html) {
            assert!(
                !c[1].contains("url(") && !c[1].contains("@import"),
                "{}",
                p.display()
            );
        }
        for f in tags(&html, "form") {
            assert!(
                allowed_targets.contains(&f["action"].as_str()),
                "{}: {}",
                p.display(),
                f["action"]
            );
        }
        // Scripts name no URL: fetch goes to the form's own action.
        for s in scripts.captures_iter(&html) {
            assert!(
                !s[1].contains("http:") && !s[1].contains("https:"),
                "{}",
                p.display()
            );
        }
    }
}

#[test]
fn every_language_posts_the_same_fields() {
    let tmp = built(
        &[
            fixture("langs/langs.yaml"),
            fixture("adapters/google-forms.yaml"),
            fixture("exit/exit-interview.yaml"),
        ],
        &[],
    );
    for (id, langs) in [
        ("langs", vec!["nn", "en", "sv", "da", "de"]),
        ("google-forms", vec!["en"]),
        ("exit-interview", vec!["en"]),
    ] {
        let first = post_fields(&page(&tmp, &format!("{id}/index.html")));
        assert!(first.len() > 10, "{id}: {first:?}");
        for l in langs {
            let other = post_fields(&page(&tmp, &format!("{id}/{l}/index.html")));
            assert_eq!(first, other, "{id}: {l} differs");
        }
    }
    let google = post_fields(&page(&tmp, "google-forms/en/index.html"));
    assert!(google.contains(&("entry.1001".to_string(), "Nærmeste leder".to_string())));
    assert!(google.contains(&("entry.1001".to_string(), "__other_option__".to_string())));
    assert!(google.contains(&(
        "entry.1001.other_option_response".to_string(),
        "*".to_string()
    )));
}

#[test]
fn multi_choice_encoding_follows_the_service() {
    let files: Vec<PathBuf> = ["formspree", "netlify", "web3forms", "url", "google-forms"]
        .iter()
        .map(|s| fixture(&format!("adapters/{s}.yaml")))
        .collect();
    let tmp = built(&files, &[]);
    let fields = |s: &str| post_fields(&page(&tmp, &format!("{s}/index.html")));
    let has = |s: &str, n: &str, v: &str| fields(s).contains(&(n.to_string(), v.to_string()));
    assert!(has("formspree", "factors", "culture"));
    assert!(has("netlify", "factors__culture", "1") && has("netlify", "factors__none", "1"));
    assert!(has("web3forms", "factors", "culture"));
    assert!(has("url", "factors[]", "culture"));
    assert!(has("google-forms", "entry.1002", "Kultur"));
    assert!(has("formspree", "culture__respect", "5") && has("formspree", "reason_other", "*"));
    assert!(has("formspree", "started__year", "2024") && has("formspree", "started__month", "03"));
    assert!(has("netlify", "form-name", "exit-2026") && has("netlify", "bot-field", "*"));
    assert!(has(
        "web3forms",
        "redirect",
        "https://survey.example.no/exit/thanks/"
    ));
    assert!(
        has("web3forms", "botcheck", "")
            || has("web3forms", "botcheck", "on")
            || fields("web3forms").iter().any(|(n, _)| n == "botcheck")
    );
}

#[test]
fn condition_notes_speak_each_shipped_language() {
    let tmp = built(&[fixture("langs/langs.yaml")], &[]);
    let cases = [
        (
            "index.html",
            "Svar hvis du valgte <em>Nærmeste leder</em> over.",
        ),
        (
            "nn/index.html",
            "Svar om du valde <em>Næraste leiar</em> over.",
        ),
        (
            "en/index.html",
            "Answer if you chose <em>My manager</em> above.",
        ),
        ("sv/index.html", "Svara om du valde <em>Min chef</em> ovan."),
        (
            "da/index.html",
            "Svar, hvis du valgte <em>Min leder</em> ovenfor.",
        ),
        (
            "de/index.html",
            "Antworten Sie, wenn Sie oben <em>Meine Führungskraft</em> gewählt haben.",
        ),
    ];
    for (file, want) in cases {
        let html = page(&tmp, &format!("langs/{file}"));
        let note = format!("<p class=\"q-note\" id=\"n-chose\">{want}</p>");
        assert!(html.contains(&note), "{file}: want {want}");
    }
    let en = page(&tmp, "langs/en/index.html");
    for (id, want) in [
        (
            "not_chose",
            "Answer if you did not choose <em>Pay</em> above.",
        ),
        (
            "in_list",
            "Answer if you chose <em>Pay</em> or <em>Other</em> above.",
        ),
        (
            "ticked",
            "Answer if you ticked <em>Culture</em> or you ticked <em>None of these</em> above.",
        ),
        (
            "numeric",
            "Answer if your answer to <em>Workload</em> was 4 or more and your answer to <em>Respect</em> was less than 3 above.",
        ),
        ("answered", "Answer if you answered <em>When</em> above."),
        (
            "yes",
            "Answer if you answered <em>Yes</em> to <em>Stay?</em> above.",
        ),
        (
            "mixed",
            "Answer only if this applies, given your earlier answers.",
        ),
    ] {
        assert!(en.contains(&format!("id=\"n-{id}\">{want}</p>")), "{id}");
    }
    // The condition itself travels as the AST JSON, and no conditional question is natively required.
    assert!(en.contains("data-show-if=\"{&quot;cmp&quot;:{&quot;q&quot;:&quot;reason&quot;"));
}

#[test]
fn builds_are_deterministic_and_stamped() {
    let files = all_fixtures();
    let a = built(&files, &[]);
    let b = built(&files, &[]);
    let pa = every_page(&a.path().join("dist"));
    let pb = every_page(&b.path().join("dist"));
    assert_eq!(pa.len(), pb.len());
    for (x, y) in pa.iter().zip(&pb) {
        assert_eq!(
            std::fs::read(x).expect("a"),
            std::fs::read(y).expect("b"),
            "{}",
            x.display()
        );
    }
    // A second build into the same folder skips everything; --force rebuilds.
    let out = a.path().join("dist");
    let run = |extra: &[&str]| {
        let o = Command::cargo_bin("farvel")
            .expect("bin")
            .arg("build")
            .args(&files)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .expect("run");
        assert!(o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let n = files.len();
    assert!(run(&[]).contains(&format!("{n} survey(s): 0 built, {n} unchanged, 0 failed")));
    assert!(run(&["--force"]).contains(&format!("{n} survey(s): {n} built, 0 unchanged")));
    let stamp = std::fs::read_to_string(out.join("types/.farvel-build")).expect("stamp");
    assert!(
        stamp.starts_with("farvel ")
            && stamp.contains("\nfingerprint ")
            && stamp.contains("\ntheme ")
    );
    // Another endpoint URL is a change.
    assert!(run(&["--endpoint-url", "http://127.0.0.1:9/c"]).contains(&format!("{n} built")));
}

#[test]
fn a_broken_survey_does_not_stop_the_others() {
    let (tmp, out) = build(&[fixture("broken")], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a-broken.yaml not built"), "{err}");
    assert!(
        err.contains("2 survey(s): 1 built, 0 unchanged, 1 failed"),
        "{err}"
    );
    assert!(tmp.path().join("dist/fine/index.html").is_file());
}

#[test]
fn refuses_to_build_next_to_answers_or_keys() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("dist");
    std::fs::create_dir_all(out.join("old")).expect("mkdir");
    std::fs::write(out.join("old/answers.csv"), "a,b\n").expect("write");
    let o = Command::cargo_bin("farvel")
        .expect("bin")
        .arg("build")
        .arg(fixture("broken/b-fine.yaml"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("answers.csv"));
    assert!(!out.join("fine").exists());
}

#[test]
fn endpoint_url_replaces_target_and_policy_but_keeps_the_adapter() {
    let files: Vec<PathBuf> = ["formspree", "netlify"]
        .iter()
        .map(|s| fixture(&format!("adapters/{s}.yaml")))
        .collect();
    let tmp = built(&files, &["--endpoint-url", "http://127.0.0.1:8765/capture"]);
    for s in ["formspree", "netlify"] {
        let html = page(&tmp, &format!("{s}/index.html"));
        let form = &tags(&html, "form")[0];
        assert_eq!(form["action"], "http://127.0.0.1:8765/capture");
        assert_eq!(form["data-service"], s);
        let csp = &tags(&html, "meta")[0]["content"];
        assert!(csp.contains("form-action http://127.0.0.1:8765"), "{csp}");
        assert!(!csp.contains("formspree.io"), "{csp}");
    }
    let fs = page(&tmp, "formspree/index.html");
    assert!(tags(&fs, "meta")[0]["content"].contains("connect-src http://127.0.0.1:8765"));
    assert!(tags(&page(&tmp, "netlify/index.html"), "form")[0].contains_key("data-netlify"));
}

#[test]
fn thanks_pages_and_language_links() {
    let tmp = built(&[fixture("adapters/formspree.yaml")], &[]);
    let nb = page(&tmp, "formspree/index.html");
    let en = page(&tmp, "formspree/en/index.html");
    assert!(nb.contains("<a href=\"en/index.html\" lang=\"en\" hreflang=\"en\">English</a>"));
    assert!(en.contains("<a href=\"../index.html\" lang=\"nb\" hreflang=\"nb\">Norsk bokmål</a>"));
    let thanks = page(&tmp, "formspree/en/thanks/index.html");
    assert!(thanks.contains("<html lang=\"en\">") && thanks.contains("script-src 'none'"));
    assert!(thanks.contains("<a href=\"../../thanks/index.html\""));
    assert!(page(&tmp, "formspree/thanks/index.html").contains("<html lang=\"nb\">"));
    let csp = &tags(&nb, "meta")[0]["content"];
    assert!(
        csp.contains("form-action https://formspree.io https://survey.example.no"),
        "{csp}"
    );
}

#[test]
fn native_required_only_on_unconditional_single_answers() {
    let tmp = built(&[fixture("types/types.yaml")], &[]);
    let html = page(&tmp, "types/index.html");
    assert!(question_block(&html, "reason").contains(" required>"));
    assert!(question_block(&html, "stay").contains(" required>"));
    for id in ["factors", "comments", "culture", "priorities"] {
        assert!(!question_block(&html, id).contains(" required"), "{id}");
    }
}

#[test]
fn exit_interview_page_stays_small() {
    let tmp = built(&[fixture("exit/exit-interview.yaml")], &[]);
    for rel in ["exit-interview/index.html", "exit-interview/en/index.html"] {
        let n = page(&tmp, rel).len();
        assert!(n <= 40 * 1024, "{rel}: {n} bytes");
    }
}

#[test]
fn theme_export_writes_the_default_and_a_theme_overrides_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("themes/plain");
    let o = Command::cargo_bin("farvel")
        .expect("bin")
        .args(["theme", "export"])
        .arg(&dir)
        .output()
        .expect("run");
    assert!(o.status.success());
    for f in ["form.html", "thanks.html", "form.css", "form.js"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    std::fs::write(dir.join("form.css"), "body{color:#123}").expect("write");
    let out = tmp.path().join("dist");
    let o = Command::cargo_bin("farvel")
        .expect("bin")
        .current_dir(tmp.path())
        .arg("build")
        .arg(fixture("broken/b-fine.yaml"))
        .args(["--theme", "plain", "--out"])
        .arg(&out)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("fine/index.html")).expect("page");
    assert!(html.contains("<style>body{color:#123}</style>"));
}

#[test]
fn sealed_pages_carry_the_sealer_and_say_so() {
    let tmp = built(&[fixture("sealed/sealed.yaml")], &[]);
    let en = page(&tmp, "sealed/index.html");
    assert!(en.contains("utf8('farvel-sealed-v1')"), "seal.js is inline");
    assert!(en.contains("<noscript><p class=\"noscript\">This form seals your answers"));
    assert!(
        en.contains("receives only a sealed message that the safety representative alone can open")
    );
    assert!(en.contains("\"sealed\":true") && en.contains("\"key\":\"farvel-pk1:BI5zGd1g"));
    // Netlify registers the field names of the static form: `sealed` is one
    // (disabled, so the plain entry list never carries it).
    assert!(en.contains("<input type=\"hidden\" name=\"sealed\" value=\"\" disabled>"));
    // Without JavaScript nothing can be posted (in clear): the button
    // ships disabled, and the script enables it.
    let submit = "<button type=\"submit\" data-action=\"submit\"";
    assert!(en.contains(&format!("{submit} disabled>")));
    let nb = page(&tmp, "sealed/nb/index.html");
    assert!(nb.contains("<noscript><p class=\"noscript\">Dette skjemaet forsegler"));
    // Plain surveys carry no sealer, and their button works without JavaScript.
    let plain = built(&[fixture("adapters/formspree.yaml")], &[]);
    let plain = page(&plain, "formspree/index.html");
    assert!(!plain.contains("farvel-sealed-v1"));
    assert!(plain.contains(&format!("{submit}>")));
}
