//! Properties: `parse(print(ast)) == ast` for generated trees, and no input makes `parse`,
//! `parse_lenient` or `complete` panic (the `cargo fuzz` target checks the same, longer).

use proptest::prelude::*;
use shipshape_qql::{
    catalogue, complete, parse, parse_lenient, print, Clause, DateValue, Entity, Expr, LabelPair,
    Operator, Query, Range, Scalar, ScalarKind, Span, Text, TextMode, TokenDef, TokenRef,
    TokenType, Value,
};

fn entity() -> impl Strategy<Value = Entity> {
    prop_oneof![
        Just(Entity::Sensor),
        Just(Entity::Image),
        Just(Entity::Container)
    ]
}

/// Text with every character that needs care: quotes, escapes, brackets, operators, spaces.
fn any_text() -> impl Strategy<Value = String> {
    "[ a-zA-Z0-9\"'\\\\`*?()\\[\\],.:=<>é\t-]{0,12}"
}

fn text() -> impl Strategy<Value = Text> {
    prop_oneof![
        any_text().prop_map(|text| Text {
            text,
            mode: TextMode::Contains
        }),
        any_text().prop_map(|text| Text {
            text,
            mode: TextMode::Exact
        }),
        "[a-zA-Z0-9._/:-]{0,5}[*?][a-zA-Z0-9._/*?-]{0,5}"
            .prop_filter("`..` ends a word in a list", |s| !s.contains(".."))
            .prop_map(|text| Text {
                text,
                mode: TextMode::Wildcard
            }),
    ]
}

fn date() -> impl Strategy<Value = DateValue> {
    prop_oneof![
        any::<i64>().prop_map(DateValue::EpochMs),
        any::<i64>().prop_map(|offset_ms| DateValue::Now { offset_ms }),
        (-400i64..400).prop_map(|d| DateValue::Now {
            offset_ms: d * 86_400_000
        }),
    ]
}

fn scalar(ty: TokenType) -> BoxedStrategy<Scalar> {
    let kind: BoxedStrategy<ScalarKind> = match ty {
        TokenType::Text | TokenType::LabelPair => text().prop_map(ScalarKind::Text).boxed(),
        TokenType::Keyword(values) => proptest::sample::select(values)
            .prop_map(ScalarKind::Keyword)
            .boxed(),
        TokenType::Number { min, max } => (min.unwrap_or(i64::MIN)..=max.unwrap_or(i64::MAX))
            .prop_map(ScalarKind::Number)
            .boxed(),
        TokenType::Date => date().prop_map(ScalarKind::Date).boxed(),
        TokenType::Boolean => any::<bool>().prop_map(ScalarKind::Boolean).boxed(),
    };
    kind.prop_map(|kind| Scalar {
        kind,
        span: Span::default(),
    })
    .boxed()
}

/// Puts range bounds in order where the parser checks the order.
fn range(mut lo: Scalar, mut hi: Scalar, mut inclusive: bool) -> Value {
    let key = |s: &Scalar| match s.kind {
        ScalarKind::Number(n) => Some((0, n)),
        ScalarKind::Date(DateValue::EpochMs(n)) => Some((1, n)),
        ScalarKind::Date(DateValue::Now { offset_ms }) => Some((2, offset_ms)),
        _ => None,
    };
    if let (Some(a), Some(b)) = (key(&lo), key(&hi)) {
        if a.0 == b.0 {
            if a.1 > b.1 {
                std::mem::swap(&mut lo, &mut hi);
            }
            inclusive |= a.1 == b.1;
        }
    }
    Value::Range(Range {
        lo,
        hi,
        inclusive,
        span: Span::default(),
    })
}

fn op_and_value(def: &'static TokenDef) -> BoxedStrategy<(Operator, Value)> {
    let ty = def.ty;
    let one = scalar(ty).prop_map(Value::Scalar);
    let list = proptest::collection::vec(scalar(ty), 1..4).prop_map(|items| Value::List {
        items,
        span: Span::default(),
    });
    let ops: Vec<Operator> = match ty {
        TokenType::Text | TokenType::LabelPair => vec![Operator::Match],
        TokenType::Keyword(_) | TokenType::Boolean => vec![Operator::Match, Operator::Eq],
        TokenType::Number { .. } | TokenType::Date => Operator::ALL.to_vec(),
    };
    match ty {
        TokenType::LabelPair => (text(), text())
            .prop_filter("a wildcard key cannot hold '='", |(k, _)| {
                !k.text.contains('=')
            })
            .prop_map(|(key, value)| {
                let d = Span::default();
                let label = LabelPair {
                    key,
                    key_span: d,
                    value,
                    value_span: d,
                    span: d,
                };
                (Operator::Match, Value::Label(label))
            })
            .boxed(),
        TokenType::Number { .. } | TokenType::Date => prop_oneof![
            (proptest::sample::select(ops), one),
            list.prop_map(|v| (Operator::Match, v)),
            (scalar(ty), scalar(ty), any::<bool>())
                .prop_map(|(lo, hi, inc)| (Operator::Match, range(lo, hi, inc))),
        ]
        .boxed(),
        _ => prop_oneof![
            (proptest::sample::select(ops), one),
            list.prop_map(|v| (Operator::Match, v)),
        ]
        .boxed(),
    }
}

fn clause(e: Entity) -> impl Strategy<Value = Expr> {
    proptest::sample::select(catalogue(e))
        .prop_flat_map(|def| {
            let def: &'static TokenDef = catalogue_entry(def);
            (Just(def), op_and_value(def))
        })
        .prop_map(|(def, (op, value))| {
            let d = Span::default();
            Expr::Clause(Clause {
                token: TokenRef {
                    name: def.name,
                    ty: def.ty,
                    span: d,
                },
                op,
                op_span: d,
                value,
                span: d,
            })
        })
}

/// `select` hands out copies; find the catalogue's own `'static` entry again.
fn catalogue_entry(def: TokenDef) -> &'static TokenDef {
    Entity::ALL
        .iter()
        .flat_map(|e| catalogue(*e).iter())
        .find(|d| **d == def)
        .expect("from the catalogue")
}

fn expr(e: Entity) -> impl Strategy<Value = Expr> {
    clause(e).prop_recursive(5, 40, 4, |inner| {
        let d = Span::default();
        prop_oneof![
            proptest::collection::vec(inner.clone(), 2..4)
                .prop_map(move |operands| Expr::Or { operands, span: d }),
            proptest::collection::vec(inner.clone(), 2..4)
                .prop_map(move |operands| Expr::And { operands, span: d }),
            inner.prop_map(move |e| Expr::Not {
                operand: Box::new(e),
                span: d
            }),
        ]
    })
}

fn query() -> impl Strategy<Value = (Entity, Query)> {
    entity()
        .prop_flat_map(|e| (Just(e), proptest::option::weighted(0.95, expr(e))))
        .prop_map(|(e, expr)| (e, Query { expr }))
}

/// Fragments that make half-valid queries, to reach deep into the parser.
fn soup() -> impl Strategy<Value = String> {
    const BITS: &[&str] = &[
        "state",
        "name",
        "size",
        "created",
        "label",
        "vulnerabilities.severity",
        "isRoot",
        ":",
        "=",
        ">",
        ">=",
        "<",
        "<=",
        "(",
        ")",
        "[",
        "]",
        ",",
        "..",
        "...",
        "and",
        "OR",
        "not",
        "RUNNING",
        "\"a b\"",
        "'x",
        "`e`",
        "1",
        "5",
        "-3",
        "now-7d",
        "now",
        "2024-05-01",
        "2024-05-01T10:00Z",
        "*",
        "team=x",
        " ",
        " ",
        "  ",
        "true",
        "é",
        "\\",
    ];
    proptest::collection::vec(proptest::sample::select(BITS), 0..24).prop_map(|v| v.concat())
}

/// Everything that takes text must survive it; strict and lenient must agree.
fn never_panics(input: &str, e: Entity) {
    let strict = parse(input, e);
    let (lenient, errors) = parse_lenient(input, e);
    match &strict {
        Ok(q) => {
            assert!(errors.is_empty(), "{input:?}: {errors:?}");
            assert_eq!(q, &lenient, "{input:?}");
            let again = parse(&print(q), e).unwrap_or_else(|err| panic!("{input:?}\n{err}"));
            assert_eq!(again.without_spans(), q.without_spans(), "{input:?}");
        }
        Err(first) => assert_eq!(errors.first(), Some(first), "{input:?}"),
    }
    // What the lenient parser kept is a valid query in its own right.
    let printed = print(&lenient);
    let again = parse(&printed, e).unwrap_or_else(|err| panic!("{input:?} -> {printed:?}\n{err}"));
    assert_eq!(again.without_spans(), lenient.without_spans(), "{input:?}");
    let len = input.chars().count();
    for cursor in [0, len / 2, len, len + 3] {
        let c = complete(input, cursor, e);
        assert!(
            c.replace.start <= c.replace.end && c.replace.end <= len,
            "{input:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn printed_trees_parse_back_to_the_same_tree((e, q) in query()) {
        let printed = print(&q);
        let parsed = parse(&printed, e).map_err(|err| TestCaseError::fail(format!("{err}")))?;
        prop_assert_eq!(parsed.without_spans(), q, "{}", printed);
    }

    #[test]
    fn soup_never_panics(input in soup(), e in entity()) {
        never_panics(&input, e);
    }

    #[test]
    fn arbitrary_strings_never_panic(input in any::<String>(), e in entity()) {
        never_panics(&input, e);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let input = String::from_utf8_lossy(&bytes);
        for e in Entity::ALL {
            never_panics(&input, e);
        }
    }
}
