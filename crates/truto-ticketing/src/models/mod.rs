//! What is sent and what comes back, with Truto's field names on the wire.

mod common;
mod fields;
mod new_user;
mod string_enum;
mod timestamp;
mod user;

pub use common::{CollectionRef, Email, EmailType, Role, RoleName, Roles, UserStatus};
pub use fields::struct_fields;
pub(crate) use new_user::check_text;
pub use new_user::{MAX_FIELD_LENGTH, NewUser};
pub use timestamp::Timestamp;
pub(crate) use timestamp::format_rfc3339;
pub use user::User;
