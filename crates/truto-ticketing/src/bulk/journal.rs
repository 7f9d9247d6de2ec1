//! A record of the rows an import finished, so that running it again skips them.
//!
//! One JSON object per line, appended and flushed as each row finishes: a process killed
//! at any moment (even with SIGKILL) leaves every finished row recorded, and at worst one
//! last line cut short, which reading ignores. A row that was in flight when the process
//! died is not recorded: the rerun sends it again with the same idempotency key, and
//! Truto answers with the user the first request created.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorDetails, ErrorKind, Result};

/// How often the journal is synced to disk, beyond the flush after every line (which
/// already survives the process being killed).
const SYNC_EVERY: Duration = Duration::from_secs(1);

/// One finished row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The row's id.
    pub row: String,
    /// `created`, `replayed` or `failed`.
    pub outcome: String,
    /// The created user's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The error kind of a failed row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
}

impl JournalEntry {
    /// Whether the row's user exists: a rerun skips it.
    pub fn is_done(&self) -> bool {
        self.outcome != "failed"
    }
}

/// An append-only journal file.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: BufWriter<File>,
    last_sync: Instant,
}

impl Journal {
    /// Opens (creating it if needed) the journal at `path`, and reads the rows it already
    /// holds as done (created or replayed); failed rows are tried again.
    pub fn open(path: impl AsRef<Path>) -> Result<(Journal, HashSet<String>)> {
        let path = path.as_ref().to_path_buf();
        let done = match File::open(&path) {
            Ok(file) => read_done(BufReader::new(file), &path)?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => HashSet::new(),
            Err(error) => return Err(io_error(&path, &error)),
        };
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(|error| io_error(&path, &error))?;
        // A line cut short by a crash is ended, so the next entry starts a line of its own.
        if ends_inside_a_line(&mut file).map_err(|error| io_error(&path, &error))? {
            file.write_all(b"\n")
                .map_err(|error| io_error(&path, &error))?;
        }
        Ok((
            Journal {
                path,
                file: BufWriter::new(file),
                last_sync: Instant::now(),
            },
            done,
        ))
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records a finished row: written and flushed before this returns.
    pub fn record(&mut self, entry: &JournalEntry) -> Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(|error| {
            Error::invalid_input("journal", format!("cannot encode an entry: {error}"))
        })?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .and_then(|()| self.file.flush())
            .map_err(|error| io_error(&self.path, &error))?;
        if self.last_sync.elapsed() >= SYNC_EVERY {
            self.sync()?;
        }
        Ok(())
    }

    /// Syncs what was written to disk.
    pub fn sync(&mut self) -> Result<()> {
        self.file
            .flush()
            .and_then(|()| self.file.get_ref().sync_data())
            .map_err(|error| io_error(&self.path, &error))?;
        self.last_sync = Instant::now();
        Ok(())
    }
}

fn ends_inside_a_line(file: &mut File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

fn read_done(reader: impl BufRead, path: &Path) -> Result<HashSet<String>> {
    let mut done = HashSet::new();
    for line in reader.lines() {
        let line = line.map_err(|error| io_error(path, &error))?;
        // A line cut short by a crash is not an entry; everything before it was flushed
        // whole.
        if let Ok(entry) = serde_json::from_str::<JournalEntry>(&line) {
            if entry.is_done() {
                done.insert(entry.row);
            } else {
                done.remove(&entry.row);
            }
        }
    }
    Ok(done)
}

fn io_error(path: &Path, error: &std::io::Error) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        ErrorDetails {
            message: format!("journal {}: {error}", path.display()),
            field: Some("journal".to_owned()),
            ..ErrorDetails::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(row: &str, outcome: &str) -> JournalEntry {
        JournalEntry {
            row: row.to_owned(),
            outcome: outcome.to_owned(),
            user_id: None,
            error_kind: None,
        }
    }

    #[test]
    fn a_reopened_journal_knows_its_done_rows_and_ignores_a_cut_line() {
        let path = std::env::temp_dir().join(format!("truto-journal-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        {
            let (mut journal, done) = Journal::open(&path).unwrap();
            assert!(done.is_empty());
            journal.record(&entry("1", "created")).unwrap();
            journal.record(&entry("2", "failed")).unwrap();
            journal.record(&entry("3", "replayed")).unwrap();
        }
        // A crash in the middle of a line.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(br#"{"row":"4","outc"#)
            .unwrap();
        let (mut journal, done) = Journal::open(&path).unwrap();
        let mut done: Vec<_> = done.into_iter().collect();
        done.sort();
        assert_eq!(done, ["1", "3"]);
        // Written after the cut line, an entry is still read.
        journal.record(&entry("5", "created")).unwrap();
        drop(journal);
        let (_, done) = Journal::open(&path).unwrap();
        assert!(done.contains("5"), "{done:?}");
        let _ = std::fs::remove_file(&path);
    }
}
