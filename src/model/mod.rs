//! Records and their fields, ids, money, dates and stages. Knows nothing of files or of clap.

pub mod canonical;
pub mod clock;
pub mod comments;
pub mod contact;
pub mod fold;
pub mod id;
pub mod money;
pub mod nesting;
pub mod phone;
pub mod record;
pub mod record_type;
pub mod spec;
pub mod stage;
pub mod units;
pub mod value;

pub use clock::Clock;
pub use record::Record;
pub use record_type::RecordType;
