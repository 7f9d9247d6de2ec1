//! Rows read from a CSV or JSON Lines file, one at a time, into users (read by the core,
//! which names a bad field).
//!
//! CSV: a header of field names (Truto's: `name`, `first_name`, `username`, ...), with
//! `email` for a primary email, `team_ids`, `roles` and `languages` separated by `;`,
//! `remote_data` and `custom_fields` as JSON, and `id` for the row's id (else the line
//! number). Empty cells are left out. JSON Lines: one object per line in Truto's field
//! names, `id` (a string or a number) for the row's id, else the line number, and `email`
//! for a primary email as in CSV.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::{Map, Value, json};
use truto_ticketing::{Error, NewUser};

/// A row as read.
pub(crate) struct ReadRow {
    /// The line the row starts on (1 for the first line of the file).
    pub(crate) line: u64,
    /// The row's id: its `id`, else its line number.
    pub(crate) id: String,
    /// The row in Truto's field names, as it will be sent (and written to the failures
    /// file if it fails).
    pub(crate) fields: Value,
    /// The user, or why the row is not one.
    pub(crate) user: Result<NewUser, Error>,
}

/// The columns a CSV file may have besides the user's fields.
const ID: &str = "id";
const EMAIL: &str = "email";
const LISTS: [&str; 3] = ["team_ids", "roles", "languages"];
const JSON_OBJECTS: [&str; 2] = ["remote_data", "custom_fields"];

pub(crate) enum RowReader {
    Csv {
        records: csv::StringRecordsIntoIter<File>,
        header: Vec<String>,
    },
    JsonLines {
        lines: std::io::Lines<BufReader<File>>,
        line: u64,
    },
}

impl RowReader {
    /// `Err`: a message for the user (an unknown extension, an unreadable file, an
    /// unknown CSV column).
    pub(crate) fn open(path: &Path) -> Result<RowReader, String> {
        let file = File::open(path).map_err(|error| format!("{}: {error}", path.display()))?;
        match extension(path)?.as_str() {
            "csv" => {
                let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
                let header: Vec<String> = reader
                    .headers()
                    .map_err(|error| format!("{}: {error}", path.display()))?
                    .iter()
                    .map(|name| name.trim().to_owned())
                    .collect();
                let known = |column: &str| {
                    column == ID || column == EMAIL || NewUser::field_names().contains(&column)
                };
                if let Some(unknown) = header.iter().find(|column| !known(column)) {
                    return Err(format!(
                        "{}: unknown column {unknown:?}; the columns are `id`, `email` and the user's fields: {}",
                        path.display(),
                        NewUser::field_names().join(", ")
                    ));
                }
                Ok(RowReader::Csv {
                    records: reader.into_records(),
                    header,
                })
            }
            _ => Ok(RowReader::JsonLines {
                lines: BufReader::new(file).lines(),
                line: 0,
            }),
        }
    }

    /// Counts the rows without keeping them, for the progress display.
    pub(crate) fn count(path: &Path) -> Result<u64, String> {
        Ok(RowReader::open(path)?.count() as u64)
    }
}

fn extension(path: &Path) -> Result<String, String> {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "csv" | "jsonl" | "ndjson" => Ok(extension),
        _ => Err(format!(
            "{}: expected a .csv or a .jsonl file",
            path.display()
        )),
    }
}

impl Iterator for RowReader {
    type Item = ReadRow;

    fn next(&mut self) -> Option<ReadRow> {
        match self {
            RowReader::Csv { records, header } => {
                let record = records.next()?;
                Some(match record {
                    Ok(record) => {
                        let line = record.position().map_or(0, csv::Position::line);
                        csv_row(header, &record, line)
                    }
                    Err(error) => {
                        let line = error.position().map_or(0, csv::Position::line);
                        unreadable(line, Value::Null, format!("is not a CSV record: {error}"))
                    }
                })
            }
            RowReader::JsonLines { lines, line } => loop {
                let text = lines.next()?;
                *line += 1;
                let text = match text {
                    Ok(text) => text,
                    Err(error) => return Some(unreadable(*line, Value::Null, error.to_string())),
                };
                if text.trim().is_empty() {
                    continue;
                }
                return Some(json_row(&text, *line));
            },
        }
    }
}

fn csv_row(header: &[String], record: &csv::StringRecord, line: u64) -> ReadRow {
    let mut id = None;
    let mut fields = Map::new();
    for (column, cell) in header.iter().zip(record.iter()) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let column = column.as_str();
        let value = if column == ID {
            id = Some(cell.to_owned());
            continue;
        } else if column == EMAIL {
            fields.insert(EMAIL.to_owned(), Value::from(cell));
            continue;
        } else if LISTS.contains(&column) {
            let items: Vec<&str> = cell
                .split(';')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .collect();
            match (column, items.as_slice()) {
                ("roles", [one]) => json!(one),
                ("roles", many) => {
                    Value::Array(many.iter().map(|name| json!({"name": name})).collect())
                }
                (_, items) => json!(items),
            }
        } else if JSON_OBJECTS.contains(&column) {
            match serde_json::from_str(cell) {
                Ok(value) => value,
                Err(error) => {
                    let message = format!("{column}: is not JSON: {error}");
                    return unreadable(line, Value::Object(fields), message);
                }
            }
        } else {
            Value::String(cell.to_owned())
        };
        fields.insert(column.to_owned(), value);
    }
    expand_email(&mut fields);
    let fields = Value::Object(fields);
    ReadRow {
        line,
        id: id.unwrap_or_else(|| line.to_string()),
        user: NewUser::from_json(fields.clone()),
        fields,
    }
}

fn json_row(text: &str, line: u64) -> ReadRow {
    let mut value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => return unreadable(line, Value::Null, format!("is not JSON: {error}")),
    };
    let id = match value.as_object_mut().and_then(|fields| fields.remove(ID)) {
        Some(Value::String(id)) => id,
        Some(Value::Number(id)) => id.to_string(),
        Some(_) => return unreadable(line, value, "id: must be a string or a number".to_owned()),
        None => line.to_string(),
    };
    if let Some(fields) = value.as_object_mut() {
        expand_email(fields);
    }
    ReadRow {
        line,
        id,
        user: NewUser::from_json(value.clone()),
        fields: value,
    }
}

/// `email` (a primary email, the shorthand of CSV and JSON Lines) as Truto's `emails`,
/// before any other email given in `emails`.
fn expand_email(fields: &mut Map<String, Value>) {
    let Some(email) = fields.remove(EMAIL) else {
        return;
    };
    let primary = json!({"email": email, "type": "primary"});
    match fields.get_mut("emails") {
        Some(Value::Array(emails)) => emails.insert(0, primary),
        _ => {
            fields.insert("emails".to_owned(), json!([primary]));
        }
    }
}

/// A row's primary email (the one marked primary, else the first), lower-cased: what
/// `--skip-existing` compares.
pub(crate) fn primary_email(fields: &Value) -> Option<String> {
    let emails = fields["emails"].as_array()?;
    let primary = emails
        .iter()
        .find(|email| email["type"] == "primary")
        .or_else(|| emails.first())?;
    primary["email"].as_str().map(str::to_lowercase)
}

fn unreadable(line: u64, fields: Value, message: String) -> ReadRow {
    ReadRow {
        line,
        id: line.to_string(),
        fields,
        user: Err(Error::invalid_input("row", message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("truto-cli-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn csv_columns_become_truto_fields() {
        let path = write(
            "users.csv",
            "id,name,email,team_ids,roles,remote_data\n\
             u-1,Ada Lovelace,ada@example.com,t1; t2,owner,\"{\"\"level\"\": 7}\"\n\
             ,Grace,grace@example.com,,member;viewer,\n",
        );
        let rows: Vec<ReadRow> = RowReader::open(&path).unwrap().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].id, "u-1");
        assert_eq!(
            rows[0].fields,
            json!({
                "name": "Ada Lovelace",
                "emails": [{"email": "ada@example.com", "type": "primary"}],
                "team_ids": ["t1", "t2"],
                "roles": "owner",
                "remote_data": {"level": 7}
            })
        );
        assert!(rows[0].user.is_ok());
        assert_eq!(rows[1].id, "3", "no id: the line number");
        assert_eq!(
            rows[1].fields["roles"],
            json!([{"name": "member"}, {"name": "viewer"}])
        );
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn an_unknown_column_is_refused_up_front() {
        let path = write("bad.csv", "name,emial\nAda,ada@example.com\n");
        let error = RowReader::open(&path).err().unwrap();
        assert!(error.contains("\"emial\""), "{error}");
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn json_lines_take_the_email_shorthand_as_csv_does() {
        let path = write(
            "email.jsonl",
            "{\"name\": \"Ada\", \"email\": \"Ada@Example.com\"}\n\
             {\"name\": \"Grace\", \"email\": \"g@x.com\", \"emails\": [{\"email\": \"h@x.com\", \"type\": \"other\"}]}\n",
        );
        let rows: Vec<ReadRow> = RowReader::open(&path).unwrap().collect();
        assert_eq!(
            rows[0].fields["emails"],
            json!([{"email": "Ada@Example.com", "type": "primary"}])
        );
        assert!(rows[0].user.is_ok());
        assert_eq!(
            primary_email(&rows[0].fields).as_deref(),
            Some("ada@example.com")
        );
        assert_eq!(rows[1].fields["emails"].as_array().unwrap().len(), 2);
        assert_eq!(primary_email(&rows[1].fields).as_deref(), Some("g@x.com"));
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn json_lines_take_their_id_and_a_bad_line_fails_alone() {
        let path = write(
            "users.jsonl",
            "{\"id\": 7, \"name\": \"Ada\"}\n\n{not json\n{\"name\": 5}\n",
        );
        let rows: Vec<ReadRow> = RowReader::open(&path).unwrap().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].id.as_str(), rows[0].line), ("7", 1));
        assert_eq!(rows[1].id, "3");
        assert_eq!(rows[1].user.as_ref().unwrap_err().field(), Some("row"));
        assert_eq!(rows[2].user.as_ref().unwrap_err().field(), Some("name"));
        let _ = std::fs::remove_file(path);
    }
}
