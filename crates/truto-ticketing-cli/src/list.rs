//! `truto-ticketing users list --account ID`: every user of an account to stdout, one at a
//! time as pages arrive (flat memory whatever the account's size), as JSON Lines (every
//! field) or CSV (the columns `users import` reads, so that a listing of one account
//! imports into another).

use std::io::{BufWriter, Write};

use clap::{Args, ValueEnum};
use truto_ticketing::time::OffsetDateTime;
use truto_ticketing::time::format_description::well_known::Rfc3339;
use truto_ticketing::{ListUsersOptions, SortOrder, TimeBounds, User};

use crate::connection::Connection;
use crate::progress::Counter;
use crate::{ConnectionArgs, SOME_FAILED, SUCCESS, USAGE};

/// The CSV columns: what `users import` reads and another tool can take. Team ids, roles
/// and `remote_data` name things of the source tool only; JSON Lines keeps them.
pub(crate) const CSV_COLUMNS: [&str; 8] = [
    "id",
    "name",
    "email",
    "first_name",
    "last_name",
    "username",
    "avatar",
    "status",
];

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One JSON object per user, every field (Truto's field names).
    Jsonl,
    /// The columns `users import` reads: id, name, email, first_name, last_name, username,
    /// avatar, status.
    Csv,
}

#[derive(Args)]
pub(crate) struct ListArgs {
    /// The integrated account to list.
    #[arg(long, value_name = "ID")]
    account: String,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    #[command(flatten)]
    filters: ListFilters,
    /// Retries of a page's request after a retryable failure (default 4).
    #[arg(long, default_value_t = 4)]
    max_retries: u32,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// What to list; Truto ignores a filter the integration does not support.
#[derive(Args)]
pub(crate) struct ListFilters {
    /// Users with this email address; repeat for any of several.
    #[arg(long = "email", value_name = "EMAIL")]
    emails: Vec<String>,
    /// Users whose name matches.
    #[arg(long)]
    name: Option<String>,
    /// Active users only.
    #[arg(long, conflicts_with = "inactive")]
    active: bool,
    /// Inactive users only.
    #[arg(long)]
    inactive: bool,
    /// Users created at or after this RFC 3339 date-time.
    #[arg(long, value_name = "RFC3339", value_parser = rfc3339)]
    created_since: Option<OffsetDateTime>,
    /// Users created before this RFC 3339 date-time.
    #[arg(long, value_name = "RFC3339", value_parser = rfc3339)]
    created_before: Option<OffsetDateTime>,
    /// Users changed at or after this RFC 3339 date-time.
    #[arg(long, value_name = "RFC3339", value_parser = rfc3339)]
    updated_since: Option<OffsetDateTime>,
    /// Users changed before this RFC 3339 date-time.
    #[arg(long, value_name = "RFC3339", value_parser = rfc3339)]
    updated_before: Option<OffsetDateTime>,
    /// Sort by FIELD, ascending (FIELD or FIELD:asc) or descending (FIELD:desc); repeat.
    #[arg(long = "sort", value_name = "FIELD[:asc|desc]", value_parser = sort)]
    sort_by: Vec<(String, SortOrder)>,
    /// A project to list (Pivotal Tracker requires one); repeat for more.
    #[arg(long = "collection", value_name = "ID")]
    collections: Vec<String>,
    /// Users per page.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    page_size: u32,
    /// Start from this page: the cursor an earlier, stopped listing reported.
    #[arg(long)]
    cursor: Option<String>,
}

fn rfc3339(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|error| format!("not an RFC 3339 date-time (2026-01-31T09:00:00Z): {error}"))
}

fn sort(text: &str) -> Result<(String, SortOrder), String> {
    let (field, order) = text.split_once(':').unwrap_or((text, "asc"));
    let order = match order {
        "asc" => SortOrder::Asc,
        "desc" => SortOrder::Desc,
        other => return Err(format!("{other:?} is not asc or desc")),
    };
    if field.is_empty() {
        return Err("no field to sort by".to_owned());
    }
    Ok((field.to_owned(), order))
}

impl ListFilters {
    pub(crate) fn options(&self) -> ListUsersOptions {
        let bounds = |since: Option<OffsetDateTime>, before: Option<OffsetDateTime>| {
            let mut bounds = TimeBounds::default();
            bounds.gte = since.map(Into::into);
            bounds.lt = before.map(Into::into);
            bounds
        };
        let mut options = ListUsersOptions::default();
        options.limit = Some(self.page_size);
        options.cursor = self.cursor.clone();
        options.emails = self.emails.clone();
        options.name = self.name.clone();
        options.is_active = match (self.active, self.inactive) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        options.created_at = bounds(self.created_since, self.created_before);
        options.updated_at = bounds(self.updated_since, self.updated_before);
        options.sort_by = self.sort_by.clone();
        options.collections = self
            .collections
            .iter()
            .map(truto_ticketing::CollectionRef::new)
            .collect();
        options
    }
}

/// Why a listing ended.
enum End {
    Done,
    Interrupted,
    Failed(truto_ticketing::Error),
    /// stdout closed (`| head`): nothing more to write, and nothing wrong.
    Closed,
    Unwritable(std::io::Error),
}

pub(crate) async fn run(args: ListArgs) -> u8 {
    let connection = match Connection::open(&args.connection, Some(args.max_retries)).await {
        Ok(connection) => connection,
        Err(message) => {
            eprintln!("truto-ticketing: {message}");
            return USAGE;
        }
    };
    let stdout = std::io::stdout().lock();
    let mut output = match args.format {
        Format::Jsonl => Output::Jsonl(BufWriter::new(stdout)),
        Format::Csv => Output::Csv(Box::new(csv::Writer::from_writer(stdout))),
    };
    let mut pages = connection
        .client
        .list_users_with(&args.account, args.filters.options())
        .pages();
    let mut counter = Counter::new("list", "users");
    let mut listed = 0u64;
    let mut end = output.start().err().map_or(End::Done, written);
    while matches!(end, End::Done) {
        let page = tokio::select! {
            page = pages.next_page() => page,
            _ = tokio::signal::ctrl_c() => {
                end = End::Interrupted;
                break;
            }
        };
        let page = match page {
            Ok(Some(page)) => page,
            Ok(None) => break,
            Err(error) => {
                end = End::Failed(error);
                break;
            }
        };
        for user in &page.users {
            if let Err(error) = output.write(user) {
                end = written(error);
                break;
            }
        }
        listed += page.users.len() as u64;
        counter.update(listed);
    }
    counter.finish(listed);
    if let (End::Done, Err(error)) = (&end, output.flush()) {
        end = written(error);
    }
    match end {
        End::Done | End::Closed => SUCCESS,
        End::Unwritable(error) => {
            eprintln!("truto-ticketing: writing the listing: {error}");
            SOME_FAILED
        }
        End::Interrupted | End::Failed(_) => {
            match end {
                End::Failed(error) => eprintln!("truto-ticketing: {error}"),
                _ => eprintln!("\ntruto-ticketing: interrupted"),
            }
            // Where the listing stopped, to carry on with --cursor.
            if let Some(cursor) = pages.next_cursor() {
                eprintln!("truto-ticketing: resume with --cursor {cursor}");
            }
            SOME_FAILED
        }
    }
}

fn written(error: std::io::Error) -> End {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        End::Closed
    } else {
        End::Unwritable(error)
    }
}

enum Output<W: Write> {
    Jsonl(BufWriter<W>),
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> Output<W> {
    /// The CSV header; nothing for JSON Lines.
    fn start(&mut self) -> std::io::Result<()> {
        match self {
            Output::Jsonl(_) => Ok(()),
            Output::Csv(out) => out.write_record(CSV_COLUMNS).map_err(Into::into),
        }
    }

    fn write(&mut self, user: &User) -> std::io::Result<()> {
        match self {
            Output::Jsonl(out) => {
                serde_json::to_writer(&mut *out, user)?;
                out.write_all(b"\n")
            }
            Output::Csv(out) => out.write_record(csv_record(user)).map_err(Into::into),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::Jsonl(out) => out.flush(),
            Output::Csv(out) => out.flush(),
        }
    }
}

/// A user as the row `users import` reads back: [`CSV_COLUMNS`], empty where unknown.
fn csv_record(user: &User) -> [String; 8] {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let status = match user.is_active {
        Some(true) => "active",
        Some(false) => "inactive",
        None => "",
    };
    [
        user.id.clone(),
        text(&user.name),
        user.primary_email().unwrap_or_default().to_owned(),
        text(&user.first_name),
        text(&user.last_name),
        text(&user.username),
        text(&user.avatar),
        status.to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_becomes_the_row_import_reads() {
        let user: User = serde_json::from_value(serde_json::json!({
            "id": 7, "name": "Ada", "emails": [{"email": "o@x.com", "type": "other"}, {"email": "ada@x.com", "type": "primary"}],
            "is_active": false, "team_ids": ["t"], "roles": [{"id": "1", "name": "agent"}]
        }))
        .unwrap();
        assert_eq!(
            csv_record(&user),
            ["7", "Ada", "ada@x.com", "", "", "", "", "inactive"].map(String::from)
        );
    }

    #[test]
    fn sort_and_dates_are_checked_by_the_argument_parser() {
        assert_eq!(sort("name").unwrap(), ("name".to_owned(), SortOrder::Asc));
        assert_eq!(
            sort("created_at:desc").unwrap(),
            ("created_at".to_owned(), SortOrder::Desc)
        );
        assert!(sort("name:up").is_err());
        assert!(rfc3339("2026-01-31").is_err());
        assert!(rfc3339("2026-01-31T09:00:00+01:00").is_ok());
    }
}
