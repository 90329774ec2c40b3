//! Fuzz target: no input makes the parser, the printer or completion panic, strict and lenient
//! parsing agree, and every tree they build prints to a query that parses back to it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipshape_qql::{complete, parse, parse_lenient, print, Entity};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for entity in Entity::ALL {
        let strict = parse(input, entity);
        let (lenient, errors) = parse_lenient(input, entity);
        match &strict {
            Ok(q) => {
                assert!(errors.is_empty());
                assert_eq!(q, &lenient);
            }
            Err(first) => assert_eq!(errors.first(), Some(first)),
        }
        let printed = print(&lenient);
        let again = parse(&printed, entity).expect("a printed tree parses");
        assert_eq!(again.without_spans(), lenient.without_spans());
        let len = input.chars().count();
        for cursor in [0, len / 2, len] {
            let c = complete(input, cursor, entity);
            assert!(c.replace.start <= c.replace.end && c.replace.end <= len);
        }
    }
});
