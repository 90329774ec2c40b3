//! Every error kind's sentence and text form, as insta snapshots (tests/snapshots/).

use shipshape_qql::{parse, parse_lenient, Entity, ErrorKind};

/// (snapshot name, entity, query): the strict parse's first error is snapshotted.
const CASES: &[(&str, Entity, &str)] = &[
    ("unknown_token", Entity::Image, "vulns.severity:5"),
    ("unknown_token_without_suggestion", Entity::Image, "zzz:1"),
    ("missing_operator", Entity::Container, "state RUNNING"),
    ("expected_value", Entity::Container, "state:"),
    (
        "expected_value_before_keyword",
        Entity::Container,
        "state: and isRoot:true",
    ),
    (
        "expected_value_in_list",
        Entity::Container,
        "state:[RUNNING, ]",
    ),
    (
        "expected_clause_after_and",
        Entity::Container,
        "state:RUNNING and",
    ),
    (
        "expected_clause_at_start",
        Entity::Container,
        "or state:RUNNING",
    ),
    (
        "unexpected_token_after_clause",
        Entity::Container,
        "state:RUNNING ]",
    ),
    (
        "unexpected_token_for_token_name",
        Entity::Container,
        ", state:RUNNING",
    ),
    (
        "unexpected_token_in_exclusive_range",
        Entity::Image,
        "size:(1, 2)",
    ),
    (
        "juxtaposition",
        Entity::Container,
        "state:RUNNING isRoot:true",
    ),
    (
        "unclosed_paren",
        Entity::Container,
        "isRoot:true and (state:RUNNING or state:PAUSED",
    ),
    ("unmatched_paren", Entity::Container, "state:RUNNING)"),
    (
        "unclosed_bracket",
        Entity::Container,
        "state:[RUNNING, PAUSED",
    ),
    ("mismatched_bracket", Entity::Image, "size:[1 .. 5)"),
    ("unterminated_string", Entity::Container, "name:\"web"),
    (
        "bad_value_type_number",
        Entity::Image,
        "vulnerabilities.severity:high",
    ),
    ("bad_value_type_date", Entity::Image, "created>yesterday"),
    ("bad_value_type_boolean", Entity::Container, "isRoot:maybe"),
    ("out_of_range", Entity::Image, "vulnerabilities.severity:7"),
    (
        "out_of_range_overflow",
        Entity::Image,
        "size:99999999999999999999",
    ),
    ("invalid_date", Entity::Image, "created>2023-02-29"),
    ("invalid_relative_date", Entity::Image, "created>now-7"),
    ("unknown_enum_value", Entity::Container, "state:runing"),
    (
        "unknown_enum_value_without_suggestion",
        Entity::Container,
        "state:gone",
    ),
    (
        "empty_range",
        Entity::Image,
        "vulnerabilities.severity:[4 .. 2]",
    ),
    ("empty_range_exclusive", Entity::Image, "size:(5 .. 5)"),
    (
        "empty_range_relative",
        Entity::Image,
        "created:[now .. now-7d]",
    ),
    ("bad_operator_keyword", Entity::Container, "state>RUNNING"),
    ("bad_operator_text", Entity::Container, "name=web"),
    ("list_needs_match", Entity::Image, "size>[1 .. 5]"),
    ("range_not_allowed", Entity::Container, "name:[a .. b]"),
    ("expected_label_pair", Entity::Container, "label:team"),
];

#[test]
fn every_error_kind_has_a_sentence_and_a_two_line_form() {
    for (name, entity, query) in CASES {
        let err = parse(query, *entity).expect_err(query);
        assert_eq!(err.to_string().lines().count(), 2, "{name}");
        insta::assert_snapshot!(*name, err.to_string());
    }
}

#[test]
fn too_deep_nesting_is_an_error_with_a_span() {
    let parens = format!("{}name:x{}", "(".repeat(65), ")".repeat(65));
    let err = parse(&parens, Entity::Container).unwrap_err();
    insta::assert_snapshot!("too_deep", err.to_string());
    let nots = format!("{}name:x", "not ".repeat(65));
    let err = parse(&nots, Entity::Container).unwrap_err();
    assert_eq!(err.kind, ErrorKind::TooDeep);
    assert_eq!((err.span.start, err.span.end), (256, 259));
}

#[test]
fn too_long_is_an_error_with_a_span() {
    let query = format!("name:{}", "x".repeat(4100));
    let err = parse(&query, Entity::Container).unwrap_err();
    // The text form repeats the 4,105-character query; the sentence and span are enough here.
    insta::assert_snapshot!("too_long", format!("{}\n{}", err.message(), err.span));
}

#[test]
fn lenient_parse_reports_every_error_and_keeps_the_rest() {
    let query = "state:runing and foo:1 and (isRoot:true or name:\"web";
    let (tree, errors) = parse_lenient(query, Entity::Container);
    let report: Vec<String> = errors.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(
        "lenient_report",
        format!("tree: {tree}\n\n{}", report.join("\n\n"))
    );
}
