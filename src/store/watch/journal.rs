//! The numbered changes a watcher has seen, and what it answers from them.

use std::collections::HashMap;

use super::protocol::Token;

/// More distinct changed paths than this are forgotten (and answered "all").
const MAX_CHANGES: usize = 200_000;

/// The numbered changes a watcher has seen.
#[derive(Debug)]
pub struct Journal {
    pub instance: u64,
    /// The number of the last change.
    seq: u64,
    /// Tokens before this number ask about changes that were lost.
    floor: u64,
    /// Each changed path, with the number of its last change.
    changes: HashMap<String, u64>,
    /// Questions answered with a list of changes, and with "all".
    pub listed: u64,
    pub all: u64,
}

impl Journal {
    pub fn new(instance: u64) -> Journal {
        Journal {
            instance,
            seq: 0,
            floor: 0,
            changes: HashMap::new(),
            listed: 0,
            all: 0,
        }
    }

    pub fn token(&self) -> Token {
        Token {
            instance: self.instance,
            seq: self.seq,
        }
    }

    /// A change to a path (a folder's path ends in `/`).
    pub fn note(&mut self, path: String) {
        self.seq += 1;
        self.changes.insert(path, self.seq);
        if self.changes.len() > MAX_CHANGES {
            self.lost();
        }
    }

    /// Changes happened that were not noted: every older token is answered "all".
    pub fn lost(&mut self) {
        self.seq += 1;
        self.floor = self.seq;
        self.changes.clear();
    }

    /// The current token, and the paths changed since `since` (sorted), or `None` when
    /// the journal cannot tell.
    pub fn since(&mut self, since: Option<Token>) -> (Token, Option<Vec<String>>) {
        let known = since
            .filter(|t| t.instance == self.instance && t.seq >= self.floor && t.seq <= self.seq);
        let changed = known.map(|t| {
            let mut paths: Vec<String> = self
                .changes
                .iter()
                .filter(|(_, n)| **n > t.seq)
                .map(|(p, _)| p.clone())
                .collect();
            paths.sort();
            paths
        });
        if changed.is_some() {
            self.listed += 1;
        } else {
            self.all += 1;
        }
        (self.token(), changed)
    }

    pub fn len(&self) -> usize {
        self.changes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(instance: u64, seq: u64) -> Option<Token> {
        Some(Token { instance, seq })
    }

    #[test]
    fn the_journal_answers_what_changed_since_a_token() {
        let mut j = Journal::new(9);
        // No token, or another watcher's: anything may have changed.
        assert_eq!(j.since(None), (token(9, 0).unwrap(), None));
        assert_eq!(j.since(token(8, 0)).1, None);
        j.note("deals/a.yaml".into());
        j.note("interactions/2026/12/".into());
        j.note("deals/a.yaml".into());
        let (now, changed) = j.since(token(9, 0));
        assert_eq!(now, token(9, 3).unwrap());
        assert_eq!(changed.unwrap(), ["deals/a.yaml", "interactions/2026/12/"]);
        // Since 2: only what changed after it (a.yaml again, at 3).
        assert_eq!(j.since(token(9, 2)).1.unwrap(), ["deals/a.yaml"]);
        assert_eq!(j.since(token(9, 3)).1.unwrap(), Vec::<String>::new());
        // A token from the future is not this watcher's.
        assert_eq!(j.since(token(9, 4)).1, None);
        assert_eq!((j.listed, j.all), (3, 3));
    }

    #[test]
    fn lost_changes_make_older_tokens_check_everything() {
        let mut j = Journal::new(9);
        j.note("deals/a.yaml".into());
        j.lost();
        assert_eq!(j.since(token(9, 1)).1, None);
        let (now, changed) = j.since(token(9, 2));
        assert_eq!((now.seq, changed), (2, Some(vec![])));
        j.note("deals/b.yaml".into());
        assert_eq!(j.since(token(9, 2)).1.unwrap(), ["deals/b.yaml"]);
        assert!(!j.is_empty());
    }
}
