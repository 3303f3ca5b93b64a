//! The messages a command and the watcher exchange (see [`super`]).

/// The watcher's socket, in the crm folder's `.crm/`.
pub const SOCKET: &str = ".crm/watch.sock";

/// A point in a watcher's numbering of changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Random, per watcher process (never 0).
    pub instance: u64,
    /// Changes seen before this point are numbered up to `seq`.
    pub seq: u64,
}

/// What the watcher answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The token to keep with what is read now.
    pub token: Token,
    /// The paths changed since the token asked about; `None`: anything may have changed.
    pub changed: Option<Vec<String>>,
}

/// What a watcher says of itself (`status`), sent as one line of JSON.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Status {
    pub pid: u32,
    /// The crm folder it watches.
    pub folder: String,
    /// When it started (UTC).
    pub since: String,
    /// How many folders it watches.
    pub folders: usize,
    /// How many distinct paths changed since it started (or since it last lost count).
    pub changed_paths: usize,
    pub token: String,
    /// Questions answered with a list of what changed, and with "check everything".
    pub answered_with_changes: u64,
    pub answered_all: u64,
    /// A folder could not be watched: every question is answered "check everything".
    pub blind: bool,
}

impl Status {
    /// The status as people read it.
    pub fn line(&self) -> String {
        format!(
            "pid {}, watching {} folders of {} since {}; {} paths changed, token {}; \
             answered {} questions with the changes and {} with \"check everything\"{}",
            self.pid,
            self.folders,
            self.folder,
            self.since,
            self.changed_paths,
            self.token,
            self.answered_with_changes,
            self.answered_all,
            if self.blind {
                "; blind (a folder could not be watched)"
            } else {
                ""
            },
        )
    }

    pub fn parse(bytes: &[u8]) -> Option<Status> {
        serde_json::from_slice(bytes).ok()
    }
}

/// A request to the watcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Since {
        token: Option<Token>,
        /// Device and inode of the crm folder the asker means.
        folder: (u64, u64),
    },
    Status,
    Stop,
}

impl Request {
    pub fn line(&self) -> String {
        match self {
            Request::Since { token, folder } => {
                let t = token.map_or("- -".to_string(), |t| format!("{} {}", t.instance, t.seq));
                format!("since {t} {} {}\n", folder.0, folder.1)
            }
            Request::Status => "status\n".into(),
            Request::Stop => "stop\n".into(),
        }
    }

    pub fn parse(line: &str) -> Option<Request> {
        let words: Vec<&str> = line.split_ascii_whitespace().collect();
        match words.as_slice() {
            ["status"] => Some(Request::Status),
            ["stop"] => Some(Request::Stop),
            ["since", instance, seq, dev, ino] => {
                let token = match (*instance, *seq) {
                    ("-", "-") => None,
                    (i, s) => Some(Token {
                        instance: i.parse().ok()?,
                        seq: s.parse().ok()?,
                    }),
                };
                Some(Request::Since {
                    token,
                    folder: (dev.parse().ok()?, ino.parse().ok()?),
                })
            }
            _ => None,
        }
    }
}

/// The bytes of an answer to `since`.
pub fn answer_bytes(token: Token, changed: Option<&[String]>) -> Vec<u8> {
    let mut out = format!("token {} {}\n", token.instance, token.seq).into_bytes();
    match changed {
        None => out.extend_from_slice(b"all\n"),
        Some(paths) => {
            out.extend_from_slice(format!("changed {}\n", paths.len()).as_bytes());
            for p in paths {
                out.extend_from_slice(p.as_bytes());
                out.push(0);
            }
        }
    }
    out
}

/// Reads what [`answer_bytes`] wrote.
pub fn parse_answer(bytes: &[u8]) -> Option<Answer> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (first, rest) = text.split_once('\n')?;
    let token = match first.split(' ').collect::<Vec<_>>().as_slice() {
        ["token", i, s] => Token {
            instance: i.parse().ok()?,
            seq: s.parse().ok()?,
        },
        _ => return None,
    };
    let (second, paths) = rest.split_once('\n')?;
    let changed = match second.split_once(' ') {
        None if second == "all" && paths.is_empty() => None,
        Some(("changed", n)) => {
            let n: usize = n.parse().ok()?;
            let list: Vec<String> = paths
                .strip_suffix('\0')
                .map(|p| p.split('\0').map(String::from).collect())
                .unwrap_or_default();
            if list.len() != n {
                return None;
            }
            Some(list)
        }
        _ => return None,
    };
    Some(Answer { token, changed })
}

/// Device and inode of a folder.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_read_back() {
        let token = Some(Token {
            instance: 7,
            seq: 42,
        });
        for r in [
            Request::Since {
                token,
                folder: (1, 2),
            },
            Request::Since {
                token: None,
                folder: (3, 4),
            },
            Request::Status,
            Request::Stop,
        ] {
            assert_eq!(Request::parse(&r.line()), Some(r));
        }
        assert_eq!(
            Request::Since {
                token,
                folder: (1, 2)
            }
            .line(),
            "since 7 42 1 2\n"
        );
        assert_eq!(Request::parse("since 7 1 2\n"), None);
        assert_eq!(Request::parse("hello\n"), None);
    }

    #[test]
    fn answers_read_back() {
        let token = Token {
            instance: 7,
            seq: 42,
        };
        let paths = vec![
            "deals/a.yaml".to_string(),
            "interactions/2026/12/".to_string(),
        ];
        let bytes = answer_bytes(token, Some(&paths));
        assert_eq!(
            bytes,
            b"token 7 42\nchanged 2\ndeals/a.yaml\0interactions/2026/12/\0"
        );
        assert_eq!(
            parse_answer(&bytes),
            Some(Answer {
                token,
                changed: Some(paths)
            })
        );
        let none = answer_bytes(token, Some(&[]));
        assert_eq!(parse_answer(&none).unwrap().changed, Some(vec![]));
        let all = answer_bytes(token, None);
        assert_eq!(all, b"token 7 42\nall\n");
        assert_eq!(parse_answer(&all).unwrap().changed, None);
        // Cut short: no answer rather than a wrong one.
        assert_eq!(parse_answer(&bytes[..bytes.len() - 1]), None);
        assert_eq!(parse_answer(b"token 7 42\nchanged 3\na\0b\0"), None);
    }
}
