//! The tally a command reports: the index's own when nothing was filtered,
//! else one over the selected requests.

use crate::index::Index;
use crate::index::groups::Tally;
use crate::query::Selection;
use std::borrow::Cow;

pub fn of<'a>(idx: &'a Index, sel: &Selection) -> Cow<'a, Tally> {
    if sel.everything {
        Cow::Borrowed(&idx.tally)
    } else {
        Cow::Owned(Tally::of(idx, &sel.requests))
    }
}
