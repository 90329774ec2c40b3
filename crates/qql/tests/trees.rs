//! Parse trees of representative queries (insta snapshots), and behaviour a user relies on.

use shipshape_qql::{
    parse, parse_lenient, print, DateValue, Entity, ErrorKind, Expr, ScalarKind, Span, Value,
};

fn tree(entity: Entity, query: &str) -> String {
    let q = parse(query, entity).unwrap_or_else(|e| panic!("{e}"));
    format!("{query}\n=> {}\n{q:#?}", print(&q))
}

#[test]
fn representative_trees() {
    use Entity::*;
    let cases: &[(&str, Entity, &str)] = &[
        ("text_and_wildcard", Image, "repo.repository:nginx and repo.tag:1.2*"),
        ("list_and_not", Container, "state:[RUNNING, paused] AND NOT isRoot:true"),
        ("group_and_range", Image, "(vulnerabilities.severity:5 or vulnerabilities.patchAvailable:true) and vulnerabilities.severity:[4 .. 5]"),
        ("quoted_relative_range", Image, "created:'[now-7d ... now]'"),
        ("comparisons", Image, "updated>=1593731505425 or lastScanned<2024-05-01T00:00:00Z"),
        ("phrase_and_exact", Image, "operatingSystem:\"Debian GNU/Linux 12\" and sha:`ABC`"),
        ("label_pair", Container, "label:team=payments or label.key:env"),
        ("exclusive_range", Image, "size:(0 .. 100000000)"),
    ];
    for (name, entity, query) in cases {
        insta::assert_snapshot!(*name, tree(*entity, query));
    }
}

#[test]
fn empty_query_matches_everything() {
    assert_eq!(parse("", Entity::Sensor).unwrap().expr, None);
    assert_eq!(parse(" \t\n", Entity::Sensor).unwrap().expr, None);
    assert_eq!(print(&parse("  ", Entity::Sensor).unwrap()), "");
}

#[test]
fn printing_is_canonical() {
    let canon = |e, q| print(&parse(q, e).unwrap());
    assert_eq!(
        canon(Entity::Container, "STATE : running AND NOT isroot=TRUE"),
        "state:RUNNING and not isRoot=true"
    );
    assert_eq!(canon(Entity::Container, "((name:a))"), "name:a");
    assert_eq!(
        canon(Entity::Container, "name:a or (name:b or name:c)"),
        "name:a or (name:b or name:c)"
    );
    assert_eq!(
        canon(Entity::Container, "(name:a or name:b) and name:c"),
        "(name:a or name:b) and name:c"
    );
    assert_eq!(
        canon(Entity::Container, "name:\"and\" or name:'a b'"),
        "name:\"and\" or name:\"a b\""
    );
    assert_eq!(
        canon(Entity::Image, "created>2024-05-01"),
        "created>1714521600000"
    );
    assert_eq!(canon(Entity::Image, "created>NOW-24H"), "created>now-1d");
    assert_eq!(canon(Entity::Container, "state:`running`"), "state:RUNNING");
}

#[test]
fn keywords_are_canonical_whatever_the_case_or_quotes() {
    for q in [
        "state:running",
        "state:\"Running\"",
        "state=RUNNING",
        "state:`RUNNING`",
    ] {
        let query = parse(q, Entity::Container).unwrap();
        let Some(Expr::Clause(c)) = query.expr else {
            panic!("{q}")
        };
        let Value::Scalar(s) = c.value else {
            panic!("{q}")
        };
        assert_eq!(s.kind, ScalarKind::Keyword("RUNNING"), "{q}");
    }
}

#[test]
fn spans_count_characters_not_bytes() {
    let q = parse("name:\"café crème\" and name:x", Entity::Container).unwrap();
    let Some(Expr::And { operands, .. }) = q.expr else {
        panic!()
    };
    assert_eq!(operands[0].span(), Span::new(0, 17));
    assert_eq!(operands[1].span(), Span::new(22, 28));
    let err = parse("name:\"é\" zz:1", Entity::Container).unwrap_err();
    assert_eq!(err.span, Span::new(9, 11));
}

#[test]
fn relative_dates_stay_relative_until_resolved() {
    let q = parse("created>now-7d", Entity::Image).unwrap();
    let Some(Expr::Clause(c)) = q.expr else {
        panic!()
    };
    let Value::Scalar(s) = c.value else { panic!() };
    let ScalarKind::Date(d) = s.kind else {
        panic!()
    };
    assert_eq!(
        d,
        DateValue::Now {
            offset_ms: -604_800_000
        }
    );
    assert_eq!(d.resolve(1_000_000_000_000), 999_395_200_000);
}

#[test]
fn sixty_four_levels_parse_and_deeper_ones_never_overflow() {
    let ok = format!("{}name:x{}", "(".repeat(64), ")".repeat(64));
    assert!(parse(&ok, Entity::Container).is_ok());
    let nots = format!("{}name:x", "not ".repeat(64));
    assert!(parse(&nots, Entity::Container).is_ok());
    let deep = "(".repeat(4096);
    assert_eq!(
        parse(&deep, Entity::Container).unwrap_err().kind,
        ErrorKind::TooDeep
    );
    let (_, errors) = parse_lenient(&deep, Entity::Container);
    assert_eq!(errors.len(), 1);
    let deep_nots = "not ".repeat(1024);
    assert_eq!(
        parse(&deep_nots, Entity::Container).unwrap_err().kind,
        ErrorKind::TooDeep
    );
}

#[test]
fn lenient_parse_recovers_what_it_can() {
    let (q, errors) = parse_lenient("state:RUNNING isRoot:true", Entity::Container);
    assert_eq!(print(&q), "state:RUNNING and isRoot:true");
    assert_eq!(errors.len(), 1);
    let (q, errors) = parse_lenient("(state:RUNNING or state:PAUSED", Entity::Container);
    assert_eq!(print(&q), "state:RUNNING or state:PAUSED");
    assert!(matches!(
        errors[0].kind,
        ErrorKind::UnclosedParen { opened_at: 0 }
    ));
    let (q, errors) = parse_lenient(
        "state:[RUNNING,, PAUSED] and isRoot:true",
        Entity::Container,
    );
    assert_eq!(print(&q), "isRoot:true");
    assert_eq!(errors.len(), 1);
    let (q, errors) = parse_lenient("state:RUNNING and ", Entity::Container);
    assert_eq!(print(&q), "state:RUNNING");
    assert_eq!(errors.len(), 1);
    let long = format!("name:x or {}", "name:y or ".repeat(500));
    let (q, errors) = parse_lenient(&long, Entity::Container);
    assert!(q.expr.is_some());
    assert!(matches!(errors[0].kind, ErrorKind::TooLong { .. }));
}

#[test]
fn values_may_contain_colons_and_equals() {
    let q = parse("host.ipAddress:fe80::1 and label:k=v=w", Entity::Container).unwrap();
    assert_eq!(print(&q), "host.ipAddress:fe80::1 and label:k=v=w");
}

#[test]
fn a_word_where_a_number_is_needed_names_the_bounds() {
    let err = parse("vulnerabilities.severity:high", Entity::Image).unwrap_err();
    assert_eq!(
        err.message(),
        "'vulnerabilities.severity' takes a number from 1 to 5, not 'high'."
    );
}
