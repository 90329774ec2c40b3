//! What the field's text means as QQL: its first error, and the completions at the caret.

use super::offsets::char_slice;
use shipshape_qql::{complete, parse, parse_lenient, CompletionItem, Entity, Span};

/// The first error, as the lenient parse (and, to be sure, the strict one) sees it: where it
/// is and what it says.
pub fn first_error(text: &str, entity: Entity) -> Option<(Span, String)> {
    let (_, errors) = parse_lenient(text, entity);
    match errors.into_iter().next() {
        Some(e) => Some((e.span(), e.message())),
        None => parse(text, entity).err().map(|e| (e.span(), e.message())),
    }
}

/// The completions at character `caret` and the characters they replace, without what is
/// already there (a value typed out in full).
pub fn completions_at(text: &str, caret: usize, entity: Entity) -> (Span, Vec<CompletionItem>) {
    let c = complete(text, caret, entity);
    let typed = char_slice(text, c.replace.start, c.replace.end);
    let items = c.items.into_iter().filter(|i| i.insert != typed).collect();
    (c.replace, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_error_is_located_and_explained() {
        let (span, message) =
            first_error("state:RUNNING and vulns.severity:5", Entity::Container).unwrap();
        assert_eq!(span, Span::new(18, 32));
        assert!(
            message.contains("Did you mean 'vulnerabilities.severity'"),
            "{message}"
        );
        assert_eq!(first_error("state:RUNNING", Entity::Container), None);
        assert_eq!(first_error("", Entity::Container), None);
    }

    #[test]
    fn completions_offer_values_but_not_the_one_already_typed() {
        let (span, items) = completions_at("state:ru", 8, Entity::Container);
        assert_eq!(span, Span::new(6, 8));
        assert!(items.iter().any(|i| i.insert == "RUNNING"), "{items:?}");
        let (_, items) = completions_at("state:RUNNING", 13, Entity::Container);
        assert!(!items.iter().any(|i| i.insert == "RUNNING"), "{items:?}");
    }
}
