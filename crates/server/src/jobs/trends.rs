//! The daily trend snapshot: once a UTC day, one process counts every trend widget's query and
//! stores the day's point (`store::trends`). Each process's sweeper asks; the first to claim
//! the day runs it, the others see it claimed; a run whose process died is taken over.

use crate::store::trends::day_of;
use crate::store::Store;

/// What one tick did.
#[derive(Debug, PartialEq, Eq)]
pub enum Tick {
    /// The day's snapshot was taken here: this many questions counted.
    Took(usize),
    /// Another process has the day (or had it and finished).
    Elsewhere,
}

/// Takes the snapshot of `now`'s day if no one else has it.
pub async fn tick(
    store: &Store,
    owner: &str,
    now: i64,
    stale_before: i64,
) -> Result<Tick, crate::store::listing::ListError> {
    let day = day_of(now);
    if !store.claim_trend_day(day, owner, now, stale_before).await? {
        return Ok(Tick::Elsewhere);
    }
    let questions = store.trend_questions(now).await?;
    for f in &questions {
        store.trend_point(f, now).await?;
    }
    store.finish_trend_day(day, owner, now).await?;
    Ok(Tick::Took(questions.len()))
}
