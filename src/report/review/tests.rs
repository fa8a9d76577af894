use super::*;

fn h(i: u8) -> [u8; 32] {
    [i; 32]
}

fn header() -> Header {
    Header {
        survey: "exit".into(),
        fingerprint: "fp".into(),
        lang: "en".into(),
        order: ["reason", "comments", "gone"].map(String::from).to_vec(),
    }
}

fn fresh(q: &str, kind: TextKind, texts: &[(u8, &str, u64)]) -> FreshQuestion {
    FreshQuestion {
        question: q.into(),
        kind,
        asked: format!("{q}?"),
        texts: texts
            .iter()
            .map(|&(i, t, c)| FreshText {
                hash: h(i),
                text: t.into(),
                count: c,
            })
            .collect(),
    }
}

fn entries(f: &ReviewFile, q: &str) -> Vec<(String, u64, Publish, Vec<String>, String)> {
    f.questions
        .iter()
        .find(|x| x.question == q)
        .map(|x| {
            x.texts
                .iter()
                .map(|e| {
                    (
                        e.hash.clone(),
                        e.count,
                        e.publish,
                        e.themes.clone(),
                        e.text.clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_first_review_lists_every_text_to_publish_in_hash_order() {
    let (f, s) = merge(
        None,
        &header(),
        vec![
            fresh("comments", TextKind::Text, &[(2, "b", 1), (1, "a", 3)]),
            fresh("reason", TextKind::Other, &[(3, "c", 1)]),
        ],
    );
    assert_eq!(
        s,
        MergeStats {
            added: 3,
            ..Default::default()
        }
    );
    let e = entries(&f, "comments");
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].0, hex(&h(1)));
    assert_eq!((e[0].1, e[0].2, e[0].4.as_str()), (3, Publish::Yes, "a"));
    assert!(e.iter().all(|e| e.3.is_empty()));
    // Survey order, whatever the order read.
    assert_eq!(f.questions[0].question, "reason");
    assert_eq!(f.questions[0].kind, TextKind::Other);
    assert_eq!(f.questions[1].asked, "comments?");
}

#[test]
fn a_question_with_nothing_read_now_keeps_its_place() {
    let (old, _) = merge(
        None,
        &header(),
        vec![
            fresh("reason", TextKind::Other, &[(3, "c", 1)]),
            fresh("comments", TextKind::Text, &[(1, "a", 1)]),
        ],
    );
    let mut unknown = old.questions[1].clone();
    unknown.question = "removed_from_survey".into();
    let mut old = old;
    old.questions.insert(0, unknown);
    let (new, s) = merge(
        Some(old),
        &header(),
        vec![fresh("comments", TextKind::Text, &[(1, "a", 2)])],
    );
    let ids: Vec<&str> = new.questions.iter().map(|q| q.question.as_str()).collect();
    assert_eq!(ids, ["reason", "comments", "removed_from_survey"]);
    assert_eq!((s.added, s.kept, s.absent), (0, 1, 2));
}

#[test]
fn a_second_review_keeps_decisions_and_absent_texts_and_adds_new_ones() {
    let (mut old, _) = merge(
        None,
        &header(),
        vec![
            fresh("comments", TextKind::Text, &[(1, "a", 3), (2, "b", 1)]),
            fresh("gone", TextKind::Text, &[(9, "z", 1)]),
        ],
    );
    let c = &mut old.questions[0].texts;
    c[0].publish = Publish::No;
    c[1].text = "b, edited".into();
    c[1].themes = vec!["Workload".into()];
    // The custodian's file read back as written.
    let text = render(&old, false).unwrap();
    let back: ReviewFile = serde_yaml::from_str(&text).unwrap();
    assert_eq!(back, old);
    let (new, s) = merge(
        Some(back),
        &header(),
        vec![fresh(
            "comments",
            TextKind::Text,
            &[(1, "a", 4), (3, "c", 1)],
        )],
    );
    assert_eq!(
        s,
        MergeStats {
            added: 1,
            kept: 1,
            absent: 2,
            withheld: 1,
        }
    );
    let e = entries(&new, "comments");
    let hashes: Vec<&str> = e.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(hashes, [hex(&h(1)), hex(&h(2)), hex(&h(3))]);
    // Withheld, count updated from the exports.
    assert_eq!((e[0].1, e[0].2), (4, Publish::No));
    // Not read now: decision and count as they were.
    assert_eq!(
        e[1],
        (
            hex(&h(2)),
            1,
            Publish::Yes,
            vec!["Workload".to_string()],
            "b, edited".to_string()
        )
    );
    // New: to publish, no themes.
    assert_eq!((e[2].2, e[2].4.as_str()), (Publish::Yes, "c"));
    // A question not read now stays, after the fresh ones.
    assert_eq!(new.questions[1].question, "gone");
    assert_eq!(new.questions[1].texts.len(), 1);
}

#[test]
fn a_merge_with_nothing_new_changes_nothing() {
    let fresh_qs = vec![fresh("comments", TextKind::Text, &[(1, "a", 3)])];
    let (once, _) = merge(None, &header(), fresh_qs.clone());
    let (twice, s) = merge(Some(once.clone()), &header(), fresh_qs);
    assert_eq!(once, twice);
    assert_eq!((s.added, s.kept, s.absent), (0, 1, 0));
}

#[test]
fn hand_edited_values_read_as_meant() {
    let yaml = format!(
        "format: {FORMAT}\nsurvey: exit\nfingerprint: fp\nlang: en\nquestions:\n\
         - question: comments\n  kind: text\n  texts:\n\
         \x20 - hash: {}\n    publish: No\n    themes: Workload\n    text: a\n\
         \x20 - hash: {}\n    publish: false\n    text: b\n\
         \x20 - hash: {}\n    publish: 'yes'\n    themes: [' Pay ', Pay, '']\n    text: c\n",
        hex(&h(1)),
        hex(&h(2)).to_uppercase(),
        hex(&h(3)),
    );
    let f: ReviewFile = serde_yaml::from_str(&yaml).unwrap();
    let d = Decisions::from_file(&f);
    assert_eq!(d.len(), 3);
    let one = d.get(&h(1)).unwrap();
    assert!(!one.publish);
    assert_eq!(one.themes, ["Workload"]);
    assert!(!d.get(&h(2)).unwrap().publish);
    let three = d.get(&h(3)).unwrap();
    assert!(three.publish);
    assert_eq!(three.themes, ["Pay"]);
}

#[test]
fn a_typo_is_an_error_not_a_published_text() {
    let bad = format!(
        "format: {FORMAT}\nsurvey: exit\nfingerprint: fp\nlang: en\nquestions:\n\
         - question: comments\n  kind: text\n  texts:\n\
         \x20 - hash: {}\n    publsh: no\n    text: a\n",
        hex(&h(1))
    );
    assert!(serde_yaml::from_str::<ReviewFile>(&bad).is_err());
    let maybe = bad.replace("publsh: no", "publish: maybe");
    assert!(serde_yaml::from_str::<ReviewFile>(&maybe).is_err());
}

#[test]
fn hashes_round_trip() {
    let x: [u8; 32] = std::array::from_fn(|i| (i * 37) as u8);
    assert_eq!(unhex(&hex(&x)), Some(x));
    assert_eq!(unhex(&hex(&x).to_uppercase()), Some(x));
    assert_eq!(unhex("abc"), None);
    assert_eq!(unhex(&"zz".repeat(32)), None);
}

#[test]
fn theme_counts_need_2k_answers_whatever_they_say() {
    let k = 5;
    // Under 2k answered: no count, unanimous or not, so that "not
    // shown" says nothing about which theme.
    for count in 0..=7 {
        assert!(!theme_count_shown(k, 7, count), "{count}");
    }
    assert!(!theme_count_shown(k, 4, 1));
    // 2k or more: any count.
    assert!(theme_count_shown(k, 10, 10));
    assert!(theme_count_shown(k, 10, 9));
}
