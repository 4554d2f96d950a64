//! Pointing at the page from elsewhere: URL parameters that open a lesson at a stop, in a
//! language, at a speed ([`params`]).

pub mod params;
