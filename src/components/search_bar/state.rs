//! The search bar's states as named values, and the pure rules over them: which recent and
//! saved searches the dropdown lists, what it says while they load, and how the cached lists
//! change as the user runs, saves and deletes searches.

use shipshape_model::searches::{RecentSearch, SavedSearch, Searches};
use shipshape_model::EpochMillis;
use shipshape_qql::{CompletionItem, CompletionKind, Entity};

/// Recent searches shown in the dropdown (the server may keep more).
pub const MAX_RECENT: usize = 8;

/// The user's recent and saved searches for this list, fetched when the dropdown first needs
/// them and then kept up to date here.
#[derive(Clone, Debug, PartialEq)]
pub enum History {
    NotLoaded,
    Loading,
    Loaded(Searches),
    Failed(String),
}

impl History {
    /// Loaded or failed: waiting longer will not bring anything.
    pub fn is_settled(&self) -> bool {
        matches!(self, History::Loaded(_) | History::Failed(_))
    }

    /// A search just run goes first among the recent ones (once).
    pub fn record_recent(&mut self, query: String, at: EpochMillis) {
        if let History::Loaded(s) = self {
            s.recent.retain(|r| r.query != query);
            s.recent.insert(0, RecentSearch { query, at });
        }
    }

    /// A search just saved is listed (replacing one with its id); lists not loaded yet are
    /// fetched afresh next time.
    pub fn keep_saved(&mut self, saved: SavedSearch) {
        match self {
            History::Loaded(s) => {
                s.saved.retain(|x| x.id != saved.id);
                s.saved.push(saved);
            }
            other => *other = History::NotLoaded,
        }
    }

    /// A saved search just deleted goes from the list.
    pub fn forget_saved(&mut self, id: &str) {
        if let History::Loaded(s) = self {
            s.saved.retain(|x| x.id != id);
        }
    }
}

/// The line the dropdown shows under its entries when it lists the searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryNote {
    Loading,
    Unavailable,
    /// "Saved" pressed with nothing saved or recent.
    Empty,
}

impl HistoryNote {
    /// What the dropdown says, in the history mode, with `history` in hand; `forced` is
    /// "Saved" pressed and `no_choices` an empty dropdown.
    pub fn of(history: &History, forced: bool, no_choices: bool) -> Option<HistoryNote> {
        match history {
            History::NotLoaded | History::Loading => Some(HistoryNote::Loading),
            History::Failed(_) => Some(HistoryNote::Unavailable),
            History::Loaded(_) if forced && no_choices => Some(HistoryNote::Empty),
            History::Loaded(_) => None,
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            HistoryNote::Loading => "Loading recent and saved searches…",
            HistoryNote::Unavailable => "Recent and saved searches are unavailable.",
            HistoryNote::Empty => "No recent or saved searches yet.",
        }
    }
}

/// One entry of the dropdown.
#[derive(Clone, Debug, PartialEq)]
pub enum Choice {
    Complete(CompletionItem),
    Recent(RecentSearch),
    Saved(SavedSearch),
}

impl Choice {
    /// The heading it is listed under when the dropdown shows searches.
    pub fn group(&self) -> &'static str {
        match self {
            Choice::Saved(_) => "Saved searches",
            Choice::Recent(_) => "Recent searches",
            Choice::Complete(_) => "Fields",
        }
    }
}

/// The dropdown's searches: the saved ones of `entity`, then the newest distinct recent
/// ones, at most [`MAX_RECENT`].
pub fn history_choices(searches: &Searches, entity: Entity) -> Vec<Choice> {
    let mut out: Vec<Choice> = searches
        .saved
        .iter()
        .filter(|x| x.entity.is_empty() || x.entity == entity.as_str())
        .cloned()
        .map(Choice::Saved)
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    for r in &searches.recent {
        if seen.len() >= MAX_RECENT || seen.contains(&r.query.as_str()) {
            continue;
        }
        seen.push(&r.query);
        out.push(Choice::Recent(r.clone()));
    }
    out
}

/// A completion's kind, as the dropdown labels it (and its CSS class).
pub fn kind_name(k: CompletionKind) -> &'static str {
    match k {
        CompletionKind::Token => "field",
        CompletionKind::Value => "value",
        CompletionKind::Operator => "operator",
        CompletionKind::Keyword => "keyword",
    }
}

/// A short example for the placeholder.
pub fn default_example(entity: Entity) -> &'static str {
    match entity {
        Entity::Sensor => "status:RUNNING",
        Entity::Image => "vulnerabilities.severity>=4",
        Entity::Container => "state:RUNNING and isRoot:true",
        Entity::Vulnerability => "severity:5 and patchAvailable:true",
        Entity::Audit => "actor:admin and at>now-7d",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recent(query: &str, at: i64) -> RecentSearch {
        RecentSearch {
            query: query.into(),
            at: EpochMillis(at),
        }
    }

    fn saved(id: &str, entity: &str, query: &str) -> SavedSearch {
        SavedSearch {
            id: id.into(),
            name: format!("name {id}"),
            entity: entity.into(),
            query: query.into(),
            created: EpochMillis(1),
        }
    }

    fn labels(choices: &[Choice]) -> Vec<String> {
        choices
            .iter()
            .map(|c| match c {
                Choice::Saved(s) => format!("saved {}", s.id),
                Choice::Recent(r) => format!("recent {}", r.query),
                Choice::Complete(i) => format!("complete {}", i.label),
            })
            .collect()
    }

    #[test]
    fn saved_of_the_entity_come_first_then_distinct_recent_newest_first() {
        let s = Searches {
            recent: vec![recent("a", 3), recent("b", 2), recent("a", 1)],
            saved: vec![
                saved("1", "containers", "x"),
                saved("2", "images", "y"),
                saved("3", "", "z"),
            ],
        };
        assert_eq!(
            labels(&history_choices(&s, Entity::Container)),
            ["saved 1", "saved 3", "recent a", "recent b"]
        );
    }

    #[test]
    fn at_most_max_recent_recent_searches_are_listed() {
        let s = Searches {
            recent: (0..20).map(|i| recent(&format!("q{i}"), 100 - i)).collect(),
            saved: Vec::new(),
        };
        let listed = labels(&history_choices(&s, Entity::Image));
        assert_eq!(listed.len(), MAX_RECENT);
        assert_eq!(listed[0], "recent q0");
        assert_eq!(
            listed[MAX_RECENT - 1],
            format!("recent q{}", MAX_RECENT - 1)
        );
    }

    #[test]
    fn a_search_run_again_moves_to_the_top_once() {
        let mut h = History::Loaded(Searches {
            recent: vec![recent("a", 2), recent("b", 1)],
            saved: Vec::new(),
        });
        h.record_recent("b".into(), EpochMillis(9));
        let History::Loaded(s) = &h else { panic!() };
        assert_eq!(s.recent, [recent("b", 9), recent("a", 2)]);

        let mut not_yet = History::NotLoaded;
        not_yet.record_recent("b".into(), EpochMillis(9));
        assert_eq!(not_yet, History::NotLoaded, "fetched afresh when needed");
    }

    #[test]
    fn saving_replaces_by_id_and_deleting_removes_it() {
        let mut h = History::Loaded(Searches {
            recent: Vec::new(),
            saved: vec![saved("1", "images", "old"), saved("2", "images", "y")],
        });
        h.keep_saved(saved("1", "images", "new"));
        h.forget_saved("2");
        let History::Loaded(s) = &h else { panic!() };
        assert_eq!(s.saved, [saved("1", "images", "new")]);

        let mut failed = History::Failed("down".into());
        failed.keep_saved(saved("1", "images", "q"));
        assert_eq!(failed, History::NotLoaded, "tried again next time");
    }

    #[test]
    fn the_note_says_loading_unavailable_or_empty() {
        let loaded = History::Loaded(Searches::default());
        assert_eq!(
            HistoryNote::of(&History::NotLoaded, false, true),
            Some(HistoryNote::Loading)
        );
        assert_eq!(
            HistoryNote::of(&History::Loading, true, false),
            Some(HistoryNote::Loading)
        );
        assert_eq!(
            HistoryNote::of(&History::Failed("x".into()), false, false),
            Some(HistoryNote::Unavailable)
        );
        assert_eq!(
            HistoryNote::of(&loaded, true, true),
            Some(HistoryNote::Empty)
        );
        assert_eq!(HistoryNote::of(&loaded, false, true), None);
        assert_eq!(HistoryNote::of(&loaded, true, false), None);
    }
}
