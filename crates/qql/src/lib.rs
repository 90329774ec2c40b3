//! QQL: the query language of Shipshape (being written; see `shared/spec/qql.md`).
