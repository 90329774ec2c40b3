//! Reports' files: what a row holds (`rows`) and how the file is written (`file`). The job
//! that generates them is `jobs::reports`; their rows and chunks are `store::reports`.

pub mod file;
pub mod rows;
pub mod schedule;
