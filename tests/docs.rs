//! Every ```yaml block in docs/survey-format.md is checked: a block that
//! starts with `# fragment` must parse as YAML; any other block is a
//! complete survey that must load (and validate against the schema).

use std::path::Path;

/// The yaml blocks of a Markdown text: (line of the opening fence, body).
fn yaml_blocks(md: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (n, line) in md.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match current.take() {
            None if fence && line.trim() == "```yaml" => current = Some((n + 1, String::new())),
            None => {}
            Some(block) if fence => out.push(block),
            Some((start, mut body)) => {
                body.push_str(line);
                body.push('\n');
                current = Some((start, body));
            }
        }
    }
    assert!(current.is_none(), "an unclosed ```yaml block");
    out
}

#[test]
fn every_yaml_block_in_the_reference_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/survey-format.md");
    let md = std::fs::read_to_string(&path).expect("docs/survey-format.md");
    let blocks = yaml_blocks(&md);
    let schema = farvel::survey::schema::schema();
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let (mut surveys, mut fragments) = (0, 0);
    for (line, body) in &blocks {
        let at = format!("docs/survey-format.md:{line}");
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(body).unwrap_or_else(|e| panic!("{at}: not YAML: {e}"));
        if body.trim_start().starts_with("# fragment") {
            fragments += 1;
            continue;
        }
        farvel::survey::parse_survey(body, Path::new(&at))
            .unwrap_or_else(|e| panic!("{at}: the survey does not load: {e}"));
        let json = serde_json::to_value(yaml).expect("json");
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{at}: {}", errors.join("; "));
        surveys += 1;
    }
    assert!(
        surveys >= 2 && fragments >= 5,
        "{surveys} surveys, {fragments} fragments"
    );
}

#[test]
fn block_extraction() {
    let md = "a\n```yaml\nx: 1\n```\n```text\nno\n```\n```yaml\n# fragment\n- 1\n```\n";
    let b = yaml_blocks(md);
    assert_eq!(
        b,
        vec![
            (2, "x: 1\n".to_string()),
            (8, "# fragment\n- 1\n".to_string())
        ]
    );
}
