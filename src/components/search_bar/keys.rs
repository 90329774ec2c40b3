//! The field's keyboard: what a key does, given whether the dropdown shows and which entry is
//! highlighted. Deciding is pure (and tested); the component carries the action out.

use super::state::Choice;

/// What a key press in the field asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Not ours: the input does what it always does.
    Pass,
    /// Ours, with nothing to do (an arrow over an empty dropdown).
    Swallow,
    /// Show the dropdown.
    Open,
    /// Highlight entry `i`.
    Highlight(usize),
    /// Take entry `i` (complete, or run a recent or saved search).
    Accept(usize),
    /// Run the query in the field.
    Run,
    /// Hide the dropdown.
    Close,
    /// Delete the saved search with this id.
    Delete(String),
}

impl KeyAction {
    /// Whether the browser's own handling of the key is to be prevented.
    pub fn prevents_default(&self) -> bool {
        *self != KeyAction::Pass
    }
}

/// The action for `key` (a `KeyboardEvent.key`) when the dropdown is `shown` with `choices`
/// and `active` highlighted.
pub fn key_action(key: &str, shown: bool, active: Option<usize>, choices: &[Choice]) -> KeyAction {
    let active = active.filter(|_| shown);
    let n = choices.len();
    match key {
        "ArrowDown" | "ArrowUp" if !shown => KeyAction::Open,
        "ArrowDown" | "ArrowUp" if n == 0 => KeyAction::Swallow,
        "ArrowDown" | "ArrowUp" => {
            let down = key == "ArrowDown";
            KeyAction::Highlight(match active {
                None if down => 0,
                None => n - 1,
                Some(i) if down => (i + 1) % n,
                Some(i) => (i + n - 1) % n,
            })
        }
        "Enter" => active.map_or(KeyAction::Run, KeyAction::Accept),
        "Tab" => active.map_or(KeyAction::Pass, KeyAction::Accept),
        "Escape" if shown => KeyAction::Close,
        "Delete" => match active.and_then(|i| choices.get(i)) {
            Some(Choice::Saved(s)) => KeyAction::Delete(s.id.clone()),
            _ => KeyAction::Pass,
        },
        _ => KeyAction::Pass,
    }
}

/// Keys after which the caret is re-read (the others move the highlight, not the caret).
pub fn moves_caret(key: &str) -> bool {
    !matches!(key, "ArrowDown" | "ArrowUp" | "Enter" | "Tab" | "Escape")
}

#[cfg(test)]
mod tests {
    use super::*;
    use shipshape_model::searches::{RecentSearch, SavedSearch};
    use shipshape_model::EpochMillis;

    fn choices() -> Vec<Choice> {
        vec![
            Choice::Saved(SavedSearch {
                id: "s1".into(),
                name: "Root".into(),
                entity: "containers".into(),
                query: "isRoot:true".into(),
                created: EpochMillis(1),
            }),
            Choice::Recent(RecentSearch {
                query: "state:RUNNING".into(),
                at: EpochMillis(2),
            }),
            Choice::Recent(RecentSearch {
                query: "name:web".into(),
                at: EpochMillis(3),
            }),
        ]
    }

    #[test]
    fn arrows_open_then_walk_the_list_round() {
        let c = choices();
        assert_eq!(key_action("ArrowDown", false, None, &c), KeyAction::Open);
        assert_eq!(key_action("ArrowDown", true, None, &[]), KeyAction::Swallow);
        assert_eq!(
            key_action("ArrowDown", true, None, &c),
            KeyAction::Highlight(0)
        );
        assert_eq!(
            key_action("ArrowUp", true, None, &c),
            KeyAction::Highlight(2)
        );
        assert_eq!(
            key_action("ArrowDown", true, Some(1), &c),
            KeyAction::Highlight(2)
        );
        assert_eq!(
            key_action("ArrowDown", true, Some(2), &c),
            KeyAction::Highlight(0)
        );
        assert_eq!(
            key_action("ArrowUp", true, Some(0), &c),
            KeyAction::Highlight(2)
        );
        assert_eq!(
            key_action("ArrowUp", true, Some(2), &c),
            KeyAction::Highlight(1)
        );
    }

    #[test]
    fn enter_takes_the_highlighted_entry_or_runs_the_field() {
        let c = choices();
        assert_eq!(key_action("Enter", true, Some(1), &c), KeyAction::Accept(1));
        assert_eq!(key_action("Enter", true, None, &c), KeyAction::Run);
        assert_eq!(
            key_action("Enter", false, Some(1), &c),
            KeyAction::Run,
            "a hidden highlight does not count"
        );
        assert_eq!(key_action("Tab", true, Some(2), &c), KeyAction::Accept(2));
        assert_eq!(key_action("Tab", true, None, &c), KeyAction::Pass);
    }

    #[test]
    fn escape_closes_only_a_shown_dropdown() {
        assert_eq!(key_action("Escape", true, None, &[]), KeyAction::Close);
        assert_eq!(key_action("Escape", false, None, &[]), KeyAction::Pass);
    }

    #[test]
    fn delete_removes_a_highlighted_saved_search_only() {
        let c = choices();
        assert_eq!(
            key_action("Delete", true, Some(0), &c),
            KeyAction::Delete("s1".into())
        );
        assert_eq!(key_action("Delete", true, Some(1), &c), KeyAction::Pass);
        assert_eq!(key_action("Delete", false, Some(0), &c), KeyAction::Pass);
        assert!(!key_action("x", true, Some(0), &c).prevents_default());
    }
}
